//! Local Moran's I (LISA; Anselin 1995) per unit, with esda's and GeoDa's
//! scaling and spdep's analytic inference.
//!
//! With z = x - mean(x), m2 = sum z^2 / n and the spatial lag (W z)_i:
//!
//! ```text
//! I_i      = (n - 1) z_i (W z)_i / sum_j z_j^2          esda `Is`, GeoDa, spdep localmoran(mlvar = FALSE)
//! E_i      = -z_i^2 w_i. / ((n - 1) m2)                 conditional moments (Sokal et al. 1998),
//! Var_i    = (z_i / m2)^2 n / (n - 2) (w_i(2) - w_i.^2 / (n - 1)) (m2 - z_i^2 / (n - 1))
//!                                                       esda `EIc`, `VIc`; spdep conditional = TRUE
//! z_i      = (z_i (W z)_i / m2 - E_i) / sqrt(Var_i)     spdep's Z.Ii (mlvar = TRUE, conditional = TRUE)
//! ```
//!
//! w_i. = sum_j w_ij, w_i(2) = sum_j w_ij^2. The quadrant of the Moran scatter
//! plot: `HH` (z > 0, lag > 0), `LH`, `LL`, `HL`; a zero counts as low, as in
//! esda. Permutation inference is conditional (Anselin 1995): for unit i, the
//! other n - 1 values are permuted and |N(i)| of them become its neighbours;
//! the pseudo p-value is folded to the smaller tail, as esda's.
//!
//! GeoDa's outputs: [`cluster_labels`] (the cluster map, with Bonferroni or
//! FDR corrections), [`moran_scatter`] (the points of the Moran scatter
//! plot) and [`spatial_lag`].

use crate::error::{Error, Result};
use crate::moran::p_two_sided;
use crate::rng::Rng;
use crate::sum::sum;
use crate::weights::Weights;
use rayon::prelude::*;

/// One unit's LISA by the reference formulas (esda, spdep): the values the
/// fixtures compare, NaN where the formulas are 0/0 (an island's z and p, as
/// esda). What SQL shows goes through [`LocalMoran::checked`], which turns
/// every undefined field into `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lisa {
    pub ii: f64,
    pub expected: f64,
    pub variance: f64,
    pub z: f64,
    pub p: f64,
    pub quadrant: &'static str,
    /// Spatial lag of the value, (W x)_i.
    pub lag: f64,
    /// The unit has no neighbours.
    pub island: bool,
}

/// One unit's LISA as SQL shows it: never NaN or infinite.
///
/// Islands (units without neighbours) have `island = true`, I_i = E_i = 0,
/// lag 0 (esda's convention), and no variance, z, p or quadrant (`None`:
/// NULL in SQL; the glue may show the quadrant as "island"). A unit whose
/// value equals the mean has variance 0 and no z or p.
#[derive(Debug, Clone, PartialEq)]
pub struct LisaRow {
    pub ii: f64,
    pub expected: f64,
    /// `None` for an island (no neighbours: the conditional variance is 0/0).
    pub variance: Option<f64>,
    /// `None` where the variance is not positive (islands, z_i = 0).
    pub z: Option<f64>,
    /// `None` with `z`.
    pub p: Option<f64>,
    /// "HH", "LH", "LL" or "HL"; `None` for an island.
    pub quadrant: Option<&'static str>,
    /// Spatial lag of the value, (W x)_i (0 for an island).
    pub lag: f64,
    /// The unit has no neighbours.
    pub island: bool,
}

/// Conditional permutation inference of one unit: all `None` for an island
/// (no neighbours to permute); `z_sim` also when the permuted values are all
/// equal (sd_sim = 0).
#[derive(Debug, Clone, PartialEq)]
pub struct LisaSim {
    pub p_sim: Option<f64>,
    pub mean_sim: Option<f64>,
    pub sd_sim: Option<f64>,
    pub z_sim: Option<f64>,
}

pub struct LocalMoran<'w> {
    w: &'w Weights,
    z: Vec<f64>,
    x: Vec<f64>,
    m2: f64,
    scale: f64, // (n - 1) / sum z^2
}

