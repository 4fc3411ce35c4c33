//! SQL: local statistics per unit, as set-returning functions over the
//! arrays of one group (`array_agg` per year, then LATERAL):
//! `local_moran` (LISA) and `local_g_star`. Numerics: core `local_moran`,
//! `getis_ord`.

use crate::errors::{dense, dense_i64, raise, OrRaise};
use crate::ids::{dense_text, match_links, ArrayIds, Matched, OutId};
use crate::pool::permute_units;
use crate::regclass::{read_links, RegClass};
use pgrx::prelude::*;
use regecon_core::getis_ord::local_g_star as core_g_star;
use regecon_core::local_moran::{
    cluster_labels, moran_scatter as core_moran_scatter, spatial_lag as core_spatial_lag, Correction, LocalMoran,
};
use regecon_core::weights::{Style, Weights};
use regecon_core::Error;

/// One call's arrays (ids of either key type, values), checked: NULL
/// elements are 22004, arrays of different lengths 22023.
fn arrays(ids: ArrayIds, values: &Array<'_, f64>, func: &str) -> (ArrayIds, Vec<f64>) {
    crate::pool::apply_limits();
    let values = dense(values, func, "values");
    if ids.len() != values.len() {
        raise(func, Error::invalid(format!("ids has {} elements but values has {}", ids.len(), values.len())));
    }
    (ids, values)
}

/// One group's units sorted by id (bigint, or text by its bytes), with the
/// position of each input element in that order: results (seeded
/// simulations included) depend only on the set of (id, value) pairs, not on
/// the order of the arrays; rows come back in the input order.
struct Group {
    ids: Vec<i64>,
    values: Vec<f64>,
    rank: Vec<usize>,
    m: Matched,
    w: Weights,
}

impl Group {
    /// Reads the weights relation, matches its key type to the ids', sorts
    /// the units and builds their weights (restricted to them as
    /// `regecon.weights_match` says, transformed to `style`); a NOTICE counts
    /// the absent units and dropped links.
    fn new(ids: ArrayIds, values: Vec<f64>, weights: RegClass, style: Style, func: &str) -> Group {
        let m = match_links(func, ids.labels(), &read_links(weights, func));
        let keys: Vec<i64> = (0..ids.len()).map(|i| ids.key(i, &m, func)).collect();
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&i| keys[i]);
        let mut rank = vec![0usize; keys.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let ids: Vec<i64> = order.iter().map(|&i| keys[i]).collect();
        let values: Vec<f64> = order.iter().map(|&i| values[i]).collect();
        let (w, subset) = crate::spatial::subset_weights(&ids, &m, style, func);
        if subset.absent_units > 0 {
            let named: Vec<String> = subset.absent.iter().take(NOTICE_NAMED).map(|&c| m.show(c)).collect();
            let more = if subset.absent_units > named.len() { ", ..." } else { "" };
            let (units, have) = if subset.absent_units == 1 { ("unit", "has") } else { ("units", "have") };
            notice!(
                "{func}: {} {units} of the weights relation {have} no value here ({}{more}); {} of its links were dropped",
                subset.absent_units,
                named.join(", "),
                subset.dropped_links
            );
        }
        Group { ids, values, rank, m, w }
    }

    /// The output id of sorted unit `i`.
    fn id<I: OutId>(&self, i: usize) -> I {
        I::from_key(self.ids[i], &self.m)
    }
}

pub fn int_ids(ids: &Array<'_, i64>, func: &str) -> ArrayIds {
    ArrayIds::Int(dense_i64(ids, func, "ids"))
}

fn text_ids(ids: &Array<'_, &str>, func: &str) -> ArrayIds {
    ArrayIds::Text(dense_text(ids, func, "ids"))
}

/// Largest number of conditional permutations per unit: GeoDa's largest
/// choice. One unit's permutations run without a pause, so this bounds the
/// time between two interrupt checks (about 1 ms a unit at 8 neighbours).
const MAX_LOCAL_PERMUTATIONS: i32 = 99_999;

/// Units of the weights relation without a value that the NOTICE names.
const NOTICE_NAMED: usize = 3;

pub type LisaRow<I> =
    (I, f64, f64, Option<f64>, Option<f64>, Option<f64>, String, f64, Option<f64>, Option<f64>, String);

