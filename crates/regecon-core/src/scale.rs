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
    finite_result((x - min) / (max - min), "min_max_scale")
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
        assert_eq!(min_max(1e308, -1e308, 1e308).unwrap_err().kind, ErrorKind::OutOfRange);
    }
}
