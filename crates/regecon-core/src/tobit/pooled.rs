//! Pooled Tobit by maximum likelihood (Tobin 1958; Amemiya 1973), the model
//! of R's `AER::tobit` and Stata's `tobit`.
//!
//! Parameters theta = (beta, tau = ln sigma). With r = (y - x'b)/sigma,
//! a = (lower - x'b)/sigma, c = (x'b - upper)/sigma and lambda = phi/Phi:
//!
//! the per-row log-likelihood and its derivatives are those of
//! [`super::likelihood`] (shared with the random- and fixed-effects models),
//! summed over the rows. Newton-Raphson
//! from OLS starting values, with step halving and a Levenberg shift when the
//! negative Hessian is not positive definite; standard errors from the
//! inverse observed information (as AER, which reports Log(scale)), and
//! cluster-robust (sandwich) on request.

use super::likelihood::observation;
use super::newton::{maximise, Objective, Options};
use super::panel::{sandwich, Panel};
use super::{Fit, Model};
use crate::error::{Error, Result};
use crate::interrupt::{Check, Ticker};
use crate::linalg::Cholesky;

/// The pooled likelihood over the rows of a panel; theta = (beta, ln sigma).
pub struct Pooled<'a> {
    pub panel: &'a Panel,
    /// Blocks of rows are summed in parallel here (in a fixed order: the
    /// result does not depend on the number of threads).
    pub pool: Option<&'a rayon::ThreadPool>,
}

/// Rows per parallel block.
const BLOCK: usize = 4096;

impl Pooled<'_> {
    /// Per-row terms at theta, passed to `each(row, [l, d_eta, ...])`.
    fn rows(&self, theta: &[f64], rows: std::ops::Range<usize>, mut each: impl FnMut(usize, [f64; 6])) {
        let p = self.panel;
        let k = p.k;
        let log_sigma = theta[k];
        let inv = (-log_sigma).exp();
        for i in rows {
            let eta: f64 = p.row(i).iter().zip(&theta[..k]).map(|(a, b)| a * b).sum();
            each(i, observation(p.y[i], eta, inv, log_sigma, p.cens[i], p.lower, p.upper));
        }
    }

    /// Score of each unit (the clusters of the robust covariance); `check`
    /// runs every few thousand rows.
    pub fn unit_scores(&self, theta: &[f64], mut check: Check<'_>) -> Vec<Vec<f64>> {
        let k = self.panel.k;
        let mut ticker = Ticker::new(&mut check, BLOCK as u32);
        (0..self.panel.n_units())
            .map(|g| {
                ticker.tick_by(self.panel.rows(g).len());
                let mut s = vec![0.0; k + 1];
                self.rows(theta, self.panel.rows(g), |i, o| {
                    for (a, v) in self.panel.row(i).iter().enumerate() {
                        s[a] += o[1] * v;
                    }
                    s[k] += o[2];
                });
                s
            })
            .collect()
    }
}

impl Pooled<'_> {
    /// Log-likelihood, gradient and negative Hessian (lower triangle) of a block of rows.
    fn block(&self, theta: &[f64], rows: std::ops::Range<usize>, hessian: bool) -> (f64, Vec<f64>, Vec<f64>) {
        let k = self.panel.k;
        let p = k + 1;
        let mut ll = 0.0;
        let mut g = vec![0.0; p];
        let mut h = vec![0.0; if hessian { p * p } else { 0 }];
        self.rows(theta, rows, |i, [l, de, dt, dee, det, dtt]| {
            let xi = self.panel.row(i);
            ll += l;
            for (ga, xa) in g.iter_mut().zip(xi) {
                *ga += de * xa;
            }
            g[k] += dt;
            if hessian {
                for a in 0..k {
                    let w = dee * xi[a];
                    for (hb, xb) in h[a * p..a * p + a + 1].iter_mut().zip(&xi[..=a]) {
                        *hb -= w * xb;
                    }
                }
                for (hb, xb) in h[k * p..k * p + k].iter_mut().zip(xi) {
                    *hb -= det * xb;
                }
                h[k * p + k] -= dtt;
            }
        });
        (ll, g, h)
    }
}

impl Objective for Pooled<'_> {
    fn evaluate(&mut self, theta: &[f64], hessian: bool, check: Check<'_>) -> Result<(f64, Vec<f64>, Vec<f64>)> {
        let p = self.panel.k + 1;
        let n = self.panel.n();
        let this = &*self;
        // blocks of BLOCK rows (the same blocks whatever the threads, summed
        // in order), a few per thread between two checks
        let parts = crate::interrupt::sliced(self.pool, n, BLOCK, check, |r| Ok(vec![this.block(theta, r, hessian)]))?;
        let mut ll = 0.0;
        let mut g = vec![0.0; p];
        let mut h = vec![0.0; if hessian { p * p } else { 0 }];
        for (l, gg, hh) in parts {
            ll += l;
            g.iter_mut().zip(&gg).for_each(|(a, b)| *a += b);
            h.iter_mut().zip(&hh).for_each(|(a, b)| *a += b);
        }
        if hessian {
            for a in 0..p {
                for b in 0..a {
                    h[b * p + a] = h[a * p + b];
                }
            }
        }
        Ok((ll, g, h))
    }
}

