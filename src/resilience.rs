//! SQL: `martin_resilience` (scalar) and `martin_resilience_agg` (shift-share
//! aggregate over the sectors of a region). Numerics: core `resilience`.

use crate::aggregate::{self, agg_state, parallel_support};
use crate::errors::OrRaise;
use pgrx::prelude::*;
use pgrx::Internal;
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

extension_sql!(
    r#"
CREATE AGGREGATE martin_resilience_agg(e_t float8, e_base float8, ref_t float8, ref_base float8) (
    SFUNC = regecon_internal.martin_resilience_trans,
    STYPE = internal,
    FINALFUNC = regecon_internal.martin_resilience_final,
    COMBINEFUNC = regecon_internal.martin_resilience_combine,
    SERIALFUNC = regecon_internal.martin_resilience_serialize,
    DESERIALFUNC = regecon_internal.martin_resilience_deserialize,
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
