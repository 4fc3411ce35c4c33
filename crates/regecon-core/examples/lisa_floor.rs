//! Local Moran (LISA) with conditional permutation inference, timed without
//! PostgreSQL, for the comparison with esda.Moran_Local in
//! bench/spatial_peer.py: the KNN-k weights (row-standardised) of a points
//! file written by spatial_peer.py, then `LocalMoran::new`, `analytic`,
//! `draws` and `simulate` over every unit on a 2-thread pool (what
//! local_moran does, less the SQL), median over `reps` runs.
//!
//! Modes (comma-separated, default `new`):
//! - `new`: the shared table of neighbour sets (`LocalMoran::draws`);
//! - `glue`: `new` in the slices of units local_moran's glue asks for
//!   (src/pool.rs `permute_units`: at most 8 units a thread per call);
//! - `redraw`: the same sets redrawn per unit (the path past the table's
//!   memory budget; same results, slower);
//! - `old`: the algorithm before the shared table (per unit, a copy of the
//!   other n - 1 deviations and a partial Fisher-Yates shuffle with a fresh
//!   generator per permutation: O(n) per unit), kept here only to measure it.
//!
//! Prints one JSON line per mode: {"n", "what": "lisa<perms>[_mode]", "ms"}
//! (median wall time; "cpu_ms" is the median CPU time of both threads),
//! plus the agreement of the modes' pseudo p-values with the first mode's.
//!
//! Usage: cargo run --release -p regecon-core --example lisa_floor -- points.csv k reps permutations [modes]
//! (environment: LISA_THREADS, the pool's threads, default 2; LISA_SEED, default 1)

use rayon::prelude::*;
use regecon_core::local_moran::{Lisa, LisaSim, LocalMoran};
use regecon_core::rng::Rng;
use regecon_core::weights::coords::{Kernel, Metric};
use regecon_core::weights::knn::knn;
use regecon_core::weights::{Style, Weights};
use std::time::Instant;

/// The conditional permutation inference of regecon before the shared table
/// (commit 30d777c), on the public API.
fn old_simulate(
    pool: &rayon::ThreadPool,
    w: &Weights,
    z: &[f64],
    scale: f64,
    lisa: &[Lisa],
    permutations: u64,
    seed: u64,
) -> Vec<LisaSim> {
    let n = w.n();
    pool.install(|| {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let (_, v) = w.row(i);
                let k = v.len();
                if k == 0 || k > n - 1 {
                    return LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None };
                }
                let others: Vec<f64> = (0..n).filter(|&j| j != i).map(|j| z[j]).collect();
                let mut idx: Vec<usize> = (0..others.len()).collect();
                let mut sims = Vec::with_capacity(permutations as usize);
                let zi = z[i];
                for p in 0..permutations {
                    let mut rng = Rng::stream(seed ^ (i as u64).wrapping_mul(0x9E37_79B9), p);
                    for a in 0..k {
                        let b = a + rng.below((idx.len() - a) as u64) as usize;
                        idx.swap(a, b);
                    }
                    let lag: f64 = v.iter().zip(&idx[..k]).map(|(w, &j)| w * others[j]).sum();
                    sims.push(scale * zi * lag);
                }
                let inf = regecon_core::permutation::permutation_inference(lisa[i].ii, &sims);
                LisaSim {
                    p_sim: Some(inf.p_sim),
                    mean_sim: Some(inf.mean_sim),
                    sd_sim: Some(inf.sd_sim),
                    z_sim: inf.z_sim,
                }
            })
            .collect()
    })
}

