# regecon: the two commands of the README, and a few more.
#   make demo   build, install, start a throwaway cluster, run the example on shipped data
#   make test   every test: lint, pure Rust, in-database (#[pg_test]), SQL regression, doc examples,
#               on PostgreSQL 15 and then 18
#   make lint   cargo fmt --check and cargo clippy -D warnings (part of make test)
#   make bench  benchmarks, each printed as a ratio against a baseline run in the same session
#   make fuzz   the seeded SQL fuzzer for FUZZ_SECONDS (default 1800), seed FUZZ_SEED (default 1)
#   make interrupt-latency   how late statement_timeout stops each long-running function
#   make test-citus   build Citus from CITUS_SRC (default ../shared/citus), start a coordinator and
#               two workers (CITUS_PORT, +1, +2), run tests/citus, stop them (docs/citus.md)
#   make bench-citus   the same cluster, bench/citus/ (the distributed Tobit, BENCH_CITUS_UNITS x 10 rows)
# All of them install what is missing first (Debian 12, as root).
# PG=18 runs install, test-pg, test-sql, demo, bench on PostgreSQL 18 (default 15):
# make test-sql PG=18. Clusters of 18 are named test18, demo18... (scripts/cluster.sh).
SHELL := /bin/bash
.SHELLFLAGS := -Eeuo pipefail -c
S := scripts

DEMO_PORT ?= 55432
TEST_PORT ?= 55433
BENCH_PORT ?= 55434
FUZZ_PORT ?= 55435
FUZZ_SECONDS ?= 1800
FUZZ_SEED ?= 1
LATENCY_PORT ?= 55436
LATENCY_MAX_LATE_MS ?= 1000
PG ?= 15
# the bounded fuzz run of make test on PostgreSQL 18 (on 15: 110 s, scripts/test-sql.sh)
FUZZ18_TEST_SECONDS ?= 40
export PG_MAJOR := $(PG)
CITUS_PORT ?= 55437
CITUS_SRC ?= $(CURDIR)/../shared/citus

.PHONY: demo test lint test-core test-pg test-sql test-pg18 bench fuzz interrupt-latency deps install stop clean citus test-citus bench-citus

deps:
	@$(S)/ensure-deps.sh

install: deps
	@source $(S)/env.sh && step "build and install the extension (release)" && \
	  cargo pgrx install --release --pg-config "$$PG_CONFIG" | grep -v '^\s*$$' | tail -n 3 && \
	  python3 $(S)/sql-scripts.py install

demo: install
	@$(S)/demo.sh $(DEMO_PORT)

test: deps lint test-core test-pg test-sql test-pg18

# the same in-database and SQL tests on PostgreSQL 18 (what needs PostGIS or
# pg_cron, which it lacks, is left out: tests/pg_regress/needs)
test-pg18: deps
	@$(MAKE) --no-print-directory test-pg test-sql PG=18 FUZZ_TEST_SECONDS=$(FUZZ18_TEST_SECONDS)

lint: deps
	@source $(S)/env.sh && step "cargo fmt --check and cargo clippy -D warnings (rustfmt.toml), for PostgreSQL $$PG_MAJORS" && \
	  cargo fmt --all --check && \
	  for v in $$PG_MAJORS; do \
	    cargo clippy --quiet --workspace --all-targets --no-default-features --features "pg$$v" -- -D warnings; \
	  done

test-core:
	@source $(S)/env.sh && step "pure-Rust tests (crates/regecon-core)" && cargo test -p regecon-core

test-pg: deps
	@$(S)/test-pg.sh

test-sql: install
	@$(S)/test-sql.sh $(TEST_PORT)

bench: install
	@$(S)/bench.sh $(BENCH_PORT)

fuzz: install
	@$(S)/fuzz.sh $(FUZZ_PORT) $(FUZZ_SECONDS) $(FUZZ_SEED)

interrupt-latency: install
	@source $(S)/env.sh && $(S)/cluster.sh start latency $(LATENCY_PORT) && \
	  trap '$(S)/cluster.sh stop latency' EXIT && \
	  step "interrupt latency under statement_timeout (scripts/interrupt-latency.py)" && \
	  python3 $(S)/interrupt-latency.py --host /tmp/regecon-latency$$PG_SUFFIX --port $(LATENCY_PORT) \
	    --max-late-ms $(LATENCY_MAX_LATE_MS)

# Citus (AGPL, never in this repository) is built in $(BUILD)/citus, once per source; the build
# touches no PostgreSQL, so it needs no lock. test-citus installs it, like `make install`.
citus: deps
	@CITUS_SRC="$(CITUS_SRC)" $(S)/build-citus.sh build

test-citus: install citus
	@CITUS_SRC="$(CITUS_SRC)" $(S)/build-citus.sh install && $(S)/test-citus.sh $(CITUS_PORT)

# the distributed panel Tobit on 10^7 rows, one node against the 3-node cluster
bench-citus: install citus
	@CITUS_SRC="$(CITUS_SRC)" $(S)/build-citus.sh install && $(S)/test-citus.sh $(CITUS_PORT) bench

stop:
	@for c in demo test bench fuzz latency; do $(S)/cluster.sh stop $$c; PG_MAJOR=18 $(S)/cluster.sh stop $$c; done

clean: stop
	@source $(S)/env.sh && rm -rf "$$BUILD" target
