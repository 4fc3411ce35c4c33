//! Aggregates whose transition state is a fixed-size `bytea` rather than
//! `internal`: the states of a few numbers (the compensated sums of
//! `hhi_agg`). Citus ships such a state between nodes (its text form is the
//! exact bytes), so the partial aggregation runs on the workers; PostgreSQL
//! needs no serialize/deserialize functions for parallel plans.
//!
//! The transition and combine functions update the state in place when
//! PostgreSQL calls them as part of an aggregate (the state then belongs to
//! the aggregate, as for the built-in `float8_accum`); called directly from
//! SQL they return a new value and leave their argument alone.

use crate::errors::{raise, OrRaise};
use pgrx::prelude::*;
use regecon_core::fixed::Fixed;

/// The state argument as a writable slice of its `len` data bytes: the
/// argument itself inside an aggregate, else a copy in the current memory
/// context. A value of another length is an ERROR (22P03, corrupt state).
///
/// # Safety
/// `fcinfo` must be the live call's FunctionCallInfo and `datum` a non-NULL
/// `bytea` argument of that call.
#[inline(always)]
pub unsafe fn writable(
    fcinfo: pg_sys::FunctionCallInfo,
    datum: pg_sys::Datum,
    len: usize,
    func: &str,
) -> (*mut pg_sys::varlena, &'static mut [u8]) {
    let raw = datum.cast_mut_ptr::<pg_sys::varlena>();
    let in_agg = in_aggregate(fcinfo);
    // The common case, once per row: inside an aggregate, a plain (4-byte
    // header, uncompressed, inline) value of the right size, written in place.
    // SAFETY: raw is a non-NULL bytea datum (caller), so its first byte is a
    // varlena header; a 4B_U header means the whole value is inline.
    if in_agg && pgrx::varlena::varatt_is_4b_u(raw) && pgrx::varlena::varsize_4b(raw) == pg_sys::VARHDRSZ + len {
        let data = std::slice::from_raw_parts_mut(pgrx::varlena::vardata_4b(raw).cast_mut().cast::<u8>(), len);
        return (raw, data);
    }
    writable_slow(raw, in_agg, len, func)
}

/// [`writable`] off the per-row path: a value to detoast or copy.
///
/// # Safety
/// As [`writable`], `raw` being its datum.
#[cold]
#[inline(never)]
unsafe fn writable_slow(
    raw: *mut pg_sys::varlena,
    in_agg: bool,
    len: usize,
    func: &str,
) -> (*mut pg_sys::varlena, &'static mut [u8]) {
    // SAFETY: pg_detoast_datum returns raw unchanged when it is a plain
    // 4-byte-header value, else a palloc'd plain copy.
    let mut v = pg_sys::pg_detoast_datum(raw);
    if pgrx::varlena::varsize_any_exhdr(v) != len {
        raise(func, regecon_core::Error::corrupt("aggregate state has the wrong length"));
    }
    if !in_agg && v == raw {
        // a direct call: never write into the caller's value
        let copy = pg_sys::palloc(pg_sys::VARHDRSZ + len).cast::<pg_sys::varlena>();
        pgrx::varlena::set_varsize_4b(copy, (pg_sys::VARHDRSZ + len) as i32);
        std::ptr::copy_nonoverlapping(pgrx::varlena::vardata_any(v), pgrx::varlena::vardata_4b(copy).cast_mut(), len);
        v = copy;
    }
    // SAFETY: v is a 4-byte-header varlena (detoasted, or our copy) with
    // `len` data bytes, owned by the aggregate or by this call.
    let data = std::slice::from_raw_parts_mut(pgrx::varlena::vardata_any(v).cast_mut().cast::<u8>(), len);
    (v, data)
}

/// Whether the call is part of an aggregate or window aggregate, which then
/// owns the transition value (what AggCheckCallContext tests, inline: this
/// runs once per row).
///
/// # Safety
/// `fcinfo` must be the live call's FunctionCallInfo.
#[inline]
unsafe fn in_aggregate(fcinfo: pg_sys::FunctionCallInfo) -> bool {
    // SAFETY: fcinfo is valid (caller); context is NULL or a Node.
    let ctx = (*fcinfo).context;
    !ctx.is_null() && matches!((*ctx).type_, pg_sys::NodeTag::T_AggState | pg_sys::NodeTag::T_WindowAggState)
}

/// The data bytes of a non-NULL `bytea` argument, read only.
///
/// # Safety
/// `datum` must be a non-NULL `bytea` argument of the live call.
pub unsafe fn read(datum: pg_sys::Datum) -> &'static [u8] {
    // SAFETY: as in `writable`; the detoasted value lives for the call.
    let v = pg_sys::pg_detoast_datum(datum.cast_mut_ptr::<pg_sys::varlena>());
    pgrx::varlena::varlena_to_byte_slice(v)
}

