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
}
