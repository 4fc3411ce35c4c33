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

/// The standard normal quantile Phi^{-1}(p), `None` outside (0, 1).
///
/// Acklam's rational approximation (relative error below 1.15e-9) refined
/// by one step of Halley's method on Phi(x) - p, with Phi from the C
/// library's erfc: accurate to a few ulps. The lower half is computed
/// directly and the upper half as -Phi^{-1}(1 - p) (1 - p is exact there),
/// so both tails keep their relative precision.
pub fn quantile(p: f64) -> Option<f64> {
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    if p > 0.5 {
        return quantile(1.0 - p).map(|x| -x);
    }
    if p == 0.5 {
        return Some(0.0);
    }
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383577518672690e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    let x = if p < 0.02425 {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // Halley: e = Phi(x) - p, u = e / phi(x); relative to p, so that tiny p keep their digits
    let e = cdf(x) - p;
    let u = e * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
    Some(x - u / (1.0 + 0.5 * x * u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_to_1e_12() {
        // R 4.2.2 qnorm, printed with 17 significant digits
        let known = [
            (0.975, 1.9599639845400536),
            (0.995, 2.5758293035488999),
            (0.9, 1.2815515655446008),
            (0.05, -1.6448536269514726),
            (0.3, -0.52440051270804067),
            (0.02425, -1.9729610513118845),
            (1e-10, -6.3613409024040557),
            (1e-300, -37.047096299361201),
            (1.0 - 1e-12, 7.0344869100478356),
        ];
        for (p, want) in known {
            let got = quantile(p).unwrap();
            assert!((got - want).abs() <= 1e-12 * want.abs(), "{p}: {got} vs {want}");
        }
        assert_eq!(quantile(0.5), Some(0.0));
        assert!(quantile(0.0).is_none() && quantile(1.0).is_none() && quantile(f64::NAN).is_none());
        // round trip through Phi over the range
        for i in 1..200 {
            let p = i as f64 / 200.0;
            assert!((cdf(quantile(p).unwrap()) - p).abs() < 4e-16, "{p}");
        }
    }

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
