//! SQL: local statistics per unit, as set-returning functions over the
//! arrays of one group (`array_agg` per year, then LATERAL):
//! `local_moran` (LISA) and `local_g_star`. Numerics: core `local_moran`,
//! `getis_ord`.

use crate::pool::permute_units;
use crate::errors::{dense, dense_i64, raise, OrRaise};
use crate::regclass::{read_weights, RegClass};
use pgrx::prelude::*;
use regecon_core::getis_ord::local_g_star as core_g_star;
use regecon_core::local_moran::{cluster_labels, moran_scatter as core_moran_scatter, spatial_lag as core_spatial_lag, Correction, LocalMoran};
use regecon_core::weights::{Style, Weights};
use regecon_core::Error;

/// The arrays of one group sorted by id, and the position of each input
/// element in that order: results (seeded simulations included) depend only
/// on the set of (id, value) pairs, not on the order of the arrays; rows come
/// back in the input order.
fn inputs(ids: &Array<'_, i64>, values: &Array<'_, f64>, func: &str) -> (Vec<i64>, Vec<f64>, Vec<usize>) {
    crate::pool::apply_limits();
    let (ids, values) = (dense_i64(ids, func, "ids"), dense(values, func, "values"));
    if ids.len() != values.len() {
        raise(func, Error::invalid(format!("ids has {} elements but values has {}", ids.len(), values.len())));
    }
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_unstable_by_key(|&i| ids[i]);
    let mut rank = vec![0usize; ids.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    (order.iter().map(|&i| ids[i]).collect(), order.iter().map(|&i| values[i]).collect(), rank)
}

/// The weights of the group's units (read, restricted to them as
/// `regecon.weights_match` says, transformed), with interrupt checks and
/// memory-checked buffers; a NOTICE counts the absent units and dropped links.
fn group_weights(ids: &[i64], weights: RegClass, style: Style, func: &str) -> Weights {
    let links = read_weights(weights, func);
    let (w, subset) = crate::autocorrelation::subset_weights(ids, &links, style, func);
    if subset.absent_units > 0 {
        notice!(
            "{func}: {} units of the weights relation have no value here; {} of its links were dropped",
            subset.absent_units,
            subset.dropped_links
        );
    }
    w
}

/// Largest number of conditional permutations per unit: GeoDa's largest
/// choice. One unit's permutations run without a pause, so this bounds the
/// time between two interrupt checks (about 10 ms a unit at 8 neighbours).
const MAX_LOCAL_PERMUTATIONS: i32 = 99_999;

/// Local Moran's I of every unit. STABLE (reads the weights relation).
#[pg_extern(stable, parallel_safe, strict)]
fn local_moran(
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
    const F: &str = "local_moran";
    let correction = Correction::parse(correction).or_raise(F);
    let (ids, values, rank) = inputs(&ids, &values, F);
    let style = Style::parse(style).or_raise(F);
    if !(0..=MAX_LOCAL_PERMUTATIONS).contains(&permutations) {
        raise(F, Error::invalid(format!("permutations must be between 0 and {MAX_LOCAL_PERMUTATIONS}, got {permutations}")));
    }
    let w = group_weights(&ids, weights, style, F);
    let lm = LocalMoran::new(&w, &values).or_raise(F);
    let lisa = lm.analytic();
    let shown = lm.checked(&lisa).or_raise(F);
    let sims = (permutations > 0)
        .then(|| permute_units(F, ids.len(), permutations as u64 * (w.links() / w.n().max(1) + 1) as u64, |pool, first, count| lm.simulate(pool, &lisa, first, count, permutations as u64, seed as u64)));
    let finite = |x: Option<f64>| x.filter(|v| v.is_finite());
    // GeoDa's cluster map: the pseudo p of the permutations when there are
    // some (as GeoDa), the analytic p otherwise
    let p_used: Vec<Option<f64>> = match &sims {
        Some(s) => s.iter().map(|s| finite(s.p_sim)).collect(),
        None => shown.iter().map(|l| finite(l.p)).collect(),
    };
    let clusters = cluster_labels(&shown, &p_used, significance, correction).or_raise(F);
    let rows: Vec<_> = rank
        .iter()
        .map(|&i| {
            let l = &shown[i];
            let s = sims.as_ref().and_then(|s| s.get(i));
            // an island has no quadrant: 'island' (never a made-up quadrant)
            let quadrant = if l.island { "island" } else { l.quadrant.unwrap_or("island") };
            (ids[i], l.ii, l.expected, finite(l.variance), finite(l.z), finite(l.p), quadrant.to_string(), l.lag,
             s.and_then(|s| finite(s.p_sim)), s.and_then(|s| finite(s.z_sim)), clusters[i].to_string())
        })
        .collect();
    TableIterator::new(rows)
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
    const F: &str = "spatial_lag";
    let (ids, values, rank) = inputs(&ids, &values, F);
    let style = Style::parse(style).or_raise(F);
    let w = group_weights(&ids, weights, style, F);
    let lag = core_spatial_lag(&w, &values).or_raise(F);
    TableIterator::new(rank.iter().map(|&i| (ids[i], values[i], lag[i])).collect::<Vec<_>>())
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
    const F: &str = "moran_scatter";
    let (ids, values, rank) = inputs(&ids, &values, F);
    let w = group_weights(&ids, weights, Style::Row, F);
    let pts = core_moran_scatter(&w, &values).or_raise(F);
    TableIterator::new(rank.iter().map(|&i| (ids[i], pts[i].0, pts[i].1)).collect::<Vec<_>>())
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
    (name!(id, i64), name!(g, f64), name!(expected, f64), name!(variance, Option<f64>), name!(z, Option<f64>), name!(p, Option<f64>)),
> {
    const F: &str = "local_g_star";
    let (ids, values, rank) = inputs(&ids, &values, F);
    let style = Style::parse(style).or_raise(F);
    let w = group_weights(&ids, weights, Style::Original, F);
    let g = core_g_star(&w, style, &values).or_raise(F);
    let finite = |x: f64| x.is_finite().then_some(x);
    TableIterator::new(
        rank.iter()
            .map(|&i| (ids[i], g[i].g, g[i].expected, finite(g[i].variance), g[i].z_checked(), g[i].p_checked()))
            .collect::<Vec<_>>(),
    )
}
