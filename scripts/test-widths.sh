#!/usr/bin/env bash
# Runs the property suite (module property-tests) once per vector width on this machine, once with
# the scalar fallback (no jdk.incubator.vector in the test JVM), and once on a second JDK if present.
# Every run asserts which kernels are active (KernelSelectionTest reads -Dattn4j.expectKernels), so a
# run that silently tests the wrong kernels fails. Prints one line per configuration: kernels, cases
# checked, pass/fail, wall time; the per-property counts are in $OUT/<config>.summary.txt.
#
# Usage: scripts/test-widths.sh [tries]          (default 1000 tries per property)
#   JDK25=/path/to/jdk  second JDK to run the default width on (default: temurin-25 if installed; "" = skip)
#   CONFIGS="default w128 …"  subset of: default w128 w256 w512 bits128 fallback jdk25
set -uo pipefail

cd "$(dirname "$0")/.."
TRIES=${1:-1000}
OUT=${OUT:-target/widths}
JDK25=${JDK25-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$OUT"

# The machine's preferred vector size, so the expectations hold on AVX2, AVX-512 and NEON alike.
PREF_SRC=$(mktemp --suffix=.java)
cat > "$PREF_SRC" <<'JAVA'
public class Pref {
    public static void main(String[] a) {
        System.out.println(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }
}
JAVA
PREF=$(java --add-modules jdk.incubator.vector "$PREF_SRC" 2>/dev/null)
rm -f "$PREF_SRC"
echo "preferred vector size on this machine: ${PREF} bits"
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }

# name | extra JVM args for the test fork | value of props.vector.flag ("" = keep --add-modules) | JAVA_HOME
CONFIG_LINES=(
  "default||"
  "w128|-XX:MaxVectorSize=16 -Dattn4j.expectKernels=simd-$(min 128 "$PREF")|"
  "w256|-XX:MaxVectorSize=32 -Dattn4j.expectKernels=simd-$(min 256 "$PREF")|"
  "bits128|-Dattn4j.vectorBits=128 -Dattn4j.expectKernels=simd-128|"
  "fallback|-Dattn4j.expectKernels=scalar|-Dattn4j.fallbackRun=true"
)
if [ "$PREF" -ge 512 ]; then
  CONFIG_LINES+=("w512|-XX:MaxVectorSize=64 -Dattn4j.expectKernels=simd-512|")
fi
if [ -n "$JDK25" ] && [ -x "$JDK25/bin/java" ]; then
  CONFIG_LINES+=("jdk25||")
fi

declare -a RESULTS
FAILED=0
for line in "${CONFIG_LINES[@]}"; do
  IFS='|' read -r name extra vflag <<<"$line"
  if [ -n "${CONFIGS:-}" ] && [[ " $CONFIGS " != *" $name "* ]]; then
    continue
  fi
  args=(-q -pl property-tests -am test "-Djqwik.tries=$TRIES"
        "-Dtest=dev.attn4j.props.**" -Dsurefire.failIfNoSpecifiedTests=false
        "-Dtest.jvm.extra=$extra")
  if [ -n "$vflag" ]; then
    args+=("-Dprops.vector.flag=$vflag")
  fi
  envs=()
  if [ "$name" = jdk25 ]; then
    envs=(JAVA_HOME="$JDK25")
  fi
  rm -f property-tests/target/props-summary.txt
  echo "== $name: mvn ${args[*]} ${envs[*]}"
  start=$(date +%s)
  if env "${envs[@]}" mvn "${args[@]}" >"$OUT/$name.log" 2>&1; then status=PASS; else status=FAIL; FAILED=1; fi
  secs=$(( $(date +%s) - start ))
  summary=property-tests/target/props-summary.txt
  if [ -f "$summary" ]; then
    cp "$summary" "$OUT/$name.summary.txt"
    kernels=$(head -1 "$summary" | sed 's/^attn4j property suite, //')
    cases=$(grep 'total cases checked' "$summary" | awk '{print $NF}')
  else
    kernels="(no summary: see $OUT/$name.log)"
    cases=0
  fi
  RESULTS+=("$(printf '%-9s %-4s %8ss  cases %-8s %s' "$name" "$status" "$secs" "$cases" "$kernels")")
  echo "${RESULTS[-1]}"
  if [ "$status" = FAIL ]; then
    grep -E 'Tests run:|FAIL|AssertionError|expected' "$OUT/$name.log" | head -20
  fi
done

echo
echo "config    result   time   cases          kernels"
printf '%s\n' "${RESULTS[@]}" | tee "$OUT/results.txt"
exit $FAILED
