//! The standard normal pieces of the Tobit likelihood, accurate in the tails.

use std::f64::consts::{PI, SQRT_2};

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8; // ln sqrt(2 pi)

/// ln phi(x).
pub fn ln_pdf(x: f64) -> f64 {
    -0.5 * x * x - LN_SQRT_2PI
}

extern "C" {
    /// The C library's erfc (glibc: correctly rounded to within 1 ulp, and
    /// about twice as fast as the pure-Rust `libm` crate's, which matters in
    /// the quadrature loops of the random-effects likelihood).
    #[link_name = "erfc"]
    fn c_erfc(x: f64) -> f64;
}

/// Phi(x), from erfc so the lower tail keeps its relative precision.
pub fn cdf(x: f64) -> f64 {
    // SAFETY: erfc is a pure function of a double, defined for every input.
    0.5 * unsafe { c_erfc(-x / SQRT_2) }
}

/// ln Phi(x) and the inverse Mills ratio phi(x) / Phi(x), stable for very
/// negative x (asymptotic series where Phi underflows).
pub fn ln_cdf_and_mills(x: f64) -> (f64, f64) {
    if x > -30.0 {
        let p = cdf(x);
        let lambda = (-0.5 * x * x).exp() / ((2.0 * PI).sqrt() * p);
        (p.ln(), lambda)
    } else {
        // Phi(x) = phi(x) / |x| (1 - 1/x^2 + 3/x^4 - 15/x^6 + ...)
        let t = 1.0 / (x * x);
        let series = 1.0 - t + 3.0 * t * t - 15.0 * t * t * t;
        let ratio = series / -x; // Phi / phi
        (ln_pdf(x) + ratio.ln(), 1.0 / ratio)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_tails() {
        assert!((cdf(0.0) - 0.5).abs() < 1e-16);
        // Phi(-1.96) = 0.024997895148220435
        assert!((cdf(-1.96) - 0.024_997_895_148_220_435).abs() < 1e-17);
        // ln Phi(-10) = -53.23128515051247, phi/Phi = 10.098093233962512 (mpmath, 40 digits)
        let (l, m) = ln_cdf_and_mills(-10.0);
        assert!((l + 53.231_285_150_512_47).abs() < 1e-12, "{l}");
        assert!((m - 10.098_093_233_962_512).abs() < 1e-12, "{m}");
        // the two branches agree at the switch
        let (a, b) = ln_cdf_and_mills(-29.999_999);
        let (c, d) = ln_cdf_and_mills(-30.000_001);
        assert!((a - c).abs() < 1e-4 && (b - d).abs() < 1e-5);
        // ln Phi(-40) = -804.6084420137538, phi/Phi = 40.02496884720726
        let (l, m) = ln_cdf_and_mills(-40.0);
        assert!((l + 804.608_442_013_753_8).abs() < 1e-10, "{l}");
        assert!((m - 40.024_968_847_207_26).abs() < 1e-8, "{m}");
    }
}
