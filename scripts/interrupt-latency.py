#!/usr/bin/env python3
"""How late does a cancel arrive in regecon's long-running functions?

    interrupt-latency.py --host SOCKDIR --port P [--db NAME] [--max-late-ms 1000]
                         [--timeout-ms 200] [--only SUBSTRING] [--give-up-s 120]

For each function that can run long, prepares the data (untimed), then runs
the call under `SET statement_timeout = '200ms'` and measures on the client's
wall clock how long after the timeout the statement returns (lateness =
elapsed - timeout). One case is instead cancelled from a second session with
pg_cancel_backend 200 ms after it starts. Prints a table (function, case,
outcome, elapsed, lateness) and exits non-zero when a lateness exceeds
--max-late-ms (default 1000 ms, so that a loaded 2-core machine does not make
it flaky; the target is 100 ms). A statement that finishes before the
timeout is reported as such (the case was too small to measure); one that
has not returned after --give-up-s is terminated and reported as at least
that late. Stdlib only; drives psql.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz import Session, psql_once, q, wait_for_server  # noqa: E402

SETUP = r"""
SET client_min_messages = warning;
DROP TABLE IF EXISTS il_pts, il_same, il_band, il_msame, il_knnw, il_vals, il_gal, il_gwt,
  il_panel, il_bigw CASCADE;
-- 10^6 random points (deterministic), as arrays in one row
CREATE TABLE il_pts AS
SELECT array_agg(g::bigint ORDER BY g) AS ids,
       array_agg(((g::bigint * 7919) % 1000003) / 1000.0::float8 ORDER BY g) AS x,
       array_agg(((g::bigint * 104729) % 999983) / 1000.0::float8 ORDER BY g) AS y
FROM generate_series(1, 1000000) g;
-- 10^5 and 10^6 identical points
CREATE TABLE il_same AS
SELECT array_agg(g::bigint ORDER BY g) AS ids, array_agg(1.0::float8) AS x, array_agg(2.0::float8) AS y
FROM generate_series(1, 100000) g;
CREATE TABLE il_msame AS
SELECT array_agg(1.0::float8) AS x, array_agg(2.0::float8) AS y FROM generate_series(1, 1000000) g;
-- 5,000 points for a band that holds every pair (25 million links)
CREATE TABLE il_band AS
SELECT array_agg(g::bigint ORDER BY g) AS ids, array_agg((g % 71)::float8 ORDER BY g) AS x,
       array_agg((g % 67)::float8 ORDER BY g) AS y
FROM generate_series(1, 5000) g;
-- 3,000 units on a ring (8 neighbours each) with values, for the permutation tests
CREATE TABLE il_knnw AS
SELECT i::bigint AS src, (((i - 1 + o + 3000) % 3000) + 1)::bigint AS dst, 1.0::float8 AS weight
FROM generate_series(1, 3000) i, unnest(ARRAY[-4, -3, -2, -1, 1, 2, 3, 4]) o;
CREATE TABLE il_vals AS
SELECT g::bigint AS id, sin(g * 0.37) + ((g * 31) % 17) / 17.0 AS value FROM generate_series(1, 3000) g;
-- GAL and GWT texts of 10^6 units, 4 neighbours each
CREATE TABLE il_gal AS
SELECT '1000000' || E'\n' || string_agg(g || ' 4' || E'\n' || ((g % 1000000) + 1) || ' ' || (((g + 1) % 1000000) + 1)
       || ' ' || (((g + 2) % 1000000) + 1) || ' ' || (((g + 3) % 1000000) + 1), E'\n' ORDER BY g) || E'\n' AS t
FROM generate_series(1, 1000000) g;
CREATE TABLE il_gwt AS
SELECT '0 1000000 layer id' || E'\n' || string_agg(g || ' ' || ((g % 1000000) + 1) || ' 0.5' || E'\n' ||
       g || ' ' || (((g + 1) % 1000000) + 1) || ' 0.25', E'\n' ORDER BY g) || E'\n' AS t
FROM generate_series(1, 1000000) g;
-- a panel of 10^6 rows in 10^4 units
CREATE TABLE il_panel AS
SELECT g AS id, (g % 10000)::bigint AS unit, x1, x2,
       greatest(0, least(1, 0.2 + 0.5 * x1 - 0.3 * x2 + 0.1 * sin((g % 10000) * 1.7) + 0.12 * sin(g * 7.3)))::float8 AS d
FROM (SELECT g, ((g % 11) + (g % 8)) / 15.0::float8 AS x1, (g % 7) / 6.0::float8 AS x2
      FROM generate_series(1, 1000000) g) s;
