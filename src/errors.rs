//! Core errors to `ereport`: one SQLSTATE per [`ErrorKind`], and the SQL
//! function's name in front of the message.

use pgrx::prelude::*;
use pgrx::PgSqlErrorCode;
use regecon_core::{Error, ErrorKind};

fn sqlstate(kind: ErrorKind) -> PgSqlErrorCode {
    match kind {
        ErrorKind::InvalidParameter => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        ErrorKind::DivisionByZero => PgSqlErrorCode::ERRCODE_DIVISION_BY_ZERO,
        ErrorKind::OutOfRange => PgSqlErrorCode::ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
        ErrorKind::NullValue => PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
        ErrorKind::Corrupt => PgSqlErrorCode::ERRCODE_INVALID_BINARY_REPRESENTATION,
        ErrorKind::OutOfMemory => PgSqlErrorCode::ERRCODE_OUT_OF_MEMORY,
    }
}

/// Raises `e` as an ERROR from SQL function `func`.
pub fn raise(func: &str, e: Error) -> ! {
    ereport!(ERROR, sqlstate(e.kind), format!("{func}: {}", e.message));
}

/// Raises `message` as an ERROR with SQLSTATE `code`.
pub fn raise_code(code: PgSqlErrorCode, message: &str) -> ! {
    ereport!(ERROR, code, message.to_string());
}

/// `result.or_raise("func")`: the value, or an ERROR with the right SQLSTATE.
pub trait OrRaise<T> {
    fn or_raise(self, func: &str) -> T;
}

impl<T> OrRaise<T> for regecon_core::Result<T> {
    #[inline]
    fn or_raise(self, func: &str) -> T {
        match self {
            Ok(v) => v,
            Err(e) => raise(func, e),
        }
    }
}

/// Array elements as a plain vector; a NULL element is an error (22004)
/// naming the argument and the element.
fn dense_iter<T>(items: impl Iterator<Item = Option<T>>, func: &str, arg: &str) -> Vec<T> {
    items
        .enumerate()
        .map(|(i, x)| {
            x.unwrap_or_else(|| {
                raise(func, Error::null_value(format!("{arg}[{}] is NULL; arrays must not contain NULLs", i + 1)))
            })
        })
        .collect()
}

/// A `float8[]` argument as a vector (NULL elements: 22004). Arrays without
/// NULLs are copied as one slice.
pub fn dense(arr: &Array<'_, f64>, func: &str, arg: &str) -> Vec<f64> {
    crate::pool::apply_limits();
    match arr.as_slice() {
        Ok(s) => regecon_core::mem::to_vec(s, arg).or_raise(func),
        Err(_) => dense_iter(arr.iter(), func, arg),
    }
}

/// A `bigint[]` argument as a vector (NULL elements: 22004).
pub fn dense_i64(arr: &Array<'_, i64>, func: &str, arg: &str) -> Vec<i64> {
    crate::pool::apply_limits();
    match arr.as_slice() {
        Ok(s) => regecon_core::mem::to_vec(s, arg).or_raise(func),
        Err(_) => dense_iter(arr.iter(), func, arg),
    }
}
