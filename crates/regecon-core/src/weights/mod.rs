//! Spatial weights: a sparse matrix over unit ids, in compressed sparse row
//! (CSR) form, built from (src, dst, weight) triples as stored in a weights
//! relation.
//!
//! - [`Weights::from_triples`] validates and builds the matrix over a given
//!   list of units (the units of the data: the statistic defines n).
//! - [`Weights::transform`] applies PySAL/spdep styles: binary ("B", "b"),
//!   row-standardised ("W", "r"), or as given ("O").
//! - [`Weights::summary`] reports n, links, islands, asymmetries and S0.
//! - [`knn`], [`band`]: builders from coordinates; [`gal`]: GeoDa's formats.
//!
//! Islands (units with no neighbours) stay in n, as esda keeps them: their
//! row is empty, their spatial lag is 0, and row-standardisation leaves the
//! row empty (it never divides by zero). Statistics report how many there are.

pub mod band;
pub mod coords;
pub mod gal;
pub mod kdtree;
pub mod knn;

use crate::error::{Error, Result};
use std::collections::HashMap;

/// Weight transformations (PySAL's `transform`, spdep's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Weights as stored ("O" in PySAL).
    Original,
    /// Every link weighs 1 ("B" / spdep "B").
    Binary,
    /// Each row sums to 1 ("R" / spdep "W"); islands keep an empty row.
    Row,
}

impl Style {
    /// A one-byte code for aggregate states.
    pub fn code(self) -> u8 {
        match self {
            Style::Original => 0,
            Style::Binary => 1,
            Style::Row => 2,
        }
    }

    pub fn from_code(c: u8) -> Result<Style> {
        match c {
            0 => Ok(Style::Original),
            1 => Ok(Style::Binary),
            2 => Ok(Style::Row),
            _ => Err(Error::corrupt(format!("unknown weights style code {c}"))),
        }
    }

    /// Parses a style name: `o`/`original`, `b`/`binary`, `r`/`w`/`row`.
    pub fn parse(s: &str) -> Result<Style> {
        match s.to_ascii_lowercase().as_str() {
            "o" | "original" | "none" => Ok(Style::Original),
            "b" | "binary" => Ok(Style::Binary),
            "r" | "w" | "row" | "row-standardised" | "row-standardized" => Ok(Style::Row),
            other => Err(Error::invalid(format!(
                "unknown weights style '{other}': use 'r' (row-standardised), 'b' (binary) or 'o' (as stored)"
            ))),
        }
    }
}

/// A sparse weights matrix over units 0..n (row positions of `ids`).
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    ids: Vec<i64>,
    row_ptr: Vec<usize>,
    col: Vec<usize>,
    val: Vec<f64>,
}

/// What [`Weights::summary`] reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub links: usize,
    pub islands: usize,
    pub asymmetric_pairs: usize,
    pub min_neighbours: usize,
    pub mean_neighbours: f64,
    pub max_neighbours: usize,
    pub s0: f64,
}

impl Weights {
    /// Builds the matrix over `ids` (distinct) from triples. Every src and
    /// dst must be one of `ids`; weights must be finite and non-negative; a
    /// pair may appear once; self-links are refused (w_ii must be 0 for
    /// Moran-type statistics). Zero weights are dropped.
    pub fn from_triples(ids: &[i64], triples: &[(i64, i64, f64)]) -> Result<Weights> {
        let mut index = HashMap::with_capacity(ids.len());
        for (i, &id) in ids.iter().enumerate() {
            if index.insert(id, i).is_some() {
                return Err(Error::invalid(format!("unit id {id} appears more than once in the data")));
            }
        }
        let n = ids.len();
        let mut rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for &(s, d, w) in triples {
            let si = *index.get(&s).ok_or_else(|| {
                Error::invalid(format!("weights link ({s}, {d}): unit {s} has no value in the data"))
            })?;
            let di = *index.get(&d).ok_or_else(|| {
                Error::invalid(format!("weights link ({s}, {d}): unit {d} has no value in the data"))
            })?;
            if !w.is_finite() || w < 0.0 {
                return Err(Error::invalid(format!(
                    "weights link ({s}, {d}) has weight {}: weights must be finite and non-negative",
                    crate::error::sql_float(w)
                )));
            }
            if si == di {
                if w == 0.0 {
                    continue;
                }
                return Err(Error::invalid(format!("weights link ({s}, {s}) links a unit to itself")));
            }
            if w > 0.0 {
                rows[si].push((di, w));
            }
        }
        let mut row_ptr = Vec::with_capacity(n + 1);
        let mut col = Vec::new();
        let mut val = Vec::new();
        row_ptr.push(0);
        for (i, row) in rows.iter_mut().enumerate() {
            row.sort_unstable_by_key(|&(j, _)| j);
            for pair in row.windows(2) {
                if pair[0].0 == pair[1].0 {
                    return Err(Error::invalid(format!(
                        "weights link ({}, {}) appears more than once",
                        ids[i], ids[pair[0].0]
                    )));
                }
            }
            col.extend(row.iter().map(|&(j, _)| j));
            val.extend(row.iter().map(|&(_, w)| w));
            row_ptr.push(col.len());
        }
        Ok(Weights { ids: ids.to_vec(), row_ptr, col, val })
    }

