//! The rows of one regression grouped by unit, with the design matrix and
//! each row's censoring: the input of every Tobit model.

use super::{censoring, Censoring};
use crate::error::{finite, Error, Result};
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct Panel {
    /// Outcome, rows grouped by unit (units in ascending id order, rows of a
    /// unit in input order).
    pub y: Vec<f64>,
    /// Design, row-major n x k, the intercept first when included.
    pub x: Vec<f64>,
    pub k: usize,
    pub names: Vec<String>,
    pub cens: Vec<Censoring>,
    /// Unit g owns rows starts[g]..starts[g + 1].
    pub starts: Vec<usize>,
    pub unit_ids: Vec<i64>,
    /// The bounds, -inf / +inf when absent.
    pub lower: f64,
    pub upper: f64,
}

impl Panel {
    /// Validates and groups the rows. `x` is row-major with `names.len()`
    /// columns; `intercept` prepends a column of ones named `_cons`.
    pub fn new(
        y: &[f64],
        x: &[f64],
        units: &[i64],
        names: &[String],
        intercept: bool,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<Panel> {
        Panel::new_in_order(y, x, units, None, names, intercept, lower, upper)
    }

    /// [`Panel::new`] over the rows taken in `order` (a permutation of the
    /// row indices; `None`: as given): the panel of the rows copied in that
    /// order, built without the copy.
    #[allow(clippy::too_many_arguments)]
    pub fn new_in_order(
        y: &[f64],
        x: &[f64],
        units: &[i64],
        order: Option<Vec<usize>>,
        names: &[String],
        intercept: bool,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> Result<Panel> {
        let n = y.len();
        let k0 = names.len();
        if x.len() != n * k0 || units.len() != n {
            return Err(Error::invalid(format!(
                "x has {} values and units {}, expected {n} rows of {k0}",
                x.len(),
                units.len()
            )));
        }
        if let (Some(l), Some(u)) = (lower, upper) {
            if !(l < u) {
                return Err(Error::invalid(format!("lower ({l}) must be below upper ({u})")));
            }
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            finite(y[i], &format!("y of row {}", i + 1))?;
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            finite(x[i], &format!("x[{}] ({}) of row {}", i % k0.max(1) + 1, names[i % k0.max(1)], i / k0.max(1) + 1))?;
        }
        // buffers sized by the rows: allocated through mem (53200, not an abort)
        let mut order: Vec<usize> = match order {
            Some(o) if o.len() != n => {
                return Err(Error::invalid(format!("an order of {} rows for {n} rows", o.len())))
            }
            Some(o) => o,
            None => {
                let mut o = crate::mem::vec_with_capacity(n, "the rows of panel_tobit")?;
                o.extend(0..n);
                o
            }
        };
        order.sort_by_key(|&i| units[i]); // stable: given order within a unit
        let k = k0 + intercept as usize;
        let nk = n
            .checked_mul(k)
            .ok_or_else(|| Error::out_of_memory("the design of panel_tobit is larger than the address space"))?;
        let mut p = Panel {
            y: crate::mem::vec_with_capacity(n, "the outcomes of panel_tobit")?,
            x: crate::mem::vec_with_capacity(nk, "the design of panel_tobit")?,
            k,
            names: Vec::with_capacity(k),
            cens: crate::mem::vec_with_capacity(n, "the censoring of panel_tobit")?,
            starts: Vec::new(),
            unit_ids: Vec::new(),
            lower: lower.unwrap_or(f64::NEG_INFINITY),
            upper: upper.unwrap_or(f64::INFINITY),
        };
        if intercept {
            p.names.push("_cons".into());
        }
        p.names.extend(names.iter().cloned());
        for (r, &i) in order.iter().enumerate() {
            if r == 0 || units[i] != units[order[r - 1]] {
                p.starts.push(r);
                p.unit_ids.push(units[i]);
            }
            p.y.push(y[i]);
            if intercept {
                p.x.push(1.0);
            }
            p.x.extend_from_slice(&x[i * k0..(i + 1) * k0]);
            p.cens.push(censoring(y[i], lower, upper));
        }
        p.starts.push(n);
        Ok(p)
    }

    pub fn n(&self) -> usize {
        self.y.len()
    }
    pub fn n_units(&self) -> usize {
        self.unit_ids.len()
    }
    pub fn rows(&self, g: usize) -> Range<usize> {
        self.starts[g]..self.starts[g + 1]
    }
    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.k..(i + 1) * self.k]
    }
    /// (left, uncensored, right) counts.
    pub fn counts(&self) -> (usize, usize, usize) {
        let l = self.cens.iter().filter(|c| **c == Censoring::Left).count();
        let r = self.cens.iter().filter(|c| **c == Censoring::Right).count();
        (l, self.n() - l - r, r)
    }
    /// Column means of the design.
    pub fn x_means(&self) -> Vec<f64> {
        let mut m = vec![0.0; self.k];
        for i in 0..self.n() {
            for (a, v) in self.row(i).iter().enumerate() {
                m[a] += v;
            }
        }
        m.iter_mut().for_each(|v| *v /= self.n().max(1) as f64);
        m
    }
}

/// The sandwich covariance V M V * G / (G - 1), M = sum_g s_g s_g', from the
/// inverse information `v` (p x p) and the score of each cluster.
pub fn sandwich(v: &[f64], scores: &[Vec<f64>]) -> Vec<f64> {
    let p = scores.first().map_or(0, |s| s.len());
    let mut m = vec![0.0; p * p];
    for s in scores {
        for a in 0..p {
            for b in 0..p {
                m[a * p + b] += s[a] * s[b];
            }
        }
    }
    let g = scores.len() as f64;
    let factor = if g > 1.0 { g / (g - 1.0) } else { f64::NAN };
    let vm: Vec<f64> = (0..p * p).map(|ij| (0..p).map(|c| v[(ij / p) * p + c] * m[c * p + ij % p]).sum()).collect();
    (0..p * p).map(|ij| factor * (0..p).map(|c| vm[(ij / p) * p + c] * v[c * p + ij % p]).sum::<f64>()).collect()
}

impl Panel {
    /// The panel with only the columns where `keep` is true (the rows, units
    /// and censoring unchanged); the design is copied through `mem`.
    pub fn keep_columns(&self, keep: &[bool]) -> crate::error::Result<Panel> {
        let k = keep.iter().filter(|b| **b).count();
        let n = self.n();
        let nk = n
            .checked_mul(k)
            .ok_or_else(|| Error::out_of_memory("the design of panel_tobit is larger than the address space"))?;
        let mut x = crate::mem::vec_with_capacity(nk, "the design of panel_tobit")?;
        for i in 0..n {
            x.extend(self.row(i).iter().zip(keep).filter(|(_, b)| **b).map(|(v, _)| *v));
        }
        Ok(Panel {
            y: crate::mem::to_vec(&self.y, "the outcomes of panel_tobit")?,
            x,
            k,
            names: self.names.iter().zip(keep).filter(|(_, b)| **b).map(|(s, _)| s.clone()).collect(),
            cens: crate::mem::to_vec(&self.cens, "the censoring of panel_tobit")?,
            starts: self.starts.clone(),
            unit_ids: self.unit_ids.clone(),
            lower: self.lower,
            upper: self.upper,
        })
    }
}
