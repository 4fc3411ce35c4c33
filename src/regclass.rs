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

/// Rows fetched per SPI round trip (interrupts are checked between rounds).
const BATCH: i64 = 10_000;

/// Reads `SELECT src, dst, weight FROM rel` with the caller's privileges (a
/// relation the caller may not read fails with 42501 from Postgres itself).
/// Ids are cast to bigint and weights to float8, so integer and numeric
/// columns work; a relation without these columns fails with 42703.
pub fn read_weights(rel: RegClass, func: &str) -> Vec<(i64, i64, f64)> {
    Spi::connect(|client| {
        let name: String = client
            .select("SELECT $1::regclass::text", None, &[rel.into()])
            .and_then(|t| t.first().get_one::<String>())
            .ok()
            .flatten()
            .unwrap_or_else(|| raise(func, Error::invalid(format!("weights relation {} does not exist", rel.0.to_u32()))));
        let query = format!("SELECT src::bigint, dst::bigint, weight::float8 FROM {name}");
        let mut cursor = client.open_cursor(query.as_str(), &[]);
        let mut out = Vec::new();
        loop {
            check_for_interrupts!();
            let batch = cursor.fetch(BATCH).unwrap_or_else(|e| error!("{func}: reading {name}: {e}"));
            if batch.is_empty() {
                break;
            }
            for row in batch {
                let src = row.get::<i64>(1).ok().flatten();
                let dst = row.get::<i64>(2).ok().flatten();
                let w = row.get::<f64>(3).ok().flatten();
                match (src, dst, w) {
                    (Some(s), Some(d), Some(w)) => out.push((s, d, w)),
                    _ => raise(
                        func,
                        Error::null_value(format!(
                            "weights relation {name} has a row with a NULL src, dst or weight (row {})",
                            out.len() + 1
                        )),
                    ),
                }
            }
        }
        out
    })
}

unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for RegClass {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        unsafe { arg.unbox_arg_using_from_datum() }.unwrap_or_else(|| panic!("argument {index} must not be null"))
    }
}
