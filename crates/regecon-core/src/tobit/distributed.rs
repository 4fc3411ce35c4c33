//! The pooled and random-effects Tobit fitted from sums over units that are
//! computed elsewhere: where the rows are (the shards of a Citus cluster, or
//! the one node), one SQL pass per likelihood evaluation, of which only a few
//! numbers per evaluation reach the fit (docs/tobit.md, "Distributed fits").
//!
//! Both likelihoods are sums over units. For a parameter vector theta, each
//! unit's rows give ([`unit_terms`]) its log-likelihood, gradient, negative
//! Hessian and, at the end, the outer product of its score; the sums over
//! units of these vectors are all the Newton iterations ([`fit`]) need. A
//! first pass ([`Request::Summary`]) gives the counts, the regressor means
//! and the cross-products of the OLS starting values.
//!
//! The per-unit terms are the single-node code's ([`super::pooled::Pooled`],
//! [`super::random::RandomEffects`]) on a panel of that one unit, and the
//! iterations are the single-node fit's (same start, same warm-up with five
//! adaptive points, same Newton rule and tolerance, same boundary rule): the
//! estimates equal `panel_tobit`'s up to the order of the sums (about 1e-12
//! relative; tests check 1e-8). What differs: the adaptive quadrature's
//! centres start from 0 at every evaluation instead of from the previous
//! one's (the centre is found to full precision either way), collinear
//! regressors are refused rather than omitted, and there is no
//! fixed-effects model (its unit effects are parameters, not sums).

use super::fit::{covariance_or_message, not_converged, Fit, SINGULAR};
use super::newton::{maximise, Objective, Options, Outcome};
use super::panel::Panel;
use super::pooled::Pooled;
use super::random::{Quadrature, RandomEffects, WARM_POINTS};
use super::Model;
use crate::error::{Error, Result};
use crate::interrupt::Check;
use crate::linalg::Cholesky;
use std::f64::consts::SQRT_2;

/// What a unit's rows are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// Counts and cross-products ([`summary_len`] numbers).
    Summary,
    /// The log-likelihood (and the gradient where it comes free).
    Value,
    /// Log-likelihood, gradient and negative Hessian.
    Hessian,
    /// Log-likelihood, gradient and the outer product of the unit's score
    /// (the cluster-robust covariance's clusters).
    Scores,
}

impl Request {
    /// The integer the SQL layer passes.
    pub fn code(self) -> i32 {
        match self {
            Request::Summary => 0,
            Request::Value => 1,
            Request::Hessian => 2,
            Request::Scores => 3,
        }
    }

    pub fn from_code(c: i32) -> Result<Request> {
        Ok(match c {
            0 => Request::Summary,
            1 => Request::Value,
            2 => Request::Hessian,
            3 => Request::Scores,
            _ => return Err(Error::invalid(format!("request must be 0, 1, 2 or 3, got {c}"))),
        })
    }
}

/// Length of a unit's summary with `k` columns (intercept included):
/// n, n_left, n_uncensored, n_right, 1 (the unit), the column sums (k), X'X
/// (k x k), X'y (k), y'y.
pub fn summary_len(k: usize) -> usize {
    5 + k + k * k + k + 1
}

/// Length of a unit's terms with `p` parameters: ll, gradient (p), negative
/// Hessian (p x p), score outer product (p x p); unrequested parts are 0.
pub fn terms_len(p: usize) -> usize {
    1 + p + 2 * p * p
}

/// The number of parameters of a model with `k` columns (intercept included).
pub fn parameters(model: Model, k: usize) -> Result<usize> {
    match model {
        Model::Pooled => k.checked_add(1).ok_or_else(|| Error::invalid("too many regressors")),
        Model::RandomEffects => k.checked_add(2).ok_or_else(|| Error::invalid("too many regressors")),
        Model::FixedEffects => Err(Error::invalid(
            "model 'fe' cannot be fitted from sums over units (its unit effects are parameters): use panel_tobit",
        )),
    }
}

