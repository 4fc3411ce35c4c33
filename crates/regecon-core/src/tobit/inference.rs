//! What Stata prints after `tobit` / `xttobit` besides the coefficient
//! table: the Wald test of the slopes, confidence intervals, and
//! predictions for new rows.
//!
//! Predictions of the two-limit Tobit at a row x (u_i = 0 for random
//! effects, the unit effect passed as `offset` for fixed effects), with
//! sigma = sigma_e, a = (lower - xb)/sigma, b = (upper - xb)/sigma
//! (a = -inf, b = +inf for an absent bound), phi and Phi the standard normal
//! density and distribution:
//!
//! ```text
//! xb             = x' beta + offset
//! e_ystar        = E[y*]                     = xb
//! pr_uncensored  = P(lower < y* < upper)     = Phi(b) - Phi(a)
//! e_truncated    = E[y | lower < y < upper]  = xb + sigma (phi(a) - phi(b)) / (Phi(b) - Phi(a))
//! e_censored     = E[y], y = max(lower, min(upper, y*))
//!                = Phi(a) lower + (1 - Phi(b)) upper + (Phi(b) - Phi(a)) xb + sigma (phi(a) - phi(b))
//! ```
//!
//! (terms of an absent bound are 0). Stata's `predict, ystar(a,b)` is our
//! `e_censored`, `e(a,b)` our `e_truncated`, `pr(a,b)` our `pr_uncensored`.

use super::effects::chi2_sf;
use super::normal::{cdf, ln_cdf_and_mills, ln_pdf, quantile};
use super::{Fit, INTERCEPT};
use crate::error::{Error, Result};
use crate::linalg::Cholesky;

/// Predictions at one row (see the module docs for the formulas).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    pub xb: f64,
    /// E[y], y censored at the bounds.
    pub e_censored: f64,
    /// E[y | lower < y < upper]; `None` when that probability underflows to 0.
    pub e_truncated: Option<f64>,
    pub pr_uncensored: f64,
    /// E[y*], the latent mean (= xb).
    pub e_ystar: f64,
}

pub(crate) fn pdf(x: f64) -> f64 {
    if x.is_finite() {
        ln_pdf(x).exp()
    } else {
        0.0
    }
}

/// z^m phi(z), 0 at infinite z.
pub(crate) fn zpdf(z: f64, m: i32) -> f64 {
    if z.is_finite() {
        z.powi(m) * pdf(z)
    } else {
        0.0
    }
}

/// Phi(b) - Phi(a) for a < b (infinite allowed), from the tail that keeps
/// its precision.
pub(crate) fn prob_between(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        cdf(-a) - if b.is_finite() { cdf(-b) } else { 0.0 }
    } else {
        (if b.is_finite() { cdf(b) } else { 1.0 }) - if a.is_finite() { cdf(a) } else { 0.0 }
    }
}

/// Refuses a fit that has no covariance (a failed fit), with its message.
pub(crate) fn require_vcov(fit: &Fit) -> Result<()> {
    if fit.has_vcov() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "the fit failed ({}): it has no {}",
        fit.message.as_deref().unwrap_or("no estimates"),
        if fit.has_estimates() { "covariance" } else { "estimates" }
    )))
}

