//! After the fit: marginal effects at the means, and the Hausman test of
//! fixed against random effects.
//!
//! Marginal effects of regressor j at the mean index mu = xbar' beta (+ the
//! mean unit effect for FE; u_i = 0 for RE, as Stata's `xttobit` predictions),
//! with a = (lower - mu)/sigma_e, b = (upper - mu)/sigma_e (a = -inf, b = +inf
//! for an absent bound) and P = Phi(b) - Phi(a) the probability of an
//! uncensored outcome (McDonald and Moffitt 1980):
//!
//! ```text
//! latent mean        dE[y*]/dx_j              = beta_j
//! censored mean      dE[y]/dx_j               = beta_j P
//! uncensored prob.   dP(lower < y < upper)/dx_j = beta_j (phi(a) - phi(b)) / sigma_e
//! ```
//!
//! Standard errors by the delta method over (beta, ln sigma_e), the means
//! held fixed.
//!
//! Hausman: H = d' (V_fe - V_re)^- d over the slopes both fits share
//! (not `_cons`), d = b_fe - b_re, with a Moore-Penrose inverse when the
//! difference is not positive definite (as Stata's `hausman`), df = its rank.
//! With `sigmamore`, V_fe is rescaled by (sigma_e,re / sigma_e,fe)^2 so both
//! covariances rest on the efficient estimator's sigma_e (Stata's
//! `hausman, sigmamore`): the FE sigma_e is biased down by the incidental
//! parameters, which otherwise makes V_fe - V_re indefinite in short panels.

use super::normal::{cdf, ln_pdf};
use super::Fit;
use crate::error::{Error, Result};

/// One marginal effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub term: String,
    /// "latent", "censored" or "uncensored_probability".
    pub kind: &'static str,
    pub estimate: f64,
    pub std_error: f64,
}

pub const KINDS: [&str; 3] = ["latent", "censored", "uncensored_probability"];

fn pdf(x: f64) -> f64 {
    if x.is_finite() {
        ln_pdf(x).exp()
    } else {
        0.0
    }
}

/// The shapes every accessor indexes by: terms, estimates and x_means of one
/// length k, covariances p x p, sigma_e positive (a cheap subset of
/// [`Fit::validate`], so that nothing here can index out of bounds).
fn check_shape(fit: &Fit) -> Result<()> {
    if !fit.has_vcov() {
        return Err(Error::invalid(format!(
            "the fit failed ({}): it has no {}",
            fit.message.as_deref().unwrap_or("no estimates"),
            if fit.has_estimates() { "covariance" } else { "estimates" }
        )));
    }
    let k = fit.beta.len();
    let p = fit.p();
    if fit.names.len() != k
        || fit.x_means.len() != k
        || Some(fit.vcov.len()) != p.checked_mul(p)
        || !(fit.robust_vcov.is_empty() || fit.robust_vcov.len() == fit.vcov.len())
    {
        return Err(Error::invalid("fit is inconsistent: terms, estimates, x_means and vcov have mismatched lengths"));
    }
    if !(fit.sigma_e.is_finite() && fit.sigma_e > 0.0) {
        return Err(Error::invalid("fit is inconsistent: sigma_e must be positive and finite"));
    }
    Ok(())
}

/// The checks every effect needs (shapes, bounds) and the covariance it uses:
/// observed information, or cluster-robust when `robust` (undefined for a
/// single unit: 22023).
fn covariance_for(fit: &Fit, lower: Option<f64>, upper: Option<f64>, robust: bool) -> Result<&[f64]> {
    check_shape(fit)?;
    super::validate_bounds(lower, upper)?;
    let v = if robust { &fit.robust_vcov } else { &fit.vcov };
    if v.is_empty() {
        return Err(Error::invalid(
            "the cluster-robust covariance is undefined for this fit (a single unit): use vce => 'oim'",
        ));
    }
    Ok(v)
}

