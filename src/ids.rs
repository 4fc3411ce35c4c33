//! Unit ids of either key type. Every function that takes ids takes bigint
//! or text ones (overloads); a weights relation's src and dst are integers
//! or text (`regclass::read_links`). Text ids are coded by a dictionary and
//! ranked in the byte order of their names (core `labels`), so a statistic
//! runs on integers either way; the two sides must have the same key type
//! (42804 otherwise).

use crate::errors::{raise, OrRaise};
use crate::regclass::{key_mismatch, Links};
use pgrx::prelude::*;
use regecon_core::labels::{quoted, remap, sorted_union, Labels};
use regecon_core::Error;
use std::rc::Rc;
use std::sync::Arc;

/// A unit id as an aggregate's transition function receives it.
#[derive(Clone, Copy)]
pub enum Id<'a> {
    Int(i64),
    Text(&'a str),
}

impl From<i64> for Id<'_> {
    fn from(v: i64) -> Self {
        Id::Int(v)
    }
}

impl<'a> From<&'a str> for Id<'a> {
    fn from(v: &'a str) -> Self {
        Id::Text(v)
    }
}

/// A `text[]` argument as a dictionary whose codes are the positions of the
/// elements (NULL element: 22004; a repeated id: 22023 naming it).
pub fn dense_text(arr: &Array<'_, &str>, func: &str, arg: &str) -> Labels {
    crate::pool::apply_limits();
    let mut l = Labels::default();
    for (i, x) in arr.iter().enumerate() {
        if i % crate::pool::ROWS_PER_CHECK == crate::pool::ROWS_PER_CHECK - 1 {
            check_for_interrupts!();
        }
        let Some(x) = x else {
            raise(func, Error::null_value(format!("{arg}[{}] is NULL; arrays must not contain NULLs", i + 1)))
        };
        if !l.code(x).or_raise(func).1 {
            raise(func, Error::invalid(format!("unit id {} appears more than once in {arg}", quoted(x))));
        }
    }
    l
}

/// The links of a weights relation matched to the data's key type: for
/// text ids, the data's codes and the relation's both turned into ranks of
/// one sorted dictionary (`names`).
pub struct Matched {
    /// Shared with the relation's [`Links`] for bigint ids (no copy).
    pub triples: Rc<Vec<(i64, i64, f64)>>,
    /// Text ids: the names, indexed by rank.
    pub names: Option<Vec<Arc<str>>>,
    /// Text ids: the rank of each code of the data's dictionary.
    pub data_map: Option<Vec<i64>>,
}

impl Matched {
    /// An id as a message shows it: the number, or the quoted name.
    pub fn show(&self, code: i64) -> String {
        match &self.names {
            None => code.to_string(),
            Some(n) => {
                usize::try_from(code).ok().and_then(|c| n.get(c)).map_or_else(|| code.to_string(), |s| quoted(s))
            }
        }
    }

    /// The rank of a data code (identity for bigint ids).
    pub fn data_id(&self, code: i64, func: &str) -> i64 {
        match &self.data_map {
            None => code,
            Some(m) => remap(m, code).or_raise(func),
        }
    }
}

/// Matches `links` to data keyed by `data` (`None`: bigint ids). A
/// relation keyed by the other type is the 42804 error of [`key_mismatch`].
pub fn match_links(func: &str, data: Option<&Labels>, links: &Links) -> Matched {
    match (data, &links.labels) {
        (None, None) => Matched { triples: links.triples.clone(), names: None, data_map: None },
        (Some(d), Some(l)) => {
            let (names, mut maps) = sorted_union(&[d, l]).or_raise(func);
            let mut triples =
                regecon_core::mem::to_vec(&links.triples, "the links of the weights relation").or_raise(func);
            for (i, t) in triples.iter_mut().enumerate() {
                if i % crate::pool::ROWS_PER_CHECK == crate::pool::ROWS_PER_CHECK - 1 {
                    check_for_interrupts!();
                }
                t.0 = remap(&maps[1], t.0).or_raise(func);
                t.1 = remap(&maps[1], t.1).or_raise(func);
            }
            let data_map = maps.swap_remove(0);
            Matched { triples: Rc::new(triples), names: Some(names), data_map: Some(data_map) }
        }
        (Some(_), None) => key_mismatch(func, &links.name, true),
        (None, Some(_)) => key_mismatch(func, &links.name, false),
    }
}

/// The ids of one call's arrays: bigint, or a text dictionary (codes are
/// the array positions).
pub enum ArrayIds {
    Int(Vec<i64>),
    Text(Labels),
}

impl ArrayIds {
    pub fn len(&self) -> usize {
        match self {
            ArrayIds::Int(v) => v.len(),
            ArrayIds::Text(l) => l.len(),
        }
    }

    pub fn labels(&self) -> Option<&Labels> {
        match self {
            ArrayIds::Int(_) => None,
            ArrayIds::Text(l) => Some(l),
        }
    }

    /// The integer id of element `i` for the numerics: the bigint, or the
    /// rank of the text in `m`.
    pub fn key(&self, i: usize, m: &Matched, func: &str) -> i64 {
        match self {
            ArrayIds::Int(v) => v[i],
            ArrayIds::Text(_) => m.data_id(i as i64, func),
        }
    }
}

/// The output id of a row: bigint or text, by the overload called.
pub trait OutId: Sized + 'static {
    fn from_key(key: i64, m: &Matched) -> Self;
}

impl OutId for i64 {
    fn from_key(key: i64, _: &Matched) -> i64 {
        key
    }
}

impl OutId for String {
    fn from_key(key: i64, m: &Matched) -> String {
        m.names
            .as_ref()
            .and_then(|n| usize::try_from(key).ok().and_then(|k| n.get(k)))
            .map(|s| s.to_string())
            .unwrap_or_default()
    }
}
