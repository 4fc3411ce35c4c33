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

use crate::codec::{decode, encode, tag};
use crate::error::{finite_result, non_negative, positive, Error, Result};
use crate::fixed::Fixed;
use crate::sum::NeumaierSum;

/// Accumulator of `sum (v / sum v)^2`.
///
/// HHI is scale-invariant, so the sums are kept in units of 2^`exp`: the
/// state holds sum v 2^-exp and sum (v 2^-exp)^2. `exp` stays 0 (plain sums,
/// bit for bit) while the values lie within 2^+-[`WINDOW`]; a value far above
/// the current unit (near 1e308, whose square overflows) or a first value far
/// below 1 (subnormals, whose squares underflow to 0) moves the unit to the
/// value's magnitude, rescaling the sums by a power of two.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Hhi {
    sum: NeumaierSum,
    sumsq: NeumaierSum,
    n: u64,
    exp: i32,
}

/// Values within 2^+-WINDOW of the current unit are added as they are.
const WINDOW: i32 = 400;
/// The unit's exponent stays within +-MAX_EXP, so 2^-exp is a normal double.
const MAX_EXP: i32 = 1000;

/// floor(log2 v) of a positive normal double, from its bits (a subnormal
/// gives -1023: below every window, which is all the caller needs). Cheap:
/// this runs once per row of `hhi_agg`.
#[inline]
fn exponent(v: f64) -> i32 {
    ((v.to_bits() >> 52) & 0x7ff) as i32 - 1023
}

fn scale_sum(s: &NeumaierSum, f: f64) -> NeumaierSum {
    let (a, b) = s.parts();
    NeumaierSum::from_parts(a * f, b * f)
}

impl Hhi {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value; it must be finite and non-negative. Inlined into the
    /// per-row path of hhi_agg (the rescaling is out of line: rare).
    #[inline(always)]
    pub fn add(&mut self, v: f64) -> Result<()> {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(non_negative(v, "value").unwrap_err());
        }
        if v > 0.0 {
            let e = exponent(v);
            // integer compares on the common path; the sums are read only
            // for a value outside the window
            if e - self.exp > WINDOW || e.abs() > WINDOW {
                let empty = self.sum.value() == 0.0;
                if empty || e - self.exp > WINDOW {
                    self.rescale(e.clamp(-MAX_EXP, MAX_EXP), empty);
                }
            }
        }
        let s = if self.exp == 0 { v } else { v * 2f64.powi(-self.exp) };
        self.sum.add(s);
        self.sumsq.add(s * s);
        self.n += 1;
        Ok(())
    }

    /// Moves the unit to 2^exp (`exp` above the current one unless the sums
    /// are zero), rescaling the sums exactly by powers of two (contributions
    /// more than 2^-1000 below the largest value may underflow: they are
    /// below the last place of the result).
    #[cold]
    #[inline(never)]
    fn rescale(&mut self, exp: i32, empty: bool) {
        if !empty {
            let d = self.exp - exp;
            self.sum = scale_sum(&self.sum, 2f64.powi(d));
            // 2^(2d) in two factors: 2d may be below the smallest exponent
            let f = 2f64.powi(d);
            self.sumsq = scale_sum(&scale_sum(&self.sumsq, f), f);
        }
        self.exp = exp;
    }

    pub fn merge(&mut self, other: &Hhi) {
        let mut other = *other;
        if other.exp != self.exp {
            let (a_empty, b_empty) = (self.sum.value() == 0.0, other.sum.value() == 0.0);
            if b_empty {
                other.rescale(self.exp, true);
            } else if a_empty || other.exp > self.exp {
                self.rescale(other.exp, a_empty);
            } else {
                other.rescale(self.exp, false);
            }
        }
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
        if !(s.is_finite() && self.sumsq.value().is_finite()) {
            return Err(Error::out_of_range("the sums of hhi_agg overflow double precision"));
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
        encode(tag::HHI, &(self.n, s, sc, q, qc, self.exp))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (n, s, sc, q, qc, exp): (u64, f64, f64, f64, f64, i32) = decode(bytes, tag::HHI)?;
        if exp.unsigned_abs() > MAX_EXP as u32 {
            return Err(Error::corrupt("aggregate state has an invalid scale"));
        }
        Ok(Hhi { sum: NeumaierSum::from_parts(s, sc), sumsq: NeumaierSum::from_parts(q, qc), n, exp })
    }
}

