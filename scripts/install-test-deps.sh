#!/usr/bin/env bash
# Installs what the tests start for real: OpenSSH, Chromium, numactl, qemu-user
# (for the emulated arm64 host) and the real benchstat. Idempotent; needs root
# (or sudo) for the Debian packages. A failure here fails the test run.
set -euo pipefail

BENCHSTAT_VERSION="v0.0.0-20260908200009-22c9c6c9d4da"
DEBIAN_PACKAGES=(openssh-server openssh-client chromium numactl qemu-user-static iproute2 util-linux procps)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

gobin="$(go env GOPATH)/bin"
if ! [ -x "$gobin/benchstat" ] || ! go version -m "$gobin/benchstat" | grep -q "$BENCHSTAT_VERSION"; then
  echo "installing benchstat $BENCHSTAT_VERSION" >&2
  go install "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION"
fi
