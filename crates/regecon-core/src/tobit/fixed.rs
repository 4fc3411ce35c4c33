//! Fixed-effects Tobit by unit dummies, without the dummy matrix.
//!
//! y*_it = x_it' beta + alpha_i + e_it. The maximum-likelihood estimate with
//! one dummy per unit equals the maximum of the profile likelihood
//! l_p(beta, tau) = max_alpha l(beta, tau, alpha): for given (beta, tau) each
//! alpha_i solves a one-dimensional concave problem (Newton), the profile
//! gradient is the (beta, tau) gradient at those alphas, and the profile
//! Hessian is the Schur complement A - sum_i b_i b_i' / d_i of the unit
//! blocks, which is also the inverse of the (beta, tau) block of the full
//! covariance. Cost O(n k^2) per iteration whatever the number of units.
//!
//! Caveat (incidental parameters, Neyman and Scott 1948; Greene 2004): with
//! few periods per unit the estimates are biased, sigma_e towards zero
//! (for T = 2 roughly by a factor sqrt(1/2) without censoring) and the slopes
//! less so. Units whose rows are all censored at the same bound have no
//! finite alpha_i and are dropped (they carry no information on beta).

use super::likelihood::observation;
use super::newton::{maximise, maximise_1d, Objective, Options};
use super::panel::{sandwich, Panel};
use super::{Censoring, Fit, Model};
use crate::error::{Error, Result};
use crate::interrupt::{Check, Ticker};
use crate::linalg::Cholesky;

/// Units of the starting values between two interrupt checks.
const UNITS_PER_CHECK: usize = 1024;

/// Rows of work between two interrupt checks (about a millisecond).
const CHECK_ROWS: u32 = 8192;

pub struct FixedEffects<'a> {
    panel: &'a Panel,
    /// The units kept (indices into the panel's units).
    units: Vec<usize>,
    /// Current alpha of each kept unit (the warm start of the next solve).
    alpha: Vec<f64>,
}

/// The units that have a finite alpha: not all rows censored at one bound.
pub fn kept_units(panel: &Panel) -> Vec<usize> {
    (0..panel.n_units())
        .filter(|&g| {
            let r = panel.rows(g);
            let all = |c: Censoring| panel.cens[r.clone()].iter().all(|v| *v == c);
            !(all(Censoring::Left) || all(Censoring::Right))
        })
        .collect()
}

impl<'a> FixedEffects<'a> {
    /// Keeps the units that have a finite alpha; returns the number dropped.
    pub fn new(panel: &'a Panel) -> (Self, usize) {
        let units = kept_units(panel);
        let dropped = panel.n_units() - units.len();
        let alpha = vec![0.0; units.len()];
        (FixedEffects { panel, units, alpha }, dropped)
    }

    /// alpha_i maximising the unit's likelihood at (beta, tau), by safeguarded Newton.
    fn solve_alpha(&self, g: usize, eta: &[f64], theta: &[f64], start: f64) -> f64 {
        let pn = self.panel;
        let k = pn.k;
        let tau = theta[k];
        let sigma = tau.exp();
        let inv = 1.0 / sigma;
        let rows = pn.rows(g);
        let eval = |a: f64| -> (f64, f64, f64) {
            let (mut l, mut d1, mut d2) = (0.0, 0.0, 0.0);
            for (t, i) in rows.clone().enumerate() {
                let o = observation(pn.y[i], eta[t] + a, inv, tau, pn.cens[i], pn.lower, pn.upper);
                l += o[0];
                d1 += o[1];
                d2 += o[3];
            }
            (l, d1, d2)
        };
        maximise_1d(start, eval, |_| sigma).0
    }

