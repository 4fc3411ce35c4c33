#!/usr/bin/env python3
"""The extension's SQL scripts, checked in under sql/extension/ so that a
reviewer sees the SQL surface and its changes in diffs (docs/versions.md).

    sql-scripts.py write   copy the installed install script of the current
                           version (what `make install` generated) to
                           sql/extension/regecon--VERSION.sql and regenerate
                           each upgrade script from its head
    sql-scripts.py check   fail if the checked-in scripts differ from what
                           `write` would produce, or if an older install
                           script binds a C symbol this library lacks or
                           defines with other arguments (run by make test)
    sql-scripts.py install copy the older install scripts and the upgrade
                           scripts into PostgreSQL's extension directory

sql/extension/variants/ holds install scripts of builds that shipped under
a release's version with another SQL surface (regecon--0.1.0-30d777c.sql:
main between 0.1.0 and 0.2.0, which still called itself 0.1.0). They are
not installed; the check covers their C functions, and
scripts/test-upgrade.sh updates a database made from each.

Install scripts are compared without pgrx's source-location comments
('-- src/file.rs:LINE', or the absolute path of a file build.rs wrote to
cargo's OUT_DIR), which move with every edit."""
import os, re, shutil, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXT = os.path.join(REPO, "sql", "extension")
PG_CONFIG = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")


def version():
    for line in open(os.path.join(REPO, "Cargo.toml")):
        m = re.match(r'version\s*=\s*"([^"]+)"', line)
        if m:
            return m.group(1)
    sys.exit("sql-scripts: no version in Cargo.toml")


def sharedir():
    return os.path.join(subprocess.check_output([PG_CONFIG, "--sharedir"], text=True).strip(), "extension")


def normalized(text):
    return "".join(
        l for l in text.splitlines(keepends=True) if not re.match(r"-- (src/|crates/|/\S*/out/)\S+:\d+$", l)
    )


def blocks(text):
    """A script as the sorted list of its pgrx blocks ('<begin connected
    objects>' ... '</end connected objects>'), the text before the first
    block first. pgrx orders the blocks by a dependency graph, in an order
    it does not promise to keep from one build to the next: the check
    compares the blocks, not their order (any order the build wrote is a
    valid one)."""
    parts = text.split("/* <begin connected objects> */")
    return [parts[0]] + sorted(parts[1:])


def upgrade_body(install):
    """An install script as the body of an upgrade script: CREATE FUNCTION and
    CREATE AGGREGATE become CREATE OR REPLACE; CREATE TYPE ... AS (...); and
    CREATE SCHEMA are left out (the head alters the types and creates the
    schemas)."""
    out = re.sub(r"^CREATE TYPE \w+ AS \(.*?^\);\n", "", install, flags=re.S | re.M)
    out = re.sub(r"^CREATE SCHEMA \w+;\n", "", out, flags=re.M)
    out = re.sub(r"^CREATE\s+FUNCTION\b", "CREATE OR REPLACE FUNCTION", out, flags=re.M)
    out = re.sub(r"^CREATE\s+AGGREGATE\b", "CREATE OR REPLACE AGGREGATE", out, flags=re.M)
    if re.search(r"^CREATE (?!OR REPLACE|SCHEMA IF NOT EXISTS)", out, flags=re.M):
        bad = re.search(r"^CREATE (?!OR REPLACE|SCHEMA IF NOT EXISTS).*$", out, flags=re.M).group(0)
        sys.exit(f"sql-scripts: the install script has a statement an upgrade cannot replace: {bad}")
    return out


def sql_type(text):
    """A type or a RETURNS clause in one spelling: quotes dropped, aliases
    mapped to one name, spaces only between words."""
    t = text.lower().replace('"', "")
    for alias, name in ((r"\bfloat8\b", "double precision"), (r"\b(int4|integer)\b", "int"),
                        (r"\bint8\b", "bigint"), (r"\bboolean\b", "bool"), (r"\bfloat4\b", "real")):
        t = re.sub(alias, name, t)
    t = " ".join(t.split())
    return re.sub(r"\s*([(),])\s*", r"\1", t)


