//! The byte format of aggregate states, used by the serialize and deserialize
//! functions of parallel aggregates.
//!
//! Layout: one version byte, one tag byte naming the state type, then the
//! fields as little-endian `u64`/`f64`. A state written by another version or
//! for another aggregate is refused with [`ErrorKind::Corrupt`](crate::ErrorKind)
//! instead of being misread.

use crate::error::{Error, Result};

/// Bumped whenever any state layout changes.
pub const VERSION: u8 = 2;

/// Writes a state.
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new(tag: u8, capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(2 + capacity);
        buf.push(VERSION);
        buf.push(tag);
        Writer { buf }
    }
    pub fn u64(&mut self, x: u64) -> &mut Self {
        self.buf.extend_from_slice(&x.to_le_bytes());
        self
    }
    pub fn f64(&mut self, x: f64) -> &mut Self {
        self.buf.extend_from_slice(&x.to_le_bytes());
        self
    }
    pub fn f64s(&mut self, xs: &[f64]) -> &mut Self {
        self.u64(xs.len() as u64);
        self.buf.reserve(8 * xs.len());
        for &x in xs {
            self.f64(x);
        }
        self
    }
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
        self
    }
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads a state written by [`Writer`].
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8], tag: u8) -> Result<Self> {
        match buf {
            [VERSION, t, ..] if *t == tag => Ok(Reader { buf, pos: 2 }),
            [VERSION, t, ..] => Err(Error::corrupt(format!("aggregate state has tag {t}, expected {tag}"))),
            [v, ..] => Err(Error::corrupt(format!(
                "aggregate state has format version {v}, this build reads version {VERSION}"
            ))),
            [] => Err(Error::corrupt("aggregate state is empty")),
        }
    }
    fn take8(&mut self) -> Result<[u8; 8]> {
        let end = self.pos.checked_add(8).ok_or_else(|| Error::corrupt("aggregate state is truncated"))?;
        let bytes: [u8; 8] = self
            .buf
            .get(self.pos..end)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::corrupt("aggregate state is truncated"))?;
        self.pos = end;
        Ok(bytes)
    }
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take8()?))
    }
    pub fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.take8()?))
    }
    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }
    /// Reads a count of items that take at least `min_bytes` bytes each,
    /// refusing (22P03) a count the remaining bytes cannot hold: checked
    /// before the caller allocates anything for the items.
    pub fn count(&mut self, min_bytes: usize) -> Result<usize> {
        let n = self.u64()?;
        let fits =
            usize::try_from(n).ok().filter(|&n| n.checked_mul(min_bytes.max(1)).is_some_and(|b| b <= self.remaining()));
        fits.ok_or_else(|| Error::corrupt("aggregate state is truncated (a length exceeds the bytes left)"))
    }
    pub fn f64s(&mut self) -> Result<Vec<f64>> {
        let n = self.count(8)?;
        let mut v = crate::mem::vec_with_capacity(n, "an aggregate state")?;
        for _ in 0..n {
            v.push(self.f64()?);
        }
        Ok(v)
    }
    /// `n` values written as `u64`, read as `i64` (the caller read and
    /// checked `n` with [`Reader::count`]).
    pub fn i64s_exact(&mut self, n: usize) -> Result<Vec<i64>> {
        if n.checked_mul(8).is_none_or(|b| b > self.remaining()) {
            return Err(Error::corrupt("aggregate state is truncated"));
        }
        let mut v = crate::mem::vec_with_capacity(n, "an aggregate state")?;
        for _ in 0..n {
            v.push(self.u64()? as i64);
        }
        Ok(v)
    }
    pub fn str(&mut self) -> Result<String> {
        let n = self.count(1)?;
        let bytes =
            self.buf.get(self.pos..self.pos + n).ok_or_else(|| Error::corrupt("aggregate state is truncated"))?;
        self.pos += n;
        String::from_utf8(crate::mem::to_vec(bytes, "an aggregate state")?)
            .map_err(|_| Error::corrupt("aggregate state has invalid text"))
    }
    /// Fails unless every byte was read.
    pub fn end(self) -> Result<()> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(Error::corrupt("aggregate state has trailing bytes"))
        }
    }
}

/// Tags of the state types (one per accumulator).
pub mod tag {
    pub const HHI: u8 = 1;
    pub const SHARE_SQUARES: u8 = 2;
    pub const PAIRS: u8 = 3;
    pub const SHIFT_SHARE: u8 = 4;
    pub const ENTROPY: u8 = 5;
    pub const UNIT_VALUES: u8 = 6;
    pub const TOBIT_ROWS: u8 = 7;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn round_trip_and_refusals() {
        let mut w = Writer::new(tag::HHI, 32);
        w.u64(7).f64(-0.5).f64s(&[1.0, 2.5]);
        let bytes = w.finish();
        let mut r = Reader::new(&bytes, tag::HHI).unwrap();
        assert_eq!(r.u64().unwrap(), 7);
        assert_eq!(r.f64().unwrap(), -0.5);
        assert_eq!(r.f64s().unwrap(), vec![1.0, 2.5]);
        r.end().unwrap();

        assert_eq!(Reader::new(&bytes, tag::PAIRS).err().unwrap().kind, ErrorKind::Corrupt);
        assert_eq!(Reader::new(&[9, 1], tag::HHI).err().unwrap().kind, ErrorKind::Corrupt);
        assert_eq!(Reader::new(&[], tag::HHI).err().unwrap().kind, ErrorKind::Corrupt);
        let mut r = Reader::new(&bytes[..12], tag::HHI).unwrap();
        r.u64().unwrap();
        assert_eq!(r.f64().unwrap_err().kind, ErrorKind::Corrupt);
        // a length prefix larger than the buffer is refused, not allocated
        let mut w = Writer::new(tag::HHI, 8);
        w.u64(u64::MAX);
        let bytes = w.finish();
        assert!(Reader::new(&bytes, tag::HHI).unwrap().f64s().is_err());
    }
}
