package dev.attn4j.bench;

import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;
import dev.attn4j.bench.peers.OrtMha;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgreementTest {
    @Test
    void compareFindsTheLargestDifferenceAndNaN() {
        float[] a = {1f, 2f, 3f};
        Agreement.Check same = Agreement.compare(a, a.clone(), 3, 0.0);
        assertTrue(same.ok());
        assertEquals(0.0, same.maxAbsDiff());
        Agreement.Check off = Agreement.compare(a, new float[]{1f, 2.5f, 3.1f}, 3, 0.2);
        assertEquals(0.5, off.maxAbsDiff(), 1e-6);
        assertFalse(off.ok());
        assertFalse(Agreement.compare(a, new float[]{Float.NaN, 2f, 3f}, 3, 1e9).ok());
        assertThrows(IllegalArgumentException.class, () -> Agreement.compare(a, new float[2], 3, 1));
    }

    @Test
    void mhaToleranceFollowsTheFormula() {
        float[] y = {0.5f, -2f};
        double eps = Math.ulp(1f) / 2;
        assertEquals(4.0 * (2 * 512 + 64 + 128) * eps * 3.0, Agreement.mhaTolerance(512, 64, 128, y, 2), 1e-15);
    }

    private static OrtMha openOrt(OrtMha.Graph g, Path dir, MhaWeights w) {
        try {
            return new OrtMha(g, dir, 1, w.inProjWeight(), w.inProjBias(), w.outProjWeight(), w.outProjBias());
        } catch (Exception | LinkageError e) {
            Assumptions.abort("ONNX Runtime cannot load on this platform: " + e);
            return null;
        }
    }

    /**
     * ORT on the committed graphs matches the library's MultiHeadAttention on the float64 reference kernels,
     * given the same PyTorch-layout weights; both non-causal graphs and the causal one.
     */
    @Test
    void ortAgreesWithTheReferenceMha(@TempDir Path dir) throws Exception {
        MhaWeights w = MhaWeights.random(512, 8, 5);
        MultiHeadAttention ref = w.build(Kernels.reference());
        int len = 24;
        float[] x = QuickBench.random(new Random(3), len * 512);
        for (OrtMha.Graph g : OrtMha.Graph.values()) {
            float[] expect = ref.forward(Tensor.wrap(x, 1, len, 512),
                    g.causal() ? AttentionMask.causal() : AttentionMask.none()).data();
            float[] got = new float[x.length];
            try (OrtMha ort = openOrt(g, dir, w)) {
                ort.forward(x, 1, len, got);
            }
            Agreement.Check c = Agreement.compare(expect, got, got.length,
                    Agreement.mhaTolerance(512, 64, len, expect, expect.length));
            assertTrue(c.ok(), g + ": max |diff| " + c.maxAbsDiff() + " > " + c.tolerance());
        }
    }

    /** The check is not vacuous: ORT given the output projection transposed disagrees with attn4j's module. */
    @Test
    void agreementCatchesAWrongWeightLayout(@TempDir Path dir) throws Exception {
        MhaWeights w = MhaWeights.random(512, 8, 5);
        float[] wo = w.outProjWeight();
        float[] woT = new float[wo.length];
        for (int i = 0; i < 512; i++) {
            for (int j = 0; j < 512; j++) {
                woT[j * 512 + i] = wo[i * 512 + j];
            }
        }
        MhaWeights wrong = w.withOutProjWeight(woT);
        int len = 8;
        float[] x = QuickBench.random(new Random(4), len * 512);
        float[] expect = w.build(Kernels.reference()).forward(Tensor.wrap(x, 1, len, 512), AttentionMask.none()).data();
        float[] got = new float[x.length];
        try (OrtMha ort = openOrt(OrtMha.Graph.OPS, dir, wrong)) {
            ort.forward(x, 1, len, got);
        }
        Agreement.Check c = Agreement.compare(expect, got, got.length,
                Agreement.mhaTolerance(512, 64, len, expect, expect.length));
        assertFalse(c.ok(), "a transposed W_o must be caught, max |diff| " + c.maxAbsDiff());
    }
}