impl<'w> LocalMoran<'w> {
    pub fn new(w: &'w Weights, x: &[f64]) -> Result<LocalMoran<'w>> {
        let n = w.n();
        if x.len() != n || n < 3 {
            return Err(Error::invalid(format!("local Moran needs at least 3 units with values, got {}", x.len())));
        }
        let nf = n as f64;
        // deviations scaled by a power of two when x is extreme: every field
        // but the lag is scale-invariant
        let (z, z2) = crate::moran::centred(x, w.ids(), "value", "local Moran")?;
        Ok(LocalMoran { w, z, x: crate::mem::to_vec(x, "the values")?, m2: z2 / nf, scale: (nf - 1.0) / z2 })
    }

    /// The LISA of every unit by the reference formulas (see [`Lisa`]).
    pub fn analytic(&self) -> Vec<Lisa> {
        let n = self.w.n();
        let nf = n as f64;
        let lag_z = self.w.lag(&self.z);
        let lag_x = self.w.lag(&self.x);
        (0..n)
            .map(|i| {
                let (_, v) = self.w.row(i);
                let wi = sum(v.iter().copied());
                let wi2 = sum(v.iter().map(|w| w * w));
                let zi = self.z[i];
                let ii = self.scale * zi * lag_z[i];
                let expected = -(zi * zi * wi) / ((nf - 1.0) * self.m2);
                let variance = (zi / self.m2).powi(2) * (nf / (nf - 2.0)) * (wi2 - wi * wi / (nf - 1.0))
                    * (self.m2 - zi * zi / (nf - 1.0));
                let ii_ml = zi * lag_z[i] / self.m2;
                let z = (ii_ml - expected) / variance.sqrt();
                let quadrant = match (zi > 0.0, lag_z[i] > 0.0) {
                    (true, true) => "HH",
                    (false, true) => "LH",
                    (false, false) => "LL",
                    (true, false) => "HL",
                };
                Lisa { ii, expected, variance, z, p: p_two_sided(z), quadrant, lag: lag_x[i], island: v.is_empty() }
            })
            .collect()
    }

    /// The rows SQL shows, from [`LocalMoran::analytic`]'s output: islands
    /// and undefined fields as `None` (see [`LisaRow`]). Errors: a spatial
    /// lag (W x)_i beyond double precision (22003, naming the unit).
    pub fn checked(&self, lisa: &[Lisa]) -> Result<Vec<LisaRow>> {
        let ids = self.w.ids();
        let mut out = crate::mem::vec_with_capacity(lisa.len(), "the LISA of every unit")?;
        for (i, l) in lisa.iter().enumerate() {
            if l.island {
                out.push(LisaRow { ii: 0.0, expected: 0.0, variance: None, z: None, p: None, quadrant: None, lag: 0.0, island: true });
                continue;
            }
            if !l.lag.is_finite() {
                return Err(Error::out_of_range(format!(
                    "the spatial lag of unit {} overflows double precision",
                    ids.get(i).copied().unwrap_or(i as i64)
                )));
            }
            let defined = |v: f64| v.is_finite().then_some(v);
            let z = (l.variance > 0.0).then_some(l.z).and_then(defined);
            out.push(LisaRow {
                ii: l.ii,
                expected: l.expected,
                variance: defined(l.variance).map(|v| v.max(0.0)),
                z,
                p: z.map(|_| l.p),
                quadrant: Some(l.quadrant),
                lag: l.lag,
                island: false,
            });
        }
        Ok(out)
    }

    /// Conditional permutation inference of unit i, sequential.
    fn simulate_unit(&self, i: usize, observed: f64, permutations: u64, seed: u64) -> LisaSim {
        let n = self.w.n();
        let (_, v) = self.w.row(i);
        let k = v.len();
        // (a self-link could give a unit as many neighbours as there are
        // other units plus one: nothing to permute then either)
        if k == 0 || k > n.saturating_sub(1) {
            return LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None };
        }
        // the other units' deviations
        let others: Vec<f64> = (0..n).filter(|&j| j != i).map(|j| self.z[j]).collect();
        let mut idx: Vec<usize> = (0..others.len()).collect();
        let mut sims = Vec::with_capacity(permutations as usize);
        let zi = self.z[i];
        for p in 0..permutations {
            let mut rng = Rng::stream(seed ^ (i as u64).wrapping_mul(0x9E37_79B9), p);
            // partial Fisher-Yates: the first k positions are a random k-subset
            for a in 0..k {
                let b = a + rng.below((idx.len() - a) as u64) as usize;
                idx.swap(a, b);
            }
            let lag: f64 = v.iter().zip(&idx[..k]).map(|(w, &j)| w * others[j]).sum();
            sims.push(self.scale * zi * lag);
        }
        let inf = crate::moran::permutation_inference(observed, &sims);
        LisaSim { p_sim: Some(inf.p_sim), mean_sim: Some(inf.mean_sim), sd_sim: Some(inf.sd_sim), z_sim: inf.z_sim }
    }

