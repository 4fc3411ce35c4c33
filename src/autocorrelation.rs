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
use crate::regclass::{read_weights, RegClass};
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::prelude::*;
use pgrx::Internal;
use regecon_core::moran::{permutation_inference, Context, Options, UnitValues};
use regecon_core::weights::{Style, Weights};
use regecon_core::Error;

/// `regecon.max_threads`: threads for permutation inference (0: one per CPU).
pub static MAX_THREADS: GucSetting<i32> = GucSetting::<i32>::new(0);

/// Largest accepted number of permutations.
const MAX_PERMUTATIONS: i32 = 1_000_000;

pub fn register_settings() {
    GucRegistry::define_int_guc(
        c"regecon.max_threads",
        c"Maximum number of threads for regecon's permutation inference (0 = one per CPU).",
        c"Permutations of spatial statistics run on a thread pool of at most this many threads. The result does not depend on it.",
        &MAX_THREADS,
        0,
        256,
        GucContext::Userset,
        GucFlags::default(),
    );
}

agg_state!(UnitValues);

const F: &str = "morans_i";

#[allow(clippy::too_many_arguments)]
pub fn trans(
    func: &str,
    state: Option<Internal>,
    id: Option<i64>,
    value: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    style: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let options = options(func, weights, permutations, seed, style);
    let (Some(id), Some(value)) = (id, value) else { return state }; // rows with NULL id or value are skipped
    aggregate::trans::<UnitValues>(state, fcinfo, func, |s| s.add(id, value, options))
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
        raise(func, Error::invalid(format!("permutations must be between 0 and {MAX_PERMUTATIONS}, got {permutations}")));
    }
    let style = Style::parse(style).or_raise(func);
    Options { weights: weights.0.to_u32(), permutations: permutations as i64, seed, style: style.code() }
}

#[pg_extern(immutable, parallel_safe)]
fn morans_i_trans(
    state: Option<Internal>,
    id: Option<i64>,
    value: Option<f64>,
    weights: Option<RegClass>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id, value, weights, Some(0), Some(0), Some("r"), fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
fn morans_i_perm_trans(
    state: Option<Internal>,
    id: Option<i64>,
    value: Option<f64>,
    weights: Option<RegClass>,
    permutations: Option<i32>,
    seed: Option<i64>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(F, state, id, value, weights, permutations, seed, Some("r"), fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
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
    trans(F, state, id, value, weights, permutations, seed, style, fcinfo)
}

parallel_support!(UnitValues, morans_i_combine, morans_i_serialize, morans_i_deserialize, "morans_i");

/// A rayon pool bounded by `regecon.max_threads` (and by the work items).
pub fn thread_pool(func: &str, work_items: u64) -> rayon::ThreadPool {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let setting = MAX_THREADS.get();
    let limit = if setting <= 0 { cpus } else { setting as usize };
    let threads = limit.min(work_items.max(1) as usize).max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("regecon-worker-{i}"))
        .build()
        .unwrap_or_else(|e| error!("{func}: cannot start worker threads: {e}"))
}

/// Permuted statistics, computed on the pool in slices by `run(pool, first,
/// count)`; the calling (main) thread checks for interrupts between slices.
pub fn permute(permutations: u64, run: impl Fn(&rayon::ThreadPool, u64, u64) -> Vec<f64>) -> Vec<f64> {
    let pool = thread_pool(F, permutations / 32 + 1);
    let slice = 64 * pool.current_num_threads() as u64;
    let mut out = Vec::with_capacity(permutations as usize);
    let mut done = 0;
    while done < permutations {
        check_for_interrupts!();
        let count = slice.min(permutations - done);
        out.extend(run(&pool, done, count));
        done += count;
    }
    out
}

/// Per-unit simulations (local statistics) on the pool in slices of units,
/// checking for interrupts between slices on the main thread.
pub fn permute_units<T: Send>(n: usize, run: impl Fn(&rayon::ThreadPool, usize, usize) -> Vec<T>) -> Vec<T> {
    let pool = thread_pool(F, n as u64);
    let slice = 8 * pool.current_num_threads();
    let mut out = Vec::with_capacity(n);
    let mut done = 0;
    while done < n {
        check_for_interrupts!();
        let count = slice.min(n - done);
        out.extend(run(&pool, done, count));
        done += count;
    }
    out
}

/// The group's rows and its weights (read, matched to the ids, transformed).
pub fn group_weights(r: &UnitValues, func: &str) -> (Options, Weights) {
    let opts = r.options.expect("a state with rows has options");
    let links = read_weights(RegClass(pg_sys::Oid::from(opts.weights)), func);
    let style = Style::from_code(opts.style).or_raise(func);
    (opts, Weights::from_triples(&r.ids, &links).or_raise(func).transform(style))
}

/// Sets the fields of a composite result by name.
pub fn set_fields<'a>(
    t: &mut PgHeapTuple<'a, pgrx::AllocatedByRust>,
    func: &str,
    ints: &[(&str, Option<i32>)],
    floats: &[(&str, Option<f64>)],
) {
    for (k, v) in ints {
        t.set_by_name(k, *v).unwrap_or_else(|e| error!("{func}: {k}: {e}"));
    }
    for (k, v) in floats {
        t.set_by_name(k, *v).unwrap_or_else(|e| error!("{func}: {k}: {e}"));
    }
}

