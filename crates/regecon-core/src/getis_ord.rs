//! Getis-Ord statistics: the global G (esda `G`, spdep `globalG.test`) and
//! the local G*_i (esda `G_Local(star=True)`, spdep `localG` with self
//! included).
//!
//! Global, for non-negative x (binary weights by default, as esda):
//!
//! ```text
//! G    = sum_ij w_ij x_i x_j / sum_{i != j} x_i x_j
//! E[G] = S0 / (n (n - 1))
//! Var[G] = (b0 m2^2 + b1 m4 + b2 m1^2 m2 + b3 m1 m3 + b4 m1^4)
//!          / ((m1^2 - m2)^2 n (n-1)(n-2)(n-3)) - E[G]^2,   m_k = sum x^k
//! b0 = (n^2 - 3n + 3) S1 - n S2 + 3 S0^2      b1 = -((n^2 - n) S1 - 2n S2 + 6 S0^2)
//! b2 = -(2n S1 - (n + 3) S2 + 6 S0^2)        b3 = 4(n-1) S1 - 2(n+1) S2 + 8 S0^2
//! b4 = S1 - S2 + S0^2
//! ```
//!
//! (Getis & Ord 1992.) z = (G - E[G]) / sqrt(Var[G]), p two-sided (esda's p is
//! one-sided, half of ours; spdep's two.sided equals ours).
//!
//! Local G*_i, with w*_ij = w_ij plus w*_ii = 1 (the unit itself included):
//!
//! ```text
//! G*_i = sum_j w*_ij x_j / sum_j x_j
//! z_i  = (sum_j w*_ij x_j - W*_i xbar) / (s sqrt((n S*_1i - W*_i^2) / (n - 1)))
//! W*_i = sum_j w*_ij,  S*_1i = sum_j w*_ij^2,  xbar, s^2 = sum x^2 / n - xbar^2 over all n
//! ```
//!
//! (Getis & Ord 1992, Ord & Getis 1995; spdep's `localG`.) With binary weights
//! this equals esda's `Zs`; with row-standardised weights esda's variance
//! assumes binary weights and differs, spdep's (and ours) is the general one.

use crate::error::{Error, Result};
use crate::moran::p_two_sided;
use crate::sum::{sum, NeumaierSum};
use crate::weights::{Style, Weights};

#[derive(Debug, Clone, PartialEq)]
pub struct GlobalG {
    pub n: usize,
    pub g: f64,
    pub expected: f64,
    pub variance: f64,
    pub z: f64,
    pub p: f64,
}

fn non_negative_values(x: &[f64], ids: &[i64]) -> Result<()> {
    for (v, id) in x.iter().zip(ids) {
        crate::error::finite_lazy(*v, || format!("value of unit {id}"))?;
        if *v < 0.0 {
            return Err(Error::invalid(format!(
                "value of unit {id} is {v}: Getis-Ord statistics need non-negative values"
            )));
        }
    }
    Ok(())
}

