//! The inputs of a Tobit regression: which model, the censoring bounds and
//! term names ([`Spec`]), how a row is censored, and the rows themselves
//! ([`Rows`], the aggregate state of `panel_tobit`, with its byte format).

use super::{hermite, random};
use crate::codec::{decode, tag, F64s, I64s, Text};
use crate::error::{Error, Result};

/// Censoring of one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Censoring {
    Left,
    Uncensored,
    Right,
}

/// Relative tolerance of the bounds: y within `BOUND_TOLERANCE * max(1, |bound|)`
/// of a bound is censored there, so that rounding in a computed outcome (a
/// coupling degree of 0.9999999999999998 for 1) does not make a censored row
/// uncensored.
pub const BOUND_TOLERANCE: f64 = 1e-12;

/// Classifies y against the bounds: at or below `lower` is left-censored, at
/// or above `upper` right-censored (within [`BOUND_TOLERANCE`]).
pub fn censoring(y: f64, lower: Option<f64>, upper: Option<f64>) -> Censoring {
    if lower.is_some_and(|l| y <= l + BOUND_TOLERANCE * l.abs().max(1.0)) {
        Censoring::Left
    } else if upper.is_some_and(|u| y >= u - BOUND_TOLERANCE * u.abs().max(1.0)) {
        Censoring::Right
    } else {
        Censoring::Uncensored
    }
}
/// Which Tobit to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Pooled,
    RandomEffects,
    FixedEffects,
}

impl Model {
    pub fn parse(s: &str) -> Result<Model> {
        match s.to_ascii_lowercase().as_str() {
            "pooled" => Ok(Model::Pooled),
            "re" | "random" | "random_effects" => Ok(Model::RandomEffects),
            "fe" | "fixed" | "fixed_effects" => Ok(Model::FixedEffects),
            other => Err(Error::invalid(format!("model must be 'pooled', 're' or 'fe', got '{other}'"))),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Model::Pooled => "pooled",
            Model::RandomEffects => "re",
            Model::FixedEffects => "fe",
        }
    }
    fn code(self) -> u64 {
        match self {
            Model::Pooled => 0,
            Model::RandomEffects => 1,
            Model::FixedEffects => 2,
        }
    }
    fn from_code(c: u64) -> Result<Model> {
        match c {
            0 => Ok(Model::Pooled),
            1 => Ok(Model::RandomEffects),
            2 => Ok(Model::FixedEffects),
            _ => Err(Error::corrupt(format!("unknown Tobit model code {c}"))),
        }
    }
}

/// The options of one regression, the same on every row of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub model: Model,
    pub names: Vec<String>,
    /// The Gauss-Hermite rule of a random-effects fit when the call names
    /// it; `None`: the caller's default (the SQL layer's setting).
    pub quadrature: Option<random::Quadrature>,
    /// The number of Gauss-Hermite points when the call names it (1 to
    /// [`hermite::MAX_POINTS`]); `None`: the caller's default.
    pub points: Option<usize>,
}

/// The name of the intercept, reserved: no regressor may be called so.
pub const INTERCEPT: &str = "_cons";

/// Checks term names: none empty, none `_cons` (the intercept's name), no
/// two equal. `what` names the argument in the message ("names", "fit terms").
pub fn check_names(names: &[String], what: &str) -> Result<()> {
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for (j, n) in names.iter().enumerate() {
        if n.is_empty() {
            return Err(Error::invalid(format!("{what}[{}] is empty: every term needs a name", j + 1)));
        }
        if n == INTERCEPT {
            return Err(Error::invalid(format!(
                "{what}[{}] is \"{INTERCEPT}\", the reserved name of the intercept",
                j + 1
            )));
        }
        if !seen.insert(n.as_str()) {
            return Err(Error::invalid(format!("{what} has the name \"{n}\" twice: term names must be unique")));
        }
    }
    Ok(())
}

