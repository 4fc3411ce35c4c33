//! The standard normal pieces of the Tobit likelihood, accurate in the tails.

use std::f64::consts::{PI, SQRT_2};

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8; // ln sqrt(2 pi)

/// ln phi(x).
pub fn ln_pdf(x: f64) -> f64 {
    -0.5 * x * x - LN_SQRT_2PI
}

extern "C" {
    /// The C library's erfc (glibc: within 1 ulp over the whole range, and
    /// about 1.5 times as fast as the pure-Rust `libm` crate's, which matters
    /// in the quadrature loops of the random-effects likelihood). statrs's
    /// `erfc` is off by up to 1e-10 relative (docs/dependencies.md,
    /// "Distributions"), which fails the esda and spdep p-value fixtures.
    #[link_name = "erfc"]
    fn c_erfc(x: f64) -> f64;
}

/// The complementary error function erfc(x), glibc's: the normal
/// probabilities of the Tobit (p-values of spatial statistics use the `libm`
/// crate's, see `moran::p_two_sided`).
#[inline]
pub fn erfc(x: f64) -> f64 {
    // SAFETY: erfc is a pure function of a double, defined for every input.
    unsafe { c_erfc(x) }
}

/// Phi(x), from erfc so the lower tail keeps its relative precision.
#[inline]
pub fn cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

/// ln Phi(x) and the inverse Mills ratio phi(x) / Phi(x), stable for very
/// negative x, where Phi underflows (below -38.5): statrs has no ln Phi,
/// and ln of its `cdf` is -inf there (docs/dependencies.md).
///
/// Above 0, ln Phi = ln(1 - Phi(-x)) by `ln_1p`, so that it keeps its
/// relative precision as it goes to 0; below -30, the asymptotic series
/// Phi(x) = phi(x) / |x| (1 - 1/x^2 + 3/x^4 - ... + 2027025/x^16), whose
/// truncation error there is below 1e-19.
pub fn ln_cdf_and_mills(x: f64) -> (f64, f64) {
    if x > -30.0 {
        let p = cdf(x);
        let lambda = (-0.5 * x * x).exp() / ((2.0 * PI).sqrt() * p);
        let ln_p = if x > 0.0 { (-cdf(-x)).ln_1p() } else { p.ln() };
        (ln_p, lambda)
    } else {
        // 1 + sum_k (-1)^k (2k - 1)!! t^k, t = 1/x^2, by Horner
        let t = 1.0 / (x * x);
        const C: [f64; 8] = [1.0, 3.0, 15.0, 105.0, 945.0, 10_395.0, 135_135.0, 2_027_025.0];
        let mut series = 0.0;
        for (k, c) in C.iter().enumerate().rev() {
            let sign = if k % 2 == 0 { -1.0 } else { 1.0 };
            series = (sign * c + series) * t;
        }
        let ratio = (1.0 + series) / -x; // Phi / phi
        (ln_pdf(x) + ratio.ln(), 1.0 / ratio)
    }
}

/// The standard normal quantile Phi^{-1}(p), `None` outside (0, 1): statrs's
/// `Normal::inverse_cdf` (within 4e-16 relative of 60-digit values from 1e-300
/// to 1 - 1e-16, docs/dependencies.md).
pub fn quantile(p: f64) -> Option<f64> {
    use statrs::distribution::{ContinuousCDF, Normal};
    (p > 0.0 && p < 1.0).then(|| Normal::standard().inverse_cdf(p))
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
