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
use crate::interrupt::{Check, Ticker};
use crate::mem;

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
            other => {
                Err(Error::invalid(format!("unknown distance metric '{other}': use 'euclidean' or 'great_circle'")))
            }
        }
    }
}

/// Points in a k-d tree, with the conversion between tree (squared)
/// distances and reported distances, and the unit ids (when given) that
/// error messages name.
///
/// Planar coordinates whose magnitude reaches 2^500 (or stays below 2^-500)
/// are multiplied by a power of two before they enter the tree, so squared
/// distances neither overflow nor underflow; a power of two scales exactly,
/// so the neighbours and distances are the ones the unscaled arithmetic
/// would give had it not overflowed. A distance that itself exceeds the
/// largest double (points more than ~1.8e308 apart) is an error (22003),
/// never an infinite distance.
pub struct Points {
    ids: Option<Vec<i64>>,
    kind: Kind,
}

impl std::fmt::Debug for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let metric = match self.kind {
            Kind::Planar { .. } => "planar",
            Kind::Sphere(..) => "great-circle",
        };
        write!(f, "Points({} {metric} points)", self.len())
    }
}

enum Kind {
    /// `unscale` is the power of two that maps tree distances back
    /// to the caller's units (1 unless the coordinates were scaled).
    Planar {
        tree: KdTree<2>,
        unscale: f64,
    },
    Sphere(KdTree<3>),
}

