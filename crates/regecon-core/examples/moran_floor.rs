//! The physical floor of a 999-permutation Moran's I, for bench/spatial.sh:
//! one thread, the CSR arrays of the KNN-8 weights (row-standardised) of a
//! points file, and a bare loop doing the permuted products (shuffle, then
//! sum_i z_i sum_j w_ij z_j). No inference, no allocation in the loop. The
//! arrays are relabelled for memory locality as morans_i does, so the floor
//! is the best a single thread can do with this algorithm.
//!
//! Usage: cargo run --release -p regecon-core --example moran_floor -- points.csv k reps

use regecon_core::rng::Rng;
use regecon_core::weights::coords::{Kernel, Metric};
use regecon_core::weights::knn::knn;
use regecon_core::weights::{Style, Weights};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, k, reps): (&str, usize, usize) = (&args[1], args[2].parse().unwrap(), args[3].parse().unwrap());
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
    // the same relabelling for memory locality that morans_i applies
    let order = w.locality_order();
    let w = w.reordered(&order);
    let (ptr, col, val) = w.csr();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let z: Vec<f64> = order.iter().map(|&o| v[o] - mean).collect();
    let mut times = vec![];
    let mut sink = 0.0;
    for _ in 0..reps {
        let t = Instant::now();
        let mut buf = z.clone();
        for p in 0..999u64 {
            buf.copy_from_slice(&z);
            Rng::stream(1, p).shuffle(&mut buf);
            let mut total = 0.0;
            for i in 0..buf.len() {
                let mut lag = 0.0;
                for kk in ptr[i]..ptr[i + 1] {
                    lag += val[kk] * buf[col[kk]];
                }
                total += buf[i] * lag;
            }
            sink += total;
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("{{\"n\": {}, \"what\": \"floor999\", \"ms\": {}, \"sink\": {}}}", v.len(), times[times.len() / 2], sink);
}