    pub fn n(&self) -> usize {
        self.ids.len()
    }

    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// Neighbours of unit i (row positions) and their weights.
    #[inline]
    pub fn row(&self, i: usize) -> (&[usize], &[f64]) {
        let (a, b) = (self.row_ptr[i], self.row_ptr[i + 1]);
        (&self.col[a..b], &self.val[a..b])
    }

    pub fn cardinality(&self, i: usize) -> usize {
        self.row_ptr[i + 1] - self.row_ptr[i]
    }

    pub fn links(&self) -> usize {
        self.col.len()
    }

    pub fn islands(&self) -> usize {
        (0..self.n()).filter(|&i| self.cardinality(i) == 0).count()
    }

    /// The CSR arrays (row pointers, columns, values).
    pub fn csr(&self) -> (&[usize], &[usize], &[f64]) {
        (&self.row_ptr, &self.col, &self.val)
    }

    /// A transformed copy.
    pub fn transform(&self, style: Style) -> Weights {
        let mut w = self.clone();
        match style {
            Style::Original => {}
            Style::Binary => w.val.iter_mut().for_each(|v| *v = 1.0),
            Style::Row => {
                for i in 0..w.n() {
                    let (a, b) = (w.row_ptr[i], w.row_ptr[i + 1]);
                    let s: f64 = crate::sum::sum(w.val[a..b].iter().copied());
                    if s > 0.0 {
                        w.val[a..b].iter_mut().for_each(|v| *v /= s);
                    }
                }
            }
        }
        w
    }

    /// Spatial lag (W z)_i.
    pub fn lag(&self, z: &[f64]) -> Vec<f64> {
        (0..self.n())
            .map(|i| {
                let (c, v) = self.row(i);
                c.iter().zip(v).map(|(&j, &w)| w * z[j]).sum()
            })
            .collect()
    }

