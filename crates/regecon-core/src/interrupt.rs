//! How a long computation lets its caller cancel it.
//!
//! Every core function whose work grows with the input takes a
//! `check: Check<'_>` callback and calls it on the calling thread at least
//! every few milliseconds of work (the target: a cancel or
//! `statement_timeout` honoured within 100 ms). The extension passes a
//! closure that runs PostgreSQL's `CHECK_FOR_INTERRUPTS()`; when a cancel is
//! pending, that raises an ERROR, which unwinds through the core's frames
//! (they hold only Rust values, so unwinding frees them). Tests pass
//! [`none`].
//!
//! The callback is never called on a pool thread: work on a rayon pool runs
//! in slices ([`sliced`]), with the callback on the calling thread between
//! slices.

use crate::error::Result;
use std::ops::Range;

/// The cancellation callback (see the module documentation).
pub type Check<'a> = &'a mut dyn FnMut();

/// A callback that does nothing (pure-Rust tests, small inputs).
pub fn none() -> impl FnMut() {
    || {}
}

/// Calls the check once every `every` ticks: for tight loops whose single
/// iteration is too cheap to pay for a callback.
pub struct Ticker<'a, 'b> {
    check: &'b mut Check<'a>,
    left: u32,
    every: u32,
}

impl<'a, 'b> Ticker<'a, 'b> {
    pub fn new(check: &'b mut Check<'a>, every: u32) -> Self {
        let every = every.max(1);
        Ticker { check, left: every, every }
    }

    /// Counts one unit of work; calls the check every `every` units.
    #[inline]
    pub fn tick(&mut self) {
        self.left -= 1;
        if self.left == 0 {
            self.left = self.every;
            (self.check)();
        }
    }

    /// Counts `units` units of work at once.
    #[inline]
    pub fn tick_by(&mut self, units: usize) {
        if units as u64 >= self.left as u64 {
            self.left = self.every;
            (self.check)();
        } else {
            self.left -= units as u32;
        }
    }
}

/// Runs `f` over `0..n` in ranges of `chunk` items, `slice` ranges at a time
/// in parallel on `pool` (sequentially without a pool), calling `check`
/// between slices on the calling thread. The output is the concatenation in
/// range order, so it does not depend on the number of threads; the first
/// error (in range order) is returned.
pub fn sliced<T: Send>(
    pool: Option<&rayon::ThreadPool>,
    n: usize,
    chunk: usize,
    check: Check<'_>,
    f: impl Fn(Range<usize>) -> Result<Vec<T>> + Sync,
) -> Result<Vec<T>> {
    use rayon::prelude::*;
    let chunk = chunk.max(1);
    let threads = pool.map_or(1, |p| p.current_num_threads()).max(1);
    let slice = chunk * 2 * threads; // two ranges per thread between checks
    let mut out: Vec<T> = Vec::new();
    let mut start = 0;
    while start < n {
        check();
        let end = (start + slice).min(n);
        let ranges: Vec<Range<usize>> = (start..end).step_by(chunk).map(|a| a..(a + chunk).min(end)).collect();
        let parts: Vec<Result<Vec<T>>> = match pool {
            Some(p) => p.install(|| ranges.into_par_iter().map(&f).collect()),
            None => ranges.into_iter().map(&f).collect(),
        };
        for part in parts {
            let part = part?;
            crate::mem::reserve(&mut out, part.len(), "results")?;
            out.extend(part);
        }
        start = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliced_is_ordered_and_checks_between_slices() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let mut calls = 0;
        let out = sliced(Some(&pool), 1000, 7, &mut || calls += 1, |r| Ok(r.collect::<Vec<_>>())).unwrap();
        assert_eq!(out, (0..1000).collect::<Vec<_>>());
        assert_eq!(calls, 1000usize.div_ceil(7 * 2 * 2));
        let seq = sliced(None, 10, 3, &mut none(), |r| Ok(r.map(|i| i * 2).collect::<Vec<_>>())).unwrap();
        assert_eq!(seq, (0..10).map(|i| i * 2).collect::<Vec<_>>());
        let err = sliced(None, 10, 3, &mut none(), |r| {
            if r.contains(&5) {
                Err(crate::Error::invalid("five"))
            } else {
                Ok(vec![0])
            }
        });
        assert_eq!(err.unwrap_err().message, "five");
    }

    #[test]
    fn ticker_calls_every_n() {
        let mut calls = 0;
        {
            let mut f = || calls += 1;
            let mut c: Check = &mut f;
            let mut t = Ticker::new(&mut c, 10);
            for _ in 0..95 {
                t.tick();
            }
            t.tick_by(100);
        }
        assert_eq!(calls, 10);
    }
}
