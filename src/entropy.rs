//! SQL: `edi`, `cedi_entropy` and `indicator_entropy` (aggregates over the
//! regions of one period), `cedi`. Numerics: core `entropy`.

use crate::aggregate::{self, agg_state, parallel_support};
use crate::errors::{dense, OrRaise};
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::entropy::{self as ent, Entropy};

/// (emission / total_emission) / (output / total_output). STRICT.
#[pg_extern(immutable, parallel_safe)]
fn edi(emission: f64, total_emission: f64, output: f64, total_output: f64) -> f64 {
    ent::edi(emission, total_emission, output, total_output).or_raise("edi")
}

/// sum_k weights[k] * edi[k]; weights must be non-negative and sum to 1. STRICT.
#[pg_extern(immutable, parallel_safe)]
fn cedi(edi: Array<'_, f64>, weights: Array<'_, f64>) -> f64 {
    let x = dense(&edi, "cedi", "edi");
    let g = dense(&weights, "cedi", "weights");
    ent::cedi(&x, &g).or_raise("cedi")
}

agg_state!(Entropy);

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn cedi_entropy_trans(
    state: Option<Internal>,
    edi: Option<Array<'_, f64>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let Some(edi) = edi else { return aggregate::skip(state) };
    let row = dense(&edi, "cedi_entropy", "edi");
    aggregate::trans::<Entropy>(state, fcinfo, "cedi_entropy", |s| s.add(&row))
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn cedi_entropy_final(state: Option<Internal>) -> Option<Vec<f64>> {
    aggregate::finish::<Entropy, _>(state, "cedi_entropy", |s| Ok(s.weights()?.map(|w| w.weights)))
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn indicator_entropy_final(state: Option<Internal>) -> Option<Vec<f64>> {
    aggregate::finish::<Entropy, _>(state, "indicator_entropy", |s| Ok(s.weights()?.map(|w| w.entropy)))
}

parallel_support!(Entropy, cedi_entropy_combine, cedi_entropy_serialize, cedi_entropy_deserialize, "cedi_entropy");

extension_sql!(
    r#"
CREATE AGGREGATE cedi_entropy(edi float8[]) (
    SFUNC = regecon_internal.cedi_entropy_trans, STYPE = internal, FINALFUNC = regecon_internal.cedi_entropy_final,
    COMBINEFUNC = regecon_internal.cedi_entropy_combine, SERIALFUNC = regecon_internal.cedi_entropy_serialize,
    DESERIALFUNC = regecon_internal.cedi_entropy_deserialize, PARALLEL = SAFE
);
COMMENT ON AGGREGATE cedi_entropy(float8[]) IS
'Entropy weights g_k = (1 - e_k) / sum(1 - e_k) of the k indicators over the regions of the group; sums to 1';

CREATE AGGREGATE indicator_entropy(edi float8[]) (
    SFUNC = regecon_internal.cedi_entropy_trans, STYPE = internal, FINALFUNC = regecon_internal.indicator_entropy_final,
    COMBINEFUNC = regecon_internal.cedi_entropy_combine, SERIALFUNC = regecon_internal.cedi_entropy_serialize,
    DESERIALFUNC = regecon_internal.cedi_entropy_deserialize, PARALLEL = SAFE
);
COMMENT ON AGGREGATE indicator_entropy(float8[]) IS
'Information entropy e_k = -(1/ln n) sum_i f_ik ln f_ik of each indicator over the regions of the group';

COMMENT ON FUNCTION edi(float8, float8, float8, float8) IS
'Environmental damage index: (emission / total_emission) / (output / total_output)';
COMMENT ON FUNCTION cedi(float8[], float8[]) IS
'Comprehensive environmental damage index sum_k weights[k] * edi[k]';
"#,
    name = "entropy_aggregates",
    requires = [
        edi,
        cedi,
        cedi_entropy_trans,
        cedi_entropy_final,
        indicator_entropy_final,
        cedi_entropy_combine,
        cedi_entropy_serialize,
        cedi_entropy_deserialize
    ],
);

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
mod tests {
    // In-database tests through the SPI, complementing the SQL regression
    // suite (tests/pg_regress): values crossing the SQL boundary, NULL
    // handling, and errors surfacing as ERRORs, not panics.
    use pgrx::prelude::*;

    #[pg_test]
    fn aggregate_returns_null_when_every_row_is_null() {
        assert_eq!(
            Spi::get_one::<Vec<f64>>("SELECT cedi_entropy(x) FROM (VALUES (NULL::float8[])) v(x)").unwrap(),
            None
        );
    }

    #[pg_test(error = "cedi_entropy: every indicator is constant across the regions: entropy weights are 0/0")]
    fn constant_indicators_are_an_error() {
        Spi::get_one::<Vec<f64>>("SELECT cedi_entropy(ARRAY[1.0, 2.0]) FROM generate_series(1, 3)").unwrap();
    }
}
