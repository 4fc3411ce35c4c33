//! Min-max normalisation, `(x - min) / (max - min)`, the step the paper applies
//! to resilience and HHI before the coupling model.

use crate::error::{finite, finite_result, Error, Result};

/// `(x - min) / (max - min)`. Values outside [min, max] map outside [0, 1].
/// Errors: non-finite input (22023), `max < min` (22023), `max = min` (22012).
pub fn min_max(x: f64, min: f64, max: f64) -> Result<f64> {
    finite(x, "x")?;
    finite(min, "min")?;
    finite(max, "max")?;
    if max < min {
        return Err(Error::invalid(format!("max ({max}) must not be below min ({min})")));
    }
    if max == min {
        return Err(Error::div_zero("max equals min: the range is empty, cannot normalise"));
    }
    let (num, den) = (x - min, max - min);
    if num.is_finite() && den.is_finite() {
        return finite_result(num / den, "min_max_scale");
    }
    // a difference overflowed (values beyond +-f64::MAX / 2 of opposite
    // signs): the halves' differences do not, and the ratio is the same
    // (halving is exact for these magnitudes)
    finite_result((0.5 * x - 0.5 * min) / (0.5 * max - 0.5 * min), "min_max_scale")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn hand_worked() {
        assert_eq!(min_max(3.0, 1.0, 5.0).unwrap(), 0.5);
        assert_eq!(min_max(1.0, 1.0, 5.0).unwrap(), 0.0);
        assert_eq!(min_max(5.0, 1.0, 5.0).unwrap(), 1.0);
        assert_eq!(min_max(-0.2, -0.4, 0.0).unwrap(), 0.5);
        assert_eq!(min_max(1.0, 2.0, 2.0).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert_eq!(min_max(1.0, 3.0, 2.0).unwrap_err().kind, ErrorKind::InvalidParameter);
        // a result beyond double precision is still refused
        assert_eq!(min_max(1e308, 0.0, 1e-300).unwrap_err().kind, ErrorKind::OutOfRange);
    }

    #[test]
    fn extreme_ranges_are_computed_not_lost() {
        // the differences overflow: computed on halves
        assert_eq!(min_max(0.0, -1e308, 1e308).unwrap(), 0.5);
        assert_eq!(min_max(1e308, -1e308, 1e308).unwrap(), 1.0);
        assert_eq!(min_max(-1e308, -1e308, 1e308).unwrap(), 0.0);
        assert_eq!(min_max(-f64::MAX, -f64::MAX, f64::MAX).unwrap(), 0.0);
        // subnormal ranges
        assert_eq!(min_max(5e-324, 0.0, 1e-323).unwrap(), 0.5);
        assert_eq!(min_max(-0.0, -1.0, 1.0).unwrap(), 0.5);
        // scale invariance: the same on x * 1e300 and x * 1e-300
        for c in [1e300, 1e-300, 1e-310] {
            let r = min_max(3.0 * c, 1.0 * c, 5.0 * c).unwrap();
            assert!((r - 0.5).abs() < 1e-12, "{c}: {r}");
        }
    }
}
