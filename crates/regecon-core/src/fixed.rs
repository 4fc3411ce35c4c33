//! The fixed-size byte form of the aggregate states that are a few numbers
//! (`hhi_agg` in both forms, `hhi_normalized_agg`, `martin_resilience_agg`).
//!
//! An aggregate keeps such a state as a plain `bytea` instead of `internal`:
//! Citus then ships the workers' partial states to the coordinator and
//! combines them there (docs/citus.md), and PostgreSQL updates the value in
//! place row after row. The form is:
//!
//! | bytes | what |
//! |---|---|
//! | 0 | [`VERSION`] of this form (not [`crate::codec::VERSION`], the variable-size states' format) |
//! | 1 | the aggregate's tag ([`crate::codec::tag`]) |
//! | 2..8 | zero |
//! | 8.. | [`Fixed::WORDS`] little-endian 64-bit words: counts as `u64`, floats as their bits |
//!
//! Compensation terms travel with their sums, so a state read back is the
//! state written, bit for bit, and combining partial states is exact.

use crate::error::{Error, Result};

/// Version of the fixed form; bumped when any state's words change meaning.
pub const VERSION: u8 = 1;
/// Bytes before the words.
pub const HEADER: usize = 8;
/// The most words a state may have (the size of the stack buffer used).
pub const MAX_WORDS: usize = 8;

/// A state with a fixed-size byte form.
pub trait Fixed: Sized + Default {
    /// The aggregate's tag, from [`crate::codec::tag`].
    const TAG: u8;
    /// Number of 64-bit words after the header (at most [`MAX_WORDS`]).
    const WORDS: usize;
    /// Length of the form in bytes.
    const LEN: usize = HEADER + 8 * Self::WORDS;

    /// The state's words, `w.len() == WORDS`.
    fn to_words(&self, w: &mut [u64]);
    /// The state from its words; a word out of its range is Corrupt.
    fn from_words(w: &[u64]) -> Result<Self>;

    /// Writes the form into `out` (`out.len() == LEN`).
    #[inline]
    fn write_fixed(&self, out: &mut [u8]) {
        debug_assert_eq!(out.len(), Self::LEN);
        let mut w = [0u64; MAX_WORDS];
        self.to_words(&mut w[..Self::WORDS]);
        out[0] = VERSION;
        out[1] = Self::TAG;
        out[2..HEADER].fill(0);
        for (chunk, word) in out[HEADER..].chunks_exact_mut(8).zip(&w[..Self::WORDS]) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
    }

    /// Reads the form; another length, version or tag is Corrupt.
    #[inline]
    fn read_fixed(bytes: &[u8]) -> Result<Self> {
        if bytes.len() != Self::LEN {
            return Err(Error::corrupt("aggregate state has the wrong length"));
        }
        if bytes[0] != VERSION || bytes[1] != Self::TAG {
            return Err(Error::corrupt("aggregate state of another version or aggregate"));
        }
        let mut w = [0u64; MAX_WORDS];
        for (word, chunk) in w[..Self::WORDS].iter_mut().zip(bytes[HEADER..].chunks_exact(8)) {
            *word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        }
        Self::from_words(&w[..Self::WORDS])
    }

    /// The empty state's form: the aggregate's initial value.
    fn empty_fixed() -> Vec<u8> {
        let mut out = vec![0u8; Self::LEN];
        Self::default().write_fixed(&mut out);
        out
    }

    /// The empty state's form as the `INITCOND` of `CREATE AGGREGATE`
    /// (bytea's hex input, `\x...`).
    fn initcond() -> String {
        let mut s = String::from("\\x");
        for b in Self::empty_fixed() {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[derive(Debug, Default, PartialEq)]
    struct Two(u64, f64);
    impl Fixed for Two {
        const TAG: u8 = 99;
        const WORDS: usize = 2;
        fn to_words(&self, w: &mut [u64]) {
            w[0] = self.0;
            w[1] = self.1.to_bits();
        }
        fn from_words(w: &[u64]) -> Result<Self> {
            Ok(Two(w[0], f64::from_bits(w[1])))
        }
    }

    #[test]
    fn layout_and_round_trip() {
        assert_eq!(Two::LEN, 24);
        let mut b = [0u8; 24];
        Two(3, -0.5).write_fixed(&mut b);
        assert_eq!(&b[..8], &[VERSION, 99, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&b[8..16], &3u64.to_le_bytes());
        assert_eq!(&b[16..], &(-0.5f64).to_bits().to_le_bytes());
        assert_eq!(Two::read_fixed(&b).unwrap(), Two(3, -0.5));
        assert_eq!(Two::initcond(), format!("\\x{:02x}63{}", VERSION, "00".repeat(22)));
    }

    #[test]
    fn foreign_bytes_are_corrupt() {
        let mut b = [0u8; 24];
        Two(1, 1.0).write_fixed(&mut b);
        assert_eq!(Two::read_fixed(&b[..16]).unwrap_err().kind, ErrorKind::Corrupt);
        let mut c = b;
        c[0] = VERSION + 1;
        assert_eq!(Two::read_fixed(&c).unwrap_err().kind, ErrorKind::Corrupt);
        let mut c = b;
        c[1] = 98;
        assert_eq!(Two::read_fixed(&c).unwrap_err().kind, ErrorKind::Corrupt);
    }
}
