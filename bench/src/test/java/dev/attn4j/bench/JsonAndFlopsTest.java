package dev.attn4j.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonAndFlopsTest {
    @Test
    void jsonEscapesAndNestsAndHasNoNaN() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "a\"b\\c\nd\u0001");
        m.put("list", List.of(1, 2.5, true));
        m.put("nan", Double.NaN);
        m.put("empty", Map.of());
        String s = Json.write(m).replaceAll("\\s+", "");
        assertEquals("{\"name\":\"a\\\"b\\\\c\\nd\\u0001\",\"list\":[1,2.50000,true],\"nan\":null,\"empty\":{}}", s);
    }

    @Test
    void jmhGflopsFromParameters() {
        // 2·256³ flops in 1 ms = 33.554432 GFLOPS
        assertEquals(33.554432, FullRun.gflops("PeerGemmBench.gemm", Map.of("n", "256", "impl", "EJML"), 1.0, "ms/op"),
                1e-9);
        double mha = MhaFlops.forwardFlops(1, 512, 512, true);
        assertEquals(mha / 2e-3 * 1e-9, FullRun.gflops("PeerMhaBench.forward",
                Map.of("n", "512", "impl", "ORT_ATTENTION_CAUSAL"), 2000, "us/op"), 1e-9);
        assertTrue(Double.isNaN(FullRun.gflops("GemmBench.simd", Map.of("n", "256"), 1.0, "ms/op")));
        assertTrue(Double.isNaN(FullRun.gflops("PeerGemmBench.gemm", Map.of(), 1.0, "ms/op")));
        assertTrue(Double.isNaN(FullRun.gflops("PeerGemmBench.gemm", Map.of("n", "8"), 1.0, "ops/s")));
    }
}