    /// Profile likelihood terms over the kept units; updates the alphas.
    /// Returns (ll, gradient, negative profile Hessian, per-unit scores).
    /// `check` runs every few thousand rows.
    fn profile(
        &mut self,
        theta: &[f64],
        hessian: bool,
        scores: bool,
        mut check: Check<'_>,
    ) -> (f64, Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
        let mut ticker = Ticker::new(&mut check, CHECK_ROWS);
        let pn = self.panel;
        let k = pn.k;
        let p = k + 1;
        let tau = theta[k];
        let inv = (-tau).exp();
        let mut ll = 0.0;
        let mut grad = vec![0.0; p];
        let mut h = vec![0.0; if hessian { p * p } else { 0 }];
        let mut unit_scores = Vec::new();
        for (j, &g) in self.units.iter().enumerate() {
            let rows = pn.rows(g);
            // the unit's Newton solve costs a few passes over its rows
            ticker.tick_by(4 * rows.len());
            let eta: Vec<f64> =
                rows.clone().map(|i| pn.row(i).iter().zip(&theta[..k]).map(|(a, b)| a * b).sum()).collect();
            let a = self.solve_alpha(g, &eta, theta, self.alpha[j]);
            self.alpha[j] = a;
            let mut b = vec![0.0; p]; // cross terms with alpha_i (negative Hessian)
            let mut d = 0.0;
            let mut s = vec![0.0; if scores { p } else { 0 }];
            for (t, i) in rows.clone().enumerate() {
                let [l, de, dt, dee, det, dtt] =
                    observation(pn.y[i], eta[t] + a, inv, tau, pn.cens[i], pn.lower, pn.upper);
                ll += l;
                let xi = pn.row(i);
                for c in 0..k {
                    grad[c] += de * xi[c];
                }
                grad[k] += dt;
                if scores {
                    for c in 0..k {
                        s[c] += de * xi[c];
                    }
                    s[k] += dt;
                }
                if hessian {
                    for c in 0..k {
                        for e in 0..=c {
                            h[c * p + e] -= dee * xi[c] * xi[e];
                        }
                        h[k * p + c] -= det * xi[c];
                        b[c] -= dee * xi[c];
                    }
                    h[k * p + k] -= dtt;
                    b[k] -= det;
                    d -= dee;
                }
            }
            if hessian && d > 0.0 {
                for c in 0..p {
                    for e in 0..=c {
                        h[c * p + e] -= b[c] * b[e] / d;
                    }
                }
            }
            if scores {
                unit_scores.push(s);
            }
        }
        if hessian {
            for c in 0..p {
                for e in 0..c {
                    h[e * p + c] = h[c * p + e];
                }
            }
        }
        (ll, grad, h, unit_scores)
    }

    /// The fitted alpha of each kept unit, with the unit's index.
    pub fn alphas(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.units.iter().copied().zip(self.alpha.iter().copied())
    }
}

impl Objective for FixedEffects<'_> {
    fn evaluate(&mut self, theta: &[f64], hessian: bool, check: Check<'_>) -> Result<(f64, Vec<f64>, Vec<f64>)> {
        let (ll, g, h, _) = self.profile(theta, hessian, false, check);
        Ok((ll, g, h))
    }
}