/// The three effects of every regressor but `_cons`, each with its
/// delta-method standard error (from the robust covariance when `robust`).
///
/// Errors: a fit of inconsistent shape, or bounds that are not finite or
/// not ordered (22023); an effect or standard error that overflows (22003).
/// Call [`Fit::validate`] first on a fit that comes from outside.
pub fn marginal_effects(fit: &Fit, lower: Option<f64>, upper: Option<f64>, robust: bool) -> Result<Vec<Effect>> {
    let v = covariance_for(fit, lower, upper, robust)?;
    let k = fit.beta.len();
    let p = fit.p();
    let value = |theta: &[f64], j: usize, kind: usize| -> f64 {
        let sigma = theta[k].exp();
        let mu = fit.offset_mean + fit.x_means.iter().zip(&theta[..k]).map(|(a, b)| a * b).sum::<f64>();
        let a = lower.map_or(f64::NEG_INFINITY, |l| (l - mu) / sigma);
        let b = upper.map_or(f64::INFINITY, |u| (u - mu) / sigma);
        match kind {
            0 => theta[j],
            1 => theta[j] * ((if b.is_finite() { cdf(b) } else { 1.0 }) - (if a.is_finite() { cdf(a) } else { 0.0 })),
            _ => theta[j] * (pdf(a) - pdf(b)) / sigma,
        }
    };
    let mut theta: Vec<f64> = fit.beta.clone();
    theta.push(fit.sigma_e.ln());
    let mut out = Vec::new();
    for j in 0..k {
        if fit.names[j] == "_cons" || fit.is_omitted(j) {
            continue;
        }
        for (kind, name) in KINDS.iter().enumerate() {
            let est = value(&theta, j, kind);
            // gradient by central differences over (beta, ln sigma_e)
            let grad: Vec<f64> = (0..=k)
                .map(|c| {
                    let h = 1e-6 * (1.0 + theta[c].abs());
                    let (mut up, mut dn) = (theta.clone(), theta.clone());
                    up[c] += h;
                    dn[c] -= h;
                    (value(&up, j, kind) - value(&dn, j, kind)) / (2.0 * h)
                })
                .collect();
            let var: f64 = (0..=k).map(|a| (0..=k).map(|b| grad[a] * v[a * p + b] * grad[b]).sum::<f64>()).sum();
            let what = || format!("the {name} marginal effect of {}", fit.names[j]);
            crate::error::finite_result(est, &what())?;
            // NaN (from an infinite gradient times a zero covariance) is an overflow too
            let se = crate::error::finite_result(var, &format!("the standard error of {}", what()))?.max(0.0).sqrt();
            out.push(Effect { term: fit.names[j].clone(), kind: name, estimate: est, std_error: se });
        }
    }
    Ok(out)
}

