#!/usr/bin/env bash
# Builds Citus from a source tree outside this repository, for `make test-citus`.
#   build-citus.sh build     configure and compile (cached under $BUILD/citus; no PostgreSQL touched)
#   build-citus.sh install   install the cached build into PostgreSQL 15 (run it under the
#                            shared lock, like `make install`)
# CITUS_SRC is a Citus source tree (a directory with ./configure), a directory holding one
# citus-*.tar.gz, or such a tarball; default ../shared/citus next to the repository.
# Citus is AGPL-3.0 and not part of regecon: it is extracted or copied into $BUILD/citus and
# patched there, never in the repository and never in CITUS_SRC.
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
cmd=${1:-build}
src=${CITUS_SRC:-$REPO/../shared/citus}
[ -e "$src" ] || { echo "build-citus: CITUS_SRC=$src does not exist" >&2; exit 1; }
src=$(cd "$(dirname "$src")" && pwd)/$(basename "$src")
if [ -d "$src" ] && [ ! -f "$src/configure" ]; then
    tarballs=("$src"/citus-*.tar.gz)
    [ -f "${tarballs[0]}" ] || { echo "build-citus: no ./configure and no citus-*.tar.gz in $src" >&2; exit 1; }
    src=${tarballs[0]}
fi
# The cache key: the tarball's checksum, or the tree's newest file and size.
if [ -f "$src" ]; then
    key=$(sha256sum "$src" | cut -c1-12)
else
    key=$(find "$src" -type f -not -path '*/.git/*' -printf '%T@ %s %p\n' | sort | sha256sum | cut -c1-12)
fi
root=$BUILD/citus
tree=$root/src-$key
stamp=$tree/.regecon-built

# Debian packages Citus's configure and compile need (only for test-citus).
deps() {
    local pkgs=(libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libssl-dev libselinux1-dev
                libxslt1-dev libpam0g-dev libreadline-dev flex bison autoconf)
    local missing=() p
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        step "apt-get install ${missing[*]} (to build Citus)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

# PostgreSQL 15.20 exports have_createdb_privilege() (commands/dbcommands.h); Citus 13.2.2 keeps
# a static inline copy for older minors, which no longer compiles. Delete that definition.
patch_compat() {
    local h=$tree/src/include/pg_version_compat.h
    grep -q '^have_createdb_privilege(void)' "$h" || return 0
    python3 - "$h" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
pat = re.compile(r"static inline bool\nhave_createdb_privilege\(void\)\n\{.*?\n\}\n", re.S)
new, n = pat.subn("/* have_createdb_privilege(): exported by PostgreSQL 15.20 (removed by regecon's build-citus.sh) */\n", text)
if n != 1:
    sys.exit(f"build-citus: expected one static have_createdb_privilege in {path}, found {n}")
open(path, "w").write(new)
EOF
}

case $cmd in
build)
    if [ -f "$stamp" ]; then
        echo "citus: cached build $tree"
        exit 0
    fi
    deps
    step "build Citus from $src in $tree (about 10 minutes on 2 cores, once)"
    rm -rf "$tree.tmp" && mkdir -p "$tree.tmp"
    if [ -f "$src" ]; then
        tar xzf "$src" -C "$tree.tmp" --strip-components=1
    else
        cp -a "$src/." "$tree.tmp/"
        rm -rf "$tree.tmp/.git"
    fi
    rm -rf "$tree" && mv "$tree.tmp" "$tree"
    patch_compat
    start=$SECONDS
    (cd "$tree" && ./configure PG_CONFIG="$PG_CONFIG" >"$root/configure.log" 2>&1) || {
        tail -n 30 "$root/configure.log" >&2; exit 1; }
    # with_llvm=no: no JIT bitcode (it would compile every file twice, with clang)
    (cd "$tree" && make -j"$(nproc)" with_llvm=no >"$root/make.log" 2>&1) || { tail -n 30 "$root/make.log" >&2; exit 1; }
    touch "$stamp"
    echo "citus: built in $((SECONDS - start)) s ($tree)"
    ;;
install)
    [ -f "$stamp" ] || { echo "build-citus: no build yet; run $0 build" >&2; exit 1; }
    lib=$("$PG_CONFIG" --pkglibdir)/citus.so
    if [ -f "$lib" ] && cmp -s "$lib" "$tree/src/backend/distributed/citus.so"; then
        echo "citus: installed ($lib)"
        exit 0
    fi
    step "install Citus into $("$PG_CONFIG" --pkglibdir)"
    (cd "$tree" && make install with_llvm=no >"$root/install.log" 2>&1) || { tail -n 30 "$root/install.log" >&2; exit 1; }
    ;;
*) echo "usage: $0 build | install" >&2; exit 2 ;;
esac
