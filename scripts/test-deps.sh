#!/usr/bin/env bash
# Installs the Debian packages the interop and browser tests use (the reference Janus 1.1.2,
# janus.js and Chromium),
# when they are missing and we may install them. Without them those tests fail with a clear message.
set -euo pipefail
packages=(janus janus-demos chromium coturn)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "test-deps: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts a Janus service on install where systemd runs; the tests start their own.
(systemctl stop janus coturn 2>/dev/null || (service janus stop; service coturn stop) 2>/dev/null || true) >/dev/null 2>&1
