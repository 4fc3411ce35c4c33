//! Herfindahl-Hirschman index.
//!
//! Within a group of values v_1..v_n (employment of the regions of one
//! industry, or of the industries of one region):
//!
//! ```text
//! HHI        = sum_i (v_i / V)^2,  V = sum_i v_i           in [1/n, 1]
//! HHI_norm   = (HHI - 1/n) / (1 - 1/n)                      in [0, 1], n > 1
//! HHI_total  = sum_i (v_i / T_i)^2                          paper eq. (5), T_i given
//! ```
//!
//! The paper prints eq. (5) as a sum over the 27 industries of province i of
//! (l_ij / l_j)^2 with l_j the national employment of industry j: that is
//! [`ShareSquares`] with `total = l_j`. [`Hhi`] is the plain share form.
//! `HHI = (sum v^2) / V^2`, so the state is three compensated sums.

use crate::codec::{tag, Reader, Writer};
use crate::error::{finite_result, non_negative, positive, Error, Result};
use crate::sum::NeumaierSum;

/// Accumulator of `sum (v / sum v)^2`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Hhi {
    sum: NeumaierSum,
    sumsq: NeumaierSum,
    n: u64,
}

impl Hhi {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value; it must be finite and non-negative.
    #[inline]
    pub fn add(&mut self, v: f64) -> Result<()> {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(non_negative(v, "value").unwrap_err());
        }
        self.sum.add(v);
        self.sumsq.add(v * v);
        self.n += 1;
        Ok(())
    }

    pub fn merge(&mut self, other: &Hhi) {
        self.sum.merge(&other.sum);
        self.sumsq.merge(&other.sumsq);
        self.n += other.n;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// `None` for an empty group, 22012 when the values sum to zero.
    pub fn hhi(&self) -> Result<Option<f64>> {
        if self.n == 0 {
            return Ok(None);
        }
        let s = self.sum.value();
        if s == 0.0 {
            return Err(Error::div_zero("the values of the group sum to zero: shares are undefined"));
        }
        let h = self.sumsq.value() / s / s;
        // Shares are at most 1, so HHI <= 1; clamp the last-place rounding.
        finite_result(h, "hhi_agg").map(|h| Some(h.min(1.0)))
    }

    /// `(HHI - 1/n) / (1 - 1/n)`; `None` for an empty group or a single value.
    pub fn normalized(&self) -> Result<Option<f64>> {
        let Some(h) = self.hhi()? else { return Ok(None) };
        if self.n < 2 {
            return Ok(None);
        }
        let n = self.n as f64;
        // (h - 1/n) / (1 - 1/n) = (n h - 1) / (n - 1)
        Ok(Some(((n * h - 1.0) / (n - 1.0)).clamp(0.0, 1.0)))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let (s, sc) = self.sum.parts();
        let (q, qc) = self.sumsq.parts();
        let mut w = Writer::new(tag::HHI, 40);
        w.u64(self.n).f64(s).f64(sc).f64(q).f64(qc);
        w.finish()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, tag::HHI)?;
        let n = r.u64()?;
        let sum = NeumaierSum::from_parts(r.f64()?, r.f64()?);
        let sumsq = NeumaierSum::from_parts(r.f64()?, r.f64()?);
        r.end()?;
        Ok(Hhi { sum, sumsq, n })
    }
}

/// Accumulator of `sum (v / total)^2` with a total given per row (eq. 5).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ShareSquares {
    sum: NeumaierSum,
    n: u64,
}

impl ShareSquares {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, v: f64, total: f64) -> Result<()> {
        non_negative(v, "value")?;
        positive(total, "total")?;
        let s = v / total;
        self.sum.add(s * s);
        self.n += 1;
        Ok(())
    }

    pub fn merge(&mut self, other: &ShareSquares) {
        self.sum.merge(&other.sum);
        self.n += other.n;
    }

    /// `None` for an empty group.
    pub fn result(&self) -> Result<Option<f64>> {
        if self.n == 0 {
            return Ok(None);
        }
        finite_result(self.sum.value(), "hhi_agg").map(Some)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let (s, c) = self.sum.parts();
        let mut w = Writer::new(tag::SHARE_SQUARES, 24);
        w.u64(self.n).f64(s).f64(c);
        w.finish()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, tag::SHARE_SQUARES)?;
        let n = r.u64()?;
        let sum = NeumaierSum::from_parts(r.f64()?, r.f64()?);
        r.end()?;
        Ok(ShareSquares { sum, n })
    }
}

