//! Distance-band weights (libpysal `DistanceBand`, spdep `dnearneigh`): units
//! within `threshold` of each other (inclusive) are neighbours, weighted 1 or
//! by inverse distance. Symmetric by construction; units farther than the
//! threshold from everyone are islands (not listed).

use super::coords::{Kernel, Metric, Points};
use super::knn::{check_ids, Link};
use crate::error::{finite, Error, Result};

pub fn band(ids: &[i64], x: &[f64], y: &[f64], threshold: f64, metric: Metric, kernel: Kernel) -> Result<Vec<Link>> {
    check_ids(ids, x.len())?;
    finite(threshold, "threshold")?;
    if threshold <= 0.0 {
        return Err(Error::invalid(format!("threshold must be positive, got {threshold}")));
    }
    let pts = Points::new(x, y, metric)?;
    let mut out = Vec::new();
    for i in 0..pts.len() {
        for (j, d) in pts.within(i, threshold) {
            out.push((ids[i], ids[j], kernel.weight(d, ids[i], ids[j])?, d));
        }
    }
    Ok(out)
}

/// The smallest threshold that leaves no island: the largest nearest-neighbour
/// distance (libpysal's `min_threshold_distance`).
pub fn min_threshold(x: &[f64], y: &[f64], metric: Metric) -> Result<f64> {
    let pts = Points::new(x, y, metric)?;
    if pts.len() < 2 {
        return Err(Error::invalid("at least two points are needed"));
    }
    Ok((0..pts.len()).map(|i| pts.knn(i, 1)[0].1).fold(0.0, f64::max))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(min_threshold(&x, &y, Metric::Euclidean).unwrap(), 3.0);
        assert!(band(&ids, &x, &y, 0.0, Metric::Euclidean, Kernel::Binary).is_err());
    }
}
