//! SQL: `gearys_c` and `getis_ord_g` (global aggregates) and
//! `bivariate_morans_i`. They share the state and plumbing of `morans_i`
//! (spatial.rs). Numerics: core `geary`, `getis_ord`, `moran::Bivariate`.

use crate::aggregate;
use crate::errors::OrRaise;
use crate::ids::Id;
use crate::pool::permute;
use crate::regclass::RegClass;
use crate::spatial::{
    group_weights, options, set_fields, sim_fields, spatial_trans, subset_fields, trans, UnitValuesExt,
};
use crate::types::result_tuple;
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::geary::geary;
use regecon_core::getis_ord::global_g;
use regecon_core::moran::Bivariate;
use regecon_core::permutation::permutation_inference;
use regecon_core::spatial_state::UnitValues;

const GEARY: &str = "gearys_c";
const GETIS: &str = "getis_ord_g";
const BV: &str = "bivariate_morans_i";

/// The name of the style overloads' messages (shared by gearys_c and getis_ord_g).
const STYLED: &str = "spatial aggregate";

spatial_trans! {
    gearys_c_trans(id: [i64] as Id::Int, values: [value], extra: []) => trans(GEARY; Some(0), Some(0), Some("r"));
    gearys_c_text_trans(id: [&str] as Id::Text, values: [value], extra: [])
        => trans(GEARY; Some(0), Some(0), Some("r"));
    getis_ord_g_trans(id: [i64] as Id::Int, values: [value], extra: []) => trans(GETIS; Some(0), Some(0), Some("b"));
    getis_ord_g_text_trans(id: [&str] as Id::Text, values: [value], extra: [])
        => trans(GETIS; Some(0), Some(0), Some("b"));
    spatial_style_trans(id: [i64] as Id::Int, values: [value], extra: [style: [Option<&str>]])
        => trans(STYLED; Some(0), Some(0), style);
    spatial_style_text_trans(id: [&str] as Id::Text, values: [value], extra: [style: [Option<&str>]])
        => trans(STYLED; Some(0), Some(0), style);
}

#[pg_extern(stable, parallel_safe, schema = "regecon_internal")]
fn gearys_c_final(
    state: Option<Internal>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<pgrx::composite_type!('static, "geary_result")> {
    let (r, _, w, subset) = group_weights(state, GEARY, fcinfo)?;
    let g = geary(&w, &r.values).or_raise(GEARY);
    let mut t = result_tuple(fcinfo, GEARY);
    set_fields(
        &mut t,
        GEARY,
        &[
            ("n", Some(g.n as i32)),
            ("islands", Some(w.islands() as i32)),
            subset_fields(&subset)[0],
            subset_fields(&subset)[1],
        ],
        &[
            ("c", Some(g.c)),
            ("expected", Some(g.expected)),
            ("variance_norm", Some(g.variance_norm)),
            ("z_norm", Some(g.z_norm)),
            ("p_norm", Some(g.p_norm)),
            ("variance_rand", g.variance_rand),
            ("z_rand", g.z_rand),
            ("p_rand", g.p_rand),
        ],
    );
    Some(t)
}

#[pg_extern(stable, parallel_safe, schema = "regecon_internal")]
fn getis_ord_g_final(
    state: Option<Internal>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<pgrx::composite_type!('static, "getis_ord_result")> {
    let (r, _, w, subset) = group_weights(state, GETIS, fcinfo)?;
    let g = global_g(&w, &r.values).or_raise(GETIS);
    let mut t = result_tuple(fcinfo, GETIS);
    set_fields(
        &mut t,
        GETIS,
        &[
            ("n", Some(g.n as i32)),
            ("islands", Some(w.islands() as i32)),
            subset_fields(&subset)[0],
            subset_fields(&subset)[1],
        ],
        &[
            ("g", Some(g.g)),
            ("expected", Some(g.expected)),
            ("variance", Some(g.variance)),
            ("z", Some(g.z)),
            ("p", Some(g.p)),
        ],
    );
    Some(t)
}

#[allow(clippy::too_many_arguments)]
fn bv_trans(
    state: Option<Internal>,
    id: Option<Id<'_>>,
    x: Option<f64>,
    y: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    style: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let o = options(BV, weights, permutations, seed, style);
    if state.is_none() {
        crate::spatial::refuse_weights_from_citus_workers(fcinfo, BV);
    }
    let (Some(id), Some(x), Some(y)) = (id, x, y) else { return aggregate::skip(state) };
    aggregate::trans::<UnitValues>(state, fcinfo, BV, |s| s.add2_id(id, x, y, o))
}

spatial_trans! {
    bivariate_morans_i_trans(id: [i64] as Id::Int, values: [x, y], extra: [])
        => bv_trans(; Some(0), Some(0), Some("r"));
    bivariate_morans_i_text_trans(id: [&str] as Id::Text, values: [x, y], extra: [])
        => bv_trans(; Some(0), Some(0), Some("r"));
    bivariate_morans_i_perm_trans(id: [i64] as Id::Int, values: [x, y],
        extra: [permutations: [Option<i32>], seed: [Option<i64>]])
        => bv_trans(; permutations, seed, Some("r"));
    bivariate_morans_i_text_perm_trans(id: [&str] as Id::Text, values: [x, y],
        extra: [permutations: [Option<i32>], seed: [Option<i64>]])
        => bv_trans(; permutations, seed, Some("r"));
}

#[pg_extern(stable, parallel_safe, schema = "regecon_internal")]
fn bivariate_morans_i_final(
    state: Option<Internal>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<pgrx::composite_type!('static, "bivariate_moran_result")> {
    let (r, opts, w, subset) = group_weights(state, BV, fcinfo)?;
    let b = Bivariate::new(&w, &r.values, &r.values2).or_raise(BV);
    let i = b.statistic();
    let sim = (opts.permutations > 0).then(|| {
        let sims = permute(BV, opts.permutations as u64, (w.n() + w.links()) as u64, |pool, first, count| {
            b.permuted_par(pool, opts.seed as u64, first, count)
        });
        permutation_inference(i, &sims)
    });
    let mut t = result_tuple(fcinfo, BV);
    set_fields(
        &mut t,
        BV,
        &[
            ("n", Some(r.ids.len() as i32)),
            ("islands", Some(w.islands() as i32)),
            ("permutations", sim.as_ref().map(|s| s.permutations as i32)),
        ],
        &[("i", Some(i))],
    );
    set_fields(&mut t, BV, &subset_fields(&subset), &sim_fields(sim.as_ref()));
    Some(t)
}

// The CREATE AGGREGATE statements, written by build.rs from its table of
// the spatial aggregates' overloads.
include!(concat!(env!("OUT_DIR"), "/geary_getis_aggregates.rs"));
