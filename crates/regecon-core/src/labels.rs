//! Text unit ids.
//!
//! The numerics key units by `i64`. A text id (a province name, a FIPS code
//! kept as text, an INEGI code with its leading zero) is given an integer
//! *code* by a [`Labels`] dictionary as rows arrive (codes in order of first
//! appearance, so a state is cheap to grow and to merge). Before computing,
//! [`sorted_union`] turns the codes of every source (the data, the weights
//! relation) into *ranks*: positions in the byte order of the names. The
//! statistics then run on ranks exactly as on bigint ids, so
//!
//! - a result depends only on the set of (id, value) rows, never on their
//!   order, the plan or the node that merged the states;
//! - text ids that sort (by bytes) as a set of bigint ids sort give
//!   bit-identical results to those bigint ids, seeded permutations included
//!   (zero-padded codes such as '01', '02', ..., '32' do).
//!
//! Byte order, not the database's collation: the same data gives the same
//! seeded result on every server, whatever its locale.

use crate::codec::Text;
use crate::error::{Error, Result};
use crate::mem;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A dictionary of text ids: code (0, 1, ... in order of first appearance)
/// to name and back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    names: Vec<Arc<str>>,
    index: HashMap<Arc<str>, i64>,
}

/// Bytes a name costs in a [`Labels`] besides its text: the two `Arc`
/// pointers, the reference counts and a hash-map bucket (with its load factor).
const PER_NAME: usize = 96;

impl Labels {
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The name of `code` (`None` for a code this dictionary never gave).
    pub fn name(&self, code: i64) -> Option<&str> {
        usize::try_from(code).ok().and_then(|c| self.names.get(c)).map(|s| &**s)
    }

    /// The code of `name` and whether it is new, adding it if it is. Growth is
    /// checked against the memory limit ([`mem`]): a huge number of distinct
    /// ids is a 53200 error, never an abort.
    pub fn code(&mut self, name: &str) -> Result<(i64, bool)> {
        if let Some(&c) = self.index.get(name) {
            return Ok((c, false));
        }
        const WHAT: &str = "the text unit ids";
        mem::check(name.len().saturating_add(PER_NAME), WHAT)?;
        mem::reserve(&mut self.names, 1, WHAT)?;
        self.index
            .try_reserve(1)
            .map_err(|_| Error::out_of_memory(format!("{WHAT}: the system refused room for another id")))?;
        let c = self.names.len() as i64;
        let a: Arc<str> = Arc::from(name);
        self.names.push(a.clone());
        self.index.insert(a, c);
        Ok((c, true))
    }

    /// Adds the names of `other`; returns, for each code of `other`, the code
    /// the same name has here.
    pub fn merge(&mut self, other: &Labels) -> Result<Vec<i64>> {
        let mut map = mem::vec_with_capacity(other.len(), "the text unit ids")?;
        for n in &other.names {
            map.push(self.code(n)?.0);
        }
        Ok(map)
    }

    /// The dictionary of the names read from a state ([`crate::codec::texts`]);
    /// a repeated name is a corrupt state.
    pub fn from_texts(names: Vec<Text>) -> Result<Labels> {
        let mut l = Labels::default();
        for Text(s) in names {
            if !l.code(&s)?.1 {
                return Err(Error::corrupt("aggregate state lists a text id twice"));
            }
        }
        Ok(l)
    }
}

/// In a state: the names in code order.
impl Serialize for Labels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.names.iter().map(|n| &**n))
    }
}

/// What [`sorted_union`] returns: the sorted names, and each dictionary's
/// codes as ranks in them.
pub type Union = (Vec<Arc<str>>, Vec<Vec<i64>>);

