# Shared settings for the make targets; sourced, not run.
# Everything a fresh Debian 12 machine needs is installed by ensure-deps.sh.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=15
PGRX_VERSION=0.18.1
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_CONFIG=$PGBIN/pg_config
export PGRX_HOME=${PGRX_HOME:-$HOME/.pgrx-regecon}
export PATH=$HOME/.cargo/bin:$PATH
# Clusters live under build/ when the postgres user can reach it (it cannot
# when the checkout sits under a private home such as /root), else under /tmp.
BUILD=${REGECON_BUILD:-$REPO/build}
mkdir -p "$BUILD"
if id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$BUILD" 2>/dev/null; then
    BUILD=/tmp/regecon-build-$(printf %s "$REPO" | md5sum | cut -c1-8)
    mkdir -p "$BUILD"
fi
# Servers must not see RUST_BACKTRACE: pgrx would append a backtrace to every ERROR.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
step() { printf '\n== %s %s\n' "$(date +%T)" "$*"; }