/// OLS of y on the design: coefficients and the ML residual scale, the
/// starting values; also the collinearity check, naming the column.
pub fn ols(panel: &Panel, mut between: Check<'_>) -> Result<(Vec<f64>, f64)> {
    let (n, k) = (panel.n(), panel.k);
    let mut xtx = vec![0.0; k * k];
    let mut xty = vec![0.0; k];
    let mut ticker = crate::interrupt::Ticker::new(&mut between, 16_384);
    for i in 0..n {
        ticker.tick();
        let xi = panel.row(i);
        for a in 0..k {
            xty[a] += xi[a] * panel.y[i];
            for b in 0..k {
                xtx[a * k + b] += xi[a] * xi[b];
            }
        }
    }
    let b = Cholesky::new(&xtx, k, &panel.names)?.solve(&xty);
    let rss: f64 = (0..n)
        .map(|i| {
            let e = panel.y[i] - panel.row(i).iter().zip(&b).map(|(a, c)| a * c).sum::<f64>();
            e * e
        })
        .sum();
    let scale = 1.0 + panel.y.iter().map(|v| v.abs()).fold(0.0, f64::max);
    Ok((b, (rss / n.saturating_sub(k).max(1) as f64).sqrt().max(1e-8 * scale)))
}

/// Checks common to every model: enough rows, some uncensored.
pub fn check_identified(panel: &Panel, params: usize) -> Result<()> {
    let n = panel.n();
    if n <= params {
        return Err(Error::invalid(format!(
            "{n} observations for {params} parameters: need more observations than parameters"
        )));
    }
    if panel.counts().1 == 0 {
        return Err(Error::invalid("every observation is censored: sigma is not identified"));
    }
    Ok(())
}