/// Fits a fixed-effects Tobit (the panel without an intercept).
pub fn fit(panel: &Panel, opts: Options, between: Check<'_>) -> Result<Fit> {
    let k = panel.k;
    let (mut obj, dropped) = FixedEffects::new(panel);
    let used: Vec<usize> = obj.units.clone();
    let n_used: usize = used.iter().map(|&g| panel.rows(g).len()).sum();
    if used.is_empty() {
        return Err(Error::invalid("every unit has all its rows censored at the same bound: no unit effect is finite"));
    }
    let params = k + 1 + used.len();
    if n_used <= params {
        return Err(Error::invalid(format!(
            "{n_used} observations for {params} parameters ({k} slopes, sigma and {} unit effects): need more observations than parameters",
            used.len()
        )));
    }
    let rows_used = || used.iter().flat_map(|&g| panel.rows(g));
    if rows_used().all(|i| panel.cens[i] != Censoring::Uncensored) {
        return Err(Error::invalid("every observation is censored: sigma is not identified"));
    }
    // starting values: OLS on the within-unit deviations
    let mut xtx = vec![0.0; k * k];
    let mut xty = vec![0.0; k];
    let mut means = Vec::with_capacity(used.len());
    for (done, &g) in used.iter().enumerate() {
        if done % UNITS_PER_CHECK == UNITS_PER_CHECK - 1 {
            between();
        }
        let r = panel.rows(g);
        let m = r.len() as f64;
        let ym = panel.y[r.clone()].iter().sum::<f64>() / m;
        let mut xm = vec![0.0; k];
        for i in r.clone() {
            panel.row(i).iter().enumerate().for_each(|(c, v)| xm[c] += v / m);
        }
        for i in r {
            let xi = panel.row(i);
            for a in 0..k {
                let xa = xi[a] - xm[a];
                xty[a] += xa * (panel.y[i] - ym);
                for b in 0..k {
                    xtx[a * k + b] += xa * (xi[b] - xm[b]);
                }
            }
        }
        means.push((ym, xm));
    }
    let beta0 = Cholesky::new(&xtx, k, &panel.names)
        .map_err(|e| {
            Error::invalid(format!("{} within units: fixed effects absorb what does not vary within a unit", e.message))
        })?
        .solve(&xty);
    let mut rss = 0.0;
    for (j, &g) in used.iter().enumerate() {
        let (ym, xm) = &means[j];
        obj.alpha[j] = ym - xm.iter().zip(&beta0).map(|(a, b)| a * b).sum::<f64>();
        for i in panel.rows(g) {
            let e = panel.y[i] - obj.alpha[j] - panel.row(i).iter().zip(&beta0).map(|(a, b)| a * b).sum::<f64>();
            rss += e * e;
        }
    }
    let scale = 1.0 + panel.y.iter().map(|v| v.abs()).fold(0.0, f64::max);
    let s0 = (rss / n_used as f64).sqrt().max(1e-6 * scale);
    let mut theta = beta0;
    theta.push(s0.ln());
    let out = maximise(&mut obj, theta, opts, &mut *between)?;
    let (vcov, singular) = super::fit::covariance_or_message(&out.information, k + 1, super::fit::SINGULAR);
    let robust_vcov = if vcov.is_empty() {
        Vec::new()
    } else {
        let (_, _, _, scores) = obj.profile(&out.theta, false, true, between);
        sandwich(&vcov, &scores)
    };
    let fitted = Fit::from_outcome(Model::FixedEffects, panel, &out, vcov, robust_vcov);
    // counts and means over the rows of the units kept
    let mut n_left = 0;
    let mut n_right = 0;
    let mut x_means = vec![0.0; k];
    let mut offset = 0.0;
    for (j, &g) in used.iter().enumerate() {
        for i in panel.rows(g) {
            match panel.cens[i] {
                Censoring::Left => n_left += 1,
                Censoring::Right => n_right += 1,
                Censoring::Uncensored => {}
            }
            panel.row(i).iter().enumerate().for_each(|(c, v)| x_means[c] += v / n_used as f64);
            offset += obj.alpha[j] / n_used as f64;
        }
    }
    Ok(Fit {
        n: n_used,
        n_left,
        n_uncensored: n_used - n_left - n_right,
        n_right,
        n_units: used.len(),
        dropped_units: dropped,
        n_params: params,
        x_means,
        offset_mean: offset,
        obs_per_unit: super::fit::obs_per_unit(panel, Some(&used)),
        converged: fitted.converged && singular.is_none(),
        message: singular.or(fitted.message.clone()),
        ..fitted
    })
}

#[cfg(test)]
mod tests {
    use super::super::pooled;
    use super::*;

    /// FE equals a pooled Tobit with explicit unit dummies (and no intercept).
    #[test]
    fn equals_pooled_with_dummies() {
        // 5 units x 4 periods, one regressor, censored at 0 and 3
        let y = [0.0, 1.2, 2.0, 3.0, 0.4, 0.0, 1.1, 2.5, 1.9, 3.0, 3.0, 2.2, 0.0, 0.0, 0.7, 1.5, 2.8, 1.0, 0.0, 2.1];
        let x =
            [-1.0, 0.2, 1.1, 2.0, 0.5, -0.7, 0.1, 1.4, -0.2, 0.9, 1.6, 0.3, -1.5, -0.8, 0.4, 1.0, 1.8, 0.0, -0.9, 1.2];
        let unit: Vec<i64> = (0..20).map(|i| i / 4).collect();
        let names = vec!["x".to_string()];
        let panel = Panel::new(&y, &x, &unit, &names, false, Some(0.0), Some(3.0)).unwrap();
        let fe = fit(&panel, Options::default(), &mut || {}).unwrap();
        // explicit dummies
        let mut xd = Vec::new();
        let mut dnames = names.clone();
        dnames.extend((0..5).map(|g| format!("d{g}")));
        for i in 0..20 {
            xd.push(x[i]);
            xd.extend((0..5).map(|g| if unit[i] == g { 1.0 } else { 0.0 }));
        }
        let ids: Vec<i64> = (0..20).collect();
        let dummies = Panel::new(&y, &xd, &ids, &dnames, false, Some(0.0), Some(3.0)).unwrap();
        let pd = pooled::fit(&dummies, Options::default(), None, &mut || {}).unwrap();
        assert!(fe.converged && pd.converged);
        assert!((fe.beta[0] - pd.beta[0]).abs() < 1e-10, "{} vs {}", fe.beta[0], pd.beta[0]);
        assert!((fe.sigma_e - pd.sigma_e).abs() < 1e-10);
        assert!((fe.log_likelihood - pd.log_likelihood).abs() < 1e-10);
        // the slope's variance is the (x, x) element of the full inverse
        let p = pd.beta.len() + 1;
        assert!((fe.vcov[0] - pd.vcov[0]).abs() < 1e-9 * pd.vcov[0], "{} vs {}", fe.vcov[0], pd.vcov[0]);
        // ln sigma too
        assert!((fe.vcov[3] - pd.vcov[p * p - 1]).abs() < 1e-9 * pd.vcov[p * p - 1]);
    }

