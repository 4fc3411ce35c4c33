//! The per-row Tobit log-likelihood that the pooled, random-effects and
//! fixed-effects models all sum (docs/methods.md section 6).
//!
//! With eta = x'b, tau = ln sigma, r = (y - eta)/sigma, a = (lower - eta)/sigma,
//! c = (eta - upper)/sigma and lambda = phi/Phi (the inverse Mills ratio):
//!
//! ```text
//! uncensored      l = ln phi(r) - tau      dl/db =  r x/sigma        dl/dtau = r^2 - 1
//! left-censored   l = ln Phi(a)            dl/db = -lambda(a) x/sigma dl/dtau = -lambda(a) a
//! right-censored  l = ln Phi(c)            dl/db =  lambda(c) x/sigma dl/dtau = -lambda(c) c
//! ```
//!
//! with the analytic second derivatives in [`observation`].

use super::normal::{ln_cdf_and_mills, ln_pdf};
use super::Censoring;

/// Log-likelihood contribution of one observation with its gradient and
/// Hessian with respect to (x'b, tau): returns (l, d_eta, d_tau, d2_eta,
/// d2_eta_tau, d2_tau), where eta = x'b; the chain rule to beta multiplies by
/// x. Takes 1 / sigma (no division in the hot loops).
#[inline]
pub fn observation(y: f64, eta: f64, inv_sigma: f64, log_sigma: f64, c: Censoring, lower: f64, upper: f64) -> [f64; 6] {
    let s = inv_sigma;
    match c {
        Censoring::Uncensored => {
            let r = (y - eta) * s;
            [ln_pdf(r) - log_sigma, r * s, r * r - 1.0, -s * s, -2.0 * r * s, -2.0 * r * r]
        }
        Censoring::Left => {
            let a = (lower - eta) * s;
            let (l, lam) = ln_cdf_and_mills(a);
            let q = a * (a + lam) - 1.0;
            [l, -lam * s, -lam * a, -lam * (a + lam) * s * s, -(lam * s) * q, -lam * a * q]
        }
        Censoring::Right => {
            let b = (eta - upper) * s;
            let (l, mu) = ln_cdf_and_mills(b);
            let q = b * (b + mu) - 1.0;
            [l, mu * s, -mu * b, -mu * (b + mu) * s * s, (mu * s) * q, -mu * b * q]
        }
    }
}
