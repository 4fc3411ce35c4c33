//! SQL: `hhi_agg` (two forms), `hhi_normalized_agg`, `location_quotient`,
//! `spatial_gini_agg`, `krugman_index_agg`. Numerics: core `agglomeration`.

use crate::aggregate::{self, agg_state, parallel_support};
use crate::errors::OrRaise;
use crate::fixed_state;
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::agglomeration::hhi::{Hhi, ShareSquares};
use regecon_core::agglomeration::krugman::krugman_index;
use regecon_core::agglomeration::spatial_gini::spatial_gini;
use regecon_core::agglomeration::{location_quotient as lq, Pairs};
use regecon_core::fixed::Fixed;

agg_state!(Hhi, infallible);

agg_state!(ShareSquares, infallible);

agg_state!(Pairs);

// ---- hhi_agg(value) and hhi_normalized_agg(value) -------------------------

// hhi_trans is the hot path of the most common aggregate (one call per row of
// possibly hundreds of millions), so it is a bare V1 C function reading its
// two arguments straight from fcinfo: pgrx's argument marshalling cost about
// 25 % over the built-in sum(v*v)/sum(v)^2 (bench/hhi_agg.sql). Declared in
// SQL below; NULL handling and errors are those of the other trans functions.
#[no_mangle]
#[doc(hidden)]
pub extern "C" fn pg_finfo_hhi_trans() -> &'static pg_sys::Pg_finfo_record {
    const V1_API: pg_sys::Pg_finfo_record = pg_sys::Pg_finfo_record { api_version: 1 };
    &V1_API
}

