//! Environmental damage index (EDI), entropy weights and the comprehensive
//! environmental damage index (CEDI), paper eqs. (6)-(9) as corrected in
//! docs/methods.md section 3.
//!
//! ```text
//! EDI_ik  = (P_ik / sum_i P_ik) / (Y_i / sum_i Y_i)
//! f_ik    = EDI_ik / sum_i EDI_ik
//! e_k     = -(1 / ln n) * sum_i f_ik ln f_ik          (0 ln 0 = 0)
//! g_k     = (1 - e_k) / sum_k (1 - e_k)
//! CEDI_i  = sum_k g_k * EDI_ik
//! ```
//!
//! Precision: `1 - e_k` is the divergence of f from the uniform distribution
//! and is tiny when an indicator barely varies across regions, where the
//! textbook formula cancels catastrophically. With d_i = n f_ik - 1 (so
//! sum_i d_i = 0) it equals
//!
//! ```text
//! 1 - e_k = (1 / (n ln n)) * sum_i phi(d_i),   phi(d) = (1 + d) ln(1 + d) - d >= 0
//! ```
//!
//! a sum of non-negative terms, and phi is evaluated by its Taylor series near
//! 0. The weights are therefore accurate to a few ulps even for
//! near-constant indicators.

use crate::codec::{decode, encode_sized, tag};
use crate::error::{finite_result, non_negative, positive, Error, Result};
use crate::sum::{sum, NeumaierSum};

/// EDI of one region and pollutant: its share of national emissions over its
/// share of national output.
pub fn edi(emission: f64, total_emission: f64, output: f64, total_output: f64) -> Result<f64> {
    non_negative(emission, "emission")?;
    positive(total_emission, "total_emission")?;
    positive(output, "output")?;
    positive(total_output, "total_output")?;
    finite_result((emission / total_emission) / (output / total_output), "edi")
}

/// `(1 + d) ln(1 + d) - d` for d >= -1, without cancellation near 0.
fn phi(d: f64) -> f64 {
    if d.abs() < 1e-2 {
        // sum_{m>=2} (-1)^m d^m / (m (m - 1)); 9 terms: truncation < 1e-18 d^2
        let mut term = d * d; // d^m
        let mut acc = 0.0;
        for m in 2..=10u32 {
            let mf = m as f64;
            let sign = if m % 2 == 0 { 1.0 } else { -1.0 };
            acc += sign * term / (mf * (mf - 1.0));
            term *= d;
        }
        acc
    } else if d == -1.0 {
        1.0
    } else {
        (1.0 + d) * d.ln_1p() - d
    }
}

/// The entropy method's result for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct EntropyWeights {
    /// e_k, the information entropy of each indicator, in [0, 1].
    pub entropy: Vec<f64>,
    /// 1 - e_k, computed directly (not as `1.0 - entropy`, which would lose
    /// the digits of a near-constant indicator).
    pub divergence: Vec<f64>,
    /// g_k, the weights, non-negative and summing to 1.
    pub weights: Vec<f64>,
}

/// Accumulator of the indicator matrix (n regions x k indicators) of one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entropy {
    k: usize,
    values: Vec<f64>, // row-major, n * k
}

