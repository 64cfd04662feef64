package dev.attn4j.bench.peers;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/** EJML's {@code CommonOps_FDRM.mult}: pure Java, float32, row-major, no Vector API. */
public final class EjmlGemm implements GemmPeer {
    @Override
    public String name() {
        return "EJML";
    }

    @Override
    public String detail() {
        return "org.ejml:ejml-fdense " + PeerVersions.get("ejml") + " CommonOps_FDRM.mult";
    }

    @Override
    public void multiply(int m, int n, int k, float[] a, float[] b, float[] c) {
        // wrap shares the arrays: no copies in the timed region.
        CommonOps_FDRM.mult(FMatrixRMaj.wrap(m, k, a), FMatrixRMaj.wrap(k, n, b), FMatrixRMaj.wrap(m, n, c));
    }
}
