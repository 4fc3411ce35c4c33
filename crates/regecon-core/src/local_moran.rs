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
}

#[derive(Debug, Clone, PartialEq)]
pub struct LisaSim {
    pub p_sim: f64,
    pub mean_sim: f64,
    pub sd_sim: f64,
    pub z_sim: f64,
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
        let (z, z2) = crate::moran::centred(x, w.ids(), "value", "local Moran")?;
        Ok(LocalMoran { w, z, x: x.to_vec(), m2: z2 / nf, scale: (nf - 1.0) / z2 })
    }

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
                Lisa { ii, expected, variance, z, p: p_two_sided(z), quadrant, lag: lag_x[i] }
            })
            .collect()
    }

    /// Conditional permutation inference of unit i, sequential.
    fn simulate_unit(&self, i: usize, observed: f64, permutations: u64, seed: u64) -> LisaSim {
        let n = self.w.n();
        let (_, v) = self.w.row(i);
        let k = v.len();
        if k == 0 {
            return LisaSim { p_sim: f64::NAN, mean_sim: 0.0, sd_sim: 0.0, z_sim: f64::NAN };
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
        LisaSim { p_sim: inf.p_sim, mean_sim: inf.mean_sim, sd_sim: inf.sd_sim, z_sim: inf.z_sim }
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
                .map(|i| self.simulate_unit(i, lisa[i].ii, permutations, seed))
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
}
