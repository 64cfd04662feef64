#!/usr/bin/env bash
# Builds the bench module (and what it depends on) and runs the report: what runs, the worked example,
# accuracy against the reference, quick timings with peers, and a chart. Extra arguments go to the report:
#   bench/run-report.sh [--full] [--threads N] [--out DIR] [--json]
# JAVA_HOME selects the JDK (17 or newer); the Vector API flag is added here.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -q -pl bench -am package -DskipTests
# --enable-native-access quiets JDK 22+ about ONNX Runtime and netlib loading their native code.
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar bench/target/attn4j-report.jar "$@"