/// `hhi_trans(internal, float8) RETURNS internal`, non-strict.
#[no_mangle]
#[pg_guard]
pub unsafe extern "C-unwind" fn hhi_trans(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: PostgreSQL calls this V1 function with a valid fcinfo holding
    // the two declared arguments (hhi_trans(internal, float8)); a direct SQL
    // call passes the same shape. A non-NULL state is always one this
    // function created (new_state below, a Hhi in the aggregate context): a
    // direct call can only pass NULL::internal, and new_state then refuses
    // to run outside an aggregate. A NULL state is returned as a true NULL.
    if fcinfo.is_null() || (*fcinfo).nargs < 2 {
        crate::errors::raise("hhi_agg", regecon_core::Error::invalid("hhi_trans needs two arguments"));
    }
    let args = (*fcinfo).args.as_slice(2);
    let (state, value) = (args[0], args[1]);
    if value.isnull {
        // skip the row; the state (possibly still NULL) passes through
        (*fcinfo).isnull = state.isnull;
        return state.value;
    }
    let v = f64::from_bits(value.value.value() as u64);
    let internal = if state.isnull { aggregate::new_state::<Hhi>(fcinfo, "hhi_agg") } else { state.value };
    let hhi = &mut *internal.cast_mut_ptr::<Hhi>();
    hhi.add(v).or_raise("hhi_agg");
    internal
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn hhi_final(state: Option<Internal>) -> Option<f64> {
    aggregate::finish::<Hhi, _>(state, "hhi_agg", |s| s.hhi())
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn hhi_normalized_final(state: Option<Internal>) -> Option<f64> {
    aggregate::finish::<Hhi, _>(state, "hhi_normalized_agg", |s| s.normalized())
}

parallel_support!(Hhi, hhi_combine, hhi_serialize, hhi_deserialize, "hhi_agg");

// ---- hhi_agg(value) and hhi_normalized_agg(value) with a bytea state ------

// Since 0.4.0 the two aggregates keep the Hhi state as a fixed-size bytea
// (core fixed::Fixed) instead of internal, so that Citus combines the
// partial states its workers compute (docs/citus.md); PostgreSQL needs no
// serialize/deserialize functions for it, and updates it in place inside an
// aggregate (src/fixed_state.rs). The internal-state functions above keep
// their C symbols for databases still on an older release's SQL
// (docs/versions.md). Bare V1 C functions, as hhi_trans, for speed; declared
// in SQL below, STRICT with an initial state: NULL rows are skipped.

// `hhi_fixed_trans(bytea, float8) RETURNS bytea`, STRICT.
crate::fixed_v1!(hhi_fixed_trans, pg_finfo_hhi_fixed_trans, hhi_fixed_trans_body);

/// # Safety
/// Called only through `fixed_v1!`'s V1 entry point: `fcinfo` is the live
/// call's, and the SQL declaration below fixes the argument types it reads.
unsafe fn hhi_fixed_trans_body(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: declared in SQL below as (bytea, float8); PostgreSQL passes a
    // valid fcinfo, and transition() checks the count and the state.
    fixed_state::transition::<Hhi, 1>(fcinfo, "hhi_agg", |h, [v]| h.add(v))
}

// `hhi_fixed_combine(bytea, bytea) RETURNS bytea`, STRICT: the combine step
// (parallel workers, Citus's coordinator), exact as Hhi::merge.
crate::fixed_v1!(hhi_fixed_combine, pg_finfo_hhi_fixed_combine, hhi_fixed_combine_body);

/// # Safety
/// Called only through `fixed_v1!`'s V1 entry point: `fcinfo` is the live
/// call's, and the SQL declaration below fixes the argument types it reads.
unsafe fn hhi_fixed_combine_body(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: declared in SQL below as (bytea, bytea).
    fixed_state::combine::<Hhi>(fcinfo, "hhi_agg", |a, b| a.merge(b))
}

#[pg_extern(immutable, parallel_safe, strict, schema = "regecon_internal")]
fn hhi_fixed_final(state: &[u8]) -> Option<f64> {
    Hhi::read_fixed(state).and_then(|s| s.hhi()).or_raise("hhi_agg")
}

#[pg_extern(immutable, parallel_safe, strict, schema = "regecon_internal")]
fn hhi_normalized_fixed_final(state: &[u8]) -> Option<f64> {
    Hhi::read_fixed(state).and_then(|s| s.normalized()).or_raise("hhi_normalized_agg")
}

// ---- hhi_agg(value, total): the paper's eq. (5) ---------------------------

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn hhi_total_trans(
    state: Option<Internal>,
    value: Option<f64>,
    total: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let (Some(v), Some(t)) = (value, total) else { return aggregate::skip(state) };
    aggregate::trans::<ShareSquares>(state, fcinfo, "hhi_agg", |s| s.add(v, t))
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn hhi_total_final(state: Option<Internal>) -> Option<f64> {
    aggregate::finish::<ShareSquares, _>(state, "hhi_agg", |s| s.result())
}

parallel_support!(ShareSquares, hhi_total_combine, hhi_total_serialize, hhi_total_deserialize, "hhi_agg");

// Since 0.4.0, as hhi_agg(value): a fixed-size bytea state. The functions
// above keep their symbols for older releases' SQL.

// `hhi_total_fixed_trans(bytea, float8, float8) RETURNS bytea`, STRICT.
crate::fixed_v1!(hhi_total_fixed_trans, pg_finfo_hhi_total_fixed_trans, hhi_total_fixed_trans_body);

/// # Safety
/// Called only through `fixed_v1!`'s V1 entry point: `fcinfo` is the live
/// call's, and the SQL declaration below fixes the argument types it reads.
unsafe fn hhi_total_fixed_trans_body(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: declared in SQL below as (bytea, float8, float8).
    fixed_state::transition::<ShareSquares, 2>(fcinfo, "hhi_agg", |s, [v, t]| s.add(v, t))
}

// `hhi_total_fixed_combine(bytea, bytea) RETURNS bytea`, STRICT.
crate::fixed_v1!(hhi_total_fixed_combine, pg_finfo_hhi_total_fixed_combine, hhi_total_fixed_combine_body);

/// # Safety
/// Called only through `fixed_v1!`'s V1 entry point: `fcinfo` is the live
/// call's, and the SQL declaration below fixes the argument types it reads.
unsafe fn hhi_total_fixed_combine_body(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: declared in SQL below as (bytea, bytea).
    fixed_state::combine::<ShareSquares>(fcinfo, "hhi_agg", |a, b| a.merge(b))
}

#[pg_extern(immutable, parallel_safe, strict, schema = "regecon_internal")]
fn hhi_total_fixed_final(state: &[u8]) -> Option<f64> {
    ShareSquares::read_fixed(state).and_then(|s| s.result()).or_raise("hhi_agg")
}

// ---- location_quotient ----------------------------------------------------

/// (l_ij / l_i) / (l_j / l). STRICT.
#[pg_extern(immutable, parallel_safe)]
fn location_quotient(l_ij: f64, l_i: f64, l_j: f64, l: f64) -> f64 {
    lq::location_quotient(l_ij, l_i, l_j, l).or_raise("location_quotient")
}

// ---- spatial_gini_agg(l_ij, l_i) and krugman_index_agg(l_ij, l_j) ----------

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn spatial_gini_trans(
    state: Option<Internal>,
    l_ij: Option<f64>,
    l_i: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let (Some(a), Some(b)) = (l_ij, l_i) else { return aggregate::skip(state) };
    aggregate::trans::<Pairs>(state, fcinfo, "spatial_gini_agg", |s| s.add(a, b, "l_ij", "l_i"))
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn spatial_gini_final(state: Option<Internal>) -> Option<f64> {
    aggregate::finish::<Pairs, _>(state, "spatial_gini_agg", spatial_gini)
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn krugman_index_trans(
    state: Option<Internal>,
    l_ij: Option<f64>,
    l_j: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let (Some(a), Some(b)) = (l_ij, l_j) else { return aggregate::skip(state) };
    aggregate::trans::<Pairs>(state, fcinfo, "krugman_index_agg", |s| s.add(a, b, "l_ij", "l_j"))
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn krugman_index_final(state: Option<Internal>) -> Option<f64> {
    aggregate::finish::<Pairs, _>(state, "krugman_index_agg", krugman_index)
}

parallel_support!(Pairs, pairs_combine, pairs_serialize, pairs_deserialize, "aggregate");

extension_sql!(
    r#"
CREATE FUNCTION regecon_internal.hhi_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'hhi_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION regecon_internal.hhi_fixed_trans(bytea, float8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'hhi_fixed_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION regecon_internal.hhi_fixed_combine(bytea, bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'hhi_fixed_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION regecon_internal.hhi_total_fixed_trans(bytea, float8, float8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'hhi_total_fixed_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION regecon_internal.hhi_total_fixed_combine(bytea, bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'hhi_total_fixed_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- a bytea state (not internal): Citus combines the workers' partial states
CREATE AGGREGATE hhi_agg(value float8) (
    SFUNC = regecon_internal.hhi_fixed_trans, STYPE = bytea, INITCOND = '\x0101000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    FINALFUNC = regecon_internal.hhi_fixed_final, COMBINEFUNC = regecon_internal.hhi_fixed_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE hhi_agg(float8) IS
'Herfindahl-Hirschman index of the group: sum of (value / sum(value))^2, in [1/n, 1]';

CREATE AGGREGATE hhi_normalized_agg(value float8) (
    SFUNC = regecon_internal.hhi_fixed_trans, STYPE = bytea, INITCOND = '\x0101000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    FINALFUNC = regecon_internal.hhi_normalized_fixed_final, COMBINEFUNC = regecon_internal.hhi_fixed_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE hhi_normalized_agg(float8) IS
'Normalised HHI (HHI - 1/n) / (1 - 1/n), in [0, 1]; NULL for a single value';

CREATE AGGREGATE hhi_agg(value float8, total float8) (
    SFUNC = regecon_internal.hhi_total_fixed_trans, STYPE = bytea, INITCOND = '\x0102000000000000000000000000000000000000000000000000000000000000',
    FINALFUNC = regecon_internal.hhi_total_fixed_final, COMBINEFUNC = regecon_internal.hhi_total_fixed_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE hhi_agg(float8, float8) IS
'Sum of (value / total)^2 over the group: the paper''s eq. (5) with total = national employment of the industry';

CREATE AGGREGATE spatial_gini_agg(l_ij float8, l_i float8) (
    SFUNC = regecon_internal.spatial_gini_trans, STYPE = internal, FINALFUNC = regecon_internal.spatial_gini_final,
    COMBINEFUNC = regecon_internal.pairs_combine, SERIALFUNC = regecon_internal.pairs_serialize, DESERIALFUNC = regecon_internal.pairs_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE spatial_gini_agg(float8, float8) IS
'Krugman''s locational Gini of an industry over regions: sum of (l_ij / sum l_ij - l_i / sum l_i)^2';

CREATE AGGREGATE krugman_index_agg(l_ij float8, l_j float8) (
    SFUNC = regecon_internal.krugman_index_trans, STYPE = internal, FINALFUNC = regecon_internal.krugman_index_final,
    COMBINEFUNC = regecon_internal.pairs_combine, SERIALFUNC = regecon_internal.pairs_serialize, DESERIALFUNC = regecon_internal.pairs_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE krugman_index_agg(float8, float8) IS
'Krugman specialisation index of a region over industries: sum of |l_ij / sum l_ij - l_j / sum l_j|';

COMMENT ON FUNCTION location_quotient(float8, float8, float8, float8) IS
'Location quotient (l_ij / l_i) / (l_j / l)';
"#,
    name = "agglomeration_aggregates",
    requires = [
        hhi_final,
        hhi_normalized_final,
        hhi_fixed_final,
        hhi_normalized_fixed_final,
        hhi_combine,
        hhi_serialize,
        hhi_deserialize,
        hhi_total_trans,
        hhi_total_fixed_final,
        hhi_total_final,
        hhi_total_combine,
        hhi_total_serialize,
        hhi_total_deserialize,
        spatial_gini_trans,
        spatial_gini_final,
        krugman_index_trans,
        krugman_index_final,
        pairs_combine,
        pairs_serialize,
        pairs_deserialize,
        location_quotient
    ],
);

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
mod tests {
    // In-database tests through the SPI, complementing the SQL regression
    // suite (tests/pg_regress): values crossing the SQL boundary, NULL
    // handling, and errors surfacing as ERRORs, not panics.
    use crate::test_support::f64_of;
    use pgrx::prelude::*;

    #[pg_test]
    fn hhi_agg_equals_plain_sql_on_random_data() {
        Spi::run("CREATE TEMP TABLE r AS SELECT (random() * 1000)::float8 AS v FROM generate_series(1, 20000)")
            .unwrap();
        let ours = f64_of("SELECT hhi_agg(v) FROM r").unwrap();
        let sql = f64_of("SELECT sum(v * v) / sum(v) ^ 2 FROM r").unwrap();
        assert!((ours - sql).abs() <= 1e-12 * sql, "{ours} vs {sql}");
    }

    #[pg_test]
    fn fixed_state_initconds_are_the_core_empty_states() {
        // the INITCONDs written out in the CREATE AGGREGATE statements are
        // the core's empty states (a change of the form must change both)
        use regecon_core::agglomeration::hhi::{Hhi, ShareSquares};
        use regecon_core::fixed::Fixed;
        use regecon_core::resilience::ShiftShare;
        for (agg, want) in [
            ("hhi_agg(float8)", Hhi::initcond()),
            ("hhi_normalized_agg(float8)", Hhi::initcond()),
            ("hhi_agg(float8, float8)", ShareSquares::initcond()),
            ("martin_resilience_agg(float8, float8, float8, float8)", ShiftShare::initcond()),
        ] {
            let got = Spi::get_one::<String>(&format!(
                "SELECT agginitval FROM pg_catalog.pg_aggregate WHERE aggfnoid = '{agg}'::pg_catalog.regprocedure"
            ))
            .unwrap()
            .unwrap();
            assert_eq!(got, want, "{agg}");
        }
    }

    #[pg_test]
    fn aggregates_skip_nulls_and_return_null_when_empty() {
        assert_eq!(f64_of("SELECT hhi_agg(x) FROM (VALUES (NULL::float8)) v(x)"), None);
        assert_eq!(f64_of("SELECT hhi_agg(x) FROM (VALUES (NULL::float8), (2), (2)) v(x)"), Some(0.5));
    }

    #[pg_test(error = "hhi_agg: the values of the group sum to zero: shares are undefined")]
    fn zero_total_is_an_error() {
        f64_of("SELECT hhi_agg(x) FROM (VALUES (0::float8), (0)) v(x)");
    }
}
