package dev.attn4j.simd;

import dev.attn4j.Kernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which kernels {@link Kernels#best()} picks: in this JVM (started with the Vector API module, as the
 * build configures it) and in forked JVMs started with and without {@code --add-modules}.
 */
class ProviderSelectionTest {

    @Test
    void simdIsChosenInThisJvm() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the simd module's tests run with --add-modules jdk.incubator.vector");
        assertEquals("simd-" + SimdKernels.vectorBits(), Kernels.best().name());
        assertTrue(Kernels.best() instanceof SimdKernels);
    }

    @Test
    void withoutTheModuleAForkedJvmFallsBackAndWarnsOnce() throws Exception {
        Result r = fork(List.of());
        assertEquals("kernels=scalar same=true", r.stdout.strip(), r.toString());
        long warnings = r.stderr.lines().filter(l -> l.startsWith("WARNING: attn4j")).count();
        assertEquals(1, warnings, r.toString());
        assertTrue(r.stderr.contains("--add-modules jdk.incubator.vector"), r.toString());
    }

    @Test
    void withTheModuleAForkedJvmLogsOneInfoLineWithTheBits() throws Exception {
        Result r = fork(List.of("--add-modules=jdk.incubator.vector"));
        assertTrue(r.stdout.strip().startsWith("kernels=simd-"), r.toString());
        assertEquals(1, r.stderr.lines().filter(l -> l.startsWith("INFO: attn4j: using SIMD kernels simd-")).count(),
                r.toString());
        assertTrue(r.stderr.lines().noneMatch(l -> l.startsWith("WARNING: attn4j")), r.toString());
    }

    @Test
    void thePropertyForcesEachChoice() throws Exception {
        assertEquals("kernels=reference same=true",
                fork(List.of("--add-modules=jdk.incubator.vector", "-Dattn4j.kernels=reference")).stdout.strip());
        assertEquals("kernels=scalar same=true",
                fork(List.of("--add-modules=jdk.incubator.vector", "-Dattn4j.kernels=scalar")).stdout.strip());
        Result forced = fork(List.of("-Dattn4j.kernels=simd"));
        assertTrue(forced.exit != 0, forced.toString());
        assertTrue(forced.stderr.contains("cannot load") && forced.stderr.contains("jdk.incubator.vector"),
                forced.toString());
    }

    @Test
    void aNarrowerSpeciesCanBeForced() throws Exception {
        Result r = fork(List.of("--add-modules=jdk.incubator.vector", "-Dattn4j.vectorBits=128"));
        assertEquals("kernels=simd-128 same=true", r.stdout.strip(), r.toString());
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result fork(List<String> jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PrintBest.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("forked JVM did not finish: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out, err);
    }
}
