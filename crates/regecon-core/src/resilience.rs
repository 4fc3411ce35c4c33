//! Relative regional resilience of Martin, Sunley, Gardiner & Tyler (2016).
//!
//! For a region i and its reference r (the nation, unless the user picks
//! another) over a window from a base year to year t:
//!
//! ```text
//! g_i = (Y_i^t - Y_i^base) / Y_i^base        own growth
//! g_r = (Y_r^t - Y_r^base) / Y_r^base        reference growth
//! dE  = g_r * Y_i^base                        expected change
//! Resis_i^t = (dY_i - dE) / |dE| = (g_i - g_r) / |g_r|
//! ```
//!
//! The paper's printed eq. (4) is garbled; the last line is the intended
//! simplification (docs/methods.md section 1). Martin et al. call the value
//! *resistance* when the reference contracts and *recoverability* when it
//! expands.
//!
//! The shift-share form ([`ShiftShare`]) sums the expected change over the
//! sectors j of a region: `dE = sum_j e_j^base * g_j` with `g_j` the national
//! growth of sector j, and `Resis = (sum_j (e_j^t - e_j^base) - dE) / |dE|`.

use crate::codec::{decode, encode, tag};
use crate::error::{finite, finite_result, non_negative, positive, Error, Result};
use crate::fixed::Fixed;
use crate::sum::NeumaierSum;

/// Growth rate `(t - base) / base`; `base` must be positive.
pub fn growth(t: f64, base: f64, t_name: &str, base_name: &str) -> Result<f64> {
    finite(t, t_name)?;
    positive(base, base_name)?;
    let d = t - base;
    if d.is_finite() {
        return finite_result(d / base, "growth rate");
    }
    // t - base overflowed (t near -f64::MAX): t / base - 1 does not
    finite_result(t / base - 1.0, &format!("growth rate ({t_name} - {base_name}) / {base_name}"))
}

/// `(g_i - g_r) / |g_r|` for one region.
///
/// Errors: non-finite input (22023), a non-positive base (22012 for zero,
/// 22023 for negative), zero reference growth (22012).
pub fn martin(y_t: f64, y_base: f64, ref_t: f64, ref_base: f64) -> Result<f64> {
    let g_i = growth(y_t, y_base, "y_t", "y_base")?;
    let g_r = growth(ref_t, ref_base, "ref_t", "ref_base")?;
    if g_r == 0.0 {
        return Err(Error::div_zero(
            "reference growth (ref_t - ref_base) / ref_base is zero: relative resilience is undefined",
        ));
    }
    // (g_i - g_r)/|g_r| computed from the differences directly keeps precision
    // when g_i and g_r are close.
    let d = g_i - g_r;
    if d.is_finite() {
        return finite_result(d / g_r.abs(), "martin_resilience");
    }
    // the growth rates are of opposite signs and huge: divide first
    finite_result(g_i / g_r.abs() - g_r / g_r.abs(), "martin_resilience")
}

/// Accumulator of the shift-share form over the sectors of one region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShiftShare {
    actual: NeumaierSum,
    expected: NeumaierSum,
    n: u64,
}

impl ShiftShare {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one sector: its employment (or output) at t and at the base, and
    /// the reference (national) values of the same sector.
    pub fn add(&mut self, e_t: f64, e_base: f64, ref_t: f64, ref_base: f64) -> Result<()> {
        non_negative(e_t, "e_t")?;
        non_negative(e_base, "e_base")?;
        let g_j = growth(ref_t, ref_base, "ref_t", "ref_base")?;
        // refused per row, by name, before a non-finite term poisons the sums
        let expected = finite_result(e_base * g_j, "e_base * (ref_t - ref_base) / ref_base")?;
        self.actual.add(e_t - e_base);
        self.expected.add(expected);
        self.n += 1;
        Ok(())
    }

    pub fn merge(&mut self, other: &ShiftShare) {
        self.actual.merge(&other.actual);
        self.expected.merge(&other.expected);
        self.n += other.n;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// `None` for an empty group; 22012 when the expected change is zero.
    pub fn result(&self) -> Result<Option<f64>> {
        if self.n == 0 {
            return Ok(None);
        }
        let (da, de) = (self.actual.value(), self.expected.value());
        if !da.is_finite() || !de.is_finite() {
            return Err(Error::out_of_range(
                "the sums of e_t - e_base or of e_base * growth(ref_t, ref_base) overflow double precision: \
                 rescale e_t and e_base (the result does not depend on their unit)",
            ));
        }
        if de == 0.0 {
            return Err(Error::div_zero("expected change sum(e_base * g_j) is zero: relative resilience is undefined"));
        }
        let r = (da - de) / de.abs();
        let r = if r.is_finite() { r } else { da / de.abs() - de / de.abs() };
        finite_result(r, "martin_resilience_agg").map(Some)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let (a, ac) = self.actual.parts();
        let (e, ec) = self.expected.parts();
        encode(tag::SHIFT_SHARE, &(self.n, a, ac, e, ec))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (n, a, ac, e, ec): (u64, f64, f64, f64, f64) = decode(bytes, tag::SHIFT_SHARE)?;
        Ok(ShiftShare { actual: NeumaierSum::from_parts(a, ac), expected: NeumaierSum::from_parts(e, ec), n })
    }
}

impl Fixed for ShiftShare {
    const TAG: u8 = tag::SHIFT_SHARE;
    /// n and the two compensated sums (value, compensation each).
    const WORDS: usize = 5;