/// One unit's vector for `request`: its rows are `y` and `x` (row-major,
/// `k0` regressors without the intercept), in any order (they are put in a
/// canonical order first, so the vector depends only on the set of rows).
/// `theta` is (beta with the intercept first, ln sigma_e[, ln sigma_u]);
/// ignored for a summary.
#[allow(clippy::too_many_arguments)]
pub fn unit_terms(
    y: &[f64],
    x: &[f64],
    k0: usize,
    lower: Option<f64>,
    upper: Option<f64>,
    model: Model,
    theta: &[f64],
    quadrature: (Quadrature, usize),
    request: Request,
) -> Result<Vec<f64>> {
    let n = y.len();
    if x.len() != n.saturating_mul(k0) {
        return Err(Error::invalid(format!("x has {} values for {n} rows of {k0} regressors", x.len())));
    }
    let k = k0.checked_add(1).ok_or_else(|| Error::invalid("k is too large"))?;
    let p = parameters(model, k)?;
    if request != Request::Summary {
        if theta.len() != p {
            return Err(Error::invalid(format!(
                "theta has {} values, the {} model with {k} columns has {p} parameters",
                theta.len(),
                model.name()
            )));
        }
        if let Some(v) = theta.iter().find(|v| !v.is_finite()) {
            return Err(Error::invalid(format!("theta must be finite, got {v}")));
        }
    }
    // every buffer below is sized from k: checked first (theta's length,
    // checked above, bounds it for the likelihood; through mem, 53200)
    // (the vector and, for the likelihood, a few p x p matrices)
    let side = if request == Request::Summary { k } else { p };
    let len =
        side.checked_mul(side).and_then(|ss| ss.checked_mul(4)).and_then(|v| v.checked_add(2 * side + 6)).ok_or_else(
            || Error::out_of_memory(format!("{side} x {side} matrices are larger than the address space")),
        )?;
    const WHAT: &str = "the vector and matrices of a unit's terms (the number of regressors squared)";
    crate::mem::check(crate::mem::bytes_of::<f64>(len, WHAT)?, WHAT)?;
    if n == 0 {
        return Ok(vec![0.0; if request == Request::Summary { summary_len(k) } else { terms_len(p) }]);
    }
    // canonical order: by y, then by the regressors (total order of f64)
    let mut order: Vec<usize> = crate::mem::vec_with_capacity(n, "the rows of a unit")?;
    order.extend(0..n);
    order.sort_by(|&a, &b| {
        y[a].total_cmp(&y[b]).then_with(|| {
            let (ra, rb) = (&x[a * k0..(a + 1) * k0], &x[b * k0..(b + 1) * k0]);
            ra.iter().zip(rb).map(|(u, v)| u.total_cmp(v)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
        })
    });
    let units = vec![0i64; n];
    let names: Vec<String> = (1..=k0).map(|j| format!("x{j}")).collect();
    let panel = Panel::new_in_order(y, x, &units, Some(order), &names, true, lower, upper)?;
    if request == Request::Summary {
        let mut out = vec![0.0; summary_len(k)];
        let (l, u, r) = panel.counts();
        out[..5].copy_from_slice(&[n as f64, l as f64, u as f64, r as f64, 1.0]);
        let (sums, rest) = out[5..].split_at_mut(k);
        let (xtx, rest) = rest.split_at_mut(k * k);
        let (xty, yty) = rest.split_at_mut(k);
        for i in 0..n {
            let xi = panel.row(i);
            for a in 0..k {
                sums[a] += xi[a];
                xty[a] += xi[a] * panel.y[i];
                for b in 0..k {
                    xtx[a * k + b] += xi[a] * xi[b];
                }
            }
            yty[0] += panel.y[i] * panel.y[i];
        }
        return Ok(out);
    }
    let mut out = vec![0.0; terms_len(p)];
    let hessian = request == Request::Hessian;
    let mut none = crate::interrupt::none();
    let (ll, g, h, score) = match model {
        Model::Pooled => {
            let mut obj = Pooled { panel: &panel, pool: None };
            let (ll, g, h) = obj.evaluate(theta, hessian, &mut none)?;
            let score = (request == Request::Scores).then(|| obj.unit_scores(theta, &mut none).remove(0));
            (ll, g, h, score)
        }
        Model::RandomEffects => {
            let mut obj = RandomEffects::new(&panel, quadrature.0, quadrature.1, None)?;
            let (ll, g, h) = obj.evaluate(theta, hessian, &mut none)?;
            let score =
                if request == Request::Scores { Some(obj.unit_scores(theta, &mut none)?.remove(0)) } else { None };
            (ll, g, h, score)
        }
        Model::FixedEffects => unreachable!("refused by parameters()"),
    };
    out[0] = ll;
    if g.len() == p {
        out[1..1 + p].copy_from_slice(&g);
    }
    if h.len() == p * p {
        out[1 + p..1 + p + p * p].copy_from_slice(&h);
    }
    if let Some(s) = score {
        out[1..1 + p].copy_from_slice(&s);
        let outer = &mut out[1 + p + p * p..];
        for a in 0..p {
            for b in 0..p {
                outer[a * p + b] = s[a] * s[b];
            }
        }
    }
    Ok(out)
}

/// The sums over units, computed where the rows are.
pub trait Source {
    /// The sum over units of [`unit_terms`] for `request` at `theta`.
    fn sums(&mut self, request: Request, theta: &[f64]) -> Result<Vec<f64>>;
}

/// What the summary pass tells of the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub k: usize,
    pub n: usize,
    pub n_left: usize,
    pub n_uncensored: usize,
    pub n_right: usize,
    pub n_units: usize,
    pub x_means: Vec<f64>,
    pub xtx: Vec<f64>,
    pub xty: Vec<f64>,
    pub yty: f64,
    /// Rows per unit: (min, mean, max).
    pub obs_per_unit: (usize, f64, usize),
    /// The largest |y| (the scale of the starting sigma's floor).
    pub max_abs_y: f64,
}

