package dev.attn4j.bench.peers;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * netlib's {@code dev.ludovic.netlib:blas} sgemm, through its pure-Java instance (VectorBLAS on the Vector
 * API when {@code jdk.incubator.vector} is present, else a plain-Java fallback). {@link #detail()} names the
 * class actually used, because the library picks it silently.
 */
public final class NetlibGemm implements GemmPeer {
    /**
     * netlib logs a WARNING for each implementation it fails to load (its native one, and VectorBLAS without
     * the Vector API); the report prints the class it did load instead, so those lines are kept quiet. Held
     * in a field because java.util.logging keeps loggers only weakly.
     */
    private static final Logger NETLIB_LOG = Logger.getLogger("dev.ludovic.netlib");

    private final BLAS blas;

    /** @throws LinkageError or RuntimeException if the library cannot load (the caller reports it absent) */
    public NetlibGemm() {
        NETLIB_LOG.setLevel(Level.SEVERE);
        this.blas = JavaBLAS.getInstance();
    }

    /** The implementation class netlib chose, e.g. {@code dev.ludovic.netlib.blas.VectorBLAS}. */
    public String implementation() {
        return blas.getClass().getName();
    }

    @Override
    public String name() {
        return blas.getClass().getSimpleName().equals("VectorBLAS") ? "netlib VectorBLAS"
                : "netlib " + blas.getClass().getSimpleName();
    }

    @Override
    public String detail() {
        return "dev.ludovic.netlib:blas " + PeerVersions.get("netlib") + " " + implementation() + ".sgemm";
    }

    @Override
    public void multiply(int m, int n, int k, float[] a, float[] b, float[] c) {
        // BLAS is column-major: the row-major C = A·B is the column-major Cᵀ = Bᵀ·Aᵀ, so swap the operands.
        blas.sgemm("N", "N", n, m, k, 1f, b, n, a, k, 0f, c, n);
    }
}