impl Fit {
    /// Wald chi2 of all slopes (every term but `_cons` and the omitted
    /// ones) being 0: b' V^-1 b with V their block of `vcov`, or of
    /// `robust_vcov` when `robust`; returns (chi2, df, p) with p from the
    /// chi-square survival function. `None` when undefined: no slope, no
    /// covariance (a failed fit, or the robust one of a single cluster), or
    /// a singular block.
    pub fn wald(&self, robust: bool) -> Option<(f64, usize, f64)> {
        if !self.has_vcov() {
            return None;
        }
        let v = if robust { &self.robust_vcov } else { &self.vcov };
        let p = self.p();
        if v.len() != p * p {
            return None;
        }
        let idx: Vec<usize> =
            (0..self.beta.len()).filter(|&j| self.names[j] != INTERCEPT && !self.is_omitted(j)).collect();
        let m = idx.len();
        if m == 0 {
            return None;
        }
        let block: Vec<f64> = idx.iter().flat_map(|&a| idx.iter().map(move |&b| v[a * p + b])).collect();
        let b: Vec<f64> = idx.iter().map(|&j| self.beta[j]).collect();
        let sol = Cholesky::new(&block, m, &[]).ok()?.solve(&b);
        let chi2: f64 = b.iter().zip(&sol).map(|(x, y)| x * y).sum();
        (chi2.is_finite() && chi2 >= 0.0).then(|| (chi2, m, chi2_sf(chi2, m as f64)))
    }

    /// Normal-theory confidence intervals b_j -/+ z se_j, z = Phi^{-1}(1 -
    /// (1 - level/100)/2), one per term; `None` for an omitted term.
    /// `level` is in percent as Stata's `level(95)`: strictly between 0 and
    /// 100 (22023 otherwise). Errors (22023) also for a fit without
    /// covariance and for `robust` when the robust covariance is undefined.
    pub fn conf_int(&self, level: f64, robust: bool) -> Result<Vec<Option<(f64, f64)>>> {
        if !(level > 0.0 && level < 100.0) {
            return Err(Error::invalid(format!(
                "level must be a percentage strictly between 0 and 100, got {}",
                crate::error::sql_float(level)
            )));
        }
        require_vcov(self)?;
        let se = self.std_errors_opt(robust).ok_or_else(|| {
            Error::invalid("the cluster-robust covariance is undefined for this fit (a single unit): use vce => 'oim'")
        })?;
        let z =
            quantile(1.0 - (1.0 - level / 100.0) / 2.0).ok_or_else(|| Error::invalid("level is too close to 100"))?;
        se.iter()
            .zip(&self.beta)
            .map(|(s, b)| match s {
                Some(s) => {
                    let (lo, hi) = (b - z * s, b + z * s);
                    crate::error::finite_result(lo, "a confidence limit")?;
                    crate::error::finite_result(hi, "a confidence limit")?;
                    Ok(Some((lo, hi)))
                }
                None => Ok(None),
            })
            .collect()
    }