#[allow(clippy::too_many_arguments)]
pub fn local_moran_rows<I: OutId>(
    ids: ArrayIds,
    values: Array<'_, f64>,
    weights: RegClass,
    permutations: i32,
    seed: i64,
    style: &str,
    significance: f64,
    correction: &str,
) -> Vec<LisaRow<I>> {
    const F: &str = "local_moran";
    let correction = Correction::parse(correction).or_raise(F);
    let (ids, values) = arrays(ids, &values, F);
    let style = Style::parse(style).or_raise(F);
    if !(0..=MAX_LOCAL_PERMUTATIONS).contains(&permutations) {
        raise(
            F,
            Error::invalid(format!("permutations must be between 0 and {MAX_LOCAL_PERMUTATIONS}, got {permutations}")),
        );
    }
    let g = Group::new(ids, values, weights, style, F);
    let w = &g.w;
    let lm = LocalMoran::new(w, &g.values).or_raise(F);
    let lisa = lm.analytic();
    let shown = lm.checked(&lisa).or_raise(F);
    let sims = (permutations > 0).then(|| {
        // one table of neighbour sets for the whole call, shared by every unit
        let draws = lm.draws_checked(permutations as u64, seed as u64, &mut crate::pool::interrupts()).or_raise(F);
        permute_units(
            F,
            g.ids.len(),
            permutations as u64 * (w.links() / w.n().max(1) + 1) as u64,
            |pool, first, count| lm.simulate(pool, &lisa, first, count, &draws),
        )
    });
    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
    // GeoDa's cluster map: the pseudo p of the permutations when there are
    // some (as GeoDa), the analytic p otherwise
    let p_used: Vec<Option<f64>> = match &sims {
        Some(s) => s.iter().map(|s| finite(s.p_sim)).collect(),
        None => shown.iter().map(|l| finite(l.p)).collect(),
    };
    let clusters = cluster_labels(&shown, &p_used, significance, correction).or_raise(F);
    g.rank
        .iter()
        .map(|&i| {
            let l = &shown[i];
            let s = sims.as_ref().and_then(|s| s.get(i));
            // an island has no quadrant: 'island' (never a made-up quadrant)
            let quadrant = if l.island { "island" } else { l.quadrant.unwrap_or("island") };
            (
                g.id(i),
                l.ii,
                l.expected,
                finite(l.variance),
                finite(l.z),
                finite(l.p),
                quadrant.to_string(),
                l.lag,
                s.and_then(|s| finite(s.p_sim)),
                s.and_then(|s| finite(s.z_sim)),
                clusters[i].to_string(),
            )
        })
        .collect()
}

/// Local Moran's I of every unit. STABLE (reads the weights relation).
/// Its SQL (`local_moran(bigint[], ...)`) is written in compat.rs: older
/// releases bound the same C symbol to other argument lists.
#[pg_extern(stable, parallel_safe, strict, sql = false)]
#[allow(clippy::too_many_arguments)]
pub fn local_moran_int(
    ids: Array<'_, i64>,
    values: Array<'_, f64>,
    weights: RegClass,
    permutations: default!(i32, 0),
    seed: default!(i64, 0),
    style: default!(&str, "'r'"),
    significance: default!(f64, 0.05),
    correction: default!(&str, "'none'"),
) -> TableIterator<
    'static,
    (
        name!(id, i64),
        name!(ii, f64),
        name!(expected, f64),
        name!(variance, Option<f64>),
        name!(z, Option<f64>),
        name!(p, Option<f64>),
        name!(quadrant, String),
        name!(lag, f64),
        name!(p_sim, Option<f64>),
        name!(z_sim, Option<f64>),
        name!(cluster, String),
    ),
> {
    let ids = int_ids(&ids, "local_moran");
    TableIterator::new(local_moran_rows(ids, values, weights, permutations, seed, style, significance, correction))
}

/// [`local_moran_int`] keyed by text ids.
#[pg_extern(stable, parallel_safe, strict, name = "local_moran")]
#[allow(clippy::too_many_arguments)]
fn local_moran_text(
    ids: Array<'_, &str>,
    values: Array<'_, f64>,
    weights: RegClass,
    permutations: default!(i32, 0),
    seed: default!(i64, 0),
    style: default!(&str, "'r'"),
    significance: default!(f64, 0.05),
    correction: default!(&str, "'none'"),
) -> TableIterator<
    'static,
    (
        name!(id, String),
        name!(ii, f64),
        name!(expected, f64),
        name!(variance, Option<f64>),
        name!(z, Option<f64>),
        name!(p, Option<f64>),
        name!(quadrant, String),
        name!(lag, f64),
        name!(p_sim, Option<f64>),
        name!(z_sim, Option<f64>),
        name!(cluster, String),
    ),
> {
    let ids = text_ids(&ids, "local_moran");
    TableIterator::new(local_moran_rows(ids, values, weights, permutations, seed, style, significance, correction))
}

fn spatial_lag_rows<I: OutId>(
    ids: ArrayIds,
    values: Array<'_, f64>,
    weights: RegClass,
    style: &str,
) -> Vec<(I, f64, f64)> {
    const F: &str = "spatial_lag";
    let (ids, values) = arrays(ids, &values, F);
    let style = Style::parse(style).or_raise(F);
    let g = Group::new(ids, values, weights, style, F);
    let lag = core_spatial_lag(&g.w, &g.values).or_raise(F);
    g.rank.iter().map(|&i| (g.id(i), g.values[i], lag[i])).collect()
}

