//! Random-effects Tobit (Stata's `xttobit`, R's `censReg` on panel data).
//!
//! y*_it = x_it' beta + u_i + e_it, u_i ~ N(0, sigma_u^2), e_it ~ N(0, sigma_e^2).
//! Unit i contributes L_i = integral prod_t f(y_it | x_it' beta + u) phi(u / sigma_u) / sigma_u du,
//! computed by Gauss-Hermite quadrature with Q points (v_q, w_q):
//!
//! ```text
//! plain     L_i = sum_q w_q / sqrt(pi) * prod_t f(y_it | eta_it + sqrt(2) sigma_u v_q)            (censReg)
//! adaptive  L_i = sum_q sqrt(2) s_i w_q exp(v_q^2) g_i(mu_i + sqrt(2) s_i v_q)                   (xttobit)
//!           g_i(u) = prod_t f(y_it | eta_it + u) phi(u / sigma_u) / sigma_u
//! ```
//!
//! where the adaptive rule is centred at the mode mu_i of g_i with
//! s_i = (-d^2 ln g_i / du^2)^{-1/2} (Liu and Pierce 1994), found by Newton's
//! method at every parameter value. Parameters theta = (beta, ln sigma_e,
//! ln sigma_u). The gradient and Hessian are analytic: with A_q the log of
//! the q-th term and pi_q = exp(A_q) / L_i its posterior weight,
//! d ln L_i = sum_q pi_q dA_q and d^2 ln L_i = sum_q pi_q (d^2 A_q + dA_q dA_q') - d ln L_i d ln L_i'.
//! (For the adaptive rule the centre and scale are held fixed in the
//! derivatives: the rule's value does not depend on them to quadrature
//! accuracy.) Units are processed in fixed chunks on a thread pool and the
//! chunk sums are added in order, so the result does not depend on the
//! number of threads.

use super::hermite;
use super::likelihood::observation;
use super::newton::{maximise, maximise_1d, Objective, Options};
use super::normal::ln_pdf;
use super::panel::{sandwich, Panel};
use super::pooled::{self, check_identified};
use super::{Fit, Model};
use crate::error::{Error, Result};
use crate::interrupt::Check;
use crate::linalg::Cholesky;
use std::f64::consts::{PI, SQRT_2};

/// Which Gauss-Hermite rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quadrature {
    /// Nodes scaled by sigma_u around 0 (censReg, Stata's `intmethod(ghermite)`).
    Plain,
    /// Nodes centred at each unit's posterior mode (Stata's default `aghermite`).
    Adaptive,
}

impl Quadrature {
    pub fn parse(s: &str) -> Result<Quadrature> {
        Quadrature::parse_bytes(s.as_bytes())
            .ok_or_else(|| Error::invalid(format!("quadrature must be 'ghq' or 'adaptive', got '{s}'")))
    }
    /// [`Quadrature::parse`] of a name's bytes, without allocating: `None`
    /// when they name no rule (per row in the SQL layer's fast path).
    pub fn parse_bytes(s: &[u8]) -> Option<Quadrature> {
        let is = |names: &[&str]| names.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(s));
        if is(&["ghq", "plain", "ghermite"]) {
            Some(Quadrature::Plain)
        } else if is(&["adaptive", "aghq", "aghermite"]) {
            Some(Quadrature::Adaptive)
        } else {
            None
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Quadrature::Plain => "ghq",
            Quadrature::Adaptive => "adaptive",
        }
    }
}

/// Gauss-Hermite points of a fit unless asked otherwise (Stata's default).
pub const DEFAULT_POINTS: usize = 12;

/// Units per parallel task; fixed, so that sums do not depend on the threads.
const CHUNK: usize = 32;

/// Adaptive points of the warm-up iterations.
pub(super) const WARM_POINTS: usize = 5;

/// What to compute for a unit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd)]
enum Level {
    Value,
    Gradient,
    Hessian,
}

/// One unit's quadrature rule at theta: node positions u_q and log
/// weights, with their derivatives in tau_u = ln sigma_u.
struct UnitRule {
    uq: Vec<f64>,
    lw: Vec<f64>,
    /// d u_q / d tau_u
    du: Vec<f64>,
    /// d lw_q / d tau_u
    dlw: Vec<f64>,
    /// d^2 lw_q / d tau_u^2
    d2lw: Vec<f64>,
    /// The adaptive centre (0 for the plain rule).
    centre: f64,
}