    /// Conditional permutation inference for units `first..first + count`, on a pool.
    pub fn simulate(
        &self,
        pool: &rayon::ThreadPool,
        lisa: &[Lisa],
        first: usize,
        count: usize,
        permutations: u64,
        seed: u64,
    ) -> Vec<LisaSim> {
        pool.install(|| {
            (first..first + count)
                .into_par_iter()
                .map(|i| match lisa.get(i) {
                    Some(l) if i < self.w.n() => self.simulate_unit(i, l.ii, permutations, seed),
                    _ => LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None },
                })
                .collect()
        })
    }
}

/// Multiple-comparison correction of the LISA cluster map (GeoDa's
/// significance filter options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Correction {
    /// p <= cutoff.
    None,
    /// Bonferroni bound: p <= cutoff / n.
    Bonferroni,
    /// False discovery rate, Benjamini-Hochberg (see [`cluster_labels`]).
    Fdr,
}

impl Correction {
    /// Parses `none`, `bonferroni` or `fdr` (any case; also `bh`).
    pub fn parse(s: &str) -> Result<Correction> {
        match s.to_ascii_lowercase().as_str() {
            "none" | "" => Ok(Correction::None),
            "bonferroni" => Ok(Correction::Bonferroni),
            "fdr" | "bh" | "benjamini-hochberg" => Ok(Correction::Fdr),
            other => Err(Error::invalid(format!(
                "unknown correction '{other}': use 'none', 'bonferroni' or 'fdr'"
            ))),
        }
    }
}

/// GeoDa's cluster names.
pub const HIGH_HIGH: &str = "High-High";
pub const LOW_LOW: &str = "Low-Low";
pub const LOW_HIGH: &str = "Low-High";
pub const HIGH_LOW: &str = "High-Low";
pub const NOT_SIGNIFICANT: &str = "Not significant";
pub const NEIGHBORLESS: &str = "Neighborless";

/// [`cluster_labels_checked`] without a cancellation check.
pub fn cluster_labels(rows: &[LisaRow], p: &[Option<f64>], cutoff: f64, correction: Correction) -> Result<Vec<&'static str>> {
    cluster_labels_checked(rows, p, cutoff, correction, &mut crate::interrupt::none())
}

/// The LISA cluster map of GeoDa: one label per unit from its row (the
/// quadrant) and its p-value (`p[i]`, analytic or pseudo p: the caller's
/// choice).
///
/// - An island (`rows[i].island`) is "Neighborless", whatever its p.
/// - A unit whose p is `None` (zero variance, no permutation) is
///   "Not significant".
/// - A unit is significant when p <= the threshold below (GeoDa maps
///   p > cutoff as not significant); a significant unit is named by its
///   quadrant: "High-High" (HH), "Low-Low" (LL), "Low-High" (LH),
///   "High-Low" (HL), with the quadrant convention of [`LisaRow`] (a value
///   or lag equal to the mean counts as low).
///
/// n below is the number of units, `rows.len()` (GeoDa's number of
/// observations): islands and units without p count in n but are never
/// significant.
///
/// - [`Correction::None`]: p <= cutoff.
/// - [`Correction::Bonferroni`]: p <= cutoff / n.
/// - [`Correction::Fdr`]: the Benjamini-Hochberg (1995) step-up rule: with
///   the defined p-values sorted ascending, p_(1) <= ... <= p_(m), k is the
///   largest rank with p_(k) <= k cutoff / n; the units with p <= p_(k)
///   (all ranks up to k, ties included) are significant, none when there is
///   no such k. This is the definition GeoDa's workbook gives (rank i, cut-off
///   i alpha / n on the sorted p-values); GeoDa's own loop was not checked
///   line by line, so a GeoDa build that stops at the first rank failing the
///   test (a step-down variant) could mark fewer units.
///
/// Errors (22023): `p` and `rows` of different lengths, a cutoff outside the
/// open interval (0, 1), a p-value that is NaN or outside [0, 1] (naming its
/// position). Buffers go through [`crate::mem`]; `check` every 64k units.
pub fn cluster_labels_checked(
    rows: &[LisaRow],
    p: &[Option<f64>],
    cutoff: f64,
    correction: Correction,
    mut check: crate::interrupt::Check<'_>,
) -> Result<Vec<&'static str>> {
    let n = rows.len();
    if p.len() != n {
        return Err(Error::invalid(format!("{} p-values for {n} units", p.len())));
    }
    if !(cutoff > 0.0 && cutoff < 1.0) {
        return Err(Error::invalid(format!(
            "the significance cutoff must lie strictly between 0 and 1, got {}",
            crate::error::sql_float(cutoff)
        )));
    }
    let mut ticker = crate::interrupt::Ticker::new(&mut check, 1 << 16);
    for (i, v) in p.iter().enumerate() {
        ticker.tick();
        if let Some(v) = *v {
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::invalid(format!(
                    "p-value {} (unit {}) is not a probability",
                    crate::error::sql_float(v),
                    i + 1
                )));
            }
        }
    }
    let tested = |i: usize| if rows[i].island { None } else { p[i] };
    let nf = n as f64;
    let threshold = match correction {
        Correction::None => Some(cutoff),
        Correction::Bonferroni => Some(cutoff / nf),
        Correction::Fdr => {
            let mut sorted = crate::mem::vec_with_capacity(n, "the sorted p-values")?;
            sorted.extend((0..n).filter_map(tested));
            ticker.tick_by(sorted.len());
            sorted.sort_unstable_by(f64::total_cmp);
            // the largest rank k (1-based) with p_(k) <= k cutoff / n
            sorted
                .iter()
                .enumerate()
                .rev()
                .find(|&(k, &pk)| pk <= (k + 1) as f64 * cutoff / nf)
                .map(|(_, &pk)| pk)
        }
    };
    let mut out = crate::mem::vec_with_capacity(n, "the LISA cluster labels")?;
    for (i, row) in rows.iter().enumerate() {
        ticker.tick();
        let label = if row.island {
            NEIGHBORLESS
        } else {
            match (tested(i), threshold) {
                (Some(pi), Some(t)) if pi <= t => match row.quadrant {
                    Some("HH") => HIGH_HIGH,
                    Some("LL") => LOW_LOW,
                    Some("LH") => LOW_HIGH,
                    Some("HL") => HIGH_LOW,
                    _ => NOT_SIGNIFICANT,
                },
                _ => NOT_SIGNIFICANT,
            }
        };
        out.push(label);
    }
    Ok(out)
}