impl Described {
    /// From the summed summary vector and what SQL adds (the fewest and
    /// most rows of a unit, the largest |y|).
    pub fn new(sums: &[f64], k: usize, min_obs: usize, max_obs: usize, max_abs_y: f64) -> Result<Described> {
        if sums.len() != summary_len(k) {
            return Err(Error::corrupt(format!("a summary of {} values, expected {}", sums.len(), summary_len(k))));
        }
        let count = |v: f64| -> Result<usize> {
            if (0.0..=9.0e15).contains(&v) && v.fract() == 0.0 {
                Ok(v as usize)
            } else {
                Err(Error::corrupt(format!("a count of {v} in the summary")))
            }
        };
        let (n, n_units) = (count(sums[0])?, count(sums[4])?);
        let x_means = sums[5..5 + k].iter().map(|s| s / n.max(1) as f64).collect();
        Ok(Described {
            k,
            n,
            n_left: count(sums[1])?,
            n_uncensored: count(sums[2])?,
            n_right: count(sums[3])?,
            n_units,
            x_means,
            xtx: sums[5 + k..5 + k + k * k].to_vec(),
            xty: sums[5 + k + k * k..5 + 2 * k + k * k].to_vec(),
            yty: sums[5 + 2 * k + k * k],
            obs_per_unit: if n_units > 0 { (min_obs, n as f64 / n_units as f64, max_obs) } else { (0, 0.0, 0) },
            max_abs_y,
        })
    }

    /// OLS from the cross-products, as [`super::pooled::ols`]: coefficients
    /// and the residual scale, floored at 1e-8 of the data's scale.
    fn ols(&self, names: &[String]) -> Result<(Vec<f64>, f64)> {
        let k = self.k;
        let b = Cholesky::new(&self.xtx, k, names)?.solve(&self.xty);
        // rss = y'y - 2 b'X'y + b'X'X b (a starting value: its rounding is harmless)
        let bxy: f64 = b.iter().zip(&self.xty).map(|(a, c)| a * c).sum();
        let bxxb: f64 = (0..k).map(|a| (0..k).map(|c| b[a] * self.xtx[a * k + c] * b[c]).sum::<f64>()).sum();
        let rss = (self.yty - 2.0 * bxy + bxxb).max(0.0);
        let scale = 1.0 + self.max_abs_y;
        Ok((b, (rss / self.n.saturating_sub(k).max(1) as f64).sqrt().max(1e-8 * scale)))
    }
}

/// The likelihood evaluated through a [`Source`].
struct Remote<'a> {
    source: &'a mut dyn Source,
    p: usize,
}

impl Objective for Remote<'_> {
    fn evaluate(&mut self, theta: &[f64], hessian: bool, check: Check<'_>) -> Result<(f64, Vec<f64>, Vec<f64>)> {
        check();
        let p = self.p;
        let v = self.source.sums(if hessian { Request::Hessian } else { Request::Value }, theta)?;
        if v.len() != terms_len(p) {
            return Err(Error::corrupt(format!("sums of {} values, expected {}", v.len(), terms_len(p))));
        }
        let h = if hessian { v[1 + p..1 + p + p * p].to_vec() } else { Vec::new() };
        Ok((v[0], v[1..1 + p].to_vec(), h))
    }
}