impl Spec {
    /// Checks the options: the names (see [`check_names`]) and the bounds
    /// (finite, lower below upper).
    pub fn validate(&self) -> Result<()> {
        check_names(&self.names, "names")?;
        if let Some(l) = self.lower {
            crate::error::finite(l, "lower")?;
        }
        if let Some(u) = self.upper {
            crate::error::finite(u, "upper")?;
        }
        if let (Some(l), Some(u)) = (self.lower, self.upper) {
            if !(l < u) {
                return Err(Error::invalid(format!("lower ({l}) must be below upper ({u})")));
            }
        }
        if let Some(p) = self.points {
            if !(1..=hermite::MAX_POINTS).contains(&p) {
                return Err(Error::invalid(format!(
                    "quadrature_points must be between 1 and {}, got {p}",
                    hermite::MAX_POINTS
                )));
            }
        }
        Ok(())
    }
}

/// Aggregate state: the rows of one regression.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub y: Vec<f64>,
    pub x: Vec<f64>,
    pub unit: Vec<i64>,
    pub spec: Option<Spec>,
    /// For the SQL layer: the bytes of the `names` argument the spec was
    /// built from, so later rows compare bytes instead of rebuilding names.
    /// Not serialized.
    pub names_key: Vec<u8>,
    /// Text unit ids: their dictionary, `unit` holding the codes (empty for
    /// bigint units). See [`crate::labels`].
    pub labels: crate::labels::Labels,
}

/// The canonical order of a state's rows: the units to order by and the row
/// indices in order (`None`: already in order). See [`Rows::canonical_order`].
pub type CanonicalOrder<'a> = (std::borrow::Cow<'a, [i64]>, Option<Vec<usize>>);

/// A float's bits as an unsigned integer ordered as `f64::total_cmp`.
fn total_order_bits(v: f64) -> u64 {
    let b = v.to_bits() as i64;
    (b ^ (((b >> 63) as u64) >> 1) as i64) as u64 ^ (1 << 63)
}

impl Rows {
    pub fn k(&self) -> usize {
        self.spec.as_ref().map_or(0, |s| s.names.len())
    }

    /// Adds a row; `spec.names` fixes k, and every row must agree with it.
    pub fn add(&mut self, y: f64, x: &[f64], unit: i64, spec: &Spec) -> Result<()> {
        self.set_spec(spec, x.len())?;
        self.push(y, x, unit)
    }

    /// [`Rows::add`] with a text unit id.
    pub fn add_text(&mut self, y: f64, x: &[f64], unit: &str, spec: &Spec) -> Result<()> {
        self.set_spec(spec, x.len())?;
        self.push_text(y, x, unit)
    }

    /// Sets the options from the first row, or checks that a row's equal them.
    fn set_spec(&mut self, spec: &Spec, k: usize) -> Result<()> {
        match &self.spec {
            None => {
                spec.validate()?;
                self.spec = Some(spec.clone())
            }
            Some(s) if s == spec || s.names.len() != k => {} // push names the length mismatch
            Some(_) => {
                return Err(Error::invalid(
                    "lower, upper, model, names and the quadrature must be the same on every row of a group",
                ))
            }
        }
        Ok(())
    }

    /// [`Rows::push`] with a text unit id (see [`crate::labels`]).
    pub fn push_text(&mut self, y: f64, x: &[f64], unit: &str) -> Result<()> {
        if !self.unit.is_empty() && self.labels.is_empty() {
            return Err(Error::invalid("a group must not mix bigint and text unit ids"));
        }
        let code = self.labels.code(unit)?.0;
        self.push(y, x, code)
    }

