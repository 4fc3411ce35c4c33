//! Tobit regression (censored normal regression), pooled for now; random and
//! fixed effects follow (NOTES.md section 6).
//!
//! y*_i = x_i' beta + e_i, e_i ~ N(0, sigma^2); observed y_i = y*_i inside
//! (lower, upper), and the bound itself when y*_i falls at or beyond it. A
//! missing bound means no censoring on that side.

pub mod normal;
pub mod pooled;

/// Censoring of one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Censoring {
    Left,
    Uncensored,
    Right,
}

/// Classifies y against the bounds: at or below `lower` is left-censored, at
/// or above `upper` right-censored.
pub fn censoring(y: f64, lower: Option<f64>, upper: Option<f64>) -> Censoring {
    if lower.is_some_and(|l| y <= l) {
        Censoring::Left
    } else if upper.is_some_and(|u| y >= u) {
        Censoring::Right
    } else {
        Censoring::Uncensored
    }
}

use crate::codec::{tag, Reader, Writer};
use crate::error::{Error, Result};

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
}

/// Aggregate state: the rows of one regression.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub y: Vec<f64>,
    pub x: Vec<f64>,
    pub unit: Vec<i64>,
    pub spec: Option<Spec>,
}

impl Rows {
    pub fn k(&self) -> usize {
        self.spec.as_ref().map_or(0, |s| s.names.len())
    }

    /// Adds a row; `spec.names` fixes k, and every row must agree with it.
    pub fn add(&mut self, y: f64, x: &[f64], unit: i64, spec: &Spec) -> Result<()> {
        if let Some(s) = &self.spec {
            if x.len() != s.names.len() {
                return Err(Error::invalid(format!(
                    "x has {} regressors in row {} but {} in the first row",
                    x.len(),
                    self.y.len() + 1,
                    s.names.len()
                )));
            }
        }
        match &self.spec {
            None => self.spec = Some(spec.clone()),
            Some(s) if s == spec => {}
            Some(_) => {
                return Err(Error::invalid("lower, upper, model and names must be the same on every row of a group"))
            }
        }
        if x.len() != spec.names.len() {
            return Err(Error::invalid(format!(
                "x has {} regressors in row {} but {} in the first row",
                x.len(),
                self.y.len() + 1,
                spec.names.len()
            )));
        }
        crate::error::finite(y, &format!("y of row {}", self.y.len() + 1))?;
        for (j, v) in x.iter().enumerate() {
            crate::error::finite(*v, &format!("x[{}] ({}) of row {}", j + 1, spec.names[j], self.y.len() + 1))?;
        }
        self.y.push(y);
        self.x.extend_from_slice(x);
        self.unit.push(unit);
        Ok(())
    }

    pub fn merge(&mut self, other: &Rows) -> Result<()> {
        if let Some(s) = &other.spec {
            match &self.spec {
                None => self.spec = Some(s.clone()),
                Some(t) if t == s => {}
                Some(_) => {
                    return Err(Error::invalid("lower, upper, model and names must be the same on every row of a group"))
                }
            }
        }
        self.y.extend_from_slice(&other.y);
        self.x.extend_from_slice(&other.x);
        self.unit.extend_from_slice(&other.unit);
        Ok(())
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(tag::TOBIT_ROWS, 64 + 8 * (self.y.len() + self.x.len() + self.unit.len()));
        match &self.spec {
            None => {
                w.u64(0);
            }
            Some(s) => {
                w.u64(1)
                    .u64(s.model.code())
                    .u64(s.lower.is_some() as u64)
                    .f64(s.lower.unwrap_or(0.0))
                    .u64(s.upper.is_some() as u64)
                    .f64(s.upper.unwrap_or(0.0))
                    .u64(s.names.len() as u64);
                s.names.iter().for_each(|n| {
                    w.str(n);
                });
            }
        }
        w.f64s(&self.y).f64s(&self.x).u64(self.unit.len() as u64);
        self.unit.iter().for_each(|&u| {
            w.u64(u as u64);
        });
        w.finish()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Rows> {
        let mut r = Reader::new(bytes, tag::TOBIT_ROWS)?;
        let spec = if r.u64()? == 1 {
            let model = Model::from_code(r.u64()?)?;
            let has_l = r.u64()? == 1;
            let l = r.f64()?;
            let has_u = r.u64()? == 1;
            let u = r.f64()?;
            let k = r.u64()? as usize;
            if k > bytes.len() {
                return Err(Error::corrupt("aggregate state is truncated"));
            }
            let names = (0..k).map(|_| r.str()).collect::<Result<Vec<_>>>()?;
            Some(Spec { lower: has_l.then_some(l), upper: has_u.then_some(u), model, names })
        } else {
            None
        };
        let y = r.f64s()?;
        let x = r.f64s()?;
        let n = r.u64()? as usize;
        if n != y.len() {
            return Err(Error::corrupt("aggregate state has vectors of different lengths"));
        }
        let unit = (0..n).map(|_| r.u64().map(|v| v as i64)).collect::<Result<Vec<_>>>()?;
        r.end()?;
        Ok(Rows { y, x, unit, spec })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip() {
        let spec = Spec { lower: Some(0.0), upper: None, model: Model::Pooled, names: vec!["a".into(), "b".into()] };
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
        assert!(Model::parse("probit").is_err());
    }
}
