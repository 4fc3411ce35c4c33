#!/usr/bin/env bash
# Benchmark: the crates that replaced hand-written general-purpose code
# (docs/dependencies.md), against that code, kept in
# crates/regecon-core/examples/crates_bench.rs only to be measured: accuracy
# against 60-digit mpmath values (tests/fixtures/distributions/) and ns per
# call for the normal and chi-squared functions; draws and shuffles of the
# generator; serialize + deserialize time and bytes of aggregate states.
# Timings interleave the candidates and report medians, with ratios to the
# first (the old code) of each group. Needs no PostgreSQL.
# Called by scripts/bench.sh with: HOST PORT DB REPS; alone: bench/crates.sh [- - - REPS]
set -Eeuo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
reps=${4:-7}
cd "$repo"
cargo build -q --release -p regecon-core --example crates_bench
"$repo/target/release/examples/crates_bench" dist,rng,codec "$reps" | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    if d["section"] == "dist":
        w, mx, md, ns, r = d["what"], d["max_rel_err"], d["median_rel_err"], d["ns_per_call"], d["ratio_to_baseline"]
        print(f"{w:52s} max rel err {mx:9.2e}  median {md:9.2e}  {ns:8.1f} ns/call  x{r:.2f}")
    else:
        print(json.dumps(d))
'