/// Fits a pooled Tobit (with the panel's design, intercept included there).
pub fn fit(panel: &Panel, opts: Options, pool: Option<&rayon::ThreadPool>, between: Check<'_>) -> Result<Fit> {
    let k = panel.k;
    check_identified(panel, k + 1)?;
    let (b0, s0) = ols(panel, &mut *between)?;
    let mut theta = b0;
    theta.push(s0.ln());
    let mut obj = Pooled { panel, pool };
    let out = maximise(&mut obj, theta, opts, &mut *between)?;
    // a singular information matrix keeps the estimates, without covariances
    let (vcov, singular) = super::fit::covariance_or_message(&out.information, k + 1, super::fit::SINGULAR);
    let robust_vcov = if vcov.is_empty() { Vec::new() } else { sandwich(&vcov, &obj.unit_scores(&out.theta, between)) };
    let mut f = Fit::from_outcome(Model::Pooled, panel, &out, vcov, robust_vcov);
    if singular.is_some() {
        (f.converged, f.message) = (false, singular);
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pooled fit of y on x (row-major, k columns), one unit per row.
    pub fn fit_rows(y: &[f64], x: &[f64], names: &[String], lower: Option<f64>, upper: Option<f64>) -> Result<Fit> {
        let units: Vec<i64> = (0..y.len() as i64).collect();
        let panel = Panel::new(y, x, &units, names, true, lower, upper)?;
        fit(&panel, Options::default(), None, &mut || {})
    }

    /// Central differences of the likelihood equal the analytic gradient.
    #[test]
    fn analytic_derivatives_match_finite_differences() {
        let y = [0.0, 1.5, 4.0, 2.2, 0.0, 3.1, 4.0];
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7, 3.0];
        let panel = Panel::new(&y, &x, &[1, 1, 2, 2, 3, 3, 3], &["x".into()], true, Some(0.0), Some(4.0)).unwrap();
        let mut prob = Pooled { panel: &panel, pool: None };
        let theta = [0.2, 1.1, 0.1];
        let (_, g, h) = prob.evaluate(&theta, true, &mut || {}).unwrap();
        let eps = 1e-6;
        for j in 0..3 {
            let mut a = theta;
            let mut b = theta;
            a[j] += eps;
            b[j] -= eps;
            let (la, ga, _) = prob.evaluate(&a, false, &mut || {}).unwrap();
            let (lb, gb, _) = prob.evaluate(&b, false, &mut || {}).unwrap();
            let num = (la - lb) / (2.0 * eps);
            assert!((num - g[j]).abs() < 1e-6 * (1.0 + g[j].abs()), "gradient {j}: {num} vs {}", g[j]);
            for i in 0..3 {
                let num_h = -(ga[i] - gb[i]) / (2.0 * eps);
                assert!((num_h - h[i * 3 + j]).abs() < 1e-5 * (1.0 + h[i * 3 + j].abs()), "hessian {i},{j}");
            }
        }
        // the unit scores add up to the gradient
        let scores = prob.unit_scores(&theta, &mut || {});
        assert_eq!(scores.len(), 3);
        for j in 0..3 {
            let s: f64 = scores.iter().map(|v| v[j]).sum();
            assert!((s - g[j]).abs() < 1e-12 * (1.0 + g[j].abs()));
        }
    }

    #[test]
    fn uncensored_data_give_ols() {
        // no censoring: Tobit = OLS for beta, sigma^2 = RSS / n (ML)
        let y = [1.0, 2.0, 2.5, 4.5, 5.0, 7.0];
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let f = fit_rows(&y, &x, &["x".to_string()], None, None).unwrap();
        // OLS: slope = Sxy / Sxx = 20.5 / 17.5 = 41/35, intercept = 11/3 - 41/35 * 2.5 = 31/42
        assert!((f.beta[1] - 41.0 / 35.0).abs() < 1e-12, "{:?}", f.beta);
        assert!((f.beta[0] - 31.0 / 42.0).abs() < 1e-12);
        let rss: f64 = y.iter().zip(&x).map(|(yy, xx)| (yy - 31.0 / 42.0 - 41.0 / 35.0 * xx).powi(2)).sum();
        assert!((f.sigma_e - (rss / 6.0).sqrt()).abs() < 1e-12, "{} {}", f.sigma_e, (rss / 6.0).sqrt());
        assert!(f.converged);
        assert_eq!((f.n_left, f.n_uncensored, f.n_right), (0, 6, 0));
        // OLS with the ML variance: var(slope) = sigma^2 / Sxx
        let se = f.std_errors(false);
        assert!((se[1] - f.sigma_e / 17.5f64.sqrt()).abs() < 1e-10, "{se:?}");
    }

    #[test]
    fn bad_input() {
        let names = vec!["a".to_string(), "b".to_string()];
        let y = [0.0, 1.0, 2.0, 3.0, 4.0];
        let x = [1.0, 2.0, 2.0, 4.0, 3.0, 6.0, 4.0, 8.0, 5.0, 10.0];
        let e = fit_rows(&y, &x, &names, Some(0.0), None).unwrap_err();
        assert!(e.message.contains("regressor b"), "{}", e.message);
        let e = fit_rows(&[0.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0], &names[..1], Some(0.0), None).unwrap_err();
        assert!(e.message.contains("every observation is censored"));
        let e = fit_rows(&y[..2], &x[..2], &names[..1], None, None).unwrap_err();
        assert!(e.message.contains("more observations than parameters"));
        assert!(fit_rows(&y, &x[..5], &names[..1], Some(1.0), Some(1.0)).is_err());
        let e = fit_rows(&[f64::NAN, 1.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0], &names[..1], None, None).unwrap_err();
        assert!(e.message.contains("y of row 1"), "{}", e.message);
    }

    /// One evaluation on many rows calls the check between blocks, and gives
    /// the same bits with and without a pool.
    #[test]
    fn evaluation_checks_for_interrupts() {
        let n = 50_000;
        let y: Vec<f64> = (0..n).map(|i| ((i * 7919) % 13) as f64 / 3.0 - 1.0).map(|v: f64| v.max(0.0)).collect();
        let x: Vec<f64> = (0..n).map(|i| ((i * 104_729) % 17) as f64 / 5.0).collect();
        let units: Vec<i64> = (0..n as i64).collect();
        let panel = Panel::new(&y, &x, &units, &["x".into()], true, Some(0.0), None).unwrap();
        let theta = [0.1, 0.2, 0.0];
        let mut calls = 0;
        let a = Pooled { panel: &panel, pool: None }.evaluate(&theta, true, &mut || calls += 1).unwrap();
        assert!(calls >= n / (2 * BLOCK), "{calls}");
        let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let b = Pooled { panel: &panel, pool: Some(&two) }.evaluate(&theta, true, &mut || {}).unwrap();
        assert_eq!(a.0.to_bits(), b.0.to_bits());
        assert_eq!(a.1, b.1);
        assert_eq!(a.2, b.2);
        let mut calls = 0;
        Pooled { panel: &panel, pool: None }.unit_scores(&theta, &mut || calls += 1);
        assert!(calls >= n / BLOCK, "{calls}");
    }

    /// A fit stopped by the iteration limit says so (the SQL layer warns).
    #[test]
    fn non_convergence_is_reported() {
        let y = [0.0, 1.5, 4.0, 2.2, 0.0, 3.1, 4.0, 0.7, 2.9, 0.0];
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7, 3.0, 0.5, 1.9, -1.0];
        let units: Vec<i64> = (0..10).collect();
        let panel = Panel::new(&y, &x, &units, &["x".into()], true, Some(0.0), Some(4.0)).unwrap();
        let one = Options { max_iterations: 1, ..Options::default() };
        let f = fit(&panel, one, None, &mut || {}).unwrap();
        assert!(!f.converged && f.iterations == 1);
        let f = fit(&panel, Options::default(), None, &mut || {}).unwrap();
        assert!(f.converged && f.iterations > 1);
    }
}