    #[test]
    fn drops_units_censored_at_one_bound_and_names_time_invariant_regressors() {
        let y = [0.0, 0.0, 0.0, 1.0, 2.0, 0.5, 1.5, 0.0, 2.5];
        let x = [1.0, 2.0, 3.0, 0.5, 1.5, 0.1, 1.1, -0.4, 2.0];
        let unit = [1, 1, 1, 2, 2, 3, 3, 4, 4];
        let panel = Panel::new(&y, &x, &unit, &["x".into()], false, Some(0.0), None).unwrap();
        let fe = fit(&panel, Options::default(), &mut || {}).unwrap();
        assert_eq!((fe.dropped_units, fe.n_units, fe.n), (1, 3, 6));
        // a regressor constant within units is absorbed by the unit effects
        let y = [0.5, 1.0, 0.0, 1.0, 2.0, 0.5, 1.5, 0.0, 2.5, 0.7, 0.2, 1.9];
        let xz: Vec<f64> = (0..12).flat_map(|i| [(i * 7 % 5) as f64, (i / 3) as f64]).collect();
        let unit: Vec<i64> = (0..12).map(|i| i / 3).collect();
        let panel = Panel::new(&y, &xz, &unit, &["x".into(), "region".into()], false, Some(0.0), None).unwrap();
        let e = fit(&panel, Options::default(), &mut || {}).unwrap_err();
        assert!(e.message.contains("region") && e.message.contains("within units"), "{}", e.message);
    }

    #[test]
    fn profile_checks_for_interrupts() {
        let n = 40_000usize;
        let y: Vec<f64> = (0..n).map(|i| (((i * 7919) % 13) as f64 / 3.0 - 1.0).max(0.0)).collect();
        let x: Vec<f64> = (0..n).map(|i| ((i * 104_729) % 17) as f64 / 5.0).collect();
        let unit: Vec<i64> = (0..n as i64).map(|i| i / 4).collect();
        let panel = Panel::new(&y, &x, &unit, &["x".into()], false, Some(0.0), None).unwrap();
        let (mut fe, _) = FixedEffects::new(&panel);
        let mut calls = 0;
        fe.evaluate(&[0.1, 0.0], true, &mut || calls += 1).unwrap();
        assert!(calls >= 4 * n / CHECK_ROWS as usize - 1, "{calls}");
    }

    /// Simulated panel with unit effects correlated with x (where random
    /// effects would be inconsistent): FE recovers the planted slopes.
    #[test]
    fn recovers_planted_slopes() {
        let mut r = crate::rng::Rng::new(77);
        let mut unif = || (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let mut normal = move || {
            let (a, b) = (unif(), unif());
            (-2.0 * (1.0 - a).ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
        };
        let (beta, sigma) = ([1.0, -0.5], 0.7);
        let (mut y, mut x, mut id) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..400 {
            let alpha = normal();
            for _ in 0..10 {
                let x1 = alpha + normal(); // correlated with the unit effect
                let x2 = normal();
                let ys = alpha + beta[0] * x1 + beta[1] * x2 + sigma * normal();
                y.push(ys.clamp(-0.5, 2.5));
                x.extend([x1, x2]);
                id.push(i);
            }
        }
        let panel = Panel::new(&y, &x, &id, &["x1".into(), "x2".into()], false, Some(-0.5), Some(2.5)).unwrap();
        let f = fit(&panel, Options::default(), &mut || {}).unwrap();
        assert!(f.converged);
        let se = f.std_errors(false);
        for j in 0..2 {
            assert!((f.beta[j] - beta[j]).abs() < 4.0 * se[j], "beta[{j}] = {} +- {}", f.beta[j], se[j]);
        }
        // incidental parameters: sigma_e is biased down by about sqrt((T - 1) / T)
        assert!(f.sigma_e < sigma && f.sigma_e > 0.85 * sigma, "{}", f.sigma_e);
    }
}