pub fn global_g(w: &Weights, x: &[f64]) -> Result<GlobalG> {
    let n = w.n();
    if x.len() != n || n < 4 {
        return Err(Error::invalid(format!("Getis-Ord G needs at least 4 units with values, got {}", x.len())));
    }
    non_negative_values(x, w.ids())?;
    let nf = n as f64;
    let s0 = w.s0();
    if s0 == 0.0 {
        return Err(Error::div_zero("the weights have no links among these units (S0 = 0)"));
    }
    let (s1, s2) = w.s1_s2();
    // G and its moments are scale-invariant (ratios of degree-2 and degree-4
    // terms): values outside 2^+-100 are scaled by a power of two so that the
    // fourth powers neither overflow (x near 1e77 and above) nor underflow;
    // ordinary data keep factor 1, bit for bit
    let f = crate::sum::pow2_rescale(crate::sum::max_abs(x), 100);
    let scaled;
    let x: &[f64] = if f == 1.0 {
        x
    } else {
        scaled = x.iter().map(|v| v * f).collect::<Vec<f64>>();
        &scaled
    };
    let m1 = sum(x.iter().copied());
    let m2 = sum(x.iter().map(|v| v * v));
    let m3 = sum(x.iter().map(|v| v * v * v));
    let m4 = sum(x.iter().map(|v| v * v * v * v));
    let den = m1 * m1 - m2;
    if den <= 0.0 {
        return Err(Error::div_zero("fewer than two units have a positive value: G is 0/0"));
    }
    let mut num = NeumaierSum::new();
    for i in 0..n {
        let (c, v) = w.row(i);
        for (&j, &wij) in c.iter().zip(v) {
            num.add(wij * x[i] * x[j]);
        }
    }
    let g = num.value() / den;
    let eg = s0 / (nf * (nf - 1.0));
    let (n2, s02) = (nf * nf, s0 * s0);
    let b0 = (n2 - 3.0 * nf + 3.0) * s1 - nf * s2 + 3.0 * s02;
    let b1 = -((n2 - nf) * s1 - 2.0 * nf * s2 + 6.0 * s02);
    let b2 = -(2.0 * nf * s1 - (nf + 3.0) * s2 + 6.0 * s02);
    let b3 = 4.0 * (nf - 1.0) * s1 - 2.0 * (nf + 1.0) * s2 + 8.0 * s02;
    let b4 = s1 - s2 + s02;
    let eg2 = (b0 * m2 * m2 + b1 * m4 + b2 * m1 * m1 * m2 + b3 * m1 * m3 + b4 * m1.powi(4))
        / (den * den * nf * (nf - 1.0) * (nf - 2.0) * (nf - 3.0));
    let variance = eg2 - eg * eg;
    let z = (g - eg) / variance.sqrt();
    Ok(GlobalG { n, g, expected: eg, variance, z, p: p_two_sided(z) })
}

/// G*_i of one unit. G*_i, its expectation and variance are defined for
/// every unit (the unit itself is always in its neighbourhood, islands
/// included); z and p are 0/0 when the unit's weights cannot vary
/// (n S*_1i = W*_i^2, e.g. a unit linked to every unit with equal weights):
/// [`LocalG::z_checked`] and [`LocalG::p_checked`] give `None` there (NULL in
/// SQL), the fields keep the reference formula's value for the fixtures.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalG {
    pub g: f64,
    pub expected: f64,
    pub variance: f64,
    pub z: f64,
    pub p: f64,
    /// The unit has no neighbours but itself.
    pub island: bool,
}

impl LocalG {
    /// z, or `None` where it is undefined (never NaN or infinite).
    pub fn z_checked(&self) -> Option<f64> {
        (self.variance > 0.0 && self.z.is_finite()).then_some(self.z)
    }
    /// p, or `None` with z.
    pub fn p_checked(&self) -> Option<f64> {
        self.z_checked().map(|_| self.p)
    }
}

