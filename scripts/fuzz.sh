#!/usr/bin/env bash
# The seeded SQL fuzzer (scripts/fuzz.py) on a throwaway cluster with the
# installed extension: make fuzz [FUZZ_SECONDS=1800] [FUZZ_SEED=1].
set -Eeuo pipefail
source "$(dirname "$0")/env.sh"
port=$1 seconds=${2:-1800} seed=${3:-1}
"$REPO/scripts/cluster.sh" start fuzz "$port"
trap '"$REPO/scripts/cluster.sh" stop fuzz' EXIT
step "SQL fuzzer: ${seconds} s, seed ${seed} (scripts/fuzz.py)"
nice python3 "$REPO/scripts/fuzz.py" --host /tmp/regecon-fuzz$PG_SUFFIX --port "$port" --db regecon_fuzz \
    --seconds "$seconds" --seed "$seed" --log "$BUILD/fuzz$PG_SUFFIX/server.log"