/// Average marginal effects (Stata's `margins, dydx(*)` after `tobit`):
/// the three effects of every regressor but `_cons` and the omitted terms,
/// averaged over the rows of `x` (row-major, one column per `names`, the
/// regressors without `_cons`; every term of the fit but `_cons` must be
/// among `names`), each row at its own index mu_i = x_i' beta (+ the fit's
/// `offset_mean` for fixed effects, whose unit effects a Fit does not keep;
/// u_i = 0 for random effects), with a_i = (lower - mu_i)/sigma_e,
/// b_i = (upper - mu_i)/sigma_e, P_i = Phi(b_i) - Phi(a_i),
/// D_i = phi(a_i) - phi(b_i):
///
/// ```text
/// latent                 mean_i beta_j
/// censored               mean_i beta_j P_i
/// uncensored_probability mean_i beta_j D_i / sigma_e
/// ```
///
/// Delta-method standard errors from the average of the per-row analytic
/// gradients over (beta, tau = ln sigma_e), with x_c the value of term c
/// (1 for `_cons`) and delta the Kronecker delta:
///
/// ```text
/// censored     d/d beta_c = delta_jc P_i + beta_j D_i x_c / sigma
///              d/d tau    = beta_j (a_i phi(a_i) - b_i phi(b_i))
/// uncensored   d/d beta_c = delta_jc D_i / sigma + beta_j (a_i phi(a_i) - b_i phi(b_i)) x_c / sigma^2
///              d/d tau    = beta_j (a_i^2 phi(a_i) - b_i^2 phi(b_i) - D_i) / sigma
/// ```
///
/// (z phi(z) = 0 at an infinite bound). `between` runs every few thousand
/// rows. Errors (22023): a fit without covariance, `robust` without a
/// robust covariance, no rows, a length mismatch, a missing term, values
/// or bounds not finite; 22003 when an effect overflows.
#[allow(clippy::too_many_arguments)]
pub fn average_marginal_effects(
    fit: &Fit,
    x: &[f64],
    names: &[String],
    lower: Option<f64>,
    upper: Option<f64>,
    robust: bool,
    mut between: crate::interrupt::Check<'_>,
) -> Result<Vec<Effect>> {
    use super::inference::{pdf, prob_between, zpdf};
    let v = covariance_for(fit, lower, upper, robust)?;
    let k = fit.beta.len();
    let p = fit.p();
    let m = names.len();
    if m == 0 && x.is_empty() && k > 0 {
        return Err(Error::invalid("no rows to average over"));
    }
    if m == 0 || !x.len().is_multiple_of(m) {
        return Err(Error::invalid(format!("x has {} values, not a whole number of rows of {m} regressors", x.len())));
    }
    let n = x.len() / m;
    if n == 0 {
        return Err(Error::invalid("no rows to average over"));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        crate::error::finite(x[i], &format!("x[{}] ({}) of row {}", i % m + 1, names[i % m], i / m + 1))?;
    }
    // column of each term in x (None for _cons)
    let mut col = Vec::with_capacity(k);
    for (j, t) in fit.names.iter().enumerate() {
        if t == "_cons" {
            col.push(None);
        } else {
            match names.iter().position(|n| n == t) {
                Some(c) => col.push(Some(c)),
                None if fit.is_omitted(j) => col.push(None),
                None => {
                    return Err(Error::invalid(format!("the term {t} of the fit is not among the regressors given")))
                }
            }
        }
    }
    let slopes: Vec<usize> = (0..k).filter(|&j| fit.names[j] != "_cons" && !fit.is_omitted(j)).collect();
    let s = fit.sigma_e;
    let offset = if fit.model == super::Model::FixedEffects { fit.offset_mean } else { 0.0 };
    // sums over rows: per slope, per kind (censored, uncensored), the
    // estimate and the gradient over (beta, tau)
    let q = k + 1;
    let mut est = vec![[0.0; 2]; slopes.len()];
    let mut grad = vec![0.0; slopes.len() * 2 * q];
    let mut xi = vec![0.0; k];
    let mut ticker = crate::interrupt::Ticker::new(&mut between, 4096);
    for i in 0..n {
        ticker.tick();
        let row = &x[i * m..(i + 1) * m];
        for j in 0..k {
            xi[j] = col[j].map_or(if fit.names[j] == "_cons" { 1.0 } else { 0.0 }, |c| row[c]);
        }
        let mu = offset + xi.iter().zip(&fit.beta).map(|(a, b)| a * b).sum::<f64>();
        let a = lower.map_or(f64::NEG_INFINITY, |l| (l - mu) / s);
        let b = upper.map_or(f64::INFINITY, |u| (u - mu) / s);
        let pr = prob_between(a, b);
        let d = pdf(a) - pdf(b);
        let e1 = zpdf(a, 1) - zpdf(b, 1);
        let e2 = zpdf(a, 2) - zpdf(b, 2);
        for (t, &j) in slopes.iter().enumerate() {
            let bj = fit.beta[j];
            est[t][0] += bj * pr;
            est[t][1] += bj * d / s;
            let gc = &mut grad[(t * 2) * q..(t * 2 + 1) * q];
            for c in 0..k {
                gc[c] += bj * d * xi[c] / s;
            }
            gc[j] += pr;
            gc[k] += bj * e1;
            let gu = &mut grad[(t * 2 + 1) * q..(t * 2 + 2) * q];
            for c in 0..k {
                gu[c] += bj * e1 * xi[c] / (s * s);
            }
            gu[j] += d / s;
            gu[k] += bj * (e2 - d) / s;
        }
    }
    let nf = n as f64;
    let var_of = |g: &[f64]| -> f64 {
        (0..q).map(|a| (0..q).map(|b| g[a] * v[a * p + b] * g[b]).sum::<f64>()).sum::<f64>() / (nf * nf)
    };
    let mut out = Vec::with_capacity(3 * slopes.len());
    for (t, &j) in slopes.iter().enumerate() {
        let term = &fit.names[j];
        let latent_se = v[j * p + j].max(0.0).sqrt();
        let rows = [
            (KINDS[0], fit.beta[j], latent_se),
            (
                KINDS[1],
                est[t][0] / nf,
                crate::error::finite_result(var_of(&grad[(t * 2) * q..(t * 2 + 1) * q]), "a variance")?.max(0.0).sqrt(),
            ),
            (
                KINDS[2],
                est[t][1] / nf,
                crate::error::finite_result(var_of(&grad[(t * 2 + 1) * q..(t * 2 + 2) * q]), "a variance")?
                    .max(0.0)
                    .sqrt(),
            ),
        ];
        for (kind, e, se) in rows {
            let what = format!("the average {kind} marginal effect of {term}");
            crate::error::finite_result(e, &what)?;
            crate::error::finite_result(se, &format!("the standard error of {what}"))?;
            out.push(Effect { term: term.clone(), kind, estimate: e, std_error: se });
        }
    }
    Ok(out)
}

