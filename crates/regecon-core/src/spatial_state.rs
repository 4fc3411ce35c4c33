//! The state of every spatial aggregate (`morans_i`, `gearys_c`,
//! `getis_ord_g`, `bivariate_morans_i`): the (id, value) rows of a group,
//! their options, and its versioned byte format for parallel aggregation.

use crate::error::{Error, Result};

/// Aggregate state of the spatial statistics: the (id, value) rows of the
/// group and the call's options, which must be the same on every row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitValues {
    pub ids: Vec<i64>,
    pub values: Vec<f64>,
    /// A second value per row, for bivariate statistics (empty otherwise).
    pub values2: Vec<f64>,
    /// Options as first seen: the weights key, permutations, seed, style
    /// code (see [`crate::weights::Style`]).
    pub options: Option<Options>,
    /// Text ids: their dictionary, `ids` holding the codes (empty for bigint ids).
    pub labels: crate::labels::Labels,
}

/// The per-call options of a spatial aggregate, the same on every row of a group.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Options {
    /// Which weights the group is measured with: an opaque key the caller
    /// defines and resolves (the extension puts a relation's oid here). This
    /// crate only stores, compares and serialises it.
    pub key: u32,
    pub permutations: i64,
    pub seed: i64,
    pub style: u8,
}

impl UnitValues {
    /// Adds a row; the options must equal those of earlier rows.
    pub fn add(&mut self, id: i64, value: f64, options: Options) -> Result<()> {
        self.check(options)?;
        crate::error::finite_lazy(value, || format!("value of unit {id}"))?;
        if !self.values2.is_empty() && self.values2.len() != self.values.len() {
            return Err(Error::invalid("a group must not mix rows with one and with two values"));
        }
        // fallible growth: a huge group fails with 53200 instead of aborting
        crate::mem::push(&mut self.ids, id, "the units of the group")?;
        crate::mem::push(&mut self.values, value, "the values of the group")?;
        Ok(())
    }

    /// Adds a row keyed by a text id (see [`crate::labels`]); a text id seen
    /// before in the group is a 22023 error naming it.
    pub fn add_text(&mut self, id: &str, value: f64, options: Options) -> Result<()> {
        let code = self.text_code(id)?;
        self.add(code, value, options)
    }

    /// [`UnitValues::add2`] keyed by a text id.
    pub fn add2_text(&mut self, id: &str, x: f64, y: f64, options: Options) -> Result<()> {
        let code = self.text_code(id)?;
        self.add2(code, x, y, options)
    }

    fn text_code(&mut self, id: &str) -> Result<i64> {
        if !self.ids.is_empty() && self.labels.is_empty() {
            return Err(Error::invalid("a group must not mix bigint and text ids"));
        }
        match self.labels.code(id)? {
            (c, true) => Ok(c),
            (_, false) => Err(Error::invalid(format!(
                "unit id {} appears more than once in the group",
                crate::labels::quoted(id)
            ))),
        }
    }

    /// Adds a row with two values (bivariate statistics).
    pub fn add2(&mut self, id: i64, x: f64, y: f64, options: Options) -> Result<()> {
        crate::error::finite_lazy(y, || format!("y of unit {id}"))?;
        if self.values2.len() != self.values.len() {
            return Err(Error::invalid("a group must not mix rows with one and with two values"));
        }
        crate::mem::reserve(&mut self.values2, 1, "the values of the group")?;
        self.add(id, x, options)?;
        self.values2.push(y);
        Ok(())
    }

    fn check(&mut self, options: Options) -> Result<()> {
        match self.options {
            None => {
                self.options = Some(options);
                Ok(())
            }
            Some(o) if o == options => Ok(()),
            Some(_) => {
                Err(Error::invalid("weights, permutations, seed and style must be the same on every row of a group"))
            }
        }
    }

