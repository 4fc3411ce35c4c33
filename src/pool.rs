//! The limits regecon works within in a backend: worker threads
//! (`regecon.max_threads`), memory (`regecon.max_memory`) and cancellation
//! (statement_timeout, pg_cancel_backend).
//!
//! - Threads: a rayon pool per call, of at most `regecon.max_threads`
//!   threads and never more than the machine's cores, whatever the setting
//!   (an ordinary role may lower it, not raise it past the cores). Pool
//!   threads only run core numerics on plain Rust data; they never call into
//!   PostgreSQL. They are joined before the call returns.
//! - Memory: input-sized buffers of the core are checked against
//!   `regecon.max_memory` (superuser-set) before they are allocated, and
//!   allocated fallibly (core `mem`): 53200 out_of_memory, never an abort.
//! - Cancellation: [`interrupts`] is the callback the core calls every few
//!   milliseconds of work on the main thread; it runs CHECK_FOR_INTERRUPTS.

use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::prelude::*;

/// `regecon.max_threads`: threads for permutations, weights builders and the
/// random-effects Tobit (0: one per core).
pub static MAX_THREADS: GucSetting<i32> = GucSetting::<i32>::new(0);

/// `regecon.max_memory` in kB: what regecon's own buffers may hold in one backend.
pub static MAX_MEMORY_KB: GucSetting<i32> = GucSetting::<i32>::new(DEFAULT_MAX_MEMORY_KB);

/// 1 GB.
const DEFAULT_MAX_MEMORY_KB: i32 = 1024 * 1024;

/// The least `regecon.max_memory` may be set to: 1 MB.
const MIN_MAX_MEMORY_KB: i32 = 1024;

/// The most `regecon.max_threads` may be set to (the cores bound it anyway).
const MAX_THREADS_SETTING: i32 = 1024;

/// Rows (array elements, links, tuples) a plain loop of the glue handles
/// between two interrupt checks: `i % ROWS_PER_CHECK == ROWS_PER_CHECK - 1`.
pub const ROWS_PER_CHECK: usize = 65536;

/// `regecon.weights_match`: how the units of a group meet those of a
/// weights relation.
#[derive(pgrx::PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum WeightsMatch {
    /// Links naming a unit without a row in the group are dropped (spdep's
    /// `subset.listw`, libpysal's `w_subset`); the style is applied after.
    #[name = c"subset"]
    Subset,
    /// Every unit of the relation must have a row: an error names the missing ones.
    #[name = c"exact"]
    Exact,
}

pub static WEIGHTS_MATCH: GucSetting<WeightsMatch> = GucSetting::<WeightsMatch>::new(WeightsMatch::Subset);

/// `regecon.progress`: NOTICEs on long calls.
pub static PROGRESS: GucSetting<bool> = GucSetting::<bool>::new(false);

/// Seconds between two progress NOTICEs.
const PROGRESS_EVERY: f64 = 3.0;

/// Progress of one long call: with `regecon.progress = on`, at most one
/// NOTICE every few seconds with the share done and the time left (when the
/// total is known), or the time spent so far. Main thread only.
pub struct Progress<'a> {
    func: &'a str,
    on: bool,
    start: std::time::Instant,
    last: f64,
}

impl<'a> Progress<'a> {
    pub fn new(func: &'a str) -> Self {
        Progress { func, on: PROGRESS.get(), start: std::time::Instant::now(), last: 0.0 }
    }

    /// Reports `done` of `total` (0 when the total is not known).
    pub fn report(&mut self, done: u64, total: u64) {
        if !self.on {
            return;
        }
        let t = self.start.elapsed().as_secs_f64();
        if t - self.last < PROGRESS_EVERY {
            return;
        }
        self.last = t;
        if total > 0 && done > 0 {
            let share = done as f64 / total as f64;
            notice!(
                "{}: {:.0} % done after {:.0} s, about {:.0} s left",
                self.func,
                100.0 * share,
                t,
                t * (1.0 - share) / share
            );
        } else {
            notice!("{}: still working after {:.0} s", self.func, t);
        }
    }
}

