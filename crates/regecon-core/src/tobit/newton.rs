//! Newton-Raphson maximisation shared by the three Tobit models: a Newton
//! direction from the negative Hessian (with a Levenberg shift when it is not
//! positive definite), step halving until the likelihood does not decrease,
//! and convergence on the Newton decrement g' (-H)^{-1} g.

use crate::error::{Error, Result};
use crate::interrupt::Check;
use crate::linalg::Cholesky;

/// A log-likelihood to maximise.
pub trait Objective {
    /// Log-likelihood, gradient and negative Hessian (row-major p x p; empty
    /// when `hessian` is false) at `theta`. A pass over the data calls
    /// `check` on the calling thread at least every few milliseconds (see
    /// [`crate::interrupt`]): one evaluation on a large panel takes seconds.
    /// Errors: only out-of-memory for the partial sums (53200).
    fn evaluate(&mut self, theta: &[f64], hessian: bool, check: Check<'_>) -> Result<(f64, Vec<f64>, Vec<f64>)>;
}

/// Options of the optimiser.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub max_iterations: usize,
    /// Convergence when the Newton decrement g' (-H)^{-1} g falls below
    /// `tolerance * (1 + |ll|)`.
    pub tolerance: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_iterations: 100, tolerance: 1e-24 }
    }
}

/// Where the maximisation ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub theta: Vec<f64>,
    pub log_likelihood: f64,
    pub gradient: Vec<f64>,
    /// Negative Hessian at `theta`.
    pub information: Vec<f64>,
    pub iterations: usize,
    pub converged: bool,
}

/// Maximises `f` from `theta`. `between` runs before every iteration and,
/// through [`Objective::evaluate`], every few milliseconds inside the
/// likelihood passes (the SQL layer checks for interrupts there).
pub fn maximise(f: &mut dyn Objective, mut theta: Vec<f64>, opts: Options, between: Check<'_>) -> Result<Outcome> {
    let p = theta.len();
    if theta.iter().any(|v| !v.is_finite()) {
        return Err(Error::invalid("the starting values are not finite"));
    }
    let (mut ll, mut g, mut h) = f.evaluate(&theta, true, &mut *between)?;
    if !ll.is_finite() {
        return Err(Error::invalid("the likelihood is not finite at the starting values"));
    }
    let mut iterations = 0;
    let mut converged = false;
    while iterations < opts.max_iterations {
        between();
        iterations += 1;
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
                return Err(Error::invalid("the likelihood has no usable curvature at the current estimate"));
            }
        };
        let decrement: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
        let scale = 1.0 + ll.abs();
        if decrement.abs() < opts.tolerance * scale {
            converged = true;
            break;
        }
        // the full step is evaluated with its derivatives (it is usually
        // accepted, and then they are needed); shorter ones by value only
        let mut step = 1.0;
        let mut accepted = None;
        for attempt in 0..40 {
            let cand: Vec<f64> = theta.iter().zip(&dir).map(|(t, d)| t + step * d).collect();
            let full = attempt == 0;
            let (ll_c, g_c, h_c) = f.evaluate(&cand, full, &mut *between)?;
            if ll_c.is_finite() && ll_c >= ll - 1e-13 * scale {
                accepted = Some((cand, ll_c, full.then_some((g_c, h_c))));
                break;
            }
            step *= 0.5;
        }
        let Some((cand, ll_c, derivs)) = accepted else {
            // nothing improves: at the optimum up to rounding when the decrement is tiny
            converged = decrement.abs() < 1e-12 * scale;
            break;
        };
        theta = cand;
        (ll, g, h) = match derivs {
            Some((g_c, h_c)) => (ll_c, g_c, h_c),
            None => f.evaluate(&theta, true, &mut *between)?,
        };
        // a full Newton step from a tiny decrement lands within rounding of
        // the optimum (quadratic convergence): the next decrement is ~ its square
        if shift == 0.0 && step == 1.0 && decrement.abs() < 1e-16 * scale {
            converged = true;
            break;
        }
    }
    Ok(Outcome { theta, log_likelihood: ll, gradient: g, information: h, iterations, converged })
}

/// Maximises a smooth concave function of one variable by Newton's method
/// with step halving: `f(x)` gives (value, first, second derivative), and
/// `scale(second)` the natural size of a step, used when the curvature is
/// not negative and in the convergence test |step| <= 1e-13 (scale + |x|).
/// Returns the maximiser and the second derivative there (used for a unit
/// effect, and for the centre and scale of adaptive quadrature).
pub fn maximise_1d(start: f64, f: impl Fn(f64) -> (f64, f64, f64), scale: impl Fn(f64) -> f64) -> (f64, f64) {
    let mut x = start;
    let (mut v, mut d1, mut d2) = f(x);
    for _ in 0..200 {
        let step = if d2 < 0.0 { -d1 / d2 } else { d1.signum() * scale(d2) };
        let mut t = 1.0;
        let mut moved = false;
        while t > 1e-12 {
            let cand = x + t * step;
            let (vc, d1c, d2c) = f(cand);
            if vc.is_finite() && vc >= v - 1e-15 * v.abs() {
                (x, v, d1, d2) = (cand, vc, d1c, d2c);
                moved = true;
                break;
            }
            t *= 0.5;
        }
        if !moved || (t * step).abs() <= 1e-13 * (scale(d2) + x.abs()) {
            break;
        }
    }
    (x, d2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_dimensional_maximum() {
        // -cosh(x - 2): maximum at 2, second derivative -1 there
        let (x, d2) =
            maximise_1d(-5.0, |x| (-(x - 2.0f64).cosh(), -(x - 2.0f64).sinh(), -(x - 2.0f64).cosh()), |_| 1.0);
        assert!((x - 2.0).abs() < 1e-12 && (d2 + 1.0).abs() < 1e-12);
    }
}
