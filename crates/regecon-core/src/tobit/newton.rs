//! Newton-Raphson maximisation shared by the three Tobit models: a Newton
//! direction from the negative Hessian (with a Levenberg shift when it is not
//! positive definite), step halving until the likelihood does not decrease,
//! and convergence on the Newton decrement g' (-H)^{-1} g.

#[cfg(not(feature = "argmin-compare"))]
use crate::error::Error;
use crate::error::Result;
use crate::interrupt::Check;
#[cfg(not(feature = "argmin-compare"))]
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
#[cfg(feature = "argmin-compare")]
pub fn maximise(f: &mut dyn Objective, theta: Vec<f64>, opts: Options, between: Check<'_>) -> Result<Outcome> {
    argmin_compare::maximise(f, theta, opts, between)
}

/// Likelihood passes started by [`maximise`] since the process began: (with
/// derivatives, value only). Read by examples/tobit_fixture_dev.rs to compare
/// optimisers by work done; one relaxed add per pass (each pass is a sweep
/// over the data), so free in practice.
pub static EVALUATIONS: [std::sync::atomic::AtomicUsize; 2] =
    [std::sync::atomic::AtomicUsize::new(0), std::sync::atomic::AtomicUsize::new(0)];

fn count(hessian: bool) {
    EVALUATIONS[usize::from(!hessian)].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Maximises `f` from `theta`. `between` runs before every iteration and,
/// through [`Objective::evaluate`], every few milliseconds inside the
/// likelihood passes (the SQL layer checks for interrupts there).
#[cfg(not(feature = "argmin-compare"))]
pub fn maximise(f: &mut dyn Objective, mut theta: Vec<f64>, opts: Options, between: Check<'_>) -> Result<Outcome> {
    let p = theta.len();
    if theta.iter().any(|v| !v.is_finite()) {
        return Err(Error::invalid("the starting values are not finite"));
    }
    let (mut ll, mut g, mut h) = f.evaluate(&theta, true, &mut *between)?;
    count(true);
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
            count(full);
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
            None => {
                count(true);
                f.evaluate(&theta, true, &mut *between)?
            }
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

/// argmin's Newton-CG (nalgebra backend) with a backtracking line search
/// under the Armijo condition, on the same objective: the comparison recorded
/// in docs/dependencies.md.
#[cfg(feature = "argmin-compare")]
mod argmin_compare {
    use super::{count, Objective, Options, Outcome};
    use crate::error::{Error, Result};
    use crate::interrupt::Check;
    use argmin::core::{CostFunction, Executor, Gradient, Hessian, State, TerminationReason, TerminationStatus};
    use argmin::solver::linesearch::condition::ArmijoCondition;
    use argmin::solver::linesearch::BacktrackingLineSearch;
    use argmin::solver::newton::NewtonCG;
    use nalgebra::{DMatrix, DVector};
    use std::cell::RefCell;

    /// The last evaluation: (point, with Hessian, log L, gradient, negative Hessian).
    type Memo = Option<(Vec<f64>, bool, f64, Vec<f64>, Vec<f64>)>;

    /// -log L with its derivatives, remembering the last point so that
    /// argmin's separate cost, gradient and Hessian calls share one pass.
    struct Neg<'a, 'b> {
        f: RefCell<&'a mut dyn Objective>,
        between: RefCell<Check<'b>>,
        last: RefCell<Memo>,
        err: RefCell<Option<Error>>,
    }

    impl Neg<'_, '_> {
        fn eval(&self, p: &DVector<f64>, hessian: bool) -> (f64, Vec<f64>, Vec<f64>) {
            if let Some((t, h, ll, g, hs)) = &*self.last.borrow() {
                if t.as_slice() == p.as_slice() && (*h || !hessian) {
                    return (*ll, g.clone(), hs.clone());
                }
            }
            count(hessian);
            let mut between = self.between.borrow_mut();
            match self.f.borrow_mut().evaluate(p.as_slice(), hessian, &mut **between) {
                Ok((ll, g, h)) => {
                    *self.last.borrow_mut() = Some((p.as_slice().to_vec(), hessian, ll, g.clone(), h.clone()));
                    (ll, g, h)
                }
                Err(e) => {
                    *self.err.borrow_mut() = Some(e);
                    (f64::NEG_INFINITY, vec![0.0; p.len()], vec![])
                }
            }
        }
    }

    impl CostFunction for Neg<'_, '_> {
        type Param = DVector<f64>;
        type Output = f64;
        fn cost(&self, p: &DVector<f64>) -> std::result::Result<f64, argmin::core::Error> {
            let ll = self.eval(p, false).0;
            // argmin needs a finite cost; outside the domain the likelihood is -inf
            Ok(if ll.is_finite() { -ll } else { f64::MAX })
        }
    }

    impl Gradient for Neg<'_, '_> {
        type Param = DVector<f64>;
        type Gradient = DVector<f64>;
        fn gradient(&self, p: &DVector<f64>) -> std::result::Result<DVector<f64>, argmin::core::Error> {
            let g = self.eval(p, true).1;
            Ok(-DVector::from_vec(g))
        }
    }

    impl Hessian for Neg<'_, '_> {
        type Param = DVector<f64>;
        type Hessian = DMatrix<f64>;
        fn hessian(&self, p: &DVector<f64>) -> std::result::Result<DMatrix<f64>, argmin::core::Error> {
            let (_, _, h) = self.eval(p, true);
            // `evaluate` gives the negative Hessian of log L: the Hessian of -log L
            Ok(DMatrix::from_row_slice(p.len(), p.len(), &h))
        }
    }

    pub fn maximise(f: &mut dyn Objective, theta: Vec<f64>, opts: Options, between: Check<'_>) -> Result<Outcome> {
        let p = theta.len();
        if theta.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid("the starting values are not finite"));
        }
        let neg = Neg {
            f: RefCell::new(f),
            between: RefCell::new(between),
            last: RefCell::new(None),
            err: RefCell::new(None),
        };
        let ll0 = neg.eval(&DVector::from_vec(theta.clone()), true).0;
        if !ll0.is_finite() {
            return Err(Error::invalid("the likelihood is not finite at the starting values"));
        }
        let start = DVector::from_vec(theta);
        let max = opts.max_iterations as u64;
        // REGECON_ARGMIN=newton: argmin's plain Newton (full steps, no line
        // search, no convergence test of its own: it runs max_iterations)
        let (neg, state) = if std::env::var("REGECON_ARGMIN").as_deref() == Ok("newton") {
            let res = Executor::new(neg, argmin::solver::newton::Newton::new())
                .configure(|s| s.param(start).max_iters(max))
                .run()
                .map_err(|e| Error::invalid(format!("argmin: {e}")))?;
            let st = res.state().clone();
            (res.problem.problem.unwrap(), st)
        } else {
            let ls = BacktrackingLineSearch::new(ArmijoCondition::new(1e-4).unwrap()).rho(0.5).unwrap();
            // stop when -log L changes by less than rounding of its size
            let solver = NewtonCG::new(ls).with_tolerance(1e-15 * (1.0 + ll0.abs())).unwrap();
            let res = Executor::new(neg, solver)
                .configure(|s| s.param(start).max_iters(max))
                .run()
                .map_err(|e| Error::invalid(format!("argmin: {e}")))?;
            let st = res.state().clone();
            (res.problem.problem.unwrap(), st)
        };
        let converged =
            matches!(state.get_termination_status(), TerminationStatus::Terminated(TerminationReason::SolverConverged));
        let iterations = state.get_iter() as usize;
        let best = state.get_best_param().or(state.get_param()).cloned().unwrap();
        let err = neg.err.borrow_mut().take();
        if let Some(e) = err {
            return Err(e);
        }
        let (ll, g, h) = neg.eval(&best, true);
        debug_assert_eq!(g.len(), p);
        Ok(Outcome {
            theta: best.as_slice().to_vec(),
            log_likelihood: ll,
            gradient: g,
            information: h,
            iterations,
            converged,
        })
    }
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
