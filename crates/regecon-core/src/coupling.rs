//! Coupling coordination of two or more systems (docs/methods.md section 4).
//!
//! With subsystem scores U_s in [0, 1] (min-max normalised first) and
//! weights w_s >= 0 summing to 1:
//!
//! ```text
//! C = m * (prod_s U_s)^(1/m) / sum_s U_s       coupling degree, in [0, 1]
//! T = sum_s w_s U_s                             comprehensive coordination index
//! D = sqrt(C * T)                               coupling coordination degree
//! ```
//!
//! For two systems C = 2 sqrt(U1 U2) / (U1 + U2) and, by default,
//! a = b = 0.5. All scores zero is undefined (C = 0/0): the result is `None`
//! (SQL NULL); D's limit there is 0, which callers may substitute.
//!
//! Classes used by the paper: D in [0, 0.3) low, [0.3, 0.5) moderate,
//! [0.5, 1] high coordination.

use crate::error::{finite, non_negative, Error, Result};
use crate::sum::sum;

/// Tolerance on `sum(weights) = 1`.
pub const WEIGHT_SUM_TOLERANCE: f64 = 1e-9;

/// C, T and D of one observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coupling {
    pub c: f64,
    pub t: f64,
    pub d: f64,
}

fn unit_score(u: f64, name: &str) -> Result<f64> {
    finite(u, name)?;
    if !(0.0..=1.0).contains(&u) {
        return Err(Error::out_of_range(format!(
            "{name} must lie in [0, 1] (min-max normalise the system scores first), got {u}"
        )));
    }
    // -0.0 + 0.0 = +0.0: a negative zero would come out as C = D = -0
    Ok(u + 0.0)
}

fn check_weights(w: &[f64], name: &str) -> Result<()> {
    for (s, &x) in w.iter().enumerate() {
        non_negative(x, &format!("{name}[{}]", s + 1))?;
    }
    let total = sum(w.iter().copied());
    if (total - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
        return Err(Error::invalid(format!("{name} must sum to 1, they sum to {total}")));
    }
    Ok(())
}

/// Two systems with weights a and b (a + b = 1).
pub fn coupling2(u1: f64, u2: f64, a: f64, b: f64) -> Result<Option<Coupling>> {
    let u1 = unit_score(u1, "u1")?;
    let u2 = unit_score(u2, "u2")?;
    non_negative(a, "a")?;
    non_negative(b, "b")?;
    if (a + b - 1.0).abs() > WEIGHT_SUM_TOLERANCE {
        return Err(Error::invalid(format!("a + b must equal 1, got {}", a + b)));
    }
    if u1 == 0.0 && u2 == 0.0 {
        return Ok(None);
    }
    // sqrt(u1) * sqrt(u2) does not underflow where u1 * u2 would.
    let c = (2.0 * u1.sqrt() * u2.sqrt() / (u1 + u2)).min(1.0);
    let t = a * u1 + b * u2;
    Ok(Some(Coupling { c, t, d: (c * t).sqrt() }))
}

/// m >= 2 systems with optional weights (default 1/m each).
pub fn coupling(u: &[f64], weights: Option<&[f64]>) -> Result<Option<Coupling>> {
    let m = u.len();
    if m < 2 {
        return Err(Error::invalid(format!("u must hold at least 2 system scores, got {m}")));
    }
    let mut scores = crate::mem::vec_with_capacity(m, "u")?;
    for (s, &x) in u.iter().enumerate() {
        scores.push(unit_score(x, &format!("u[{}]", s + 1))?);
    }
    let u = &scores[..];
    if let Some(w) = weights {
        if w.len() != m {
            return Err(Error::invalid(format!("weights has {} elements but u has {m}", w.len())));
        }
        check_weights(w, "weights")?;
    }
    let total = sum(u.iter().copied());
    if total == 0.0 {
        return Ok(None);
    }
    let inv_m = 1.0 / m as f64;
    // geometric mean as a product of m-th roots: no overflow or underflow of
    // the raw product, and m roundings only.
    let geo: f64 = u.iter().map(|x| x.powf(inv_m)).product();
    let c = (m as f64 * geo / total).min(1.0);
    let t = match weights {
        Some(w) => sum(u.iter().zip(w).map(|(x, w)| x * w)),
        None => total * inv_m,
    };
    Ok(Some(Coupling { c, t, d: (c * t).sqrt() }))
}

