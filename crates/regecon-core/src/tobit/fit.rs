//! A fitted Tobit, whichever the model ([`Fit`]): its checks, standard
//! errors, rho, LR test and information criteria, and the pieces the three
//! models share to build one (covariance from the information, failed fits).

use super::panel;
use super::{check_names, newton, random, Model, INTERCEPT};
use crate::error::{Error, Result};

/// How far a covariance given with a fit may be from symmetric, relative to
/// the size of its elements (rounding in a stored or hand-made fit).
pub const SYMMETRY_TOLERANCE: f64 = 1e-9;

/// A fitted Tobit, whichever the model.
#[derive(Debug, Clone)]
pub struct Fit {
    pub model: Model,
    /// Names of the coefficients, the intercept `_cons` first when included.
    pub names: Vec<String>,
    pub beta: Vec<f64>,
    pub sigma_e: f64,
    /// Random effects only.
    pub sigma_u: Option<f64>,
    /// Covariance of (beta, ln sigma_e[, ln sigma_u]) from the observed
    /// information, row-major.
    pub vcov: Vec<f64>,
    /// Cluster-robust (by unit) covariance of the same parameters, with the
    /// small-sample factor G / (G - 1) of Stata's `vce(cluster)`.
    pub robust_vcov: Vec<f64>,
    pub log_likelihood: f64,
    /// Random effects: the pooled fit's log-likelihood (the LR test's null).
    pub pooled_log_likelihood: Option<f64>,
    pub iterations: usize,
    pub converged: bool,
    pub n: usize,
    pub n_left: usize,
    pub n_uncensored: usize,
    pub n_right: usize,
    pub n_units: usize,
    /// Fixed effects: units dropped because all their rows are censored at
    /// the same bound.
    pub dropped_units: usize,
    /// Number of estimated parameters (with the unit effects for FE), for
    /// AIC and BIC.
    pub n_params: usize,
    /// Means of the regressors over the rows used (1 for `_cons`).
    pub x_means: Vec<f64>,
    /// Fixed effects: the mean fitted unit effect over the rows used; 0 otherwise.
    pub offset_mean: f64,
    pub quadrature: Option<(random::Quadrature, usize)>,
    /// Terms omitted because of collinearity (see [`collinear`](super::collinear)), aligned
    /// with `names`: such a term's estimate is 0 and its rows and columns of
    /// `vcov` and `robust_vcov` are 0 (so every shape stays k or p x p); its
    /// standard error is undefined ([`Fit::std_errors_opt`] gives `None`).
    /// Empty means no term is omitted (a fit rebuilt by hand).
    pub omitted: Vec<bool>,
    /// Why the fit is not usable as it stands, `None` for a converged fit
    /// with its covariance. Set with `converged = false` for a numerical
    /// failure: see [`fit`](fn@super::fit) for what a failed fit holds.
    pub message: Option<String>,
    /// Observations per unit over the units used: (min, mean, max);
    /// (0, 0, 0) without units.
    pub obs_per_unit: (usize, f64, usize),
}

impl Fit {
    /// What every model reads the same way off a Newton outcome on the whole
    /// panel (theta = beta, ln sigma_e, ...): the models override the rest.
    pub(super) fn from_outcome(
        model: Model,
        panel: &panel::Panel,
        out: &newton::Outcome,
        vcov: Vec<f64>,
        robust_vcov: Vec<f64>,
    ) -> Fit {
        let k = panel.k;
        let (n_left, n_uncensored, n_right) = panel.counts();
        Fit {
            model,
            names: panel.names.clone(),
            beta: out.theta[..k].to_vec(),
            sigma_e: out.theta[k].exp(),
            sigma_u: None,
            vcov,
            robust_vcov,
            log_likelihood: out.log_likelihood,
            pooled_log_likelihood: None,
            iterations: out.iterations,
            converged: out.converged,
            n: panel.n(),
            n_left,
            n_uncensored,
            n_right,
            n_units: panel.n_units(),
            dropped_units: 0,
            n_params: out.theta.len(),
            x_means: panel.x_means(),
            offset_mean: 0.0,
            quadrature: None,
            omitted: vec![false; k],
            message: (!out.converged).then(|| not_converged(out.iterations)),
            obs_per_unit: obs_per_unit(panel, None),
        }
    }