/// One unit's log-likelihood, gradient, negative Hessian and centre.
struct Terms {
    ll: f64,
    g: Vec<f64>,
    h: Vec<f64>,
    centre: f64,
}

pub struct RandomEffects<'a> {
    panel: &'a Panel,
    quadrature: Quadrature,
    nodes: Vec<f64>,
    ln_weights: Vec<f64>,
    /// Each unit's last adaptive centre (a warm start).
    centres: Vec<f64>,
    /// The per-unit scores of the last Hessian evaluation, and where
    /// (the final Newton evaluation gives the robust covariance's clusters).
    last_scores: Option<(Vec<f64>, Vec<Vec<f64>>)>,
    pool: Option<&'a rayon::ThreadPool>,
}

impl<'a> RandomEffects<'a> {
    pub fn new(
        panel: &'a Panel,
        quadrature: Quadrature,
        points: usize,
        pool: Option<&'a rayon::ThreadPool>,
    ) -> Result<Self> {
        let (nodes, w) = hermite::rule(points)?;
        Ok(RandomEffects {
            panel,
            quadrature,
            nodes,
            ln_weights: w.iter().map(|w| w.ln()).collect(),
            centres: vec![0.0; panel.n_units()],
            last_scores: None,
            pool,
        })
    }

    fn p(&self) -> usize {
        self.panel.k + 2
    }

    /// Mode and curvature scale of g_i(u) by safeguarded Newton.
    fn centre(&self, rows: std::ops::Range<usize>, eta: &[f64], theta: &[f64], start: f64) -> (f64, f64) {
        let pn = self.panel;
        let k = pn.k;
        let (tau_e, tau_u) = (theta[k], theta[k + 1]);
        let (inv_e, su) = ((-tau_e).exp(), tau_u.exp());
        let eval = |u: f64| -> (f64, f64, f64) {
            let (mut h, mut h1, mut h2) = (ln_pdf(u / su) - tau_u, -u / (su * su), -1.0 / (su * su));
            for (t, i) in rows.clone().enumerate() {
                let o = observation(pn.y[i], eta[t] + u, inv_e, tau_e, pn.cens[i], pn.lower, pn.upper);
                h += o[0];
                h1 += o[1];
                h2 += o[3];
            }
            (h, h1, h2)
        };
        // the prior makes the second derivative at most -1/sigma_u^2 < 0
        let (u, h2) = maximise_1d(if start.is_finite() { start } else { 0.0 }, eval, |h2| 1.0 / (-h2).sqrt());
        (u, 1.0 / (-h2).sqrt())
    }

    /// One unit's terms at theta, to `level`. Errors: out of memory for the
    /// per-node terms of a very long unit.
    fn unit(&self, g: usize, theta: &[f64], level: Level) -> Result<Terms> {
        let pn = self.panel;
        let k = pn.k;
        let p = k + 2;
        let rows = pn.rows(g);
        let eta: Vec<f64> = rows.clone().map(|i| pn.row(i).iter().zip(&theta[..k]).map(|(a, b)| a * b).sum()).collect();
        let rule = self.rule(g, rows.clone(), &eta, theta);
        let centre = rule.centre;
        let (a, terms) = self.node_terms(rows.clone(), &eta, theta, &rule, level)?;
        let amax = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let wsum: f64 = a.iter().map(|v| (v - amax).exp()).sum();
        let ll = amax + wsum.ln();
        if level == Level::Value {
            return Ok(Terms { ll, g: Vec::new(), h: Vec::new(), centre });
        }
        let pi: Vec<f64> = a.iter().map(|v| (v - amax).exp() / wsum).collect();
        let grads = self.node_gradients(rows.clone(), &terms, &rule);
        let mut gr = vec![0.0; p];
        for q in 0..pi.len() {
            for a in 0..p {
                gr[a] += pi[q] * grads[q * p + a];
            }
        }
        if level == Level::Gradient {
            return Ok(Terms { ll, g: gr, h: Vec::new(), centre });
        }
        let h = self.negative_hessian(rows, &terms, &rule, &pi, &grads, &gr);
        Ok(Terms { ll, g: gr, h, centre })
    }

