//! The shared plumbing of the spatial aggregates (`morans_i`, `gearys_c`,
//! `getis_ord_g`, `bivariate_morans_i`): their state (core `UnitValues`),
//! the checks of their per-call options, the transition step, and the final
//! step's weights (read from the relation, matched to the group's ids,
//! cached for the statement) and result fields. The SQL functions live in
//! autocorrelation.rs and geary_getis.rs; `local.rs` builds its weights here too.

use crate::aggregate::{self, agg_state};
use crate::errors::{raise, OrRaise};
use crate::ids::{match_links, Id, Matched};
use crate::pool::interrupts;
use crate::regclass::{read_links, Links, RegClass};
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::permutation::Permutation;
use regecon_core::spatial_state::{Options, UnitValues};
use regecon_core::weights::{Style, Subset, Weights};
use regecon_core::Error;

/// Largest accepted number of permutations.
const MAX_PERMUTATIONS: i32 = 1_000_000;

agg_state!(UnitValues);

impl UnitValuesExt for UnitValues {
    fn add_id(&mut self, id: Id<'_>, value: f64, options: Options) -> regecon_core::Result<()> {
        match id {
            Id::Int(i) => self.add(i, value, options),
            Id::Text(t) => self.add_text(t, value, options),
        }
    }
    fn add2_id(&mut self, id: Id<'_>, x: f64, y: f64, options: Options) -> regecon_core::Result<()> {
        match id {
            Id::Int(i) => self.add2(i, x, y, options),
            Id::Text(t) => self.add2_text(t, x, y, options),
        }
    }
}