    /// Adds a row to a state whose spec is set, with the same options (the
    /// caller checked them): only the length and finiteness are checked.
    /// (Messages are formatted only on failure: this runs once per row.)
    pub fn push(&mut self, y: f64, x: &[f64], unit: i64) -> Result<()> {
        let Some(spec) = &self.spec else { return Err(Error::invalid("no options for this row")) };
        let row = self.y.len() + 1;
        if x.len() != spec.names.len() {
            return Err(Error::invalid(format!(
                "x has {} regressors in row {row} but {} in the first row",
                x.len(),
                spec.names.len()
            )));
        }
        crate::error::finite_lazy(y, || format!("y of row {row}"))?;
        if let Some(j) = x.iter().position(|v| !v.is_finite()) {
            crate::error::finite(x[j], &format!("x[{}] ({}) of row {row}", j + 1, spec.names[j]))?;
        }
        // fallible growth: a huge group fails with 53200 instead of aborting
        crate::mem::reserve(&mut self.x, x.len(), "the regressors of panel_tobit")?;
        crate::mem::push(&mut self.y, y, "the outcomes of panel_tobit")?;
        crate::mem::push(&mut self.unit, unit, "the units of panel_tobit")?;
        self.x.extend_from_slice(x);
        Ok(())
    }

    /// The rows in canonical order: by unit, then y, then x (total order on
    /// the bits), so that a fit depends only on the set of rows, not on
    /// their order, the plan (parallel, hashed or sorted aggregation) or the
    /// node that combined partial states: the likelihood sums run over the
    /// rows in this order. Rows already in order are copied without sorting.
    /// ([`super::fit_canonical`] reads rows in this order without copying them.)
    pub fn canonical(&self) -> Result<Rows> {
        let n = self.y.len();
        let k = self.k();
        let (unit, order) = self.canonical_order()?;
        let mut out = Rows { spec: self.spec.clone(), names_key: Vec::new(), ..Rows::default() };
        let Some(order) = order else {
            out.y = crate::mem::to_vec(&self.y, "the outcomes of panel_tobit")?;
            out.x = crate::mem::to_vec(&self.x, "the regressors of panel_tobit")?;
            out.unit = crate::mem::to_vec(&unit, "the units of panel_tobit")?;
            return Ok(out);
        };
        out.y = crate::mem::vec_with_capacity(n, "the outcomes of panel_tobit")?;
        out.unit = crate::mem::vec_with_capacity(n, "the units of panel_tobit")?;
        out.x = crate::mem::vec_with_capacity(n * k, "the regressors of panel_tobit")?;
        for i in order {
            out.y.push(self.y[i]);
            out.unit.push(unit[i]);
            out.x.extend_from_slice(&self.x[i * k..(i + 1) * k]);
        }
        Ok(out)
    }

