//! Our k-d tree (src/weights/kdtree.rs) against kiddo's ImmutableKdTree on the
//! all-points k-nearest query of knn_weights: time (build + n queries, median
//! of 3 or 9 runs) and whether the neighbour lists are identical, ties to the lower
//! index included (kiddo orders by distance only, so it is asked for k + 2 and,
//! when the k-th and (k+1)-th distances tie, for every point within the k-th
//! distance: the "tie fallbacks"). docs/dependencies.md, "k-d tree".
//! `cargo run --release -p regecon-core --features kiddo-compare --example kdtree_compare`
use kiddo::{ImmutableKdTree, SquaredEuclidean};
use regecon_core::weights::kdtree::KdTree;
use std::num::NonZero;
use std::time::Instant;

fn lcg(s: &mut u64) -> f64 {
    *s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*s >> 11) as f64 / (1u64 << 53) as f64
}

/// kiddo, made to give our answer: k+1 (+self) nearest, sorted by (d, index);
/// when the k-th and (k+1)-th tie, all points within the k-th distance, sorted.
fn kiddo_knn(
    t: &ImmutableKdTree<f64, 2>,
    q: &[f64; 2],
    k: usize,
    ex: usize,
    fallbacks: &mut usize,
) -> Vec<(usize, f64)> {
    let mut c: Vec<(usize, f64)> = t
        .nearest_n::<SquaredEuclidean>(q, NonZero::new(k + 2).unwrap())
        .into_iter()
        .map(|n| (n.item as usize, n.distance))
        .filter(|&(i, _)| i != ex)
        .collect();
    c.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    if c.len() > k && c[k].1 == c[k - 1].1 {
        *fallbacks += 1;
        c = t
            .within::<SquaredEuclidean>(q, c[k - 1].1)
            .into_iter()
            .map(|n| (n.item as usize, n.distance))
            .filter(|&(i, _)| i != ex)
            .collect();
        c.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    }
    c.truncate(k);
    c
}

fn bench(name: &str, pts: &[[f64; 2]], k: usize, reps: usize) {
    let n = pts.len();
    let mut ours_ms = Vec::new();
    let mut kiddo_ms = Vec::new();
    let mut ours_res = Vec::new();
    let mut kid_res = Vec::new();
    let mut fallbacks = 0;
    for _ in 0..reps {
        let t0 = Instant::now();
        let t = KdTree::new(pts.to_vec(), &mut || {}).unwrap();
        ours_res = (0..n).map(|i| t.knn(&pts[i], k, i).unwrap()).collect::<Vec<_>>();
        ours_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        let t0 = Instant::now();
        let t: ImmutableKdTree<f64, 2> = ImmutableKdTree::new_from_slice(pts);
        fallbacks = 0;
        kid_res = (0..n).map(|i| kiddo_knn(&t, &pts[i], k, i, &mut fallbacks)).collect::<Vec<_>>();
        kiddo_ms.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    ours_ms.sort_by(f64::total_cmp);
    kiddo_ms.sort_by(f64::total_cmp);
    let same_sets = ours_res
        .iter()
        .zip(&kid_res)
        .filter(|(a, b)| {
            let mut x: Vec<usize> = a.iter().map(|p| p.0).collect();
            let mut y: Vec<usize> = b.iter().map(|p| p.0).collect();
            x.sort();
            y.sort();
            x == y
        })
        .count();
    let identical = ours_res.iter().zip(&kid_res).filter(|(a, b)| a == b).count();
    // kiddo as it comes: k + 1 nearest in its own order, self dropped
    let t: ImmutableKdTree<f64, 2> = ImmutableKdTree::new_from_slice(pts);
    let raw = (0..n)
        .filter(|&i| {
            let mut c: Vec<usize> = t
                .nearest_n::<SquaredEuclidean>(&pts[i], NonZero::new(k + 1).unwrap())
                .into_iter()
                .map(|nb| nb.item as usize)
                .filter(|&j| j != i)
                .collect();
            c.truncate(k);
            c == ours_res[i].iter().map(|p| p.0).collect::<Vec<_>>()
        })
        .count();
    println!(
        "{name:<34} n {n:>6} k {k}: build+knn ours {:.1} ms, kiddo {:.1} ms (ratio kiddo/ours {:.2}); same neighbour sets {same_sets}/{n}, identical lists {identical}/{n}; tie fallbacks {fallbacks}; plain kiddo identical {raw}/{n}",
        ours_ms[reps / 2],
        kiddo_ms[reps / 2],
        kiddo_ms[reps / 2] / ours_ms[reps / 2]
    );
}

fn main() {
    let mut s = 1;
    for n in [3000usize, 100_000] {
        let pts: Vec<[f64; 2]> = (0..n).map(|_| [lcg(&mut s), lcg(&mut s)]).collect();
        bench("uniform random", &pts, 8, if n > 10000 { 3 } else { 9 });
    }
    // a lattice: every distance ties with several others
    let pts: Vec<[f64; 2]> = (0..3000).map(|i| [(i % 60) as f64, (i / 60) as f64]).collect();
    bench("60 x 50 lattice", &pts, 8, 9);
    let pts: Vec<[f64; 2]> = (0..3000).map(|i| [(i % 60) as f64, (i / 60) as f64]).collect();
    bench("60 x 50 lattice", &pts, 4, 9);
    // 40 sites repeated among random points, as the coincident test
    for n in [3000usize, 20_000] {
        let sites: Vec<[f64; 2]> = (0..40).map(|_| [lcg(&mut s), lcg(&mut s)]).collect();
        let pts: Vec<[f64; 2]> = (0..n)
            .map(|_| if lcg(&mut s) < 0.7 { sites[(lcg(&mut s) * 40.0) as usize] } else { [lcg(&mut s), lcg(&mut s)] })
            .collect();
        bench("70% on 40 repeated sites", &pts, 8, 3);
    }
    // every point at the same place: each query's ties are the whole set
    for n in [1000usize, 5000] {
        bench("all points coincident", &vec![[3.5, -2.0]; n], 8, 3);
    }
}