/// [`average_marginal_effects`] over the rows a fit was made from.
pub fn average_marginal_effects_rows(
    fit: &Fit,
    rows: &super::Rows,
    lower: Option<f64>,
    upper: Option<f64>,
    robust: bool,
    between: crate::interrupt::Check<'_>,
) -> Result<Vec<Effect>> {
    let spec = rows.spec.as_ref().ok_or_else(|| Error::invalid("no rows to average over"))?;
    average_marginal_effects(fit, &rows.x, &spec.names, lower, upper, robust, between)
}

/// Result of a Hausman test.
#[derive(Debug, Clone, PartialEq)]
pub struct Hausman {
    /// `None` when V_fe - V_re has no positive eigenvalue (df = 0: no test).
    pub chi2: Option<f64>,
    pub df: usize,
    /// `None` exactly when `chi2` is.
    pub p_value: Option<f64>,
    /// Whether V_fe - V_re was positive definite (otherwise a generalised
    /// inverse was used, and the test should be read with care).
    pub positive_definite: bool,
    pub terms: Vec<String>,
}

/// Hausman test of the consistent (fixed-effects) against the efficient
/// (random-effects) fit, over their common slopes.
///
/// Errors: fits of inconsistent shape (22023), no common slope (22023), a
/// statistic that overflows (22003). Call [`Fit::validate`] first on fits
/// that come from outside.
pub fn hausman(fe: &Fit, re: &Fit, sigmamore: bool) -> Result<Hausman> {
    check_shape(fe)?;
    check_shape(re)?;
    let common: Vec<(usize, usize)> = fe
        .names
        .iter()
        .enumerate()
        .filter(|(i, n)| *n != "_cons" && !fe.is_omitted(*i))
        .filter_map(|(i, n)| re.names.iter().position(|m| m == n).filter(|&j| !re.is_omitted(j)).map(|j| (i, j)))
        .collect();
    if common.is_empty() {
        return Err(Error::invalid("the two fits have no slope in common"));
    }
    let m = common.len();
    let (pf, pr) = (fe.p(), re.p());
    let scale = if sigmamore { (re.sigma_e / fe.sigma_e).powi(2) } else { 1.0 };
    crate::error::finite_result(scale, "sigmamore's (sigma_e,re / sigma_e,fe)^2")?;
    let d: Vec<f64> = common.iter().map(|&(i, j)| fe.beta[i] - re.beta[j]).collect();
    let mut v = vec![0.0; m * m];
    for (a, &(ia, ja)) in common.iter().enumerate() {
        for (b, &(ib, jb)) in common.iter().enumerate() {
            v[a * m + b] = scale * fe.vcov[ia * pf + ib] - re.vcov[ja * pr + jb];
        }
    }
    if let Some(x) = v.iter().find(|x| !x.is_finite()) {
        return Err(Error::out_of_range(format!(
            "V_fe - V_re has the element {}: the difference overflows",
            crate::error::sql_float(*x)
        )));
    }
    if let Some(x) = d.iter().find(|x| !x.is_finite()) {
        return Err(Error::out_of_range(format!(
            "b_fe - b_re is {}: the difference overflows",
            crate::error::sql_float(*x)
        )));
    }
    // entries near the overflow or underflow thresholds: rotate a copy scaled
    // by a power of two (exact), the eigenvalues scale back (ordinary
    // covariances take the unscaled path, bit for bit as before)
    let big = v.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let unit = if big > 1e150 || (big > 0.0 && big < 1e-150) { 2f64.powi(-(big.log2().round() as i32)) } else { 1.0 };
    if unit != 1.0 {
        v.iter_mut().for_each(|x| *x *= unit);
    }
    let (mut values, vectors) = symmetric_eigen(&v, m);
    if unit != 1.0 {
        values.iter_mut().for_each(|l| *l /= unit);
    }
    let top = values.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    let tol = top * m as f64 * 1e-12;
    let mut chi2 = 0.0;
    let mut df = 0;
    for (c, &l) in values.iter().enumerate() {
        if l > tol {
            let proj: f64 = (0..m).map(|r| vectors[r * m + c] * d[r]).sum();
            chi2 += proj * proj / l;
            df += 1;
        }
    }
    let positive_definite = values.iter().all(|&l| l > tol);
    if df > 0 {
        crate::error::finite_result(chi2, "the Hausman statistic")?;
    }
    Ok(Hausman {
        chi2: (df > 0).then_some(chi2),
        df,
        p_value: (df > 0).then(|| chi2_sf(chi2, df as f64)),
        positive_definite,
        terms: common.iter().map(|&(i, _)| fe.names[i].clone()).collect(),
    })
}