/// G*_i for every unit. The unit itself joins its neighbours with weight 1
/// before the style is applied (as esda's `star=True` and spdep's
/// `include.self`): with `Style::Row`, w*_ij = 1 / (k_i + 1) for binary links.
pub fn local_g_star(w: &Weights, style: Style, x: &[f64]) -> Result<Vec<LocalG>> {
    let n = w.n();
    if x.len() != n || n < 3 {
        return Err(Error::invalid(format!("G*_i needs at least 3 units with values, got {}", x.len())));
    }
    non_negative_values(x, w.ids())?;
    let nf = n as f64;
    // every field is scale-invariant: values outside 2^+-200 are scaled by a
    // power of two (the sum of squares overflowed near 1e154 and above)
    let f = crate::sum::pow2_rescale(crate::sum::max_abs(x), 200);
    let scaled;
    let x: &[f64] = if f == 1.0 {
        x
    } else {
        scaled = x.iter().map(|v| v * f).collect::<Vec<f64>>();
        &scaled
    };
    let total = sum(x.iter().copied());
    if total == 0.0 {
        return Err(Error::div_zero("all values are zero: G*_i is 0/0"));
    }
    let mean = total / nf;
    let s2 = sum(x.iter().map(|v| v * v)) / nf - mean * mean;
    if s2 <= 0.0 {
        return Err(Error::div_zero("all values are equal: the variance of G*_i is zero"));
    }
    let s = s2.sqrt();
    Ok((0..n)
        .map(|i| {
            let (c, v) = w.row(i);
            let raw = |wij: f64| if style == Style::Binary { 1.0 } else { wij };
            let row_total = if style == Style::Row { 1.0 + v.iter().map(|&a| raw(a)).sum::<f64>() } else { 1.0 };
            let (mut lag, mut wsum, mut w2) = (x[i] / row_total, 1.0 / row_total, 1.0 / (row_total * row_total));
            for (&j, &wij) in c.iter().zip(v) {
                let ws = raw(wij) / row_total;
                lag += ws * x[j];
                wsum += ws;
                w2 += ws * ws;
            }
            let g = lag / total;
            let expected = wsum / nf;
            let sd_num = s * ((nf * w2 - wsum * wsum) / (nf - 1.0)).sqrt();
            let z = (lag - wsum * mean) / sd_num;
            // Var[G*_i] on the G scale: (sd_num / total)^2
            let variance = (sd_num / total).powi(2);
            LocalG { g, expected, variance, z, p: p_two_sided(z), island: c.is_empty() }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked() {
        // complete graph on 4 units, binary: G = 1 whatever the values
        let ids = [0, 1, 2, 3];
        let mut t = Vec::new();
        for i in 0..4 {
            for j in 0..4 {
                if i != j {
                    t.push((i, j, 1.0));
                }
            }
        }
        let w = Weights::from_triples(&ids, &t).unwrap();
        let g = global_g(&w, &[1.0, 2.0, 3.0, 5.0]).unwrap();
        assert!((g.g - 1.0).abs() < 1e-15);
        assert!((g.expected - 1.0).abs() < 1e-15);
        // G*_i: every unit sees everything: G*_i = 1, numerator - W* mean = 0
        let l = local_g_star(&w, Style::Binary, &[1.0, 2.0, 3.0, 5.0]).unwrap();
        assert!((l[0].g - 1.0).abs() < 1e-15);
        assert!(global_g(&w, &[1.0, -2.0, 3.0, 5.0]).unwrap_err().message.contains("non-negative"));
        // the complete graph: z of G*_i is 0/0, checked as None
        assert!(l[0].z_checked().is_none() && l[0].p_checked().is_none());
    }

    #[test]
    fn extreme_magnitudes_and_islands() {
        // a line 0-1-2-3-4 and unit 5 alone
        let ids = [0, 1, 2, 3, 4, 5];
        let t =
            [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0), (3, 2, 1.0), (3, 4, 1.0), (4, 3, 1.0)];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let x = [1.0, 2.0, 0.5, 4.0, 3.0, 2.5];
        let g0 = global_g(&w, &x).unwrap();
        for style in [Style::Binary, Style::Row] {
            let l0 = local_g_star(&w, style, &x).unwrap();
            assert!(l0[5].island && !l0[0].island);
            assert!(l0.iter().all(|u| u.z_checked().is_some_and(f64::is_finite) && u.p_checked().is_some()));
            for c in [1e300, 1e200, 1e-300, 1e-310] {
                let xc: Vec<f64> = x.iter().map(|v| v * c).collect();
                let tol = if c < 1e-307 { 1e-9 } else { 1e-12 };
                let l = local_g_star(&w, style, &xc).unwrap();
                for (a, b) in l.iter().zip(&l0) {
                    for (u, v) in [(a.g, b.g), (a.z, b.z), (a.variance, b.variance), (a.expected, b.expected)] {
                        assert!(u.is_finite() && (u - v).abs() < tol * v.abs().max(1.0), "{c}: {u} vs {v}");
                    }
                }
                let g = global_g(&w, &xc).unwrap();
                for (u, v) in [(g.g, g0.g), (g.z, g0.z), (g.variance, g0.variance)] {
                    assert!(u.is_finite() && (u - v).abs() < tol * v.abs().max(1.0), "{c}: {u} vs {v}");
                }
            }
        }
    }
}