    /// Checks everything the accessors (coefficients, marginal effects,
    /// Hausman) rely on, for a Fit rebuilt from a user-supplied value that
    /// may be hand-made: errors are 22023 "fit is inconsistent: ...".
    ///
    /// - `names`, `beta` and `x_means` have the same length k; `vcov` and
    ///   `robust_vcov` are p x p with p = k + 1 (+ 1 for random effects);
    /// - every number is finite; both covariances are symmetric (to a
    ///   relative [`SYMMETRY_TOLERANCE`]) with a non-negative diagonal;
    /// - sigma_e > 0; sigma_u is present exactly for random effects, >= 0;
    /// - term names are non-empty and unique; `_cons` is a term (with
    ///   x mean 1) of pooled and random-effects fits, at any position (first
    ///   as [`fit`](fn@super::fit) produces them, last in SQL's display order), and absent
    ///   from fixed-effects fits;
    /// - n_left + n_uncensored + n_right = n.
    ///
    /// - `omitted` is empty or has one flag per term; an omitted term has
    ///   estimate 0 and variance 0;
    /// - a fit whose information was singular (`message` set) may have
    ///   empty covariances; a failed fit without estimates
    ///   ([`Fit::has_estimates`] false: sigma_e 0) must have a message, no
    ///   estimates, no covariances and no sigma_u, and is checked for its
    ///   names, x_means and counts only.
    ///
    /// The bounds are not part of a Fit: check them with [`validate_bounds`](super::validate_bounds).
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::invalid(format!("fit is inconsistent: {m}")));
        let omitted_len_ok = self.omitted.is_empty() || self.omitted.len() == self.names.len();
        if !omitted_len_ok && !self.has_estimates() {
            return bad(format!("{} omitted flags for {} terms", self.omitted.len(), self.names.len()));
        }
        if !self.has_estimates() {
            if self.message.is_none() {
                return bad("sigma_e is 0 but the fit has no message saying why it failed".into());
            }
            if !(self.beta.is_empty() && self.vcov.is_empty() && self.robust_vcov.is_empty() && self.sigma_u.is_none())
            {
                return bad("a failed fit (sigma_e 0) must have no estimates, covariances or sigma_u".into());
            }
            if self.x_means.len() != self.names.len() {
                return bad(format!(
                    "{} terms and {} x_means (they must have the same length)",
                    self.names.len(),
                    self.x_means.len()
                ));
            }
            if let Some(i) = self.x_means.iter().position(|x| !x.is_finite()) {
                return bad(format!("x_means[{}] is {}", i + 1, crate::error::sql_float(self.x_means[i])));
            }
            check_names(&self.names.iter().filter(|n| n.as_str() != INTERCEPT).cloned().collect::<Vec<_>>(), "terms")
                .or_else(|e| bad(e.message))?;
            if self.n_left.checked_add(self.n_uncensored).and_then(|s| s.checked_add(self.n_right)) != Some(self.n) {
                return bad(format!("n_left + n_uncensored + n_right must equal n_obs ({})", self.n));
            }
            return Ok(());
        }
        let k = self.beta.len();
        if self.names.len() != k || self.x_means.len() != k {
            return bad(format!(
                "{} terms, {} estimates and {} x_means (they must have the same length)",
                self.names.len(),
                k,
                self.x_means.len()
            ));
        }
        let is_re = self.model == Model::RandomEffects;
        if self.sigma_u.is_some() != is_re {
            return bad(format!(
                "sigma_u is {} for a {} model (it belongs to random effects only)",
                if self.sigma_u.is_some() { "set" } else { "missing" },
                self.model.name()
            ));
        }
        let p = self.p();
        let pp = p.saturating_mul(p);
        for (name, v) in [("vcov", &self.vcov), ("robust_vcov", &self.robust_vcov)] {
            if (name == "robust_vcov" || self.message.is_some()) && v.is_empty() {
                continue; // undefined (a single cluster, a singular information): allowed
            }
            if v.len() != pp {
                return bad(format!("{name} has {} elements, expected {p} x {p} for {k} estimates", v.len()));
            }
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return bad(format!("{name}[{}] is {}", i + 1, crate::error::sql_float(v[i])));
            }
            for a in 0..p {
                let d = v[a * p + a];
                if d < 0.0 {
                    return bad(format!("{name} has a negative variance on its diagonal (element {})", a + 1));
                }
                for b in 0..a {
                    let (x, y) = (v[a * p + b], v[b * p + a]);
                    let size = x.abs().max(y.abs()).max((d * v[b * p + b]).sqrt());
                    if (x - y).abs() > SYMMETRY_TOLERANCE * size {
                        return bad(format!(
                            "{name} is not symmetric (elements ({}, {}) and ({}, {}))",
                            a + 1,
                            b + 1,
                            b + 1,
                            a + 1
                        ));
                    }
                }
            }
        }
        for (name, v) in [("estimates", &self.beta), ("x_means", &self.x_means)] {
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                return bad(format!("{name}[{}] is {}", i + 1, crate::error::sql_float(v[i])));
            }
        }
        if !(self.sigma_e.is_finite() && self.sigma_e > 0.0) {
            return bad(format!("sigma_e must be positive and finite, got {}", crate::error::sql_float(self.sigma_e)));
        }
        if let Some(u) = self.sigma_u {
            if !(u.is_finite() && u >= 0.0) {
                return bad(format!("sigma_u must be non-negative and finite, got {}", crate::error::sql_float(u)));
            }
        }
        for (name, v) in [
            ("log_likelihood", Some(self.log_likelihood)),
            ("offset_mean", Some(self.offset_mean)),
            ("pooled_log_likelihood", self.pooled_log_likelihood),
        ] {
            if let Some(v) = v.filter(|v| !v.is_finite()) {
                return bad(format!("{name} is {}", crate::error::sql_float(v)));
            }
        }
        // `_cons` exactly once for pooled and random effects (first as `fit`
        // produces it, last in SQL's display order: any position), never for
        // fixed effects
        let cons: Vec<usize> =
            self.names.iter().enumerate().filter(|(_, n)| n.as_str() == INTERCEPT).map(|(j, _)| j).collect();
        let slopes: Vec<String> = if self.model == Model::FixedEffects {
            self.names.clone()
        } else {
            let [j] = cons[..] else {
                return bad(format!(
                    "a {} fit must have the intercept {INTERCEPT} exactly once among its terms",
                    self.model.name()
                ));
            };
            if self.x_means[j] != 1.0 {
                return bad(format!("the x mean of {INTERCEPT} must be 1, got {}", self.x_means[j]));
            }
            self.names.iter().filter(|n| n.as_str() != INTERCEPT).cloned().collect()
        };
        check_names(&slopes, "terms").or_else(|e| bad(e.message))?;
        if !omitted_len_ok {
            return bad(format!("{} omitted flags for {} terms", self.omitted.len(), self.names.len()));
        }
        for (j, _) in self.omitted.iter().enumerate().filter(|(_, o)| **o) {
            let p = self.p();
            let zero_var = |v: &Vec<f64>| v.is_empty() || v[j * p + j] == 0.0;
            if self.beta[j] != 0.0 || !zero_var(&self.vcov) || !zero_var(&self.robust_vcov) {
                return bad(format!("the omitted term {} must have estimate 0 and variance 0", self.names[j]));
            }
        }
        let total = self.n_left.checked_add(self.n_uncensored).and_then(|s| s.checked_add(self.n_right));
        if total != Some(self.n) {
            return bad(format!(
                "n_left ({}) + n_uncensored ({}) + n_right ({}) must equal n_obs ({})",
                self.n_left, self.n_uncensored, self.n_right, self.n
            ));
        }
        Ok(())
    }

    /// Whether the fit has estimates (false for a fit that failed before
    /// any, see [`fit`](fn@super::fit): then sigma_e is 0 and beta empty).
    pub fn has_estimates(&self) -> bool {
        !self.beta.is_empty() || self.sigma_e > 0.0
    }
    /// Whether the fit has estimates and a covariance (false also when the
    /// information matrix was singular at the estimate).
    pub fn has_vcov(&self) -> bool {
        self.has_estimates() && self.vcov.len() == self.p() * self.p()
    }
    /// Whether term j was omitted because of collinearity.
    pub fn is_omitted(&self, j: usize) -> bool {
        self.omitted.get(j).copied().unwrap_or(false)
    }
    /// Standard errors of the estimates, `None` for an omitted term; `None`
    /// overall when the covariance asked for is undefined (no covariance, a
    /// single cluster for the robust one). The one to show.
    pub fn std_errors_opt(&self, robust: bool) -> Option<Vec<Option<f64>>> {
        let se = self.std_errors_checked(robust)?;
        Some(se.into_iter().enumerate().map(|(j, s)| (!self.is_omitted(j) && s.is_finite()).then_some(s)).collect())
    }
    /// Standard error of sigma_e, `None` without a covariance.
    pub fn se_sigma_e_opt(&self) -> Option<f64> {
        self.has_vcov().then(|| self.se_sigma_e())
    }

    /// Number of parameters in `vcov`.
    pub fn p(&self) -> usize {
        self.beta.len() + 1 + self.sigma_u.is_some() as usize
    }
    /// Standard errors of beta, cluster-robust when `robust`.
    /// Standard errors of the estimates, NaN where undefined (see
    /// [`Fit::std_errors_checked`]).
    pub fn std_errors(&self, robust: bool) -> Vec<f64> {
        self.std_errors_checked(robust).unwrap_or_else(|| vec![f64::NAN; self.beta.len()])
    }

    /// Standard errors of the estimates: from the observed information, or
    /// cluster-robust; `None` when the cluster-robust covariance is
    /// undefined (a single cluster).
    /// (An omitted term's is 0 here: see [`Fit::std_errors_opt`].)
    pub fn std_errors_checked(&self, robust: bool) -> Option<Vec<f64>> {
        let v = if robust { &self.robust_vcov } else { &self.vcov };
        let p = self.p();
        (v.len() == p * p && self.has_estimates()).then(|| (0..self.beta.len()).map(|j| v[j * p + j].sqrt()).collect())
    }
    /// Standard error of sigma_e (delta method from ln sigma_e).
    /// NaN without a covariance (see [`Fit::se_sigma_e_opt`]).
    pub fn se_sigma_e(&self) -> f64 {
        let p = self.p();
        let j = self.beta.len();
        if self.vcov.len() != p * p {
            return f64::NAN;
        }
        self.sigma_e * self.vcov[j * p + j].sqrt()
    }
    /// Standard error of sigma_u (None at the boundary sigma_u = 0).
    pub fn se_sigma_u(&self) -> Option<f64> {
        let p = self.p();
        if self.vcov.len() != p * p {
            return None;
        }
        self.sigma_u.filter(|s| *s > 0.0).map(|s| s * self.vcov[p * p - 1].sqrt())
    }
    /// rho = sigma_u^2 / (sigma_u^2 + sigma_e^2), the share of the error
    /// variance due to the unit effect.
    pub fn rho(&self) -> Option<f64> {
        self.sigma_u.map(|u| u * u / (u * u + self.sigma_e * self.sigma_e))
    }
    /// LR test of sigma_u = 0 against the pooled model: chibar2 = 2 (l_re -
    /// l_pooled), clamped at 0, and its p-value 0.5 P(chi2(1) > chibar2)
    /// (the null is on the boundary; Stata's "chibar2(01)"), 1 when chibar2 = 0.
    pub fn lr_test(&self) -> Option<(f64, f64)> {
        let l0 = self.pooled_log_likelihood?;
        let c = (2.0 * (self.log_likelihood - l0)).max(0.0);
        // P(chibar2 >= 0) = 1: the half mass at 0 counts when c = 0
        Some((c, if c > 0.0 { 0.5 * libm::erfc((c / 2.0).sqrt()) } else { 1.0 }))
    }
    pub fn aic(&self) -> f64 {
        -2.0 * self.log_likelihood + 2.0 * self.n_params as f64
    }
    pub fn bic(&self) -> f64 {
        -2.0 * self.log_likelihood + self.n_params as f64 * (self.n as f64).ln()
    }
}

