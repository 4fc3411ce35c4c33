//! The byte format of aggregate states, used by the serialize and deserialize
//! functions of parallel aggregates.
//!
//! Layout: one version byte, one tag byte naming the state type, then the
//! state's fields in postcard (serde; varint integers and lengths,
//! little-endian `f64`). Each state serialises a small wire struct (declared
//! next to its `to_bytes`); a state written by another version or for another
//! aggregate is refused with [`ErrorKind::Corrupt`](crate::ErrorKind) instead
//! of being misread. docs/dependencies.md ("State codec") has the
//! measurements behind postcard.
//!
//! Bytes from outside are never trusted ([`decode`]):
//! - truncated, corrupted or trailing bytes are a 22P03 error, never a panic;
//! - a length prefix is checked against the bytes it claims to be followed
//!   by (each element takes at least `MIN` bytes) before anything is
//!   allocated for it, and the allocation goes through [`crate::mem`]
//!   (checked against `regecon.max_memory`, fallible: 53200), for the
//!   vectors and the text of a state alike ([`f64s`], [`i64s`], [`Text`]).

use crate::error::{Error, Result};
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::Serialize;
use std::cell::RefCell;
use std::marker::PhantomData;

/// Bumped whenever any state layout changes (3: postcard payloads).
pub const VERSION: u8 = 3;

/// The state's bytes: version, tag, then `value` in postcard.
pub fn encode<T: Serialize + ?Sized>(tag: u8, value: &T) -> Vec<u8> {
    encode_sized(tag, 64, value)
}

/// [`encode`] into a buffer made with room for `capacity` bytes (an upper
/// bound of the state's size saves the copies of a growing buffer).
pub fn encode_sized<T: Serialize + ?Sized>(tag: u8, capacity: usize, value: &T) -> Vec<u8> {
    let mut buf = Vec::with_capacity(capacity.saturating_add(2));
    buf.push(VERSION);
    buf.push(tag);
    // postcard only fails for a sequence of unknown length or a full fixed
    // buffer; wire structs hold slices and the buffer grows
    postcard::serialize_with_flavor(value, Bytes(buf)).expect("a wire struct always serialises")
}

/// postcard's output into a `Vec<u8>` we made (with the header, and room):
/// whole slices copied at once (postcard's `to_extend` pushes byte by byte).
struct Bytes(Vec<u8>);

impl postcard::ser_flavors::Flavor for Bytes {
    type Output = Vec<u8>;
    #[inline]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }
    #[inline]
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }
    fn finalize(self) -> postcard::Result<Vec<u8>> {
        Ok(self.0)
    }
}

/// What a decode in progress on this thread knows: the length of its input
/// (the bound on every length prefix) and the error a checked allocation
/// raised (postcard keeps no message of a custom error).
struct Decoding {
    input: usize,
    error: Option<Error>,
}

thread_local! {
    static DECODING: RefCell<Option<Decoding>> = const { RefCell::new(None) };
}

/// Reads the state written by [`encode`] with the same tag; every byte must
/// be read.
pub fn decode<'de, T: Deserialize<'de>>(bytes: &'de [u8], tag: u8) -> Result<T> {
    let payload = match bytes {
        [VERSION, t, rest @ ..] if *t == tag => rest,
        [VERSION, t, ..] => return Err(Error::corrupt(format!("aggregate state has tag {t}, expected {tag}"))),
        [v, ..] => {
            return Err(Error::corrupt(format!(
                "aggregate state has format version {v}, this build reads version {VERSION}"
            )))
        }
        [] => return Err(Error::corrupt("aggregate state is empty")),
    };
    let outer = DECODING.with(|d| d.replace(Some(Decoding { input: payload.len(), error: None })));
    let result = postcard::take_from_bytes::<T>(payload);
    let raised = DECODING.with(|d| std::mem::replace(&mut *d.borrow_mut(), outer)).and_then(|d| d.error);
    match result {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err(Error::corrupt("aggregate state has trailing bytes")),
        Err(e) => Err(raised.unwrap_or_else(|| {
            use postcard::Error as P;
            Error::corrupt(match e {
                P::DeserializeUnexpectedEnd => "aggregate state is truncated".to_string(),
                P::DeserializeBadUtf8 => "aggregate state has invalid text".to_string(),
                other => format!("aggregate state is corrupt ({other})"),
            })
        })),
    }
}