/// Eigenvalues and eigenvectors (columns, row-major) of a symmetric matrix
/// by cyclic Jacobi rotations.
pub fn symmetric_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; n * n];
    (0..n).for_each(|i| v[i * n + i] = 1.0);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        let diag: f64 = (0..n).map(|i| a[i * n + i].powi(2)).sum();
        if off <= 1e-30 * diag || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

/// P(chi2(df) > x): the regularised upper incomplete gamma Q(df/2, x/2),
/// statrs's `gamma_ur` (within 1.3e-13 relative of 60-digit values down to
/// p = 1e-300, docs/dependencies.md); 1 for x <= 0 (or NaN), NaN for a
/// df that is not positive and finite, 0 for x = inf (where statrs would panic).
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if !(x > 0.0) {
        return 1.0;
    }
    if !(df > 0.0 && df.is_finite()) {
        return f64::NAN;
    }
    if x.is_infinite() {
        return 0.0;
    }
    statrs::function::gamma::gamma_ur(df / 2.0, x / 2.0)
}

#[cfg(test)]
mod tests {
    use super::super::{Fit, Model};
    use super::*;

    #[test]
    fn chi2_survival() {
        // df 2: exp(-x/2) exactly; df 1: erfc(sqrt(x/2))
        for x in [0.1, 1.0, 3.0, 10.0, 50.0] {
            assert!((chi2_sf(x, 2.0) - (-x / 2.0f64).exp()).abs() < 1e-15 * 10.0, "{x}");
            let e = super::super::normal::erfc((x / 2.0f64).sqrt());
            assert!((chi2_sf(x, 1.0) - e).abs() < 1e-13 * e.max(1e-300) + 1e-16, "{x}: {} vs {e}", chi2_sf(x, 1.0));
        }
        // df 4: exp(-x/2) (1 + x/2)
        for x in [0.5, 2.0, 9.0, 30.0] {
            let e = (-x / 2.0f64).exp() * (1.0 + x / 2.0);
            assert!((chi2_sf(x, 4.0) - e).abs() < 1e-14 * (1.0 + e), "{x}");
        }
        assert_eq!(chi2_sf(0.0, 3.0), 1.0);
    }