/// CPU time of the process in ms (user + system, Linux clock ticks of 10 ms):
/// less sensitive than wall time to other load on the machine.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (tick(11) + tick(12)) * 10.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, k, reps, perms): (&str, usize, usize, u64) =
        (&args[1], args[2].parse().unwrap(), args[3].parse().unwrap(), args[4].parse().unwrap());
    let modes: Vec<String> = args.get(5).map_or(vec!["new".into()], |m| m.split(',').map(String::from).collect());
    let text = std::fs::read_to_string(path).unwrap();
    let (mut ids, mut x, mut y, mut v) = (vec![], vec![], vec![], vec![]);
    for line in text.lines() {
        let f: Vec<&str> = line.split(',').collect();
        ids.push(f[0].parse::<i64>().unwrap());
        x.push(f[1].parse::<f64>().unwrap());
        y.push(f[2].parse::<f64>().unwrap());
        v.push(f[3].parse::<f64>().unwrap());
    }
    let links = knn(&ids, &x, &y, k, Metric::Euclidean, Kernel::Binary).unwrap();
    let triples: Vec<(i64, i64, f64)> = links.iter().map(|l| (l.0, l.1, l.2)).collect();
    let w = Weights::from_triples(&ids, &triples).unwrap().transform(Style::Row);
    // 2 threads, as the issue measures (LISA_THREADS overrides, for profiling)
    let threads = std::env::var("LISA_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    // seed 1 (LISA_SEED overrides)
    let seed = std::env::var("LISA_SEED").ok().and_then(|t| t.parse().ok()).unwrap_or(1);
    let mut first: Option<Vec<LisaSim>> = None;
    for mode in &modes {
        let mut times = vec![];
        let mut cpu = vec![];
        let mut sims = vec![];
        for _ in 0..reps {
            let t = Instant::now();
            let c = cpu_ms();
            let lm = LocalMoran::new(&w, &v).unwrap();
            let lisa = lm.analytic();
            sims = match mode.as_str() {
                "new" => lm.simulate(&pool, &lisa, 0, w.n(), &lm.draws(perms, seed).unwrap()),
                "glue" => {
                    // the slices of src/pool.rs permute_units as local_moran
                    // calls it: per thread clamp(4e6 / cost, 1, 8) units, cost =
                    // permutations x (links / n + 1), one simulate call a slice
                    let d = lm.draws(perms, seed).unwrap();
                    let cost = perms * (w.links() / w.n() + 1) as u64;
                    let slice = (4_000_000 / cost.max(1)).clamp(1, 8) as usize * pool.current_num_threads();
                    let mut out = Vec::with_capacity(w.n());
                    let mut done = 0;
                    while done < w.n() {
                        let count = slice.min(w.n() - done);
                        out.extend(lm.simulate(&pool, &lisa, done, count, &d));
                        done += count;
                    }
                    out
                }
                "redraw" => {
                    let d = lm.draws_within(perms, seed, 0, &mut regecon_core::interrupt::none()).unwrap();
                    assert!(!d.tabled());
                    lm.simulate(&pool, &lisa, 0, w.n(), &d)
                }
                "old" => {
                    let (z, zz) = regecon_core::moran::centred(&v, &ids, "value", "local Moran").unwrap();
                    let scale = (v.len() as f64 - 1.0) / zz;
                    old_simulate(&pool, &w, &z, scale, &lisa, perms, seed)
                }
                other => panic!("unknown mode {other}"),
            };
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            cpu.push(cpu_ms() - c);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        cpu.sort_by(|a, b| a.total_cmp(b));
        let what = if mode == "new" { format!("lisa{perms}") } else { format!("lisa{perms}_{mode}") };
        // agreement with the first mode: identical (redraw) or within Monte Carlo noise (old)
        let (mut same, mut diff) = (0usize, 0.0f64);
        if let Some(f) = &first {
            for (a, b) in f.iter().zip(&sims) {
                same += usize::from(a == b);
                diff = diff.max((a.p_sim.unwrap_or(0.0) - b.p_sim.unwrap_or(0.0)).abs());
            }
        }
        let sig = sims.iter().filter(|s| s.p_sim.is_some_and(|p| p <= 0.05)).count();
        println!(
            "{{\"n\": {}, \"what\": \"{what}\", \"ms\": {:.1}, \"cpu_ms\": {:.0}, \"reps\": {reps}, \"significant_05\": {sig}, \"identical_to_first\": {}, \"max_abs_dp_vs_first\": {diff}}}",
            v.len(),
            times[times.len() / 2],
            cpu[cpu.len() / 2],
            if first.is_some() { same.to_string() } else { "null".into() }
        );
        if first.is_none() {
            first = Some(sims);
        }
    }
}
