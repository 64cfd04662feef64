package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernels keep their vectors in registers even when other code in the JVM has used other vector classes
 * (see {@link VectorWidth#VECTOR}): a fresh JVM pollutes the Vector API's type profiles first, then measures
 * allocation per kernel call ({@link PollutedProfilesMain}). Before the kernels bound their vectors with
 * {@code VECTOR.cast}, GEMM allocated 27–380 KB per call here and softmax 4.7 MB.
 */
class PollutedProfilesTest {

    @Test
    void kernelsDoNotBoxVectorsAfterOtherVectorClassesRan() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules=jdk.incubator.vector");
        String bits = System.getProperty(VectorWidth.PROPERTY);
        if (bits != null) {
            cmd.add("-D" + VectorWidth.PROPERTY + "=" + bits);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PollutedProfilesMain.class.getName());
        Path log = Files.createTempFile("attn4j-polluted", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("forked JVM did not finish: " + cmd);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println("allocated bytes per call after polluting the Vector API profiles:\n" + out);
            assertTrue(out.contains("INFO: attn4j: using SIMD kernels simd-"), out);
            assertTrue(out.contains("flash-150x170-dv37 "), "every kernel was measured:\n" + out);
            assertEquals(0, p.exitValue(), out);
            // the harness must be able to see boxing: the uncast loop does box after the pollution
            double canary = out.lines().filter(l -> l.startsWith("canary ")).mapToDouble(
                    l -> Double.parseDouble(l.substring("canary ".length()).trim())).findFirst().orElse(-1);
            assertTrue(canary > PollutedProfilesMain.LIMIT, "the uncast canary loop should box after the profiles "
                    + "are polluted (else this check proves nothing on this JVM): " + canary + " bytes/call\n" + out);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