    pub fn merge(&mut self, other: &UnitValues) -> Result<()> {
        if let Some(o) = other.options {
            self.check(o)?;
        }
        let paired = |u: &UnitValues| u.values2.len() == u.values.len();
        let single = |u: &UnitValues| u.values2.is_empty();
        if !(self.ids.is_empty()
            || other.ids.is_empty()
            || (paired(self) && paired(other))
            || (single(self) && single(other)))
        {
            return Err(Error::invalid("a group must not mix rows with one and with two values"));
        }
        if !self.ids.is_empty() && !other.ids.is_empty() && self.labels.is_empty() != other.labels.is_empty() {
            return Err(Error::invalid("a group must not mix bigint and text ids"));
        }
        crate::mem::reserve(&mut self.ids, other.ids.len(), "the units of the group")?;
        crate::mem::reserve(&mut self.values, other.values.len(), "the values of the group")?;
        crate::mem::reserve(&mut self.values2, other.values2.len(), "the values of the group")?;
        if other.labels.is_empty() {
            self.ids.extend_from_slice(&other.ids);
        } else {
            // text ids: other's codes into this dictionary; a name both
            // states hold is a unit given twice
            let before = self.labels.len();
            let map = self.labels.merge(&other.labels)?;
            if self.labels.len() != before + other.labels.len() {
                let dup = (0..map.len()).find(|&c| map[c] < before as i64);
                let name = dup.and_then(|c| other.labels.name(c as i64)).map(crate::labels::quoted).unwrap_or_default();
                return Err(Error::invalid(format!("unit id {name} appears more than once in the group")));
            }
            for &c in &other.ids {
                self.ids.push(crate::labels::remap(&map, c)?);
            }
        }
        self.values.extend_from_slice(&other.values);
        self.values2.extend_from_slice(&other.values2);
        Ok(())
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let wire = UnitValuesOut {
            options: self.options,
            ids: crate::codec::I64s(&self.ids),
            values: crate::codec::F64s(&self.values),
            values2: crate::codec::F64s(&self.values2),
            labels: &self.labels,
        };
        let size = 64 + 8 * (self.ids.len() + self.values.len() + self.values2.len());
        crate::codec::encode_sized(crate::codec::tag::UNIT_VALUES, size, &wire)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let w: UnitValuesIn = crate::codec::decode(bytes, crate::codec::tag::UNIT_VALUES)?;
        let (ids, values, values2) = (w.ids, w.values, w.values2);
        if values.len() != ids.len() || !(values2.is_empty() || values2.len() == ids.len()) {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        let labels = crate::labels::Labels::from_texts(w.labels)?;
        if !labels.is_empty() && (labels.len() != ids.len() || ids.iter().any(|&c| labels.name(c).is_none())) {
            return Err(Error::corrupt("aggregate state has text ids that do not match its dictionary"));
        }
        Ok(UnitValues { ids, values, values2, options: w.options, labels })
    }
}

/// The byte form of a [`UnitValues`] ([`crate::codec`]).
#[derive(serde::Serialize)]
struct UnitValuesOut<'a> {
    options: Option<Options>,
    ids: crate::codec::I64s<'a>,
    values: crate::codec::F64s<'a>,
    values2: crate::codec::F64s<'a>,
    labels: &'a crate::labels::Labels,
}

#[derive(serde::Deserialize)]
struct UnitValuesIn {
    options: Option<Options>,
    #[serde(deserialize_with = "crate::codec::i64s")]
    ids: Vec<i64>,
    #[serde(deserialize_with = "crate::codec::f64s")]
    values: Vec<f64>,
    #[serde(deserialize_with = "crate::codec::f64s")]
    values2: Vec<f64>,
    #[serde(deserialize_with = "crate::codec::texts")]
    labels: Vec<crate::codec::Text>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_values_state() {
        let o = Options { key: 16384, permutations: 999, seed: -5, style: 1 };
        let mut a = UnitValues::default();
        a.add(1, 2.5, o).unwrap();
        let mut b = UnitValues::default();
        b.add(-7, 1.0, o).unwrap();
        a.merge(&UnitValues::from_bytes(&b.to_bytes()).unwrap()).unwrap();
        assert_eq!(a.ids, vec![1, -7]);
        assert_eq!(UnitValues::from_bytes(&a.to_bytes()).unwrap(), a);
        assert!(a.add(3, 1.0, Options { seed: 6, ..o }).unwrap_err().message.contains("same on every row"));
        assert!(a.add(3, f64::NAN, o).is_err());
        assert_eq!(UnitValues::from_bytes(&UnitValues::default().to_bytes()).unwrap(), UnitValues::default());
        let mut c = UnitValues::default();
        c.add2(4, 1.0, 2.0, o).unwrap();
        assert_eq!(UnitValues::from_bytes(&c.to_bytes()).unwrap().values2, vec![2.0]);
    }

