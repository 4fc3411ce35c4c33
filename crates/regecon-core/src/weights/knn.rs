//! k-nearest-neighbour weights (libpysal `KNN`, spdep `knearneigh`).
//!
//! Each unit links to its k nearest other units: the matrix is generally
//! asymmetric. Ties at the k-th distance are broken by the lower row
//! position (libpysal leaves ties to scipy's k-d tree, whose order is an
//! implementation detail; without ties both give the same lists).

use super::coords::{Kernel, Metric, Points};
use crate::error::{Error, Result};

/// A link of a weights relation: (src, dst, weight, distance).
pub type Link = (i64, i64, f64, f64);

pub fn knn(ids: &[i64], x: &[f64], y: &[f64], k: usize, metric: Metric, kernel: Kernel) -> Result<Vec<Link>> {
    check_ids(ids, x.len())?;
    let pts = Points::new(x, y, metric)?;
    let n = pts.len();
    if k == 0 || k >= n {
        return Err(Error::invalid(format!("k must be between 1 and n - 1 = {}, got {k}", n.saturating_sub(1))));
    }
    // the queries are independent: blocks of units in parallel (on the
    // caller's rayon pool), concatenated in unit order
    use rayon::prelude::*;
    const BLOCK: usize = 1024;
    let blocks: Vec<Result<Vec<Link>>> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut out = Vec::with_capacity(BLOCK * k);
            for i in b * BLOCK..((b + 1) * BLOCK).min(n) {
                for (j, d) in pts.knn(i, k) {
                    out.push((ids[i], ids[j], kernel.weight(d, ids[i], ids[j])?, d));
                }
            }
            Ok(out)
        })
        .collect();
    let mut out = Vec::with_capacity(n * k);
    for b in blocks {
        out.extend(b?);
    }
    Ok(out)
}

pub(super) fn check_ids(ids: &[i64], n: usize) -> Result<()> {
    if ids.len() != n {
        return Err(Error::invalid(format!("ids has {} elements but x has {n}", ids.len())));
    }
    let mut seen = std::collections::HashSet::with_capacity(n);
    for &id in ids {
        if !seen.insert(id) {
            return Err(Error::invalid(format!("unit id {id} appears more than once in ids")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid() {
        // 3 x 3 grid, ids 1..9 row-major; k = 4 gives the rook neighbours of the centre
        let ids: Vec<i64> = (1..=9).collect();
        let x: Vec<f64> = (0..9).map(|i| (i % 3) as f64).collect();
        let y: Vec<f64> = (0..9).map(|i| (i / 3) as f64).collect();
        let w = knn(&ids, &x, &y, 4, Metric::Euclidean, Kernel::Binary).unwrap();
        let centre: Vec<i64> = w.iter().filter(|l| l.0 == 5).map(|l| l.1).collect();
        assert_eq!(centre, vec![2, 4, 6, 8]);
        assert_eq!(w.len(), 36);
        assert!(knn(&ids, &x, &y, 9, Metric::Euclidean, Kernel::Binary).is_err());
        assert!(knn(&[1, 1], &[0.0, 1.0], &[0.0, 0.0], 1, Metric::Euclidean, Kernel::Binary).is_err());
    }
}