/// The names of several dictionaries sorted by bytes and deduplicated, and,
/// for each dictionary, the rank (position in that sorted list) of each of
/// its codes.
pub fn sorted_union(sets: &[&Labels]) -> Result<Union> {
    const WHAT: &str = "the text unit ids";
    let total = sets.iter().map(|s| s.len()).fold(0usize, usize::saturating_add);
    let mut names: Vec<Arc<str>> = mem::vec_with_capacity(total, WHAT)?;
    for s in sets {
        names.extend(s.names.iter().cloned());
    }
    names.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    names.dedup();
    let mut rank: HashMap<&str, i64> = HashMap::new();
    mem::check(names.len().saturating_mul(PER_NAME), WHAT)?;
    rank.try_reserve(names.len())
        .map_err(|_| Error::out_of_memory(format!("{WHAT}: the system refused room for {} ids", names.len())))?;
    for (r, n) in names.iter().enumerate() {
        rank.insert(n, r as i64);
    }
    let mut maps = Vec::with_capacity(sets.len());
    for s in sets {
        let mut m = mem::vec_with_capacity(s.len(), WHAT)?;
        m.extend(s.names.iter().map(|n| rank[&**n]));
        maps.push(m);
    }
    drop(rank);
    Ok((names, maps))
}

/// `code` through `map` (a code outside it is a corrupt state).
pub fn remap(map: &[i64], code: i64) -> Result<i64> {
    usize::try_from(code)
        .ok()
        .and_then(|c| map.get(c).copied())
        .ok_or_else(|| Error::corrupt(format!("text id code {code} is not in the dictionary")))
}

/// A text id quoted for a message: 'Aguascalientes' (quotes doubled, as in SQL).
pub fn quoted(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tag;

    #[test]
    fn codes_in_order_of_first_appearance() {
        let mut l = Labels::default();
        assert_eq!(l.code("b").unwrap(), (0, true));
        assert_eq!(l.code("a").unwrap(), (1, true));
        assert_eq!(l.code("b").unwrap(), (0, false));
        assert_eq!(l.name(1), Some("a"));
        assert_eq!(l.name(2), None);
        assert_eq!(l.name(-1), None);
        assert_eq!(l.len(), 2);
    }

    #[test]
    fn merge_maps_codes() {
        let mut a = Labels::default();
        a.code("x").unwrap();
        a.code("y").unwrap();
        let mut b = Labels::default();
        b.code("z").unwrap();
        b.code("x").unwrap();
        assert_eq!(a.merge(&b).unwrap(), vec![2, 0]);
        assert_eq!(a.name(2), Some("z"));
    }

    #[test]
    fn sorted_union_ranks_by_bytes() {
        let mut a = Labels::default();
        for s in ["10", "9", "Zacatecas", "aguascalientes"] {
            a.code(s).unwrap();
        }
        let mut b = Labels::default();
        for s in ["9", "Ñuble", "1"] {
            b.code(s).unwrap();
        }
        let (names, maps) = sorted_union(&[&a, &b]).unwrap();
        let names: Vec<&str> = names.iter().map(|s| &**s).collect();
        // bytes: digits < upper case < lower case < multi-byte UTF-8
        assert_eq!(names, vec!["1", "10", "9", "Zacatecas", "aguascalientes", "Ñuble"]);
        assert_eq!(maps[0], vec![1, 2, 3, 4]);
        assert_eq!(maps[1], vec![2, 5, 0]);
        assert_eq!(remap(&maps[1], 1).unwrap(), 5);
        assert!(remap(&maps[1], 3).is_err());
        assert!(remap(&maps[1], -1).is_err());
    }

    #[test]
    fn round_trip_and_refuses_repeats() {
        #[derive(serde::Deserialize)]
        struct In {
            #[serde(deserialize_with = "crate::codec::texts")]
            names: Vec<Text>,
        }
        let mut a = Labels::default();
        for s in ["", "a b", "O'Higgins", "山东"] {
            a.code(s).unwrap();
        }
        let bytes = crate::codec::encode(tag::UNIT_VALUES, &a);
        let In { names } = crate::codec::decode(&bytes, tag::UNIT_VALUES).unwrap();
        assert_eq!(Labels::from_texts(names).unwrap(), a);
        let bytes = crate::codec::encode(tag::UNIT_VALUES, &["a", "a"][..]);
        let In { names } = crate::codec::decode(&bytes, tag::UNIT_VALUES).unwrap();
        assert_eq!(Labels::from_texts(names).unwrap_err().kind, crate::ErrorKind::Corrupt);
    }

    #[test]
    fn quoting() {
        assert_eq!(quoted("O'Higgins"), "'O''Higgins'");
    }
}
