#!/usr/bin/env python3
"""Seeded SQL fuzzer for the regecon extension (stdlib only).

    fuzz.py --host SOCKDIR --port P --seconds N --seed S [--db NAME] [--log SERVERLOG]

Discovers every function and aggregate of the extension from the catalogue
(pg_proc via pg_depend, argument types and names from pg_proc), and calls
each with hostile values drawn per type: plain calls, aggregates over
generated groups (NULL rows first / middle / last, several groups, window
frames, forced parallel plans over a real table), nested calls of the
support functions (internal states of one aggregate handed to another's
final function, garbage bytes to deserialize functions).

Outcomes are classified by SQLSTATE. A run fails on: a backend crash
(connection lost, or "terminated by signal" / "was terminated" in the server
log), SQLSTATE XX000 (or any class XX), an error message that looks like a
Rust panic, a result holding NaN or Infinity when no input did, or a
statement that runs far past its statement_timeout. Every failure is printed
with the exact SQL to reproduce it. The statement sequence depends only on
the seed (a run of N seconds replays a prefix of it), and after a crash the
fuzzer waits for the postmaster to restart and goes on, so one run lists all
kinds of crash. The last line of the verdict is `fuzz: N passed, M failed`.
"""
import argparse
import collections
import os
import queue
import random
import re
import subprocess
import sys
import threading
import time

STATEMENT_TIMEOUT_MS = 5000
HANG_GRACE_S = 25          # past statement_timeout: a hang (the cancel is not honoured)
NONFINITE_RE = re.compile(r"\b(NaN|Infinity)\b")
PANIC_RE = re.compile(r"panick|unwrap\(\)|index out of bounds|attempt to (add|subtract|multiply)|"
                      r"RUST_BACKTRACE|called `(Option|Result)|overflow when|slice index", re.I)
# options taken as constant over the rows of an aggregate's group (mostly)
OPTION_ARGS = {"weights", "permutations", "seed", "style", "lower", "upper", "model", "names"}
OPTIONS = ["r", "b", "o", "w", "R", " r", "pooled", "re", "fe", "RE", "euclidean", "great_circle",
           "manhattan", "queen", "rook", "oim", "cluster", "robust", "ghq", "adaptive", "regecon", "id"]
VALID = {"style": ["r", "b", "o"], "metric": ["euclidean", "great_circle"], "model": ["pooled", "re", "fe"],
         "vce": ["oim", "cluster"], "rule": ["queen", "rook"], "layer": ["regecon", "w"],
         "id_variable": ["id", "poly_id"]}
WORDS = ["x", "abc", "_cons", "NaN", "Infinity", "-0", "null", "NULL", "1e999", "é", "日本", "a b",
         "x1", "x2", "'", "\\", "%s", "DROP TABLE x", ";", "\t", " ", "0x10"]
RING_SIZES = [1, 2, 3, 4, 5, 8, 12, 20, 35, 50]
WEIGHT_RELS = ["fz_w", "fz_w_view", "fz_w_nullsrc", "fz_w_nulldst", "fz_w_nullw", "fz_w_wrongcols",
               "fz_w_textcols", "fz_w_intcols", "fz_w_numeric", "fz_w_neg", "fz_w_nan", "fz_w_inf",
               "fz_w_self", "fz_w_dup", "fz_w_empty", "fz_w_hugeids", "fz_w_zero", "fz_w_subnormal",
               "fz_w_big", "fz_w_1e308", "fz_w_extra", "fz_w_asym", "fz_w_islands", "fz_w_matview",
               "fz_seq", "pg_class", "pg_am", "fz_w_part"]


# --------------------------------------------------------------------------- psql driver

