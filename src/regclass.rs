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
    // SAFETY (of the trait contract): a regclass datum is an oid passed by
    // value; nothing is dereferenced.
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

// SAFETY: the SQL type named here (regclass) is the one whose datums
// FromDatum/IntoDatum above decode and encode.
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
/// tuples are read straight from SPI's tuple table (binary datums, no
/// per-row conversion layer): reading is a small part of a statistic's cost
/// even for 10^6 links.
pub fn read_weights(rel: RegClass, func: &str) -> Vec<(i64, i64, f64)> {
    // SAFETY: catalog lookups by oid; NULL (no such relation) is checked.
    let name = unsafe {
        let relname = pg_sys::get_rel_name(rel.0);
        if relname.is_null() {
            raise(func, Error::invalid(format!("weights relation {} does not exist", rel.0.to_u32())));
        }
        let nsp = pg_sys::get_namespace_name(pg_sys::get_rel_namespace(rel.0));
        if nsp.is_null() {
            raise(func, Error::invalid(format!("weights relation {} does not exist", rel.0.to_u32())));
        }
        std::ffi::CStr::from_ptr(pg_sys::quote_qualified_identifier(nsp, relname)).to_string_lossy().into_owned()
    };
    // the columns, by name on the relation's oid: a clear message instead of
    // PostgreSQL's bare 'column "src" does not exist'
    let missing: Vec<&str> = [c"src", c"dst", c"weight"]
        .iter()
        // SAFETY: get_attnum reads the syscache by the relation's oid and a
        // NUL-terminated name; it returns InvalidAttrNumber (0) when absent.
        .filter(|c| unsafe { pg_sys::get_attnum(rel.0, c.as_ptr()) } == 0)
        .map(|c| c.to_str().unwrap_or("?"))
        .collect();
    if !missing.is_empty() {
        crate::errors::raise_code(
            pgrx::PgSqlErrorCode::ERRCODE_UNDEFINED_COLUMN,
            &format!(
                "{func}: weights relation {name} has no column {}: a weights relation has columns src and dst (unit ids) and weight (a view renaming yours works: CREATE VIEW w AS SELECT a AS src, b AS dst, v AS weight FROM ...)",
                missing.join(", ")
            ),
        );
    }
    // every name qualified: the caller's search_path plays no part
    let query = std::ffi::CString::new(format!(
        "SELECT src::pg_catalog.int8, dst::pg_catalog.int8, weight::pg_catalog.float8 FROM {name}"
    ))
        .unwrap_or_else(|_| raise(func, Error::invalid("weights relation name contains a NUL byte")));
    Spi::connect(|_client| {
        // SAFETY: connected to SPI; the tuple table is read before SPI_finish
        // (at the end of this closure) and copied into Rust values.
        unsafe {
            let rc = pg_sys::SPI_execute(query.as_ptr(), true, 0);
            if rc != pg_sys::SPI_OK_SELECT as i32 {
                raise(func, Error::invalid(format!("weights relation {name} cannot be read with SELECT (SPI code {rc})")));
            }
            let n = pg_sys::SPI_processed as usize;
            let table = pg_sys::SPI_tuptable;
            if n == 0 || table.is_null() {
                return Vec::new();
            }
            let desc = (*table).tupdesc;
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                if i % 65536 == 65535 {
                    check_for_interrupts!();
                }
                let tuple = *(*table).vals.add(i);
                let mut nulls = [false; 3];
                let s = pg_sys::SPI_getbinval(tuple, desc, 1, &mut nulls[0]);
                let d = pg_sys::SPI_getbinval(tuple, desc, 2, &mut nulls[1]);
                let w = pg_sys::SPI_getbinval(tuple, desc, 3, &mut nulls[2]);
                if nulls.iter().any(|v| *v) {
                    raise(
                        func,
                        Error::null_value(format!(
                            "weights relation {name} has a row with a NULL src, dst or weight (row {})",
                            i + 1
                        )),
                    );
                }
                out.push((s.value() as i64, d.value() as i64, f64::from_bits(w.value() as u64)));
            }
            out
        }
    })
}

// SAFETY: a regclass datum is a plain oid passed by value; decoding it
// reads no memory. A NULL reaching a non-Option RegClass argument (only
// possible for a non-STRICT function that forgot to take Option) is an
// ERROR 22004, never a panic.
unsafe impl<'fcx> pgrx::callconv::ArgAbi<'fcx> for RegClass {
    unsafe fn unbox_arg_unchecked(arg: pgrx::callconv::Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        // SAFETY: the argument is declared regclass, whose datum FromDatum
        // decodes by value (see above); its null flag is honoured.
        unsafe { arg.unbox_arg_using_from_datum() }.unwrap_or_else(|| {
            raise("regecon", Error::null_value(format!("argument {} (a weights relation) must not be NULL", index + 1)))
        })
    }
}
