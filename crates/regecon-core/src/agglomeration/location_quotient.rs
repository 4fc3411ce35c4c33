//! Location quotient (location entropy), LQ_ij = (l_ij / l_i) / (l_j / l).
//!
//! l_ij: employment of industry j in region i; l_i: all employment of region
//! i; l_j: national employment of industry j; l: all national employment.
//! LQ > 1 means region i is more specialised in j than the nation.

use crate::error::{finite_result, non_negative, positive, Result};

pub fn location_quotient(l_ij: f64, l_i: f64, l_j: f64, l: f64) -> Result<f64> {
    // -0.0 + 0.0 = +0.0: no "-0" quotient for a zero employment
    let l_ij = non_negative(l_ij, "l_ij")? + 0.0;
    positive(l_i, "l_i")?;
    positive(l_j, "l_j")?;
    positive(l, "l")?;
    // One division of two products rounds once less than the quotient of
    // quotients (30/100 over 1000/10000 gives exactly 3, not 2.9999999999999996);
    // fall back to the quotient form when a product would overflow or underflow.
    let (num, den) = (l_ij * l, l_i * l_j);
    if num.is_finite() && den.is_normal() && (num == 0.0 || num.is_normal()) && (num / den).is_finite() {
        Ok(num / den)
    } else {
        finite_result((l_ij / l_i) / (l_j / l), "location_quotient")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn hand_worked() {
        // 30% of the region's jobs are in j, 10% of the nation's: LQ = 3
        assert_eq!(location_quotient(30.0, 100.0, 1000.0, 10_000.0).unwrap(), 3.0);
        // products overflow: the quotient form still answers
        let big = location_quotient(1e300, 1e300, 1e300, 1e300).unwrap();
        assert!((big - 1.0).abs() < 1e-15);
        assert_eq!(location_quotient(0.0, 100.0, 1000.0, 10_000.0).unwrap(), 0.0);
        // the quotient itself overflows: 22003, never Infinity
        assert_eq!(location_quotient(f64::MAX, 0.11, 9.0, 1.0).unwrap_err().kind, ErrorKind::OutOfRange);
        assert_eq!(location_quotient(1.0, 0.0, 1.0, 1.0).unwrap_err().kind, ErrorKind::DivisionByZero);
        assert!(location_quotient(1.0, 1.0, 0.0, 1.0).unwrap_err().message.contains("l_j"));
        assert_eq!(location_quotient(-1.0, 1.0, 1.0, 1.0).unwrap_err().kind, ErrorKind::InvalidParameter);
    }

    #[test]
    fn scale_invariance_at_the_extremes() {
        let base = location_quotient(30.0, 100.0, 1000.0, 10_000.0).unwrap();
        for c in [1e300, 1e-300, 1e-310] {
            let a = location_quotient(30.0 * c, 100.0 * c, 1000.0, 10_000.0).unwrap();
            let b = location_quotient(30.0, 100.0, 1000.0 * c, 10_000.0 * c).unwrap();
            assert!((a - base).abs() < 1e-12 * base && (b - base).abs() < 1e-12 * base, "{c}: {a} {b}");
        }
        // -0.0 employment is 0
        assert!(location_quotient(-0.0, 1.0, 1.0, 1.0).unwrap().is_sign_positive());
        // a quotient beyond double precision is 22003
        assert_eq!(location_quotient(1e300, 1e-300, 1e-10, 1e300).unwrap_err().kind, ErrorKind::OutOfRange);
    }
}