/// How [`moran_scatter_with`] standardises the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standardise {
    /// (x - mean) / s with the sample standard deviation (divisor n - 1),
    /// as GeoDa's `GenUtils::StandardizeData`, which its Moran scatter plot
    /// and LISA use.
    Sample,
    /// (x - mean) / sigma with the population standard deviation (divisor n).
    Population,
}

/// [`spatial_lag_checked`] without a cancellation check.
pub fn spatial_lag(w: &Weights, x: &[f64]) -> Result<Vec<f64>> {
    spatial_lag_checked(w, x, &mut crate::interrupt::none())
}

/// The spatial lag W x, (W x)_i = sum_j w_ij x_j (0 for an island), with
/// the weights as given (row-standardise them first for the average of the
/// neighbours). Errors: a length other than the number of units or a value
/// that is not finite (22023, naming the unit), a lag beyond double
/// precision (22003, naming the unit). `check` every ~64k links.
pub fn spatial_lag_checked(w: &Weights, x: &[f64], check: crate::interrupt::Check<'_>) -> Result<Vec<f64>> {
    if x.len() != w.n() {
        return Err(Error::invalid(format!("{} values for {} units", x.len(), w.n())));
    }
    for (v, id) in x.iter().zip(w.ids()) {
        crate::error::finite_lazy(*v, || format!("value of unit {id}"))?;
    }
    let lag = w.lag_checked(x, check)?;
    if let Some(i) = lag.iter().position(|v| !v.is_finite()) {
        return Err(Error::out_of_range(format!("the spatial lag of unit {} overflows double precision", w.ids()[i])));
    }
    Ok(lag)
}

/// [`moran_scatter_with`] with GeoDa's standardisation ([`Standardise::Sample`])
/// and no cancellation check.
pub fn moran_scatter(w: &Weights, x: &[f64]) -> Result<Vec<(f64, f64)>> {
    moran_scatter_with(w, x, Standardise::Sample, &mut crate::interrupt::none())
}

