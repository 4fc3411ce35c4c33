#!/usr/bin/env python3
"""Fills the empty ```text blocks of a doc page with the psql output of the
```sql block before each (a fresh database per page, as check-docs.sh runs
them). For writing docs; check-docs.sh then checks them on every test run.
    fill-docs.py SOCKET PORT docs/page.md"""
import re, subprocess, sys
sock, port, page = sys.argv[1:4]
db = "fill_" + re.sub(r"[^a-z0-9_]", "_", page.split("/")[-1][:-3])
psql = ["psql", "-X", "-h", sock, "-p", port, "-U", "postgres"]
subprocess.run(psql + ["-q", "-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {db}", "-c", f"CREATE DATABASE {db}"],
               check=True, capture_output=True, env={"PGOPTIONS": "-c client_min_messages=warning", "PATH": "/usr/bin:/bin"})
subprocess.run(psql + ["-q", "-d", db, "-c", "CREATE EXTENSION regecon"], check=True, capture_output=True)
text = open(page).read()
for files in re.findall(r"^<!-- check-docs: load (.*) -->$", text, re.M):
    for f in files.split():
        subprocess.run(psql + ["-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-f", f], check=True, capture_output=True)
out, pos = [], 0
pattern = re.compile(r"```sql\n(.*?)```\n(\s*```text\n(.*?)```\n)?", re.S)
for m in pattern.finditer(text):
    out.append(text[pos:m.start()])
    sql = m.group(1)
    r = subprocess.run(psql + ["-d", db, "-v", "VERBOSITY=default", "-c", sql], capture_output=True, text=True)
    got = r.stdout + r.stderr
    if m.group(2) is not None and m.group(3) == "":
        out.append(f"```sql\n{sql}```\n```text\n{got}```\n")
    else:
        out.append(m.group(0))
    pos = m.end()
out.append(text[pos:])
open(page, "w").write("".join(out))