/// The paper's thresholds and labels.
pub const PAPER_THRESHOLDS: [f64; 2] = [0.3, 0.5];
pub const PAPER_LABELS: [&str; 3] = ["low", "moderate", "high"];

/// Index of the class of `d` given increasing thresholds: class i holds
/// `thresholds[i-1] <= d < thresholds[i]`.
pub fn class_index(d: f64, thresholds: &[f64]) -> Result<usize> {
    finite(d, "d")?;
    for (i, t) in thresholds.iter().enumerate() {
        finite(*t, &format!("thresholds[{}]", i + 1))?;
        if i > 0 && *t <= thresholds[i - 1] {
            return Err(Error::invalid(format!(
                "thresholds must be strictly increasing: thresholds[{}] = {} follows {}",
                i + 1,
                t,
                thresholds[i - 1]
            )));
        }
    }
    Ok(thresholds.iter().take_while(|t| d >= **t).count())
}

/// The paper's class of a coupling coordination degree in [0, 1].
pub fn class(d: f64) -> Result<&'static str> {
    finite(d, "d")?;
    if !(0.0..=1.0).contains(&d) {
        return Err(Error::out_of_range(format!("d must lie in [0, 1] (a coupling coordination degree), got {d}")));
    }
    Ok(PAPER_LABELS[class_index(d, &PAPER_THRESHOLDS)?])
}