impl Fixed for Hhi {
    const TAG: u8 = tag::HHI;
    /// n, the two compensated sums (value, compensation each), the unit's exponent.
    const WORDS: usize = 6;

    #[inline(always)]
    fn to_words(&self, w: &mut [u64]) {
        let (s, sc) = self.sum.parts();
        let (q, qc) = self.sumsq.parts();
        w.copy_from_slice(&[self.n, s.to_bits(), sc.to_bits(), q.to_bits(), qc.to_bits(), self.exp as i64 as u64]);
    }

    // The per-row path of hhi_agg reads and writes the state once per row:
    // written out word by word (plain 8-byte loads and stores) rather than
    // through the trait's word buffer, whose slice copies compiled to
    // memmove calls (bench/hhi_agg.sql: 1.26x the built-in SQL before, see
    // docs/citus.md).
    #[inline(always)]
    fn write_fixed(&self, out: &mut [u8]) {
        let out: &mut [u8; 56] = out.try_into().expect("Hhi::LEN bytes");
        let (s, sc) = self.sum.parts();
        let (q, qc) = self.sumsq.parts();
        out[..8].copy_from_slice(&[crate::fixed::VERSION, tag::HHI, 0, 0, 0, 0, 0, 0]);
        out[8..16].copy_from_slice(&self.n.to_le_bytes());
        out[16..24].copy_from_slice(&s.to_le_bytes());
        out[24..32].copy_from_slice(&sc.to_le_bytes());
        out[32..40].copy_from_slice(&q.to_le_bytes());
        out[40..48].copy_from_slice(&qc.to_le_bytes());
        out[48..56].copy_from_slice(&(self.exp as i64).to_le_bytes());
    }

