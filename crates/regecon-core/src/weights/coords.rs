//! Coordinates and distances for the weights builders.
//!
//! Planar coordinates use Euclidean distance in their own units. Great-circle
//! coordinates are longitude/latitude in degrees; they are mapped to unit
//! vectors, where the straight-line (chord) distance orders neighbours exactly
//! as the great-circle distance does, and distances are reported in km on a
//! sphere of radius 6371.0088 km (the IUGG mean Earth radius, as libpysal's
//! `arc_distance` default and sf/s2 use).

use super::kdtree::KdTree;
use crate::error::{finite, Error, Result};

pub const EARTH_RADIUS_KM: f64 = 6371.0088;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// Planar Euclidean distance.
    Euclidean,
    /// Great-circle distance in km; x is longitude, y latitude (degrees).
    GreatCircle,
}

impl Metric {
    pub fn parse(s: &str) -> Result<Metric> {
        match s.to_ascii_lowercase().as_str() {
            "euclidean" | "planar" => Ok(Metric::Euclidean),
            "great_circle" | "great-circle" | "arc" | "haversine" | "km" => Ok(Metric::GreatCircle),
            other => Err(Error::invalid(format!(
                "unknown distance metric '{other}': use 'euclidean' or 'great_circle'"
            ))),
        }
    }
}

/// Points in a k-d tree, with the conversion between tree (squared)
/// distances and reported distances.
pub enum Points {
    Planar(KdTree<2>, Vec<[f64; 2]>),
    Sphere(KdTree<3>, Vec<[f64; 3]>),
}

impl Points {
    pub fn new(x: &[f64], y: &[f64], metric: Metric) -> Result<Points> {
        if x.len() != y.len() {
            return Err(Error::invalid(format!(
                "x has {} coordinates but y has {}",
                x.len(),
                y.len()
            )));
        }
        for i in 0..x.len() {
            crate::error::finite_lazy(x[i], || format!("x[{}]", i + 1))?;
            crate::error::finite_lazy(y[i], || format!("y[{}]", i + 1))?;
        }
        Ok(match metric {
            Metric::Euclidean => {
                let p: Vec<[f64; 2]> = x.iter().zip(y).map(|(&a, &b)| [a, b]).collect();
                Points::Planar(KdTree::new(p.clone()), p)
            }
            Metric::GreatCircle => {
                let mut p = Vec::with_capacity(x.len());
                for i in 0..x.len() {
                    if !(-90.0..=90.0).contains(&y[i]) {
                        return Err(Error::out_of_range(format!(
                            "y[{}] = {} is not a latitude in [-90, 90] (great-circle distances take x = longitude, y = latitude in degrees)",
                            i + 1,
                            y[i]
                        )));
                    }
                    let (lon, lat) = (x[i].to_radians(), y[i].to_radians());
                    p.push([lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]);
                }
                Points::Sphere(KdTree::new(p.clone()), p)
            }
        })
    }

    pub fn len(&self) -> usize {
        match self {
            Points::Planar(_, p) => p.len(),
            Points::Sphere(_, p) => p.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reported distance from a tree squared distance.
    pub fn distance(&self, d2: f64) -> f64 {
        match self {
            Points::Planar(..) => d2.sqrt(),
            Points::Sphere(..) => 2.0 * EARTH_RADIUS_KM * (d2.sqrt() / 2.0).min(1.0).asin(),
        }
    }

    /// Tree squared distance from a reported distance (for range queries).
    pub fn tree_d2(&self, dist: f64) -> f64 {
        match self {
            Points::Planar(..) => dist * dist,
            Points::Sphere(..) => {
                let half = dist / (2.0 * EARTH_RADIUS_KM);
                if half >= std::f64::consts::FRAC_PI_2 {
                    4.0
                } else {
                    let c = 2.0 * half.sin();
                    c * c
                }
            }
        }
    }

    /// k nearest neighbours of point i: (index, distance), nearest first.
    pub fn knn(&self, i: usize, k: usize) -> Vec<(usize, f64)> {
        let raw = match self {
            Points::Planar(t, p) => t.knn(&p[i], k, i),
            Points::Sphere(t, p) => t.knn(&p[i], k, i),
        };
        raw.into_iter().map(|(j, d2)| (j, self.distance(d2))).collect()
    }

    /// Points within `dist` of point i (inclusive): (index, distance).
    pub fn within(&self, i: usize, dist: f64) -> Vec<(usize, f64)> {
        // widen the tree radius by a few ulps so the exact distance test decides
        let r2 = self.tree_d2(dist) * (1.0 + 4.0 * f64::EPSILON);
        let raw = match self {
            Points::Planar(t, p) => t.within(&p[i], r2, i),
            Points::Sphere(t, p) => t.within(&p[i], r2, i),
        };
        raw.into_iter()
            .map(|(j, d2)| (j, self.distance(d2)))
            .filter(|&(_, d)| d <= dist)
            .collect()
    }
}

/// How a distance becomes a weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kernel {
    /// 1 for every neighbour.
    Binary,
    /// distance^(-power), power > 0 (libpysal's `binary=False, alpha=-power`).
    InverseDistance { power: f64 },
}

impl Kernel {
    pub fn weight(&self, d: f64, src: i64, dst: i64) -> Result<f64> {
        match *self {
            Kernel::Binary => Ok(1.0),
            Kernel::InverseDistance { power } => {
                if d == 0.0 {
                    return Err(Error::div_zero(format!(
                        "units {src} and {dst} are at distance 0: inverse-distance weight is infinite"
                    )));
                }
                Ok(d.powf(-power))
            }
        }
    }

    pub fn new(binary: bool, power: f64) -> Result<Kernel> {
        if binary {
            return Ok(Kernel::Binary);
        }
        finite(power, "power")?;
        if power <= 0.0 {
            return Err(Error::invalid(format!("power must be positive, got {power}")));
        }
        Ok(Kernel::InverseDistance { power })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circle_distances() {
        // Beijing (116.4074, 39.9042) to Shanghai (121.4737, 31.2304): ~1067 km
        let p = Points::new(&[116.4074, 121.4737], &[39.9042, 31.2304], Metric::GreatCircle).unwrap();
        let d = p.knn(0, 1)[0].1;
        // haversine on the same sphere
        let (l1, p1, l2, p2) = (116.4074f64.to_radians(), 39.9042f64.to_radians(), 121.4737f64.to_radians(), 31.2304f64.to_radians());
        let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((l2 - l1) / 2.0).sin().powi(2);
        let hav = 2.0 * EARTH_RADIUS_KM * h.sqrt().asin();
        assert!((d - hav).abs() < 1e-9 * hav, "{d} {hav}");
        assert!((d - 1067.0).abs() < 5.0);
        assert_eq!(p.within(0, d).len(), 1);
        assert_eq!(p.within(0, d * (1.0 - 1e-12)).len(), 0);
        assert!(Points::new(&[0.0], &[91.0], Metric::GreatCircle).is_err());
        assert!(Points::new(&[0.0, 1.0], &[0.0], Metric::Euclidean).is_err());
    }

    #[test]
    fn kernels() {
        assert_eq!(Kernel::new(true, 1.0).unwrap().weight(2.0, 1, 2).unwrap(), 1.0);
        assert_eq!(Kernel::new(false, 2.0).unwrap().weight(2.0, 1, 2).unwrap(), 0.25);
        assert!(Kernel::new(false, 1.0).unwrap().weight(0.0, 1, 2).is_err());
        assert!(Kernel::new(false, 0.0).is_err());
    }
}
