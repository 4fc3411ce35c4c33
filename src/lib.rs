//! regecon: the regional-economics pipeline of Zheng, Zhu, Pei & Wang (2022)
//! as PostgreSQL functions and aggregates.
//!
//! This crate is glue only: it maps SQL types, NULLs and errors onto the pure
//! numerics of `regecon-core` (crates/regecon-core). One file per SQL family:
//!
//! | file | SQL |
//! |---|---|
//! | `resilience.rs` | `martin_resilience`, `martin_resilience_agg` |
//! | `agglomeration.rs` | `hhi_agg`, `hhi_normalized_agg`, `location_quotient`, `spatial_gini_agg`, `krugman_index_agg` |
//! | `entropy.rs` | `edi`, `cedi_entropy`, `indicator_entropy`, `cedi` |
//! | `coupling.rs` | `min_max_scale`, `coupling_degree`, `coupling_coordination`, `coupling_class` |
//! | `weights.rs` | `knn_weights`, `distance_band_weights`, `min_threshold_distance`, `contiguity_weights`, `weights_transform`, `weights_summary`, `read_gal`, `read_gwt`, `to_gal`, `to_gwt` |
//! | `autocorrelation.rs` | `morans_i` and the weights plumbing of the spatial aggregates |
//! | `geary_getis.rs` | `gearys_c`, `getis_ord_g`, `bivariate_morans_i` |
//! | `local.rs` | `local_moran`, `local_g_star`, `spatial_lag`, `moran_scatter` |
//! | `tobit.rs` | `panel_tobit`, `tobit_coefficients`, `tobit_summary`, `tobit_marginal_effects`, `tobit_hausman`, `tobit_predict`, `tobit_check_fit` |
//! | `compat.rs` | the SQL of `local_moran(bigint[], ...)` and `tobit_coefficients`, whose C symbols older releases bound to other argument lists, and the deprecated `local_moran_0_1`, `tobit_coefficients_0_1`, `tobit_summary_0_1` |
//!
//! Shared: `errors.rs` turns core errors into `ereport` with a SQLSTATE;
//! `aggregate.rs` holds the support-function plumbing of every aggregate
//! (NULL states, memory contexts), `fixed_state.rs` that of the aggregates
//! with a fixed-size bytea state Citus can ship (`hhi_agg`); `pool.rs` the limits a call works within
//! (threads, `regecon.max_memory`, interrupts, progress, the weights-match
//! setting); `types.rs` the composite result types, found by oid;
//! `regclass.rs` reading a weights relation by oid. docs/security.md says
//! what this guarantees on a shared server.

// pgrx reads a set-returning function's columns from its written-out
// `TableIterator<'static, (name!(..), ...)>` signature: a type alias would
// hide them from the SQL generator.
#![allow(clippy::type_complexity)]

::pgrx::pg_module_magic!(name, version);

/// Rust allocations of this library are counted, so that input-sized
/// buffers can be checked against `regecon.max_memory` (core `mem`).
#[global_allocator]
static ALLOCATOR: regecon_core::mem::Counting = regecon_core::mem::Counting;

mod agglomeration;
mod aggregate;
mod autocorrelation;
mod compat;
mod coupling;
mod entropy;
mod errors;
mod fixed_state;
mod geary_getis;
mod ids;
mod local;
mod pool;
mod regclass;
mod resilience;
mod tobit;
mod types;
mod weights;

/// Registers the settings (GUCs). Starts no threads.
#[pgrx::pg_guard]
pub extern "C-unwind" fn _PG_init() {
    pool::register_settings();
    tobit::register_settings();
}

#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}

#[cfg(any(test, feature = "pg_test"))]
#[pgrx::pg_schema]
mod tests {
    // In-database tests through the SPI, complementing the SQL regression
    // suite (tests/pg_regress): values crossing the SQL boundary, NULL
    // handling of the aggregates, and errors surfacing as ERRORs, not panics.
    use pgrx::prelude::*;

    fn f64_of(q: &str) -> Option<f64> {
        Spi::get_one::<f64>(q).expect("query runs")
    }

    #[pg_test]
    fn martin_resilience_hand_worked() {
        assert_eq!(f64_of("SELECT martin_resilience(110, 100, 1050, 1000)"), Some(1.0));
        assert_eq!(f64_of("SELECT martin_resilience(NULL, 100, 1050, 1000)"), None);
    }

    #[pg_test]
    fn hhi_agg_equals_plain_sql_on_random_data() {
        Spi::run("CREATE TEMP TABLE r AS SELECT (random() * 1000)::float8 AS v FROM generate_series(1, 20000)")
            .unwrap();
        let ours = f64_of("SELECT hhi_agg(v) FROM r").unwrap();
        let sql = f64_of("SELECT sum(v * v) / sum(v) ^ 2 FROM r").unwrap();
        assert!((ours - sql).abs() <= 1e-12 * sql, "{ours} vs {sql}");
    }

    #[pg_test]
    fn aggregates_skip_nulls_and_return_null_when_empty() {
        assert_eq!(f64_of("SELECT hhi_agg(x) FROM (VALUES (NULL::float8)) v(x)"), None);
        assert_eq!(f64_of("SELECT hhi_agg(x) FROM (VALUES (NULL::float8), (2), (2)) v(x)"), Some(0.5));
        assert_eq!(
            Spi::get_one::<Vec<f64>>("SELECT cedi_entropy(x) FROM (VALUES (NULL::float8[])) v(x)").unwrap(),
            None
        );
    }

    #[pg_test]
    fn coupling_composite_reads_by_field() {
        assert_eq!(f64_of("SELECT (coupling_coordination(ARRAY[0.25, 1])).c"), Some(0.8));
        assert_eq!(f64_of("SELECT (coupling_coordination(ARRAY[0.25, 1])).t"), Some(0.625));
    }

    #[pg_test(error = "hhi_agg: the values of the group sum to zero: shares are undefined")]
    fn zero_total_is_an_error() {
        f64_of("SELECT hhi_agg(x) FROM (VALUES (0::float8), (0)) v(x)");
    }

    #[pg_test(error = "cedi_entropy: every indicator is constant across the regions: entropy weights are 0/0")]
    fn constant_indicators_are_an_error() {
        Spi::get_one::<Vec<f64>>("SELECT cedi_entropy(ARRAY[1.0, 2.0]) FROM generate_series(1, 3)").unwrap();
    }
}