    /// Unit g's quadrature rule at theta: the plain nodes scaled by sigma_u,
    /// or the adaptive ones centred at the unit's posterior mode.
    fn rule(&self, g: usize, rows: std::ops::Range<usize>, eta: &[f64], theta: &[f64]) -> UnitRule {
        let k = self.panel.k;
        let tau_u = theta[k + 1];
        let su = tau_u.exp();
        let nq = self.nodes.len();
        let mut r = UnitRule {
            uq: vec![0.0; nq],
            lw: vec![0.0; nq],
            du: vec![0.0; nq],
            dlw: vec![0.0; nq],
            d2lw: vec![0.0; nq],
            centre: 0.0,
        };
        match self.quadrature {
            Quadrature::Plain => {
                for q in 0..nq {
                    r.uq[q] = SQRT_2 * su * self.nodes[q];
                    r.lw[q] = self.ln_weights[q] - 0.5 * PI.ln();
                    r.du[q] = r.uq[q];
                }
            }
            Quadrature::Adaptive => {
                let (m, s) = self.centre(rows, eta, theta, self.centres[g]);
                r.centre = m;
                for q in 0..nq {
                    let v = self.nodes[q];
                    r.uq[q] = m + SQRT_2 * s * v;
                    let z = r.uq[q] / su;
                    r.lw[q] = (SQRT_2 * s).ln() + self.ln_weights[q] + v * v + ln_pdf(z) - tau_u;
                    r.dlw[q] = z * z - 1.0;
                    r.d2lw[q] = -2.0 * z * z;
                }
            }
        }
        r
    }

    /// A_q, the log of each node's term (its log weight plus the rows'
    /// log-likelihoods at u_q), and from `Level::Gradient` on each row's
    /// [`observation`] at each node (node-major, nodes x rows).
    fn node_terms(
        &self,
        rows: std::ops::Range<usize>,
        eta: &[f64],
        theta: &[f64],
        r: &UnitRule,
        level: Level,
    ) -> Result<(Vec<f64>, Vec<[f64; 6]>)> {
        let pn = self.panel;
        let tau_e = theta[pn.k];
        let inv_e = (-tau_e).exp();
        let (nq, nt) = (self.nodes.len(), rows.len());
        // nq x (rows of the unit): sized by the input, so allocated fallibly
        let mut terms = crate::mem::vec_filled(
            [0.0; 6],
            if level >= Level::Gradient { nq.saturating_mul(nt) } else { 0 },
            "the quadrature terms of a unit",
        )?;
        let mut a = r.lw.clone();
        for q in 0..nq {
            for (t, i) in rows.clone().enumerate() {
                let o = observation(pn.y[i], eta[t] + r.uq[q], inv_e, tau_e, pn.cens[i], pn.lower, pn.upper);
                a[q] += o[0];
                if level >= Level::Gradient {
                    terms[q * nt + t] = o;
                }
            }
        }
        Ok((a, terms))
    }

    /// dA_q / dtheta of each node (node-major, nodes x p): row by row, so
    /// that each row's x is read once.
    fn node_gradients(&self, rows: std::ops::Range<usize>, terms: &[[f64; 6]], r: &UnitRule) -> Vec<f64> {
        let pn = self.panel;
        let k = pn.k;
        let p = k + 2;
        let (nq, nt) = (self.nodes.len(), rows.len());
        let mut grads = vec![0.0; nq * p];
        let mut sum_de = vec![0.0; nq];
        for (t, i) in rows.enumerate() {
            let xi = pn.row(i);
            for q in 0..nq {
                let o = &terms[q * nt + t];
                let gq = &mut grads[q * p..(q + 1) * p];
                for (ga, xa) in gq[..k].iter_mut().zip(xi) {
                    *ga += o[1] * xa;
                }
                gq[k] += o[2];
                sum_de[q] += o[1];
            }
        }
        for q in 0..nq {
            grads[q * p + k + 1] = r.dlw[q] + r.du[q] * sum_de[q];
        }
        grads
    }