class Session:
    """One long-lived `psql -X -A -t -q -v ON_ERROR_STOP=0`, fed through stdin.

    After every statement it echoes a marker with psql's SQLSTATE variable and
    the last error message, so each statement's outcome is read in order from
    stdout alone."""

    def __init__(self, args):
        self.args = args
        self.proc = None
        self.seq = 0
        self.stderr_tail = collections.deque(maxlen=20)

    def start(self):
        cmd = ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=0", "-h", self.args.host,
               "-p", str(self.args.port), "-U", self.args.user, "-d", self.args.db]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                     errors="replace", bufsize=1)
        self.out = queue.Queue()
        self.stderr_tail.clear()
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.out), daemon=True).start()
        threading.Thread(target=self._pump_err, args=(self.proc.stderr,), daemon=True).start()
        r = self.run(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}", timeout=30)
        if r["state"] != "00000":
            raise RuntimeError(f"cannot start a session: {r}")
        r = self.run("SELECT pg_backend_pid()", timeout=30)
        self.pid = int(r["out"][0]) if r["out"] else None

    @staticmethod
    def _pump(stream, q):
        for line in stream:
            q.put(line.rstrip("\n"))
        q.put(None)

    def _pump_err(self, stream):
        for line in stream:
            self.stderr_tail.append(line.rstrip("\n"))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def close(self):
        if self.proc:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None

    def run(self, sql, timeout=STATEMENT_TIMEOUT_MS / 1000 + HANG_GRACE_S):
        """Returns dict(state, msg, out, lost, hang, elapsed)."""
        self.seq += 1
        self.stderr_tail.clear()
        mark = f"@@fz{self.seq}@@"
        payload = sql.strip().rstrip(";") + ";\n" + \
            f"\\echo {mark} :SQLSTATE\n\\if :ERROR\n\\echo {mark}E :LAST_ERROR_MESSAGE\n\\endif\n"
        t0 = time.monotonic()
        try:
            self.proc.stdin.write(payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return dict(state=None, msg="", out=[], lost=True, hang=False, elapsed=0.0)
        out, state, msg = [], None, ""
        deadline = t0 + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return dict(state=None, msg="", out=out, lost=False, hang=True,
                            elapsed=time.monotonic() - t0)
            try:
                line = self.out.get(timeout=min(left, 1.0))
            except queue.Empty:
                if not self.alive() and self.out.empty():
                    return dict(state=None, msg="", out=out, lost=True, hang=False,
                                elapsed=time.monotonic() - t0)
                continue
            if line is None:
                return dict(state=None, msg="", out=out, lost=True, hang=False,
                            elapsed=time.monotonic() - t0)
            if line.startswith(mark + " "):
                state = line[len(mark) + 1:].strip()
                if state == "00000":
                    break
                continue
            if line.startswith(mark + "E"):
                msg = line[len(mark) + 2:].strip()
                break
            out.append(line)
        return dict(state=state, msg=msg, out=out, lost=False, hang=False,
                    elapsed=time.monotonic() - t0)


def psql_once(args, sql, timeout=60):
    cmd = ["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", args.host, "-p",
           str(args.port), "-U", args.user, "-d", args.db, "-c", sql]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def wait_for_server(args, limit=120):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            if psql_once(args, "SELECT 1", timeout=10).returncode == 0:
                return True
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.5)
    return False


# --------------------------------------------------------------------------- catalogue

CATALOGUE_SQL = r"""
SELECT p.oid::regprocedure::text, p.proname, p.prokind, p.proretset, p.pronargdefaults,
       array_to_string(ARRAY(SELECT format_type(t.typ, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY t(typ, i)
                             ORDER BY t.i), ';'),
       coalesce(array_to_string(ARRAY(
           SELECT coalesce(nullif(n.nm, ''), 'arg' || n.i)
           FROM unnest(coalesce(p.proargnames, array_fill(''::text, ARRAY[p.pronargs])))
                WITH ORDINALITY n(nm, i)
           WHERE p.proargmodes IS NULL OR p.proargmodes[n.i] IN ('i', 'b', 'v')
           ORDER BY n.i), ';'), ''),
       format_type(p.prorettype, NULL)
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'regecon' AND p.pronamespace::regnamespace::text <> 'tests'
ORDER BY 1
"""

COMPOSITE_SQL = r"""
SELECT format_type(t.oid, NULL), a.attname, format_type(a.atttypid, NULL)
FROM pg_type t
JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'regecon'
JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
WHERE t.typtype = 'c'
ORDER BY 1, a.attnum
"""


class Func:
    def __init__(self, sig, name, kind, retset, ndefaults, types, names, rettype):
        self.sig, self.name, self.kind, self.retset = sig, name, kind, retset == "t"
        self.ndefaults = int(ndefaults)
        self.types = [t for t in types.split(";") if t] if types else []
        self.names = names.split(";") if names else []
        if len(self.names) != len(self.types):
            self.names = [f"arg{i + 1}" for i in range(len(self.types))]
        self.rettype = rettype

    @property
    def is_agg(self):
        return self.kind == "a"

    @property
    def support(self):
        return "internal" in self.types or self.rettype == "internal"


def load_catalogue(args):
    r = psql_once(args, CATALOGUE_SQL)
    if r.returncode != 0:
        sys.exit(f"fuzz: cannot read the catalogue: {r.stderr.strip()}")
    funcs = [Func(*line.split("|")) for line in r.stdout.splitlines() if line.strip()]
    r = psql_once(args, COMPOSITE_SQL)
    comps = collections.OrderedDict()
    for line in r.stdout.splitlines():
        if line.strip():
            t, a, at = line.split("|")
            comps.setdefault(t, []).append((a, at))
    return funcs, comps


# --------------------------------------------------------------------------- values

def q(s):
    return "'" + s.replace("'", "''") + "'"