/// The cluster-robust covariance V M V G / (G - 1) from the summed score
/// outer products M (as [`super::panel::sandwich`]); empty with one unit.
fn sandwich_from_meat(v: &[f64], meat: &[f64], p: usize, units: usize) -> Vec<f64> {
    if units < 2 {
        return Vec::new();
    }
    let g = units as f64;
    let factor = g / (g - 1.0);
    let vm: Vec<f64> = (0..p * p).map(|ij| (0..p).map(|c| v[(ij / p) * p + c] * meat[c * p + ij % p]).sum()).collect();
    (0..p * p).map(|ij| factor * (0..p).map(|c| vm[(ij / p) * p + c] * v[c * p + ij % p]).sum::<f64>()).collect()
}

/// The robust covariance at the estimate: one more pass, for the scores.
fn robust(source: &mut dyn Source, theta: &[f64], vcov: &[f64], units: usize) -> Result<Vec<f64>> {
    if vcov.is_empty() {
        return Ok(Vec::new());
    }
    let p = theta.len();
    let v = source.sums(Request::Scores, theta)?;
    if v.len() != terms_len(p) {
        return Err(Error::corrupt(format!("sums of {} values, expected {}", v.len(), terms_len(p))));
    }
    Ok(sandwich_from_meat(vcov, &v[1 + p + p * p..], p, units))
}

fn from_outcome(model: Model, d: &Described, names: &[String], out: &Outcome, vcov: Vec<f64>, robust: Vec<f64>) -> Fit {
    let k = d.k;
    Fit {
        model,
        names: names.to_vec(),
        beta: out.theta[..k].to_vec(),
        sigma_e: out.theta[k].exp(),
        sigma_u: None,
        vcov,
        robust_vcov: robust,
        log_likelihood: out.log_likelihood,
        pooled_log_likelihood: None,
        iterations: out.iterations,
        converged: out.converged,
        n: d.n,
        n_left: d.n_left,
        n_uncensored: d.n_uncensored,
        n_right: d.n_right,
        n_units: d.n_units,
        dropped_units: 0,
        n_params: out.theta.len(),
        x_means: d.x_means.clone(),
        offset_mean: 0.0,
        quadrature: None,
        omitted: vec![false; k],
        message: (!out.converged).then(|| not_converged(out.iterations)),
        obs_per_unit: d.obs_per_unit,
    }
}

/// Checks common to both models, as the single-node fit's.
fn check_identified(d: &Described, params: usize) -> Result<()> {
    if d.n <= params {
        return Err(Error::invalid(format!(
            "{} observations for {params} parameters: need more observations than parameters",
            d.n
        )));
    }
    if d.n_uncensored == 0 {
        return Err(Error::invalid("every observation is censored: sigma is not identified"));
    }
    Ok(())
}

/// The pooled fit: `source` answers for the pooled model.
fn fit_pooled(
    d: &Described,
    names: &[String],
    source: &mut dyn Source,
    opts: Options,
    between: Check<'_>,
) -> Result<Fit> {
    let k = d.k;
    check_identified(d, k + 1)?;
    let (b0, s0) = d.ols(names)?;
    let mut theta = b0;
    theta.push(s0.ln());
    let out = maximise(&mut Remote { source: &mut *source, p: k + 1 }, theta, opts, &mut *between)?;
    let (vcov, singular) = covariance_or_message(&out.information, k + 1, SINGULAR);
    let robust_vcov = robust(source, &out.theta, &vcov, d.n_units)?;
    let mut f = from_outcome(Model::Pooled, d, names, &out, vcov, robust_vcov);
    if singular.is_some() {
        (f.converged, f.message) = (false, singular);
    }
    Ok(f)
}

/// Answers for one model: the source is told which by the caller.
pub trait ModelSource: Source {
    /// Switches the model (and, for random effects, the quadrature) the
    /// following [`Source::sums`] evaluate.
    fn set_model(&mut self, model: Model, quadrature: (Quadrature, usize));
}

