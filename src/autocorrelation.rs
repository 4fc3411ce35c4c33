//! SQL: `morans_i`, the global Moran's I aggregate with analytic and
//! permutation inference. Numerics: core `moran` and `weights`.
//!
//! The final step reads the weights relation once per group through SPI
//! (with the caller's privileges), builds a CSR matrix over the ids of the
//! group, and computes. Permutations run on a rayon pool of at most
//! `regecon.max_threads` threads, on plain Rust data only; the main thread
//! waits for them in slices and checks for interrupts between slices.

use crate::aggregate::{self, agg_state, parallel_support};
use crate::errors::{raise, OrRaise};
use crate::ids::{match_links, Matched};
use crate::pool::{interrupts, permute};
use crate::regclass::{read_links, Links, RegClass};
use crate::types::result_tuple;
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::moran::{permutation_inference, Context, Options, UnitValues};
use regecon_core::weights::{Style, Subset, Weights};
use regecon_core::Error;

/// Largest accepted number of permutations.
const MAX_PERMUTATIONS: i32 = 1_000_000;

agg_state!(UnitValues);

const F: &str = "morans_i";

/// A unit id as an aggregate's transition function receives it.
#[derive(Clone, Copy)]
pub enum Id<'a> {
    Int(i64),
    Text(&'a str),
}

impl From<i64> for Id<'_> {
    fn from(v: i64) -> Self {
        Id::Int(v)
    }
}

impl<'a> From<&'a str> for Id<'a> {
    fn from(v: &'a str) -> Self {
        Id::Text(v)
    }
}

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
    let (Some(id), Some(value)) = (id, value) else { return aggregate::skip(state) }; // rows with NULL id or value are skipped
    aggregate::trans::<UnitValues>(state, fcinfo, func, |s| s.add_id(id, value, options))
}

/// Checks and packs the per-call options of a spatial aggregate.
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
    Options { weights: weights.0.to_u32(), permutations: permutations as i64, seed, style: style.code() }
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn morans_i_trans(
    state: Option<Internal>,
    id: Option<i64>,
    value: Option<f64>,
    weights: Option<RegClass>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id.map(Id::Int), value, weights, Some(0), Some(0), Some("r"), fcinfo)
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn morans_i_perm_trans(
    state: Option<Internal>,
    id: Option<i64>,
    value: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id.map(Id::Int), value, weights, permutations, seed, Some("r"), fcinfo)
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
#[allow(clippy::too_many_arguments)]
fn morans_i_style_trans(
    state: Option<Internal>,
    id: Option<i64>,
    value: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    style: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id.map(Id::Int), value, weights, permutations, seed, style, fcinfo)
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn morans_i_text_trans(
    state: Option<Internal>,
    id: Option<&str>,
    value: Option<f64>,
    weights: Option<RegClass>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id.map(Id::Text), value, weights, Some(0), Some(0), Some("r"), fcinfo)
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
fn morans_i_text_perm_trans(
    state: Option<Internal>,
    id: Option<&str>,
    value: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id.map(Id::Text), value, weights, permutations, seed, Some("r"), fcinfo)
}

#[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
#[allow(clippy::too_many_arguments)]
fn morans_i_text_style_trans(
    state: Option<Internal>,
    id: Option<&str>,
    value: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    style: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id.map(Id::Text), value, weights, permutations, seed, style, fcinfo)
}