    /// Predictions at a new row (see the module docs). `x` has either one
    /// value per term of `names` (in that order; the value at `_cons` is
    /// ignored and taken as 1) or one per term other than `_cons` (in the
    /// order of `names`). `offset` is added to x'beta (a fixed-effects unit
    /// effect, e.g. `offset_mean`; 0 otherwise). Errors (22023): a fit
    /// without estimates, a wrong length, non-finite values, bounds not
    /// finite or not ordered; 22003 when a prediction overflows.
    pub fn predict(&self, x: &[f64], offset: f64, lower: Option<f64>, upper: Option<f64>) -> Result<Prediction> {
        if !self.has_estimates() || self.beta.len() != self.names.len() {
            return Err(Error::invalid(format!(
                "the fit failed ({}): it has no estimates",
                self.message.as_deref().unwrap_or("no estimates")
            )));
        }
        super::validate_bounds(lower, upper)?;
        crate::error::finite(offset, "offset")?;
        let k = self.beta.len();
        let cons = self.names.iter().position(|n| n == INTERCEPT);
        let full = x.len() == k;
        if !(full || (cons.is_some() && x.len() + 1 == k)) {
            return Err(Error::invalid(format!(
                "x has {} values for {} terms: give one per term, or one per term other than {INTERCEPT}",
                x.len(),
                k
            )));
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            crate::error::finite(x[i], &format!("x[{}]", i + 1))?;
        }
        let mut it = x.iter();
        let mut xb = offset;
        for j in 0..k {
            let v = if Some(j) == cons {
                if full {
                    it.next();
                }
                1.0
            } else {
                *it.next().unwrap_or(&0.0)
            };
            xb += self.beta[j] * v;
        }
        crate::error::finite_result(xb, "the linear prediction")?;
        let s = self.sigma_e;
        let a = lower.map_or(f64::NEG_INFINITY, |l| (l - xb) / s);
        let b = upper.map_or(f64::INFINITY, |u| (u - xb) / s);
        let phi_a = if a.is_finite() { cdf(a) } else { 0.0 };
        let q_b = if b.is_finite() { cdf(-b) } else { 0.0 }; // 1 - Phi(b)
        let pr = prob_between(a, b);
        let d = pdf(a) - pdf(b);
        // E[y | inside]: one-bound cases through the Mills ratio (stable far
        // in the tail), two bounds from the difference
        let e_trunc = match (lower, upper) {
            (None, None) => Some(xb),
            (Some(_), None) => Some(xb + s * ln_cdf_and_mills(-a).1),
            (None, Some(_)) => Some(xb - s * ln_cdf_and_mills(b).1),
            (Some(l), Some(u)) => (pr > 0.0).then(|| (xb + s * d / pr).clamp(l, u)),
        };
        let mut e_cens = pr * xb + s * d;
        if let Some(l) = lower {
            e_cens += phi_a * l;
        }
        if let Some(u) = upper {
            e_cens += q_b * u;
        }
        let e_trunc = match e_trunc {
            Some(v) if v.is_finite() => Some(v),
            Some(_) => return Err(Error::out_of_range("the truncated mean overflows")),
            None => None,
        };
        crate::error::finite_result(e_cens, "the censored mean")?;
        Ok(Prediction { xb, e_censored: e_cens, e_truncated: e_trunc, pr_uncensored: pr, e_ystar: xb })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Fit, Model};
    use super::*;

    fn fit() -> Fit {
        // _cons 1, x 2, z 0.5; sigma 2; vcov diag (0.04, 0.09, 0.01, ln sigma 0.01), x-z covariance 0.005
        let p = 4;
        let mut vcov = vec![0.0; 16];
        for (a, v) in [0.04, 0.09, 0.01, 0.01].iter().enumerate() {
            vcov[a * p + a] = *v;
        }
        vcov[p + 2] = 0.005; // (1, 2)
        vcov[2 * p + 1] = 0.005;
        Fit {
            model: Model::Pooled,
            names: vec!["_cons".into(), "x".into(), "z".into()],
            beta: vec![1.0, 2.0, 0.5],
            sigma_e: 2.0,
            sigma_u: None,
            robust_vcov: Vec::new(),
            vcov,
            log_likelihood: -10.0,
            pooled_log_likelihood: None,
            iterations: 3,
            converged: true,
            n: 50,
            n_left: 10,
            n_uncensored: 40,
            n_right: 0,
            n_units: 50,
            dropped_units: 0,
            n_params: 4,
            x_means: vec![1.0, 0.5, 0.2],
            offset_mean: 0.0,
            quadrature: None,
            omitted: vec![false; 3],
            message: None,
            obs_per_unit: (1, 1.0, 1),
        }
    }

    /// b = (2, 0.5), V = [[0.09, 0.005], [0.005, 0.01]]: b' V^-1 b by hand.
    #[test]
    fn wald_by_hand() {
        let f = fit();
        let det = 0.09 * 0.01 - 0.005 * 0.005;
        let want = (0.01 * 4.0 - 2.0 * 0.005 * 2.0 * 0.5 + 0.09 * 0.25) / det;
        let (chi2, df, p) = f.wald(false).unwrap();
        assert!((chi2 - want).abs() < 1e-12 * want, "{chi2} vs {want}");
        assert_eq!(df, 2);
        assert!((p - (-want / 2.0f64).exp()).abs() < 1e-15);
        assert!(f.wald(true).is_none()); // no robust covariance
                                         // an omitted slope leaves the test
        let mut g = f.clone();
        g.omitted[2] = true;
        g.beta[2] = 0.0;
        for c in 0..4 {
            g.vcov[2 * 4 + c] = 0.0;
            g.vcov[c * 4 + 2] = 0.0;
        }
        let (chi2, df, _) = g.wald(false).unwrap();
        assert!(df == 1 && (chi2 - 4.0 / 0.09).abs() < 1e-12);
    }