/// A checked-allocation failure: kept for [`decode`] to return (with its
/// SQLSTATE), and passed to postcard as a custom error to stop it.
fn raise<E: de::Error>(e: Error) -> E {
    let msg = e.message.clone();
    DECODING.with(|d| {
        if let Some(d) = d.borrow_mut().as_mut() {
            d.error.get_or_insert(e);
        }
    });
    E::custom(msg)
}

/// The bytes of the input being decoded (`usize::MAX` outside [`decode`]).
fn input_len() -> usize {
    DECODING.with(|d| d.borrow().as_ref().map_or(usize::MAX, |d| d.input))
}

/// A vector whose length prefix is checked against the input (each element
/// takes at least `MIN` bytes of it) and whose buffer is allocated through
/// [`crate::mem`].
struct CheckedVec<T, const MIN: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const MIN: usize> Visitor<'de> for CheckedVec<T, MIN> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<T>, A::Error> {
        const WHAT: &str = "an aggregate state";
        // postcard gives no hint when the length exceeds the bytes left
        let n = seq.size_hint().ok_or_else(|| raise(truncated()))?;
        if n.checked_mul(MIN).is_none_or(|b| b > input_len()) {
            return Err(raise(truncated()));
        }
        let mut v = crate::mem::vec_with_capacity(n, WHAT).map_err(raise)?;
        while let Some(x) = seq.next_element()? {
            crate::mem::push(&mut v, x, WHAT).map_err(raise)?;
        }
        Ok(v)
    }
}

fn truncated() -> Error {
    Error::corrupt("aggregate state is truncated (a length exceeds the bytes left)")
}

/// The vectors of `f64` and `i64` of a state: one byte string each of
/// little-endian values (a length, then 8 bytes a value), copied at once
/// rather than element by element (postcard's varints take about 7 ns an id
/// to write; docs/dependencies.md).
macro_rules! le_vector {
    ($wrap:ident, $read:ident, $t:ty, $what:literal) => {
        /// A slice in a wire struct, written as one byte string of little-endian values.
        #[derive(Debug, Clone, Copy)]
        pub struct $wrap<'a>(pub &'a [$t]);

        impl Serialize for $wrap<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut bytes = Vec::with_capacity(8 * self.0.len());
                for x in self.0 {
                    bytes.extend_from_slice(&x.to_le_bytes());
                }
                s.serialize_bytes(&bytes)
            }
        }

        /// For `#[serde(deserialize_with)]`: the values the wrapper wrote,
        /// allocated through [`crate::mem`] (postcard checks that the bytes
        /// are there before it hands them over).
        pub fn $read<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<$t>, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = Vec<$t>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str(concat!("little-endian ", $what))
                }
                fn visit_bytes<E: de::Error>(self, b: &[u8]) -> std::result::Result<Vec<$t>, E> {
                    if b.len() % 8 != 0 {
                        let msg = concat!("aggregate state has a vector of ", $what, " cut short");
                        return Err(raise(Error::corrupt(msg)));
                    }
                    let mut v = crate::mem::vec_with_capacity(b.len() / 8, "an aggregate state").map_err(raise)?;
                    v.extend(b.chunks_exact(8).map(|c| <$t>::from_le_bytes(c.try_into().expect("8 bytes"))));
                    Ok(v)
                }
            }
            d.deserialize_bytes(V)
        }
    };
}

le_vector!(F64s, f64s, f64, "doubles");
le_vector!(I64s, i64s, i64, "ids");

/// `#[serde(deserialize_with = "codec::texts")]`: a checked `Vec<Text>`.
pub fn texts<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<Text>, D::Error> {
    d.deserialize_seq(CheckedVec::<Text, 1>(PhantomData))
}