    /// The unit's negative Hessian, -(sum_q pi_q (d^2 A_q + dA_q dA_q') -
    /// g g') with g = sum_q pi_q dA_q (`gr`), full p x p.
    fn negative_hessian(
        &self,
        rows: std::ops::Range<usize>,
        terms: &[[f64; 6]],
        r: &UnitRule,
        pi: &[f64],
        grads: &[f64],
        gr: &[f64],
    ) -> Vec<f64> {
        let pn = self.panel;
        let k = pn.k;
        let p = k + 2;
        let (nq, nt) = (self.nodes.len(), rows.len());
        let du = &r.du;
        // sum_q pi_q d^2 A_q, row by row
        let mut h = vec![0.0; p * p];
        for (t, i) in rows.enumerate() {
            let (mut cee, mut cet, mut ctt, mut ceu, mut ctu, mut cuu) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for q in 0..nq {
                let o = &terms[q * nt + t];
                let w = pi[q];
                cee += w * o[3];
                cet += w * o[4];
                ctt += w * o[5];
                ceu += w * o[3] * du[q];
                ctu += w * o[4] * du[q];
                // d^2 u_q / d tau_u^2 = du_q for both rules (u_q itself, or 0)
                cuu += w * (o[3] * du[q] * du[q] + o[1] * du[q]);
            }
            let xi = pn.row(i);
            for a in 0..k {
                let w = cee * xi[a];
                for (hb, xb) in h[a * p..a * p + a + 1].iter_mut().zip(&xi[..=a]) {
                    *hb += w * xb;
                }
            }
            for (hb, xb) in h[k * p..k * p + k].iter_mut().zip(xi) {
                *hb += cet * xb;
            }
            for (hb, xb) in h[(k + 1) * p..(k + 1) * p + k].iter_mut().zip(xi) {
                *hb += ceu * xb;
            }
            h[k * p + k] += ctt;
            h[(k + 1) * p + k] += ctu;
            h[(k + 1) * p + k + 1] += cuu;
        }
        h[(k + 1) * p + k + 1] += (0..nq).map(|q| pi[q] * r.d2lw[q]).sum::<f64>();
        // + Cov_pi(dA)
        for q in 0..nq {
            let gq = &grads[q * p..(q + 1) * p];
            for a in 0..p {
                let w = pi[q] * gq[a];
                for (hb, gb) in h[a * p..a * p + a + 1].iter_mut().zip(&gq[..=a]) {
                    *hb += w * gb;
                }
            }
        }
        for a in 0..p {
            for b in 0..=a {
                let v = -(h[a * p + b] - gr[a] * gr[b]);
                h[a * p + b] = v;
                h[b * p + a] = v;
            }
        }
        h
    }

    /// Sums over units: chunks of CHUNK units in parallel, a few per thread
    /// between two calls of `check` (on this thread), added in order: the
    /// same chunks and order whatever the number of threads.
    fn total(&mut self, theta: &[f64], level: Level, check: Check<'_>) -> Result<(f64, Vec<f64>, Vec<f64>)> {
        let p = self.p();
        let this = &*self;
        type Part = (f64, Vec<f64>, Vec<f64>, Vec<f64>, Vec<Vec<f64>>);
        let parts: Vec<Part> = crate::interrupt::sliced(self.pool, self.panel.n_units(), CHUNK, check, |chunk| {
            Ok(vec![{
                let mut ll = 0.0;
                let mut g = vec![0.0; if level >= Level::Gradient { p } else { 0 }];
                let mut h = vec![0.0; if level == Level::Hessian { p * p } else { 0 }];
                let mut centres = Vec::with_capacity(chunk.len());
                let mut scores = Vec::with_capacity(if level == Level::Hessian { chunk.len() } else { 0 });
                for u in chunk {
                    let t = this.unit(u, theta, level)?;
                    ll += t.ll;
                    g.iter_mut().zip(&t.g).for_each(|(a, b)| *a += b);
                    h.iter_mut().zip(&t.h).for_each(|(a, b)| *a += b);
                    centres.push(t.centre);
                    if level == Level::Hessian {
                        scores.push(t.g);
                    }
                }
                (ll, g, h, centres, scores)
            }])
        })?;
        let mut ll = 0.0;
        let mut g = vec![0.0; p];
        let mut h = vec![0.0; if level == Level::Hessian { p * p } else { 0 }];
        let mut at = 0;
        let mut scores = Vec::new();
        for (l, gg, hh, cs, sc) in parts {
            ll += l;
            scores.extend(sc);
            g.iter_mut().zip(&gg).for_each(|(a, b)| *a += b);
            h.iter_mut().zip(&hh).for_each(|(a, b)| *a += b);
            if self.quadrature == Quadrature::Adaptive {
                self.centres[at..at + cs.len()].copy_from_slice(&cs);
            }
            at += cs.len();
        }
        if level == Level::Hessian {
            self.last_scores = Some((theta.to_vec(), scores));
        }
        Ok((ll, g, h))
    }

