//! Support-function plumbing shared by every regecon aggregate.
//!
//! Each aggregate keeps a plain Rust state (from regecon-core) behind
//! `internal`, and declares trans, combine, serialize, deserialize and final
//! functions in `CREATE AGGREGATE` statements of its own (pgrx's derive
//! generates a wrong deserialize signature for internal states, pgrx issue
//! 2351): written out next to each aggregate, except the eighteen overloads
//! of the spatial aggregates, which build.rs writes from one table. The
//! rules every aggregate follows:
//!
//! - the state is created in the aggregate memory context (so it survives
//!   across rows and is dropped when Postgres resets that context);
//! - combine copies a lone right-hand state into the aggregate context rather
//!   than returning it (it may live in a short-lived context after
//!   deserialize);
//! - final functions only read the state, so one state can serve identical
//!   aggregate calls and successive window frames;
//! - serialized states carry a version byte and a type tag (core `codec`).

use crate::errors::{raise, OrRaise};
use pgrx::prelude::*;
use pgrx::{Internal, PgMemoryContexts};
use regecon_core::Result;

/// A state regecon can aggregate in parallel.
pub trait AggState: Clone + Default + 'static {
    fn merge_from(&mut self, other: &Self) -> Result<()>;
    fn to_bytes(&self) -> Vec<u8>;
    fn from_bytes(bytes: &[u8]) -> Result<Self>;
}

/// Implements [`AggState`] for a core state type with `merge`, `to_bytes`
/// and `from_bytes` methods; `infallible` when its `merge` returns `()`.
macro_rules! agg_state {
    ($t:ty, infallible) => {
        impl $crate::aggregate::AggState for $t {
            fn merge_from(&mut self, other: &Self) -> regecon_core::Result<()> {
                self.merge(other);
                Ok(())
            }
            fn to_bytes(&self) -> Vec<u8> {
                <$t>::to_bytes(self)
            }
            fn from_bytes(bytes: &[u8]) -> regecon_core::Result<Self> {
                <$t>::from_bytes(bytes)
            }
        }
    };
    ($t:ty) => {
        impl $crate::aggregate::AggState for $t {
            fn merge_from(&mut self, other: &Self) -> regecon_core::Result<()> {
                self.merge(other)
            }
            fn to_bytes(&self) -> Vec<u8> {
                <$t>::to_bytes(self)
            }
            fn from_bytes(bytes: &[u8]) -> regecon_core::Result<Self> {
                <$t>::from_bytes(bytes)
            }
        }
    };
}
pub(crate) use agg_state;

/// Runs `f` with the aggregate memory context current; an ERROR (22023)
/// when the function was not called as part of an aggregate (a support
/// function called directly from SQL with `NULL::internal`).
///
/// # Safety
/// `fcinfo` must be the live call's FunctionCallInfo.
unsafe fn in_agg_context<R>(fcinfo: pg_sys::FunctionCallInfo, func: &str, f: impl FnOnce() -> R) -> R {
    crate::pool::apply_limits();
    let mut ctx: pg_sys::MemoryContext = std::ptr::null_mut();
    // SAFETY: AggCheckCallContext only reads fcinfo->context (null-checked by
    // PostgreSQL) and writes the out-pointer we own.
    if fcinfo.is_null() || pg_sys::AggCheckCallContext(fcinfo, &mut ctx) == 0 || ctx.is_null() {
        raise(func, regecon_core::Error::invalid("support function called outside an aggregate"));
    }
    PgMemoryContexts::For(ctx).switch_to(|_| f())
}

/// The state when it is non-NULL. pgrx hands a NULL `internal` argument over
/// as `Some(Internal(None))`: returning that as-is would give PostgreSQL a
/// non-NULL datum 0, which the next row would dereference.
fn live(state: Option<Internal>) -> Option<Internal> {
    state.filter(|s| s.initialized())
}

/// A transition function skipping a row: the state passes through, and a
/// NULL state stays a true NULL.
#[inline]
pub fn skip(state: Option<Internal>) -> Option<Internal> {
    live(state)
}

/// A new default state in the aggregate memory context, as a datum (for
/// trans functions written directly against fcinfo).
///
/// # Safety
/// `fcinfo` must be the live call's FunctionCallInfo.
pub unsafe fn new_state<S: AggState>(fcinfo: pg_sys::FunctionCallInfo, func: &str) -> pg_sys::Datum {
    // Internal::new boxes the value in the current (aggregate) memory
    // context, so the datum is a valid non-null pointer to an S.
    match in_agg_context(fcinfo, func, || Internal::new(S::default())).unwrap() {
        Some(d) => d,
        None => raise(func, regecon_core::Error::invalid("could not create the aggregate state")),
    }
}