    #[test]
    fn eigen_reconstructs() {
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, -0.2, 0.5, -0.2, 1.0];
        let (l, v) = symmetric_eigen(&a, 3);
        for i in 0..3 {
            for j in 0..3 {
                let r: f64 = (0..3).map(|c| v[i * 3 + c] * l[c] * v[j * 3 + c]).sum();
                assert!((r - a[i * 3 + j]).abs() < 1e-13);
            }
        }
    }

    fn fit(names: &[&str], beta: &[f64], vcov_beta: &[f64], sigma_u: Option<f64>) -> Fit {
        let k = beta.len();
        let p = k + 1 + sigma_u.is_some() as usize;
        let mut vcov = vec![0.0; p * p];
        for a in 0..k {
            for b in 0..k {
                vcov[a * p + b] = vcov_beta[a * k + b];
            }
        }
        for a in k..p {
            vcov[a * p + a] = 0.01;
        }
        Fit {
            model: if sigma_u.is_some() { Model::RandomEffects } else { Model::FixedEffects },
            names: names.iter().map(|s| s.to_string()).collect(),
            beta: beta.to_vec(),
            sigma_e: 2.0,
            sigma_u,
            robust_vcov: vcov.clone(),
            vcov,
            log_likelihood: 0.0,
            pooled_log_likelihood: None,
            iterations: 1,
            converged: true,
            n: 100,
            n_left: 0,
            n_uncensored: 100,
            n_right: 0,
            n_units: 10,
            dropped_units: 0,
            n_params: p,
            x_means: names.iter().map(|n| if *n == "_cons" { 1.0 } else { 0.5 }).collect(),
            offset_mean: 0.0,
            quadrature: None,
            omitted: vec![false; k],
            message: None,
            obs_per_unit: (10, 10.0, 10),
        }
    }

    /// Hand-worked: d = (0.2, -0.1), V_fe - V_re = diag(0.04, 0.01):
    /// H = 0.2^2/0.04 + 0.1^2/0.01 = 2, df = 2, p = exp(-1).
    #[test]
    fn hausman_by_hand() {
        let fe = fit(&["a", "b"], &[1.2, 0.4], &[0.05, 0.0, 0.0, 0.02], None);
        let re =
            fit(&["_cons", "a", "b"], &[3.0, 1.0, 0.5], &[1.0, 0.0, 0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 0.01], Some(1.0));
        let h = hausman(&fe, &re, false).unwrap();
        assert!((h.chi2.unwrap() - 2.0).abs() < 1e-12, "{h:?}");
        // sigmamore: V_fe scaled by (sigma_re / sigma_fe)^2 = 1 here (both 2.0)
        assert_eq!(hausman(&fe, &re, true).unwrap().chi2, h.chi2);
        assert_eq!(h.df, 2);
        assert!((h.p_value.unwrap() - (-1.0f64).exp()).abs() < 1e-14);
        assert!(h.positive_definite);
        assert_eq!(h.terms, vec!["a".to_string(), "b".to_string()]);
        // V_fe - V_re singular in b: generalised inverse, df 1
        let re2 = fit(&["a", "b"], &[1.0, 0.5], &[0.01, 0.0, 0.0, 0.02], Some(1.0));
        let h = hausman(&fe, &re2, false).unwrap();
        assert_eq!(h.df, 1);
        assert!((h.chi2.unwrap() - 1.0).abs() < 1e-12 && !h.positive_definite);
        // nothing positive: no test (NaN, NULL in SQL)
        let re3 = fit(&["a", "b"], &[1.0, 0.5], &[0.06, 0.0, 0.0, 0.03], Some(1.0));
        let h = hausman(&fe, &re3, false).unwrap();
        assert!(h.df == 0 && h.chi2.is_none() && h.p_value.is_none());
    }

    /// Degenerate fits give errors or None, never NaN, a panic or an
    /// out-of-bounds index.
    #[test]
    fn degenerate_inputs_are_errors_not_nan() {
        let fe = fit(&["a", "b"], &[1.2, 0.4], &[0.05, 0.0, 0.0, 0.02], None);
        let re =
            fit(&["_cons", "a", "b"], &[3.0, 1.0, 0.5], &[1.0, 0.0, 0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 0.01], Some(1.0));
        // a vcov too short for the estimates: an error, not an index panic
        let mut short = fe.clone();
        short.vcov.truncate(3);
        assert_eq!(hausman(&short, &re, true).unwrap_err().kind, crate::ErrorKind::InvalidParameter);
        assert!(marginal_effects(&short, None, None, false).is_err());
        let mut names = re.clone();
        names.names.pop();
        assert!(marginal_effects(&names, None, None, false).is_err());
        // sigma_e 0 with sigmamore: the scale overflows, an error
        let mut zero = fe.clone();
        zero.sigma_e = 0.0;
        assert!(hausman(&zero, &re, true).is_err());
        // huge covariances: the same statistic as the scaled-down problem
        let mut big_fe = fe.clone();
        let mut big_re = re.clone();
        big_fe.vcov.iter_mut().for_each(|x| *x *= 1e300);
        big_re.vcov.iter_mut().for_each(|x| *x *= 1e300);
        big_fe.beta.iter_mut().for_each(|x| *x *= 1e150);
        big_re.beta.iter_mut().for_each(|x| *x *= 1e150);
        let h = hausman(&big_fe, &big_re, false).unwrap();
        assert!((h.chi2.unwrap() - 2.0).abs() < 1e-12, "{h:?}");
        // a tiny sigma_e: the density effect overflows, 22003 not Infinity
        let mut tiny = fit(&["_cons", "x"], &[1.0, 2.0], &[0.04, 0.0, 0.0, 0.09], None);
        tiny.sigma_e = 1e-320;
        tiny.x_means = vec![1.0, -0.5];
        let e = marginal_effects(&tiny, Some(0.0), None, false);
        assert!(
            e.as_ref().map_or(true, |v| v.iter().all(|e| e.estimate.is_finite() && e.std_error.is_finite())),
            "{e:?}"
        );
        // bounds out of order or not finite
        let ok = fit(&["_cons", "x"], &[1.0, 2.0], &[0.04, 0.0, 0.0, 0.09], None);
        assert!(marginal_effects(&ok, Some(1.0), Some(0.0), false).unwrap_err().message.contains("below upper"));
        assert!(marginal_effects(&ok, Some(f64::NAN), None, false).is_err());
    }

    /// At a single row equal to the means, the average effects are the
    /// effects at the means (their standard errors by central differences
    /// there agree to 1e-7).
    #[test]
    fn average_effects_at_one_row_are_the_effects_at_the_means() {
        let mut f =
            fit(&["_cons", "x", "z"], &[1.0, 2.0, -0.7], &[0.04, 0.01, 0.0, 0.01, 0.09, 0.002, 0.0, 0.002, 0.05], None);
        f.x_means = vec![1.0, 0.5, 1.3];
        f.model = Model::Pooled;
        let names = vec!["z".to_string(), "x".to_string()];
        for (lo, up) in [(Some(0.0), None), (Some(0.0), Some(3.0)), (None, Some(2.5)), (None, None)] {
            let mem = marginal_effects(&f, lo, up, false).unwrap();
            let ame = average_marginal_effects(&f, &[1.3, 0.5], &names, lo, up, false, &mut || {}).unwrap();
            assert_eq!(mem.len(), ame.len());
            for (a, b) in mem.iter().zip(&ame) {
                assert_eq!((&a.term, a.kind), (&b.term, b.kind));
                assert!((a.estimate - b.estimate).abs() < 1e-14 * (1.0 + a.estimate.abs()), "{a:?} {b:?}");
                assert!((a.std_error - b.std_error).abs() < 1e-7 * a.std_error.max(1e-3), "{a:?} {b:?}");
            }
        }
        // averaging two rows: the mean of the per-row effects
        let two =
            average_marginal_effects(&f, &[1.0, 0.0, 2.0, 1.0], &names, Some(0.0), None, false, &mut || {}).unwrap();
        let r1 = average_marginal_effects(&f, &[1.0, 0.0], &names, Some(0.0), None, false, &mut || {}).unwrap();
        let r2 = average_marginal_effects(&f, &[2.0, 1.0], &names, Some(0.0), None, false, &mut || {}).unwrap();
        for i in 0..two.len() {
            assert!((two[i].estimate - (r1[i].estimate + r2[i].estimate) / 2.0).abs() < 1e-15);
        }
        // errors
        assert!(average_marginal_effects(&f, &[1.0, 0.0, 2.0], &names, None, None, false, &mut || {}).is_err());
        assert!(average_marginal_effects(&f, &[], &names, None, None, false, &mut || {}).is_err());
        assert!(average_marginal_effects(&f, &[1.0], &names[..1], None, None, false, &mut || {})
            .unwrap_err()
            .message
            .contains("term x"));
        assert!(average_marginal_effects(&f, &[f64::NAN, 1.0], &names, None, None, false, &mut || {}).is_err());
    }

    /// Hand-worked marginal effects: beta = (_cons 1, x 2), xbar = 0.5,
    /// sigma 2, lower 0, no upper: mu = 2, a = -1, P = Phi(1).
    #[test]
    fn marginal_effects_by_hand() {
        let f = fit(&["_cons", "x"], &[1.0, 2.0], &[0.04, 0.0, 0.0, 0.09], None);
        let me = marginal_effects(&f, Some(0.0), None, false).unwrap();
        assert_eq!(me.len(), 3);
        let phi1 = 0.841_344_746_068_542_9;
        let dens1 = 0.241_970_724_519_143_37;
        assert_eq!(me[0].estimate, 2.0);
        assert!((me[0].std_error - 0.3).abs() < 1e-9);
        assert!((me[1].estimate - 2.0 * phi1).abs() < 1e-15);
        assert!((me[2].estimate - 2.0 * dens1 / 2.0).abs() < 1e-15);
        // delta method for the censored effect: d(b P)/d b_x = P + b phi(a) xbar / sigma,
        // d/d b_cons = b phi(a) / sigma, d/d ln sigma = -b phi(a) a (= b phi(1)), var(ln sigma) = 0.01
        let g_cons = 2.0 * dens1 / 2.0;
        let g_x = phi1 + 2.0 * dens1 * 0.5 / 2.0;
        let g_s = 2.0 * dens1;
        let var = g_cons * g_cons * 0.04 + g_x * g_x * 0.09 + g_s * g_s * 0.01;
        assert!((me[1].std_error - var.sqrt()).abs() < 1e-8, "{} vs {}", me[1].std_error, var.sqrt());
    }
}
