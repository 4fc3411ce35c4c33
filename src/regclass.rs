//! `regclass` arguments as a bare oid (pgrx's `PgRelation` opens and locks the
//! relation on every call, which an aggregate's per-row transition function
//! cannot afford), and reading a weights relation through SPI.

use crate::errors::raise;
use pgrx::datum::{FromDatum, IntoDatum};
use pgrx::pgrx_sql_entity_graph::metadata::{
    ArgumentError, ReturnsError, ReturnsRef, SqlMappingRef, SqlTranslatable,
};
use pgrx::prelude::*;
use regecon_core::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegClass(pub pg_sys::Oid);

impl FromDatum for RegClass {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        if is_null {
            None
        } else {
            pg_sys::Oid::from_datum(datum, false).map(RegClass)
        }
    }
}

impl IntoDatum for RegClass {
    fn into_datum(self) -> Option<pg_sys::Datum> {
        Some(pg_sys::Datum::from(self.0))
    }
    fn type_oid() -> pg_sys::Oid {
        pg_sys::REGCLASSOID
    }
}

unsafe impl SqlTranslatable for RegClass {
    const TYPE_IDENT: &'static str = pgrx::pgrx_resolved_type!(RegClass);
    const TYPE_ORIGIN: pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin =
        pgrx::pgrx_sql_entity_graph::metadata::TypeOrigin::External;
    const ARGUMENT_SQL: Result<SqlMappingRef, ArgumentError> = Ok(SqlMappingRef::literal("regclass"));
    const RETURN_SQL: Result<ReturnsRef, ReturnsError> =
        Ok(ReturnsRef::One(SqlMappingRef::literal("regclass")));
}

/// Reads `SELECT src, dst, weight FROM rel` with the caller's privileges (a
/// relation the caller may not read fails with 42501 from Postgres itself).
/// Ids are cast to bigint and weights to float8, so integer and numeric
/// columns work; a relation without these columns fails with 42703. The
/// three columns come back as three arrays in one row: an order of magnitude
/// faster than fetching 10^6 rows one by one.
pub fn read_weights(rel: RegClass, func: &str) -> Vec<(i64, i64, f64)> {
    Spi::connect(|client| {
        let name: String = client
            .select("SELECT $1::regclass::text", None, &[rel.into()])
            .and_then(|t| t.first().get_one::<String>())
            .ok()
            .flatten()
            .unwrap_or_else(|| raise(func, Error::invalid(format!("weights relation {} does not exist", rel.0.to_u32()))));
        check_for_interrupts!();
        let query = format!(
            "SELECT array_agg(src::bigint), array_agg(dst::bigint), array_agg(weight::float8) FROM {name}"
        );
        let table = client.select(query.as_str(), Some(1), &[]).unwrap_or_else(|e| error!("{func}: reading {name}: {e}"));
        let row = table.first();
        let src = row.get::<Array<'_, i64>>(1).ok().flatten();
        let dst = row.get::<Array<'_, i64>>(2).ok().flatten();
        let w = row.get::<Array<'_, f64>>(3).ok().flatten();
        let (Some(src), Some(dst), Some(w)) = (src, dst, w) else {
            return Vec::new(); // an empty relation
        };
        if let (Ok(s), Ok(d), Ok(x)) = (src.as_slice(), dst.as_slice(), w.as_slice()) {
            return s.iter().zip(d).zip(x).map(|((&s, &d), &x)| (s, d, x)).collect();
        }
        // some element is NULL: find the first for the message
        let k = src.iter().zip(dst.iter()).zip(w.iter()).position(|((s, d), x)| s.is_none() || d.is_none() || x.is_none());
        raise(
            func,
            Error::null_value(format!(
                "weights relation {name} has a row with a NULL src, dst or weight (row {})",
                k.unwrap_or(0) + 1
            )),
        )
    })
}

unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for RegClass {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        unsafe { arg.unbox_arg_using_from_datum() }.unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
}