    #[test]
    fn confidence_intervals() {
        let f = fit();
        let ci = f.conf_int(95.0, false).unwrap();
        let z = 1.9599639845400536;
        let (lo, hi) = ci[1].unwrap();
        assert!((lo - (2.0 - z * 0.3)).abs() < 1e-14 && (hi - (2.0 + z * 0.3)).abs() < 1e-14);
        let mut g = f.clone();
        g.omitted[2] = true;
        g.beta[2] = 0.0;
        g.vcov[2 * 4 + 2] = 0.0;
        g.vcov[4 + 2] = 0.0; // (1, 2)
        g.vcov[2 * 4 + 1] = 0.0;
        assert!(g.conf_int(90.0, false).unwrap()[2].is_none());
        for bad in [0.0, 100.0, 0.95 - 1.0, f64::NAN, 150.0] {
            assert_eq!(f.conf_int(bad, false).unwrap_err().kind, crate::ErrorKind::InvalidParameter);
        }
        assert!(f.conf_int(95.0, true).is_err()); // no robust covariance
    }

    #[test]
    fn predictions_by_hand() {
        let f = fit();
        // x = 0.5, z = 2: xb = 1 + 1 + 1 = 3; lower 0: a = -1.5
        let p = f.predict(&[0.5, 2.0], 0.0, Some(0.0), None).unwrap();
        assert_eq!(p, f.predict(&[1.0, 0.5, 2.0], 0.0, Some(0.0), None).unwrap());
        let (big, dens) = (cdf(1.5), pdf(1.5));
        assert!((p.xb - 3.0).abs() < 1e-15 && p.e_ystar == p.xb);
        assert!((p.pr_uncensored - big).abs() < 1e-15);
        assert!((p.e_truncated.unwrap() - (3.0 + 2.0 * dens / big)).abs() < 1e-14);
        assert!((p.e_censored - (big * 3.0 + 2.0 * dens)).abs() < 1e-14);
        // both bounds: E[y] = P(inside) E[y | inside] + the bounds' masses
        let q = f.predict(&[0.5, 2.0], 0.25, Some(0.0), Some(4.0)).unwrap();
        let (a, b) = ((0.0 - 3.25) / 2.0, (4.0 - 3.25) / 2.0);
        let inside = cdf(b) - cdf(a);
        assert!((q.pr_uncensored - inside).abs() < 1e-15);
        let want = inside * q.e_truncated.unwrap() + (1.0 - cdf(b)) * 4.0;
        assert!((q.e_censored - want).abs() < 1e-13, "{} vs {want}", q.e_censored);
        // no bounds: everything is xb
        let r = f.predict(&[0.5, 2.0], 0.0, None, None).unwrap();
        assert!(r.pr_uncensored == 1.0 && r.e_censored == 3.0 && r.e_truncated == Some(3.0));
        // far beyond the lower bound: tiny probability, truncated mean just above it
        let t = f.predict(&[-30.0, 0.0], 0.0, Some(0.0), None).unwrap();
        assert!(t.pr_uncensored > 0.0 && t.pr_uncensored < 1e-40);
        assert!(t.e_truncated.unwrap() > 0.0 && t.e_truncated.unwrap() < 0.2, "{:?}", t);
        assert!(t.e_censored >= 0.0 && t.e_censored < 1e-40);
        // errors
        assert!(f.predict(&[1.0], 0.0, None, None).is_err());
        assert!(f.predict(&[f64::NAN, 1.0], 0.0, None, None).is_err());
        assert!(f.predict(&[1.0, 1.0], 0.0, Some(1.0), Some(0.0)).is_err());
    }
}