class Gen:
    """Draws hostile SQL literals. Each draw returns (sql, nonfinite): whether the
    literal brings NaN or Infinity into the call (a NaN result is then no bug)."""

    def __init__(self, rng, funcs, comps, dropped_oid):
        self.r, self.funcs, self.comps, self.dropped_oid = rng, funcs, comps, dropped_oid
        self.trans = [f for f in funcs if f.rettype == "internal" and not f.is_agg]
        self.serial = [f for f in funcs if f.rettype == "bytea" and f.types == ["internal"]]

    # scalars ---------------------------------------------------------------
    def float8(self, sane=False):
        r = self.r
        if sane or r.random() < 0.55:
            c = r.random()
            if c < 0.5:
                v = round(r.uniform(0, 1), 3)
            elif c < 0.8:
                v = r.randint(0, 10)
            elif c < 0.9:
                v = round(r.uniform(0, 100), 6)
            else:
                v = round(r.uniform(-100, 100), 6)
            return f"{v}::float8", False
        v = r.choice(["NULL", "'NaN'", "'Infinity'", "'-Infinity'", "1e308", "-1e308", "1e-310",
                      "-1e-310", "'-0'", "0", "1", "-1", "2.2250738585072014e-308", "1.7976931348623157e308",
                      "1e-300", "1e300", "0.5", "4.9e-324"])
        return f"{v}::float8", v in ("'NaN'", "'Infinity'", "'-Infinity'")

    def bigint(self, sane=False):
        r = self.r
        if sane or r.random() < 0.6:
            return f"{r.randint(1, 12)}::bigint", False
        v = r.choice(["NULL", "0", "-1", "1", "9223372036854775807", "(-9223372036854775807 - 1)",
                      "2147483648", "-2147483649", "42", "1"])
        return f"{v}::bigint", False

    def int4(self, name=""):
        r = self.r
        if name == "permutations" and r.random() < 0.6:
            return f"{r.choice([0, 1, 9, 99, 999])}::int", False
        if name == "k" and r.random() < 0.5:
            return f"{r.randint(1, 6)}::int", False
        v = r.choice(["NULL", "0", "-1", "1", "2", "3", "10", "2147483647", "(-2147483647 - 1)",
                      "999", "1000000", "1000001", "100000", str(r.randint(-5, 50))])
        return f"{v}::int", False

    def boolean(self):
        return self.r.choice(["NULL::bool", "true", "false", "true"]), False

    def text(self, name=""):
        r = self.r
        if name in ("content", "gal", "gwt", "arg1") or (name == "" and r.random() < 0.1):
            return self.weights_text()
        c = r.random()
        if name in VALID and r.random() < 0.7:
            v = q(r.choice(VALID[name]))
        elif c < 0.55:
            v = q(r.choice(OPTIONS))
        elif c < 0.65:
            v = "NULL"
        elif c < 0.72:
            v = "''"
        elif c < 0.85:
            v = q(r.choice(WORDS))
        elif c < 0.9:
            v = f"repeat({q(r.choice(['x', 'r', 'pooled ', 'é']))}, {r.choice([100, 10000, 1000000])})"
        else:
            v = q("".join(chr(r.randint(1, 0x2FF)) for _ in range(r.randint(1, 30))))
        return f"{v}::text", bool(NONFINITE_RE.search(v))

    def weights_text(self):
        """GAL / GWT text, plausible or mutated."""
        r = self.r
        n = r.choice([0, 1, 2, 3, 5])
        lines = []
        gwt = r.random() < 0.5
        header = r.choice([str(n), str(n), f"0 {n} layer id", "99999999999", "-1", "abc", "",
                           "18446744073709551616", "1e9", "3 3", str(n + 1), str(max(n - 1, 0))])
        lines.append(header)
        ids = list(range(1, n + 1))
        for i in ids:
            nb = [j for j in ids if j != i and r.random() < 0.6]
            if gwt:
                for j in nb:
                    w = r.choice(["1", "0.5", "2", "NaN", "inf", "-1", "1e308", "1e-310", "-0", "x", ""])
                    lines.append(f"{i} {j} {w}")
            else:
                cnt = r.choice([len(nb)] * 4 + [len(nb) + 1, 99999999999, -1, "x"])
                lines.append(f"{i} {cnt}")
                lines.append(" ".join(str(j) for j in nb))
        for _ in range(r.choice([0, 0, 1, 2])):
            pos = r.randint(0, len(lines))
            lines.insert(pos, r.choice(["", "1", "1 1", "9223372036854775807 1",
                                        "-9223372036854775808 0", "1 2 3 4 5", "\t", "#", "1 1 1",
                                        "x y z", "1 " + "9" * 40, "2 1\n1"]))
        text = r.choice(["\n", "\r\n", "\n", " \n"]).join(lines) + r.choice(["\n", "", "\n\n"])
        if r.random() < 0.05:
            text = text * r.choice([10, 1000])
        lit = "E" + q(text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
                      .replace("\t", "\\t"))
        if r.random() < 0.05:
            lit = "NULL"
        if r.random() < 0.03:
            lit = ("(SELECT '100000' || E'\\n' || string_agg(g || ' 1' || E'\\n' || (g % 100000 + 1), E'\\n') "
                   "FROM generate_series(1, 100000) g)")
        return f"{lit}::text", bool(re.search(r"(?i)nan|inf", text))

    def name_t(self):
        return q(self.r.choice(["id", "geom", "src", "nonexistent", "", "oid", "x"])) + "::name", False

    def regclass(self, n=None):
        r = self.r
        c = r.random()
        if c < 0.4:
            if n in RING_SIZES and r.random() < 0.8:
                return f"'fz_ring_{n}'::regclass", False
            return "'fz_w'::regclass", False
        if c < 0.45:
            return "NULL::regclass", False
        if c < 0.5:
            return "(SELECT o FROM fz_dropped_oid)::regclass", False
        if c < 0.52:
            return "0::oid::regclass", False
        rel = r.choice(WEIGHT_RELS)
        return f"{q(rel)}::regclass", rel in ("fz_w_nan", "fz_w_inf", "fz_w_textcols")

    def internal(self, depth):
        r = self.r
        if depth > 1 or not self.trans or r.random() < 0.6:
            return "NULL::internal", False
        f = r.choice(self.trans)
        return self.call_expr(f, depth + 1)

    def bytea(self, depth):
        r = self.r
        c = r.random()
        if c < 0.15:
            return "NULL::bytea", False
        if c < 0.25:
            return "'\\x'::bytea", False
        if c < 0.5 and self.serial and depth <= 1:
            f = r.choice(self.serial)
            inner, nf = self.internal(depth)
            return f"{f.name}({inner})", nf
        n = r.choice([1, 4, 8, 16, 24, 40, 64])
        b = bytes(r.choice([0, 0xFF, 1, r.randint(0, 255)]) for _ in range(n))
        return f"'\\x{b.hex()}'::bytea", False

    # arrays ------------------------------------------------------------------
    def array(self, elem, n, name=""):
        r = self.r
        c = r.random()
        if c < 0.04:
            return f"NULL::{elem}[]", False
        if c < 0.08:
            return f"'{{}}'::{elem}[]", False
        if c < 0.10:
            return f"ARRAY[NULL]::{elem}[]", False
        if c < 0.13:
            m = r.choice([1000, 100000])
            if elem == "float8":
                return (f"(SELECT array_agg(((g * 7919) % 1000) / 100.0::float8) "
                        f"FROM generate_series(1, {m}) g)"), False
            if elem == "bigint":
                return f"(SELECT array_agg(g::bigint) FROM generate_series(1, {m}) g)", False
            return f"(SELECT array_agg('t' || g) FROM generate_series(1, {m}) g)", False
        if c < 0.20:
            n = max(0, n + r.choice([-1, 1, 2]))
        nf = False
        items = []
        hostile = r.random() < 0.3
        for i in range(n):
            if elem == "float8":
                v, f = self.float8(sane=not hostile)
                nf |= f
            elif elem == "bigint":
                if name in ("ids",) and not hostile:
                    v, f = f"{i + 1}", False
                else:
                    v, f = self.bigint(sane=not hostile)
            else:
                if name == "names" and not hostile:
                    v, f = q(f"x{i + 1}"), False
                else:
                    v, f = self.text()
                    nf |= f
            items.append(v)
        if items and r.random() < 0.08:
            items[r.choice([0, len(items) // 2, len(items) - 1])] = "NULL"
        return f"ARRAY[{', '.join(items)}]::{elem}[]", nf

    # composites ----------------------------------------------------------------
    def composite(self, typ, depth):
        r = self.r
        c = r.random()
        if c < 0.1:
            return f"NULL::{typ}", False
        if typ == "tobit_fit" and c < 0.45:
            model = r.choice(["pooled", "re", "fe"])
            return (f"(SELECT panel_tobit(d, ARRAY[x1, x2], unit, 0, 1, {q(model)}) FROM fz_panel)",
                    False)
        fields = self.comps.get(typ, [])
        k = r.choice([0, 1, 2, 3])
        vals, nf = [], False
        for name, t in fields:
            if t == "text" and name == "model":
                v, f = q(r.choice(["pooled", "re", "fe", "x", ""])) + "::text", False
            elif t.endswith("[]"):
                n = k + (1 if r.random() < 0.5 else 0)
                if name.endswith("vcov") and r.random() < 0.7:
                    n = r.choice([(k + 1) ** 2, (k + 2) ** 2, k, 0])
                if t == "text[]" and r.random() < 0.7:
                    v, f = f"ARRAY[{', '.join(q(f'x{i}') for i in range(n))}]::text[]", False
                else:
                    v, f = self.array(t[:-2].replace("double precision", "float8"), n, name)
            else:
                v, f = self.value(t, name, depth + 1)
            vals.append(v)
            nf |= f
        return f"ROW({', '.join(vals)})::{typ}", nf

    # dispatch ------------------------------------------------------------------
    def value(self, typ, name="", depth=0, n=3):
        t = typ.replace("double precision", "float8").replace("integer", "int").replace(
            "boolean", "bool")
        if t == "float8":
            return self.float8()
        if t == "bigint":
            return self.bigint()
        if t == "int":
            return self.int4(name)
        if t == "bool":
            return self.boolean()
        if t == "text":
            return self.text(name)
        if t == "name":
            return self.name_t()
        if t == "regclass":
            return self.regclass(n)
        if t == "internal":
            return self.internal(depth)
        if t == "bytea":
            return self.bytea(depth)
        if t.endswith("[]"):
            return self.array(t[:-2], n, name)
        if t in self.comps:
            return self.composite(t, depth)
        return f"NULL::{typ}", False

    def call_expr(self, f, depth=0, nargs=None):
        n = self.r.choice([0, 1, 2, 3, 3, 4, 5, 8, 12, 20])
        nargs = len(f.types) if nargs is None else nargs
        args, nf = [], False
        for t, name in list(zip(f.types, f.names))[:nargs]:
            v, x = self.value(t, name, depth, n)
            args.append(v)
            nf |= x
        return f"{f.name}({', '.join(args)})", nf


# --------------------------------------------------------------------------- statements

def wrap_rows(from_item):
    """Counts the rows of a FROM item and the ones holding NaN or Infinity."""
    return ("SELECT count(*) || ' rows, ' || count(*) FILTER (WHERE t::text ~ '\\m(NaN|Infinity)\\M') "
            "|| ' nonfinite: ' || coalesce(left(replace(min(t::text) FILTER (WHERE t::text ~ "
            "'\\m(NaN|Infinity)\\M'), E'\\n', ' '), 300), '') "
            f"FROM {from_item}")


def agg_statement(g, f):
    """An aggregate over generated groups. Returns (setup, sql, teardown, nonfinite, mode)."""
    r = g.r
    ngroups = r.choice([1, 1, 1, 2, 3])
    rows, nf = [], False
    # per-call constants for the option arguments
    consts = {}
    ring = r.choice(RING_SIZES[2:])
    k = r.choice([1, 2, 2, 3])
    for t, name in zip(f.types, f.names):
        if name in OPTION_ARGS and r.random() < 0.93:
            if name == "weights" and r.random() < 0.7:
                consts[name] = (f"'fz_ring_{ring}'::regclass", False)
            elif name == "model" and r.random() < 0.7:
                consts[name] = (q(r.choice(["pooled", "re", "fe"])) + "::text", False)
            elif name == "names":
                consts[name] = g.array("text", k, "names")
            elif name in ("lower", "upper") and r.random() < 0.6:
                consts[name] = ({"lower": "0::float8", "upper": "1::float8"}[name]
                                if r.random() < 0.7 else "NULL::float8", False)
            else:
                consts[name] = g.value(t, name, 0, k)
    hostile_rate = r.choice([0.0, 0.0, 0.0, 0.02, 0.05, 0.2, 0.5])
    for gi in range(ngroups):
        nrows = ring if r.random() < 0.9 else r.choice(RING_SIZES)
        null_at = r.choice([None, None, None, 0, nrows // 2, nrows - 1])
        ids = list(range(1, nrows + 1))
        if r.random() < 0.1 and nrows > 1:
            ids[-1] = ids[0]
        for ri in range(nrows):
            vals = [str(gi), str(len(rows))]
            for ai, (t, name) in enumerate(zip(f.types, f.names)):
                if name in consts:
                    v, x = consts[name]
                elif t == "bigint" and name in ("id", "unit"):
                    if r.random() < hostile_rate:
                        v, x = g.bigint()
                    else:
                        v, x = (f"{ids[ri]}::bigint" if name == "id"
                                else f"{ids[ri] % max(1, nrows // 4) + 1}::bigint"), False
                elif t == "double precision[]" and r.random() >= hostile_rate:
                    v, x = g.array("float8", k)
                    if v.startswith("(SELECT"):
                        v, x = f"ARRAY[{', '.join(g.float8(sane=True)[0] for _ in range(k))}]", False
                elif t == "double precision" and r.random() >= hostile_rate:
                    v, x = g.float8(sane=True)
                else:
                    v, x = g.value(t, name, 0, k)
                if null_at == ri and ai == (ri % len(f.types)):
                    v, x = f"NULL::{t}", False
                vals.append(v)
                nf |= x
            rows.append(vals)
    cols = ["g", "rn"] + [f"c{i}" for i in range(len(f.types))]
    # the first row carries the types
    rows[0] = rows[0][:2] + [f"({v})::{t}" for v, t in zip(rows[0][2:], f.types)]
    values = ",\n  ".join("(" + ", ".join(rw) + ")" for rw in rows)
    src = f"(VALUES {values}) v({', '.join(cols)})"
    argl = ", ".join(f"c{i}" for i in range(len(f.types)))
    mode = r.choices(["group", "grouping_sets", "window", "window_moving", "parallel", "filter"],
                     [50, 8, 10, 6, 20, 6])[0]
    setup, teardown = [], []
    if mode == "parallel":
        setup = ["DROP TABLE IF EXISTS fz_par",
                 f"CREATE TABLE fz_par AS SELECT * FROM {src}",
                 "ALTER TABLE fz_par SET (parallel_workers = 2)",
                 "SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0",
                 "SET min_parallel_table_scan_size = 0", "SET max_parallel_workers_per_gather = 2",
                 "SET force_parallel_mode = on"]
        if r.random() < 0.5:
            setup.insert(2, "INSERT INTO fz_par SELECT * FROM fz_par")  # duplicate rows, bigger table
        teardown = ["RESET parallel_setup_cost", "RESET parallel_tuple_cost",
                    "RESET min_parallel_table_scan_size", "RESET max_parallel_workers_per_gather",
                    "RESET force_parallel_mode"]
        inner = f"SELECT g, {f.name}({argl}) AS a FROM fz_par GROUP BY g"
    elif mode == "grouping_sets":
        inner = f"SELECT g, {f.name}({argl}) AS a FROM {src} GROUP BY GROUPING SETS ((), (g))"
    elif mode == "window":
        inner = f"SELECT {f.name}({argl}) OVER (PARTITION BY g ORDER BY rn) AS a FROM {src}"
    elif mode == "window_moving":
        inner = (f"SELECT {f.name}({argl}) OVER (PARTITION BY g ORDER BY rn ROWS BETWEEN 2 PRECEDING "
                 f"AND CURRENT ROW) AS a FROM {src}")
    elif mode == "filter":
        inner = f"SELECT g, {f.name}({argl}) FILTER (WHERE rn % 2 = 0) AS a FROM {src} GROUP BY g"
    else:
        inner = f"SELECT g, {f.name}({argl}) AS a FROM {src} GROUP BY g"
    sql = wrap_rows(f"({inner}) s, LATERAL (SELECT s.a) t")
    return setup, sql, teardown, nf, mode


def call_statement(g, f):
    r = g.r
    nargs = len(f.types)
    if f.ndefaults and r.random() < 0.4:
        nargs -= r.randint(1, f.ndefaults)
    expr, nf = g.call_expr(f, nargs=nargs)
    if f.retset:
        sql = wrap_rows(f"{expr} AS t")
    else:
        sql = wrap_rows(f"(SELECT {expr} AS v) t")
    return [], sql, [], nf, "call"


SETTINGS = ["SET regecon.max_threads = {}", "SET regecon.tobit_quadrature_points = {}",
            "SET regecon.tobit_quadrature = {}"]


def settings_statement(g):
    r = g.r
    s = r.choice(SETTINGS)
    if "quadrature =" in s:
        v = r.choice(["'ghq'", "'adaptive'", "'x'", "''"])
    else:
        v = r.choice(["0", "1", "2", "-1", "150", "151", "1000000", "'x'"])
    return s.format(v)


# --------------------------------------------------------------------------- setup

SETUP = r"""
SET client_min_messages = warning;
DROP TABLE IF EXISTS fz_w, fz_w_nullsrc, fz_w_nulldst, fz_w_nullw, fz_w_wrongcols, fz_w_textcols,
  fz_w_intcols, fz_w_numeric, fz_w_neg, fz_w_nan, fz_w_inf, fz_w_self, fz_w_dup, fz_w_empty,
  fz_w_hugeids, fz_w_zero, fz_w_subnormal, fz_w_big, fz_w_1e308, fz_w_extra, fz_w_asym,
  fz_w_islands, fz_w_part, fz_panel, fz_par, fz_dropped CASCADE;
DROP MATERIALIZED VIEW IF EXISTS fz_w_matview;
DROP SEQUENCE IF EXISTS fz_seq;
DO $$ DECLARE n int; BEGIN
  FOR n IN 1..50 LOOP
    EXECUTE format('DROP TABLE IF EXISTS fz_ring_%s', n);
  END LOOP;
  FOREACH n IN ARRAY ARRAY[1, 2, 3, 4, 5, 8, 12, 20, 35, 50] LOOP
    EXECUTE format('CREATE TABLE fz_ring_%s AS SELECT DISTINCT i::bigint AS src, (((i - 1 + o + %s) %% %s) + 1)::bigint AS dst, 1.0::float8 AS weight '
                   'FROM generate_series(1, %s) i, unnest(ARRAY[-2, -1, 1, 2]) o WHERE o <> 0 AND ((i - 1 + o + %s) %% %s) + 1 <> i',
                   n, n, n, n, n, n, n);
  END LOOP;
END $$;
CREATE TABLE fz_w AS
  SELECT i::bigint AS src, (((i - 1 + o + 60) % 60) + 1)::bigint AS dst, 1.0::float8 AS weight
  FROM generate_series(1, 60) i, unnest(ARRAY[-2, -1, 1, 2]) o;
CREATE VIEW fz_w_view AS SELECT src, dst, weight FROM fz_w WHERE src <= 40 AND dst <= 40;
CREATE MATERIALIZED VIEW fz_w_matview AS SELECT * FROM fz_w;
CREATE TABLE fz_w_nullsrc AS SELECT * FROM fz_w; INSERT INTO fz_w_nullsrc VALUES (NULL, 1, 1);
CREATE TABLE fz_w_nulldst AS SELECT * FROM fz_w; INSERT INTO fz_w_nulldst VALUES (3, NULL, 1);
CREATE TABLE fz_w_nullw AS SELECT * FROM fz_w; UPDATE fz_w_nullw SET weight = NULL WHERE src = 5 AND dst = 6;
CREATE TABLE fz_w_wrongcols AS SELECT src AS a, dst AS b, weight AS c FROM fz_w;
CREATE TABLE fz_w_textcols AS SELECT src::text AS src, dst::text AS dst, weight::text AS weight FROM fz_w;
INSERT INTO fz_w_textcols VALUES ('x', '1', 'NaN');
CREATE TABLE fz_w_intcols AS SELECT src::int AS src, dst::int AS dst, 1::int AS weight FROM fz_w;
CREATE TABLE fz_w_numeric AS SELECT src::numeric AS src, dst::numeric AS dst, weight::numeric AS weight FROM fz_w;
CREATE TABLE fz_w_neg AS SELECT src, dst, -weight AS weight FROM fz_w;
CREATE TABLE fz_w_nan AS SELECT src, dst, CASE WHEN src = 2 THEN 'NaN'::float8 ELSE weight END AS weight FROM fz_w;
CREATE TABLE fz_w_inf AS SELECT src, dst, CASE WHEN src = 2 THEN 'Infinity'::float8 ELSE weight END AS weight FROM fz_w;
CREATE TABLE fz_w_self AS SELECT * FROM fz_w UNION ALL SELECT i, i, 1 FROM generate_series(1, 5) i;
CREATE TABLE fz_w_dup AS SELECT * FROM fz_w UNION ALL SELECT * FROM fz_w WHERE src < 4;
CREATE TABLE fz_w_empty (src bigint, dst bigint, weight float8);
CREATE TABLE fz_w_hugeids AS SELECT * FROM fz_w UNION ALL VALUES (9223372036854775807, -9223372036854775808, 1.0);
CREATE TABLE fz_w_zero AS SELECT src, dst, 0::float8 AS weight FROM fz_w;
CREATE TABLE fz_w_subnormal AS SELECT src, dst, 1e-310::float8 AS weight FROM fz_w;
CREATE TABLE fz_w_1e308 AS SELECT src, dst, 1e308::float8 AS weight FROM fz_w;
CREATE TABLE fz_w_extra AS SELECT 'x'::text AS note, weight, dst, src, 7 AS other FROM fz_w;
CREATE TABLE fz_w_asym AS SELECT * FROM fz_w WHERE src < dst;
CREATE TABLE fz_w_islands AS SELECT * FROM fz_w WHERE src % 3 <> 0 AND dst % 3 <> 0;
CREATE TABLE fz_w_big AS
  SELECT i::bigint AS src, ((i % 100000) + 1)::bigint AS dst, 1.0::float8 AS weight FROM generate_series(1, 100000) i;
CREATE TABLE fz_w_part (src bigint, dst bigint, weight float8) PARTITION BY RANGE (src);
CREATE TABLE fz_w_part_1 PARTITION OF fz_w_part FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
INSERT INTO fz_w_part SELECT * FROM fz_w;
CREATE SEQUENCE fz_seq;
CREATE TABLE fz_dropped (src bigint, dst bigint, weight float8);
CREATE TABLE fz_panel AS
SELECT g AS id, (g % 8)::bigint AS unit, x1, x2,
       greatest(0, least(1, 0.2 + 0.5 * x1 - 0.3 * x2 + 0.08 * ((g % 8) - 3.5) + 0.12 * sin(g * 7.3))) AS d
FROM (SELECT g, ((g % 11) + (g % 8)) / 15.0 AS x1, (g % 7) / 6.0 AS x2 FROM generate_series(1, 200) g) s;
ANALYZE;
"""


# --------------------------------------------------------------------------- main loop

class Stats:
    def __init__(self):
        self.by_func = collections.defaultdict(collections.Counter)
        self.by_state = collections.Counter()
        self.failures = []
        self.messages = collections.defaultdict(collections.Counter)
        self.passed = 0

    def record(self, fname, state):
        self.by_func[fname][state] += 1
        self.by_state[state] += 1


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def read_log(path, since):
    try:
        with open(path, "rb") as fh:
            fh.seek(since or 0)
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", required=True, help="socket directory (or host)")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", default="regecon_fuzz")
    ap.add_argument("--user", default="postgres")
    ap.add_argument("--log", help="server log, scanned for crashed backends")
    ap.add_argument("--max-statements", type=int, default=0, help="stop after this many cases")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every statement")
    ap.add_argument("--messages", action="store_true", help="print the commonest error messages per function")
    args = ap.parse_args()

    # database and extension
    base = argparse.Namespace(**vars(args))
    base.db = "postgres"
    if not wait_for_server(base, 30):
        sys.exit("fuzz: server not reachable")
    # a fresh database each run: the extension's SQL then matches the
    # installed library (a database left by an older build would not)
    r = psql_once(base, f'DROP DATABASE IF EXISTS "{args.db}"')
    if r.returncode:
        sys.exit(f"fuzz: {r.stderr.strip()}")
    r = psql_once(base, f'CREATE DATABASE "{args.db}"')
    if r.returncode:
        sys.exit(f"fuzz: {r.stderr.strip()}")
    r = psql_once(args, "CREATE EXTENSION IF NOT EXISTS regecon")
    if r.returncode:
        sys.exit(f"fuzz: {r.stderr.strip()}")
    r = psql_once(args, SETUP, timeout=300)
    if r.returncode:
        sys.exit(f"fuzz: setup failed: {r.stderr.strip()}")
    # a relation dropped after its OID was taken (the statements read the OID from a table,
    # so their text does not depend on the cluster)
    r = psql_once(args, "DROP TABLE IF EXISTS fz_dropped_oid; "
                        "CREATE TABLE fz_dropped_oid AS SELECT 'fz_dropped'::regclass::oid AS o; DROP TABLE fz_dropped")
    if r.returncode:
        sys.exit(f"fuzz: setup failed: {r.stderr.strip()}")
    dropped = None
    funcs, comps = load_catalogue(args)
    if not funcs:
        sys.exit("fuzz: no functions found for extension regecon")
    print(f"fuzz: seed {args.seed}, {args.seconds:g} s, {len(funcs)} functions "
          f"({sum(f.is_agg for f in funcs)} aggregates, {sum(f.support for f in funcs)} support)",
          flush=True)

    user = [f for f in funcs if not f.support]
    support = [f for f in funcs if f.support]
    rng = random.Random(args.seed)
    gen = Gen(rng, funcs, comps, dropped)
    stats = Stats()
    log0 = log_size(args.log) if args.log else None
    sess = Session(args)
    sess.start()
    t_end = time.monotonic() + args.seconds
    ncase = 0
    crashes = 0
    prev = None

    def fail(kind, fname, sql, detail, setup=()):
        full = ";\n".join(list(setup) + [sql]) + ";"
        stats.failures.append((kind, fname, full, detail))
        print(f"\nFAIL [{kind}] {fname}: {detail}\n--- reproduce (psql, statement_timeout "
              f"{STATEMENT_TIMEOUT_MS} ms):\n{full}\n---", flush=True)

    def reconnect():
        nonlocal sess, prev
        prev = None
        sess.close()
        if not wait_for_server(args):
            print("fuzz: the server did not come back after a crash; stopping", flush=True)
            return False
        sess = Session(args)
        sess.start()
        return True

    while time.monotonic() < t_end and (not args.max_statements or ncase < args.max_statements):
        ncase += 1
        f = rng.choice(support if support and rng.random() < 0.03 else user)
        pre = []
        if rng.random() < 0.03:
            pre.append(settings_statement(gen))
        if f.is_agg:
            setup, sql, teardown, nf, mode = agg_statement(gen, f)
        else:
            setup, sql, teardown, nf, mode = call_statement(gen, f)
        setup = pre + setup
        if args.verbose:
            print(f"-- case {ncase} {f.sig} {mode}\n{sql};", flush=True)
        bad = False
        for s in setup:
            res = sess.run(s)
            if res["lost"] or res["hang"]:
                bad = True
                if prev:
                    fail("crash" if res["lost"] else "hang", prev[0], prev[1],
                         "the connection was found lost at the next statement (a parallel worker or "
                         "another backend died after this statement returned)", prev[2])
                else:
                    fail("crash" if res["lost"] else "hang", f.sig, s, "during setup: " +
                         " | ".join(sess.stderr_tail), setup[:setup.index(s)])
                break
        if bad:
            crashes += 1
            if not reconnect():
                break
            continue
        res = sess.run(sql)
        fname = f.sig
        prev = (fname, sql, setup)
        if res["lost"]:
            stats.record(fname, "CRASH")
            crashes += 1
            fail("crash", fname, sql, "connection lost: " + " | ".join(sess.stderr_tail), setup)
            if not reconnect():
                break
            continue
        if res["hang"]:
            stats.record(fname, "HANG")
            fail("hang", fname, sql, f"no answer {res['elapsed']:.1f} s after a statement_timeout "
                 f"of {STATEMENT_TIMEOUT_MS} ms", setup)
            if sess.pid:
                psql_once(args, f"SELECT pg_terminate_backend({sess.pid})")
            if not reconnect():
                break
            continue
        state = res["state"] or "?????"
        stats.record(fname, state)
        if res["msg"]:
            stats.messages[fname][re.sub(r"-?\d[\d.e+-]*", "#", res["msg"])[:90]] += 1
        ok = True
        if state.startswith("XX"):
            ok = False
            fail(state, fname, sql, res["msg"], setup)
        elif PANIC_RE.search(res["msg"] or ""):
            ok = False
            fail("panic-text", fname, sql, f"{state}: {res['msg']}", setup)
        elif state == "00000":
            line = " ".join(res["out"])
            m = re.match(r"(\d+) rows, (\d+) nonfinite: (.*)", line)
            if m and int(m.group(2)) > 0 and not nf:
                ok = False
                fail("nonfinite", fname, sql, f"{m.group(2)} of {m.group(1)} result rows hold NaN or "
                     f"Infinity from finite inputs, e.g. {m.group(3)[:200]}", setup)
        elif state == "57014" and res["elapsed"] > STATEMENT_TIMEOUT_MS / 1000 + 2:
            stats.record(fname, "LATE-CANCEL")
            print(f"note: {fname}: cancelled {res['elapsed'] - STATEMENT_TIMEOUT_MS / 1000:.1f} s late",
                  flush=True)
        if ok:
            stats.passed += 1
        for s in teardown:
            res = sess.run(s)
            if res["lost"]:
                break
        if not sess.alive():
            crashes += 1
            fail("crash", fname, sql, "session lost after the statement (in teardown)", setup)
            prev = None
            if not reconnect():
                break

    sess.close()
    # the server log: backends that died
    if args.log:
        text = read_log(args.log, log0)
        # (a parallel worker that raised an ERROR exits with code 1: that is no crash)
        dead = [ln for ln in text.splitlines() if re.search(r"terminated by signal|was terminated|"
                                                            r"PANIC:|exited with exit code ([2-9]|\d\d)", ln)]
        if dead:
            print("\nserver log:")
            for ln in dead[:50]:
                print("  " + ln)
            if not any(k == "crash" for k, *_ in stats.failures):
                stats.failures.append(("crash", "server log", "", dead[0]))
    # summary
    print("\nper function (SQLSTATE: count):")
    for fn in sorted(stats.by_func):
        c = stats.by_func[fn]
        print(f"  {fn:<95} {sum(c.values()):>6}  " +
              ", ".join(f"{k}:{v}" for k, v in sorted(c.items())))
    if args.messages:
        print("\ncommonest error messages:")
        for fn in sorted(stats.messages):
            for m, cnt in stats.messages[fn].most_common(4):
                print(f"  {fn[:40]:<40} {cnt:>5} {m}")
    print("\nper SQLSTATE:")
    for st, cnt in sorted(stats.by_state.items()):
        print(f"  {st:<12} {cnt}")
    kinds = collections.Counter(k for k, *_ in stats.failures)
    if kinds:
        print("\nfailures by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"fuzz: {stats.passed} passed, {len(stats.failures)} failed")
    sys.exit(1 if stats.failures else 0)


if __name__ == "__main__":
    main()
