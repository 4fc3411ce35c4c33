//! Gauss-Hermite quadrature: nodes v_q and weights w_q with
//! sum_q w_q f(v_q) = integral f(v) exp(-v^2) dv exactly for polynomials f of
//! degree below 2Q.
//!
//! Roots of the Hermite polynomial H_Q by Newton's method on the orthonormal
//! recurrence p_j = v sqrt(2/j) p_{j-1} - sqrt((j-1)/j) p_{j-2},
//! p_0 = pi^{-1/4}, starting from the usual asymptotic guesses for the largest
//! roots and extrapolation for the others; w = 2 / p_Q'(v)^2 with
//! p_Q' = sqrt(2Q) p_{Q-1}.

use crate::error::{Error, Result};

/// Largest supported number of points.
pub const MAX_POINTS: usize = 150;

/// A rule: its nodes and weights.
type Rule = (Vec<f64>, Vec<f64>);

thread_local! {
    /// The rules computed on this thread, by number of points: a
    /// distributed fit builds one per unit and pass (tobit::distributed).
    static RULES: std::cell::RefCell<Vec<Option<Rule>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Nodes (ascending) and weights of the Q-point rule.
pub fn rule(q: usize) -> Result<Rule> {
    if q == 0 || q > MAX_POINTS {
        return Err(Error::invalid(format!(
            "the number of quadrature points must be between 1 and {MAX_POINTS}, got {q}"
        )));
    }
    if let Some(r) = RULES.with(|c| c.borrow().get(q).cloned().flatten()) {
        return Ok(r);
    }
    let r = compute(q);
    RULES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() <= q {
            c.resize(q + 1, None);
        }
        c[q] = Some(r.clone());
    });
    Ok(r)
}

/// [`rule`] without the cache.
fn compute(q: usize) -> Rule {
    let qf = q as f64;
    let mut x = vec![0.0; q];
    let mut w = vec![0.0; q];
    let half = q.div_ceil(2);
    let mut z = 0.0f64;
    for i in 0..half {
        z = match i {
            0 => (2.0 * qf + 1.0).sqrt() - 1.85575 * (2.0 * qf + 1.0).powf(-1.0 / 6.0),
            1 => z - 1.14 * qf.powf(0.426) / z,
            2 => 1.86 * z - 0.86 * x[0],
            3 => 1.91 * z - 0.91 * x[1],
            _ => 2.0 * z - x[i - 2],
        };
        for _ in 0..100 {
            let (p_q, p_prev) = orthonormal(z, q);
            let dz = p_q / ((2.0 * qf).sqrt() * p_prev);
            z -= dz;
            if dz.abs() <= 1e-15 * z.abs().max(1.0) {
                break;
            }
        }
        let (_, p_prev) = orthonormal(z, q);
        let pp = (2.0 * qf).sqrt() * p_prev;
        x[i] = z;
        w[i] = 2.0 / (pp * pp);
    }
    // x holds the non-negative half, largest first; mirror it
    let mut nodes = vec![0.0; q];
    let mut weights = vec![0.0; q];
    for i in 0..half {
        nodes[q - 1 - i] = x[i];
        weights[q - 1 - i] = w[i];
        nodes[i] = -x[i];
        weights[i] = w[i];
    }
    if q % 2 == 1 {
        nodes[q / 2] = 0.0;
    }
    (nodes, weights)
}

/// (p_Q(z), p_{Q-1}(z)) of the orthonormal Hermite polynomials.
fn orthonormal(z: f64, q: usize) -> (f64, f64) {
    let mut p1 = std::f64::consts::PI.powf(-0.25);
    let mut p2 = 0.0;
    for j in 1..=q {
        let p3 = p2;
        p2 = p1;
        p1 = z * (2.0 / j as f64).sqrt() * p2 - ((j - 1) as f64 / j as f64).sqrt() * p3;
    }
    (p1, p2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// integral v^{2m} exp(-v^2) dv = Gamma(m + 1/2) = (2m-1)!! sqrt(pi) / 2^m
    fn moment(m: u32) -> f64 {
        let mut r = std::f64::consts::PI.sqrt();
        for j in 1..=m {
            r *= (2 * j - 1) as f64 / 2.0;
        }
        r
    }

    #[test]
    fn exact_for_polynomials_below_degree_2q() {
        for q in [1usize, 2, 3, 4, 5, 8, 12, 20, 30, 50, 100, MAX_POINTS] {
            let (v, w) = rule(q).unwrap();
            assert!(v.windows(2).all(|p| p[0] < p[1]), "q = {q}: nodes not ascending");
            for m in 0..(q as u32).min(30) {
                let s: f64 = v.iter().zip(&w).map(|(x, w)| w * x.powi(2 * m as i32)).sum();
                let rel = (s - moment(m)).abs() / moment(m);
                assert!(rel < 1e-12 * (1.0 + m as f64), "q = {q}, degree {}: {s} vs {}", 2 * m, moment(m));
                let odd: f64 = v.iter().zip(&w).map(|(x, w)| w * x.powi(2 * m as i32 + 1)).sum();
                assert!(odd.abs() < 1e-12 * moment(m + 1).max(1.0));
            }
        }
    }

    #[test]
    fn known_nodes() {
        // Q = 2: +-1/sqrt(2), weights sqrt(pi)/2; Q = 3: 0, +-sqrt(3/2), weights 2 sqrt(pi)/3, sqrt(pi)/6
        let (v, w) = rule(2).unwrap();
        let sp = std::f64::consts::PI.sqrt();
        assert!((v[1] - 0.5f64.sqrt()).abs() < 1e-15 && (w[0] - sp / 2.0).abs() < 1e-15);
        let (v, w) = rule(3).unwrap();
        assert!((v[2] - 1.5f64.sqrt()).abs() < 1e-15 && v[1] == 0.0);
        assert!((w[1] - 2.0 * sp / 3.0).abs() < 1e-15 && (w[2] - sp / 6.0).abs() < 1e-15);
        assert!(rule(0).is_err() && rule(MAX_POINTS + 1).is_err());
    }
}
