package dev.attn4j;

import dev.attn4j.reference.ReferenceKernels;
import dev.attn4j.scalar.ScalarKernels;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the kernels for this JVM, once. The SIMD class is loaded <em>by name</em>, so attn4j-core
 * never links against {@code jdk.incubator.vector}.
 *
 * <p>{@code -Dattn4j.kernels=reference|scalar|simd|auto} forces a choice; {@code simd} where it cannot
 * load is an {@link IllegalStateException} carrying the reason. With {@code auto} (the default) a JVM
 * that cannot run the SIMD kernels logs exactly one WARNING naming the fix and uses the scalar kernels;
 * a JVM that can logs one INFO line with the vector size.
 */
final class KernelsProvider {
    static final String PROPERTY = "attn4j.kernels";
    static final String SIMD_CLASS = "dev.attn4j.simd.SimdKernels";
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final System.Logger LOG = System.getLogger("dev.attn4j");

    private KernelsProvider() {
    }

    static Kernels reference() {
        return ReferenceHolder.INSTANCE;
    }

    static Kernels scalar() {
        return ScalarHolder.INSTANCE;
    }

    static Kernels best() {
        return BestHolder.INSTANCE;
    }

    private static final class ReferenceHolder {
        static final Kernels INSTANCE = new ReferenceKernels();
    }

    private static final class ScalarHolder {
        static final Kernels INSTANCE = new ScalarKernels();
    }

    private static final class BestHolder {
        static final Kernels INSTANCE = choose(System.getProperty(PROPERTY, "auto"), LOG);
    }

    /** The outcome of trying to load the SIMD kernels: the kernels, or why not. */
    record SimdLoad(Kernels kernels, String reason) {
    }

    /** Chooses kernels for a property value, logging the choice to {@code log}. Visible for tests. */
    static Kernels choose(String property, System.Logger log) {
        String choice = property.trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "reference":
                log.log(System.Logger.Level.INFO, "attn4j: using reference kernels (forced by -D" + PROPERTY + ")");
                return reference();
            case "scalar":
                log.log(System.Logger.Level.INFO, "attn4j: using scalar kernels (forced by -D" + PROPERTY + ")");
                return scalar();
            case "simd": {
                SimdLoad load = loadSimd();
                if (load.kernels() == null) {
                    throw new IllegalStateException("attn4j: -D" + PROPERTY + "=simd but the SIMD kernels cannot load: "
                            + load.reason());
                }
                log.log(System.Logger.Level.INFO, "attn4j: using SIMD kernels " + load.kernels().name());
                return load.kernels();
            }
            case "auto": {
                SimdLoad load = loadSimd();
                if (load.kernels() == null) {
                    log.log(System.Logger.Level.WARNING, "attn4j: SIMD kernels unavailable (" + load.reason()
                            + "); using the slower scalar kernels. Pass '--add-modules " + VECTOR_MODULE
                            + "' to the JVM and put attn4j-simd on the class path to enable them.");
                    return scalar();
                }
                log.log(System.Logger.Level.INFO, "attn4j: using SIMD kernels " + load.kernels().name());
                return load.kernels();
            }
            default:
                throw new IllegalArgumentException("attn4j: -D" + PROPERTY + "=" + property
                        + " is not one of reference, scalar, simd, auto");
        }
    }

    /** Tries to load the SIMD kernels; never throws. */
    static SimdLoad loadSimd() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return new SimdLoad(null, "module " + VECTOR_MODULE + " is not in the boot layer");
        }
        String jit = jitProblem();
        if (jit != null) {
            return new SimdLoad(null, jit);
        }
        try {
            Class<?> cls = Class.forName(SIMD_CLASS, true, KernelsProvider.class.getClassLoader());
            Object k = cls.getDeclaredConstructor().newInstance();
            return new SimdLoad((Kernels) k, null);
        } catch (ClassNotFoundException e) {
            return new SimdLoad(null, "attn4j-simd (" + SIMD_CLASS + ") is not on the class path");
        } catch (InvocationTargetException e) {
            return new SimdLoad(null, "the SIMD kernels failed to initialise: " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return new SimdLoad(null, "the SIMD kernels failed to load: " + e);
        }
    }

    /** Why the JIT would make the Vector API slow (interpreter only, or C1 only), or null. */
    private static String jitProblem() {
        String vmName = System.getProperty("java.vm.name", "");
        if (vmName.contains("Client")) {
            return "the client VM has no C2 compiler to intrinsify the Vector API";
        }
        try {
            List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
            for (String a : args) {
                if (a.equals("-Xint")) {
                    return "the JVM runs interpreted (-Xint)";
                }
                if (a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4")) {
                    return "C2 is disabled (" + a + ")";
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // java.management absent: cannot tell, assume C2.
        }
        return null;
    }
}
