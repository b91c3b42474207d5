#!/usr/bin/env bash
# Installs a real S3-compatible server for the integration tests (tests/s3/):
# OpenStack Swift from Debian with its s3api middleware and tempauth. The tests
# start and stop the servers themselves (tests/s3/swift-server.ts); nothing is
# started here, and no system service is enabled.
#
# Idempotent and non-interactive: exits at once when everything is present.
set -euo pipefail

BINARIES=(swift-proxy-server swift-account-server swift-container-server swift-object-server swift-ring-builder)
PACKAGES=(swift swift-proxy swift-account swift-container swift-object)

missing() {
  local b
  for b in "${BINARIES[@]}"; do
    command -v "$b" >/dev/null 2>&1 || return 0
  done
  # The servers run under Debian's python3; check that the s3api middleware imports.
  /usr/bin/python3 -c 'import swift.common.middleware.s3api.s3api, swift.common.middleware.tempauth' >/dev/null 2>&1 || return 0
  return 1
}

if ! missing; then
  echo "install-s3-server: Swift (s3api) already installed: $(dpkg-query -W -f='${Version}' swift-proxy 2>/dev/null || echo '?')"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-s3-server: must run as root (apt-get install)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Never let the packages' maintainer scripts start services (rsyslog, swift-*):
# the tests run their own processes. Keep an existing policy-rc.d untouched.
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  CREATED_POLICY=1
fi
cleanup() { if [ "$CREATED_POLICY" = 1 ]; then rm -f "$POLICY"; fi; }
trap cleanup EXIT

install_pkgs() {
  apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PACKAGES[@]}"
}

# apt-get update only when the package lists don't know the packages (or are stale enough to fail).
if ! apt-cache show swift-proxy >/dev/null 2>&1; then
  apt-get update
fi
if ! install_pkgs; then
  apt-get update
  install_pkgs
fi

if missing; then
  echo "install-s3-server: Swift installed but a binary or the s3api middleware is still missing" >&2
  exit 1
fi
echo "install-s3-server: installed Swift $(dpkg-query -W -f='${Version}' swift-proxy)"
