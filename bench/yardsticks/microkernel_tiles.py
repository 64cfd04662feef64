"""GEMM micro-kernel tiles in C (AVX2 intrinsics), all shapes timed in one process: what a register tile can
reach on this CPU without the JVM. Panels stay in L1 (kc = 256), so the loop alone is measured.

Run:  python3 bench/yardsticks/microkernel_tiles.py [rounds]     (needs gcc and an AVX2 + FMA CPU)
Prints GFLOPS per tile MRx(NV vectors of 8 floats), one line per round; compare with ../shared/tools/fma-peak.c."""
import os, subprocess, sys, tempfile

SHAPES = [(4, 2), (6, 2), (5, 2), (4, 3), (3, 4), (3, 3), (2, 4), (8, 1), (12, 1)]
KC = 256


def kernel(mr, nv):
    accs = [f"c{i}_{j}" for i in range(mr) for j in range(nv)]
    lines = [f"__attribute__((noinline)) void k{mr}x{nv}(const float *a, const float *b, float *c) {{",
             "  __m256 " + ", ".join(f"{x} = _mm256_setzero_ps()" for x in accs) + ";",
             "  for (int p = 0; p < KC; p++) {"]
    lines += [f"    __m256 b{j} = _mm256_load_ps(b + {8 * nv} * p + {8 * j});" for j in range(nv)]
    for i in range(mr):
        fmas = " ".join(f"c{i}_{j} = _mm256_fmadd_ps(x, b{j}, c{i}_{j});" for j in range(nv))
        lines.append(f"    {{ __m256 x = _mm256_broadcast_ss(a + {mr} * p + {i}); {fmas} }}")
    lines.append("  }")
    lines += [f"  _mm256_storeu_ps(c + {8 * k}, {x});" for k, x in enumerate(accs)]
    lines.append("}")
    return "\n".join(lines)


def source(rounds):
    out = ["#include <immintrin.h>", "#include <stdio.h>", "#include <time.h>", f"#define KC {KC}",
           "static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);"
           " return t.tv_sec + t.tv_nsec * 1e-9; }",
           "static float ap[4 * 16 * KC] __attribute__((aligned(64))), bp[32 * KC] __attribute__((aligned(64))),"
           " cc[16 * 32];"]
    out += [kernel(mr, nv) for mr, nv in SHAPES]
    out.append("int main(void) {")
    out.append("  for (int i = 0; i < 4 * 16 * KC; i++) ap[i] = i * 1e-7f;")
    out.append("  for (int i = 0; i < 32 * KC; i++) bp[i] = i * 1e-7f;")
    out.append(f"  for (int r = 0; r < {rounds}; r++) {{")
    for mr, nv in SHAPES:
        # four A micro-panels in turn, one B micro-panel: both stay in L1
        out.append(f"    {{ long n = 3000000 / ({mr} * {nv}); double t = now();"
                   f" for (long i = 0; i < n; i++) k{mr}x{nv}(ap + (i & 3) * {mr} * KC, bp, cc);"
                   f" printf(\"{mr}x{nv} %5.1f  \", n * 2.0 * {mr} * {8 * nv} * KC / (now() - t) / 1e9); }}")
    out.append("    printf(\"\\n\");")
    out.append("  }")
    out.append("  return (int) cc[3];")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as d:
        c, exe = os.path.join(d, "tiles.c"), os.path.join(d, "tiles")
        with open(c, "w") as f:
            f.write(source(rounds))
        subprocess.run(["gcc", "-O2", "-march=native", c, "-o", exe], check=True)
        print("GFLOPS per tile (rows x vectors of 8 floats), kc = %d, panels in L1:" % KC, flush=True)
        subprocess.run([exe], check=True)


if __name__ == "__main__":
    main()
