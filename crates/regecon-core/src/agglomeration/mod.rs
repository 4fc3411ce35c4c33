//! Industrial agglomeration and specialisation measures (paper eq. 5 and the
//! related measures of this literature, docs/methods.md section 2).
//!
//! - [`hhi`]: sum of squared shares within a group, its normalised form, and
//!   the paper's eq. (5) with an externally given total.
//! - [`location_quotient`]: LQ_ij = (l_ij / l_i) / (l_j / l).
//! - [`spatial_gini`]: Krugman's locational Gini, sum_i (s_ij - x_i)^2.
//! - [`krugman`]: Krugman's specialisation index, sum_j |s_ij - s_j|.
//!
//! The spatial Gini and the Krugman index compare two share vectors over the
//! same group, so both accumulate the raw pairs in a [`Pairs`] state and
//! compute exactly at the end (the groups are regions or industries: tens to
//! hundreds of rows).

pub mod hhi;
pub mod krugman;
pub mod location_quotient;
pub mod spatial_gini;

use crate::codec::{decode, encode_sized, tag};
use crate::error::{non_negative, Error, Result};
use crate::sum::sum;

/// Raw (a, b) pairs of non-negative values, with the SQL argument names used
/// in error messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairs {
    a: Vec<f64>,
    b: Vec<f64>,
}

impl Pairs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, a: f64, b: f64, a_name: &str, b_name: &str) -> Result<()> {
        non_negative(a, a_name)?;
        non_negative(b, b_name)?;
        crate::mem::push(&mut self.a, a, a_name)?;
        crate::mem::push(&mut self.b, b, b_name)?;
        Ok(())
    }

    /// Appends another state's pairs (fallible: the growth is checked
    /// against `regecon.max_memory`).
    pub fn merge(&mut self, other: &Pairs) -> Result<()> {
        crate::mem::reserve(&mut self.a, other.a.len(), "the pairs of the group")?;
        crate::mem::reserve(&mut self.b, other.b.len(), "the pairs of the group")?;
        self.a.extend_from_slice(&other.a);
        self.b.extend_from_slice(&other.b);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.a.len()
    }

    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }

    /// Both share vectors, or a 22012 error naming the column whose total is zero.
    pub(crate) fn shares(&self, a_name: &str, b_name: &str) -> Result<(Vec<f64>, Vec<f64>)> {
        let share = |xs: &[f64], name: &str| -> Result<Vec<f64>> {
            let mut total = sum(xs.iter().copied());
            if total == 0.0 {
                return Err(Error::div_zero(format!("{name} sums to zero over the group: shares are undefined")));
            }
            // values near 1e308 overflow the total: shares are scale-invariant,
            // so divide by a power of two first (exact); ordinary groups are
            // untouched
            let mut f = 1.0;
            if !total.is_finite() {
                f = crate::sum::pow2_rescale(crate::sum::max_abs(xs), 0);
                total = sum(xs.iter().map(|x| x * f));
            }
            let mut out = crate::mem::vec_with_capacity(xs.len(), "the shares of the group")?;
            out.extend(xs.iter().map(|x| x * f / total));
            Ok(out)
        };
        Ok((share(&self.a, a_name)?, share(&self.b, b_name)?))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        encode_sized(
            tag::PAIRS,
            20 + 8 * (self.a.len() + self.b.len()),
            &(crate::codec::F64s(&self.a), crate::codec::F64s(&self.b)),
        )
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        #[derive(serde::Deserialize)]
        struct Wire(
            #[serde(deserialize_with = "crate::codec::f64s")] Vec<f64>,
            #[serde(deserialize_with = "crate::codec::f64s")] Vec<f64>,
        );
        let Wire(a, b) = decode(bytes, tag::PAIRS)?;
        if a.len() != b.len() {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        Ok(Pairs { a, b })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_extreme_values() {
        for c in [5e307, 1e300, 1e-300, 1e-310] {
            let mut p = Pairs::new();
            for (a, b) in [(1.0, 2.0), (3.0, 1.0), (0.0, 1.0)] {
                p.add(a * c, b * c, "l_ij", "l_i").unwrap();
            }
            let (s, x) = p.shares("l_ij", "l_i").unwrap();
            let tol = if c < 1e-307 { 1e-9 } else { 1e-12 };
            assert!((s[1] - 0.75).abs() < tol && (x[0] - 0.5).abs() < tol, "{c}: {s:?} {x:?}");
            let g = spatial_gini::spatial_gini(&p).unwrap().unwrap();
            assert!((g - 0.375).abs() < 10.0 * tol, "{c}: {g}");
            let k = krugman::krugman_index(&p).unwrap().unwrap();
            assert!((k - 1.0).abs() < 10.0 * tol, "{c}: {k}");
        }
    }

    #[test]
    fn pairs_round_trip_and_zero_totals() {
        let mut p = Pairs::new();
        p.add(1.0, 0.0, "l_ij", "l_i").unwrap();
        p.add(3.0, 0.0, "l_ij", "l_i").unwrap();
        assert_eq!(Pairs::from_bytes(&p.to_bytes()).unwrap(), p);
        let e = p.shares("l_ij", "l_i").unwrap_err();
        assert!(e.message.contains("l_i sums to zero"), "{}", e.message);
        assert!(p.add(-1.0, 1.0, "l_ij", "l_i").unwrap_err().message.contains("l_ij"));
        assert_eq!(p.len(), 2);
    }
}
