//! `regclass` arguments as a bare oid (pgrx's `PgRelation` opens and locks the
//! relation on every call, which an aggregate's per-row transition function
//! cannot afford), and reading a weights relation through SPI.

use crate::errors::raise;
use crate::errors::OrRaise;
use pgrx::datum::{FromDatum, IntoDatum};
use pgrx::pgrx_sql_entity_graph::metadata::{ArgumentError, ReturnsError, ReturnsRef, SqlMappingRef, SqlTranslatable};
use pgrx::prelude::*;
use regecon_core::labels::Labels;
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
    const RETURN_SQL: Result<ReturnsRef, ReturnsError> = Ok(ReturnsRef::One(SqlMappingRef::literal("regclass")));
}

/// The links of a weights relation: (src, dst, weight) with integer ids, or
/// with the codes of `labels` when the relation's ids are text.
pub struct Links {
    /// The relation's qualified name, for messages.
    pub name: String,
    pub triples: std::rc::Rc<Vec<(i64, i64, f64)>>,
    /// `Some` when src and dst are not of an integer type: the dictionary of
    /// their text (see `regecon_core::labels`).
    pub labels: Option<Labels>,
}

/// The key type of a weights relation's src and dst: integer types
/// (smallint, integer, bigint, numeric) are read as bigint, every other type
/// (text, varchar, char, uuid, ...) as its text.
fn text_keyed(rel: pg_sys::Oid, name: &str, func: &str) -> bool {
    let kind = |col: &std::ffi::CStr| {
        // SAFETY: syscache lookups by the relation's oid and a NUL-terminated
        // column name (its presence was checked by the caller).
        let ty = unsafe { pg_sys::get_atttype(rel, pg_sys::get_attnum(rel, col.as_ptr())) };
        let int = [pg_sys::INT2OID, pg_sys::INT4OID, pg_sys::INT8OID, pg_sys::NUMERICOID].contains(&ty);
        (!int, ty)
    };
    let ((s, st), (d, dt)) = (kind(c"src"), kind(c"dst"));
    if s != d {
        crate::errors::raise_code(
            pgrx::PgSqlErrorCode::ERRCODE_DATATYPE_MISMATCH,
            &format!(
                "{func}: weights relation {name} has src of type {} but dst of type {}: both must be integers or both text",
                type_name(st),
                type_name(dt)
            ),
        );
    }
    s
}

/// A type's name, for messages.
pub fn type_name(ty: pg_sys::Oid) -> String {
    // SAFETY: format_type_be returns a palloc'd NUL-terminated string for
    // any oid (an unknown one prints as '???').
    unsafe { std::ffi::CStr::from_ptr(pg_sys::format_type_be(ty)).to_string_lossy().into_owned() }
}