    /// The canonical order of the rows (see [`Rows::canonical`]) without
    /// copying them: the units to order by (text units as the ranks of their
    /// names, so the order and the fit are those of the names, not of first
    /// appearance) and the row indices in order, `None` when the rows
    /// already are in order.
    pub fn canonical_order(&self) -> Result<CanonicalOrder<'_>> {
        let n = self.y.len();
        self.check_lengths()?;
        let unit: std::borrow::Cow<'_, [i64]> = if self.labels.is_empty() {
            std::borrow::Cow::Borrowed(&self.unit)
        } else {
            let (_, maps) = crate::labels::sorted_union(&[&self.labels])?;
            let mut r = crate::mem::vec_with_capacity(n, "the units of panel_tobit")?;
            for &c in &self.unit {
                r.push(crate::labels::remap(&maps[0], c)?);
            }
            std::borrow::Cow::Owned(r)
        };
        let key = |i: usize, j: usize| self.row_order(&unit, i, j);
        if (1..n).all(|i| key(i - 1, i).is_le()) {
            return Ok((unit, None));
        }
        // sort keys of plain integers (y by its total-order bits), x compared
        // only on ties: about 0.1 s for 10^6 rows
        let mut keys: Vec<(i64, u64, usize)> = crate::mem::vec_with_capacity(n, "the row order of panel_tobit")?;
        keys.extend((0..n).map(|i| (unit[i], total_order_bits(self.y[i]), i)));
        keys.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| key(a.2, b.2)));
        let mut order = crate::mem::vec_with_capacity(n, "the row order of panel_tobit")?;
        order.extend(keys.into_iter().map(|t| t.2));
        Ok((unit, Some(order)))
    }

    /// The vectors have the lengths the spec says.
    fn check_lengths(&self) -> Result<()> {
        let n = self.y.len();
        if self.unit.len() != n || self.x.len() != n.saturating_mul(self.k()) {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        Ok(())
    }

    /// The canonical order of rows i and j, `unit` holding their units:
    /// by unit, then y, then x (total order on the bits).
    fn row_order(&self, unit: &[i64], i: usize, j: usize) -> std::cmp::Ordering {
        let k = self.k();
        unit[i].cmp(&unit[j]).then(self.y[i].total_cmp(&self.y[j])).then_with(|| {
            let (a, b) = (&self.x[i * k..(i + 1) * k], &self.x[j * k..(j + 1) * k]);
            a.iter().zip(b).map(|(u, v)| u.total_cmp(v)).find(|o| o.is_ne()).unwrap_or(std::cmp::Ordering::Equal)
        })
    }

    pub fn merge(&mut self, other: &Rows) -> Result<()> {
        if let Some(s) = &other.spec {
            match &self.spec {
                None => {
                    s.validate()?;
                    self.spec = Some(s.clone())
                }
                Some(t) if t == s => {}
                Some(_) => {
                    return Err(Error::invalid(
                        "lower, upper, model, names and the quadrature must be the same on every row of a group",
                    ))
                }
            }
        }
        if other.y.len() != other.unit.len() || other.x.len() != other.y.len() * self.k() {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        crate::mem::reserve(&mut self.y, other.y.len(), "the outcomes of panel_tobit")?;
        crate::mem::reserve(&mut self.x, other.x.len(), "the regressors of panel_tobit")?;
        crate::mem::reserve(&mut self.unit, other.unit.len(), "the units of panel_tobit")?;
        if !self.unit.is_empty() && !other.unit.is_empty() && self.labels.is_empty() != other.labels.is_empty() {
            return Err(Error::invalid("a group must not mix bigint and text unit ids"));
        }
        if other.labels.is_empty() {
            self.unit.extend_from_slice(&other.unit);
        } else {
            let map = self.labels.merge(&other.labels)?;
            for &c in &other.unit {
                self.unit.push(crate::labels::remap(&map, c)?);
            }
        }
        self.y.extend_from_slice(&other.y);
        self.x.extend_from_slice(&other.x);
        Ok(())
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let spec = self.spec.as_ref().map(|s| SpecOut {
            model: s.model.code(),
            lower: s.lower,
            upper: s.upper,
            names: &s.names,
            quadrature: s.quadrature.map(quadrature_code),
            points: s.points.map(|p| p as u64),
        });
        // 8 bytes a value; names and labels are extra
        let size = 64 + 8 * (self.y.len() + self.x.len() + self.unit.len());
        let wire = RowsOut { spec, y: F64s(&self.y), x: F64s(&self.x), unit: I64s(&self.unit), labels: &self.labels };
        crate::codec::encode_sized(tag::TOBIT_ROWS, size, &wire)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Rows> {
        let w: RowsIn = decode(bytes, tag::TOBIT_ROWS)?;
        let spec = match w.spec {
            None => None,
            Some(s) => {
                let model = Model::from_code(s.model)?;
                let names = s.names.into_iter().map(|Text(n)| n).collect();
                let quadrature = match s.quadrature {
                    None => None,
                    Some(1) => Some(random::Quadrature::Plain),
                    Some(2) => Some(random::Quadrature::Adaptive),
                    Some(c) => {
                        return Err(Error::corrupt(format!("aggregate state has an unknown quadrature code {c}")))
                    }
                };
                let points = match s.points {
                    None => None,
                    Some(p) => {
                        Some(usize::try_from(p).map_err(|_| Error::corrupt("aggregate state has too many points"))?)
                    }
                };
                let spec = Spec { lower: s.lower, upper: s.upper, model, names, quadrature, points };
                spec.validate()
                    .map_err(|e| Error::corrupt(format!("aggregate state has invalid options: {}", e.message)))?;
                Some(spec)
            }
        };
        let (y, x, unit) = (w.y, w.x, w.unit);
        let n = unit.len();
        let k = spec.as_ref().map_or(0, |s| s.names.len());
        if n != y.len() || Some(x.len()) != n.checked_mul(k) || (spec.is_none() && n > 0) {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        let labels = crate::labels::Labels::from_texts(w.labels)?;
        if !labels.is_empty() && unit.iter().any(|&c| labels.name(c).is_none()) {
            return Err(Error::corrupt("aggregate state has text unit ids that do not match its dictionary"));
        }
        Ok(Rows { y, x, unit, spec, names_key: Vec::new(), labels })
    }
}

/// The byte code of a quadrature rule in a state (1 plain, 2 adaptive).
fn quadrature_code(q: random::Quadrature) -> u8 {
    match q {
        random::Quadrature::Plain => 1,
        random::Quadrature::Adaptive => 2,
    }
}

/// The byte form of a [`Rows`] ([`crate::codec`]).
#[derive(serde::Serialize)]
struct RowsOut<'a> {
    spec: Option<SpecOut<'a>>,
    y: F64s<'a>,
    x: F64s<'a>,
    unit: I64s<'a>,
    labels: &'a crate::labels::Labels,
}

#[derive(serde::Serialize)]
struct SpecOut<'a> {
    model: u64,
    lower: Option<f64>,
    upper: Option<f64>,
    names: &'a [String],
    quadrature: Option<u8>,
    points: Option<u64>,
}

#[derive(serde::Deserialize)]
struct RowsIn {
    spec: Option<SpecIn>,
    #[serde(deserialize_with = "crate::codec::f64s")]
    y: Vec<f64>,
    #[serde(deserialize_with = "crate::codec::f64s")]
    x: Vec<f64>,
    #[serde(deserialize_with = "crate::codec::i64s")]
    unit: Vec<i64>,
    #[serde(deserialize_with = "crate::codec::texts")]
    labels: Vec<Text>,
}

#[derive(serde::Deserialize)]
struct SpecIn {
    model: u64,
    lower: Option<f64>,
    upper: Option<f64>,
    #[serde(deserialize_with = "crate::codec::texts")]
    names: Vec<Text>,
    quadrature: Option<u8>,
    points: Option<u64>,
}

/// Checks censoring bounds given with a fit: finite, and lower below upper
/// when both are set (22023).
pub fn validate_bounds(lower: Option<f64>, upper: Option<f64>) -> Result<()> {
    Spec { lower, upper, model: Model::Pooled, names: Vec::new(), quadrature: None, points: None }.validate()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_order_bits_order_as_total_cmp() {
        let v = [
            f64::NEG_INFINITY,
            -1e308,
            -2.5,
            -1e-310,
            -0.0,
            0.0,
            1e-310,
            2.5,
            1e308,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in v {
            for b in v {
                assert_eq!(a.total_cmp(&b), total_order_bits(a).cmp(&total_order_bits(b)), "{a} {b}");
            }
        }
    }

    #[test]
    fn rows_round_trip() {
        let spec = Spec {
            lower: Some(0.0),
            upper: None,
            model: Model::Pooled,
            names: vec!["a".into(), "b".into()],
            quadrature: None,
            points: None,
        };
        let mut r = Rows::default();
        r.add(1.0, &[2.0, 3.0], 7, &spec).unwrap();
        r.add(0.0, &[1.0, -3.0], 8, &spec).unwrap();
        assert_eq!(Rows::from_bytes(&r.to_bytes()).unwrap(), r);
        assert_eq!(Rows::from_bytes(&Rows::default().to_bytes()).unwrap(), Rows::default());
        assert!(r.add(1.0, &[1.0], 9, &spec).unwrap_err().message.contains("row 3"));
        let other = Spec { model: Model::RandomEffects, ..spec.clone() };
        assert!(r.add(1.0, &[1.0, 2.0], 9, &other).is_err());
        assert!(r.add(f64::NAN, &[1.0, 2.0], 9, &spec).is_err());
        assert_eq!(Model::parse("RE").unwrap(), Model::RandomEffects);
        // computed bounds: a few ulps off still count as censored, 1e-9 does not
        assert_eq!(censoring(0.9999999999999998, Some(0.0), Some(1.0)), Censoring::Right);
        assert_eq!(censoring(1e-15, Some(0.0), Some(1.0)), Censoring::Left);
        assert_eq!(censoring(1.0 - 1e-9, Some(0.0), Some(1.0)), Censoring::Uncensored);
        assert_eq!(censoring(-5.0, None, Some(1.0)), Censoring::Uncensored);
        assert!(Model::parse("probit").is_err());
    }

    #[test]
    fn term_names_are_checked() {
        let spec = |names: &[&str]| Spec {
            lower: Some(0.0),
            upper: None,
            model: Model::Pooled,
            names: names.iter().map(|s| s.to_string()).collect(),
            quadrature: None,
            points: None,
        };
        let e = Rows::default().add(1.0, &[1.0, 2.0], 1, &spec(&["_cons", "b"])).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::InvalidParameter);
        assert!(e.message.contains("_cons") && e.message.contains("names[1]"), "{}", e.message);
        let e = Rows::default().add(1.0, &[1.0, 2.0], 1, &spec(&["a", "a"])).unwrap_err();
        assert!(e.message.contains("\"a\" twice"), "{}", e.message);
        let e = Rows::default().add(1.0, &[1.0, 2.0], 1, &spec(&["a", ""])).unwrap_err();
        assert!(e.message.contains("names[2] is empty"), "{}", e.message);
        let mut bad = spec(&["a"]);
        bad.upper = Some(-1.0);
        assert!(Rows::default().add(1.0, &[1.0], 1, &bad).unwrap_err().message.contains("below upper"));
        bad.upper = Some(f64::NAN);
        assert!(Rows::default().add(1.0, &[1.0], 1, &bad).unwrap_err().message.contains("upper"));
        // a state carrying duplicate names (hand-made bytes) is refused as corrupt
        let mut r = Rows::default();
        r.add(1.0, &[1.0, 2.0], 1, &spec(&["a", "b"])).unwrap();
        r.spec.as_mut().unwrap().names[1] = "a".into();
        assert_eq!(Rows::from_bytes(&r.to_bytes()).unwrap_err().kind, crate::ErrorKind::Corrupt);
    }

    #[test]
    fn text_units_rank_by_bytes_and_merge() {
        let spec = Spec {
            lower: Some(0.0),
            upper: None,
            model: Model::Pooled,
            names: vec!["x1".into()],
            quadrature: None,
            points: None,
        };
        let mut a = Rows::default();
        a.add_text(1.0, &[1.0], "b", &spec).unwrap();
        a.add_text(2.0, &[2.0], "a", &spec).unwrap();
        a.add_text(3.0, &[3.0], "b", &spec).unwrap();
        assert_eq!(a.unit, vec![0, 1, 0]);
        let mut b = Rows::default();
        b.add_text(4.0, &[4.0], "c", &spec).unwrap();
        b.add_text(5.0, &[5.0], "a", &spec).unwrap();
        a.merge(&Rows::from_bytes(&b.to_bytes()).unwrap()).unwrap();
        assert_eq!(a.unit, vec![0, 1, 0, 2, 1]);
        // canonical: units ranked by the bytes of their names (a, b, c)
        let c = a.canonical().unwrap();
        assert_eq!(c.unit, vec![0, 0, 1, 1, 2]);
        assert_eq!(c.y, vec![2.0, 5.0, 1.0, 3.0, 4.0]);
        assert!(c.labels.is_empty());
        // mixing key types is refused, a bad dictionary is corrupt
        let mut int = Rows::default();
        int.add(1.0, &[1.0], 7, &spec).unwrap();
        assert!(int.push_text(1.0, &[1.0], "x").unwrap_err().message.contains("mix bigint and text"));
        assert!(int.merge(&b).unwrap_err().message.contains("mix bigint and text"));
        let mut bad = b.clone();
        bad.unit[0] = 9;
        assert_eq!(Rows::from_bytes(&bad.to_bytes()).unwrap_err().kind, crate::ErrorKind::Corrupt);
    }

    #[test]
    fn hostile_state_bytes_are_refused_before_allocating() {
        use crate::codec::{encode, tag};
        let kind = |bytes: Vec<u8>| Rows::from_bytes(&bytes).unwrap_err().kind;
        // a spec whose name count is 2^62 with no bytes behind it
        let spec = |names: u64| Some((0u64, None::<f64>, None::<f64>, names));
        assert_eq!(kind(encode(tag::TOBIT_ROWS, &spec(1 << 62))), crate::ErrorKind::Corrupt);
        // a name whose length is u64::MAX
        assert_eq!(kind(encode(tag::TOBIT_ROWS, &(spec(1), u64::MAX))), crate::ErrorKind::Corrupt);
        // an unknown model, an unknown quadrature code, points out of range
        let none: &[f64] = &[];
        let names: &[&str] = &["a"];
        let with = |model: u64, q: Option<u8>, p: Option<u64>| {
            encode(tag::TOBIT_ROWS, &(Some((model, None::<f64>, None::<f64>, names, q, p)), none, none, none, none))
        };
        let e = Rows::from_bytes(&with(7, None, None)).unwrap_err();
        assert!(e.kind == crate::ErrorKind::Corrupt && e.message.contains("model code 7"), "{}", e.message);
        let e = Rows::from_bytes(&with(1, Some(9), None)).unwrap_err();
        assert!(e.kind == crate::ErrorKind::Corrupt && e.message.contains("quadrature code 9"), "{}", e.message);
        let e = Rows::from_bytes(&with(1, Some(1), Some(151))).unwrap_err();
        assert!(e.kind == crate::ErrorKind::Corrupt && e.message.contains("quadrature_points"), "{}", e.message);
        assert!(Rows::from_bytes(&with(1, Some(2), Some(12))).is_ok());
        // a unit count that exceeds the bytes
        assert_eq!(kind(encode(tag::TOBIT_ROWS, &(None::<u8>, none, none, u64::MAX / 4))), crate::ErrorKind::Corrupt);
        // rows without a spec, or x not n * k
        let units = I64s(&[3]);
        let one = F64s(&[1.0]);
        let e = Rows::from_bytes(&encode(tag::TOBIT_ROWS, &(None::<u8>, one, none, units, none))).unwrap_err();
        assert!(e.kind == crate::ErrorKind::Corrupt && e.message.contains("different lengths"), "{}", e.message);
        let spec = Spec {
            lower: None,
            upper: None,
            model: Model::Pooled,
            names: vec!["a".into()],
            quadrature: None,
            points: None,
        };
        let mut r = Rows::default();
        r.add(1.0, &[2.0], 1, &spec).unwrap();
        r.x.push(5.0);
        assert_eq!(Rows::from_bytes(&r.to_bytes()).unwrap_err().kind, crate::ErrorKind::Corrupt);
        // every truncation of a valid state is an error, never a panic
        let mut ok = Rows::default();
        ok.add(1.0, &[2.0], 1, &spec).unwrap();
        let bytes = ok.to_bytes();
        for cut in 0..bytes.len() {
            assert!(Rows::from_bytes(&bytes[..cut]).is_err(), "{cut}");
        }
    }
}
