//! Memory that an input can make large, allocated fallibly and under a cap.
//!
//! Rust aborts the process when an allocation fails, and in a PostgreSQL
//! backend an abort restarts every session of the cluster. So every buffer
//! whose size comes from the input (rows of a group, links of a weights
//! relation, points of a builder, lines of a GAL file) is allocated through
//! this module:
//!
//! - the size is computed with checked arithmetic (an overflow is an error,
//!   not a wrap-around);
//! - the bytes, plus what regecon's allocations already hold in this process
//!   ([`live_bytes`], counted by [`Counting`] when the extension registers it
//!   as its global allocator), must stay under [`limit`], which the glue sets
//!   from the `regecon.max_memory` setting;
//! - the allocation itself is `try_reserve`: when the system refuses, the
//!   caller gets [`ErrorKind::OutOfMemory`](crate::ErrorKind) (SQLSTATE
//!   53200), never an abort.
//!
//! Small allocations whose size does not depend on the input (a few
//! parameters, a k x k matrix) go through the ordinary allocator.

use crate::error::{Error, Result};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// No limit (the default outside the extension, for the pure-Rust tests).
pub const UNLIMITED: usize = usize::MAX;

static LIMIT: AtomicUsize = AtomicUsize::new(UNLIMITED);
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Sets the most bytes regecon's allocations may hold in this process.
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// The current limit in bytes ([`UNLIMITED`] when none was set).
pub fn limit() -> usize {
    LIMIT.load(Ordering::Relaxed)
}

/// Bytes held by allocations made through [`Counting`] (0 when it is not the
/// global allocator, as in the pure-Rust tests).
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The system allocator, counting the bytes it holds. The extension crate
/// registers it with `#[global_allocator]`; it never fails differently from
/// [`System`] and never unwinds.
pub struct Counting;

// SAFETY: every method forwards to `System` with the caller's layout and
// pointer unchanged, so `System`'s guarantees hold; the counter is only
// arithmetic on an atomic (no allocation, no unwinding).
unsafe impl GlobalAlloc for Counting {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout goes to System unchanged (GlobalAlloc contract).
        let p = System.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as alloc: the layout is forwarded unchanged.
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: ptr came from System with this layout (every allocation of
        // this allocator is System's), as the GlobalAlloc contract requires.
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: ptr and layout are System's (as dealloc); new_size is the caller's, unchanged.
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

fn human(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes == usize::MAX {
        "more than the address space".into()
    } else if bytes >= 1 << 30 {
        format!("{:.1} GB", bytes as f64 / (MB * 1024.0))
    } else {
        format!("{:.1} MB", bytes as f64 / MB)
    }
}

/// Checks that `bytes` more can be held, under the limit; `what` names the
/// buffer in the error (e.g. "the links of distance_band_weights").
pub fn check(bytes: usize, what: &str) -> Result<()> {
    check_with(bytes, what, limit(), live_bytes())
}

fn check_with(bytes: usize, what: &str, limit: usize, live: usize) -> Result<()> {
    if bytes > limit.saturating_sub(live) {
        return Err(Error::out_of_memory(format!(
            "{what}: {} needed with {} already in use, over regecon.max_memory = {}",
            human(bytes),
            human(live),
            human(limit)
        )));
    }
    Ok(())
}

/// `count` elements of `T` in bytes, or an out-of-memory error when the
/// product overflows.
pub fn bytes_of<T>(count: usize, what: &str) -> Result<usize> {
    count.checked_mul(std::mem::size_of::<T>().max(1)).ok_or_else(|| {
        Error::out_of_memory(format!("{what}: more memory needed than the address space ({count} elements)"))
    })
}

/// Reserves room for `additional` more elements in `v`, checked against the
/// limit and fallibly allocated. Growth is geometric (as `Vec::push`), so
/// calling this before every push costs an amortised O(1).
pub fn reserve<T>(v: &mut Vec<T>, additional: usize, what: &str) -> Result<()> {
    let need =
        v.len().checked_add(additional).ok_or_else(|| Error::out_of_memory(format!("{what}: too many elements")))?;
    if need <= v.capacity() {
        return Ok(());
    }
    let target = need.max(v.capacity().saturating_mul(2)).max(4);
    let grow = target - v.len();
    check(bytes_of::<T>(target.saturating_sub(v.capacity()), what)?, what)?;
    if v.try_reserve_exact(grow).is_err() {
        // the doubled size was refused: try exactly what is needed
        v.try_reserve_exact(additional).map_err(|_| {
            Error::out_of_memory(format!(
                "{what}: the system refused {}",
                human(bytes_of::<T>(additional, what).unwrap_or(usize::MAX))
            ))
        })?;
    }
    Ok(())
}

/// An empty vector with room for `count` elements, checked and fallible.
pub fn vec_with_capacity<T>(count: usize, what: &str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    check(bytes_of::<T>(count, what)?, what)?;
    v.try_reserve_exact(count).map_err(|_| {
        Error::out_of_memory(format!(
            "{what}: the system refused {}",
            human(bytes_of::<T>(count, what).unwrap_or(usize::MAX))
        ))
    })?;
    Ok(v)
}

/// `count` copies of `value`, checked and fallible.
pub fn vec_filled<T: Clone>(value: T, count: usize, what: &str) -> Result<Vec<T>> {
    let mut v = vec_with_capacity(count, what)?;
    v.resize(count, value);
    Ok(v)
}

/// Pushes `value`, growing through [`reserve`].
#[inline]
pub fn push<T>(v: &mut Vec<T>, value: T, what: &str) -> Result<()> {
    if v.len() == v.capacity() {
        reserve(v, 1, what)?;
    }
    v.push(value);
    Ok(())
}

/// Copies a slice into a new vector, checked and fallible.
pub fn to_vec<T: Clone>(s: &[T], what: &str) -> Result<Vec<T>> {
    let mut v = vec_with_capacity(s.len(), what)?;
    v.extend_from_slice(s);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn limits_and_overflow_are_errors_not_aborts() {
        // sizes that overflow usize: an error, never a capacity-overflow panic
        let e = vec_with_capacity::<u64>(usize::MAX / 2, "test buffer").unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfMemory);
        assert!(e.message.contains("test buffer"), "{}", e.message);
        // a size the system cannot give (2^60 bytes): try_reserve refuses it
        let e = vec_with_capacity::<u8>(1 << 60, "huge").unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfMemory);
        let mut v: Vec<u32> = Vec::new();
        for i in 0..1000 {
            push(&mut v, i, "v").unwrap();
        }
        assert_eq!(v.len(), 1000);
        assert!(v.capacity() < 4096);
        assert_eq!(vec_filled(1.5f64, 3, "f").unwrap(), vec![1.5; 3]);
        assert_eq!(to_vec(&[1, 2], "t").unwrap(), vec![1, 2]);
    }

    #[test]
    fn the_limit_counts_what_is_live() {
        // (the process-wide limit is not changed here: tests run in parallel)
        let e = check_with(600, "the links of a test", 1000, 500).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfMemory);
        assert!(e.message.contains("the links of a test") && e.message.contains("regecon.max_memory"), "{}", e.message);
        assert!(check_with(500, "ok", 1000, 500).is_ok());
        assert!(check_with(1, "ok", UNLIMITED, usize::MAX).is_err());
        assert!(check_with(usize::MAX - 1, "ok", UNLIMITED, 0).is_ok());
    }
}