/// Reads `SELECT src, dst, weight FROM rel` with the caller's privileges (a
/// relation the caller may not read fails with 42501 from Postgres itself).
/// Integer ids are cast to bigint and weights to float8, so integer and
/// numeric columns work; ids of any other type are read as text and coded
/// in a dictionary. A relation without these columns fails with 42703
/// naming them. The tuples are read straight from SPI's tuple table (binary
/// datums, no per-row conversion layer): reading is a small part of a
/// statistic's cost even for 10^6 links.
pub fn read_links(rel: RegClass, func: &str) -> Links {
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
    let text = text_keyed(rel.0, &name, func);
    // a Citus reference table is read from its placement on this node: the
    // final function may run on a worker inside a query on a shard, where
    // Citus refuses a query of the (distributed) table itself
    let source = citus_local_shard(rel.0).unwrap_or_else(|| name.clone());
    // every name qualified: the caller's search_path plays no part
    let id_type = if text { "pg_catalog.text" } else { "pg_catalog.int8" };
    let query = std::ffi::CString::new(format!(
        "SELECT src::{id_type}, dst::{id_type}, weight::pg_catalog.float8 FROM {source}"
    ))
    .unwrap_or_else(|_| raise(func, Error::invalid("weights relation name contains a NUL byte")));
    let mut labels = text.then(Labels::default);
    let triples = Spi::connect(|_client| {
        // SAFETY: connected to SPI; the tuple table is read before SPI_finish
        // (at the end of this closure) and copied into Rust values (text ids
        // are copied into the dictionary before the next tuple is read).
        unsafe {
            let rc = pg_sys::SPI_execute(query.as_ptr(), true, 0);
            if rc != pg_sys::SPI_OK_SELECT as i32 {
                raise(
                    func,
                    Error::invalid(format!("weights relation {name} cannot be read with SELECT (SPI code {rc})")),
                );
            }
            let n = pg_sys::SPI_processed as usize;
            let table = pg_sys::SPI_tuptable;
            if n == 0 || table.is_null() {
                return Vec::new();
            }
            let desc = (*table).tupdesc;
            let mut out = regecon_core::mem::vec_with_capacity(n, "the links of the weights relation").or_raise(func);
            for i in 0..n {
                if i % crate::pool::ROWS_PER_CHECK == crate::pool::ROWS_PER_CHECK - 1 {
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
                let (s, d) = match labels.as_mut() {
                    None => (s.value() as i64, d.value() as i64),
                    Some(l) => {
                        // SAFETY: non-NULL datums of the text columns of
                        // the query (cast to pg_catalog.text above)
                        let code = |l: &mut Labels, v: pg_sys::Datum| {
                            let t = <&str>::from_polymorphic_datum(v, false, pg_sys::TEXTOID).unwrap_or_default();
                            l.code(t).or_raise(func).0
                        };
                        (code(l, s), code(l, d))
                    }
                };
                out.push((s, d, f64::from_bits(w.value() as u64)));
            }
            out
        }
    });
    Links { name, triples: std::rc::Rc::new(triples), labels }
}

/// When Citus is installed and `rel` is one of its tables with a placement
/// on this node (a reference table: every node; a Citus local table: the
/// coordinator), the qualified name of that placement's shard, which is a
/// plain table here (docs/citus.md). `None` without Citus, for a plain
/// table, or when this node holds no placement (the table itself is read).
fn citus_local_shard(rel: pg_sys::Oid) -> Option<String> {
    // SAFETY: syscache lookups by name in pg_catalog and by oid; a missing
    // relation gives InvalidOid / NULL, checked.
    let has_citus = unsafe {
        pg_sys::get_relname_relid(c"pg_dist_partition".as_ptr(), pg_sys::Oid::from(pg_sys::PG_CATALOG_NAMESPACE))
            .to_u32()
            != 0
            && pg_sys::get_relname_relid(
                c"pg_dist_local_group".as_ptr(),
                pg_sys::Oid::from(pg_sys::PG_CATALOG_NAMESPACE),
            )
            .to_u32()
                != 0
    };
    if !has_citus {
        return None;
    }
    // Citus's catalog tables are plain tables of this node; every name and
    // operator qualified (the caller's search_path plays no part)
    let shard = Spi::get_one::<i64>(&format!(
        "SELECT s.shardid FROM pg_catalog.pg_dist_partition p \
         JOIN pg_catalog.pg_dist_shard s ON s.logicalrelid OPERATOR(pg_catalog.=) p.logicalrelid \
         JOIN pg_catalog.pg_dist_placement pl ON pl.shardid OPERATOR(pg_catalog.=) s.shardid \
         WHERE p.logicalrelid OPERATOR(pg_catalog.=) '{}'::pg_catalog.oid::pg_catalog.regclass \
           AND p.partmethod OPERATOR(pg_catalog.=) 'n' \
           AND pl.groupid OPERATOR(pg_catalog.=) (SELECT groupid FROM pg_catalog.pg_dist_local_group) \
         ORDER BY s.shardid LIMIT 1",
        rel.to_u32()
    ))
    .ok()
    .flatten()?;
    // SAFETY: as above; the shard table is named <relation>_<shardid> in the
    // relation's schema (Citus's rule), looked up without the search_path.
    unsafe {
        let relname = pg_sys::get_rel_name(rel);
        if relname.is_null() {
            return None;
        }
        let nsp_oid = pg_sys::get_rel_namespace(rel);
        let shard_name =
            std::ffi::CString::new(format!("{}_{shard}", std::ffi::CStr::from_ptr(relname).to_string_lossy())).ok()?;
        if pg_sys::get_relname_relid(shard_name.as_ptr(), nsp_oid).to_u32() == 0 {
            return None;
        }
        let nsp = pg_sys::get_namespace_name(nsp_oid);
        if nsp.is_null() {
            return None;
        }
        Some(
            std::ffi::CStr::from_ptr(pg_sys::quote_qualified_identifier(nsp, shard_name.as_ptr()))
                .to_string_lossy()
                .into_owned(),
        )
    }
}

/// The 42804 error of data and weights keyed by different types.
pub fn key_mismatch(func: &str, relation: &str, data_text: bool) -> ! {
    let (data, rel) = if data_text { ("text", "integer") } else { ("bigint", "text") };
    crate::errors::raise_code(
        pgrx::PgSqlErrorCode::ERRCODE_DATATYPE_MISMATCH,
        &format!(
            "{func}: the unit ids are {data} but weights relation {relation} has {rel} ids: key the data and the weights by the same type (cast the ids, e.g. id::text, or build the weights from ids of the data's type)"
        ),
    )
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
