//! Pooled Tobit by maximum likelihood (Tobin 1958; Amemiya 1973), the model
//! of R's `AER::tobit` and Stata's `tobit`.
//!
//! Parameters theta = (beta, tau = ln sigma). With r = (y - x'b)/sigma,
//! a = (lower - x'b)/sigma, c = (x'b - upper)/sigma and lambda = phi/Phi:
//!
//! ```text
//! uncensored      l = ln phi(r) - tau      dl/db =  r x/sigma        dl/dtau = r^2 - 1
//! left-censored   l = ln Phi(a)            dl/db = -lambda(a) x/sigma dl/dtau = -lambda(a) a
//! right-censored  l = ln Phi(c)            dl/db =  lambda(c) x/sigma dl/dtau = -lambda(c) c
//! ```
//!
//! with the analytic second derivatives in [`observation`]. Newton-Raphson
//! from OLS starting values, with step halving and a Levenberg shift when the
//! negative Hessian is not positive definite; standard errors from the
//! inverse observed information (as AER, which reports Log(scale)), and
//! cluster-robust (sandwich) on request.

use super::normal::{ln_cdf_and_mills, ln_pdf};
use super::{censoring, Censoring};
use crate::error::{finite, Error, Result};
use crate::linalg::Cholesky;

/// Options of the optimiser.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub max_iterations: usize,
    /// Convergence when the Newton decrement g' H^{-1} g falls below this.
    pub tolerance: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_iterations: 100, tolerance: 1e-28 }
    }
}

/// A fitted pooled Tobit.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Names of the coefficients (intercept first when included, as "_cons"
    /// is listed last by Stata; the caller orders them for display).
    pub names: Vec<String>,
    pub beta: Vec<f64>,
    pub sigma: f64,
    pub log_sigma: f64,
    /// Covariance of (beta, ln sigma), row-major, (k + 1)^2.
    pub vcov: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: usize,
    pub converged: bool,
    pub n: usize,
    pub n_left: usize,
    pub n_uncensored: usize,
    pub n_right: usize,
}

impl Fit {
    pub fn k(&self) -> usize {
        self.beta.len()
    }
    /// Standard errors of beta.
    pub fn std_errors(&self) -> Vec<f64> {
        let p = self.k() + 1;
        (0..self.k()).map(|j| self.vcov[j * p + j].sqrt()).collect()
    }
    /// Standard error of ln sigma.
    pub fn se_log_sigma(&self) -> f64 {
        let p = self.k() + 1;
        self.vcov[p * p - 1].sqrt()
    }
}

/// Log-likelihood contribution of one observation with its gradient and
/// Hessian with respect to (x'b, tau): returns (l, d_eta, d_tau, d2_eta,
/// d2_eta_tau, d2_tau), where eta = x'b; the chain rule to beta multiplies by x.
#[inline]
pub fn observation(y: f64, eta: f64, sigma: f64, log_sigma: f64, c: Censoring, lower: f64, upper: f64) -> [f64; 6] {
    match c {
        Censoring::Uncensored => {
            let r = (y - eta) / sigma;
            [ln_pdf(r) - log_sigma, r / sigma, r * r - 1.0, -1.0 / (sigma * sigma), -2.0 * r / sigma, -2.0 * r * r]
        }
        Censoring::Left => {
            let a = (lower - eta) / sigma;
            let (l, lam) = ln_cdf_and_mills(a);
            let q = a * (a + lam) - 1.0;
            [l, -lam / sigma, -lam * a, -lam * (a + lam) / (sigma * sigma), -(lam / sigma) * q, -lam * a * q]
        }
        Censoring::Right => {
            let b = (eta - upper) / sigma;
            let (l, mu) = ln_cdf_and_mills(b);
            let q = b * (b + mu) - 1.0;
            [l, mu / sigma, -mu * b, -mu * (b + mu) / (sigma * sigma), (mu / sigma) * q, -mu * b * q]
        }
    }
}

struct Problem<'a> {
    y: &'a [f64],
    x: &'a [f64], // row-major n x k
    k: usize,
    cens: Vec<Censoring>,
    lower: f64,
    upper: f64,
}

impl Problem<'_> {
    /// Log-likelihood, gradient and negative Hessian (p = k + 1).
    fn evaluate(&self, theta: &[f64], want_hessian: bool) -> (f64, Vec<f64>, Vec<f64>) {
        let k = self.k;
        let p = k + 1;
        let log_sigma = theta[k];
        let sigma = log_sigma.exp();
        let mut ll = 0.0;
        let mut g = vec![0.0; p];
        let mut h = vec![0.0; if want_hessian { p * p } else { 0 }];
        for (i, &y) in self.y.iter().enumerate() {
            let xi = &self.x[i * k..(i + 1) * k];
            let eta: f64 = xi.iter().zip(&theta[..k]).map(|(a, b)| a * b).sum();
            let [l, de, dt, dee, det, dtt] = observation(y, eta, sigma, log_sigma, self.cens[i], self.lower, self.upper);
            ll += l;
            for a in 0..k {
                g[a] += de * xi[a];
            }
            g[k] += dt;
            if want_hessian {
                for a in 0..k {
                    for b in 0..=a {
                        h[a * p + b] -= dee * xi[a] * xi[b];
                    }
                    h[k * p + a] -= det * xi[a];
                }
                h[k * p + k] -= dtt;
            }
        }
        if want_hessian {
            for a in 0..p {
                for b in 0..a {
                    h[b * p + a] = h[a * p + b];
                }
            }
        }
        (ll, g, h)
    }
}