/// 2^e for e in [-1022, 1023], exactly.
fn pow2(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// The power of two that brings the largest magnitude `m` of the
/// coordinates into [2^-500, 2^500], with its inverse; (1, 1) when it is
/// already there (the usual case: nothing changes).
fn planar_scale(m: f64) -> (f64, f64) {
    if m == 0.0 {
        return (1.0, 1.0);
    }
    // the binary exponent of m (subnormals count as -1023: scaled up all the same)
    let ex = ((m.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    if ex >= 500 {
        (pow2(500 - ex), pow2(ex - 500))
    } else if ex < -500 {
        let up = (-ex).min(1000);
        (pow2(up), pow2(-up))
    } else {
        (1.0, 1.0)
    }
}

impl Points {
    /// Validates and indexes the points. `ids`, when given, must have one
    /// distinct id per point (messages then name units by id, else by
    /// position). Coordinates must be finite; for [`Metric::GreatCircle`], x
    /// is a longitude in [-360, 360] and y a latitude in [-90, 90] (22003
    /// otherwise, naming the argument and the unit). `check` is called while
    /// validating and building.
    pub fn new(ids: Option<&[i64]>, x: &[f64], y: &[f64], metric: Metric, mut check: Check<'_>) -> Result<Points> {
        if x.len() != y.len() {
            return Err(Error::invalid(format!("x has {} coordinates but y has {}", x.len(), y.len())));
        }
        let n = x.len();
        let ids = match ids {
            Some(ids) => {
                if ids.len() != n {
                    return Err(Error::invalid(format!("ids has {} elements but x has {n}", ids.len())));
                }
                super::index_ids(ids, "the unit index of a weights builder", "ids", &mut *check)?;
                Some(mem::to_vec(ids, "the unit ids of a weights builder")?)
            }
            None => None,
        };
        let name = |arg: &str, i: usize| match &ids {
            Some(ids) => format!("{arg}[{}] (unit {})", i + 1, ids[i]),
            None => format!("{arg}[{}]", i + 1),
        };
        let mut ticker = Ticker::new(&mut check, 4096);
        let mut m: f64 = 0.0;
        for i in 0..n {
            ticker.tick();
            crate::error::finite_lazy(x[i], || name("x", i))?;
            crate::error::finite_lazy(y[i], || name("y", i))?;
            m = m.max(x[i].abs()).max(y[i].abs());
        }
        let kind = match metric {
            Metric::Euclidean => {
                let (scale, unscale) = planar_scale(m);
                let mut p: Vec<[f64; 2]> = mem::vec_with_capacity(n, "the points of a weights builder")?;
                p.extend(x.iter().zip(y).map(|(&a, &b)| [a * scale, b * scale]));
                Kind::Planar { tree: KdTree::new(p, check)?, unscale }
            }
            Metric::GreatCircle => {
                let mut p: Vec<[f64; 3]> = mem::vec_with_capacity(n, "the points of a weights builder")?;
                for i in 0..n {
                    ticker.tick();
                    if !(-360.0..=360.0).contains(&x[i]) {
                        return Err(Error::out_of_range(format!(
                            "{} = {} is not a longitude in [-360, 360] (great-circle distances take x = longitude, y = latitude in degrees)",
                            name("x", i),
                            x[i]
                        )));
                    }
                    if !(-90.0..=90.0).contains(&y[i]) {
                        return Err(Error::out_of_range(format!(
                            "{} = {} is not a latitude in [-90, 90] (great-circle distances take x = longitude, y = latitude in degrees)",
                            name("y", i),
                            y[i]
                        )));
                    }
                    let (lon, lat) = (x[i].to_radians(), y[i].to_radians());
                    p.push([lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]);
                }
                Kind::Sphere(KdTree::new(p, check)?)
            }
        };
        Ok(Points { ids, kind })
    }

    pub fn len(&self) -> usize {
        match &self.kind {
            Kind::Planar { tree, .. } => tree.len(),
            Kind::Sphere(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id of point i (its 1-based position when no ids were given).
    pub fn id(&self, i: usize) -> i64 {
        match &self.ids {
            Some(ids) => ids[i],
            None => i as i64 + 1,
        }
    }

    /// How messages name point i.
    pub fn unit(&self, i: usize) -> String {
        match &self.ids {
            Some(ids) => format!("unit {}", ids[i]),
            None => format!("point {}", i + 1),
        }
    }

    /// Reported distance from a tree squared distance (may be infinite when
    /// the true distance exceeds the largest double: see [`Points::checked`]).
    pub fn distance(&self, d2: f64) -> f64 {
        match &self.kind {
            Kind::Planar { unscale, .. } => d2.sqrt() * unscale,
            Kind::Sphere(..) => 2.0 * EARTH_RADIUS_KM * (d2.sqrt() / 2.0).min(1.0).asin(),
        }
    }

    /// The reported distance between points i and j, or 22003 when it
    /// overflows double precision.
    fn checked(&self, i: usize, j: usize, d2: f64) -> Result<f64> {
        let d = self.distance(d2);
        if d.is_finite() {
            Ok(d)
        } else {
            Err(Error::out_of_range(format!(
                "the distance between {} and {} overflows double precision (x and y must lie within about 1e308 of each other)",
                self.unit(i),
                self.unit(j)
            )))
        }
    }

    /// Tree squared distance from a reported distance (for range queries).
    pub fn tree_d2(&self, dist: f64) -> f64 {
        match &self.kind {
            Kind::Planar { unscale, .. } => {
                let s = dist / unscale;
                s * s
            }
            Kind::Sphere(..) => {
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

    /// k nearest neighbours of point i: (index, distance), nearest first;
    /// ties go to the lower index.
    pub fn knn(&self, i: usize, k: usize) -> Result<Vec<(usize, f64)>> {
        let mut raw = match &self.kind {
            Kind::Planar { tree, .. } => tree.knn(tree.point(i), k, i)?,
            Kind::Sphere(t) => t.knn(t.point(i), k, i)?,
        };
        for p in raw.iter_mut() {
            p.1 = self.checked(i, p.0, p.1)?;
        }
        Ok(raw)
    }

    /// Points within `dist` of point i (inclusive), other than i, into `out`
    /// as (index, distance) in index order; `out` grows through [`mem`] under
    /// the name `what`.
    pub fn within(&self, i: usize, dist: f64, out: &mut Vec<(usize, f64)>, what: &str) -> Result<()> {
        // widen the tree radius by a few ulps so the exact distance test decides
        let r2 = self.tree_d2(dist) * (1.0 + 4.0 * f64::EPSILON);
        match &self.kind {
            Kind::Planar { tree, .. } => tree.within(tree.point(i), r2, i, out, what)?,
            Kind::Sphere(t) => t.within(t.point(i), r2, i, out, what)?,
        }
        for p in out.iter_mut() {
            // an overflowing distance is infinite here, and farther than dist
            p.1 = self.distance(p.1);
        }
        out.retain(|&(_, d)| d <= dist);
        Ok(())
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
    /// The weight of the link src -> dst at distance `d`: never NaN or
    /// infinite. A non-finite or negative distance is 22003; an
    /// inverse-distance weight at distance 0 (coincident units) is 22012, and
    /// one that overflows (a tiny distance, a large power) is 22003, each
    /// naming the pair.
    pub fn weight(&self, d: f64, src: i64, dst: i64) -> Result<f64> {
        if !(d.is_finite() && d >= 0.0) {
            return Err(Error::out_of_range(format!(
                "units {src} and {dst}: distance {} is not a finite non-negative number",
                crate::error::sql_float(d)
            )));
        }
        match *self {
            Kernel::Binary => Ok(1.0),
            Kernel::InverseDistance { power } => {
                if d == 0.0 {
                    return Err(Error::div_zero(format!(
                        "units {src} and {dst} are at distance 0: inverse-distance weight is infinite"
                    )));
                }
                let w = d.powf(-power);
                if !w.is_finite() {
                    return Err(Error::out_of_range(format!(
                        "units {src} and {dst} are at distance {d}: the inverse-distance weight (power {power}) overflows double precision"
                    )));
                }
                Ok(w)
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
    use crate::interrupt::none;
    use crate::ErrorKind;

    #[test]
    fn great_circle_distances() {
        // Beijing (116.4074, 39.9042) to Shanghai (121.4737, 31.2304): ~1067 km
        let p =
            Points::new(None, &[116.4074, 121.4737], &[39.9042, 31.2304], Metric::GreatCircle, &mut none()).unwrap();
        let d = p.knn(0, 1).unwrap()[0].1;
        // haversine on the same sphere
        let (l1, p1, l2, p2) =
            (116.4074f64.to_radians(), 39.9042f64.to_radians(), 121.4737f64.to_radians(), 31.2304f64.to_radians());
        let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((l2 - l1) / 2.0).sin().powi(2);
        let hav = 2.0 * EARTH_RADIUS_KM * h.sqrt().asin();
        assert!((d - hav).abs() < 1e-9 * hav, "{d} {hav}");
        assert!((d - 1067.0).abs() < 5.0);
        let mut out = Vec::new();
        p.within(0, d, &mut out, "test").unwrap();
        assert_eq!(out.len(), 1);
        p.within(0, d * (1.0 - 1e-12), &mut out, "test").unwrap();
        assert_eq!(out.len(), 0);
        assert!(Points::new(None, &[0.0], &[91.0], Metric::GreatCircle, &mut none()).is_err());
        assert!(Points::new(None, &[0.0, 1.0], &[0.0], Metric::Euclidean, &mut none()).is_err());
    }

    #[test]
    fn kernels() {
        assert_eq!(Kernel::new(true, 1.0).unwrap().weight(2.0, 1, 2).unwrap(), 1.0);
        assert_eq!(Kernel::new(false, 2.0).unwrap().weight(2.0, 1, 2).unwrap(), 0.25);
        assert!(Kernel::new(false, 1.0).unwrap().weight(0.0, 1, 2).is_err());
        assert!(Kernel::new(false, 0.0).is_err());
        // never an infinite or NaN weight
        let e = Kernel::new(false, 2.0).unwrap().weight(1e-200, 1, 2).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert!(e.message.contains("units 1 and 2"), "{}", e.message);
        assert_eq!(Kernel::new(false, 1.0).unwrap().weight(0.0, 3, 4).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert!(Kernel::Binary.weight(f64::INFINITY, 1, 2).is_err());
        assert!(Kernel::Binary.weight(f64::NAN, 1, 2).is_err());
    }

    #[test]
    fn great_circle_ranges_name_the_argument_and_unit() {
        let e = Points::new(Some(&[7, 8]), &[0.0, 400.0], &[0.0, 0.0], Metric::GreatCircle, &mut none()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert!(e.message.contains("x[2] (unit 8)") && e.message.contains("longitude"), "{}", e.message);
        let e = Points::new(Some(&[7, 8]), &[0.0, 10.0], &[-90.5, 0.0], Metric::GreatCircle, &mut none()).unwrap_err();
        assert!(e.message.contains("y[1] (unit 7)") && e.message.contains("latitude"), "{}", e.message);
        assert!(Points::new(None, &[-360.0, 360.0], &[90.0, -90.0], Metric::GreatCircle, &mut none()).is_ok());
        let e = Points::new(Some(&[7, 8]), &[0.0, f64::NAN], &[0.0, 0.0], Metric::Euclidean, &mut none()).unwrap_err();
        assert!(e.message.contains("x[2] (unit 8)"), "{}", e.message);
        let e = Points::new(Some(&[7, 7]), &[0.0, 1.0], &[0.0, 0.0], Metric::Euclidean, &mut none()).unwrap_err();
        assert!(e.message.contains("7") && e.message.contains("more than once"), "{}", e.message);
    }

    /// Squared differences of coordinates near 1e308 overflow: before the
    /// scaling, knn reported infinite distances and a band found nothing.
    #[test]
    fn extreme_coordinates_scale_exactly_or_fail() {
        // far from the origin but close together: exact, finite distances
        let x = [1e308, 1e308 - 3e300, 1e308 - 8e300];
        let y = [-1e308, -1e308 + 4e300, -1e308];
        let p = Points::new(None, &x, &y, Metric::Euclidean, &mut none()).unwrap();
        let nn = p.knn(0, 2).unwrap();
        let want = [(x[1] - x[0]).hypot(y[1] - y[0]), (x[2] - x[0]).hypot(y[2] - y[0])];
        assert_eq!((nn[0].0, nn[1].0), (1, 2));
        assert!(
            (nn[0].1 - want[0]).abs() <= 1e-15 * want[0] && (nn[1].1 - want[1]).abs() <= 1e-15 * want[1],
            "{nn:?} {want:?}"
        );
        let mut out = Vec::new();
        p.within(0, 6e300, &mut out, "test").unwrap();
        assert_eq!(out.iter().map(|p| p.0).collect::<Vec<_>>(), vec![1]);
        // the scaled tree gives exactly the unscaled distances where those do not overflow
        let (a, b): ([f64; 2], [f64; 2]) = ([0.5e150, 3.0e150], [1.0e150, -2.0e150]);
        let plain = ((a[1] - a[0]) * (a[1] - a[0]) + (b[1] - b[0]) * (b[1] - b[0])).sqrt();
        let p = Points::new(None, &[a[0], a[1], 1e300], &[b[0], b[1], 0.0], Metric::Euclidean, &mut none()).unwrap();
        assert_eq!(p.knn(0, 1).unwrap()[0], (1, plain));
        // tiny coordinates: the squares would underflow to 0
        let p = Points::new(None, &[0.0, 3e-200, 1e-180], &[0.0, 4e-200, 0.0], Metric::Euclidean, &mut none()).unwrap();
        let d = p.knn(0, 1).unwrap()[0].1;
        assert!((d - 5e-200).abs() <= 1e-12 * 5e-200, "{d}");
        // a distance beyond the largest double: 22003 naming the pair, never Infinity
        let p = Points::new(Some(&[10, 20]), &[-1e308, 1e308], &[0.0, 0.0], Metric::Euclidean, &mut none()).unwrap();
        let e = p.knn(0, 1).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert!(e.message.contains("unit 10") && e.message.contains("unit 20"), "{}", e.message);
        p.within(0, f64::MAX, &mut out, "test").unwrap();
        assert!(out.is_empty());
    }
}