    /// The weight of link (i, j), 0 when absent.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        let (c, v) = self.row(i);
        match c.binary_search(&j) {
            Ok(k) => v[k],
            Err(_) => 0.0,
        }
    }

    /// Weights of the transposed matrix aligned with this matrix's entries:
    /// `t[k] = w_ji` for entry k = (i, j).
    pub fn transposed_values(&self) -> Vec<f64> {
        (0..self.n())
            .flat_map(|i| {
                let (c, _) = self.row(i);
                c.iter().map(move |&j| (i, j)).collect::<Vec<_>>()
            })
            .map(|(i, j)| self.get(j, i))
            .collect()
    }

    /// S0 = sum_ij w_ij.
    pub fn s0(&self) -> f64 {
        crate::sum::sum(self.val.iter().copied())
    }

    /// S1 = 1/2 sum_ij (w_ij + w_ji)^2 and S2 = sum_i (w_i. + w_.i)^2.
    pub fn s1_s2(&self) -> (f64, f64) {
        let n = self.n();
        let t = self.transposed_values();
        let mut s1 = crate::sum::NeumaierSum::new();
        // entries present in W: (w_ij + w_ji)^2; entries only in W^T: w_ji^2
        for (k, &w) in self.val.iter().enumerate() {
            s1.add((w + t[k]) * (w + t[k]));
        }
        for i in 0..n {
            let (c, v) = self.row(i);
            for (&j, &w) in c.iter().zip(v) {
                if self.get(j, i) == 0.0 {
                    s1.add(w * w); // the mirrored entry (j, i) exists only in W^T
                }
            }
        }
        let mut row_sum = vec![0.0; n];
        let mut col_sum = vec![0.0; n];
        for i in 0..n {
            let (c, v) = self.row(i);
            for (&j, &w) in c.iter().zip(v) {
                row_sum[i] += w;
                col_sum[j] += w;
            }
        }
        let s2 = crate::sum::sum((0..n).map(|i| (row_sum[i] + col_sum[i]).powi(2)));
        (s1.value() / 2.0, s2)
    }

    pub fn summary(&self) -> Summary {
        let n = self.n();
        let card: Vec<usize> = (0..n).map(|i| self.cardinality(i)).collect();
        let mut asym = 0;
        for i in 0..n {
            let (c, v) = self.row(i);
            for (&j, &w) in c.iter().zip(v) {
                let back = self.get(j, i);
                if back != w && (i < j || back == 0.0) {
                    asym += 1;
                }
            }
        }
        Summary {
            n,
            links: self.links(),
            islands: card.iter().filter(|&&c| c == 0).count(),
            asymmetric_pairs: asym,
            min_neighbours: card.iter().copied().min().unwrap_or(0),
            mean_neighbours: if n == 0 { 0.0 } else { self.links() as f64 / n as f64 },
            max_neighbours: card.iter().copied().max().unwrap_or(0),
            s0: self.s0(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> Weights {
        // 1 - 2 - 3 (rook on a line), binary, symmetric
        Weights::from_triples(&[1, 2, 3], &[(1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0), (3, 2, 1.0)]).unwrap()
    }

    #[test]
    fn builds_and_transforms() {
        let w = line();
        assert_eq!(w.n(), 3);
        assert_eq!(w.links(), 4);
        assert_eq!(w.row(1), (&[0usize, 2][..], &[1.0, 1.0][..]));
        let r = w.transform(Style::Row);
        assert_eq!(r.row(1).1, &[0.5, 0.5]);
        assert_eq!(r.s0(), 3.0);
        assert_eq!(w.lag(&[1.0, 2.0, 4.0]), vec![2.0, 5.0, 2.0]);
        // S1 = 1/2 * 4 links * (1+1)^2 = 8; S2 = sum (2 k_i)^2 = 4 + 16 + 4 = 24
        assert_eq!(w.s1_s2(), (8.0, 24.0));
    }

    #[test]
    fn s1_s2_asymmetric_matches_dense_definition() {
        let ids = [10, 20, 30, 40];
        let t = [(10, 20, 1.0), (20, 30, 2.0), (30, 20, 0.5), (40, 10, 3.0), (10, 30, 1.5)];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let n = 4;
        let dense = |i: usize, j: usize| w.get(i, j);
        let mut s1 = 0.0;
        let mut s2 = 0.0;
        for i in 0..n {
            let (mut r, mut c) = (0.0, 0.0);
            for j in 0..n {
                s1 += (dense(i, j) + dense(j, i)).powi(2);
                r += dense(i, j);
                c += dense(j, i);
            }
            s2 += (r + c).powi(2);
        }
        let (a, b) = w.s1_s2();
        assert!((a - s1 / 2.0).abs() < 1e-12 && (b - s2).abs() < 1e-12, "{a} {b} {s1} {s2}");
        let s = w.summary();
        assert_eq!((s.n, s.links, s.islands), (4, 5, 0));
        assert_eq!(s.asymmetric_pairs, 4); // (20,30) differ; 10->20, 40->10, 10->30 one-way
        assert_eq!(s.s0, 8.0);
    }

    #[test]
    fn islands_and_errors() {
        let w = Weights::from_triples(&[1, 2, 3], &[(1, 2, 1.0), (2, 1, 1.0)]).unwrap();
        assert_eq!(w.islands(), 1);
        assert_eq!(w.transform(Style::Row).row(2).1.len(), 0);
        assert!(Weights::from_triples(&[1, 2], &[(1, 3, 1.0)]).unwrap_err().message.contains("unit 3"));
        assert!(Weights::from_triples(&[1, 1], &[]).unwrap_err().message.contains("more than once"));
        assert!(Weights::from_triples(&[1, 2], &[(1, 2, -1.0)]).unwrap_err().message.contains("non-negative"));
        assert!(Weights::from_triples(&[1, 2], &[(1, 2, f64::NAN)]).is_err());
        assert!(Weights::from_triples(&[1, 2], &[(1, 1, 1.0)]).unwrap_err().message.contains("itself"));
        assert!(Weights::from_triples(&[1, 2], &[(1, 2, 1.0), (1, 2, 2.0)])
            .unwrap_err()
            .message
            .contains("more than once"));
        assert_eq!(Style::parse("W").unwrap(), Style::Row);
        assert!(Style::parse("x").is_err());
    }
}