    /// Score of each unit at theta (the clusters of the robust covariance);
    /// those of the last Hessian evaluation when it was at theta.
    pub fn unit_scores(&mut self, theta: &[f64], check: Check<'_>) -> Result<Vec<Vec<f64>>> {
        if let Some((at, scores)) = self.last_scores.take() {
            if at == theta {
                return Ok(scores);
            }
        }
        let this = &*self;
        crate::interrupt::sliced(self.pool, self.panel.n_units(), CHUNK, check, |r| {
            r.map(|u| this.unit(u, theta, Level::Gradient).map(|t| t.g)).collect()
        })
    }

    /// The log-likelihood at theta (for tests and reference checks).
    /// (NaN only if the partial sums could not be allocated.)
    pub fn log_likelihood(&mut self, theta: &[f64]) -> f64 {
        self.total(theta, Level::Value, &mut || {}).map_or(f64::NAN, |t| t.0)
    }
}

impl Objective for RandomEffects<'_> {
    fn evaluate(&mut self, theta: &[f64], hessian: bool, check: Check<'_>) -> Result<(f64, Vec<f64>, Vec<f64>)> {
        self.total(theta, if hessian { Level::Hessian } else { Level::Value }, check)
    }
}

/// Fits a random-effects Tobit by Newton's method from the pooled fit
/// (beta, and sigma_e = sigma_u = sigma_pooled / sqrt 2).
pub fn fit(
    panel: &Panel,
    quadrature: Quadrature,
    points: usize,
    opts: Options,
    pool: Option<&rayon::ThreadPool>,
    between: Check<'_>,
) -> Result<Fit> {
    let k = panel.k;
    check_identified(panel, k + 2)?;
    if panel.n_units() < 2 {
        return Err(Error::invalid("random effects need at least two units"));
    }
    if (0..panel.n_units()).all(|g| panel.rows(g).len() < 2) {
        return Err(Error::invalid(
            "every unit has a single row: sigma_u and sigma_e are not separately identified (use model 'pooled')",
        ));
    }
    let pooled = pooled::fit(panel, opts, pool, &mut *between)?;
    let mut theta = pooled.beta.clone();
    let half = (pooled.sigma_e / SQRT_2).ln();
    theta.extend([half, half]);
    let mut obj = RandomEffects::new(panel, quadrature, points, pool)?;
    // Adaptive quadrature with few points is already close (error ~1e-4 of
    // the likelihood): most Newton iterations run with 5 points, the last
    // ones with the requested rule from there (same optimum, about a third
    // of the cost).
    let mut warm_iterations = 0;
    if quadrature == Quadrature::Adaptive && points > WARM_POINTS {
        let mut warm = RandomEffects::new(panel, quadrature, WARM_POINTS, pool)?;
        let loose = Options { tolerance: 1e-9, ..opts };
        if let Ok(w) = maximise(&mut warm, theta.clone(), loose, &mut *between) {
            if w.log_likelihood.is_finite() && w.theta.iter().all(|v| v.is_finite()) {
                warm_iterations = w.iterations;
                theta = w.theta;
                obj.centres = warm.centres;
            }
        }
    }
    let mut out = maximise(&mut obj, theta, opts, &mut *between)?;
    out.iterations += warm_iterations;
    let p = k + 2;
    // sigma_u driven to 0 (the unit effects add nothing to the pooled fit):
    // the boundary solution, reported as Stata does (sigma_u = 0, rho = 0,
    // chibar2 = 0, p = 1) with the pooled estimates
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
            // the pooled fit's covariance is the boundary's: singular there, singular here
            converged: !pooled.vcov.is_empty(),
            message: if pooled.vcov.is_empty() { pooled.message.clone() } else { None },
            n_params: p,
            quadrature: Some((quadrature, points)),
            ..pooled
        });
    }
    let (vcov, singular) = super::fit::covariance_or_message(
        &out.information,
        p,
        "the information matrix is singular at the estimate (is sigma_u 0?): standard errors are undefined",
    );
    let robust_vcov =
        if vcov.is_empty() { Vec::new() } else { sandwich(&vcov, &obj.unit_scores(&out.theta, between)?) };
    let fitted = Fit::from_outcome(Model::RandomEffects, panel, &out, vcov, robust_vcov);
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
    use crate::rng::Rng;

    fn normal(r: &mut Rng) -> f64 {
        // Box-Muller
        let u1 = (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let u2 = (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (-2.0 * (1.0 - u1).ln()).sqrt() * (2.0 * PI * u2).cos()
    }

    /// A panel from a known random-effects Tobit.
    pub fn simulate(units: usize, t: usize, beta: &[f64], su: f64, se: f64, seed: u64) -> Panel {
        let mut r = Rng::new(seed);
        let k = beta.len() - 1;
        let (mut y, mut x, mut id) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..units {
            let u = su * normal(&mut r);
            for _ in 0..t {
                let xs: Vec<f64> = (0..k).map(|_| normal(&mut r)).collect();
                let ys = beta[0] + xs.iter().zip(&beta[1..]).map(|(a, b)| a * b).sum::<f64>() + u + se * normal(&mut r);
                y.push(ys.max(0.0));
                x.extend(xs);
                id.push(i as i64);
            }
        }
        let names: Vec<String> = (1..=k).map(|j| format!("x{j}")).collect();
        Panel::new(&y, &x, &id, &names, true, Some(0.0), None).unwrap()
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let panel = simulate(12, 4, &[0.3, 1.0, -0.5], 0.7, 0.9, 5);
        for quad in [Quadrature::Plain, Quadrature::Adaptive] {
            let mut re = RandomEffects::new(&panel, quad, 12, None).unwrap();
            let theta = [0.25, 0.9, -0.4, (0.8f64).ln(), (0.6f64).ln()];
            let (_, g, h) = re.evaluate(&theta, true, &mut || {}).unwrap();
            let p = theta.len();
            let eps = 1e-5;
            for j in 0..p {
                let (mut a, mut b) = (theta, theta);
                a[j] += eps;
                b[j] -= eps;
                // hold the adaptive centres fixed while differencing
                let (la, ga, _) = re.total(&a, Level::Hessian, &mut || {}).unwrap();
                let (lb, gb, _) = re.total(&b, Level::Hessian, &mut || {}).unwrap();
                let num = (la - lb) / (2.0 * eps);
                let tol = if quad == Quadrature::Plain { 1e-6 } else { 1e-4 };
                assert!((num - g[j]).abs() < tol * (1.0 + g[j].abs()), "{quad:?} gradient {j}: {num} vs {}", g[j]);
                for i in 0..p {
                    let nh = -(ga[i] - gb[i]) / (2.0 * eps);
                    assert!(
                        (nh - h[i * p + j]).abs() < 10.0 * tol * (1.0 + h[i * p + j].abs()),
                        "{quad:?} hessian {i},{j}: {nh} vs {}",
                        h[i * p + j]
                    );
                }
            }
        }
    }

    #[test]
    fn adaptive_matches_many_plain_points_and_threads_do_not_matter() {
        let panel = simulate(40, 5, &[0.5, 1.0, -1.0], 1.0, 0.8, 11);
        let theta = [0.4, 0.9, -0.9, (0.8f64).ln(), 0.0];
        let exact = RandomEffects::new(&panel, Quadrature::Plain, 150, None).unwrap().log_likelihood(&theta);
        let adaptive = RandomEffects::new(&panel, Quadrature::Adaptive, 12, None).unwrap().log_likelihood(&theta);
        // Stata's default 12 adaptive points: within 1e-8; 30 points: at rounding
        assert!((adaptive - exact).abs() < 1e-8 * exact.abs(), "{adaptive} vs {exact}");
        let a30 = RandomEffects::new(&panel, Quadrature::Adaptive, 30, None).unwrap().log_likelihood(&theta);
        assert!((a30 - exact).abs() < 1e-12 * exact.abs(), "{a30} vs {exact}");
        // plain quadrature needs many more points here (sigma_u = 1, five periods)
        let p12 = RandomEffects::new(&panel, Quadrature::Plain, 12, None).unwrap().log_likelihood(&theta);
        assert!((p12 - exact).abs() > 1e-3);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let f1 = fit(&panel, Quadrature::Adaptive, 12, Options::default(), Some(&one), &mut || {}).unwrap();
        let f2 = fit(&panel, Quadrature::Adaptive, 12, Options::default(), Some(&two), &mut || {}).unwrap();
        assert_eq!(f1.beta, f2.beta);
        assert_eq!(f1.log_likelihood.to_bits(), f2.log_likelihood.to_bits());
        assert!(f1.converged);
    }

    /// One likelihood pass over many units calls the check between slices of
    /// units (not only between Newton iterations), with the same bits on one
    /// or two threads.
    #[test]
    fn evaluation_checks_for_interrupts() {
        let panel = simulate(3000, 3, &[0.5, 1.0], 0.7, 0.9, 9);
        let theta = [0.4, 0.9, (0.8f64).ln(), (0.6f64).ln()];
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let mut calls = 0;
        let a = RandomEffects::new(&panel, Quadrature::Adaptive, 12, Some(&one))
            .unwrap()
            .evaluate(&theta, true, &mut || calls += 1)
            .unwrap();
        assert!(calls >= 3000 / (2 * CHUNK), "{calls}");
        let mut calls2 = 0;
        let b = RandomEffects::new(&panel, Quadrature::Adaptive, 12, Some(&two))
            .unwrap()
            .evaluate(&theta, true, &mut || calls2 += 1)
            .unwrap();
        assert!(calls2 >= 3000 / (4 * CHUNK), "{calls2}");
        assert_eq!(a.0.to_bits(), b.0.to_bits());
        assert_eq!(a.1, b.1);
        assert_eq!(a.2, b.2);
        let mut calls = 0;
        RandomEffects::new(&panel, Quadrature::Plain, 12, None)
            .unwrap()
            .unit_scores(&theta, &mut || calls += 1)
            .unwrap();
        assert!(calls >= 3000 / (2 * CHUNK), "{calls}");
    }

    /// Data simulated from the model: the estimates recover the planted
    /// values within a few standard errors.
    #[test]
    fn recovers_planted_parameters() {
        let beta = [0.5, 1.0, -0.7, 0.3];
        let (su, se) = (0.8, 0.6);
        let panel = simulate(600, 6, &beta, su, se, 2026);
        let f = fit(&panel, Quadrature::Adaptive, 12, Options::default(), None, &mut || {}).unwrap();
        assert!(f.converged);
        let sd = f.std_errors(false);
        for j in 0..beta.len() {
            assert!((f.beta[j] - beta[j]).abs() < 3.5 * sd[j], "beta[{j}] = {} +- {} vs {}", f.beta[j], sd[j], beta[j]);
        }
        let p = f.beta.len() + 2;
        let (se_te, se_tu) = (f.vcov[(p - 2) * p + p - 2].sqrt(), f.vcov[p * p - 1].sqrt());
        assert!((f.sigma_e.ln() - se.ln()).abs() < 3.5 * se_te);
        assert!((f.sigma_u.unwrap().ln() - su.ln()).abs() < 3.5 * se_tu);
        let (chibar2, pval) = f.lr_test().unwrap();
        assert!(chibar2 > 100.0 && pval < 1e-10);
    }

    /// No unit effect in the data: the boundary solution sigma_u = 0 with the
    /// pooled estimates, chibar2 = 0, p = 1.
    #[test]
    fn no_unit_effect_gives_the_boundary() {
        let panel = simulate(30, 3, &[0.5, 1.0], 0.0, 1.0, 3);
        let f = fit(&panel, Quadrature::Adaptive, 12, Options::default(), None, &mut || {}).unwrap();
        let pooled = pooled::fit(&panel, Options::default(), None, &mut || {}).unwrap();
        if f.sigma_u == Some(0.0) {
            assert_eq!(f.beta, pooled.beta);
            assert_eq!(f.lr_test(), Some((0.0, 1.0)));
            assert!(f.se_sigma_u().is_none() && f.rho() == Some(0.0));
        } else {
            // a small positive sigma_u can also be the optimum of a sample
            assert!(f.lr_test().unwrap().0 < 3.0, "{:?}", f.lr_test());
        }
    }
}