/// A string read from a state, its buffer allocated through [`crate::mem`].
#[derive(Debug, Clone, PartialEq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Text, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Text, E> {
                let bytes = crate::mem::to_vec(s.as_bytes(), "an aggregate state").map_err(raise)?;
                // from a &str: valid UTF-8
                String::from_utf8(bytes)
                    .map(Text)
                    .map_err(|_| raise(Error::corrupt("aggregate state has invalid text")))
            }
        }
        d.deserialize_str(V)
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
    use serde::Deserialize;

    #[derive(Serialize)]
    struct Out<'a> {
        n: u64,
        x: f64,
        xs: F64s<'a>,
        ids: I64s<'a>,
        names: &'a [&'a str],
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct In {
        n: u64,
        x: f64,
        #[serde(deserialize_with = "f64s")]
        xs: Vec<f64>,
        #[serde(deserialize_with = "i64s")]
        ids: Vec<i64>,
        #[serde(deserialize_with = "texts")]
        names: Vec<Text>,
    }

    fn sample() -> Vec<u8> {
        encode(
            tag::HHI,
            &Out { n: 7, x: -0.5, xs: F64s(&[1.0, 2.5]), ids: I64s(&[-3, 1 << 40]), names: &["a", "山东"] },
        )
    }

    #[test]
    fn round_trip_and_refusals() {
        let bytes = sample();
        let v: In = decode(&bytes, tag::HHI).unwrap();
        assert_eq!(
            v,
            In {
                n: 7,
                x: -0.5,
                xs: vec![1.0, 2.5],
                ids: vec![-3, 1 << 40],
                names: vec![Text("a".into()), Text("山东".into())]
            }
        );
        let kind = |r: Result<In>| r.unwrap_err().kind;
        assert_eq!(kind(decode(&bytes, tag::PAIRS)), ErrorKind::Corrupt);
        assert_eq!(kind(decode(&[9, 1], tag::HHI)), ErrorKind::Corrupt);
        assert_eq!(kind(decode(&[], tag::HHI)), ErrorKind::Corrupt);
        // every truncation, and trailing bytes
        for cut in 0..bytes.len() {
            assert_eq!(kind(decode(&bytes[..cut], tag::HHI)), ErrorKind::Corrupt, "{cut}");
        }
        let mut long = bytes.clone();
        long.push(0);
        assert!(decode::<In>(&long, tag::HHI).unwrap_err().message.contains("trailing"));
        // every single-byte corruption: an error or a value, never a panic
        for i in 2..bytes.len() {
            for b in [0u8, 1, 0x7F, 0x80, 0xFF] {
                let mut c = bytes.clone();
                c[i] = b;
                let _ = decode::<In>(&c, tag::HHI);
            }
        }
    }

    #[test]
    fn a_length_prefix_past_the_bytes_is_refused_before_allocating() {
        // n, x, then a length of u64::MAX / 2^61 / 24 for xs with nothing behind it
        for len in [u64::MAX, 1 << 61, 24] {
            let bytes = encode(tag::HHI, &(7u64, 0.5f64, len));
            let e = decode::<In>(&bytes, tag::HHI).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Corrupt, "{len}");
            assert!(e.message.contains("truncated"), "{}", e.message);
        }
        // doubles cut short
        let bytes = encode(tag::HHI, &(7u64, 0.5f64, 3u8, [1u8, 2, 3]));
        assert!(decode::<In>(&bytes, tag::HHI).unwrap_err().message.contains("cut short"));
        // ids: a count past the bytes
        let bytes = encode(tag::HHI, &(7u64, 0.5f64, 0u8, u64::MAX));
        assert!(decode::<In>(&bytes, tag::HHI).unwrap_err().message.contains("truncated"));
        // a string whose length is u64::MAX
        let bytes = encode(tag::HHI, &(7u64, 0.5f64, 0u8, 0u8, 1u8, u64::MAX));
        assert_eq!(decode::<In>(&bytes, tag::HHI).unwrap_err().kind, ErrorKind::Corrupt);
        // outside decode nothing bounds a length: the visitor still allocates through mem
        assert_eq!(input_len(), usize::MAX);
    }

    #[test]
    fn a_refused_allocation_keeps_its_sqlstate() {
        // what mem returns over regecon.max_memory (53200) reaches the caller as
        // such, not as a corrupt state (the limit itself is process-wide, so
        // a stand-in raises it here)
        struct Big;
        impl<'de> Deserialize<'de> for Big {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Big, D::Error> {
                u64::deserialize(d)?;
                Err(raise(Error::out_of_memory("an aggregate state: over regecon.max_memory")))
            }
        }
        let e = decode::<(u8, Big)>(&encode(tag::HHI, &(1u8, 2u64)), tag::HHI).err().unwrap();
        assert_eq!(e.kind, ErrorKind::OutOfMemory);
        assert!(e.message.contains("max_memory"));
        // and the next decode on this thread starts clean
        assert_eq!(decode::<(u8, u64)>(&encode(tag::HHI, &(1u8, 2u64)), tag::HHI).unwrap(), (1, 2));
    }
}