    #[inline]
    fn to_words(&self, w: &mut [u64]) {
        let (a, ac) = self.actual.parts();
        let (e, ec) = self.expected.parts();
        w.copy_from_slice(&[self.n, a.to_bits(), ac.to_bits(), e.to_bits(), ec.to_bits()]);
    }

    #[inline]
    fn from_words(w: &[u64]) -> Result<Self> {
        let f = f64::from_bits;
        Ok(ShiftShare {
            n: w[0],
            actual: NeumaierSum::from_parts(f(w[1]), f(w[2])),
            expected: NeumaierSum::from_parts(f(w[3]), f(w[4])),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn fixed_form_round_trips_and_merges() {
        let (mut a, mut b) = (ShiftShare::new(), ShiftShare::new());
        a.add(110.0, 100.0, 1050.0, 1000.0).unwrap();
        b.add(47.0, 50.0, 2100.0, 2000.0).unwrap();
        let (mut fa, mut fb) = (vec![0u8; ShiftShare::LEN], vec![0u8; ShiftShare::LEN]);
        a.write_fixed(&mut fa);
        b.write_fixed(&mut fb);
        assert_eq!(ShiftShare::read_fixed(&fa).unwrap(), a);
        let mut m = ShiftShare::read_fixed(&fa).unwrap();
        m.merge(&ShiftShare::read_fixed(&fb).unwrap());
        let mut all = a.clone();
        all.merge(&b);
        assert_eq!(m, all);
        // actual 10 - 3 = 7, expected 5 + 2.5 = 7.5: (7 - 7.5) / 7.5
        assert_eq!(m.result().unwrap(), Some(-0.5 / 7.5));
        assert_eq!(ShiftShare::read_fixed(&ShiftShare::empty_fixed()).unwrap(), ShiftShare::new());
    }

    #[test]
    fn hand_worked() {
        // Region grows 10% while the nation grows 5%: (0.10 - 0.05) / 0.05 = 1.
        assert!((martin(110.0, 100.0, 1050.0, 1000.0).unwrap() - 1.0).abs() < 1e-15);
        // Region falls 20% while the nation falls 10%: (-0.2 + 0.1) / 0.1 = -1 (less resistant).
        assert!((martin(80.0, 100.0, 900.0, 1000.0).unwrap() + 1.0).abs() < 1e-15);
        // Region falls 5% while the nation falls 10%: (-0.05 + 0.1) / 0.1 = 0.5 (more resistant).
        assert!((martin(95.0, 100.0, 900.0, 1000.0).unwrap() - 0.5).abs() < 1e-15);
        // Same growth as the nation: exactly 0.
        assert_eq!(martin(120.0, 100.0, 12.0, 10.0).unwrap(), 0.0);
    }

    #[test]
    fn equals_paper_eq1_form() {
        // (dY - dE)/|dE| with dE = g_r * Y_base, eqs. (1)-(3).
        let (y_t, y_b, r_t, r_b): (f64, f64, f64, f64) = (523.0, 481.0, 10_512.0, 10_007.0);
        let g_r = (r_t - r_b) / r_b;
        let de = g_r * y_b;
        let direct = ((y_t - y_b) - de) / de.abs();
        let ours = martin(y_t, y_b, r_t, r_b).unwrap();
        assert!((direct - ours).abs() <= 1e-13 * ours.abs(), "{direct} {ours}");
    }

    #[test]
    fn undefined_cases_are_errors() {
        assert_eq!(martin(1.0, 0.0, 2.0, 1.0).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert_eq!(martin(1.0, 1.0, 2.0, 0.0).unwrap_err().kind, ErrorKind::DivisionByZero);
        let e = martin(1.1, 1.0, 5.0, 5.0).unwrap_err();
        assert_eq!(e.kind, ErrorKind::DivisionByZero);
        assert!(e.message.contains("reference growth"));
        assert_eq!(martin(f64::NAN, 1.0, 2.0, 1.0).unwrap_err().kind, ErrorKind::InvalidParameter);
        assert_eq!(martin(1.0, -1.0, 2.0, 1.0).unwrap_err().kind, ErrorKind::InvalidParameter);
        assert_eq!(martin(1.0, 1.0, f64::INFINITY, 1.0).unwrap_err().kind, ErrorKind::InvalidParameter);
        // overflow of the quotient: tiny reference growth
        let e = martin(1e300, 1e-300, 1.0 + f64::EPSILON, 1.0).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfRange);
    }

    #[test]
    fn shift_share_hand_worked() {
        // Two sectors. Sector A: national growth 10%, region 100 -> 120.
        // Sector B: national growth -20%, region 50 -> 45.
        // dY = 20 - 5 = 15; dE = 100*0.1 + 50*(-0.2) = 0 -> undefined.
        let mut s = ShiftShare::new();
        s.add(120.0, 100.0, 1100.0, 1000.0).unwrap();
        s.add(45.0, 50.0, 400.0, 500.0).unwrap();
        assert_eq!(s.result().unwrap_err().kind, ErrorKind::DivisionByZero);
        // Change sector B's national growth to -10%: dE = 10 - 5 = 5; (15 - 5)/5 = 2.
        let mut s = ShiftShare::new();
        s.add(120.0, 100.0, 1100.0, 1000.0).unwrap();
        s.add(45.0, 50.0, 450.0, 500.0).unwrap();
        assert!((s.result().unwrap().unwrap() - 2.0).abs() < 1e-14);
        assert_eq!(s.count(), 2);
        // A single sector reduces to the scalar formula.
        let mut one = ShiftShare::new();
        one.add(110.0, 100.0, 1050.0, 1000.0).unwrap();
        assert!((one.result().unwrap().unwrap() - martin(110.0, 100.0, 1050.0, 1000.0).unwrap()).abs() < 1e-14);
        assert_eq!(ShiftShare::new().result().unwrap(), None);
    }

    #[test]
    fn shift_share_merge_and_bytes() {
        let rows = [(120.0, 100.0, 1100.0, 1000.0), (45.0, 50.0, 450.0, 500.0), (7.0, 9.0, 95.0, 100.0)];
        let mut all = ShiftShare::new();
        rows.iter().for_each(|r| all.add(r.0, r.1, r.2, r.3).unwrap());
        let mut a = ShiftShare::new();
        let mut b = ShiftShare::new();
        a.add(rows[0].0, rows[0].1, rows[0].2, rows[0].3).unwrap();
        rows[1..].iter().for_each(|r| b.add(r.0, r.1, r.2, r.3).unwrap());
        a.merge(&ShiftShare::from_bytes(&b.to_bytes()).unwrap());
        assert_eq!(a.count(), 3);
        let (x, y) = (a.result().unwrap().unwrap(), all.result().unwrap().unwrap());
        assert!((x - y).abs() < 1e-14 * y.abs());
        assert!(ShiftShare::from_bytes(&all.to_bytes()[..10]).is_err());
    }

    #[test]
    fn extreme_values_are_computed_or_refused() {
        // t - base overflows: computed as t / base - 1
        let g = growth(-1e308, 1e308, "y_t", "y_base").unwrap();
        assert_eq!(g, -2.0);
        // scale invariance of martin in (y_t, y_base) and (ref_t, ref_base)
        let base = martin(110.0, 100.0, 1050.0, 1000.0).unwrap();
        for c in [1e300, 1e-300, 1e-310] {
            let r = martin(110.0 * c, 100.0 * c, 1050.0, 1000.0).unwrap();
            assert!((r - base).abs() < 1e-12 * base.abs() && r.is_finite(), "{c}: {r}");
            let r = martin(110.0, 100.0, 1050.0 * c, 1000.0 * c).unwrap();
            assert!((r - base).abs() < 1e-12 * base.abs(), "{c}: {r}");
        }
        assert!(martin(-0.0, 1.0, 2.0, 1.0).unwrap().is_finite());
        // the aggregate: a sum that overflows is a 22003 error, never NaN
        let mut s = ShiftShare::new();
        s.add(1e308, 0.0, 2.0, 1.0).unwrap();
        s.add(1e308, 0.0, 2.0, 1.0).unwrap();
        s.add(0.0, 1.0, 2.0, 1.0).unwrap();
        assert_eq!(s.result().unwrap_err().kind, ErrorKind::OutOfRange);
        let e = ShiftShare::new().add(1.0, 1e300, 1e300, 1e-300).unwrap_err();
        assert!(e.kind == ErrorKind::OutOfRange, "{e:?}");
        // property: the aggregate on e * 1e300 equals the aggregate on e
        let rows = [(120.0, 100.0, 1100.0, 1000.0), (45.0, 50.0, 450.0, 500.0), (7.0, 9.0, 95.0, 100.0)];
        for c in [1e300, 1e-300] {
            let (mut a, mut b) = (ShiftShare::new(), ShiftShare::new());
            for r in rows {
                a.add(r.0, r.1, r.2, r.3).unwrap();
                b.add(r.0 * c, r.1 * c, r.2, r.3).unwrap();
            }
            let (x, y) = (a.result().unwrap().unwrap(), b.result().unwrap().unwrap());
            assert!((x - y).abs() < 1e-12 * x.abs() && y.is_finite(), "{c}: {x} {y}");
        }
    }

    #[test]
    fn shift_share_rejects_bad_rows() {
        let mut s = ShiftShare::new();
        assert_eq!(s.add(-1.0, 1.0, 1.0, 1.0).unwrap_err().kind, ErrorKind::InvalidParameter);
        assert!(s.add(1.0, -1.0, 1.0, 1.0).unwrap_err().message.contains("e_base"));
        assert_eq!(s.add(1.0, 1.0, 1.0, 0.0).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert_eq!(s.count(), 0);
    }
}