/// The covariance of the estimates: the inverse of the information matrix.
pub(super) fn covariance(information: &[f64], p: usize, singular: &str) -> Result<Vec<f64>> {
    Ok(crate::linalg::Cholesky::new(information, p, &[]).map_err(|_| Error::invalid(singular))?.inverse())
}

/// The message when the information matrix cannot be inverted.
pub(super) const SINGULAR: &str = "the information matrix is singular at the estimate: standard errors are undefined";

/// The message of a fit stopped by the iteration limit.
pub(super) fn not_converged(iterations: usize) -> String {
    format!("the maximisation did not converge within {iterations} iterations")
}

/// Observations per unit over `units` (indices into the panel's units; all
/// when `None`): (min, mean, max), (0, 0, 0) without units.
pub fn obs_per_unit(panel: &panel::Panel, units: Option<&[usize]>) -> (usize, f64, usize) {
    let lens: Vec<usize> = match units {
        Some(u) => u.iter().map(|&g| panel.rows(g).len()).collect(),
        None => (0..panel.n_units()).map(|g| panel.rows(g).len()).collect(),
    };
    match (lens.iter().min(), lens.iter().max()) {
        (Some(&lo), Some(&hi)) => (lo, lens.iter().sum::<usize>() as f64 / lens.len() as f64, hi),
        _ => (0, 0.0, 0),
    }
}