/// HHI of a slice (convenience for tests and callers with all values at hand).
pub fn hhi(values: &[f64]) -> Result<Option<f64>> {
    let mut h = Hhi::new();
    for &v in values {
        h.add(v)?;
    }
    h.hhi()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn hand_worked() {
        // shares 1/2, 1/4, 1/4: 1/4 + 1/16 + 1/16 = 3/8
        assert_eq!(hhi(&[2.0, 1.0, 1.0]).unwrap(), Some(0.375));
        // all in one: 1; evenly spread over 4: 1/4
        assert_eq!(hhi(&[0.0, 5.0, 0.0]).unwrap(), Some(1.0));
        assert_eq!(hhi(&[3.0; 4]).unwrap(), Some(0.25));
        assert_eq!(hhi(&[]).unwrap(), None);
        let mut h = Hhi::new();
        [2.0, 1.0, 1.0].iter().for_each(|&v| h.add(v).unwrap());
        // (3/8 - 1/3) / (2/3) = 1/16
        assert!((h.normalized().unwrap().unwrap() - 0.0625).abs() < 1e-16);
        let mut one = Hhi::new();
        one.add(4.0).unwrap();
        assert_eq!(one.hhi().unwrap(), Some(1.0));
        assert_eq!(one.normalized().unwrap(), None);
    }

    #[test]
    fn errors() {
        assert_eq!(hhi(&[0.0, 0.0]).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert_eq!(hhi(&[1.0, -1.0]).unwrap_err().kind, ErrorKind::InvalidParameter);
        assert_eq!(hhi(&[f64::NAN]).unwrap_err().kind, ErrorKind::InvalidParameter);
        assert_eq!(hhi(&[f64::INFINITY]).unwrap_err().kind, ErrorKind::InvalidParameter);
        assert!(hhi(&[1.0, -1.0]).unwrap_err().message.contains("value"));
        let mut s = ShareSquares::new();
        assert_eq!(s.add(1.0, 0.0).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert_eq!(s.add(1.0, -2.0).unwrap_err().kind, ErrorKind::InvalidParameter);
        assert!(s.add(-1.0, 2.0).unwrap_err().message.contains("value"));
        assert_eq!(s.result().unwrap(), None);
    }

    #[test]
    fn eq5_hand_worked() {
        // province with employment 10 and 30 in two industries whose national
        // totals are 100 and 60: (0.1)^2 + (0.5)^2 = 0.26
        let mut s = ShareSquares::new();
        s.add(10.0, 100.0).unwrap();
        s.add(30.0, 60.0).unwrap();
        assert!((s.result().unwrap().unwrap() - 0.26).abs() < 1e-16);
        let t = ShareSquares::from_bytes(&s.to_bytes()).unwrap();
        assert_eq!(t, s);
    }

    #[test]
    fn merge_and_bytes() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64 + 0.5).collect();
        let whole = hhi(&xs).unwrap().unwrap();
        let mut a = Hhi::new();
        let mut b = Hhi::new();
        xs[..333].iter().for_each(|&v| a.add(v).unwrap());
        xs[333..].iter().for_each(|&v| b.add(v).unwrap());
        let b = Hhi::from_bytes(&b.to_bytes()).unwrap();
        a.merge(&b);
        assert!((a.hhi().unwrap().unwrap() - whole).abs() <= 2.0 * f64::EPSILON * whole);
        assert_eq!(a.count(), 1000);
        assert!(Hhi::from_bytes(&ShareSquares::new().to_bytes()).is_err());
    }
}