/// The permutation fields of a result (NULL without permutations).
pub fn sim_fields(sim: Option<&regecon_core::moran::Permutation>) -> [(&'static str, Option<f64>); 5] {
    [
        ("mean_sim", sim.map(|s| s.mean_sim)),
        ("sd_sim", sim.map(|s| s.sd_sim)),
        ("z_sim", sim.map(|s| s.z_sim)),
        ("p_sim", sim.map(|s| s.p_sim)),
        ("p_z_sim", sim.map(|s| s.p_z_sim)),
    ]
}

pub fn new_result(type_name: &str, func: &str) -> PgHeapTuple<'static, pgrx::AllocatedByRust> {
    PgHeapTuple::new_composite_type(type_name).unwrap_or_else(|e| error!("{func}: type {type_name} is missing: {e}"))
}

#[pg_extern(stable, parallel_safe)]
fn morans_i_final(state: Option<Internal>) -> Option<pgrx::composite_type!('static, "moran_result")> {
    let r = aggregate::finish::<UnitValues, _>(state, F, |s| Ok(Some(s.clone())))?;
    let (opts, w) = group_weights(&r, F);
    let ctx = Context::new(&w, &r.values).or_raise(F);
    let m = ctx.analytic();
    let sim = (opts.permutations > 0).then(|| {
        let sims = permute(opts.permutations as u64, |pool, first, count| {
            ctx.permuted_par(pool, opts.seed as u64, first, count)
        });
        permutation_inference(m.i, &sims)
    });
    let mut t = new_result("moran_result", F);
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
    set_fields(&mut t, F, &[], &sim_fields(sim.as_ref()));
    Some(t)
}

extension_sql!(
    r#"
CREATE AGGREGATE morans_i(id bigint, value float8, weights regclass) (
    SFUNC = morans_i_trans, STYPE = internal, FINALFUNC = morans_i_final,
    COMBINEFUNC = morans_i_combine, SERIALFUNC = morans_i_serialize, DESERIALFUNC = morans_i_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE morans_i(id bigint, value float8, weights regclass, permutations int, seed bigint) (
    SFUNC = morans_i_perm_trans, STYPE = internal, FINALFUNC = morans_i_final,
    COMBINEFUNC = morans_i_combine, SERIALFUNC = morans_i_serialize, DESERIALFUNC = morans_i_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE morans_i(id bigint, value float8, weights regclass, permutations int, seed bigint, style text) (
    SFUNC = morans_i_style_trans, STYPE = internal, FINALFUNC = morans_i_final,
    COMBINEFUNC = morans_i_combine, SERIALFUNC = morans_i_serialize, DESERIALFUNC = morans_i_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass) IS
'Global Moran''s I of value over the units of the group, weights from a (src, dst, weight) relation, row-standardised; analytic inference';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass, int, bigint) IS
'Global Moran''s I with permutation inference (seeded, reproducible)';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass, int, bigint, text) IS
'Global Moran''s I; style r (row-standardised), b (binary) or o (weights as stored)';
"#,
    name = "morans_i_aggregates",
    requires = [
        morans_i_trans, morans_i_perm_trans, morans_i_style_trans, morans_i_final,
        morans_i_combine, morans_i_serialize, morans_i_deserialize
    ],
);