    #[inline(always)]
    fn read_fixed(bytes: &[u8]) -> Result<Self> {
        let b: &[u8; 56] = bytes.try_into().map_err(|_| Error::corrupt("aggregate state has the wrong length"))?;
        if b[0] != crate::fixed::VERSION || b[1] != tag::HHI {
            return Err(Error::corrupt("aggregate state of another version or aggregate"));
        }
        let word =
            |i: usize| u64::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]]);
        Self::from_words(&[word(8), word(16), word(24), word(32), word(40), word(48)])
    }

    #[inline(always)]
    fn from_words(w: &[u64]) -> Result<Self> {
        let exp = w[5] as i64;
        if exp.abs() > MAX_EXP as i64 {
            return Err(Error::corrupt("aggregate state has an invalid scale"));
        }
        let f = f64::from_bits;
        Ok(Hhi {
            n: w[0],
            sum: NeumaierSum::from_parts(f(w[1]), f(w[2])),
            sumsq: NeumaierSum::from_parts(f(w[3]), f(w[4])),
            exp: exp as i32,
        })
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
        // a share whose square passes f64::MAX makes the result unrepresentable
        self.sum.add(finite_result(s * s, "(value / total)^2")?);
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
        encode(tag::SHARE_SQUARES, &(self.n, s, c))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (n, s, c): (u64, f64, f64) = decode(bytes, tag::SHARE_SQUARES)?;
        Ok(ShareSquares { sum: NeumaierSum::from_parts(s, c), n })
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

impl Fixed for ShareSquares {
    const TAG: u8 = tag::SHARE_SQUARES;
    /// n and the compensated sum (value, compensation).
    const WORDS: usize = 3;

    #[inline]
    fn to_words(&self, w: &mut [u64]) {
        let (s, c) = self.sum.parts();
        w.copy_from_slice(&[self.n, s.to_bits(), c.to_bits()]);
    }

    #[inline]
    fn from_words(w: &[u64]) -> Result<Self> {
        Ok(ShareSquares { n: w[0], sum: NeumaierSum::from_parts(f64::from_bits(w[1]), f64::from_bits(w[2])) })
    }
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
    fn fixed_form_round_trips_bit_for_bit() {
        let mut h = Hhi::new();
        for v in [0.1, 1e-3, 7.25, 1e5, 3.0] {
            h.add(v).unwrap();
        }
        let mut huge = h;
        huge.add(1e300).unwrap(); // moves the unit: exp != 0
        for state in [Hhi::new(), h, huge] {
            let mut b = [0u8; Hhi::LEN];
            state.write_fixed(&mut b);
            assert_eq!(Hhi::read_fixed(&b).unwrap(), state);
        }
        assert_eq!(Hhi::read_fixed(&Hhi::empty_fixed()).unwrap(), Hhi::new());
        // merging fixed forms gives what merging the states gives
        let (mut a, mut b) = (Hhi::new(), Hhi::new());
        [2.0, 1.0].iter().for_each(|&v| a.add(v).unwrap());
        [1.0].iter().for_each(|&v| b.add(v).unwrap());
        let (mut fa, mut fb) = ([0u8; Hhi::LEN], [0u8; Hhi::LEN]);
        a.write_fixed(&mut fa);
        b.write_fixed(&mut fb);
        let mut m = Hhi::read_fixed(&fa).unwrap();
        m.merge(&Hhi::read_fixed(&fb).unwrap());
        assert_eq!(m.hhi().unwrap(), Some(0.375));
    }

    #[test]
    fn share_squares_fixed_form_round_trips() {
        let mut a = ShareSquares::new();
        a.add(3.0, 7.0).unwrap();
        a.add(1e-9, 3.0).unwrap();
        let mut b = vec![0u8; ShareSquares::LEN];
        a.write_fixed(&mut b);
        assert_eq!(ShareSquares::read_fixed(&b).unwrap(), a);
        assert_eq!(ShareSquares::read_fixed(&ShareSquares::empty_fixed()).unwrap(), ShareSquares::new());
        // an Hhi state is not a ShareSquares state
        assert_eq!(
            ShareSquares::read_fixed(&Hhi::empty_fixed()[..ShareSquares::LEN]).unwrap_err().kind,
            ErrorKind::Corrupt
        );
    }

    #[test]
    fn fixed_form_refuses_foreign_bytes() {
        let mut b = Hhi::empty_fixed();
        assert_eq!(Hhi::read_fixed(&b[..40]).unwrap_err().kind, ErrorKind::Corrupt);
        b[1] = tag::SHARE_SQUARES;
        assert_eq!(Hhi::read_fixed(&b).unwrap_err().kind, ErrorKind::Corrupt);
        let mut b = Hhi::empty_fixed();
        b[48..56].copy_from_slice(&5000i64.to_le_bytes());
        assert_eq!(Hhi::read_fixed(&b).unwrap_err().kind, ErrorKind::Corrupt);
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
    fn extreme_values_are_scaled_not_lost() {
        let xs = [2.0, 1.0, 1.0, 4.0, 0.0, 0.5];
        let base = hhi(&xs).unwrap().unwrap();
        for c in [1e300, 1e308 / 8.0, 1e-300, 1e-310, 1e-320] {
            let ys: Vec<f64> = xs.iter().map(|x| x * c).collect();
            let h = hhi(&ys).unwrap().unwrap();
            assert!(h.is_finite() && (h - base).abs() < 1e-12, "{c}: {h} vs {base}");
            // split, serialised and merged: the same
            let (mut a, mut b) = (Hhi::new(), Hhi::new());
            ys[..2].iter().for_each(|&v| a.add(v).unwrap());
            ys[2..].iter().for_each(|&v| b.add(v).unwrap());
            a.merge(&Hhi::from_bytes(&b.to_bytes()).unwrap());
            let a = Hhi::from_bytes(&a.to_bytes()).unwrap();
            assert!((a.hhi().unwrap().unwrap() - base).abs() < 1e-12, "{c}");
        }
        // subnormals alone: scaled up, not squared to 0
        assert_eq!(hhi(&[5e-324, 5e-324]).unwrap(), Some(0.5));
        // mixed magnitudes: the huge values dominate, the tiny ones vanish
        let h = hhi(&[1e308, 1e-310, 1e308, 1.0]).unwrap().unwrap();
        assert!((h - 0.5).abs() < 1e-12, "{h}");
        // a merge of a scaled state into an empty or ordinary one
        let mut e = Hhi::new();
        let mut big = Hhi::new();
        big.add(1e300).unwrap();
        big.add(1e300).unwrap();
        e.merge(&big);
        let mut small = Hhi::new();
        small.add(1.0).unwrap();
        small.merge(&big);
        assert_eq!(e.hhi().unwrap(), Some(0.5));
        assert!((small.hhi().unwrap().unwrap() - 0.5).abs() < 1e-12);
        // an ordinary state: the 2-byte header, n and exp as 1-byte varints, four f64
        assert_eq!(small.n, 3);
        let mut o = Hhi::new();
        o.add(3.0).unwrap();
        assert_eq!(o.to_bytes().len(), 36);
        // eq. 5: a share whose square overflows is refused by name
        let e = ShareSquares::new().add(1e300, 1e-100).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
        assert!(e.message.contains("value / total"), "{}", e.message);
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