pub fn register_settings() {
    GucRegistry::define_bool_guc(
        c"regecon.progress",
        c"Report the progress of long regecon calls as NOTICEs (at most one every 3 seconds).",
        c"Permutations and local statistics report the share done and the time left; weights builders and Tobit fits the time spent so far.",
        &PROGRESS,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_enum_guc(
        c"regecon.weights_match",
        c"How a group's units meet a weights relation: subset (drop links to units without a row) or exact (an error names them).",
        c"With subset (the default), a group whose units are a subset of the relation's uses the weights restricted to them, as spdep's subset.listw, and the style is applied after; the result counts the absent units and dropped links.",
        &WEIGHTS_MATCH,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"regecon.max_threads",
        c"Maximum number of worker threads of one regecon call (0 = one per core; never more than the cores).",
        c"Permutation inference, weights builders and random-effects Tobit fits run on a pool of at most this many threads. Results do not depend on it.",
        &MAX_THREADS,
        0,
        MAX_THREADS_SETTING,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_int_guc(
        c"regecon.max_memory",
        c"Most memory regecon's own working buffers may hold in one backend (superuser setting).",
        c"Buffers sized from the input (rows of a group, links of a weights relation, points of a builder) are checked against it before they are allocated; over it the call fails with SQLSTATE 53200.",
        &MAX_MEMORY_KB,
        MIN_MAX_MEMORY_KB,
        i32::MAX,
        GucContext::Suset,
        GucFlags::UNIT_KB,
    );
}

/// Passes `regecon.max_memory` to the core. Called at the entry of every
/// function that can allocate input-sized buffers (the setting can change
/// between statements, never within one call).
#[inline]
pub fn apply_limits() {
    let kb = MAX_MEMORY_KB.get().max(MIN_MAX_MEMORY_KB) as usize;
    regecon_core::mem::set_limit(kb.saturating_mul(1024));
}

/// The number of cores of this machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Threads for `work_items` independent items: at most `regecon.max_threads`,
/// the cores, and the items.
pub fn threads_for(work_items: u64) -> usize {
    let setting = MAX_THREADS.get();
    let limit = if setting <= 0 { cores() } else { (setting as usize).min(cores()) };
    limit.min(work_items.max(1) as usize).max(1)
}

/// A rayon pool bounded as [`threads_for`].
pub fn thread_pool(func: &str, work_items: u64) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads_for(work_items))
        .thread_name(|i| format!("regecon-worker-{i}"))
        .build()
        .unwrap_or_else(|e| {
            crate::errors::raise_code(
                PgSqlErrorCode::ERRCODE_INSUFFICIENT_RESOURCES,
                &format!("{func}: cannot start worker threads: {e}"),
            )
        })
}

/// The core's cancellation callback: PostgreSQL's CHECK_FOR_INTERRUPTS (an
/// ERROR when a cancel or statement_timeout is pending). Main thread only.
pub fn interrupts() -> impl FnMut() {
    || {
        check_for_interrupts!();
    }
}

/// The cancellation callback of a long call that also reports its progress
/// (time spent) with `regecon.progress = on`.
pub fn interrupts_with_progress(func: &str) -> impl FnMut() + '_ {
    let mut progress = Progress::new(func);
    move || {
        check_for_interrupts!();
        progress.report(0, 0);
    }
}

/// Work (values read and links followed) that one thread does between two
/// interrupt checks: a few milliseconds.
const SLICE_WORK: u64 = 4_000_000;

/// Permutations per thread in a slice: at least the permutation kernel's
/// batch (core `moran` computes eight at a time), at most a few blocks.
const PERMUTATIONS_PER_SLICE: (u64, u64) = (8, 64);

/// Units per thread in a slice of local statistics: at most this many.
const MAX_UNITS_PER_SLICE: u64 = 1024;

/// Runs `run(pool, first, count)` over `0..items` in slices of
/// `per_thread` items per pool thread, concatenating in order; the calling
/// (main) thread checks for interrupts between slices.
fn in_slices<T: Send>(
    func: &str,
    items: u64,
    pool_items: u64,
    per_thread: u64,
    run: impl Fn(&rayon::ThreadPool, u64, u64) -> Vec<T>,
) -> Vec<T> {
    let pool = thread_pool(func, pool_items);
    let slice = per_thread.max(1) * pool.current_num_threads() as u64;
    let mut out = Vec::with_capacity(items as usize);
    let mut done = 0;
    let mut progress = Progress::new(func);
    while done < items {
        check_for_interrupts!();
        progress.report(done, items);
        let count = slice.min(items - done);
        out.extend(run(&pool, done, count));
        done += count;
    }
    out
}

/// Permuted statistics, computed on the pool in slices by `run(pool, first,
/// count)`. `cost` is the work of one permutation (units plus links): a
/// slice holds about [`SLICE_WORK`] per thread, so a check comes every few
/// milliseconds even for 10^6 units. The result does not depend on the
/// slicing (each permutation draws from its own stream).
pub fn permute(
    func: &str,
    permutations: u64,
    cost: u64,
    run: impl Fn(&rayon::ThreadPool, u64, u64) -> Vec<f64>,
) -> Vec<f64> {
    // a thread per block of the core's permutation engine
    let (least, most) = PERMUTATIONS_PER_SLICE;
    let threads_for = permutations / regecon_core::permutation::BLOCK + 1;
    in_slices(func, permutations, threads_for, (SLICE_WORK / cost.max(1)).clamp(least, most), run)
}

/// Per-unit simulations (local statistics) on the pool in slices of units.
/// `cost` is the work of one unit (permutations times its neighbours): a
/// slice holds about [`SLICE_WORK`] per thread.
pub fn permute_units<T: Send>(
    func: &str,
    n: usize,
    cost: u64,
    run: impl Fn(&rayon::ThreadPool, usize, usize) -> Vec<T>,
) -> Vec<T> {
    in_slices(
        func,
        n as u64,
        n as u64,
        (SLICE_WORK / cost.max(1)).clamp(1, MAX_UNITS_PER_SLICE),
        |pool, first, count| run(pool, first as usize, count as usize),
    )
}
