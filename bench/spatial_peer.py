#!/usr/bin/env python3
"""Peer side of bench/spatial.sh: writes the benchmark datasets and times
PySAL on them (libpysal KNN construction, esda Moran with 999 permutations,
esda Moran_Local (LISA) with 999 and 9,999 conditional permutations, and
an esda loop of Moran with 999 permutations over the 20 years of a panel).

Usage: spatial_peer.py OUTDIR REPS
Writes OUTDIR/points_<n>.csv (id,x,y,value), OUTDIR/panel_3000.csv
(year,id,value: 20 years on the n = 3000 points) and prints one JSON line per timing.
Datasets: n = 48 (US states, per-capita income 1929, queen contiguity from
states48.gal), n = 3000 and n = 100000 (seeded random points in the unit
square, value = a smooth field plus noise, KNN k = 8).

LISA: esda.Moran_Local(v, w, permutations=P, n_jobs=1) with esda's defaults
(numba's crand kernels, keep_simulations=True: an (n, P) float64 array of
simulations, 8 GB at n = 100000 and 9,999 permutations, and about as much
again while esda takes their sd: mind the machine's memory).
numba compiles its kernels on the first call, which is made once untimed.
Each LISA timing is the median of REPS runs, or of fewer when the runs so
far already took LISA_BUDGET_S seconds ("reps" in its JSON line says how
many ran). crates/regecon-core/examples/lisa_floor.rs times regecon's
LocalMoran on the same points and weights.
"""
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")
import esda  # noqa: E402
import libpysal  # noqa: E402
import numba  # noqa: E402  (esda's crand kernels: without numba they run as plain Python)

out = Path(sys.argv[1])
reps = int(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
repo = Path(__file__).resolve().parents[1]


def median_time(f, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) * 1000.0


LISA_BUDGET_S = 180.0
PANEL_YEARS = 20


def median_time_budget(f, reps, budget_s):
    """Median time in ms over at most `reps` runs, stopping early once the
    runs took `budget_s` seconds in all; also returns the number of runs."""
    ts = []
    while len(ts) < reps and sum(ts) < budget_s:
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) * 1000.0, len(ts)


def emit(**kw):
    print(json.dumps(kw), flush=True)


emit(peer="versions", esda=esda.__version__, libpysal=libpysal.__version__, numpy=np.__version__, numba=numba.__version__)

# n = 48: real data, queen contiguity from GAL
import csv  # noqa: E402

rows = list(csv.DictReader(open(repo / "tests/fixtures/spatial/data/usjoin.csv")))
y48 = np.array([float(r["1929"]) for r in rows])
with open(out / "points_48.csv", "w") as f:
    for i, v in enumerate(y48):
        f.write(f"{i},0,0,{float(v)!r}\n")
w48 = libpysal.io.open(str(repo / "tests/fixtures/spatial/data/states48.gal")).read()
w48.transform = "r"
emit(n=48, what="moran999", ms=median_time(lambda: esda.Moran(y48, w48, permutations=999), reps))

rng = np.random.default_rng(20261128)
for n in (3000, 100000):
    xy = rng.random((n, 2))
    v = np.sin(6 * xy[:, 0]) + np.cos(4 * xy[:, 1]) + rng.normal(0, 0.5, n)
    with open(out / f"points_{n}.csv", "w") as f:
        for i in range(n):
            f.write(f"{i},{float(xy[i, 0])!r},{float(xy[i, 1])!r},{float(v[i])!r}\n")
    holder = {}

    def build():
        holder["w"] = libpysal.weights.KNN.from_array(xy, k=8)

    emit(n=n, what="knn8", ms=median_time(build, reps))
    w = holder["w"]
    w.transform = "r"
    emit(n=n, what="moran999", ms=median_time(lambda: esda.Moran(v, w, permutations=999), reps))
    m = esda.Moran(v, w, permutations=0)
    emit(n=n, what="moran_I", value=float(m.I))
    if n == 3000:
        # a panel: 20 years of values on the same points and weights, as a
        # long table (year, id, value); esda runs one Moran per year in a loop
        prng = np.random.default_rng(20261207)
        panel = [np.sin(6 * xy[:, 0] + 0.1 * t) + np.cos(4 * xy[:, 1]) + prng.normal(0, 0.5, n) for t in range(PANEL_YEARS)]
        with open(out / "panel_3000.csv", "w") as f:
            for t, pv in enumerate(panel):
                for i in range(n):
                    f.write(f"{2000 + t},{i},{float(pv[i])!r}\n")
        emit(n=n, what="panel_moran999",
             ms=median_time(lambda: [esda.Moran(pv, w, permutations=999) for pv in panel], reps))
        emit(n=n, what="panel_I_sum", value=float(sum(esda.Moran(pv, w, permutations=0).I for pv in panel)))
        # numba's compilation, untimed (the same kernels serve n = 100000)
        esda.Moran_Local(v, w, permutations=9, n_jobs=1)
    for perms in (999, 9999):
        ms, runs = median_time_budget(
            lambda: esda.Moran_Local(v, w, permutations=perms, n_jobs=1), reps, LISA_BUDGET_S
        )
        emit(n=n, what=f"lisa{perms}", ms=ms, reps=runs)
