//! SQL: `martin_resilience` (scalar) and `martin_resilience_agg` (shift-share
//! aggregate over the sectors of a region). Numerics: core `resilience`.

use crate::aggregate::{self, agg_state, parallel_support};
use crate::errors::OrRaise;
use crate::fixed_state;
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::fixed::Fixed;
use regecon_core::resilience::{martin, ShiftShare};

/// (g_i - g_r) / |g_r| with g = (t - base) / base. STRICT: NULL in, NULL out.
#[pg_extern(immutable, parallel_safe)]
fn martin_resilience(y_t: f64, y_base: f64, ref_t: f64, ref_base: f64) -> f64 {
    martin(y_t, y_base, ref_t, ref_base).or_raise("martin_resilience")
}

/// The same with a guard: NULL (and a NOTICE) when the reference region's
/// growth |g_r| is below `min_ref_change`, where the ratio explodes. STRICT.
#[pg_extern(immutable, parallel_safe, name = "martin_resilience")]
fn martin_resilience_guarded(y_t: f64, y_base: f64, ref_t: f64, ref_base: f64, min_ref_change: f64) -> Option<f64> {
    const F: &str = "martin_resilience";
    regecon_core::error::non_negative(min_ref_change, "min_ref_change").or_raise(F);
    let g_r = regecon_core::error::finite_result((ref_t - ref_base) / ref_base, "the reference growth")
        .unwrap_or(f64::INFINITY);
    if ref_base != 0.0 && g_r.abs() < min_ref_change {
        notice!("{F}: the reference growth {g_r} is smaller in magnitude than min_ref_change = {min_ref_change}: NULL");
        return None;
    }
    Some(martin(y_t, y_base, ref_t, ref_base).or_raise(F))
}

agg_state!(ShiftShare, infallible);

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn martin_resilience_trans(
    state: Option<Internal>,
    e_t: Option<f64>,
    e_base: Option<f64>,
    ref_t: Option<f64>,
    ref_base: Option<f64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let (Some(e_t), Some(e_base), Some(ref_t), Some(ref_base)) = (e_t, e_base, ref_t, ref_base) else {
        return aggregate::skip(state); // a row with any NULL input is skipped
    };
    aggregate::trans::<ShiftShare>(state, fcinfo, "martin_resilience_agg", |s| s.add(e_t, e_base, ref_t, ref_base))
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn martin_resilience_final(state: Option<Internal>) -> Option<f64> {
    aggregate::finish::<ShiftShare, _>(state, "martin_resilience_agg", |s| s.result())
}

parallel_support!(
    ShiftShare,
    martin_resilience_combine,
    martin_resilience_serialize,
    martin_resilience_deserialize,
    "martin_resilience_agg"
);

// Since 0.4.0 the aggregate keeps its state as a fixed-size bytea (core
// fixed::Fixed) instead of internal, so that Citus combines the partial
// states of its workers (docs/citus.md). The internal-state functions above
// keep their C symbols for databases still on an older release's SQL.

// `martin_resilience_fixed_trans(bytea, float8 x 4) RETURNS bytea`, STRICT:
// a row with any NULL input is skipped, as before.
crate::fixed_v1!(
    martin_resilience_fixed_trans,
    pg_finfo_martin_resilience_fixed_trans,
    martin_resilience_fixed_trans_body
);

/// # Safety
/// Called only through `fixed_v1!`'s V1 entry point: `fcinfo` is the live
/// call's, and the SQL declaration below fixes the argument types it reads.
unsafe fn martin_resilience_fixed_trans_body(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: declared in SQL below as (bytea, float8, float8, float8, float8).
    fixed_state::transition::<ShiftShare, 4>(fcinfo, "martin_resilience_agg", |s, [e_t, e_base, ref_t, ref_base]| {
        s.add(e_t, e_base, ref_t, ref_base)
    })
}

// `martin_resilience_fixed_combine(bytea, bytea) RETURNS bytea`, STRICT.
crate::fixed_v1!(
    martin_resilience_fixed_combine,
    pg_finfo_martin_resilience_fixed_combine,
    martin_resilience_fixed_combine_body
);

/// # Safety
/// Called only through `fixed_v1!`'s V1 entry point: `fcinfo` is the live
/// call's, and the SQL declaration below fixes the argument types it reads.
unsafe fn martin_resilience_fixed_combine_body(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: declared in SQL below as (bytea, bytea).
    fixed_state::combine::<ShiftShare>(fcinfo, "martin_resilience_agg", |a, b| a.merge(b))
}

#[pg_extern(immutable, parallel_safe, strict, schema = "regecon_internal")]
fn martin_resilience_fixed_final(state: &[u8]) -> Option<f64> {
    ShiftShare::read_fixed(state).and_then(|s| s.result()).or_raise("martin_resilience_agg")
}

extension_sql!(
    r#"
CREATE FUNCTION regecon_internal.martin_resilience_fixed_trans(bytea, float8, float8, float8, float8) RETURNS bytea
    AS 'MODULE_PATHNAME', 'martin_resilience_fixed_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION regecon_internal.martin_resilience_fixed_combine(bytea, bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'martin_resilience_fixed_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- a bytea state (not internal): Citus combines the workers' partial states
CREATE AGGREGATE martin_resilience_agg(e_t float8, e_base float8, ref_t float8, ref_base float8) (
    SFUNC = regecon_internal.martin_resilience_fixed_trans,
    STYPE = bytea,
    INITCOND = '\x010400000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
    FINALFUNC = regecon_internal.martin_resilience_fixed_final,
    COMBINEFUNC = regecon_internal.martin_resilience_fixed_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE martin_resilience_agg(float8, float8, float8, float8) IS
'Martin et al. (2016) relative resilience of a region from its sectors: (sum(e_t - e_base) - sum(e_base * g_j)) / |sum(e_base * g_j)|, g_j = (ref_t - ref_base) / ref_base';
COMMENT ON FUNCTION martin_resilience(float8, float8, float8, float8) IS
'Martin et al. (2016) relative resilience (g_i - g_r) / |g_r|, g = (t - base) / base';
COMMENT ON FUNCTION martin_resilience(float8, float8, float8, float8, float8) IS
'Martin et al. (2016) relative resilience, NULL with a NOTICE when |g_r| < min_ref_change (where the ratio explodes)';
"#,
    name = "martin_resilience_agg",
    requires = [
        martin_resilience,
        martin_resilience_guarded,
        martin_resilience_trans,
        martin_resilience_final,
        martin_resilience_fixed_final,
        martin_resilience_combine,
        martin_resilience_serialize,
        martin_resilience_deserialize
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
    fn martin_resilience_hand_worked() {
        assert_eq!(f64_of("SELECT martin_resilience(110, 100, 1050, 1000)"), Some(1.0));
        assert_eq!(f64_of("SELECT martin_resilience(NULL, 100, 1050, 1000)"), None);
    }
}
