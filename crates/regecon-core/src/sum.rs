//! Compensated (Neumaier) summation.
//!
//! Every accumulator of regecon sums with this type, so a ten-million-row
//! aggregate keeps full double precision and the serial and parallel plans of
//! the same query agree to within a few units in the last place.

/// A running sum with its Neumaier compensation term.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NeumaierSum {
    sum: f64,
    comp: f64,
}

impl NeumaierSum {
    pub const fn new() -> Self {
        NeumaierSum { sum: 0.0, comp: 0.0 }
    }

    /// Rebuilds a sum from its two parts (see [`NeumaierSum::parts`]).
    pub const fn from_parts(sum: f64, comp: f64) -> Self {
        NeumaierSum { sum, comp }
    }

    /// The raw running sum and compensation, for serialization.
    pub fn parts(&self) -> (f64, f64) {
        (self.sum, self.comp)
    }

    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.comp += (self.sum - t) + x;
        } else {
            self.comp += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// Adds another compensated sum (the combine step of parallel aggregation).
    pub fn merge(&mut self, other: &NeumaierSum) {
        self.add(other.sum);
        self.comp += other.comp;
    }

    #[inline(always)]
    pub fn value(&self) -> f64 {
        self.sum + self.comp
    }
}

/// A power of two (so that multiplying by it is exact, barring underflow)
/// that brings `max_abs` near 1 when it lies outside `[2^-window, 2^window]`;
/// 1 otherwise (and for 0 or a non-finite `max_abs`), so that ordinary data
/// keep their exact arithmetic and only extreme values take a scaled path.
/// The exponent is clamped to +-1000 so the factor itself is a normal double
/// (subnormal inputs are brought to about 2^-74, far from underflow).
pub fn pow2_rescale(max_abs: f64, window: i32) -> f64 {
    if !(max_abs.is_finite() && max_abs > 0.0) {
        return 1.0;
    }
    let e = max_abs.log2().floor();
    if e.abs() <= window as f64 {
        return 1.0;
    }
    2f64.powi((-e).clamp(-1000.0, 1000.0) as i32)
}

/// Largest absolute value of a slice (0 for an empty one).
pub fn max_abs(xs: &[f64]) -> f64 {
    xs.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// Compensated sum of a slice.
pub fn sum(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = NeumaierSum::new();
    for x in xs {
        s.add(x);
    }
    s.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_what_naive_summation_loses() {
        // 1 + 1e100 + 1 - 1e100 = 2 exactly; naive summation gives 0.
        assert_eq!(sum([1.0, 1e100, 1.0, -1e100]), 2.0);
        let naive: f64 = [1.0, 1e100, 1.0, -1e100].iter().sum();
        assert_eq!(naive, 0.0);
    }

    #[test]
    fn merge_equals_sequential() {
        let xs: Vec<f64> = (1..=1000).map(|i| 1.0 / i as f64).collect();
        let mut a = NeumaierSum::new();
        let mut b = NeumaierSum::new();
        xs[..400].iter().for_each(|&x| a.add(x));
        xs[400..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        let s = sum(xs.iter().copied());
        assert!((a.value() - s).abs() <= 2.0 * f64::EPSILON * s);
    }

    #[test]
    fn rescale_is_a_power_of_two_only_outside_the_window() {
        assert_eq!(pow2_rescale(1.0, 100), 1.0);
        assert_eq!(pow2_rescale(1e30, 100), 1.0);
        assert_eq!(pow2_rescale(0.0, 100), 1.0);
        let f = pow2_rescale(1e308, 100);
        assert!((1e308 * f) >= 1.0 && (1e308 * f) < 2f64.powi(24) && f.log2().fract() == 0.0);
        let f = pow2_rescale(5e-324, 100);
        assert!(f.is_finite() && 5e-324 * f > 1e-30);
    }

    #[test]
    fn harmonic_sum_is_exact_to_rounding() {
        // sum_{i=1}^{10^6} 1/i = 14.392726722865723631... (H_n, well known)
        let s = sum((1..=1_000_000).map(|i| 1.0 / i as f64));
        assert!((s - 14.392_726_722_865_723).abs() <= 4e-15 * 14.4, "{s}");
    }
}