/// The spatial lag (W x)_i of every unit, with the weights in `style`
/// (row-standardised by default). STABLE.
#[pg_extern(stable, parallel_safe, strict)]
fn spatial_lag(
    ids: Array<'_, i64>,
    values: Array<'_, f64>,
    weights: RegClass,
    style: default!(&str, "'r'"),
) -> TableIterator<'static, (name!(id, i64), name!(value, f64), name!(lag, f64))> {
    TableIterator::new(spatial_lag_rows(int_ids(&ids, "spatial_lag"), values, weights, style))
}

/// [`spatial_lag`] keyed by text ids.
#[pg_extern(stable, parallel_safe, strict, name = "spatial_lag")]
fn spatial_lag_text(
    ids: Array<'_, &str>,
    values: Array<'_, f64>,
    weights: RegClass,
    style: default!(&str, "'r'"),
) -> TableIterator<'static, (name!(id, String), name!(value, f64), name!(lag, f64))> {
    TableIterator::new(spatial_lag_rows(text_ids(&ids, "spatial_lag"), values, weights, style))
}

fn moran_scatter_rows<I: OutId>(ids: ArrayIds, values: Array<'_, f64>, weights: RegClass) -> Vec<(I, f64, f64)> {
    const F: &str = "moran_scatter";
    let (ids, values) = arrays(ids, &values, F);
    let g = Group::new(ids, values, weights, Style::Row, F);
    let pts = core_moran_scatter(&g.w, &g.values).or_raise(F);
    g.rank.iter().map(|&i| (g.id(i), pts[i].0, pts[i].1)).collect()
}

/// GeoDa's Moran scatter plot data: each unit's standardised value (z-score,
/// sample standard deviation, as GeoDa) and the spatial lag of the
/// standardised values, with row-standardised weights: the slope of lag on z
/// is Moran's I. STABLE.
#[pg_extern(stable, parallel_safe, strict)]
fn moran_scatter(
    ids: Array<'_, i64>,
    values: Array<'_, f64>,
    weights: RegClass,
) -> TableIterator<'static, (name!(id, i64), name!(z, f64), name!(lag, f64))> {
    TableIterator::new(moran_scatter_rows(int_ids(&ids, "moran_scatter"), values, weights))
}

/// [`moran_scatter`] keyed by text ids.
#[pg_extern(stable, parallel_safe, strict, name = "moran_scatter")]
fn moran_scatter_text(
    ids: Array<'_, &str>,
    values: Array<'_, f64>,
    weights: RegClass,
) -> TableIterator<'static, (name!(id, String), name!(z, f64), name!(lag, f64))> {
    TableIterator::new(moran_scatter_rows(text_ids(&ids, "moran_scatter"), values, weights))
}

type GStarRow<I> = (I, f64, f64, Option<f64>, Option<f64>, Option<f64>);

fn local_g_star_rows<I: OutId>(
    ids: ArrayIds,
    values: Array<'_, f64>,
    weights: RegClass,
    style: &str,
) -> Vec<GStarRow<I>> {
    const F: &str = "local_g_star";
    let (ids, values) = arrays(ids, &values, F);
    let style = Style::parse(style).or_raise(F);
    let g = Group::new(ids, values, weights, Style::Original, F);
    let gs = core_g_star(&g.w, style, &g.values).or_raise(F);
    let finite = |x: f64| x.is_finite().then_some(x);
    g.rank
        .iter()
        .map(|&i| (g.id(i), gs[i].g, gs[i].expected, finite(gs[i].variance), gs[i].z_checked(), gs[i].p_checked()))
        .collect()
}

/// Getis-Ord G*_i of every unit (the unit itself included). STABLE.
#[pg_extern(stable, parallel_safe, strict)]
fn local_g_star(
    ids: Array<'_, i64>,
    values: Array<'_, f64>,
    weights: RegClass,
    style: default!(&str, "'b'"),
) -> TableIterator<
    'static,
    (
        name!(id, i64),
        name!(g, f64),
        name!(expected, f64),
        name!(variance, Option<f64>),
        name!(z, Option<f64>),
        name!(p, Option<f64>),
    ),
> {
    TableIterator::new(local_g_star_rows(int_ids(&ids, "local_g_star"), values, weights, style))
}

/// [`local_g_star`] keyed by text ids.
#[pg_extern(stable, parallel_safe, strict, name = "local_g_star")]
fn local_g_star_text(
    ids: Array<'_, &str>,
    values: Array<'_, f64>,
    weights: RegClass,
    style: default!(&str, "'b'"),
) -> TableIterator<
    'static,
    (
        name!(id, String),
        name!(g, f64),
        name!(expected, f64),
        name!(variance, Option<f64>),
        name!(z, Option<f64>),
        name!(p, Option<f64>),
    ),
> {
    TableIterator::new(local_g_star_rows(text_ids(&ids, "local_g_star"), values, weights, style))
}