    #[test]
    fn unit_values_with_text_ids() {
        let o = Options { key: 1, permutations: 0, seed: 0, style: 1 };
        let mut a = UnitValues::default();
        a.add_text("b", 1.0, o).unwrap();
        a.add_text("a", 2.0, o).unwrap();
        assert_eq!(a.ids, vec![0, 1]);
        // a repeated id names it; mixing key types is refused
        assert!(a.add_text("b", 3.0, o).unwrap_err().message.contains("'b' appears more than once"));
        let mut int = UnitValues::default();
        int.add(1, 1.0, o).unwrap();
        assert!(int.add_text("x", 1.0, o).unwrap_err().message.contains("mix bigint and text"));
        // merge: other's codes into this dictionary, through the byte format
        let mut a = UnitValues::default();
        a.add_text("b", 1.0, o).unwrap();
        let mut b = UnitValues::default();
        b.add_text("c", 2.0, o).unwrap();
        b.add_text("a", 3.0, o).unwrap();
        a.merge(&UnitValues::from_bytes(&b.to_bytes()).unwrap()).unwrap();
        assert_eq!(a.ids, vec![0, 1, 2]);
        assert_eq!((a.labels.name(1), a.labels.name(2)), (Some("c"), Some("a")));
        assert_eq!(UnitValues::from_bytes(&a.to_bytes()).unwrap(), a);
        // the same name in two partial states is one unit given twice
        let mut c = UnitValues::default();
        c.add_text("a", 4.0, o).unwrap();
        assert!(a.merge(&c).unwrap_err().message.contains("'a' appears more than once"));
        assert!(int.merge(&c).unwrap_err().message.contains("mix bigint and text"));
        // a dictionary that does not cover the ids is corrupt
        let mut bad = UnitValues::default();
        bad.add_text("x", 1.0, o).unwrap();
        bad.ids[0] = 5;
        assert_eq!(UnitValues::from_bytes(&bad.to_bytes()).unwrap_err().kind, crate::ErrorKind::Corrupt);
    }

    #[test]
    fn hostile_unit_values_bytes() {
        use crate::codec::{encode, tag};
        // options, then an id count with nothing (or too little) behind it
        for n in [u64::MAX, 1 << 61, 3] {
            let bytes = encode(tag::UNIT_VALUES, &(Some((1u32, 9i64, 0i64, 1u8)), n, 7u8));
            assert_eq!(UnitValues::from_bytes(&bytes).unwrap_err().kind, crate::ErrorKind::Corrupt, "{n}");
        }
        // an option that does not fit its type is corrupt, not truncated silently
        let empty: &[f64] = &[];
        let bytes = encode(tag::UNIT_VALUES, &(Some((u64::MAX, 9i64, 0i64, 1u8)), empty, empty, empty, empty));
        assert_eq!(UnitValues::from_bytes(&bytes).unwrap_err().kind, crate::ErrorKind::Corrupt);
        let bytes = encode(tag::UNIT_VALUES, &(Some((1u32, 9i64, 0i64, 300u16)), empty, empty, empty, empty));
        assert_eq!(UnitValues::from_bytes(&bytes).unwrap_err().kind, crate::ErrorKind::Corrupt);
        let bytes = encode(tag::UNIT_VALUES, &(Some((1u32, 9i64, 0i64, 1u8)), empty, empty, empty, empty));
        assert!(UnitValues::from_bytes(&bytes).is_ok());
        let o = Options { key: 1, permutations: 9, seed: 0, style: 1 };
        let mut a = UnitValues::default();
        a.add2(1, 1.0, 2.0, o).unwrap();
        let bytes = a.to_bytes();
        for cut in 0..bytes.len() {
            assert!(UnitValues::from_bytes(&bytes[..cut]).is_err(), "{cut}");
        }
        // one-value and two-value rows do not mix
        assert!(a.add(2, 1.0, o).is_ok());
        assert!(a.add(3, 1.0, o).is_err());
        let mut b = UnitValues::default();
        b.add(1, 1.0, o).unwrap();
        let mut c = UnitValues::default();
        c.add2(2, 1.0, 2.0, o).unwrap();
        assert!(b.merge(&c).is_err());
    }
}
