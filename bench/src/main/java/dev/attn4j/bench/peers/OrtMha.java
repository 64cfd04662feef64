package dev.attn4j.bench.peers;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

/**
 * ONNX Runtime (native MLAS kernels) running multi-head self-attention, E = 512, h = 8, on a committed graph
 * (see {@code bench/onnx/make_mha_onnx.py}) with the weights attn4j uses, written as the graph's external data.
 * The session gets ORT's best case: all graph optimisations, weights as initializers (pre-packed), intra-op
 * threads = attn4j's threads, and a reused direct input buffer.
 *
 * <p>Not thread-safe: one instance per benchmark thread.
 */
public final class OrtMha implements AutoCloseable {
    /** Embedding size and heads the committed graphs are built for. */
    public static final int EMBED_DIM = 512;
    public static final int NUM_HEADS = 8;
    static final String WEIGHTS_FILE = "mha_e512_h8.weights.bin";

    /** Which committed graph. */
    public enum Graph {
        /** MatMul/Add, Split, Reshape/Transpose, MatMul, Softmax, MatMul, output MatMul/Add. */
        OPS("mha_e512_h8_ops.onnx", "ORT ops", false),
        /** com.microsoft.Attention (ORT's fused CPU attention) + output MatMul/Add. */
        CONTRIB("mha_e512_h8_contrib.onnx", "ORT Attention", false),
        /** The same, unidirectional (causal). */
        CONTRIB_CAUSAL("mha_e512_h8_contrib_causal.onnx", "ORT Attn causal", true);

        final String file;
        final String label;
        final boolean causal;

        Graph(String file, String label, boolean causal) {
            this.file = file;
            this.label = label;
            this.causal = causal;
        }

        public String label() { return label; }
        public boolean causal() { return causal; }
    }

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Graph graph;
    private final int threads;
    private FloatBuffer input;
    private OnnxTensor inputTensor;
    private long[] inputShape;

    /**
     * Writes the graph and its weights into {@code dir} and opens a session.
     *
     * @param inProjWeight  PyTorch layout [3E, E]
     * @param inProjBias    [3E]
     * @param outProjWeight [E, E]
     * @param outProjBias   [E]
     * @throws OrtException or a LinkageError when ONNX Runtime cannot load (the caller reports it absent)
     */
    public OrtMha(Graph graph, Path dir, int threads, float[] inProjWeight, float[] inProjBias,
                  float[] outProjWeight, float[] outProjBias) throws OrtException, IOException {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.threads = threads;
        Files.createDirectories(dir);
        Path model = dir.resolve(graph.file);
        try (InputStream in = OrtMha.class.getResourceAsStream("/dev/attn4j/bench/onnx/" + graph.file)) {
            if (in == null) {
                throw new IOException("graph resource " + graph.file + " is missing from the jar");
            }
            Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
        }
        writeWeights(dir.resolve(WEIGHTS_FILE), inProjWeight, inProjBias, outProjWeight, outProjBias);
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            this.session = env.createSession(model.toString(), opts);
        }
    }

    /** "ORT 1.23.2 (graph …, n threads)". */
    public String detail() {
        return "com.microsoft.onnxruntime:onnxruntime " + env.getVersion() + ", graph " + graph.file + ", "
                + threads + " intra-op thread" + (threads == 1 ? "" : "s") + ", ORT_ENABLE_ALL";
    }

    public Graph graph() {
        return graph;
    }

    /**
     * y = MHA(x, x, x) for x [B, L, E].
     *
     * @param x not modified
     * @param y modified: [B, L, E]
     */
    public void forward(float[] x, int batch, int len, float[] y) throws OrtException {
        int size = batch * len * EMBED_DIM;
        if (inputTensor == null || inputShape[0] != batch || inputShape[1] != len) {
            if (inputTensor != null) {
                inputTensor.close();
            }
            input = ByteBuffer.allocateDirect(4 * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
            inputShape = new long[]{batch, len, EMBED_DIM};
            inputTensor = OnnxTensor.createTensor(env, input, inputShape);
        }
        // The tensor wraps the direct buffer: refilling it changes the input without a new tensor.
        input.clear();
        input.put(x, 0, size);
        try (OrtSession.Result r = session.run(Map.of("x", inputTensor))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            out.get(y, 0, size);
        }
    }

    @Override
    public void close() throws OrtException {
        if (inputTensor != null) {
            inputTensor.close();
        }
        session.close();
    }

    /** The external data layout of make_mha_onnx.py: W_inᵀ [E, 3E], b_in [3E], W_outᵀ [E, E], b_out [E]. */
    static void writeWeights(Path file, float[] inProjWeight, float[] inProjBias, float[] outProjWeight,
                             float[] outProjBias) throws IOException {
        int e = EMBED_DIM;
        if (inProjWeight.length != 3 * e * e || inProjBias.length != 3 * e || outProjWeight.length != e * e
                || outProjBias.length != e) {
            throw new IllegalArgumentException("ORT graph is for E = " + e + ": weights of lengths "
                    + inProjWeight.length + ", " + inProjBias.length + ", " + outProjWeight.length + ", "
                    + outProjBias.length + " do not fit");
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * (3 * e * e + 3 * e + e * e + e)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < e; i++) {          // row i of W_inᵀ is column i of W_in [3E, E]
            for (int j = 0; j < 3 * e; j++) {
                buf.putFloat(inProjWeight[j * e + i]);
            }
        }
        for (float f : inProjBias) {
            buf.putFloat(f);
        }
        for (int i = 0; i < e; i++) {
            for (int j = 0; j < e; j++) {
                buf.putFloat(outProjWeight[j * e + i]);
            }
        }
        for (float f : outProjBias) {
            buf.putFloat(f);
        }
        buf.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e2) {
            throw new UncheckedIOException("cannot write ORT weights to " + file, e2);
        }
    }
}