/// The first `N` arguments of a V1 support function, checked for number.
///
/// # Safety
/// `fcinfo` must be the live call's FunctionCallInfo.
pub unsafe fn args<const N: usize>(fcinfo: pg_sys::FunctionCallInfo, func: &str) -> [pg_sys::NullableDatum; N] {
    // SAFETY: fcinfo is valid (caller); nargs says how many of args are set.
    if fcinfo.is_null() || ((*fcinfo).nargs as usize) < N {
        raise(func, regecon_core::Error::invalid("support function called with too few arguments"));
    }
    let a = (*fcinfo).args.as_slice(N);
    std::array::from_fn(|i| a[i])
}

/// The transition function of a fixed-state aggregate over `N` float8
/// arguments: `(bytea, float8 x N) RETURNS bytea`, declared STRICT (a row
/// with a NULL argument is skipped by PostgreSQL; NULLs are answered with a
/// NULL here too, never read). `add` applies one row to the state.
///
/// # Safety
/// `fcinfo` must be the live call's FunctionCallInfo of a function declared
/// with a `bytea` first argument and `N` float8 arguments after it.
#[inline(always)]
pub unsafe fn transition<T: Fixed, const N: usize>(
    fcinfo: pg_sys::FunctionCallInfo,
    func: &str,
    add: impl FnOnce(&mut T, [f64; N]) -> regecon_core::Result<()>,
) -> pg_sys::Datum {
    // SAFETY: args() checks the count; writable() checks the state's length
    // and copies it unless the call is part of an aggregate (caller's
    // declaration makes the first argument a bytea, the rest float8).
    let a = args::<1>(fcinfo, func);
    let rest = args_from::<N>(fcinfo, func);
    if a[0].isnull || rest.iter().any(|d| d.isnull) {
        (*fcinfo).isnull = true;
        return pg_sys::Datum::from(0);
    }
    let values = rest.map(|d| f64::from_bits(d.value.value() as u64));
    let (out, bytes) = writable(fcinfo, a[0].value, T::LEN, func);
    let mut state = T::read_fixed(bytes).or_raise(func);
    add(&mut state, values).or_raise(func);
    state.write_fixed(bytes);
    pg_sys::Datum::from(out)
}

/// Arguments 1..=N (after the state).
///
/// # Safety
/// As [`args`].
#[inline]
unsafe fn args_from<const N: usize>(fcinfo: pg_sys::FunctionCallInfo, func: &str) -> [pg_sys::NullableDatum; N] {
    // SAFETY: fcinfo is valid (caller); nargs is checked before reading.
    if ((*fcinfo).nargs as usize) < N + 1 {
        raise(func, regecon_core::Error::invalid("support function called with too few arguments"));
    }
    let a = (*fcinfo).args.as_slice(N + 1);
    std::array::from_fn(|i| a[i + 1])
}

/// The combine function of a fixed-state aggregate: `(bytea, bytea) RETURNS
/// bytea`, STRICT; the right-hand state is only read.
///
/// # Safety
/// `fcinfo` must be the live call's FunctionCallInfo of a function declared
/// with two `bytea` arguments.
pub unsafe fn combine<T: Fixed>(
    fcinfo: pg_sys::FunctionCallInfo,
    func: &str,
    merge: impl FnOnce(&mut T, &T),
) -> pg_sys::Datum {
    // SAFETY: as transition(), with two bytea arguments.
    let [a, b] = args::<2>(fcinfo, func);
    if a.isnull || b.isnull {
        (*fcinfo).isnull = true;
        return pg_sys::Datum::from(0);
    }
    let other = T::read_fixed(read(b.value)).or_raise(func);
    let (out, bytes) = writable(fcinfo, a.value, T::LEN, func);
    let mut state = T::read_fixed(bytes).or_raise(func);
    merge(&mut state, &other);
    state.write_fixed(bytes);
    pg_sys::Datum::from(out)
}

/// Declares a V1 C function for PostgreSQL (with its `pg_finfo_` record)
/// that calls `$body`, an `unsafe fn(FunctionCallInfo) -> Datum` of the
/// caller's (usually a call of [`transition`] or [`combine`]):
/// `fixed_v1!(name, pg_finfo_name, body)`.
#[macro_export]
macro_rules! fixed_v1 {
    ($name:ident, $finfo:ident, $body:path) => {
        #[no_mangle]
        #[doc(hidden)]
        pub extern "C" fn $finfo() -> &'static pgrx::pg_sys::Pg_finfo_record {
            const V1_API: pgrx::pg_sys::Pg_finfo_record = pgrx::pg_sys::Pg_finfo_record { api_version: 1 };
            &V1_API
        }

        #[no_mangle]
        #[pgrx::pg_guard]
        /// # Safety
        /// PostgreSQL's V1 calling convention: a valid `fcinfo` for the
        /// function's SQL declaration (stated at `$body`).
        pub unsafe extern "C-unwind" fn $name(fcinfo: pgrx::pg_sys::FunctionCallInfo) -> pgrx::pg_sys::Datum {
            // SAFETY: PostgreSQL calls a V1 function with a valid fcinfo;
            // $body's own contract (the SQL declaration) is stated there.
            $body(fcinfo)
        }
    };
}
