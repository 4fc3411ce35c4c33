//! Distance-band weights (libpysal `DistanceBand`, spdep `dnearneigh`): units
//! within `threshold` of each other (inclusive) are neighbours, weighted 1 or
//! by inverse distance. Symmetric by construction; units farther than the
//! threshold from everyone are islands (not listed).
//!
//! A wide band can have O(n^2) links (10,000 points: 10^8 links, 3 GB), so
//! [`Band`] yields them unit by unit: it holds the points and their tree
//! (O(n)) plus the links of one unit.

use super::coords::{Kernel, Metric, Points};
use super::knn::Link;
use crate::error::{finite, Error, Result};
use crate::interrupt::{self, Check, Ticker};
use crate::mem;

const WHAT: &str = "the links of distance_band_weights";

/// A distance band being listed, unit by unit. It owns its points, tree,
/// ids and kernel (no borrowed lifetimes), so a set-returning function can
/// keep it across calls.
pub struct Band {
    pts: Points,
    threshold: f64,
    kernel: Kernel,
    next: usize,
    buf: Vec<(usize, f64)>,
}

impl Band {
    /// Validates the arguments and builds the tree (O(n log n), calling
    /// `check`); no link is computed yet.
    pub fn new(
        ids: &[i64],
        x: &[f64],
        y: &[f64],
        threshold: f64,
        metric: Metric,
        kernel: Kernel,
        check: Check<'_>,
    ) -> Result<Band> {
        if ids.len() != x.len() {
            return Err(Error::invalid(format!("ids has {} elements but x has {}", ids.len(), x.len())));
        }
        finite(threshold, "threshold")?;
        if threshold <= 0.0 {
            return Err(Error::invalid(format!("threshold must be positive, got {threshold}")));
        }
        let pts = Points::new(Some(ids), x, y, metric, check)?;
        Ok(Band { pts, threshold, kernel, next: 0, buf: Vec::new() })
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.pts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pts.is_empty()
    }

    /// The links of the next unit that has neighbours, in neighbour (row)
    /// order, or None when every unit has been listed. Islands are skipped,
    /// calling `check` every 1024 units skipped. After an error the band is
    /// exhausted (it returns None).
    pub fn next_unit(&mut self, mut check: Check<'_>) -> Option<Result<Vec<Link>>> {
        let mut ticker = Ticker::new(&mut check, 1024);
        while self.next < self.pts.len() {
            let i = self.next;
            self.next += 1;
            let links = self.unit(i);
            match links {
                Ok(l) if l.is_empty() => ticker.tick(),
                Ok(l) => return Some(Ok(l)),
                Err(e) => {
                    self.next = self.pts.len();
                    return Some(Err(e));
                }
            }
        }
        None
    }

    fn unit(&mut self, i: usize) -> Result<Vec<Link>> {
        self.pts.within(i, self.threshold, &mut self.buf, WHAT)?;
        let mut out = mem::vec_with_capacity(self.buf.len(), WHAT)?;
        let a = self.pts.id(i);
        for &(j, d) in &self.buf {
            let b = self.pts.id(j);
            out.push((a, b, self.kernel.weight(d, a, b)?, d));
        }
        // keep the query buffer from holding a huge unit's worth for good
        if self.buf.capacity() > 4 * self.buf.len().max(1024) {
            self.buf = Vec::new();
        }
        Ok(out)
    }
}

/// Every link of the band, by unit then neighbour: [`Band`] collected (for
/// tests and small inputs; the links are allocated through [`mem`]).
pub fn band(ids: &[i64], x: &[f64], y: &[f64], threshold: f64, metric: Metric, kernel: Kernel) -> Result<Vec<Link>> {
    let mut b = Band::new(ids, x, y, threshold, metric, kernel, &mut interrupt::none())?;
    let mut out = Vec::new();
    while let Some(links) = b.next_unit(&mut interrupt::none()) {
        let links = links?;
        mem::reserve(&mut out, links.len(), WHAT)?;
        out.extend(links);
    }
    Ok(out)
}

