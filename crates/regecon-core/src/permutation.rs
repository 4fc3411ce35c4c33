//! The permutation engine shared by the spatial statistics (global Moran's
//! I, bivariate Moran's I, and the local statistics' summaries).
//!
//! Permutation inference (esda's `p_sim`, GeoDa's pseudo p): the values are
//! randomly reassigned to units `permutations` times; with `larger` the
//! number of permuted I at least the observed one, folded to the smaller tail
//! (`larger = min(larger, permutations - larger)`),
//! `p_sim = (larger + 1) / (permutations + 1)`; `mean_sim`, `sd_sim` (population
//! standard deviation, as numpy's default) and `z_sim = (I - mean_sim) / sd_sim`.
//! Each permutation draws from its own random stream ([`crate::rng`]), so a
//! seed gives the same result on any number of threads.

use crate::moran::p_two_sided;
use rayon::prelude::*;

/// The most permutations of one task on the pool ([`in_blocks`]).
pub const BLOCK: u64 = 32;

/// Runs `one(first, count)` over permutations `first..first + count` in
/// blocks of at most 32 on `pool` (smaller when the count is small, so that
/// every thread gets work), concatenating in permutation order: the output
/// does not depend on the number of threads nor on the blocks (each
/// permutation draws from its own stream).
pub fn in_blocks(
    pool: &rayon::ThreadPool,
    first: u64,
    count: u64,
    one: impl Fn(u64, u64) -> Vec<f64> + Sync,
) -> Vec<f64> {
    let threads = pool.current_num_threads().max(1) as u64;
    let block: u64 = count.div_ceil(threads).clamp(1, BLOCK);
    let blocks: Vec<(u64, u64)> =
        (0..count.div_ceil(block)).map(|b| (first + b * block, block.min(count - b * block))).collect();
    pool.install(|| blocks.par_iter().map(|&(f, c)| one(f, c)).collect::<Vec<_>>().concat())
}

/// Permutation results.
#[derive(Debug, Clone, PartialEq)]
pub struct Permutation {
    pub permutations: u64,
    pub larger: u64,
    pub p_sim: f64,
    pub mean_sim: f64,
    pub sd_sim: f64,
    /// `None` when the permuted statistics are all equal (sd_sim = 0).
    pub z_sim: Option<f64>,
    /// One-sided normal p of z_sim, 1 - Phi(|z_sim|), as esda's `p_z_sim`;
    /// `None` with z_sim.
    pub p_z_sim: Option<f64>,
}

/// Summarises permuted statistics against the observed one (esda's rules).
/// `sims` must not be empty (then mean_sim and sd_sim are 0 and z_sim None).
pub fn permutation_inference(observed: f64, sims: &[f64]) -> Permutation {
    let m = sims.len() as u64;
    if m == 0 {
        return Permutation {
            permutations: 0,
            larger: 0,
            p_sim: 1.0,
            mean_sim: 0.0,
            sd_sim: 0.0,
            z_sim: None,
            p_z_sim: None,
        };
    }
    let mut larger = sims.iter().filter(|&&s| s >= observed).count() as u64;
    if m - larger < larger {
        larger = m - larger;
    }
    let mean = crate::sum::sum(sims.iter().copied()) / m as f64;
    let var = crate::sum::sum(sims.iter().map(|s| (s - mean) * (s - mean))) / m as f64;
    let sd = var.sqrt();
    let z = (observed - mean) / sd;
    let z = z.is_finite().then_some(z);
    Permutation {
        permutations: m,
        larger,
        p_sim: (larger + 1) as f64 / (m + 1) as f64,
        mean_sim: mean,
        sd_sim: sd,
        z_sim: z,
        p_z_sim: z.map(|z| 0.5 * p_two_sided(z)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_of_p_sim() {
        let sims: Vec<f64> = (0..99).map(|i| i as f64).collect();
        // observed above everything: larger = 0 -> p = 1/100
        assert_eq!(permutation_inference(1000.0, &sims).p_sim, 0.01);
        // observed below everything: larger = 99 folded to 0 -> 1/100
        assert_eq!(permutation_inference(-1.0, &sims).p_sim, 0.01);
        assert_eq!(permutation_inference(89.5, &sims).larger, 9);
    }
}
