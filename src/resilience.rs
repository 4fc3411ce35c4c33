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

agg_state!(ShiftShare, infallible);

#[pg_extern(immutable, parallel_safe)]
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
    aggregate::trans::<ShiftShare>(state, fcinfo, "martin_resilience_agg", |s| {
        s.add(e_t, e_base, ref_t, ref_base)
    })
}

#[pg_extern(immutable, parallel_safe)]
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
    SFUNC = martin_resilience_trans,
    STYPE = internal,
    FINALFUNC = martin_resilience_final,
    COMBINEFUNC = martin_resilience_combine,
    SERIALFUNC = martin_resilience_serialize,
    DESERIALFUNC = martin_resilience_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE martin_resilience_agg(float8, float8, float8, float8) IS
'Martin et al. (2016) relative resilience of a region from its sectors: (sum(e_t - e_base) - sum(e_base * g_j)) / |sum(e_base * g_j)|, g_j = (ref_t - ref_base) / ref_base';
COMMENT ON FUNCTION martin_resilience(float8, float8, float8, float8) IS
'Martin et al. (2016) relative resilience (g_i - g_r) / |g_r|, g = (t - base) / base';
"#,
    name = "martin_resilience_agg",
    requires = [
        martin_resilience,
        martin_resilience_trans,
        martin_resilience_final,
        martin_resilience_combine,
        martin_resilience_serialize,
        martin_resilience_deserialize
    ],
);