/// Adding rows keyed by either id type.
pub trait UnitValuesExt {
    fn add_id(&mut self, id: Id<'_>, value: f64, options: Options) -> regecon_core::Result<()>;
    fn add2_id(&mut self, id: Id<'_>, x: f64, y: f64, options: Options) -> regecon_core::Result<()>;
}

#[allow(clippy::too_many_arguments)]
pub fn trans(
    func: &str,
    state: Option<Internal>,
    id: Option<Id<'_>>,
    value: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    style: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let options = options(func, weights, permutations, seed, style);
    if state.is_none() {
        refuse_weights_from_citus_workers(fcinfo, func);
    }
    let (Some(id), Some(value)) = (id, value) else { return aggregate::skip(state) }; // rows with NULL id or value are skipped
    aggregate::trans::<UnitValues>(state, fcinfo, func, |s| s.add_id(id, value, options))
}

/// Refuses, once per group, a spatial aggregate whose rows Citus gathers from
/// its workers: Citus then ships every argument from the shards, and a
/// weights relation given as a regclass constant arrives as the worker's oid
/// of it, which names nothing on this node, or another relation. The
/// aggregate is then directly above Citus's scan (through sorts); the check
/// reads the executor's plan state, nothing else (docs/citus.md).
pub fn refuse_weights_from_citus_workers(fcinfo: pg_sys::FunctionCallInfo, func: &str) {
    // SAFETY: fcinfo is the live call's; its context is NULL or a Node, an
    // AggState when the call is part of an aggregate. A PlanState's lefttree
    // is NULL or a PlanState; a CustomScanState's plan is a CustomScan whose
    // methods point to the provider's static CustomScanMethods, whose
    // CustomName is a static NUL-terminated string.
    let citus = unsafe {
        let ctx = (*fcinfo).context;
        if ctx.is_null() || (*ctx).type_ != pg_sys::NodeTag::T_AggState {
            return;
        }
        let mut ps = (*ctx.cast::<pg_sys::AggState>()).ss.ps.lefttree;
        loop {
            if ps.is_null() {
                break false;
            }
            match (*ps).type_ {
                pg_sys::NodeTag::T_SortState
                | pg_sys::NodeTag::T_IncrementalSortState
                | pg_sys::NodeTag::T_MaterialState
                | pg_sys::NodeTag::T_ResultState => ps = (*ps).lefttree,
                pg_sys::NodeTag::T_CustomScanState => {
                    // the plan's provider name, as EXPLAIN prints it ("Citus Adaptive")
                    let plan = (*ps).plan;
                    let methods =
                        if plan.is_null() { std::ptr::null() } else { (*plan.cast::<pg_sys::CustomScan>()).methods };
                    break !methods.is_null()
                        && !(*methods).CustomName.is_null()
                        && std::ffi::CStr::from_ptr((*methods).CustomName).to_bytes().starts_with(b"Citus");
                }
                _ => break false,
            }
        }
    };
    if citus {
        crate::errors::raise_code(
            pgrx::PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
            &format!(
                "{func}: Citus gathers the rows of this aggregate from its workers, and a weights relation passed as a regclass would arrive as a worker's oid of it: gather the values first (WITH v AS MATERIALIZED (SELECT id, value, year FROM distributed_table) SELECT year, {func}(...) FROM v GROUP BY year), or group by the distribution column (docs/citus.md)"
            ),
        );
    }
}

/// Checks and packs the per-call options of a spatial aggregate; the weights
/// relation's oid is the key the core state carries for us (see `group_weights`).
pub fn options(
    func: &str,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    style: Option<&str>,
) -> Options {
    let Some(weights) = weights else { raise(func, Error::invalid("weights must not be NULL")) };
    let (Some(permutations), Some(seed), Some(style)) = (permutations, seed, style) else {
        raise(func, Error::invalid("permutations, seed and style must not be NULL"))
    };
    if !(0..=MAX_PERMUTATIONS).contains(&permutations) {
        raise(
            func,
            Error::invalid(format!("permutations must be between 0 and {MAX_PERMUTATIONS}, got {permutations}")),
        );
    }
    let style = Style::parse(style).or_raise(func);
    Options { key: weights.0.to_u32(), permutations: permutations as i64, seed, style: style.code() }
}

/// The group's rows in canonical order (by id), so that every result, the
/// seeded permutations included, depends only on the set of rows: not on
/// their order, the plan (parallel, hashed or sorted aggregation) or the
/// node that combined the partial states.
/// Text ids are first turned into their ranks (`m`).
pub fn canonical(r: &UnitValues, m: &Matched, func: &str) -> UnitValues {
    let n = r.ids.len();
    if r.values.len() != n || !(r.values2.is_empty() || r.values2.len() == n) {
        raise(func, Error::corrupt("aggregate state has vectors of different lengths"));
    }
    let ids: Vec<i64> = r.ids.iter().map(|&c| m.data_id(c, func)).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&i| ids[i]);
    let pick_f = |v: &[f64]| -> Vec<f64> {
        if v.is_empty() {
            Vec::new()
        } else {
            order.iter().map(|&i| v[i]).collect()
        }
    };
    UnitValues {
        ids: order.iter().map(|&i| ids[i]).collect(),
        values: pick_f(&r.values),
        values2: pick_f(&r.values2),
        options: r.options,
        labels: Default::default(),
    }
}

/// The weights of the units `ids` from the relation's links: restricted to
/// those units (links naming other units dropped) or, with
/// `regecon.weights_match = exact`, an error naming the absent units; then
/// transformed to `style` (so units left without neighbours are islands).
/// Text ids show by name in messages (`m`).
pub fn subset_weights(ids: &[i64], m: &Matched, style: Style, func: &str) -> (Weights, Subset) {
    let show = |c: i64| m.show(c);
    let (w, subset) = Weights::subset_named(ids, &m.triples, &mut interrupts(), &show).or_raise(func);
    require_match(ids, m, &subset, func);
    (w.transform_checked(style, &mut interrupts()).or_raise(func), subset)
}

/// With `regecon.weights_match = exact`, the error naming the units of the
/// relation absent from the group.
fn require_match(ids: &[i64], m: &Matched, subset: &Subset, func: &str) {
    if crate::pool::WEIGHTS_MATCH.get() == crate::pool::WeightsMatch::Exact && !subset.absent.is_empty() {
        let named: Vec<String> =
            subset.absent.iter().take(regecon_core::weights::ABSENT_NAMED).map(|&c| m.show(c)).collect();
        let mut e = regecon_core::weights::absent_units_error(&named, subset.absent_units);
        // (an aggregate does not know its GROUP BY key: the group's size and
        // first unit help find it)
        e.message.push_str(&format!(
            " (in the group of {} units{})",
            ids.len(),
            ids.first().map(|&c| format!(" starting with unit {}", m.show(c))).unwrap_or_default()
        ));
        raise(func, e);
    }
}

/// The subset counts of a result.
pub fn subset_fields(s: &Subset) -> [(&'static str, Option<i32>); 2] {
    [
        ("absent_units", Some(s.absent_units.min(i32::MAX as usize) as i32)),
        ("dropped_links", Some(s.dropped_links.min(i32::MAX as usize) as i32)),
    ]
}

/// What a final function keeps between the groups of one statement (in
/// `fn_extra`, freed with the query's memory): the weights relation's links
/// as last read, and the weights last built from them. A panel's `GROUP BY
/// year` reads the relation once and builds its matrix once when every
/// year has the same units, instead of once per group.
///
/// Never stale: the links are keyed by the relation's oid and by the
/// snapshot the read ran under (its xmin, xmax and command id), so a read
/// under another snapshot (a later command of a function, say) reads again;
/// within one snapshot a read returns the same rows, so serving them again
/// is exactly what reading again would give. The built weights are keyed by
/// those links (the same allocation), the group's ids (and names, for text
/// ids) and the style.
#[derive(Default)]
struct StatementCache {
    links: Option<((u32, u32, u32, u32), Links)>,
    built: Option<Built>,
}

struct Built {
    triples: std::rc::Rc<Vec<(i64, i64, f64)>>,
    ids: Vec<i64>,
    names: Option<Vec<std::sync::Arc<str>>>,
    style: u8,
    weights: std::rc::Rc<Weights>,
    subset: Subset,
}

/// The statement cache of this final function call.
///
/// # Safety
/// `fcinfo` is the call's fcinfo; the function is not a set-returning one
/// (whose fn_extra would hold the SRF context).
unsafe fn statement_cache<'a>(fcinfo: pg_sys::FunctionCallInfo, func: &str) -> &'a mut StatementCache {
    // SAFETY: flinfo is valid for the call and lives as long as fn_mcxt; the
    // cache is allocated in fn_mcxt and dropped when that context is reset
    // or deleted (leak_and_drop_on_delete registers the callback), so the
    // pointer stays valid for every call that sees it in fn_extra.
    unsafe {
        if fcinfo.is_null() || (*fcinfo).flinfo.is_null() {
            raise(func, Error::corrupt("called without a function call context"));
        }
        let flinfo = (*fcinfo).flinfo;
        if (*flinfo).fn_extra.is_null() {
            let p = pgrx::PgMemoryContexts::For((*flinfo).fn_mcxt).leak_and_drop_on_delete(StatementCache::default());
            (*flinfo).fn_extra = p.cast();
        }
        &mut *((*flinfo).fn_extra as *mut StatementCache)
    }
}

/// The key of a read under the active snapshot (`None`: no snapshot, do not cache).
fn read_key(oid: u32) -> Option<(u32, u32, u32, u32)> {
    // SAFETY: GetActiveSnapshot returns NULL or the active snapshot, valid
    // during the call; only plain fields are read.
    unsafe {
        if !pg_sys::ActiveSnapshotSet() {
            return None;
        }
        let snap = pg_sys::GetActiveSnapshot();
        if snap.is_null() {
            return None;
        }
        Some((oid, (*snap).xmin.into_inner(), (*snap).xmax.into_inner(), (*snap).curcid))
    }
}

/// The group's rows in canonical order and its weights (read, matched to the
/// ids, transformed), through the statement cache. `None` for a group
/// without rows.
pub fn group_weights(
    state: Option<Internal>,
    func: &str,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<(UnitValues, Options, std::rc::Rc<Weights>, Subset)> {
    crate::pool::apply_limits();
    // SAFETY: the final functions calling this are not set-returning.
    let cache = unsafe { statement_cache(fcinfo, func) };
    let (r, m) = aggregate::finish::<UnitValues, _>(state, func, |s| {
        let Some(opts) = s.options else { raise(func, Error::corrupt("aggregate state has rows but no options")) };
        let key = read_key(opts.key);
        let fresh = match (&cache.links, key) {
            (Some((k, _)), Some(key)) => *k != key,
            _ => true,
        };
        if fresh {
            let links = read_links(RegClass(pg_sys::Oid::from(opts.key)), func);
            cache.built = None;
            cache.links = None;
            match key {
                Some(key) => cache.links = Some((key, links)),
                None => {
                    let m = match_links(func, (!s.labels.is_empty()).then_some(&s.labels), &links);
                    return Ok(Some((canonical(s, &m, func), m)));
                }
            }
        }
        let Some((_, links)) = &cache.links else { raise(func, Error::corrupt("the weights cache is empty")) };
        let m = match_links(func, (!s.labels.is_empty()).then_some(&s.labels), links);
        Ok(Some((canonical(s, &m, func), m)))
    })?;
    let Some(opts) = r.options else { raise(func, Error::corrupt("aggregate state has rows but no options")) };
    let style = Style::from_code(opts.style).or_raise(func);
    if let Some(b) = &cache.built {
        if std::rc::Rc::ptr_eq(&b.triples, &m.triples) && b.style == opts.style && b.ids == r.ids && b.names == m.names
        {
            let (w, subset) = (b.weights.clone(), b.subset.clone());
            require_match(&r.ids, &m, &subset, func);
            return Some((r, opts, w, subset));
        }
    }
    let (w, subset) = subset_weights(&r.ids, &m, style, func);
    let w = std::rc::Rc::new(w);
    if cache.links.is_some() {
        cache.built = Some(Built {
            triples: m.triples.clone(),
            ids: regecon_core::mem::to_vec(&r.ids, "the unit ids").or_raise(func),
            names: m.names.clone(),
            style: opts.style,
            weights: w.clone(),
            subset: subset.clone(),
        });
    }
    Some((r, opts, w, subset))
}

/// Sets the fields of a composite result by name. A float that is not
/// finite is undefined (a z with a zero standard deviation, say): NULL,
/// never NaN or Infinity in a result.
pub fn set_fields<'a>(
    t: &mut PgHeapTuple<'a, pgrx::AllocatedByRust>,
    func: &str,
    ints: &[(&str, Option<i32>)],
    floats: &[(&str, Option<f64>)],
) {
    for (k, v) in ints {
        crate::types::set_field(t, func, k, *v);
    }
    for (k, v) in floats {
        crate::types::set_field(t, func, k, v.filter(|x| x.is_finite()));
    }
}

/// The permutation fields of a result (NULL without permutations).
pub fn sim_fields(sim: Option<&Permutation>) -> [(&'static str, Option<f64>); 5] {
    [
        ("mean_sim", sim.map(|s| s.mean_sim)),
        ("sd_sim", sim.map(|s| s.sd_sim)),
        ("z_sim", sim.and_then(|s| s.z_sim)),
        ("p_sim", sim.map(|s| s.p_sim)),
        ("p_z_sim", sim.and_then(|s| s.p_z_sim)),
    ]
}

/// Declares transition functions of the spatial aggregates, one line per
/// overload: its name, the Rust type of `id` and how it becomes an [`Id`],
/// the value arguments, the extra SQL arguments, and the call it makes with
/// what it passes for the permutations, seed and style (an argument, or the
/// default of an overload without it). The types are spelled as the caller
/// writes them (`Option<i32>`): pgrx names them in the generated SQL.
macro_rules! spatial_trans {
    ($(
        $name:ident(id: [$($idty:tt)+] as $wrap:path, values: [$($v:ident),+], extra: [$($arg:ident: [$($argty:tt)+]),*])
            => $target:ident($($pre:expr),*; $perm:expr, $seed:expr, $style:expr);
    )+) => {$(
        #[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
        #[allow(clippy::too_many_arguments)]
        fn $name(
            state: Option<Internal>,
            id: Option<$($idty)+>,
            $($v: Option<f64>,)+
            weights: Option<RegClass>,
            $($arg: $($argty)+,)*
            fcinfo: pg_sys::FunctionCallInfo,
        ) -> Option<Internal> {
            $target($($pre,)* state, id.map($wrap), $($v,)+ weights, $perm, $seed, $style, fcinfo)
        }
    )+};
}
pub(crate) use spatial_trans;
