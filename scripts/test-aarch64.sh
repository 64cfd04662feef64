#!/usr/bin/env bash
# Runs the property suite on an emulated aarch64 JVM (Debian's arm64 OpenJDK 17 under qemu user-mode
# emulation), once per ARM vector configuration:
#   neon    -cpu cortex-a72          NEON, 128-bit vectors  -> expects simd-128
#   sve256  -cpu max,sve256=on       SVE with 256-bit vectors -> expects simd-256
#   sve512  -cpu max                 SVE with 512-bit vectors (qemu's default length) -> expects simd-512
# The test classes are compiled on the host (bytecode is portable) and run with the JUnit Platform
# console launcher (classpath scan of the test classes: jqwik ignores a package selector there).
# Emulation is 20-50x slower than native, so tries and shape caps are reduced.
#
# Usage: scripts/test-aarch64.sh [tries]        (default 50 tries per property)
#   CONFIGS="neon sve256 sve512"   subset to run;  MAX_DIM / MAX_WORK  shape caps (default 64 / 16384)
# Needs root (or sudo) the first time, to install qemu-user-static and openjdk-17-jdk-headless:arm64.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TRIES=${1:-50}
MAX_DIM=${MAX_DIM:-64}
MAX_WORK=${MAX_WORK:-16384}
OUT=${OUT:-$ROOT/target/aarch64}
ARM_JAVA=/usr/lib/jvm/java-17-openjdk-arm64/bin/java
CONSOLE_VERSION=${CONSOLE_VERSION:-1.11.4}   # JUnit Platform of junit-bom 5.11.4 (root pom)
mkdir -p "$OUT"

bash scripts/install-aarch64-jdk.sh || { echo "could not install the arm64 JDK and qemu"; exit 2; }

echo "== building the test classes on the host"
mvn -q -pl property-tests -am test-compile \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt \
    -DexcludeGroupIds=org.junit.platform,org.junit.jupiter,org.opentest4j,org.apiguardian \
    || { echo "build failed"; exit 2; }
CONSOLE=$OUT/junit-platform-console-standalone-$CONSOLE_VERSION.jar
if [ ! -f "$CONSOLE" ]; then
  mvn -q -N dependency:copy \
      -Dartifact=org.junit.platform:junit-platform-console-standalone:$CONSOLE_VERSION \
      -DoutputDirectory="$OUT" || { echo "could not fetch the console launcher"; exit 2; }
fi
# A private copy of the classes: the emulated runs take minutes, and a build meanwhile must not change them.
rm -rf "$OUT/classes"; mkdir -p "$OUT/classes"
cp -r property-tests/target/test-classes "$OUT/classes/test"
cp -r core/target/classes "$OUT/classes/core"
cp -r simd/target/classes "$OUT/classes/simd"
CP="$OUT/classes/test:$OUT/classes/core:$OUT/classes/simd:$(cat property-tests/target/test-classpath.txt)"

# name | qemu -cpu | expected kernels
CONFIG_LINES=(
  "neon|cortex-a72|simd-128"
  "sve256|max,sve256=on|simd-256"
  "sve512|max|simd-512"
)
declare -a RESULTS
FAILED=0
for line in "${CONFIG_LINES[@]}"; do
  IFS='|' read -r name cpu expect <<<"$line"
  if [ -n "${CONFIGS:-}" ] && [[ " $CONFIGS " != *" $name "* ]]; then
    continue
  fi
  dir=$OUT/$name
  rm -rf "$dir"; mkdir -p "$dir/target"   # target/: jqwik keeps its failure database there
  echo "== $name: qemu-aarch64-static -cpu $cpu (expects $expect), $TRIES tries, dims <= $MAX_DIM"
  start=$(date +%s)
  ( cd "$dir" && qemu-aarch64-static -cpu "$cpu" "$ARM_JAVA" -Xmx1g --add-modules=jdk.incubator.vector \
      -Djqwik.tries.default="$TRIES" -Dattn4j.props.maxDim="$MAX_DIM" -Dattn4j.props.maxWork="$MAX_WORK" \
      -Dattn4j.props.stressThreads=4 -Dattn4j.props.stressCalls=40 -Dattn4j.props.stressWarmup=3 \
      -Dattn4j.expectKernels="$expect" -Dattn4j.props.summaryDir="$dir" \
      -jar "$CONSOLE" execute --class-path "$CP" \
      --scan-classpath "$OUT/classes/test" --include-classname '.*' \
      --config jqwik.tries.default="$TRIES" \
      --disable-banner --details=summary --disable-ansi-colors ) >"$dir/run.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then status=PASS; else status=FAIL; FAILED=1; fi
  tests=$(grep -E 'tests (successful|failed)' "$dir/run.log" | tr -s ' ' | sed 's/^ *//' | tr '\n' ' ')
  if [ -f "$dir/props-summary.txt" ]; then
    kernels=$(head -1 "$dir/props-summary.txt" | sed 's/^attn4j property suite, //')
    cases=$(grep 'total cases checked' "$dir/props-summary.txt" | awk '{print $NF}')
  else
    kernels="(no summary: see $dir/run.log)"; cases=0
  fi
  RESULTS+=("$(printf '%-7s %-4s %6ss  cases %-7s %s | %s' "$name" "$status" "$secs" "$cases" "$kernels" "$tests")")
  echo "${RESULTS[-1]}"
  if [ "$status" = FAIL ]; then
    grep -E 'AssertionError|Exception|MethodSource' "$dir/run.log" | head -20
  fi
done
echo
printf '%s\n' "${RESULTS[@]}" | tee "$OUT/results.txt"
exit $FAILED
