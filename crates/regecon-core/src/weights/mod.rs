//! Spatial weights: a sparse matrix over unit ids, in compressed sparse row
//! (CSR) form, built from (src, dst, weight) triples as stored in a weights
//! relation.
//!
//! - [`Weights::from_triples`] validates and builds the matrix over a given
//!   list of units (the units of the data: the statistic defines n).
//! - [`Weights::subset_checked`] builds it over the units present, dropping
//!   links to units without data (spdep `subset.listw`, libpysal
//!   `w_subset`) and reporting them ([`Subset`], [`absent_units_error`]).
//! - [`Weights::transform`] applies PySAL/spdep styles: binary ("B", "b"),
//!   row-standardised ("W", "r"), or as given ("O").
//! - [`Weights::summary`] reports n, links, islands, asymmetries and S0.
//! - [`knn`], [`band`]: builders from coordinates; [`gal`]: GeoDa's formats.
//!
//! Every pass whose work grows with the input has a form that takes a
//! cancellation check (`from_triples_checked`, `transform_checked`, ...,
//! `knn_checked`, [`band::Band`]) and allocates its buffers through
//! [`crate::mem`]; the short forms run them without a check, for tests and
//! callers not yet moved over.
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
use crate::interrupt::{self, Check, Ticker};
use crate::mem;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for i64 unit ids (a multiply-xorshift mix; the keys are not
/// attacker-chosen in a way that matters here, and SipHash cost a third of
/// the time of building a 10^6-link matrix).
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01B3);
        }
    }
    fn write_i64(&mut self, i: i64) {
        let mut z = (i as u64) ^ 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.0 = z ^ (z >> 31);
    }
}

pub type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

/// The row position of each id, in a map sized through [`mem`] (`what` names
/// it in an out-of-memory error). A repeated id is a 22023 error naming it
/// and `arg` (the SQL argument, or "the data"). `check` is called every 64k ids.
pub(crate) fn index_ids(ids: &[i64], what: &str, arg: &str, mut check: Check<'_>) -> Result<IdMap<usize>> {
    let n = ids.len();
    // a hash map holds up to 8/7 buckets per entry (and up to twice that
    // after rounding to a power of two), each the pair plus a control byte
    let per_entry = mem::bytes_of::<(i64, usize)>(1, what)? + 1;
    mem::check(n.saturating_mul(per_entry).saturating_mul(16) / 7, what)?;
    let mut map: IdMap<usize> = IdMap::default();
    map.try_reserve(n).map_err(|_| Error::out_of_memory(format!("{what}: the system refused room for {n} ids")))?;
    let mut ticker = Ticker::new(&mut check, 1 << 16);
    for (i, &id) in ids.iter().enumerate() {
        ticker.tick();
        if map.insert(id, i).is_some() {
            return Err(Error::invalid(format!("unit id {id} appears more than once in {arg}")));
        }
    }
    Ok(map)
}

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

/// What [`Weights::subset_checked`] left out: the units named by the
/// weights relation that are not among the units of the data, and the
/// links dropped with them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subset {
    /// Distinct units named in the relation (as src or dst) but not in `ids`.
    pub absent_units: usize,
    /// Triples dropped because they name such a unit (whatever their weight).
    pub dropped_links: usize,
    /// Those units' ids, ascending (`absent.len() == absent_units`).
    pub absent: Vec<i64>,
}

/// At most this many absent units are named in [`absent_units_error`].
pub const ABSENT_NAMED: usize = 10;

impl Subset {
    /// Ok when the relation names no unit outside the data; otherwise the
    /// exact-match error of [`absent_units_error`].
    pub fn require_exact(&self) -> Result<()> {
        if self.absent.is_empty() {
            Ok(())
        } else {
            Err(absent_units_error(&self.absent, self.absent_units))
        }
    }
}

/// The 22023 error of a caller that wants the weights relation and the
/// group's units to match exactly: names the first [`ABSENT_NAMED`] of
/// `absent` (the sorted absent ids) and, when there are more, how many in
/// all (`total`), e.g. "weights relation names units absent from the group:
/// 3, 17, 20, 21, 22, 23, 24, 25, 26, 27, ... (12 in all)". With ten or
/// fewer the list is complete and has no count.
pub fn absent_units_error<T: std::fmt::Display>(absent: &[T], total: usize) -> Error {
    let total = total.max(absent.len());
    let named: Vec<String> = absent.iter().take(ABSENT_NAMED).map(|u| u.to_string()).collect();
    let mut msg = format!("weights relation names units absent from the group: {}", named.join(", "));
    if total > named.len() {
        msg.push_str(&format!(", ... ({total} in all)"));
    }
    Error::invalid(msg)
}