impl Entropy {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.k).unwrap_or(0)
    }

    /// Adds the indicator vector of one region. All rows must have the same
    /// length; values must be finite and non-negative.
    pub fn add(&mut self, row: &[f64]) -> Result<()> {
        if row.is_empty() {
            return Err(Error::invalid("edi must have at least one indicator, got an empty array"));
        }
        if self.k == 0 {
            self.k = row.len();
        } else if row.len() != self.k {
            return Err(Error::invalid(format!(
                "edi arrays must all have the same length: row {} has {} indicators, earlier rows have {}",
                self.rows() + 1,
                row.len(),
                self.k
            )));
        }
        for (j, &x) in row.iter().enumerate() {
            if !(x >= 0.0 && x.is_finite()) {
                non_negative(x, &format!("edi[{}]", j + 1))?;
            }
        }
        crate::mem::reserve(&mut self.values, row.len(), "the indicator matrix of cedi_entropy")?;
        self.values.extend_from_slice(row);
        Ok(())
    }

    pub fn merge(&mut self, other: &Entropy) -> Result<()> {
        if other.k == 0 {
            return Ok(());
        }
        if self.k == 0 {
            self.k = other.k;
        } else if self.k != other.k {
            return Err(Error::invalid(format!(
                "edi arrays must all have the same length: found {} and {} indicators",
                self.k, other.k
            )));
        }
        crate::mem::reserve(&mut self.values, other.values.len(), "the indicator matrix of cedi_entropy")?;
        self.values.extend_from_slice(&other.values);
        Ok(())
    }

    /// Entropies and weights; `None` for fewer than two regions (ln n = 0).
    ///
    /// Errors: an indicator that sums to zero over the regions (22012), every
    /// indicator constant across regions so that all weights are 0/0 (22012).
    pub fn weights(&self) -> Result<Option<EntropyWeights>> {
        let n = self.rows();
        if n < 2 {
            return Ok(None);
        }
        let k = self.k;
        let nf = n as f64;
        let ln_n = nf.ln();
        let mut divergence = Vec::with_capacity(k); // 1 - e_k
        for j in 0..k {
            // shares are scale-invariant: a column of extreme magnitude
            // (sums overflowing near 1e308, or subnormals losing digits in the
            // mean) is brought near 1 by a power of two; ordinary columns are
            // untouched (factor 1, bit for bit)
            let f = crate::sum::pow2_rescale(self.values.iter().skip(j).step_by(k).fold(0.0f64, |m, x| m.max(*x)), 500);
            let col = || self.values.iter().skip(j).step_by(k).map(move |x| x * f);
            let total = sum(col());
            if total == 0.0 {
                return Err(Error::div_zero(format!(
                    "indicator edi[{}] is zero in every region: its shares are undefined",
                    j + 1
                )));
            }
            let mean = total / nf;
            let mut acc = NeumaierSum::new();
            for x in col() {
                acc.add(phi((x - mean) / mean));
            }
            divergence.push((acc.value() / (nf * ln_n)).clamp(0.0, 1.0));
        }
        let total = sum(divergence.iter().copied());
        if total == 0.0 {
            return Err(Error::div_zero("every indicator is constant across the regions: entropy weights are 0/0"));
        }
        Ok(Some(EntropyWeights {
            entropy: divergence.iter().map(|d| 1.0 - d).collect(),
            weights: divergence.iter().map(|d| d / total).collect(),
            divergence,
        }))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        encode_sized(tag::ENTROPY, 20 + 8 * self.values.len(), &(self.k as u64, crate::codec::F64s(&self.values)))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        #[derive(serde::Deserialize)]
        struct Wire(u64, #[serde(deserialize_with = "crate::codec::f64s")] Vec<f64>);
        let Wire(k, values) = decode(bytes, tag::ENTROPY)?;
        let k = usize::try_from(k).map_err(|_| Error::corrupt("aggregate state has a ragged indicator matrix"))?;
        if (k == 0 && !values.is_empty()) || (k > 0 && values.len() % k != 0) {
            return Err(Error::corrupt("aggregate state has a ragged indicator matrix"));
        }
        Ok(Entropy { k, values })
    }
}

/// Tolerance on `sum(weights) = 1` accepted by [`cedi`].
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-9;