/// Fits the pooled or random-effects Tobit from the rows behind `source`:
/// the single-node fit's steps (see the module's notes), with `names` the
/// regressors (without the intercept), `d` the summary pass.
pub fn fit(
    model: Model,
    names: &[String],
    d: &Described,
    quadrature: (Quadrature, usize),
    opts: Options,
    source: &mut dyn ModelSource,
    between: Check<'_>,
) -> Result<Fit> {
    let k = d.k;
    parameters(model, k)?;
    if names.len() + 1 != k {
        return Err(Error::invalid(format!("{} names for {} regressors", names.len(), k - 1)));
    }
    let mut all_names = vec![super::INTERCEPT.to_string()];
    all_names.extend(names.iter().cloned());
    super::hermite::rule(quadrature.1)?;
    source.set_model(Model::Pooled, quadrature);
    let pooled = fit_pooled(d, &all_names, source, opts, &mut *between)?;
    let result = if model == Model::Pooled {
        pooled
    } else {
        fit_random(d, &all_names, pooled, quadrature, opts, source, between)?
    };
    Ok(finish(result))
}

/// What the single-node fit does last: a non-finite robust covariance (one
/// cluster) is dropped, a non-finite covariance makes the fit singular.
fn finish(mut f: Fit) -> Fit {
    if f.robust_vcov.iter().any(|v| !v.is_finite()) {
        f.robust_vcov.clear();
    }
    if f.vcov.iter().any(|v| !v.is_finite()) {
        f.vcov.clear();
        f.robust_vcov.clear();
        f.converged = false;
        f.message = Some(SINGULAR.to_string());
    }
    f
}

