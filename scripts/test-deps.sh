#!/usr/bin/env bash
# Installs the Debian packages the interop and browser tests use (the reference Janus 1.1.2,
# janus.js and Chromium),
# when they are missing and we may install them. Without them those tests fail with a clear message.
set -euo pipefail
packages=(janus janus-demos chromium coturn postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "test-deps: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 0
  fi
  echo "test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts Janus and coturn services on install where systemd runs; the tests start their own.
  (systemctl stop janus coturn 2>/dev/null || (service janus stop; service coturn stop) 2>/dev/null || true) >/dev/null 2>&1
fi

# PostgreSQL for the server tests: the Debian cluster running, and a database the test user
# (root, by peer authentication on the Unix socket) owns. Tests make a schema of their own in it.
if [ "$(id -u)" = 0 ] && command -v pg_lsclusters >/dev/null; then
  cluster=$(pg_lsclusters --no-header 2>/dev/null | head -n 1)
  if [ -n "$cluster" ]; then
    read -r version name port status _ <<<"$cluster"
    [ "$status" = online ] || pg_ctlcluster "$version" "$name" start
    su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\"" | grep -q 1 ||
      su postgres -c "psql -p $port -qc 'CREATE ROLE root LOGIN SUPERUSER'"
    su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='callgate_test'\"" | grep -q 1 ||
      su postgres -c "psql -p $port -qc 'CREATE DATABASE callgate_test OWNER root'"
  fi
fi