/// Links between two calls of the check in the O(links) passes.
const TICK_LINKS: u32 = 1 << 16;

/// For the infallible forms kept for tests and for callers not yet moved to
/// the checked ones: they run without a check and panic (a PostgreSQL ERROR
/// through pgrx, never an abort) where the checked form returns an error,
/// which only happens when memory runs out.
fn infallible<T>(r: Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

impl Weights {
    /// [`Weights::from_triples_checked`] without a cancellation check (for
    /// tests and small inputs).
    pub fn from_triples(ids: &[i64], triples: &[(i64, i64, f64)]) -> Result<Weights> {
        Self::from_triples_checked(ids, triples, &mut interrupt::none())
    }

    /// Builds the matrix over `ids` (distinct) from triples. Every src and
    /// dst must be one of `ids`; weights must be finite and non-negative; a
    /// pair may appear once; self-links are refused (w_ii must be 0 for
    /// Moran-type statistics). Zero weights are dropped. Buffers go through
    /// [`mem`]; `check` is called every ~64k links.
    pub fn from_triples_checked(ids: &[i64], triples: &[(i64, i64, f64)], check: Check<'_>) -> Result<Weights> {
        Self::build(ids, triples, false, check, &|u| u.to_string()).map(|(w, _)| w)
    }

    /// [`Weights::subset_checked`] without a cancellation check.
    pub fn subset(ids: &[i64], triples: &[(i64, i64, f64)]) -> Result<(Weights, Subset)> {
        Self::subset_checked(ids, triples, &mut interrupt::none())
    }

    /// The weights restricted to the units present (spdep `subset.listw`,
    /// libpysal `w_subset`): as [`Weights::from_triples_checked`], except
    /// that a link naming a unit not in `ids` is dropped instead of refused,
    /// and [`Subset`] says how many units and links that concerned.
    ///
    /// Every other check stays, also for the dropped links where it can be
    /// made on the link alone: a weight must be finite and non-negative, a
    /// unit may not link to itself (22023), `ids` must be distinct, a kept
    /// pair may appear once, S0 must be finite (22003). (A pair repeated
    /// with an absent unit is dropped with it, not reported.)
    ///
    /// The weights are as stored: apply the style afterwards
    /// ([`Weights::transform_checked`]), so that row-standardisation uses the
    /// links that remain. A unit whose neighbours are all absent is an
    /// island (empty row), kept in n as esda keeps it. Buffers go through
    /// [`mem`]; `check` is called every ~64k links.
    pub fn subset_checked(ids: &[i64], triples: &[(i64, i64, f64)], check: Check<'_>) -> Result<(Weights, Subset)> {
        Self::build(ids, triples, true, check, &|u| u.to_string())
    }

    /// [`Weights::subset_checked`] for ids that are codes of other names
    /// (text ids, [`crate::labels`]): `name` shows a code in messages.
    pub fn subset_named(
        ids: &[i64],
        triples: &[(i64, i64, f64)],
        check: Check<'_>,
        name: &dyn Fn(i64) -> String,
    ) -> Result<(Weights, Subset)> {
        Self::build(ids, triples, true, check, name)
    }

    /// [`Weights::from_triples_checked`] with `name` showing ids in messages.
    pub fn from_triples_named(
        ids: &[i64],
        triples: &[(i64, i64, f64)],
        check: Check<'_>,
        name: &dyn Fn(i64) -> String,
    ) -> Result<Weights> {
        Self::build(ids, triples, false, check, name).map(|(w, _)| w)
    }

    /// The two builders: `drop_absent` false refuses a link naming a unit not
    /// in `ids` (from_triples), true drops it and counts it (subset).
    fn build(
        ids: &[i64],
        triples: &[(i64, i64, f64)],
        drop_absent: bool,
        mut check: Check<'_>,
        name: &dyn Fn(i64) -> String,
    ) -> Result<(Weights, Subset)> {
        const WHAT: &str = "the links of the weights matrix";
        let index = index_ids(ids, "the unit index of the weights matrix", "the data", &mut *check)?;
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        let n = ids.len();
        let bad_weight = |s: i64, d: i64, w: f64| {
            Error::invalid(format!(
                "weights link ({}, {}) has weight {}: weights must be finite and non-negative",
                name(s),
                name(d),
                crate::error::sql_float(w)
            ))
        };
        // resolve and check every link, then place them by a counting sort on src
        let mut resolved: Vec<(usize, usize, f64)> = mem::vec_with_capacity(triples.len(), WHAT)?;
        let mut absent: Vec<i64> = Vec::new();
        let mut dropped_links = 0usize;
        for &(s, d, w) in triples {
            ticker.tick();
            let (si, di) = if drop_absent {
                if !w.is_finite() || w < 0.0 {
                    return Err(bad_weight(s, d, w));
                }
                if s == d && w > 0.0 {
                    return Err(Error::invalid(format!("weights link ({0}, {0}) links a unit to itself", name(s))));
                }
                let (si, di) = (index.get(&s).copied(), index.get(&d).copied());
                if si.is_none() || di.is_none() {
                    dropped_links += 1;
                    if si.is_none() {
                        mem::push(&mut absent, s, "the units absent from the data")?;
                    }
                    if di.is_none() && d != s {
                        mem::push(&mut absent, d, "the units absent from the data")?;
                    }
                    continue;
                }
                (si.unwrap_or_default(), di.unwrap_or_default())
            } else {
                let si = *index.get(&s).ok_or_else(|| {
                    Error::invalid(format!(
                        "weights link ({}, {}): unit {} has no value in the data",
                        name(s),
                        name(d),
                        name(s)
                    ))
                })?;
                let di = *index.get(&d).ok_or_else(|| {
                    Error::invalid(format!(
                        "weights link ({}, {}): unit {} has no value in the data",
                        name(s),
                        name(d),
                        name(d)
                    ))
                })?;
                if !w.is_finite() || w < 0.0 {
                    return Err(bad_weight(s, d, w));
                }
                (si, di)
            };
            if si == di {
                if w == 0.0 {
                    continue;
                }
                return Err(Error::invalid(format!("weights link ({0}, {0}) links a unit to itself", name(s))));
            }
            if w > 0.0 {
                resolved.push((si, di, w));
            }
        }
        ticker.tick_by(absent.len());
        absent.sort_unstable();
        absent.dedup();
        let subset = Subset { absent_units: absent.len(), dropped_links, absent };
        drop(index);
        let mut row_ptr = mem::vec_filled(0usize, n + 1, "the row pointers of the weights matrix")?;
        for &(si, _, _) in &resolved {
            row_ptr[si + 1] += 1;
        }
        for i in 0..n {
            row_ptr[i + 1] += row_ptr[i];
        }
        let mut next = mem::to_vec(&row_ptr, "the row pointers of the weights matrix")?;
        let mut entries = mem::vec_filled((0usize, 0.0f64), resolved.len(), WHAT)?;
        for &(si, di, w) in &resolved {
            ticker.tick();
            entries[next[si]] = (di, w);
            next[si] += 1;
        }
        drop(next);
        drop(resolved);
        for i in 0..n {
            let row = &mut entries[row_ptr[i]..row_ptr[i + 1]];
            ticker.tick_by(row.len() + 1);
            row.sort_unstable_by_key(|&(j, _)| j);
            if let Some(k) = row.windows(2).position(|p| p[0].0 == p[1].0) {
                return Err(Error::invalid(format!(
                    "weights link ({}, {}) appears more than once",
                    name(ids[i]),
                    name(ids[row[k].0])
                )));
            }
        }
        let mut col = mem::vec_with_capacity(entries.len(), "the columns of the weights matrix")?;
        col.extend(entries.iter().map(|&(j, _)| j));
        let mut val = mem::vec_with_capacity(entries.len(), "the values of the weights matrix")?;
        val.extend(entries.iter().map(|&(_, w)| w));
        let w = Weights { ids: mem::to_vec(ids, "the unit ids of the weights matrix")?, row_ptr, col, val };
        // every sum over the weights (S0, row sums, S1, S2) is bounded by a
        // power of S0: a total past double precision is refused by name
        // rather than turned into an infinite or NaN statistic
        if !w.s0().is_finite() {
            return Err(Error::out_of_range(
                "the weights sum to more than double precision holds (S0 overflows): rescale the weights",
            ));
        }
        Ok((w, subset))
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

    /// A copy whose buffers go through [`mem`].
    fn try_clone(&self, what: &str) -> Result<Weights> {
        Ok(Weights {
            ids: mem::to_vec(&self.ids, what)?,
            row_ptr: mem::to_vec(&self.row_ptr, what)?,
            col: mem::to_vec(&self.col, what)?,
            val: mem::to_vec(&self.val, what)?,
        })
    }

    /// A transformed copy ([`Weights::transform_checked`] without a check;
    /// panics only where that returns an error).
    pub fn transform(&self, style: Style) -> Weights {
        infallible(self.transform_checked(style, &mut interrupt::none()))
    }

    /// A transformed copy (allocated through [`mem`]; `check` every ~64k links).
    pub fn transform_checked(&self, style: Style, mut check: Check<'_>) -> Result<Weights> {
        let mut w = self.try_clone("the transformed weights")?;
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        match style {
            Style::Original => {}
            Style::Binary => w.val.iter_mut().for_each(|v| *v = 1.0),
            Style::Row => {
                for i in 0..w.n() {
                    let (a, b) = (w.row_ptr[i], w.row_ptr[i + 1]);
                    ticker.tick_by(b - a + 1);
                    let s: f64 = crate::sum::sum(w.val[a..b].iter().copied());
                    if s > 0.0 {
                        w.val[a..b].iter_mut().for_each(|v| *v /= s);
                    }
                }
            }
        }
        Ok(w)
    }

    /// Spatial lag (W z)_i ([`Weights::lag_checked`] without a check; panics
    /// only where that returns an error).
    pub fn lag(&self, z: &[f64]) -> Vec<f64> {
        infallible(self.lag_checked(z, &mut interrupt::none()))
    }

    /// Spatial lag (W z)_i; `z` has one value per unit (22023 otherwise).
    pub fn lag_checked(&self, z: &[f64], mut check: Check<'_>) -> Result<Vec<f64>> {
        if z.len() != self.n() {
            return Err(Error::invalid(format!("{} values for {} units", z.len(), self.n())));
        }
        let mut out = mem::vec_with_capacity(self.n(), "the spatial lag")?;
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        for i in 0..self.n() {
            let (c, v) = self.row(i);
            ticker.tick_by(c.len() + 1);
            out.push(c.iter().zip(v).map(|(&j, &w)| w * z[j]).sum());
        }
        Ok(out)
    }

    /// The weight of link (i, j), 0 when absent.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        let (c, v) = self.row(i);
        match c.binary_search(&j) {
            Ok(k) => v[k],
            Err(_) => 0.0,
        }
    }

    /// [`Weights::locality_order_checked`] without a check (panics only where
    /// that returns an error).
    pub fn locality_order(&self) -> Vec<usize> {
        infallible(self.locality_order_checked(&mut interrupt::none()))
    }

    /// A Cuthill-McKee ordering of the units: breadth-first from a unit of
    /// least degree, neighbours by increasing degree. Units linked to each
    /// other get nearby positions, so the gathers of a spatial lag hit the
    /// cache (it does not change any statistic, only where values sit in
    /// memory). Buffers go through [`mem`]; `check` every ~64k links.
    pub fn locality_order_checked(&self, mut check: Check<'_>) -> Result<Vec<usize>> {
        const WHAT: &str = "the locality order of the weights";
        let n = self.n();
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        let mut deg = mem::vec_with_capacity(n, WHAT)?;
        deg.extend((0..n).map(|i| self.cardinality(i)));
        // units by (degree, index): a counting sort on the degree (< n), stable
        let mut start = mem::vec_filled(0usize, n + 1, WHAT)?;
        for &d in &deg {
            start[d + 1] += 1;
        }
        for d in 0..n {
            start[d + 1] += start[d];
        }
        let mut by_degree = mem::vec_filled(0usize, n, WHAT)?;
        for (i, &d) in deg.iter().enumerate() {
            ticker.tick();
            by_degree[start[d]] = i;
            start[d] += 1;
        }
        drop(start);
        let mut seen = mem::vec_filled(false, n, WHAT)?;
        let mut order = mem::vec_with_capacity(n, WHAT)?;
        let mut nb: Vec<usize> = Vec::new();
        for &start in &by_degree {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut head = order.len();
            order.push(start);
            while head < order.len() {
                let u = order[head];
                head += 1;
                let row = self.row(u).0;
                ticker.tick_by(row.len() + 1);
                nb.clear();
                mem::reserve(&mut nb, row.len(), WHAT)?;
                nb.extend(row.iter().copied().filter(|&v| !seen[v]));
                nb.sort_unstable_by_key(|&v| (deg[v], v));
                for &v in &nb {
                    if !seen[v] {
                        seen[v] = true;
                        order.push(v);
                    }
                }
            }
        }
        Ok(order)
    }

    /// [`Weights::reordered_checked`] without a check (panics where that
    /// returns an error: `order` not a permutation, or memory).
    pub fn reordered(&self, order: &[usize]) -> Weights {
        infallible(self.reordered_checked(order, &mut interrupt::none()))
    }

    /// The matrix with units relabelled: new position p holds old unit
    /// `order[p]` (ids follow). `order` must be a permutation of 0..n (22023
    /// otherwise). Buffers go through [`mem`]; `check` every ~64k links.
    pub fn reordered_checked(&self, order: &[usize], mut check: Check<'_>) -> Result<Weights> {
        const WHAT: &str = "the reordered weights";
        let n = self.n();
        if order.len() != n {
            return Err(Error::invalid(format!("a reordering of {n} units has {} positions", order.len())));
        }
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        let mut pos = mem::vec_filled(usize::MAX, n, WHAT)?;
        for (p, &old) in order.iter().enumerate() {
            if old >= n || pos[old] != usize::MAX {
                return Err(Error::invalid(format!(
                    "the reordering is not a permutation of the {n} units (position {p})"
                )));
            }
            pos[old] = p;
        }
        let mut row_ptr = mem::vec_with_capacity(n + 1, WHAT)?;
        let mut col = mem::vec_with_capacity(self.col.len(), WHAT)?;
        let mut val = mem::vec_with_capacity(self.val.len(), WHAT)?;
        let mut ids = mem::vec_with_capacity(n, WHAT)?;
        row_ptr.push(0);
        let mut row: Vec<(usize, f64)> = Vec::new();
        for &old in order {
            let (c, v) = self.row(old);
            ticker.tick_by(c.len() + 1);
            row.clear();
            mem::reserve(&mut row, c.len(), WHAT)?;
            row.extend(c.iter().zip(v).map(|(&j, &w)| (pos[j], w)));
            row.sort_unstable_by_key(|&(j, _)| j);
            col.extend(row.iter().map(|&(j, _)| j));
            val.extend(row.iter().map(|&(_, w)| w));
            row_ptr.push(col.len());
            ids.push(self.ids[old]);
        }
        Ok(Weights { ids, row_ptr, col, val })
    }

    /// [`Weights::transpose_checked`] without a check (panics only where
    /// that returns an error).
    pub fn transpose(&self) -> Weights {
        infallible(self.transpose_checked(&mut interrupt::none()))
    }

    /// The transpose, in CSR form (a counting sort of the entries by column).
    /// Buffers go through [`mem`]; `check` every ~64k links.
    pub fn transpose_checked(&self, mut check: Check<'_>) -> Result<Weights> {
        const WHAT: &str = "the transposed weights";
        let n = self.n();
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        let mut count = mem::vec_filled(0usize, n + 1, WHAT)?;
        for &j in &self.col {
            ticker.tick();
            count[j + 1] += 1;
        }
        for k in 0..n {
            count[k + 1] += count[k];
        }
        let row_ptr = mem::to_vec(&count, WHAT)?;
        let mut next = count;
        let mut col = mem::vec_filled(0usize, self.col.len(), WHAT)?;
        let mut val = mem::vec_filled(0.0, self.val.len(), WHAT)?;
        for i in 0..n {
            let (c, v) = self.row(i);
            ticker.tick_by(c.len() + 1);
            for (&j, &w) in c.iter().zip(v) {
                col[next[j]] = i;
                val[next[j]] = w;
                next[j] += 1;
            }
        }
        Ok(Weights { ids: mem::to_vec(&self.ids, WHAT)?, row_ptr, col, val })
    }

    /// S0 = sum_ij w_ij.
    pub fn s0(&self) -> f64 {
        crate::sum::sum(self.val.iter().copied())
    }

    /// [`Weights::s1_s2_checked`] without a check (panics only where that
    /// returns an error).
    pub fn s1_s2(&self) -> (f64, f64) {
        infallible(self.s1_s2_checked(&mut interrupt::none()))
    }

    /// S1 = 1/2 sum_ij (w_ij + w_ji)^2 and S2 = sum_i (w_i. + w_.i)^2, in one
    /// merge of each row of W with the same row of its transpose. `check`
    /// every ~64k links.
    pub fn s1_s2_checked(&self, mut check: Check<'_>) -> Result<(f64, f64)> {
        let t = self.transpose_checked(&mut *check)?;
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        let mut s1 = crate::sum::NeumaierSum::new();
        let mut s2 = crate::sum::NeumaierSum::new();
        for i in 0..self.n() {
            let (ca, va) = self.row(i);
            let (cb, vb) = t.row(i);
            ticker.tick_by(ca.len() + cb.len() + 1);
            let (mut a, mut b) = (0, 0);
            let mut row_col_sum = 0.0;
            while a < ca.len() || b < cb.len() {
                let (x, y) = if b == cb.len() || (a < ca.len() && ca[a] < cb[b]) {
                    a += 1;
                    (va[a - 1], 0.0)
                } else if a == ca.len() || cb[b] < ca[a] {
                    b += 1;
                    (0.0, vb[b - 1])
                } else {
                    a += 1;
                    b += 1;
                    (va[a - 1], vb[b - 1])
                };
                s1.add((x + y) * (x + y));
                row_col_sum += x + y;
            }
            s2.add(row_col_sum * row_col_sum);
        }
        Ok((s1.value() / 2.0, s2.value()))
    }

    /// [`Weights::summary_checked`] without a check.
    pub fn summary(&self) -> Summary {
        self.summary_checked(&mut interrupt::none())
    }

    /// n, links, islands, asymmetric pairs, neighbour counts and S0, in one
    /// pass over the rows (no input-sized buffer); `check` every ~64k links.
    pub fn summary_checked(&self, mut check: Check<'_>) -> Summary {
        let n = self.n();
        let mut ticker = Ticker::new(&mut check, TICK_LINKS);
        let (mut asym, mut islands, mut min, mut max) = (0, 0, usize::MAX, 0);
        for i in 0..n {
            let (c, v) = self.row(i);
            ticker.tick_by(c.len() + 1);
            islands += usize::from(c.is_empty());
            min = min.min(c.len());
            max = max.max(c.len());
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
            islands,
            asymmetric_pairs: asym,
            min_neighbours: if n == 0 { 0 } else { min },
            mean_neighbours: if n == 0 { 0.0 } else { self.links() as f64 / n as f64 },
            max_neighbours: max,
            s0: self.s0(),
        }
    }
}

/// A path graph 0 - 1 - ... - (n - 1) with binary weights, for tests.
#[cfg(test)]
pub(crate) fn line(n: i64) -> Weights {
    let ids: Vec<i64> = (0..n).collect();
    let mut t = Vec::new();
    for i in 0..n - 1 {
        t.push((i, i + 1, 1.0));
        t.push((i + 1, i, 1.0));
    }
    Weights::from_triples(&ids, &t).unwrap()
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
    fn reordering_keeps_the_matrix() {
        let ids = [10, 20, 30, 40];
        let t = [(10, 20, 1.0), (20, 30, 2.0), (30, 20, 0.5), (40, 10, 3.0), (10, 30, 1.5)];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let order = w.locality_order();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2, 3]);
        let r = w.reordered(&order);
        for a in 0..4 {
            for b in 0..4 {
                let (ia, ib) = (order[a], order[b]);
                assert_eq!(r.get(a, b), w.get(ia, ib));
            }
        }
        assert_eq!(r.s1_s2(), w.s1_s2());
        assert_eq!(r.ids()[0], ids[order[0]]);
    }

    #[test]
    fn islands_and_errors() {
        let w = Weights::from_triples(&[1, 2, 3], &[(1, 2, 1.0), (2, 1, 1.0)]).unwrap();
        assert_eq!(w.islands(), 1);
        assert_eq!(w.transform(Style::Row).row(2).1.len(), 0);
        assert!(Weights::from_triples(&[1, 2], &[(1, 3, 1.0)]).unwrap_err().message.contains("unit 3"));
        assert!(Weights::from_triples(&[1, 1], &[]).unwrap_err().message.contains("more than once"));
        // weights whose total overflows: 22003 by name, not an infinite S0
        let e = Weights::from_triples(&[1, 2], &[(1, 2, 1e308), (2, 1, 1e308)]).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::OutOfRange);
        assert!(e.message.contains("S0"), "{}", e.message);
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

    /// A relation naming units without data: from_triples refuses it,
    /// subset drops those links, counts them, and builds what from_triples
    /// builds from the remaining links.
    #[test]
    fn subset_drops_links_to_absent_units() {
        // 1 - 2 - 3 - 4 - 5 on a line plus 3 - 9; data only for 1, 2, 4, 5 (3 and 9 absent)
        let t = [
            (1, 2, 1.0),
            (2, 1, 1.0),
            (2, 3, 1.0),
            (3, 2, 1.0),
            (3, 4, 1.0),
            (4, 3, 1.0),
            (4, 5, 1.0),
            (5, 4, 1.0),
            (3, 9, 2.0),
            (9, 3, 0.0),
        ];
        let ids = [5, 1, 2, 4];
        assert!(Weights::from_triples(&ids, &t).unwrap_err().message.contains("unit 3 has no value"));
        let (w, sub) = Weights::subset(&ids, &t).unwrap();
        assert_eq!(sub, Subset { absent_units: 2, dropped_links: 6, absent: vec![3, 9] });
        assert!(sub.require_exact().is_err());
        let kept: Vec<_> = t.iter().copied().filter(|&(a, b, _)| ids.contains(&a) && ids.contains(&b)).collect();
        assert_eq!(w, Weights::from_triples(&ids, &kept).unwrap());
        assert_eq!((w.n(), w.links(), w.islands()), (4, 4, 0));
        // the style afterwards: 2 has lost its neighbour 3, so its row is (1) alone
        let r = w.transform(Style::Row);
        assert_eq!(r.row(2), (&[1usize][..], &[1.0][..]));
        // nothing absent: the same matrix as from_triples and an empty report
        let (w, sub) = Weights::subset(&[1, 2, 3, 4, 5, 9], &t).unwrap();
        assert_eq!(w, Weights::from_triples(&[1, 2, 3, 4, 5, 9], &t).unwrap());
        assert_eq!(sub, Subset::default());
        assert!(sub.require_exact().is_ok());
        // every neighbour absent: an island, kept in n, empty after row-standardising
        let (w, sub) = Weights::subset(&[1, 3, 5], &t).unwrap();
        assert_eq!((w.n(), w.links(), w.islands()), (3, 0, 3));
        assert_eq!(sub.absent, vec![2, 4, 9]);
        assert_eq!(w.transform(Style::Row).s0(), 0.0);
    }

    #[test]
    fn subset_keeps_every_other_check() {
        let ids = [1, 2];
        let inv = crate::ErrorKind::InvalidParameter;
        // bad weights and self-links are refused even on a link that would be dropped
        let e = Weights::subset(&ids, &[(1, 7, -1.0)]).unwrap_err();
        assert!(e.kind == inv && e.message.contains("non-negative"), "{}", e.message);
        assert!(Weights::subset(&ids, &[(7, 1, f64::INFINITY)]).unwrap_err().message.contains("Infinity"));
        assert!(Weights::subset(&ids, &[(7, 7, 1.0)]).unwrap_err().message.contains("itself"));
        assert!(Weights::subset(&ids, &[(1, 1, 1.0)]).unwrap_err().message.contains("itself"));
        // a zero self-link is no link (as in from_triples), but still names an absent unit
        let (w, sub) = Weights::subset(&ids, &[(7, 7, 0.0), (1, 2, 1.0)]).unwrap();
        assert_eq!((w.links(), sub.absent_units, sub.dropped_links), (1, 1, 1));
        assert!(Weights::subset(&[1, 1], &[]).unwrap_err().message.contains("more than once"));
        assert!(Weights::subset(&ids, &[(1, 2, 1.0), (1, 2, 1.0), (1, 3, 1.0)])
            .unwrap_err()
            .message
            .contains("appears more than once"));
        let e = Weights::subset(&ids, &[(1, 2, 1e308), (2, 1, 1e308), (2, 5, 1e308)]).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::OutOfRange);
    }

    #[test]
    fn absent_units_error_names_at_most_ten() {
        let twelve: Vec<i64> = vec![3, 17, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29];
        let e = absent_units_error(&twelve, twelve.len());
        assert_eq!(e.kind, crate::ErrorKind::InvalidParameter);
        assert_eq!(e.kind.sqlstate(), "22023");
        assert_eq!(
            e.message,
            "weights relation names units absent from the group: 3, 17, 20, 21, 22, 23, 24, 25, 26, 27, ... (12 in all)"
        );
        assert_eq!(
            absent_units_error(&[3, 17], 2).message,
            "weights relation names units absent from the group: 3, 17"
        );
        assert_eq!(absent_units_error(&twelve[..10], 10).message.matches(", ").count(), 9);
        // through the report: the sorted ids of a relation whose absent units come unsorted
        let t: Vec<(i64, i64, f64)> = (0..12).map(|k| (1, 100 - k, 1.0)).collect();
        let (_, sub) = Weights::subset(&[1, 2], &t).unwrap();
        let e = sub.require_exact().unwrap_err();
        assert!(e.message.ends_with("89, 90, 91, 92, 93, 94, 95, 96, 97, 98, ... (12 in all)"), "{}", e.message);
    }

    #[test]
    fn subset_checked_ticks_and_matches() {
        let n = 100_000i64;
        let ids: Vec<i64> = (0..n).filter(|i| i % 10 != 3).collect();
        let mut t = Vec::new();
        for i in 0..n {
            t.push((i, (i + 1) % n, 1.0));
            t.push(((i + 1) % n, i, 1.0));
        }
        let mut calls = 0;
        let (w, sub) = Weights::subset_checked(&ids, &t, &mut || calls += 1).unwrap();
        assert!(calls >= 3, "{calls}");
        assert_eq!(sub.absent_units, 10_000);
        assert_eq!(sub.dropped_links, 40_000);
        assert_eq!(w.links(), 2 * n as usize - 40_000);
        assert_eq!(w.islands(), 0);
    }

    /// The O(links) passes call the check (every ~64k links) and give what
    /// the unchecked forms give; before, they ran to the end without one.
    #[test]
    fn checked_passes_tick_and_match() {
        let n = 100_000i64;
        let ids: Vec<i64> = (0..n).map(|i| 3 * i + 1).collect();
        let mut t = Vec::new();
        for i in 0..n {
            t.push((ids[i as usize], ids[((i + 1) % n) as usize], 1.0 + (i % 7) as f64));
            t.push((ids[i as usize], ids[((i + 5) % n) as usize], 0.5));
        }
        let mut calls = 0;
        let w = Weights::from_triples_checked(&ids, &t, &mut || calls += 1).unwrap();
        assert!(calls >= 3, "{calls}");
        assert_eq!(w, Weights::from_triples(&ids, &t).unwrap());
        let count = |f: &dyn Fn(Check<'_>)| {
            let mut calls = 0;
            f(&mut || calls += 1);
            assert!(calls >= 2, "{calls}");
        };
        count(&|c| assert_eq!(w.transform_checked(Style::Row, c).unwrap(), w.transform(Style::Row)));
        count(&|c| assert_eq!(w.transpose_checked(c).unwrap(), w.transpose()));
        count(&|c| assert_eq!(w.s1_s2_checked(c).unwrap(), w.s1_s2()));
        count(&|c| assert_eq!(w.summary_checked(c), w.summary()));
        let z: Vec<f64> = (0..n).map(|i| i as f64).collect();
        count(&|c| assert_eq!(w.lag_checked(&z, c).unwrap(), w.lag(&z)));
        let order = w.locality_order();
        count(&|c| assert_eq!(w.locality_order_checked(c).unwrap(), order));
        count(&|c| assert_eq!(w.reordered_checked(&order, c).unwrap(), w.reordered(&order)));
    }

    #[test]
    fn checked_passes_refuse_bad_arguments() {
        let w = line();
        let mut none = interrupt::none();
        assert!(w.reordered_checked(&[0, 0, 1], &mut none).unwrap_err().message.contains("permutation"));
        assert!(w.reordered_checked(&[0, 3, 1], &mut none).unwrap_err().message.contains("permutation"));
        assert!(w.reordered_checked(&[0, 1], &mut none).is_err());
        assert!(w.lag_checked(&[1.0], &mut none).unwrap_err().message.contains("3 units"));
        // the Cuthill-McKee order as before: from the least-degree unit, by degree then index
        assert_eq!(w.locality_order(), vec![0, 1, 2]);
        let star =
            Weights::from_triples(&[1, 2, 3, 4], &[(1, 2, 1.0), (1, 3, 1.0), (1, 4, 1.0), (4, 1, 1.0), (2, 1, 1.0)])
                .unwrap();
        assert_eq!(star.locality_order(), vec![2, 1, 0, 3]);
    }
}
