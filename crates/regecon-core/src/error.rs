//! Typed errors of the numerics. The glue maps [`ErrorKind`] to a SQLSTATE.

use std::fmt;

/// What went wrong, at the granularity of a SQLSTATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 22023 invalid_parameter_value: NaN, infinity, a negative count, arrays of
    /// different lengths, weights that do not sum to 1, ...
    InvalidParameter,
    /// 22012 division_by_zero: a zero base, a zero reference growth, a zero total.
    DivisionByZero,
    /// 22003 numeric_value_out_of_range: a value outside the documented domain
    /// (for example a coordination degree outside [0, 1]) or a result that overflows.
    OutOfRange,
    /// 22004 null_value_not_allowed: a NULL element inside an array argument.
    NullValue,
    /// 22P03 invalid_binary_representation: a serialized aggregate state that
    /// cannot be decoded (wrong version byte or length).
    Corrupt,
    /// 53200 out_of_memory: an allocation sized from the input would pass the
    /// memory limit (`mem`), or the allocator refused it.
    OutOfMemory,
}

impl ErrorKind {
    /// The five-character SQLSTATE this kind maps to.
    pub fn sqlstate(self) -> &'static str {
        match self {
            ErrorKind::InvalidParameter => "22023",
            ErrorKind::DivisionByZero => "22012",
            ErrorKind::OutOfRange => "22003",
            ErrorKind::NullValue => "22004",
            ErrorKind::Corrupt => "22P03",
            ErrorKind::OutOfMemory => "53200",
        }
    }
}

/// An error with its kind and a message that names the offending argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into() }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidParameter, message)
    }
    pub fn div_zero(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::DivisionByZero, message)
    }
    pub fn out_of_range(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::OutOfRange, message)
    }
    pub fn null_value(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NullValue, message)
    }
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Corrupt, message)
    }
    pub fn out_of_memory(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::OutOfMemory, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// A float as PostgreSQL spells it (`NaN`, `Infinity`, `-Infinity`, digits).
pub fn sql_float(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        format!("{x}")
    }
}

/// Fails with 22023 unless `x` is finite; `name` is the SQL argument name.
pub fn finite(x: f64, name: &str) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::invalid(format!("{name} must be a finite number, got {}", sql_float(x))))
    }
}

/// As [`finite`], naming the argument only on failure (for per-row checks:
/// the message is not formatted for the rows that pass).
#[inline]
pub fn finite_lazy(x: f64, name: impl FnOnce() -> String) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        finite(x, &name())
    }
}

/// Fails with 22023 unless `x` is finite and `x >= 0`.
pub fn non_negative(x: f64, name: &str) -> Result<f64> {
    finite(x, name)?;
    if x < 0.0 {
        return Err(Error::invalid(format!("{name} must not be negative, got {x}")));
    }
    Ok(x)
}

/// Fails unless `x` is finite and `x > 0`: 22012 for zero, 22023 for negative.
pub fn positive(x: f64, name: &str) -> Result<f64> {
    non_negative(x, name)?;
    if x == 0.0 {
        return Err(Error::div_zero(format!("{name} must not be zero (it is a divisor)")));
    }
    Ok(x)
}

/// Fails with 22003 if a computed value is not finite (overflow).
pub fn finite_result(x: f64, what: &str) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::out_of_range(format!("{what} overflows double precision")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_name_the_argument() {
        let e = finite(f64::NAN, "y_t").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        assert!(e.message.contains("y_t"), "{}", e.message);
        assert_eq!(positive(0.0, "y_base").unwrap_err().kind, ErrorKind::DivisionByZero);
        assert_eq!(positive(-1.0, "y_base").unwrap_err().kind, ErrorKind::InvalidParameter);
        assert_eq!(non_negative(f64::INFINITY, "v").unwrap_err().kind, ErrorKind::InvalidParameter);
        assert_eq!(positive(2.0, "v").unwrap(), 2.0);
        assert_eq!(finite_result(f64::INFINITY, "x").unwrap_err().kind, ErrorKind::OutOfRange);
        assert_eq!(ErrorKind::DivisionByZero.sqlstate(), "22012");
        assert!(finite(f64::NEG_INFINITY, "x").unwrap_err().message.ends_with("got -Infinity"));
    }
}