-- a weights relation of 4 * 10^6 links
CREATE TABLE il_bigw AS
SELECT i::bigint AS src, (((i - 1 + o + 1000000) % 1000000) + 1)::bigint AS dst, 1.0::float8 AS weight
FROM generate_series(1, 1000000) i, unnest(ARRAY[-2, -1, 1, 2]) o;
ANALYZE il_pts, il_same, il_msame, il_band, il_knnw, il_vals, il_gal, il_gwt, il_panel, il_bigw;
"""

CASES = [
    ("knn_weights", "10^6 random points, k = 8",
     "SELECT count(*) FROM il_pts, knn_weights(ids, x, y, 8)"),
    ("knn_weights", "10^5 identical points, k = 8",
     "SELECT count(*) FROM il_same, knn_weights(ids, x, y, 8)"),
    ("distance_band_weights", "5,000 points, band holding every pair",
     "SELECT count(*) FROM il_band, distance_band_weights(ids, x, y, 1e9)"),
    ("min_threshold_distance", "10^5 identical points",
     "SELECT min_threshold_distance(x, y) FROM il_same"),
    ("min_threshold_distance", "10^6 identical points",
     "SELECT min_threshold_distance(x, y) FROM il_msame"),
    ("min_threshold_distance", "10^6 random points",
     "SELECT min_threshold_distance(x, y) FROM il_pts"),
    ("morans_i", "n = 3,000, 10^6 permutations",
     "SELECT (morans_i(id, value, 'il_knnw', 1000000, 42)).p_sim FROM il_vals"),
    ("local_moran", "n = 3,000, 99,999 permutations",
     "SELECT count(*) FROM (SELECT array_agg(id ORDER BY id) i, array_agg(value ORDER BY id) v FROM il_vals) s, "
     "local_moran(s.i, s.v, 'il_knnw', 99999, 42)"),
    ("bivariate_morans_i", "n = 3,000, 10^6 permutations",
     "SELECT (bivariate_morans_i(id, value, value * value, 'il_knnw', 1000000, 42)).p_sim FROM il_vals"),
    ("read_gal", "10^6 units (27 MB of text)",
     "SELECT count(*) FROM il_gal, read_gal(t)"),
    ("read_gwt", "2 * 10^6 links (30 MB of text)",
     "SELECT count(*) FROM il_gwt, read_gwt(t)"),
    ("panel_tobit", "'re', 10^6 rows in 10^4 units",
     "SELECT (panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're')).converged FROM il_panel"),
    ("panel_tobit", "'fe', 10^6 rows in 10^4 units",
     "SELECT (panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'fe')).converged FROM il_panel"),
    ("panel_tobit", "'pooled', 10^6 rows",
     "SELECT (panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 'pooled')).converged FROM il_panel"),
    ("weights_summary", "4 * 10^6 links",
     "SELECT n FROM weights_summary('il_bigw')"),
    ("weights_transform", "4 * 10^6 links, 'r'",
     "SELECT count(*) FROM weights_transform('il_bigw', 'r')"),
    ("to_gwt", "4 * 10^6 links",
     "SELECT length(to_gwt('il_bigw'))"),
]
# cancelled by pg_cancel_backend from a second session instead of statement_timeout
CANCEL_CASES = [
    ("morans_i", "pg_cancel_backend, n = 3,000, 10^6 permutations",
     "SELECT (morans_i(id, value, 'il_knnw', 1000000, 42)).p_sim FROM il_vals"),
    ("panel_tobit", "pg_cancel_backend, 're', 10^6 rows",
     "SELECT (panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, 're')).converged FROM il_panel"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--db", default="regecon_latency")
    ap.add_argument("--user", default="postgres")
    ap.add_argument("--timeout-ms", type=int, default=200,
                    help="statement_timeout of the first run of each case, and the delay of pg_cancel_backend")
    ap.add_argument("--more-timeouts-ms", default="1000,3000",
                    help="further runs of each case with these timeouts (comma-separated; '' for none), "
                         "so the cancel also lands after the rows are gathered, inside the extension's code")
    ap.add_argument("--max-late-ms", type=float, default=1000)
    ap.add_argument("--give-up-s", type=float, default=120)
    ap.add_argument("--only", help="run the cases whose function or description contains this")
    ap.add_argument("--skip-setup", action="store_true", help="reuse the data of a previous run")
    args = ap.parse_args()

    base = argparse.Namespace(**vars(args))
    base.db = "postgres"
    if not wait_for_server(base, 30):
        sys.exit("interrupt-latency: server not reachable")
    exists = psql_once(base, f"SELECT 1 FROM pg_database WHERE datname = {q(args.db)}").stdout.strip()
    if exists and not args.skip_setup:
        # a fresh database: the extension's SQL then matches the installed
        # library (a database left by an older build would not)
        r = psql_once(base, f'DROP DATABASE "{args.db}"')
        if r.returncode:
            sys.exit(r.stderr)
        exists = False
    if not exists:
        r = psql_once(base, f'CREATE DATABASE "{args.db}"')
        if r.returncode:
            sys.exit(r.stderr)
    r = psql_once(args, "CREATE EXTENSION IF NOT EXISTS regecon")
    if r.returncode:
        sys.exit(r.stderr)
    if not args.skip_setup:
        t0 = time.monotonic()
        print("preparing data (untimed) ...", flush=True)
        r = psql_once(args, SETUP, timeout=1800)
        if r.returncode:
            sys.exit(f"setup failed: {r.stderr}")
        print(f"  done in {time.monotonic() - t0:.0f} s", flush=True)

    def pick(cases):
        return [c for c in cases if not args.only or args.only in c[0] or args.only in c[1]]

    rows = []
    sess = Session(args)

    def fresh():
        nonlocal sess
        sess.close()
        wait_for_server(args)
        sess = Session(args)
        sess.start()

    fresh()
    timeouts = [args.timeout_ms] + [int(t) for t in args.more_timeouts_ms.split(",") if t.strip()]
    for func, case, sql in pick(CASES):
        for t in timeouts:
            sess.run(f"SET statement_timeout = {t}")
            res = sess.run(sql, timeout=args.give_up_s)
            rows.append(outcome(args, sess, func, case, res, t / 1000))
            rows[-1]["timeout"] = t
            print(fmt(rows[-1]), flush=True)
            if res["hang"] or res["lost"]:
                fresh()
            if res["state"] == "00000":
                break   # finished before this timeout: a longer one cannot cancel it
    for func, case, sql in pick(CANCEL_CASES):
        sess.run("SET statement_timeout = 0")
        pid = sess.pid
        fired = {}

        def cancel():
            time.sleep(args.timeout_ms / 1000)
            fired["t"] = time.monotonic()
            psql_once(args, f"SELECT pg_cancel_backend({pid})")
        th = threading.Thread(target=cancel)
        t_start = time.monotonic()
        th.start()
        res = sess.run(sql, timeout=args.give_up_s)
        th.join()
        # lateness from the moment the cancel was sent (not from the statement's start)
        sent_after = fired.get("t", t_start) - t_start
        rows.append(outcome(args, sess, func, case, res, max(sent_after, 0)))
        rows[-1]["timeout"] = "cancel"
        if res["hang"] or res["lost"]:
            fresh()
        print(fmt(rows[-1]), flush=True)
    sess.close()

    print()
    print(f"{'function':<24} {'case':<50} {'timeout':>7} {'outcome':<22} {'elapsed ms':>10} {'late ms':>9}")
    print("-" * 120)
    worst = 0.0
    for r in rows:
        print(fmt(r))
        if r["late"] is not None:
            worst = max(worst, r["late"])
    bad = [r for r in rows if r["late"] is not None and r["late"] > args.max_late_ms]
    errors = [r for r in rows if r["what"].startswith(("error", "CRASH", "no answer"))]
    print(f"\ninterrupt latency: worst {worst:.0f} ms late (threshold {args.max_late_ms:.0f} ms, "
          f"target 100 ms); {len(bad)} of {len(rows)} cases over the threshold; {len(errors)} ended in an error")
    sys.exit(1 if bad or errors else 0)


def outcome(args, sess, func, case, res, cancel_at_s):
    el = res["elapsed"] * 1000
    if res["hang"]:
        if sess.pid:
            psql_once(args, f"SELECT pg_terminate_backend({sess.pid})")
        return dict(func=func, case=case, what=f"no answer in {args.give_up_s:.0f} s", el=el,
                    late=el - cancel_at_s * 1000)
    if res["lost"]:
        return dict(func=func, case=case, what="CRASH (connection lost)", el=el, late=None)
    st = res["state"]
    if st == "57014":
        return dict(func=func, case=case, what="cancelled (57014)", el=el, late=max(0.0, el - cancel_at_s * 1000))
    if st == "00000":
        return dict(func=func, case=case, what="finished before cancel", el=el, late=None)
    return dict(func=func, case=case, what=f"error {st}", el=el,
                late=max(0.0, el - cancel_at_s * 1000) if el > cancel_at_s * 1000 else None)


def fmt(r):
    late = "n/a" if r["late"] is None else f"{r['late']:.0f}"
    return f"{r['func']:<24} {r['case']:<50} {str(r.get('timeout', '')):>7} {r['what']:<22} {r['el']:>10.0f} {late:>9}"


if __name__ == "__main__":
    main()