def c_functions(script):
    """{C symbol: {(argument types, result)}} of the functions an install
    script binds to the library (AS 'MODULE_PATHNAME', 'symbol')."""
    s = re.sub(r"/\*.*?\*/", "", script, flags=re.S)
    s = re.sub(r"--[^\n]*", "", s)
    out = {}
    for m in re.finditer(r"AS\s+'MODULE_PATHNAME'\s*,\s*'(\w+)'", s):
        head = s[s.rfind("FUNCTION", 0, m.start()):m.start()]
        i = head.index("(")
        depth = 0
        for j in range(i, len(head)):
            depth += {"(": 1, ")": -1}.get(head[j], 0)
            if depth == 0:
                break
        types = []
        for arg in re.split(r",(?![^(]*\))", head[i + 1:j]):
            arg = re.sub(r"\s+DEFAULT\s+.*", "", arg.strip(), flags=re.S | re.I)
            if arg:
                parts = arg.split(None, 1)
                types.append(sql_type(parts[-1]))
        ret = re.search(r"\bRETURNS\s+(.*?)(?:\s+(?:IMMUTABLE|STABLE|VOLATILE|STRICT|PARALLEL|LANGUAGE|CALLED|SET|COST)\b|\s*$)",
                        head[j + 1:], flags=re.S | re.I)
        out.setdefault(m.group(1), set()).add((tuple(types), sql_type(ret.group(1))))
    return out


def abi_problems(current):
    """What an older release's SQL definitions would call wrongly in this
    library. Between installing a newer library and ALTER EXTENSION UPDATE
    (and in a database never updated), the old definitions call the new
    library: every symbol they name must still exist and take the same
    arguments and give the same result (composite results may gain fields at
    their end: crate::types::set_field leaves out what the old type lacks)."""
    now = c_functions(current)
    bad = []
    older = [name for name in sorted(os.listdir(EXT))
             if re.match(r"regecon--[^-]+\.sql$", name) and name != f"regecon--{version()}.sql"]
    older += [os.path.join("variants", name) for name in sorted(os.listdir(os.path.join(EXT, "variants")))]
    for name in older:
        for sym, sigs in sorted(c_functions(open(os.path.join(EXT, name)).read()).items()):
            if sym not in now:
                bad.append(f"{name}: the library no longer has {sym}")
            elif not sigs <= now[sym]:
                bad.append(f"{name}: {sym} was {sorted(sigs)}, is {sorted(now[sym])}")
    return bad


def expected():
    """{file name: text} of every generated script."""
    v = version()
    files = {}
    installed = os.path.join(sharedir(), f"regecon--{v}.sql")
    if not os.path.exists(installed):
        sys.exit(f"sql-scripts: {installed} is missing: run make install first")
    files[f"regecon--{v}.sql"] = normalized(open(installed).read())
    for head in sorted(os.listdir(os.path.join(EXT, "head"))):
        m = re.match(r"(.+)--(.+)\.sql$", head)
        if not m or m.group(2) != v:
            continue
        text = open(os.path.join(EXT, "head", head)).read()
        files[f"regecon--{m.group(1)}--{v}.sql"] = text + "\n" + upgrade_body(files[f"regecon--{v}.sql"])
    return files


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "write":
        for name, text in expected().items():
            path = os.path.join(EXT, name)
            if os.path.exists(path) and blocks(open(path).read()) == blocks(text):
                continue   # the same blocks, perhaps in another order: keep the diff quiet
            open(path, "w").write(text)
            print(f"wrote sql/extension/{name}")
    elif cmd == "check":
        bad = []
        for name, text in expected().items():
            path = os.path.join(EXT, name)
            if not os.path.exists(path) or blocks(open(path).read()) != blocks(text):
                bad.append(name)
        abi = abi_problems(expected()[f"regecon--{version()}.sql"])
        if abi:
            sys.exit("sql-scripts: an older release's SQL would call this library wrongly:\n  " + "\n  ".join(abi))
        if bad:
            sys.exit("sql-scripts: the checked-in SQL scripts differ from what this build generates: "
                     + ", ".join(bad) + "\n  run `make install && python3 scripts/sql-scripts.py write`, "
                     "review the diff (git diff sql/extension) and commit it")
        print("sql-scripts: the checked-in install and upgrade scripts are this build's, and the C functions "
              "of the older install scripts are all in this library with the same arguments and results")
    elif cmd == "install":
        v = version()
        dest = sharedir()
        for name in sorted(os.listdir(EXT)):
            if name.endswith(".sql") and name != f"regecon--{v}.sql":
                shutil.copyfile(os.path.join(EXT, name), os.path.join(dest, name))
    else:
        sys.exit(__doc__)


main()