/// The class label of `d` under user thresholds; `labels` must have one more
/// element than `thresholds`.
pub fn class_with<'a>(d: f64, thresholds: &[f64], labels: &'a [String]) -> Result<&'a str> {
    if labels.len() != thresholds.len() + 1 {
        return Err(Error::invalid(format!(
            "labels must have one more element than thresholds: {} thresholds, {} labels",
            thresholds.len(),
            labels.len()
        )));
    }
    Ok(&labels[class_index(d, thresholds)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn hand_worked_two_systems() {
        // U1 = 0.25, U2 = 1: C = 2 * 0.5 / 1.25 = 0.8, T = 0.625, D = sqrt(0.5)
        let r = coupling2(0.25, 1.0, 0.5, 0.5).unwrap().unwrap();
        assert!((r.c - 0.8).abs() < 1e-16);
        assert_eq!(r.t, 0.625);
        assert!((r.d - 0.5f64.sqrt()).abs() < 1e-16);
        // equal scores: C = 1, D = sqrt(U)
        let r = coupling2(0.36, 0.36, 0.5, 0.5).unwrap().unwrap();
        assert_eq!(r.c, 1.0);
        assert!((r.d - 0.6).abs() < 1e-16);
        // one system at zero: C = 0, D = 0
        let r = coupling2(0.0, 0.7, 0.5, 0.5).unwrap().unwrap();
        assert_eq!((r.c, r.d), (0.0, 0.0));
        assert_eq!(coupling2(0.0, 0.0, 0.5, 0.5).unwrap(), None);
        // tiny scores do not underflow
        let r = coupling2(1e-200, 1e-200, 0.5, 0.5).unwrap().unwrap();
        assert_eq!(r.c, 1.0);
    }

    #[test]
    fn m_systems_reduce_to_two() {
        for &(u1, u2) in &[(0.25, 1.0), (0.1, 0.9), (0.5, 0.5), (0.0, 0.3)] {
            let a = coupling2(u1, u2, 0.5, 0.5).unwrap().unwrap();
            let b = coupling(&[u1, u2], None).unwrap().unwrap();
            assert!((a.c - b.c).abs() < 1e-15 && (a.t - b.t).abs() < 1e-16 && (a.d - b.d).abs() < 1e-15);
            let c = coupling(&[u1, u2], Some(&[0.5, 0.5])).unwrap().unwrap();
            assert!((c.d - b.d).abs() < 1e-15);
        }
        // three systems, all 0.5: C = 1, T = 0.5
        let r = coupling(&[0.5, 0.5, 0.5], None).unwrap().unwrap();
        assert!((r.c - 1.0).abs() < 1e-15 && (r.t - 0.5).abs() < 1e-16);
    }

    #[test]
    fn bad_input() {
        assert_eq!(coupling2(1.5, 0.2, 0.5, 0.5).unwrap_err().kind, ErrorKind::OutOfRange);
        assert!(coupling2(0.5, -0.1, 0.5, 0.5).unwrap_err().message.contains("u2"));
        assert!(coupling2(0.5, f64::NAN, 0.5, 0.5).is_err());
        assert!(coupling2(0.5, 0.5, 0.6, 0.6).unwrap_err().message.contains("a + b"));
        assert!(coupling2(0.5, 0.5, -0.5, 1.5).unwrap_err().message.contains("a must not"));
        assert!(coupling(&[0.5], None).is_err());
        assert!(coupling(&[0.5, 0.5], Some(&[1.0])).unwrap_err().message.contains("weights has 1"));
        assert!(coupling(&[0.5, 0.5], Some(&[0.7, 0.7])).unwrap_err().message.contains("sum to 1"));
        assert_eq!(coupling(&[0.0, 0.0, 0.0], None).unwrap(), None);
    }

    #[test]
    fn negative_zero_and_subnormal_scores() {
        let r = coupling2(-0.0, 0.7, 0.5, 0.5).unwrap().unwrap();
        assert!(r.c.is_sign_positive() && r.d.is_sign_positive() && r.c == 0.0);
        let r = coupling(&[-0.0, 0.5, 0.5], None).unwrap().unwrap();
        assert!(r.c.is_sign_positive() && r.d.is_sign_positive());
        assert_eq!(coupling2(-0.0, -0.0, 0.5, 0.5).unwrap(), None);
        // subnormal and tiny scores: finite, and C = 1 for equal scores
        for u in [5e-324, 1e-310, 1e-300] {
            let r = coupling2(u, u, 0.5, 0.5).unwrap().unwrap();
            assert!((r.c - 1.0).abs() < 1e-12 && r.d.is_finite(), "{u}: {r:?}");
            let r = coupling(&[u, u, u], None).unwrap().unwrap();
            assert!((r.c - 1.0).abs() < 1e-12 && r.d.is_finite(), "{u}: {r:?}");
        }
        // C is scale-invariant: (0.25, 1) and (0.25, 1) * 1e-300 have the same C
        let a = coupling(&[0.25, 1.0, 0.5], None).unwrap().unwrap();
        let b = coupling(&[0.25e-300, 1e-300, 0.5e-300], None).unwrap().unwrap();
        assert!((a.c - b.c).abs() < 1e-12, "{} {}", a.c, b.c);
    }

    #[test]
    fn classes() {
        assert_eq!(class(0.0).unwrap(), "low");
        assert_eq!(class(0.2999999).unwrap(), "low");
        assert_eq!(class(0.3).unwrap(), "moderate");
        assert_eq!(class(0.5).unwrap(), "high");
        assert_eq!(class(1.0).unwrap(), "high");
        assert_eq!(class(1.01).unwrap_err().kind, ErrorKind::OutOfRange);
        assert!(class(f64::NAN).is_err());
        let labels: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        assert_eq!(class_with(0.45, &[0.2, 0.4, 0.6], &labels).unwrap(), "c");
        assert_eq!(class_with(-3.0, &[0.2, 0.4, 0.6], &labels).unwrap(), "a");
        assert_eq!(class_with(0.6, &[0.2, 0.4, 0.6], &labels).unwrap(), "d");
        assert!(class_with(0.5, &[0.2, 0.4], &labels).unwrap_err().message.contains("one more"));
        assert!(class_with(0.5, &[0.4, 0.2, 0.6], &labels).unwrap_err().message.contains("increasing"));
    }
}
