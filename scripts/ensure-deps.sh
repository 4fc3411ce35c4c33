#!/usr/bin/env bash
# Installs what regecon needs on a fresh Debian 12 machine, as root: Postgres 15
# server and headers, PostGIS (for contiguity weights), pg_cron (scheduled
# refresh of the pipeline), chromium (renders the demo report in the tests),
# python3 (stdlib only: the SQL fuzzer and the interrupt-latency script),
# the C toolchain bindgen needs, sudo (cargo-pgrx uses it with --runas), and
# cargo-pgrx. Quick when everything is already present.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"

pkgs=(build-essential pkg-config libssl-dev ca-certificates libclang-dev sudo
      "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3"
      "postgresql-$PG_MAJOR-cron" chromium python3)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    step "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! cargo pgrx --version 2>/dev/null | grep -qx "cargo-pgrx $PGRX_VERSION"; then
    step "cargo install cargo-pgrx $PGRX_VERSION (about 4 minutes, once)"
    cargo install cargo-pgrx --version "=$PGRX_VERSION" --locked
fi

# Re-running init forces pgrx-pg-sys to rebuild, so only when the config differs.
if ! grep -qsx "pg$PG_MAJOR = \"$PG_CONFIG\"" "$PGRX_HOME/config.toml"; then
    step "cargo pgrx init --pg$PG_MAJOR $PG_CONFIG"
    mkdir -p "$PGRX_HOME"
    cargo pgrx init --pg$PG_MAJOR "$PG_CONFIG"
fi