fn fit_random(
    d: &Described,
    names: &[String],
    pooled: Fit,
    (quadrature, points): (Quadrature, usize),
    opts: Options,
    source: &mut dyn ModelSource,
    between: Check<'_>,
) -> Result<Fit> {
    let k = d.k;
    let p = k + 2;
    check_identified(d, p)?;
    if d.n_units < 2 {
        return Err(Error::invalid("random effects need at least two units"));
    }
    if d.obs_per_unit.2 < 2 {
        return Err(Error::invalid(
            "every unit has a single row: sigma_u and sigma_e are not separately identified (use model 'pooled')",
        ));
    }
    let mut theta = pooled.beta.clone();
    let half = (pooled.sigma_e / SQRT_2).ln();
    theta.extend([half, half]);
    let mut warm_iterations = 0;
    if quadrature == Quadrature::Adaptive && points > WARM_POINTS {
        source.set_model(Model::RandomEffects, (quadrature, WARM_POINTS));
        let loose = Options { tolerance: 1e-9, ..opts };
        if let Ok(w) = maximise(&mut Remote { source: &mut *source, p }, theta.clone(), loose, &mut *between) {
            if w.log_likelihood.is_finite() && w.theta.iter().all(|v| v.is_finite()) {
                warm_iterations = w.iterations;
                theta = w.theta;
            }
        }
    }
    source.set_model(Model::RandomEffects, (quadrature, points));
    let mut out = maximise(&mut Remote { source: &mut *source, p }, theta, opts, &mut *between)?;
    out.iterations += warm_iterations;
    let at_boundary =
        out.theta[k + 1] - out.theta[k] < (1e-4f64).ln() || Cholesky::new(&out.information, p, &[]).is_err();
    if at_boundary && out.log_likelihood - pooled.log_likelihood <= 1e-6 * (1.0 + pooled.log_likelihood.abs()) {
        let q = k + 1;
        let widen = |v: &[f64]| -> Vec<f64> {
            if v.is_empty() {
                return Vec::new();
            }
            let mut w = vec![0.0; p * p];
            for a in 0..q {
                for b in 0..q {
                    w[a * p + b] = v[a * q + b];
                }
            }
            w
        };
        return Ok(Fit {
            model: Model::RandomEffects,
            sigma_u: Some(0.0),
            vcov: widen(&pooled.vcov),
            robust_vcov: widen(&pooled.robust_vcov),
            pooled_log_likelihood: Some(pooled.log_likelihood),
            iterations: out.iterations,
            converged: !pooled.vcov.is_empty(),
            message: if pooled.vcov.is_empty() { pooled.message.clone() } else { None },
            n_params: p,
            quadrature: Some((quadrature, points)),
            ..pooled
        });
    }
    let (vcov, singular) = covariance_or_message(
        &out.information,
        p,
        "the information matrix is singular at the estimate (is sigma_u 0?): standard errors are undefined",
    );
    let robust_vcov = robust(source, &out.theta, &vcov, d.n_units)?;
    let fitted = from_outcome(Model::RandomEffects, d, names, &out, vcov, robust_vcov);
    Ok(Fit {
        sigma_u: Some(out.theta[k + 1].exp()),
        pooled_log_likelihood: Some(pooled.log_likelihood),
        quadrature: Some((quadrature, points)),
        converged: fitted.converged && singular.is_none(),
        message: singular.or(fitted.message.clone()),
        ..fitted
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tobit::rows::{Rows, Spec};
    use crate::tobit::{fit as fit_single, Settings};

    /// The rows of a panel split by unit, summed in memory: the one-node
    /// source (what the SQL passes compute).
    struct Local {
        units: Vec<(Vec<f64>, Vec<f64>)>,
        k0: usize,
        lower: Option<f64>,
        upper: Option<f64>,
        model: Model,
        quadrature: (Quadrature, usize),
        passes: usize,
    }

    impl Source for Local {
        fn sums(&mut self, request: Request, theta: &[f64]) -> Result<Vec<f64>> {
            self.passes += 1;
            let mut total: Vec<f64> = Vec::new();
            // units in reverse: the sums' order differs from the single-node fit's
            for (y, x) in self.units.iter().rev() {
                let v = unit_terms(y, x, self.k0, self.lower, self.upper, self.model, theta, self.quadrature, request)?;
                if total.is_empty() {
                    total = v;
                } else {
                    total.iter_mut().zip(&v).for_each(|(a, b)| *a += b);
                }
            }
            Ok(total)
        }
    }

    impl ModelSource for Local {
        fn set_model(&mut self, model: Model, quadrature: (Quadrature, usize)) {
            (self.model, self.quadrature) = (model, quadrature);
        }
    }

    fn panel(seed: u64) -> Vec<(f64, [f64; 2], i64)> {
        let mut rng = crate::rng::Rng::new(seed);
        let mut r = Uniform(&mut rng);
        let mut rows = Vec::new();
        for u in 0..40i64 {
            let a = r.next_f64() - 0.5;
            for _ in 0..(3 + u % 5) {
                let (x1, x2) = (r.next_f64() * 2.0, r.next_f64() - 0.5);
                let e = (r.next_f64() - 0.5) * 1.2;
                rows.push(((0.3 + 0.8 * x1 - 0.6 * x2 + a + e).clamp(0.0, 1.6), [x1, x2], u));
            }
        }
        rows
    }

    struct Uniform<'a>(&'a mut crate::rng::Rng);
    impl Uniform<'_> {
        fn next_f64(&mut self) -> f64 {
            (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn both(model: Model, quadrature: (Quadrature, usize)) -> (Fit, Fit, usize) {
        let data = panel(7);
        let names = vec!["x1".to_string(), "x2".to_string()];
        let spec = Spec {
            lower: Some(0.0),
            upper: Some(1.6),
            model,
            names: names.clone(),
            quadrature: Some(quadrature.0),
            points: Some(quadrature.1),
        };
        let mut rows = Rows::default();
        for (y, x, u) in &data {
            rows.add(*y, x, *u, &spec).unwrap();
        }
        let single = fit_single(&rows, Settings::default(), None, &mut crate::interrupt::none()).unwrap();
        let mut units: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); 40];
        for (y, x, u) in &data {
            units[*u as usize].0.push(*y);
            units[*u as usize].1.extend_from_slice(x);
        }
        let mut src =
            Local { units, k0: 2, lower: Some(0.0), upper: Some(1.6), model: Model::Pooled, quadrature, passes: 0 };
        let sums = src.sums(Request::Summary, &[]).unwrap();
        let lens: Vec<usize> = src.units.iter().map(|u| u.0.len()).collect();
        let max_y = data.iter().map(|r| r.0.abs()).fold(0.0, f64::max);
        let d = Described::new(&sums, 3, *lens.iter().min().unwrap(), *lens.iter().max().unwrap(), max_y).unwrap();
        let dist =
            fit(model, &names, &d, quadrature, Options::default(), &mut src, &mut crate::interrupt::none()).unwrap();
        (single, dist, src.passes)
    }

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{x} vs {y}");
        }
    }

    #[test]
    fn pooled_from_unit_sums_equals_the_single_node_fit() {
        let (s, d, passes) = both(Model::Pooled, (Quadrature::Adaptive, 12));
        assert!(d.converged && s.converged);
        close(&d.beta, &s.beta, 1e-10);
        close(&[d.sigma_e, d.log_likelihood], &[s.sigma_e, s.log_likelihood], 1e-10);
        close(&d.vcov, &s.vcov, 1e-9);
        close(&d.robust_vcov, &s.robust_vcov, 1e-9);
        close(&d.x_means, &s.x_means, 1e-12);
        assert_eq!(
            (d.n, d.n_units, d.n_left, d.n_uncensored, d.n_right),
            (s.n, s.n_units, s.n_left, s.n_uncensored, s.n_right)
        );
        assert_eq!(d.obs_per_unit, s.obs_per_unit);
        assert!(passes < 20, "{passes} passes");
    }

    #[test]
    fn random_effects_from_unit_sums_equal_the_single_node_fit() {
        for q in [(Quadrature::Adaptive, 12), (Quadrature::Plain, 8)] {
            let (s, d, _) = both(Model::RandomEffects, q);
            assert!(d.converged && s.converged, "{:?} {:?}", d.message, s.message);
            assert!(s.sigma_u.unwrap() > 0.05, "an interior optimum, not the boundary: {:?}", s.sigma_u);
            close(&d.beta, &s.beta, 1e-9);
            close(
                &[d.sigma_e, d.sigma_u.unwrap(), d.log_likelihood],
                &[s.sigma_e, s.sigma_u.unwrap(), s.log_likelihood],
                1e-9,
            );
            close(&d.vcov, &s.vcov, 1e-8);
            close(&d.robust_vcov, &s.robust_vcov, 1e-8);
            assert!(d.pooled_log_likelihood.is_some());
            close(&[d.pooled_log_likelihood.unwrap()], &[s.pooled_log_likelihood.unwrap()], 1e-10);
            assert_eq!(d.quadrature, s.quadrature);
        }
    }

    #[test]
    fn unit_terms_do_not_depend_on_row_order_and_check_their_input() {
        let y = [0.5, 0.0, 1.2, 0.7];
        let x = [0.1, 1.0, 0.3, -0.2, 0.9, 0.4, 0.2, 0.2];
        let theta = [0.2, 0.5, -0.3, -0.4, -1.0];
        let q = (Quadrature::Adaptive, 12);
        let a = unit_terms(&y, &x, 2, Some(0.0), None, Model::RandomEffects, &theta, q, Request::Hessian).unwrap();
        let (yr, xr) = ([0.7, 1.2, 0.0, 0.5], [0.2, 0.2, 0.9, 0.4, 0.3, -0.2, 0.1, 1.0]);
        let b = unit_terms(&yr, &xr, 2, Some(0.0), None, Model::RandomEffects, &theta, q, Request::Hessian).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), terms_len(5));
        let e = unit_terms(&y, &x, 2, Some(0.0), None, Model::RandomEffects, &theta[..4], q, Request::Hessian);
        assert!(e.unwrap_err().message.contains("theta has 4 values"));
        let e = unit_terms(&y, &x[..7], 2, Some(0.0), None, Model::Pooled, &theta[..4], q, Request::Value);
        assert!(e.is_err());
        assert!(parameters(Model::FixedEffects, 3).is_err());
        assert!(Request::from_code(4).is_err());
        // sizes from the input are checked before any allocation
        let e = unit_terms(&[], &[], usize::MAX - 2, None, None, Model::Pooled, &[], q, Request::Summary).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::OutOfMemory);
        let e = unit_terms(&[], &[], 1 << 40, None, None, Model::Pooled, &[], q, Request::Summary).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::OutOfMemory);
        let e = unit_terms(&[], &[], usize::MAX, None, None, Model::Pooled, &[], q, Request::Summary).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidParameter);
        let e = unit_terms(&[], &[], 1 << 40, None, None, Model::Pooled, &[0.0; 3], q, Request::Value).unwrap_err();
        assert!(e.message.contains("theta has 3 values"), "{}", e.message);
        assert_eq!(
            unit_terms(&[], &[], 1, None, None, Model::Pooled, &[0.0; 3], q, Request::Value).unwrap(),
            vec![0.0; terms_len(3)]
        );
        let s = unit_terms(&y, &x, 2, Some(0.0), None, Model::Pooled, &[], q, Request::Summary).unwrap();
        assert_eq!(s.len(), summary_len(3));
        assert_eq!(&s[..5], &[4.0, 1.0, 3.0, 0.0, 1.0]);
    }
}