/// The covariance, or when the information matrix is singular empty
/// covariances and the message saying so.
pub(super) fn covariance_or_message(information: &[f64], p: usize, singular: &str) -> (Vec<f64>, Option<String>) {
    match covariance(information, p, singular) {
        Ok(v) => (v, None),
        Err(e) => (Vec::new(), Some(e.message)),
    }
}

/// A fit that failed numerically before any estimate existed (see [`fit`](fn@super::fit)).
pub(super) fn failed_fit(
    model: Model,
    panel: &panel::Panel,
    omitted: Vec<bool>,
    message: String,
    quadrature: Option<(random::Quadrature, usize)>,
) -> Fit {
    let (n_left, n_uncensored, n_right) = panel.counts();
    Fit {
        model,
        names: panel.names.clone(),
        beta: Vec::new(),
        sigma_e: 0.0,
        sigma_u: None,
        vcov: Vec::new(),
        robust_vcov: Vec::new(),
        log_likelihood: 0.0,
        pooled_log_likelihood: None,
        iterations: 0,
        converged: false,
        n: panel.n(),
        n_left,
        n_uncensored,
        n_right,
        n_units: panel.n_units(),
        dropped_units: 0,
        n_params: 0,
        x_means: panel.x_means(),
        offset_mean: 0.0,
        quadrature,
        omitted,
        message: Some(message),
        obs_per_unit: obs_per_unit(panel, None),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::tobit::{effects, fit, validate_bounds, Rows, Settings, Spec};

    /// A converged fit of a small panel (shared with the tests of mod.rs).
    pub(in crate::tobit) fn real_fit(model: Model) -> Fit {
        let y = [0.0, 1.5, 4.0, 2.2, 0.0, 3.1, 4.0, 0.7, 2.9, 0.0, 1.1, 2.0];
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7, 3.0, 0.5, 1.9, -1.0, 0.2, 1.4];
        let units: Vec<i64> = (0..12).map(|i| i / 3).collect();
        let spec =
            Spec { lower: Some(0.0), upper: None, model, names: vec!["x".into()], quadrature: None, points: None };
        let mut r = Rows::default();
        for i in 0..12 {
            r.add(y[i], &[x[i]], units[i], &spec).unwrap();
        }
        fit(&r, Settings::default(), None, &mut || {}).unwrap()
    }

    #[test]
    fn validate_accepts_real_fits_and_refuses_inconsistent_ones() {
        for model in [Model::Pooled, Model::RandomEffects, Model::FixedEffects] {
            let f = real_fit(model);
            f.validate().unwrap();
            effects::marginal_effects(&f, Some(0.0), None, true).unwrap();
        }
        let f = real_fit(Model::Pooled);
        let refused = |g: &dyn Fn(&mut Fit), what: &str| {
            let mut h = f.clone();
            g(&mut h);
            let e = h.validate().unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::InvalidParameter);
            assert!(e.message.starts_with("fit is inconsistent") && e.message.contains(what), "{what}: {}", e.message);
        };
        refused(
            &|h| {
                h.beta.push(1.0);
            },
            "estimates",
        );
        refused(
            &|h| {
                h.x_means.pop();
            },
            "x_means",
        );
        refused(
            &|h| {
                h.vcov.pop();
            },
            "vcov has",
        );
        refused(
            &|h| {
                h.robust_vcov.push(0.0);
            },
            "robust_vcov has",
        );
        refused(
            &|h| {
                h.vcov[1] += 1.0;
            },
            "not symmetric",
        );
        refused(
            &|h| {
                h.vcov[0] = -1.0;
            },
            "negative variance",
        );
        refused(
            &|h| {
                h.robust_vcov[2] = f64::NAN;
            },
            "robust_vcov[3] is NaN",
        );
        refused(
            &|h| {
                h.beta[1] = f64::INFINITY;
            },
            "estimates[2]",
        );
        refused(
            &|h| {
                h.sigma_e = 0.0;
            },
            "sigma_e",
        );
        refused(
            &|h| {
                h.sigma_u = Some(1.0);
            },
            "sigma_u is set",
        );
        refused(
            &|h| {
                h.names[1] = "_cons".into();
            },
            "_cons",
        );
        refused(
            &|h| {
                h.names[0] = "a".into();
            },
            "exactly once",
        );
        refused(
            &|h| {
                h.x_means[0] = 0.5;
            },
            "x mean of _cons",
        );
        refused(
            &|h| {
                h.names[1] = String::new();
            },
            "empty",
        );
        refused(
            &|h| {
                h.n_left += 1;
            },
            "n_obs",
        );
        refused(
            &|h| {
                h.log_likelihood = f64::NAN;
            },
            "log_likelihood",
        );
        let mut re = real_fit(Model::RandomEffects);
        re.sigma_u = None;
        assert!(re.validate().unwrap_err().message.contains("sigma_u is missing"));
        let mut re = real_fit(Model::RandomEffects);
        re.sigma_u = Some(-1.0);
        assert!(re.validate().is_err());
        let mut fe = real_fit(Model::FixedEffects);
        fe.names[0] = "_cons".into();
        assert!(fe.validate().unwrap_err().message.contains("_cons"));
        let mut dup = real_fit(Model::Pooled);
        dup.names.push("x".into());
        dup.beta.push(0.0);
        dup.x_means.push(0.0);
        let p = dup.p();
        dup.vcov = vec![0.0; p * p];
        dup.robust_vcov = vec![0.0; p * p];
        assert!(dup.validate().unwrap_err().message.contains("twice"), "{:?}", dup.validate());
        assert!(validate_bounds(Some(1.0), Some(1.0)).is_err());
        assert!(validate_bounds(Some(0.0), None).is_ok());
    }
}
