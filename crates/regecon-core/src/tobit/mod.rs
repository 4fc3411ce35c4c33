//! Tobit regression (censored normal regression), pooled for now; random and
//! fixed effects follow (NOTES.md section 6).
//!
//! y*_i = x_i' beta + e_i, e_i ~ N(0, sigma^2); observed y_i = y*_i inside
//! (lower, upper), and the bound itself when y*_i falls at or beyond it. A
//! missing bound means no censoring on that side.

pub mod normal;
pub mod pooled;

/// Censoring of one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Censoring {
    Left,
    Uncensored,
    Right,
}

/// Classifies y against the bounds: at or below `lower` is left-censored, at
/// or above `upper` right-censored.
pub fn censoring(y: f64, lower: Option<f64>, upper: Option<f64>) -> Censoring {
    if lower.is_some_and(|l| y <= l) {
        Censoring::Left
    } else if upper.is_some_and(|u| y >= u) {
        Censoring::Right
    } else {
        Censoring::Uncensored
    }
}