/// Fits a pooled Tobit of `y` on the columns of `x` (row-major, n rows of k
/// values named `names`), adding an intercept named `_cons` first when
/// `intercept`. A `None` bound means no censoring on that side.
#[allow(clippy::too_many_arguments)]
pub fn fit(
    y: &[f64],
    x: &[f64],
    k: usize,
    names: &[String],
    intercept: bool,
    lower: Option<f64>,
    upper: Option<f64>,
    opts: Options,
) -> Result<Fit> {
    let n = y.len();
    if x.len() != n * k {
        return Err(Error::invalid(format!("x has {} values, expected {n} rows of {k}", x.len())));
    }
    if let (Some(l), Some(u)) = (lower, upper) {
        if !(l < u) {
            return Err(Error::invalid(format!("lower ({l}) must be below upper ({u})")));
        }
    }
    for (i, v) in y.iter().enumerate() {
        finite(*v, &format!("y of row {}", i + 1))?;
    }
    for (i, v) in x.iter().enumerate() {
        finite(*v, &format!("x[{}] of row {}", i % k.max(1) + 1, i / k.max(1) + 1))?;
    }
    // design with the intercept
    let kk = k + intercept as usize;
    let mut design = Vec::with_capacity(n * kk);
    for i in 0..n {
        if intercept {
            design.push(1.0);
        }
        design.extend_from_slice(&x[i * k..(i + 1) * k]);
    }
    let mut all_names: Vec<String> = Vec::with_capacity(kk);
    if intercept {
        all_names.push("_cons".into());
    }
    all_names.extend(names.iter().cloned());
    let p = kk + 1;
    if n <= p {
        return Err(Error::invalid(format!("{n} observations for {p} parameters: need more observations than parameters")));
    }
    let cens: Vec<Censoring> = y.iter().map(|&v| censoring(v, lower, upper)).collect();
    let n_left = cens.iter().filter(|c| **c == Censoring::Left).count();
    let n_right = cens.iter().filter(|c| **c == Censoring::Right).count();
    let n_unc = n - n_left - n_right;
    if n_unc == 0 {
        return Err(Error::invalid("every observation is censored: sigma is not identified"));
    }
    // OLS starting values (also the collinearity check, naming the column)
    let mut xtx = vec![0.0; kk * kk];
    let mut xty = vec![0.0; kk];
    for i in 0..n {
        let xi = &design[i * kk..(i + 1) * kk];
        for a in 0..kk {
            xty[a] += xi[a] * y[i];
            for b in 0..kk {
                xtx[a * kk + b] += xi[a] * xi[b];
            }
        }
    }
    let chol = Cholesky::new(&xtx, kk, &all_names)?;
    let b0 = chol.solve(&xty);
    let rss: f64 = (0..n)
        .map(|i| {
            let e = y[i] - design[i * kk..(i + 1) * kk].iter().zip(&b0).map(|(a, b)| a * b).sum::<f64>();
            e * e
        })
        .sum();
    let s0 = (rss / (n - kk) as f64).sqrt().max(1e-8 * (1.0 + y.iter().map(|v| v.abs()).fold(0.0, f64::max)));
    let prob = Problem { y, x: &design, k: kk, cens, lower: lower.unwrap_or(f64::NEG_INFINITY), upper: upper.unwrap_or(f64::INFINITY) };
    let mut theta = b0;
    theta.push(s0.ln());
    let (mut ll, mut g, mut h) = prob.evaluate(&theta, true);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < opts.max_iterations {
        iterations += 1;
        // Newton direction, with a Levenberg shift if -H is not positive definite
        let mut shift = 0.0;
        let dir = loop {
            let mut hs = h.clone();
            for a in 0..p {
                hs[a * p + a] += shift * (1.0 + h[a * p + a].abs());
            }
            match Cholesky::new(&hs, p, &[]) {
                Ok(c) => break c.solve(&g),
                Err(_) => shift = if shift == 0.0 { 1e-6 } else { shift * 10.0 },
            }
            if shift > 1e6 {
                return Err(Error::invalid("the Tobit likelihood has no usable curvature at the current estimate"));
            }
        };
        let decrement: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        if decrement.abs() < opts.tolerance * (1.0 + ll.abs()) {
            converged = true;
            break;
        }
        // step halving until the likelihood does not decrease
        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..60 {
            let cand: Vec<f64> = theta.iter().zip(&dir).map(|(t, d)| t + step * d).collect();
            let (ll_c, _, _) = prob.evaluate(&cand, false);
            if ll_c.is_finite() && ll_c >= ll - 1e-12 * ll.abs() {
                theta = cand;
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            // no step improves: at the optimum up to rounding
            converged = decrement.abs() < 1e-10 * (1.0 + ll.abs());
            break;
        }
        (ll, g, h) = prob.evaluate(&theta, true);
    }
    let vcov = Cholesky::new(&h, p, &[])
        .map_err(|_| Error::invalid("the information matrix is singular at the estimate: standard errors are undefined"))?
        .inverse();
    let log_sigma = theta[kk];
    Ok(Fit {
        names: all_names,
        beta: theta[..kk].to_vec(),
        sigma: log_sigma.exp(),
        log_sigma,
        vcov,
        log_likelihood: ll,
        iterations,
        converged,
        n,
        n_left,
        n_uncensored: n_unc,
        n_right,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central differences of the likelihood equal the analytic gradient.
    #[test]
    fn analytic_derivatives_match_finite_differences() {
        let y = [0.0, 1.5, 4.0, 2.2, 0.0, 3.1, 4.0];
        let x = [1.0, 0.3, 1.0, 1.2, 1.0, 2.5, 1.0, 0.9, 1.0, -0.4, 1.0, 1.7, 1.0, 3.0];
        let prob = Problem {
            y: &y,
            x: &x,
            k: 2,
            cens: y.iter().map(|&v| censoring(v, Some(0.0), Some(4.0))).collect(),
            lower: 0.0,
            upper: 4.0,
        };
        let theta = [0.2, 1.1, 0.1];
        let (_, g, h) = prob.evaluate(&theta, true);
        let eps = 1e-6;
        for j in 0..3 {
            let mut a = theta;
            let mut b = theta;
            a[j] += eps;
            b[j] -= eps;
            let (la, ga, _) = prob.evaluate(&a, false);
            let (lb, gb, _) = prob.evaluate(&b, false);
            let num = (la - lb) / (2.0 * eps);
            assert!((num - g[j]).abs() < 1e-6 * (1.0 + g[j].abs()), "gradient {j}: {num} vs {}", g[j]);
            for i in 0..3 {
                let num_h = -(ga[i] - gb[i]) / (2.0 * eps);
                assert!((num_h - h[i * 3 + j]).abs() < 1e-5 * (1.0 + h[i * 3 + j].abs()), "hessian {i},{j}");
            }
        }
    }

    #[test]
    fn uncensored_data_give_ols() {
        // no censoring: Tobit = OLS for beta, sigma^2 = RSS / n (ML)
        let y = [1.0, 2.0, 2.5, 4.5, 5.0, 7.0];
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let f = fit(&y, &x, 1, &["x".to_string()], true, None, None, Options::default()).unwrap();
        // OLS: slope = Sxy / Sxx = 20.5 / 17.5 = 41/35, intercept = 11/3 - 41/35 * 2.5 = 31/42
        assert!((f.beta[1] - 41.0 / 35.0).abs() < 1e-12, "{:?}", f.beta);
        assert!((f.beta[0] - 31.0 / 42.0).abs() < 1e-12);
        let rss: f64 = y.iter().zip(&x).map(|(yy, xx)| (yy - 31.0 / 42.0 - 41.0 / 35.0 * xx).powi(2)).sum();
        assert!((f.sigma - (rss / 6.0).sqrt()).abs() < 1e-12, "{} {} {} {}", f.sigma, (rss / 6.0).sqrt(), f.iterations, f.converged);
        assert!(f.converged);
        assert_eq!((f.n_left, f.n_uncensored, f.n_right), (0, 6, 0));
    }

    #[test]
    fn bad_input() {
        let names = vec!["a".to_string(), "b".to_string()];
        let y = [0.0, 1.0, 2.0, 3.0, 4.0];
        let x = [1.0, 2.0, 2.0, 4.0, 3.0, 6.0, 4.0, 8.0, 5.0, 10.0];
        let e = fit(&y, &x, 2, &names, true, Some(0.0), None, Options::default()).unwrap_err();
        assert!(e.message.contains("regressor b"), "{}", e.message);
        let e = fit(&[0.0; 5], &[1.0, 2.0, 3.0, 4.0, 5.0], 1, &names[..1], true, Some(0.0), None, Options::default()).unwrap_err();
        assert!(e.message.contains("every observation is censored"));
        let e = fit(&y[..2], &x[..2], 1, &names[..1], true, None, None, Options::default()).unwrap_err();
        assert!(e.message.contains("more observations than parameters"));
        assert!(fit(&y, &x[..5], 1, &names[..1], true, Some(1.0), Some(1.0), Options::default()).is_err());
        assert!(fit(&[f64::NAN, 1.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0], 1, &names[..1], true, None, None, Options::default()).is_err());
    }
}