parallel_support!(UnitValues, morans_i_combine, morans_i_serialize, morans_i_deserialize, "morans_i");

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
        let key = read_key(opts.weights);
        let fresh = match (&cache.links, key) {
            (Some((k, _)), Some(key)) => *k != key,
            _ => true,
        };
        if fresh {
            let links = read_links(RegClass(pg_sys::Oid::from(opts.weights)), func);
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
pub fn sim_fields(sim: Option<&regecon_core::moran::Permutation>) -> [(&'static str, Option<f64>); 5] {
    [
        ("mean_sim", sim.map(|s| s.mean_sim)),
        ("sd_sim", sim.map(|s| s.sd_sim)),
        ("z_sim", sim.and_then(|s| s.z_sim)),
        ("p_sim", sim.map(|s| s.p_sim)),
        ("p_z_sim", sim.and_then(|s| s.p_z_sim)),
    ]
}

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

extension_sql!(
    r#"
CREATE AGGREGATE morans_i(id bigint, value float8, weights regclass) (
    SFUNC = regecon_internal.morans_i_trans, STYPE = internal, FINALFUNC = regecon_internal.morans_i_final,
    COMBINEFUNC = regecon_internal.morans_i_combine, SERIALFUNC = regecon_internal.morans_i_serialize, DESERIALFUNC = regecon_internal.morans_i_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE morans_i(id bigint, value float8, weights regclass, permutations int, seed bigint) (
    SFUNC = regecon_internal.morans_i_perm_trans, STYPE = internal, FINALFUNC = regecon_internal.morans_i_final,
    COMBINEFUNC = regecon_internal.morans_i_combine, SERIALFUNC = regecon_internal.morans_i_serialize, DESERIALFUNC = regecon_internal.morans_i_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE morans_i(id bigint, value float8, weights regclass, permutations int, seed bigint, style text) (
    SFUNC = regecon_internal.morans_i_style_trans, STYPE = internal, FINALFUNC = regecon_internal.morans_i_final,
    COMBINEFUNC = regecon_internal.morans_i_combine, SERIALFUNC = regecon_internal.morans_i_serialize, DESERIALFUNC = regecon_internal.morans_i_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE morans_i(id text, value float8, weights regclass) (
    SFUNC = regecon_internal.morans_i_text_trans, STYPE = internal, FINALFUNC = regecon_internal.morans_i_final,
    COMBINEFUNC = regecon_internal.morans_i_combine, SERIALFUNC = regecon_internal.morans_i_serialize, DESERIALFUNC = regecon_internal.morans_i_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE morans_i(id text, value float8, weights regclass, permutations int, seed bigint) (
    SFUNC = regecon_internal.morans_i_text_perm_trans, STYPE = internal, FINALFUNC = regecon_internal.morans_i_final,
    COMBINEFUNC = regecon_internal.morans_i_combine, SERIALFUNC = regecon_internal.morans_i_serialize, DESERIALFUNC = regecon_internal.morans_i_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE morans_i(id text, value float8, weights regclass, permutations int, seed bigint, style text) (
    SFUNC = regecon_internal.morans_i_text_style_trans, STYPE = internal, FINALFUNC = regecon_internal.morans_i_final,
    COMBINEFUNC = regecon_internal.morans_i_combine, SERIALFUNC = regecon_internal.morans_i_serialize, DESERIALFUNC = regecon_internal.morans_i_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE morans_i(text, float8, regclass) IS
'Global Moran''s I keyed by text unit ids (the weights relation''s src and dst must be text too)';
COMMENT ON AGGREGATE morans_i(text, float8, regclass, int, bigint) IS
'Global Moran''s I with permutation inference, text unit ids';
COMMENT ON AGGREGATE morans_i(text, float8, regclass, int, bigint, text) IS
'Global Moran''s I with a weights style, text unit ids';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass) IS
'Global Moran''s I of value over the units of the group, weights from a (src, dst, weight) relation, row-standardised; analytic inference';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass, int, bigint) IS
'Global Moran''s I with permutation inference (seeded, reproducible)';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass, int, bigint, text) IS
'Global Moran''s I; style r (row-standardised), b (binary) or o (weights as stored)';
"#,
    name = "morans_i_aggregates",
    requires = [
        morans_i_trans,
        morans_i_perm_trans,
        morans_i_style_trans,
        morans_i_text_trans,
        morans_i_text_perm_trans,
        morans_i_text_style_trans,
        morans_i_final,
        morans_i_combine,
        morans_i_serialize,
        morans_i_deserialize
    ],
);
