//! Geary's C (global), with the inference of esda's `Geary` and spdep's
//! `geary.test`.
//!
//! ```text
//! C      = (n - 1) sum_ij w_ij (x_i - x_j)^2 / (2 S0 sum_i z_i^2)
//! E[C]   = 1
//! Var_norm = ((2 S1 + S2)(n - 1) - 4 S0^2) / (2 (n + 1) S0^2)
//! k      = (sum z^4 / n) / (sum z^2 / n)^2
//! Var_rand = ((n-1) S1 (n^2 - 3n + 3 - (n-1) k)
//!             - 1/4 (n-1) S2 (n^2 + 3n - 6 - (n^2 - n + 2) k)
//!             + S0^2 (n^2 - 3 - (n-1)^2 k)) / (n (n-2)(n-3) S0^2)
//! z      = (C - 1) / sqrt(Var)        (esda's sign: negative z = positive autocorrelation;
//!                                      spdep's "standard deviate" is -z)
//! p      = 2 (1 - Phi(|z|))           two-sided (spdep two.sided; esda's p is one-sided, half)
//! ```

use crate::error::{Error, Result};
use crate::moran::p_two_sided;
use crate::sum::{sum, NeumaierSum};
use crate::weights::Weights;

#[derive(Debug, Clone, PartialEq)]
pub struct Geary {
    pub n: usize,
    pub c: f64,
    pub expected: f64,
    pub variance_norm: f64,
    pub z_norm: f64,
    pub p_norm: f64,
    pub variance_rand: Option<f64>,
    pub z_rand: Option<f64>,
    pub p_rand: Option<f64>,
}

pub fn geary(w: &Weights, x: &[f64]) -> Result<Geary> {
    let n = w.n();
    if x.len() != n || n < 3 {
        return Err(Error::invalid(format!("Geary's C needs at least 3 units with values, got {}", x.len())));
    }
    let nf = n as f64;
    // deviations scaled by a power of two f when x is extreme (C is scale-invariant)
    let (z, z2, f) = crate::moran::centred_scaled(x, w.ids(), "value", "Geary's C")?;
    let s0 = w.s0();
    if s0 == 0.0 {
        return Err(Error::div_zero("the weights have no links among these units (S0 = 0)"));
    }
    let (s1, s2) = w.s1_s2();
    let mut num = NeumaierSum::new();
    for i in 0..n {
        let (c, v) = w.row(i);
        for (&j, &wij) in c.iter().zip(v) {
            // (x_i - x_j) f: the scaled deviations' difference when scaled,
            // the exact difference of the values otherwise (as before)
            let d = if f == 1.0 { x[i] - x[j] } else { z[i] - z[j] };
            num.add(wij * d * d);
        }
    }
    let c = (nf - 1.0) * num.value() / (2.0 * s0 * z2);
    let s02 = s0 * s0;
    let v_norm = ((2.0 * s1 + s2) * (nf - 1.0) - 4.0 * s02) / (2.0 * (nf + 1.0) * s02);
    let z_norm = (c - 1.0) / v_norm.sqrt();
    let (variance_rand, z_rand, p_rand) = if n >= 4 {
        let k = (sum(z.iter().map(|v| v.powi(4))) / nf) / (z2 / nf).powi(2);
        let n2 = nf * nf;
        let a = (nf - 1.0) * s1 * (n2 - 3.0 * nf + 3.0 - (nf - 1.0) * k);
        let b = 0.25 * ((nf - 1.0) * s2 * (n2 + 3.0 * nf - 6.0 - (n2 - nf + 2.0) * k));
        let cc = s02 * (n2 - 3.0 - (nf - 1.0).powi(2) * k);
        let v = (a - b + cc) / (nf * (nf - 2.0) * (nf - 3.0) * s02);
        let zr = (c - 1.0) / v.sqrt();
        (Some(v), Some(zr), Some(p_two_sided(zr)))
    } else {
        (None, None, None)
    };
    Ok(Geary {
        n,
        c,
        expected: 1.0,
        variance_norm: v_norm,
        z_norm,
        p_norm: p_two_sided(z_norm),
        variance_rand,
        z_rand,
        p_rand,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_line() {
        // x = 1, 2, 3, 4 on a line: sum w (xi - xj)^2 = 6 links * 1 = 6, S0 = 6,
        // sum z^2 = 5: C = 3 * 6 / (2 * 6 * 5) = 0.3
        let ids = [0, 1, 2, 3];
        let t = [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0), (3, 2, 1.0)];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let g = geary(&w, &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((g.c - 0.3).abs() < 1e-15);
        assert!(g.z_norm < 0.0);
        assert!(geary(&w, &[1.0; 4]).is_err());
    }

    #[test]
    fn extreme_magnitudes_give_the_same_c() {
        let n = 10i64;
        let ids: Vec<i64> = (0..n).collect();
        let mut t = Vec::new();
        for i in 0..n - 1 {
            t.push((i, i + 1, 1.0));
            t.push((i + 1, i, 1.0));
        }
        let w = Weights::from_triples(&ids, &t).unwrap();
        let x: Vec<f64> = (0..n).map(|i| ((i * 3) % 7) as f64 - 2.0).collect();
        let base = geary(&w, &x).unwrap();
        for c in [1e300, 1.7e308 / 5.0, 1e-300, 1e-310] {
            let g = geary(&w, &x.iter().map(|v| v * c).collect::<Vec<_>>()).unwrap();
            for (a, b) in [(g.c, base.c), (g.z_norm, base.z_norm), (g.z_rand.unwrap(), base.z_rand.unwrap())] {
                assert!(a.is_finite() && (a - b).abs() < 1e-12 * b.abs().max(1.0), "{c}: {a} vs {b}");
            }
        }
    }
}
