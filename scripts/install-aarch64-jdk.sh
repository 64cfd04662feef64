#!/usr/bin/env bash
# Installs what scripts/test-aarch64.sh needs on a Debian amd64 machine (as root):
# qemu-user-static (user-mode aarch64 emulation) and Debian's arm64 OpenJDK 17 through multiarch.
# The arm64 JDK lands in /usr/lib/jvm/java-17-openjdk-arm64 beside the amd64 one; nothing on the
# host's PATH changes. Idempotent: does nothing when both are present.
set -euo pipefail

ARM_JAVA=/usr/lib/jvm/java-17-openjdk-arm64/bin/java
if command -v qemu-aarch64-static >/dev/null 2>&1 && [ -x "$ARM_JAVA" ]; then
  echo "qemu-aarch64-static and $ARM_JAVA already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -q
# --no-install-recommends: the headless JDK needs no X11/font packages; keeps the arm64 closure small.
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends qemu-user-static openjdk-17-jdk-headless:arm64
"$ARM_JAVA" -version 2>&1 | head -1 || true