/// CEDI_i = sum_k g_k * EDI_ik.
pub fn cedi(edi: &[f64], weights: &[f64]) -> Result<f64> {
    if edi.len() != weights.len() {
        return Err(Error::invalid(format!("edi has {} indicators but weights has {}", edi.len(), weights.len())));
    }
    if edi.is_empty() {
        return Err(Error::invalid("edi and weights must not be empty"));
    }
    for (j, (&x, &g)) in edi.iter().zip(weights).enumerate() {
        non_negative(x, &format!("edi[{}]", j + 1))?;
        non_negative(g, &format!("weights[{}]", j + 1))?;
    }
    let wsum = sum(weights.iter().copied());
    if (wsum - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
        return Err(Error::invalid(format!("weights must sum to 1, they sum to {wsum}")));
    }
    // a weighted mean of edi: the terms of edi near 1e308 can overflow the
    // sum, so extreme values are summed scaled by a power of two
    let f = crate::sum::pow2_rescale(crate::sum::max_abs(edi), 1000);
    let total = sum(edi.iter().zip(weights).map(|(x, g)| (x * f) * g)) / f;
    finite_result(total, "cedi")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn matrix(rows: &[&[f64]]) -> Entropy {
        let mut e = Entropy::new();
        rows.iter().for_each(|r| e.add(r).unwrap());
        e
    }

    #[test]
    fn hand_worked_two_regions() {
        // Indicator 1: shares (1, 0): entropy 0, divergence 1.
        // Indicator 2: shares (1/2, 1/2): entropy 1, divergence 0.
        let w = matrix(&[&[4.0, 3.0], &[0.0, 3.0]]).weights().unwrap().unwrap();
        assert_eq!(w.entropy, vec![0.0, 1.0]);
        assert_eq!(w.weights, vec![1.0, 0.0]);
    }

    #[test]
    fn hand_worked_three_regions() {
        // Shares (1/2, 1/4, 1/4): sum f ln f = -(1/2 ln 2 + 1/2 ln 4) = -1.5 ln 2
        // e = 1.5 ln 2 / ln 3.
        let e1 = 1.5 * 2f64.ln() / 3f64.ln();
        // Shares (1/3, 1/3, 1/3): e = 1.  Shares (1, 0, 0): e = 0.
        let w = matrix(&[&[2.0, 1.0, 5.0], &[1.0, 1.0, 0.0], &[1.0, 1.0, 0.0]]).weights().unwrap().unwrap();
        assert!((w.entropy[0] - e1).abs() < 1e-15);
        assert_eq!(w.entropy[1], 1.0);
        assert!(w.entropy[2].abs() < 1e-15);
        let d = [1.0 - e1, 0.0, 1.0];
        let t: f64 = d.iter().sum();
        for (j, dj) in d.iter().enumerate() {
            assert!((w.weights[j] - dj / t).abs() < 1e-15, "{j}");
        }
    }

    #[test]
    fn near_constant_indicator_keeps_precision() {
        // x_i = 1 + eps_i with tiny eps: 1 - e ~ sum eps_i^2 / (2 n ln n) (to
        // second order, with mean-zero eps).
        let eps = [1e-7, -2e-7, 1e-7];
        let x: Vec<f64> = eps.iter().map(|e| 1.0 + e).collect();
        let mut m = Entropy::new();
        // second column constant -> divergence 0, so it gets weight 0
        x.iter().for_each(|&xi| m.add(&[xi, 1.0]).unwrap());
        let w = m.weights().unwrap().unwrap();
        let n = 3.0f64;
        let mu = x.iter().sum::<f64>() / n;
        let approx: f64 = x.iter().map(|xi| ((xi - mu) / mu).powi(2) / 2.0).sum::<f64>() / (n * n.ln());
        let got = w.divergence[0];
        assert!((got - approx).abs() < 1e-6 * approx, "{got} {approx}");
        // 60-digit reference (mpmath) of 1 - e for exactly these doubles
        let exact = 9.102_392_573_573_547e-15;
        assert!((got - exact).abs() < 1e-12 * exact, "{got} {exact}");
        assert_eq!(w.weights, vec![1.0, 0.0]);
    }

    #[test]
    fn phi_series_matches_closed_form() {
        for &d in &[-0.5, -0.0101, 0.0101, 0.3, 2.0] {
            assert!((phi(d) - ((1.0 + d) * (1.0 + d).ln() - d)).abs() < 1e-15);
        }
        // near the switch-over the two branches agree
        let a = phi(0.00999999);
        let b = (1.0 + 0.00999999f64) * 0.00999999f64.ln_1p() - 0.00999999;
        assert!((a - b).abs() < 1e-12 * a, "{a} {b}");
        assert_eq!(phi(0.0), 0.0);
        assert_eq!(phi(-1.0), 1.0);
    }

    #[test]
    fn undefined_and_invalid() {
        assert_eq!(matrix(&[&[1.0, 2.0]]).weights().unwrap(), None);
        assert_eq!(Entropy::new().weights().unwrap(), None);
        let e = matrix(&[&[1.0, 2.0], &[1.0, 2.0]]).weights().unwrap_err();
        assert_eq!(e.kind, ErrorKind::DivisionByZero);
        assert!(e.message.contains("constant"));
        let e = matrix(&[&[0.0, 2.0], &[0.0, 1.0]]).weights().unwrap_err();
        assert!(e.message.contains("edi[1]"), "{}", e.message);
        let mut m = matrix(&[&[1.0, 2.0]]);
        let e = m.add(&[1.0]).unwrap_err();
        assert!(e.message.contains("row 2"), "{}", e.message);
        assert!(m.add(&[1.0, -2.0]).unwrap_err().message.contains("edi[2]"));
        assert!(m.add(&[1.0, f64::NAN]).is_err());
        assert!(m.add(&[]).is_err());
        assert_eq!(m.rows(), 1);
    }

    #[test]
    fn merge_and_bytes() {
        let mut a = matrix(&[&[1.0, 2.0, 3.0]]);
        let b = matrix(&[&[2.0, 2.0, 1.0], &[0.5, 4.0, 1.0]]);
        let whole = matrix(&[&[1.0, 2.0, 3.0], &[2.0, 2.0, 1.0], &[0.5, 4.0, 1.0]]);
        a.merge(&Entropy::from_bytes(&b.to_bytes()).unwrap()).unwrap();
        assert_eq!(a, whole);
        a.merge(&Entropy::new()).unwrap();
        assert_eq!(a.rows(), 3);
        assert!(a.merge(&matrix(&[&[1.0]])).is_err());
        assert!(Entropy::from_bytes(&a.to_bytes()[..20]).is_err());
    }

    #[test]
    fn extreme_magnitudes_give_the_same_weights() {
        let rows: [&[f64]; 4] = [&[2.0, 1.0, 5.0], &[1.0, 3.0, 0.5], &[1.0, 1.0, 0.0], &[4.0, 0.25, 2.0]];
        let base = matrix(&rows).weights().unwrap().unwrap();
        for c in [1e300, 3e307, 1e-300, 1e-310] {
            let mut m = Entropy::new();
            for r in rows {
                m.add(&r.iter().map(|x| x * c).collect::<Vec<_>>()).unwrap();
            }
            let w = m.weights().unwrap().unwrap();
            for j in 0..3 {
                assert!(w.weights[j].is_finite() && w.entropy[j].is_finite(), "{c}: {w:?}");
                // subnormal inputs carry fewer digits: their own rounding only
                let tol = if c < 1e-307 { 1e-9 } else { 1e-12 };
                assert!((w.weights[j] - base.weights[j]).abs() < tol, "{c} {j}: {:?} vs {:?}", w.weights, base.weights);
            }
        }
        // mixed magnitudes: a column with 1e308 and 1
        let w = matrix(&[&[1e308, 1.0], &[1e308, 2.0], &[1.0, 3.0]]).weights().unwrap().unwrap();
        assert!(w.weights.iter().all(|x| x.is_finite()));
        // cedi: a weighted mean of values near the largest double
        let c = cedi(&[1.5e308, 1.7e308], &[0.5, 0.5]).unwrap();
        assert!((c - 1.6e308).abs() < 1e-12 * 1.6e308, "{c}");
        assert!((cedi(&[1e-310, 3e-310], &[0.5, 0.5]).unwrap() - 2e-310).abs() < 1e-323);
    }

    #[test]
    fn cedi_and_edi() {
        assert!((cedi(&[1.0, 2.0, 4.0], &[0.5, 0.25, 0.25]).unwrap() - 2.0).abs() < 1e-15);
        assert!(cedi(&[1.0], &[0.5]).unwrap_err().message.contains("sum to 1"));
        assert!(cedi(&[1.0, 2.0], &[1.0]).unwrap_err().message.contains("2 indicators"));
        assert!(cedi(&[1.0, 2.0], &[1.5, -0.5]).unwrap_err().message.contains("weights[2]"));
        assert!(cedi(&[], &[]).is_err());
        // EDI is invariant to the unit of emissions and of output
        for c in [1e300, 1e-300, 1e-310] {
            let e = edi(20.0 * c, 100.0 * c, 5.0, 50.0).unwrap();
            let f = edi(20.0, 100.0, 5.0 * c, 50.0 * c).unwrap();
            assert!((e - 2.0).abs() < 1e-12 && (f - 2.0).abs() < 1e-12, "{c}: {e} {f}");
        }
        assert_eq!(edi(1e300, 1e-300, 1.0, 1.0).unwrap_err().kind, ErrorKind::OutOfRange);
        // a region with 20% of emissions and 10% of output: EDI 2
        assert!((edi(20.0, 100.0, 5.0, 50.0).unwrap() - 2.0).abs() < 1e-15);
        assert_eq!(edi(1.0, 0.0, 1.0, 1.0).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert_eq!(edi(1.0, 1.0, 0.0, 1.0).unwrap_err().kind, ErrorKind::DivisionByZero);
    }
}
