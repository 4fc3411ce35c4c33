#!/usr/bin/env python3
"""The README's function table is the whole user-facing surface: fails when
the catalogue of an installed regecon and the table differ.

    check-surface.py HOST PORT DB

User-facing: every function, aggregate and composite type of the extension
in its schema (a test build's #[pg_test] functions live in schema tests)
except the aggregates' support functions (*_trans, *_final, *_combine,
*_serialize, *_deserialize), and the regecon.* settings. In the README's
"## Functions" table, each `name(...)` or `name` in backticks in the first
column names one; a name is listed once for all its overloads. Standard
library only (run by make test)."""
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPPORT = r"_(trans|final|combine|serialize|deserialize)$"


def listed():
    text = open(os.path.join(REPO, "README.md")).read()
    table = text.split("\n## Functions\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split(" | ")[0]
        for span in re.findall(r"`([^`]+)`", first):
            m = re.match(r"(regecon\.)?[a-z_][a-z0-9_]*", span)
            if m and not span.startswith("sql/"):
                names.add(m.group(0))
    return names


def catalogue(host, port, db):
    query = f"""
WITH members AS (
  SELECT d.classid, d.objid FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon' WHERE d.deptype = 'e')
SELECT DISTINCT p.proname FROM members m JOIN pg_catalog.pg_proc p ON m.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = m.objid
WHERE p.proname !~ '{SUPPORT}'
  AND p.pronamespace = (SELECT extnamespace FROM pg_catalog.pg_extension WHERE extname = 'regecon')
UNION
SELECT t.typname FROM members m JOIN pg_catalog.pg_type t ON m.classid = 'pg_catalog.pg_type'::regclass AND t.oid = m.objid
WHERE t.typcategory <> 'A'  -- the array types, members too from PostgreSQL 17 on
UNION
SELECT name FROM pg_catalog.pg_settings WHERE name LIKE 'regecon.%'"""
    out = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", "postgres",
                          "-d", db, "-c", "LOAD 'regecon'", "-c", query],
                         check=True, capture_output=True, text=True).stdout
    return {l for l in out.splitlines() if l and l != "LOAD"}


def main():
    host, port, db = sys.argv[1:4]
    have, table = catalogue(host, port, db), listed()
    missing, stale = sorted(have - table), sorted(table - have)
    for name in missing:
        print(f"FAIL surface: {name} is in the catalogue but not in the README's function table")
    for name in stale:
        print(f"FAIL surface: {name} is in the README's function table but not in the catalogue")
    if missing or stale:
        sys.exit(1)
    print(f"surface: the README's function table lists the {len(have)} user-facing names of the catalogue, and no other")


main()