/// The smallest threshold that leaves no island: the largest nearest-neighbour
/// distance (libpysal's `min_threshold_distance`). The queries run in blocks
/// on `pool` (sequentially without one), with `check` between slices.
pub fn min_threshold(
    x: &[f64],
    y: &[f64],
    metric: Metric,
    pool: Option<&rayon::ThreadPool>,
    mut check: Check<'_>,
) -> Result<f64> {
    let pts = Points::new(None, x, y, metric, &mut check)?;
    if pts.len() < 2 {
        return Err(Error::invalid("at least two points are needed"));
    }
    let maxima = interrupt::sliced(pool, pts.len(), 1024, check, |units| {
        let mut m: f64 = 0.0;
        for i in units {
            m = m.max(pts.knn(i, 1)?[0].1);
        }
        Ok(vec![m])
    })?;
    Ok(maxima.into_iter().fold(0.0, f64::max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interrupt::none;
    use crate::ErrorKind;

    #[test]
    fn band_on_a_line() {
        let ids = [1, 2, 3, 4];
        let x = [0.0, 1.0, 2.0, 5.0];
        let y = [0.0; 4];
        let w = band(&ids, &x, &y, 1.0, Metric::Euclidean, Kernel::Binary).unwrap();
        let pairs: Vec<(i64, i64)> = w.iter().map(|l| (l.0, l.1)).collect();
        assert_eq!(pairs, vec![(1, 2), (2, 1), (2, 3), (3, 2)]); // 4 is an island
        let w = band(&ids, &x, &y, 2.0, Metric::Euclidean, Kernel::new(false, 1.0).unwrap()).unwrap();
        assert_eq!(w.iter().find(|l| l.0 == 1 && l.1 == 3).unwrap().2, 0.5);
        assert_eq!(min_threshold(&x, &y, Metric::Euclidean, None, &mut none()).unwrap(), 3.0);
        assert!(band(&ids, &x, &y, 0.0, Metric::Euclidean, Kernel::Binary).is_err());
    }

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The streaming band yields unit by unit, in the order the collected
    /// band always had (by unit, then neighbour), skipping islands.
    #[test]
    fn streams_unit_by_unit_in_order() {
        let n = 3000;
        let mut s = 9;
        let ids: Vec<i64> = (0..n as i64).map(|i| 7 * i - 100).collect();
        let x: Vec<f64> = (0..n).map(|_| lcg(&mut s) * 10.0).collect();
        let y: Vec<f64> = (0..n).map(|_| lcg(&mut s) * 10.0).collect();
        let mut b = Band::new(&ids, &x, &y, 0.15, Metric::Euclidean, Kernel::Binary, &mut none()).unwrap();
        let mut units = 0;
        let mut all = Vec::new();
        let mut most = 0;
        while let Some(links) = b.next_unit(&mut none()) {
            let links = links.unwrap();
            assert!(!links.is_empty());
            assert!(links.iter().all(|l| l.0 == links[0].0));
            most = most.max(links.len());
            units += 1;
            all.extend(links);
        }
        assert!(b.next_unit(&mut none()).is_none());
        assert!(units > n / 2 && units < n, "{units}");
        assert!(most < 20);
        // brute force, in unit then neighbour order
        let mut want = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let d = ((x[i] - x[j]).powi(2) + (y[i] - y[j]).powi(2)).sqrt();
                if i != j && d <= 0.15 {
                    want.push((ids[i], ids[j]));
                }
            }
        }
        assert_eq!(all.iter().map(|l| (l.0, l.1)).collect::<Vec<_>>(), want);
        assert_eq!(band(&ids, &x, &y, 0.15, Metric::Euclidean, Kernel::Binary).unwrap(), all);
    }

    #[test]
    fn coincident_points_and_extremes() {
        // coincident points: every pair is a link, the cost is the output
        let n = 1500;
        let ids: Vec<i64> = (0..n as i64).collect();
        let zeros = vec![2.0; n];
        let mut b = Band::new(&ids, &zeros, &zeros, 1.0, Metric::Euclidean, Kernel::Binary, &mut none()).unwrap();
        let first = b.next_unit(&mut none()).unwrap().unwrap();
        assert_eq!(first.len(), n - 1);
        assert_eq!(first[0], (0, 1, 1.0, 0.0));
        // inverse distance on coincident units: 22012 naming the pair, then exhausted
        let mut b = Band::new(
            &[4, 9],
            &[0.0, 0.0],
            &[1.0, 1.0],
            1.0,
            Metric::Euclidean,
            Kernel::new(false, 1.0).unwrap(),
            &mut none(),
        )
        .unwrap();
        let e = b.next_unit(&mut none()).unwrap().unwrap_err();
        assert_eq!(e.kind, ErrorKind::DivisionByZero);
        assert!(e.message.contains("units 4 and 9"), "{}", e.message);
        assert!(b.next_unit(&mut none()).is_none());
        // before: squared differences of 1e308 overflowed and the band was empty
        let x = [1e308, 1e308 - 3e300, -1e308];
        let w = band(&[1, 2, 3], &x, &[1e308, 1e308, 0.0], 5e300, Metric::Euclidean, Kernel::Binary).unwrap();
        assert_eq!(w.iter().map(|l| (l.0, l.1)).collect::<Vec<_>>(), vec![(1, 2), (2, 1)]);
        assert!(w.iter().all(|l| l.3.is_finite()));
        assert_eq!(
            min_threshold(&[1e308, -1e308], &[0.0, 0.0], Metric::Euclidean, None, &mut none()).unwrap_err().kind,
            ErrorKind::OutOfRange
        );
    }

    #[test]
    fn min_threshold_on_the_pool_checks_and_matches() {
        let n = 10_000;
        let mut s = 1;
        let x: Vec<f64> = (0..n).map(|_| lcg(&mut s)).collect();
        let y: Vec<f64> = (0..n).map(|_| lcg(&mut s)).collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let mut calls = 0;
        let par = min_threshold(&x, &y, Metric::Euclidean, Some(&pool), &mut || calls += 1).unwrap();
        assert!(calls >= 2, "{calls}");
        assert_eq!(par, min_threshold(&x, &y, Metric::Euclidean, None, &mut none()).unwrap());
        // coincident points: 0, quickly
        let zeros = vec![0.0; 100_000];
        assert_eq!(min_threshold(&zeros, &zeros, Metric::Euclidean, None, &mut none()).unwrap(), 0.0);
    }
}
