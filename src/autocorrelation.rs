//! SQL: `morans_i`, the global Moran's I aggregate with analytic and
//! permutation inference. Numerics: core `moran`, `permutation`, `spatial_state` and `weights`.
//!
//! The final step reads the weights relation once per group through SPI
//! (with the caller's privileges), builds a CSR matrix over the ids of the
//! group, and computes. Permutations run on a rayon pool of at most
//! `regecon.max_threads` threads, on plain Rust data only; the main thread
//! waits for them in slices and checks for interrupts between slices. The
//! plumbing it shares with the other spatial aggregates is in spatial.rs.

use crate::aggregate::parallel_support;
use crate::errors::OrRaise;
use crate::ids::Id;
use crate::pool::permute;
use crate::regclass::RegClass;
use crate::spatial::{group_weights, set_fields, sim_fields, spatial_trans, subset_fields, trans};
use crate::types::result_tuple;
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::moran::Context;
use regecon_core::permutation::permutation_inference;
use regecon_core::spatial_state::UnitValues;

const F: &str = "morans_i";

spatial_trans! {
    morans_i_trans(id: [i64] as Id::Int, values: [value], extra: [])
        => trans(F; Some(0), Some(0), Some("r"));
    morans_i_perm_trans(id: [i64] as Id::Int, values: [value], extra: [permutations: [Option<i32>], seed: [Option<i64>]])
        => trans(F; permutations, seed, Some("r"));
    morans_i_style_trans(id: [i64] as Id::Int, values: [value],
        extra: [permutations: [Option<i32>], seed: [Option<i64>], style: [Option<&str>]])
        => trans(F; permutations, seed, style);
    morans_i_text_trans(id: [&str] as Id::Text, values: [value], extra: [])
        => trans(F; Some(0), Some(0), Some("r"));
    morans_i_text_perm_trans(id: [&str] as Id::Text, values: [value],
        extra: [permutations: [Option<i32>], seed: [Option<i64>]])
        => trans(F; permutations, seed, Some("r"));
    morans_i_text_style_trans(id: [&str] as Id::Text, values: [value],
        extra: [permutations: [Option<i32>], seed: [Option<i64>], style: [Option<&str>]])
        => trans(F; permutations, seed, style);
}

parallel_support!(UnitValues, morans_i_combine, morans_i_serialize, morans_i_deserialize, "morans_i");

#[pg_extern(stable, parallel_safe, schema = "regecon_internal")]
fn morans_i_final(
    state: Option<Internal>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<pgrx::composite_type!('static, "moran_result")> {
    let (r, opts, w, subset) = group_weights(state, F, fcinfo)?;
    let ctx = Context::new(&w, &r.values).or_raise(F);
    let m = ctx.analytic();
    let sim = (opts.permutations > 0).then(|| {
        let sims = permute(F, opts.permutations as u64, (w.n() + w.links()) as u64, |pool, first, count| {
            ctx.permuted_par(pool, opts.seed as u64, first, count)
        });
        permutation_inference(m.i, &sims)
    });
    let mut t = result_tuple(fcinfo, F);
    set_fields(
        &mut t,
        F,
        &[
            ("n", Some(m.n as i32)),
            ("islands", Some(m.islands as i32)),
            ("permutations", sim.as_ref().map(|s| s.permutations as i32)),
        ],
        &[
            ("i", Some(m.i)),
            ("expected", Some(m.expected)),
            ("variance_norm", Some(m.variance_norm)),
            ("z_norm", Some(m.z_norm)),
            ("p_norm", Some(m.p_norm)),
            ("variance_rand", m.variance_rand),
            ("z_rand", m.z_rand),
            ("p_rand", m.p_rand),
        ],
    );
    set_fields(&mut t, F, &subset_fields(&subset), &sim_fields(sim.as_ref()));
    Some(t)
}

// The CREATE AGGREGATE statements, written by build.rs from its table of
// the spatial aggregates' overloads.
include!(concat!(env!("OUT_DIR"), "/morans_i_aggregates.rs"));
