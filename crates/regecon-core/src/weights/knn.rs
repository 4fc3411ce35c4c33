//! k-nearest-neighbour weights (libpysal `KNN`, spdep `knearneigh`).
//!
//! Each unit links to its k nearest other units: the matrix is generally
//! asymmetric. Ties at the k-th distance are broken by the lower row
//! position (libpysal leaves ties to scipy's k-d tree, whose order is an
//! implementation detail; without ties both give the same lists).

use super::coords::{Kernel, Metric, Points};
use crate::error::{Error, Result};
use crate::interrupt::{self, Check};
use crate::mem;

/// Work of one block of k-nearest queries (a query costs about k + 16):
/// a few milliseconds.
const BLOCK_WORK: usize = 16_384;

/// The most points of one block.
const MAX_BLOCK: usize = 1024;

/// A link of a weights relation: (src, dst, weight, distance).
pub type Link = (i64, i64, f64, f64);

/// [`knn_checked`] on the calling thread, without a cancellation check (for
/// tests and small inputs).
pub fn knn(ids: &[i64], x: &[f64], y: &[f64], k: usize, metric: Metric, kernel: Kernel) -> Result<Vec<Link>> {
    knn_checked(ids, x, y, k, metric, kernel, None, &mut interrupt::none())
}

/// The k nearest neighbours of each unit as links, in unit order then
/// nearest first. The queries run in blocks on `pool` (sequentially without
/// one) through [`interrupt::sliced`], with `check` on the calling thread
/// between slices (and while building the tree). The n * k links are
/// checked against the memory limit before any is computed.
#[allow(clippy::too_many_arguments)]
pub fn knn_checked(
    ids: &[i64],
    x: &[f64],
    y: &[f64],
    k: usize,
    metric: Metric,
    kernel: Kernel,
    pool: Option<&rayon::ThreadPool>,
    check: Check<'_>,
) -> Result<Vec<Link>> {
    const WHAT: &str = "the links of knn_weights";
    if ids.len() != x.len() {
        return Err(Error::invalid(format!("ids has {} elements but x has {}", ids.len(), x.len())));
    }
    let n = x.len();
    if k == 0 || k >= n {
        return Err(Error::invalid(format!("k must be between 1 and n - 1 = {}, got {k}", n.saturating_sub(1))));
    }
    let total =
        n.checked_mul(k).ok_or_else(|| Error::out_of_memory(format!("{WHAT}: {n} units times k = {k} overflows")))?;
    mem::check(mem::bytes_of::<Link>(total, WHAT)?, WHAT)?;
    let pts = Points::new(Some(ids), x, y, metric, &mut *check)?;
    // a block's queries cost ~ (log n + k) each: aim at a few ms per block
    let chunk = (BLOCK_WORK / (k + 16)).clamp(1, MAX_BLOCK);
    interrupt::sliced(pool, n, chunk, check, |units| {
        let mut out = mem::vec_with_capacity(units.len() * k, WHAT)?;
        for i in units {
            for (j, d) in pts.knn(i, k)? {
                let (a, b) = (pts.id(i), pts.id(j));
                out.push((a, b, kernel.weight(d, a, b)?, d));
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

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

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Before: the blocks ran as one `into_par_iter` inside the caller's
    /// `pool.install`, with no check until all n queries were done.
    #[test]
    fn runs_on_the_pool_in_slices_and_checks_between_them() {
        let n = 20_000;
        let mut s = 5;
        let ids: Vec<i64> = (0..n as i64).map(|i| 1000 + i).collect();
        let x: Vec<f64> = (0..n).map(|_| lcg(&mut s)).collect();
        let y: Vec<f64> = (0..n).map(|_| lcg(&mut s)).collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let mut calls = 0;
        let par =
            knn_checked(&ids, &x, &y, 4, Metric::Euclidean, Kernel::Binary, Some(&pool), &mut || calls += 1).unwrap();
        // slices of 2 * 2 blocks of 819 queries: at least n / 3276 checks
        assert!(calls >= n / 3276, "{calls}");
        let seq = knn(&ids, &x, &y, 4, Metric::Euclidean, Kernel::Binary).unwrap();
        assert_eq!(par, seq);
        assert_eq!(seq.len(), 4 * n);
        assert!(seq.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn coincident_points_and_extremes() {
        // 10^5 identical points: each unit's neighbours are the lowest other ids
        let n = 100_000;
        let ids: Vec<i64> = (0..n as i64).collect();
        let zeros = vec![0.0; n];
        let w = knn(&ids, &zeros, &zeros, 2, Metric::Euclidean, Kernel::Binary).unwrap();
        assert_eq!(w.len(), 2 * n);
        assert_eq!(&w[..2], &[(0, 1, 1.0, 0.0), (0, 2, 1.0, 0.0)]);
        assert_eq!(&w[2 * 77..2 * 78], &[(77, 0, 1.0, 0.0), (77, 1, 1.0, 0.0)]);
        assert!(w.iter().all(|l| l.0 == l.1 || l.1 < 3));
        // inverse distance on coincident units: an error naming the pair
        let e = knn(&[5, 6, 7], &[0.0, 0.0, 1.0], &[0.0; 3], 1, Metric::Euclidean, Kernel::new(false, 1.0).unwrap())
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::DivisionByZero);
        assert!(e.message.contains("units 5 and 6"), "{}", e.message);
        // distances beyond the largest double: 22003, not Infinity
        let e = knn(&[1, 2], &[-1e308, 1e308], &[0.0, 0.0], 1, Metric::Euclidean, Kernel::Binary).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        // near 1e308 but close together: finite distances
        let w = knn(&[1, 2], &[1e308, 1e308], &[1e308, 0.99e308], 1, Metric::Euclidean, Kernel::Binary).unwrap();
        assert!(w.iter().all(|l| l.3.is_finite() && l.3 > 0.0), "{w:?}");
    }
}