/// The points of the Moran scatter plot: for each unit, (z_i, (W z)_i) with
/// z the standardised values ([`Standardise`]) and W the weights as given.
///
/// With row-standardised weights and no islands, the least-squares slope of
/// the lag on z is Moran's I (sum z (W z) / sum z^2 = I S0 / n, and S0 = n);
/// with islands it is I (n - islands) / n. The slope does not depend on the
/// standardisation (a common factor of z and W z).
///
/// Errors: a length other than the number of units, a non-finite value
/// (22023), fewer than 2 units or all values equal (22012: no standard
/// deviation). Extreme values are scaled before squaring, so no finite
/// input overflows. `check` every ~64k links.
pub fn moran_scatter_with(
    w: &Weights,
    x: &[f64],
    standardise: Standardise,
    check: crate::interrupt::Check<'_>,
) -> Result<Vec<(f64, f64)>> {
    let n = w.n();
    if x.len() != n {
        return Err(Error::invalid(format!("{} values for {n} units", x.len())));
    }
    if n < 2 {
        return Err(Error::div_zero(format!("the Moran scatter plot needs at least 2 units to standardise, got {n}")));
    }
    // deviations times a power of two f, and their sum of squares (scaled alike)
    let (mut z, zz, _) = crate::moran::centred_scaled(x, w.ids(), "value", "the Moran scatter plot")?;
    let divisor = match standardise {
        Standardise::Sample => (n - 1) as f64,
        Standardise::Population => n as f64,
    };
    let sd = (zz / divisor).sqrt();
    z.iter_mut().for_each(|v| *v /= sd);
    let lag = spatial_lag_checked(w, &z, check)?;
    let mut out = crate::mem::vec_with_capacity(n, "the Moran scatter plot")?;
    out.extend(z.into_iter().zip(lag));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_and_sum() {
        // line 1 - 2 - 3 - 4, binary: sum_i I_i = (n - 1) / n * n/S0 * ... ; check
        // sum_i I_i = (n - 1) * sum_ij w z z / sum z^2 and the quadrants
        let ids = [0, 1, 2, 3];
        let t = [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0), (3, 2, 1.0)];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let lm = LocalMoran::new(&w, &[1.0, 2.0, 3.0, 4.0]).unwrap();
        let l = lm.analytic();
        let total: f64 = l.iter().map(|x| x.ii).sum();
        assert!((total - 3.0 * 2.5 / 5.0).abs() < 1e-14);
        let q: Vec<&str> = l.iter().map(|x| x.quadrant).collect();
        // unit 1 (z = -0.5) has lag -1.5 + 0.5 < 0: low-low; unit 2 mirrors it
        assert_eq!(q, vec!["LL", "LL", "HH", "HH"]);
        assert_eq!(l[0].lag, 2.0);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let a = lm.simulate(&pool, &l, 0, 4, 99, 7);
        let b = lm.simulate(&pool, &l, 0, 4, 99, 7);
        assert_eq!(a, b);
    }

    #[test]
    fn islands_have_no_z_p_or_quadrant() {
        // 0 - 1 - 2 - 3 and unit 4 alone
        let ids = [0, 1, 2, 3, 4];
        let t = [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0), (3, 2, 1.0)];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let lm = LocalMoran::new(&w, &[1.0, 2.0, 3.0, 4.0, 7.0]).unwrap();
        let raw = lm.analytic();
        assert!(raw[4].island && raw[4].z.is_nan()); // the reference formula's 0/0
        let l = lm.checked(&raw).unwrap();
        let island = &l[4];
        assert!(island.island && island.z.is_none() && island.p.is_none() && island.variance.is_none() && island.quadrant.is_none());
        assert_eq!((island.ii, island.expected, island.lag), (0.0, 0.0, 0.0));
        for u in &l[..4] {
            assert!(!u.island && u.z.unwrap().is_finite() && u.p.unwrap().is_finite() && u.quadrant.is_some());
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let sims = lm.simulate(&pool, &raw, 0, 5, 99, 1);
        assert_eq!(sims[4], LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None });
        assert!(sims[..4].iter().all(|s| s.p_sim.is_some() && s.z_sim.is_some_and(f64::is_finite)));
        // units past the end (a caller's range error): None, not an index panic
        let past = lm.simulate(&pool, &raw[..2], 0, 5, 9, 1);
        assert!(past[3].p_sim.is_none() && past[0].p_sim.is_some());
        // a unit at the mean: variance 0, no z (NaN before)
        let lm = LocalMoran::new(&w, &[1.0, 3.0, 5.0, 2.0, 4.0]).unwrap();
        let l = lm.checked(&lm.analytic()).unwrap();
        assert_eq!(l[1].variance, Some(0.0));
        assert!(l[1].z.is_none() && l[1].p.is_none());
    }

    #[test]
    fn extreme_magnitudes_give_the_same_lisa() {
        let ids = [0, 1, 2, 3, 4, 5];
        let t = [(0, 1, 0.5), (0, 2, 0.5), (1, 0, 1.0), (2, 0, 0.5), (2, 3, 0.5), (3, 2, 0.5), (3, 4, 0.5), (4, 3, 0.5), (4, 5, 0.5), (5, 4, 1.0)];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let x = [1.0, 2.5, 3.0, 4.5, 0.5, 2.0];
        let lisa = |x: &[f64]| {
            let lm = LocalMoran::new(&w, x).unwrap();
            lm.checked(&lm.analytic())
        };
        let base = lisa(&x).unwrap();
        for c in [1e300, 1.7e308 / 4.5, 1e-300, 1e-310] {
            let xc: Vec<f64> = x.iter().map(|v| v * c).collect();
            let l = lisa(&xc).unwrap();
            for (a, b) in l.iter().zip(&base) {
                let tol = if c < 1e-307 { 1e-9 } else { 1e-12 };
                assert!((a.ii - b.ii).abs() < tol * b.ii.abs().max(1.0), "{c}: {} vs {}", a.ii, b.ii);
                assert!((a.z.unwrap() - b.z.unwrap()).abs() < tol * b.z.unwrap().abs().max(1.0), "{c}");
                assert!((a.variance.unwrap() - b.variance.unwrap()).abs() < tol * b.variance.unwrap().max(1.0), "{c}");
                assert_eq!(a.quadrant, b.quadrant);
                assert!(a.lag.is_finite());
            }
        }
        // a lag that overflows (binary weights, two neighbours near the largest double)
        let t2 = [(0, 1, 1.0), (0, 2, 1.0), (1, 0, 1.0), (2, 0, 1.0)];
        let w2 = Weights::from_triples(&[0, 1, 2], &t2).unwrap();
        let lm = LocalMoran::new(&w2, &[0.0, 1.5e308, 1.6e308]).unwrap();
        let e = lm.checked(&lm.analytic()).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::OutOfRange);
        assert!(e.message.contains("unit 0"), "{}", e.message);
    }

    fn row(quadrant: &'static str, island: bool) -> LisaRow {
        LisaRow {
            ii: 0.0,
            expected: 0.0,
            variance: None,
            z: None,
            p: None,
            quadrant: (!island).then_some(quadrant),
            lag: 0.0,
            island,
        }
    }

    #[test]
    fn cluster_labels_with_and_without_corrections() {
        let q = ["HH", "LL", "LH", "HL", "HH", "LL", "LH", "HL", "HH", "LL"];
        let mut rows: Vec<LisaRow> = q.iter().map(|&q| row(q, false)).collect();
        rows[8] = row("", true);
        let p = [
            Some(0.001), Some(0.008), Some(0.039), Some(0.041), Some(0.042), Some(0.06), Some(0.074), Some(0.205),
            None, None,
        ];
        let ns = NOT_SIGNIFICANT;
        // p <= 0.05
        assert_eq!(
            cluster_labels(&rows, &p, 0.05, Correction::None).unwrap(),
            vec![HIGH_HIGH, LOW_LOW, LOW_HIGH, HIGH_LOW, HIGH_HIGH, ns, ns, ns, NEIGHBORLESS, ns]
        );
        // p <= 0.05 / 10
        assert_eq!(
            cluster_labels(&rows, &p, 0.05, Correction::Bonferroni).unwrap(),
            vec![HIGH_HIGH, ns, ns, ns, ns, ns, ns, ns, NEIGHBORLESS, ns]
        );
        // ranks 1, 2 pass k 0.005 (0.001, 0.008 <= 0.010); rank 3 (0.039 > 0.015) and beyond fail
        assert_eq!(
            cluster_labels(&rows, &p, 0.05, Correction::Fdr).unwrap(),
            vec![HIGH_HIGH, LOW_LOW, ns, ns, ns, ns, ns, ns, NEIGHBORLESS, ns]
        );
        // an island is Neighborless whatever p it is given
        let mut p2 = p;
        p2[8] = Some(0.0);
        assert_eq!(cluster_labels(&rows, &p2, 0.05, Correction::None).unwrap()[8], NEIGHBORLESS);
    }

    /// Benjamini-Hochberg is step-up: the largest passing rank counts even
    /// when a smaller rank fails, and ties with it are significant.
    #[test]
    fn fdr_is_the_step_up_rule() {
        let rows: Vec<LisaRow> = ["HH", "LL", "HL", "LH"].iter().map(|&q| row(q, false)).collect();
        // thresholds k 0.05 / 4 = 0.0125, 0.025, 0.0375, 0.05: rank 1 fails (0.02 > 0.0125),
        // rank 3 passes (0.022 <= 0.0375): ranks 1-3 significant
        let p = [Some(0.021), Some(0.9), Some(0.02), Some(0.022)];
        let l = cluster_labels(&rows, &p, 0.05, Correction::Fdr).unwrap();
        assert_eq!(l, vec![HIGH_HIGH, NOT_SIGNIFICANT, HIGH_LOW, LOW_HIGH]);
        // none passes: nothing significant
        let p = [Some(0.02), Some(0.9), Some(0.03), Some(0.04)];
        assert!(cluster_labels(&rows, &p, 0.05, Correction::Fdr).unwrap().iter().all(|&l| l == NOT_SIGNIFICANT));
        // ties at the cut-off rank are all in
        let p = [Some(0.03), Some(0.5), Some(0.03), Some(0.03)];
        let l = cluster_labels(&rows, &p, 0.05, Correction::Fdr).unwrap();
        assert_eq!(l, vec![HIGH_HIGH, NOT_SIGNIFICANT, HIGH_LOW, LOW_HIGH]);
        // a p equal to the cutoff is significant (GeoDa: p > cutoff is not)
        let p = [Some(0.05), None, None, None];
        assert_eq!(cluster_labels(&rows, &p, 0.05, Correction::None).unwrap()[0], HIGH_HIGH);
    }

    #[test]
    fn cluster_labels_refuse_bad_arguments() {
        let rows: Vec<LisaRow> = ["HH", "LL"].iter().map(|&q| row(q, false)).collect();
        let p = [Some(0.01), Some(0.2)];
        for c in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            let e = cluster_labels(&rows, &p, c, Correction::None).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::InvalidParameter, "{c}");
            assert!(e.message.contains("cutoff"), "{}", e.message);
        }
        assert!(cluster_labels(&rows, &p[..1], 0.05, Correction::None).unwrap_err().message.contains("1 p-values for 2 units"));
        for bad in [f64::NAN, 1.5, -0.01] {
            let e = cluster_labels(&rows, &[Some(0.01), Some(bad)], 0.05, Correction::Fdr).unwrap_err();
            assert!(e.kind == crate::ErrorKind::InvalidParameter && e.message.contains("unit 2"), "{}", e.message);
        }
        assert_eq!(Correction::parse("FDR").unwrap(), Correction::Fdr);
        assert_eq!(Correction::parse("Bonferroni").unwrap(), Correction::Bonferroni);
        assert!(Correction::parse("holm").is_err());
        assert!(cluster_labels(&[], &[], 0.05, Correction::Fdr).unwrap().is_empty());
    }

    #[test]
    fn cluster_labels_of_a_real_lisa() {
        // 0 - 1 - 2 - 3 and unit 4 alone; the quadrants come from LocalMoran
        let ids = [0, 1, 2, 3, 4];
        let t = [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 3, 1.0), (3, 2, 1.0)];
        let w = Weights::from_triples(&ids, &t).unwrap().transform(crate::weights::Style::Row);
        let lm = LocalMoran::new(&w, &[9.0, 7.0, 15.0, 11.0, 8.0]).unwrap(); // deviations -1, -3, 5, 1, -2
        let rows = lm.checked(&lm.analytic()).unwrap();
        let q: Vec<_> = rows.iter().map(|r| r.quadrant).collect();
        assert_eq!(q, vec![Some("LL"), Some("LH"), Some("HL"), Some("HH"), None]);
        let p = vec![Some(0.01); 5];
        let l = cluster_labels(&rows, &p, 0.05, Correction::None).unwrap();
        assert_eq!(l, vec![LOW_LOW, LOW_HIGH, HIGH_LOW, HIGH_HIGH, NEIGHBORLESS]);
        // the analytic p of SQL: islands' None is Neighborless
        let p: Vec<_> = rows.iter().map(|r| r.p).collect();
        assert_eq!(cluster_labels(&rows, &p, 0.999, Correction::None).unwrap()[4], NEIGHBORLESS);
    }

    use crate::weights::line;

    #[test]
    fn spatial_lag_by_hand_and_errors() {
        let w = line(4);
        assert_eq!(spatial_lag(&w, &[1.0, 2.0, 3.0, 4.0]).unwrap(), vec![2.0, 4.0, 6.0, 3.0]);
        let r = w.transform(crate::weights::Style::Row);
        assert_eq!(spatial_lag(&r, &[1.0, 2.0, 3.0, 4.0]).unwrap(), vec![2.0, 2.0, 3.0, 3.0]);
        assert!(spatial_lag(&w, &[1.0]).unwrap_err().message.contains("1 values for 4 units"));
        let e = spatial_lag(&w, &[1.0, f64::NAN, 3.0, 4.0]).unwrap_err();
        assert!(e.kind == crate::ErrorKind::InvalidParameter && e.message.contains("unit 1"), "{}", e.message);
        let e = spatial_lag(&w, &[1.7e308, 1.0, 1.7e308, 4.0]).unwrap_err();
        assert!(e.kind == crate::ErrorKind::OutOfRange && e.message.contains("unit 1"), "{}", e.message);
    }

    #[test]
    fn moran_scatter_by_hand() {
        // 0 - 1 - 2 - 3, row-standardised, x = 1, 2, 3, 4: deviations -1.5, -0.5, 0.5, 1.5 (sum of squares 5)
        let w = line(4).transform(crate::weights::Style::Row);
        let x = [1.0, 2.0, 3.0, 4.0];
        for (st, sd) in [(Standardise::Sample, (5.0f64 / 3.0).sqrt()), (Standardise::Population, 1.25f64.sqrt())] {
            let pts = moran_scatter_with(&w, &x, st, &mut crate::interrupt::none()).unwrap();
            let want = [(-1.5, -0.5), (-0.5, -0.5), (0.5, 0.5), (1.5, 0.5)];
            for ((gz, gl), (wz, wl)) in pts.iter().zip(want) {
                assert!((gz - wz / sd).abs() < 1e-15 && (gl - wl / sd).abs() < 1e-15, "{st:?}: {gz} {gl}");
            }
        }
        assert_eq!(moran_scatter(&w, &x).unwrap(), moran_scatter_with(&w, &x, Standardise::Sample, &mut crate::interrupt::none()).unwrap());
        // scale-invariant down to extreme magnitudes
        let big: Vec<f64> = x.iter().map(|v| v * 1e300).collect();
        let tiny: Vec<f64> = x.iter().map(|v| v * 1e-310).collect();
        for xs in [&big, &tiny] {
            for (a, b) in moran_scatter(&w, xs).unwrap().iter().zip(moran_scatter(&w, &x).unwrap()) {
                assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9, "{a:?} {b:?}");
            }
        }
        let e = moran_scatter(&w, &[2.0; 4]).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::DivisionByZero);
        assert_eq!(moran_scatter(&w, &[1.0, 2.0]).unwrap_err().kind, crate::ErrorKind::InvalidParameter);
        assert_eq!(moran_scatter(&w, &[1.0, f64::INFINITY, 2.0, 3.0]).unwrap_err().kind, crate::ErrorKind::InvalidParameter);
    }

    fn slope(pts: &[(f64, f64)]) -> f64 {
        let n = pts.len() as f64;
        let (mz, ml) = (pts.iter().map(|p| p.0).sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
        let sxy: f64 = pts.iter().map(|p| (p.0 - mz) * (p.1 - ml)).sum();
        let sxx: f64 = pts.iter().map(|p| (p.0 - mz).powi(2)).sum();
        sxy / sxx
    }

    /// The slope of the Moran scatter plot is Moran's I for row-standardised
    /// weights (I (n - islands) / n with islands), whatever the standardisation.
    #[test]
    fn moran_scatter_slope_is_morans_i() {
        let n = 15;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 23) as f64 + 0.25 * i as f64).collect();
        let w = line(n).transform(crate::weights::Style::Row);
        let i = crate::moran::Context::new(&w, &x).unwrap().analytic().i;
        for st in [Standardise::Sample, Standardise::Population] {
            let pts = moran_scatter_with(&w, &x, st, &mut crate::interrupt::none()).unwrap();
            let b = slope(&pts);
            assert!((b - i).abs() < 1e-12, "{st:?}: slope {b} vs I {i}");
            let mean = pts.iter().map(|p| p.0).sum::<f64>() / n as f64;
            assert!(mean.abs() < 1e-14);
        }
        // population z-scores have variance 1 (divisor n), sample ones (divisor n - 1)
        let pop = moran_scatter_with(&w, &x, Standardise::Population, &mut crate::interrupt::none()).unwrap();
        assert!((pop.iter().map(|p| p.0 * p.0).sum::<f64>() / n as f64 - 1.0).abs() < 1e-13);
        let smp = moran_scatter(&w, &x).unwrap();
        assert!((smp.iter().map(|p| p.0 * p.0).sum::<f64>() / (n - 1) as f64 - 1.0).abs() < 1e-13);
        // a line cut in two by dropping a unit, plus an island: slope = I (n - islands) / n
        let ids: Vec<i64> = (0..n).collect();
        let t: Vec<(i64, i64, f64)> =
            (0..n - 2).filter(|&k| k != 6).flat_map(|k| [(k, k + 1, 1.0), (k + 1, k, 1.0)]).collect();
        let w = Weights::from_triples(&ids, &t).unwrap().transform(crate::weights::Style::Row);
        assert_eq!(w.islands(), 1);
        let i = crate::moran::Context::new(&w, &x).unwrap().analytic().i;
        let b = slope(&moran_scatter(&w, &x).unwrap());
        assert!((b - i * (n - 1) as f64 / n as f64).abs() < 1e-12, "slope {b} vs I {i}");
    }
}
