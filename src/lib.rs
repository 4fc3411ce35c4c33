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
//! | `autocorrelation.rs` | `morans_i` |
//! | `geary_getis.rs` | `gearys_c`, `getis_ord_g`, `bivariate_morans_i` |
//! | `local.rs` | `local_moran`, `local_g_star`, `spatial_lag`, `moran_scatter` |
//! | `tobit.rs` | `panel_tobit`, `tobit_coefficients`, `tobit_summary`, `tobit_marginal_effects`, `tobit_hausman`, `tobit_predict`, `tobit_check_fit` |
//! | `tobit_distributed.rs` | `panel_tobit_distributed` (one query per likelihood evaluation; Citus runs it on the shards) |
//! | `compat.rs` | the SQL of `local_moran(bigint[], ...)` and `tobit_coefficients`, whose C symbols older releases bound to other argument lists, and the deprecated `local_moran_0_1`, `tobit_coefficients_0_1`, `tobit_summary_0_1` |
//!
//! Shared: `errors.rs` turns core errors into `ereport` with a SQLSTATE;
//! `aggregate.rs` holds the support-function plumbing of every aggregate
//! (NULL states, memory contexts), `fixed_state.rs` that of the aggregates
//! with a fixed-size bytea state Citus can ship (`hhi_agg`); `spatial.rs` the state, options, weights
//! (read, matched, cached per statement) and result fields shared by the
//! spatial aggregates; `ids.rs` unit ids of either key type; `pool.rs` the limits a call works within
//! (threads, `regecon.max_memory`, interrupts, progress, the weights-match
//! setting); `types.rs` the composite result types, found by oid;
//! `regclass.rs` reading a weights relation by oid; build.rs (at the crate
//! root) the `CREATE AGGREGATE` statements of the spatial aggregates. docs/security.md says
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
mod spatial;
mod tobit;
mod tobit_distributed;
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

/// What the in-database tests (`#[pg_test]`, next to the glue each one
/// tests) share.
#[cfg(any(test, feature = "pg_test"))]
pub(crate) mod test_support {
    /// The one float8 a query returns (None for NULL).
    pub fn f64_of(q: &str) -> Option<f64> {
        pgrx::Spi::get_one::<f64>(q).expect("query runs")
    }
}