/// The state behind a non-NULL internal datum. Every regecon aggregate keeps
/// exactly one state type per support-function family, and an aggregate
/// over `internal` can only be declared by a superuser, so the type is the
/// one its own transition function created.
fn state_ref<'a, S: AggState>(state: &'a Internal, func: &str) -> &'a S {
    // SAFETY: `state` is initialized (callers pass `live` states) and points
    // to an S created by `Internal::new` in this aggregate (see above).
    unsafe { state.get::<S>() }
        .unwrap_or_else(|| raise(func, regecon_core::Error::corrupt("aggregate state is missing")))
}

fn state_mut<'a, S: AggState>(state: &'a mut Internal, func: &str) -> &'a mut S {
    // SAFETY: as `state_ref`; the aggregate owns the state exclusively during
    // a transition or combine call.
    unsafe { state.get_mut::<S>() }
        .unwrap_or_else(|| raise(func, regecon_core::Error::corrupt("aggregate state is missing")))
}

/// Transition step: creates the state on the first row, then applies `f`.
#[inline]
pub fn trans<S: AggState>(
    state: Option<Internal>,
    fcinfo: pg_sys::FunctionCallInfo,
    func: &str,
    f: impl FnOnce(&mut S) -> Result<()>,
) -> Option<Internal> {
    let mut state = match live(state) {
        Some(s) => s,
        // SAFETY: fcinfo is this call's (pgrx passes it through).
        None => unsafe { in_agg_context(fcinfo, func, || Internal::new(S::default())) },
    };
    f(state_mut::<S>(&mut state, func)).or_raise(func);
    Some(state)
}

/// Combine step for parallel aggregation.
pub fn combine<S: AggState>(
    a: Option<Internal>,
    b: Option<Internal>,
    fcinfo: pg_sys::FunctionCallInfo,
    func: &str,
) -> Option<Internal> {
    match (live(a), live(b)) {
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(b)) => {
            let copy = state_ref::<S>(&b, func).clone();
            // SAFETY: fcinfo is this call's.
            Some(unsafe { in_agg_context(fcinfo, func, || Internal::new(copy)) })
        }
        (Some(mut a), Some(b)) => {
            let other = state_ref::<S>(&b, func);
            state_mut::<S>(&mut a, func).merge_from(other).or_raise(func);
            Some(a)
        }
    }
}

/// Serialize step: the state's versioned bytes.
pub fn serialize<S: AggState>(state: Internal, func: &str) -> Vec<u8> {
    match live(Some(state)) {
        Some(s) => state_ref::<S>(&s, func).to_bytes(),
        None => raise(func, regecon_core::Error::corrupt("aggregate state is missing")),
    }
}

/// Deserialize step: a new state in the current (per-call) memory context.
pub fn deserialize<S: AggState>(bytes: &[u8], func: &str) -> Internal {
    crate::pool::apply_limits();
    Internal::new(S::from_bytes(bytes).or_raise(func))
}

/// Final step: reads the state; an empty group (no state) gives NULL.
pub fn finish<S: AggState, R>(
    state: Option<Internal>,
    func: &str,
    f: impl FnOnce(&S) -> Result<Option<R>>,
) -> Option<R> {
    let state = live(state)?;
    f(state_ref::<S>(&state, func)).or_raise(func)
}

/// Declares the combine, serialize and deserialize support functions of
/// state type `$state` under the names `$prefix_combine`,
/// `$prefix_serialize` and `$prefix_deserialize`.
macro_rules! parallel_support {
    ($state:ty, $combine:ident, $serialize:ident, $deserialize:ident, $sqlname:literal) => {
        #[pg_extern(immutable, parallel_safe, schema = "regecon_internal")]
        fn $combine(
            a: Option<pgrx::Internal>,
            b: Option<pgrx::Internal>,
            fcinfo: pg_sys::FunctionCallInfo,
        ) -> Option<pgrx::Internal> {
            $crate::aggregate::combine::<$state>(a, b, fcinfo, $sqlname)
        }

        #[pg_extern(immutable, parallel_safe, strict, schema = "regecon_internal")]
        fn $serialize(state: pgrx::Internal) -> Vec<u8> {
            $crate::aggregate::serialize::<$state>(state, $sqlname)
        }

        #[pg_extern(immutable, parallel_safe, strict, schema = "regecon_internal")]
        fn $deserialize(bytes: &[u8], _unused: pgrx::Internal) -> pgrx::Internal {
            $crate::aggregate::deserialize::<$state>(bytes, $sqlname)
        }
    };
}
pub(crate) use parallel_support;
