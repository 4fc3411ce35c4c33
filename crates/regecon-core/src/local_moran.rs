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
//! the pseudo p-value is folded to the smaller tail, as esda's. As esda's
//! `crand`, a run draws one table of random neighbour sets, shared by all
//! units ([`LocalMoran::draws`], see [`Draws`]): for permutation p, the first
//! kmax positions of a random permutation of the n - 1 other units (kmax the
//! largest neighbour count), of which unit i takes the first |N(i)|. Each
//! unit's permutation distribution is exact; the p-values of different units
//! share their random draws (as esda's), which is how one run stays O(n k)
//! per permutation instead of O(n^2).
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
                let variance = (zi / self.m2).powi(2)
                    * (nf / (nf - 2.0))
                    * (wi2 - wi * wi / (nf - 1.0))
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
                out.push(LisaRow {
                    ii: 0.0,
                    expected: 0.0,
                    variance: None,
                    z: None,
                    p: None,
                    quadrant: None,
                    lag: 0.0,
                    island: true,
                });
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

    /// The random neighbour sets of a conditional permutation run with
    /// `permutations` permutations, seeded `seed`: one table shared by every
    /// unit (see [`Draws`]), built once and passed to every
    /// [`LocalMoran::simulate`] slice of the run. Errors (53200): the table
    /// or one unit's buffer of simulated values over `regecon.max_memory`.
    pub fn draws(&self, permutations: u64, seed: u64) -> Result<Draws> {
        self.draws_within(permutations, seed, DRAWS_TABLE_BUDGET, &mut crate::interrupt::none())
    }

    /// As [`LocalMoran::draws`], calling `check` every few milliseconds of
    /// drawing.
    pub fn draws_checked(&self, permutations: u64, seed: u64, check: crate::interrupt::Check<'_>) -> Result<Draws> {
        self.draws_within(permutations, seed, DRAWS_TABLE_BUDGET, check)
    }

    /// As [`LocalMoran::draws_checked`], with a table of at most `budget`
    /// bytes: its rows are as wide as the largest neighbour count that fits
    /// (units with more neighbours redraw their sets, with the same results),
    /// and there is none when no unit's sets fit or n - 1 exceeds `u32`.
    pub fn draws_within(
        &self,
        permutations: u64,
        seed: u64,
        budget: usize,
        mut check: crate::interrupt::Check<'_>,
    ) -> Result<Draws> {
        const WHAT: &str = "the random neighbour sets of local Moran's permutations";
        const WHAT_SIMS: &str = "the simulated values of one unit of local Moran";
        let n = self.w.n();
        let others = n - 1; // n >= 3 (LocalMoran::new)
        let m = usize::try_from(permutations)
            .map_err(|_| Error::out_of_memory(format!("{WHAT_SIMS}: {permutations} permutations")))?;
        // each pool job holds one unit's m simulated values, and may hold a
        // copy of the n deviations (see `Others`)
        let per_job = m.checked_add(n).ok_or_else(|| Error::out_of_memory(format!("{WHAT_SIMS}: {m} permutations")))?;
        crate::mem::check(crate::mem::bytes_of::<f64>(per_job, WHAT_SIMS)?, WHAT_SIMS)?;
        // the widest rows within the budget: the largest neighbour count k
        // with m k entries of 4 bytes <= budget (units with more neighbours
        // than other units have no inference)
        let fit = budget / std::mem::size_of::<u32>() / m.max(1);
        let width = (0..n).map(|i| self.w.cardinality(i)).filter(|&k| k <= others.min(fit)).max().unwrap_or(0);
        let mut draws = Draws { n, permutations: m, seed, width, table: None };
        if width == 0 || m == 0 || others > u32::MAX as usize {
            draws.width = 0;
            return Ok(draws);
        }
        let entries = m * width; // <= budget / 4
        let mut table: Vec<u32> = crate::mem::vec_with_capacity(entries, WHAT)?;
        // the permutation of 0..others, restored after each row
        let mut idx: Vec<u32> = crate::mem::vec_with_capacity(others, WHAT)?;
        idx.extend((0..others).map(|t| t as u32));
        let mut moved: Vec<usize> = crate::mem::vec_with_capacity(width, WHAT)?;
        let mut ticker = crate::interrupt::Ticker::new(&mut check, 1 << 18);
        for p in 0..m {
            let mut rng = Rng::stream(seed, p as u64);
            // partial Fisher-Yates: the first `width` positions of a random permutation
            for s in 0..width {
                let r = s + rng.below((others - s) as u64) as usize;
                idx.swap(s, r);
                moved.push(r);
            }
            table.extend_from_slice(&idx[..width]);
            for (s, &r) in moved.iter().enumerate().rev() {
                idx.swap(s, r);
            }
            moved.clear();
            ticker.tick_by(width);
        }
        draws.table = Some(table);
        Ok(draws)
    }

    /// The simulated I_i of unit i (k >= 1 neighbours, k <= n - 1) under the
    /// permutations of `draws` (in `scratch.sims`), with the first pass of
    /// their inference against `observed`.
    fn unit_sims<'s>(
        &self,
        i: usize,
        observed: f64,
        draws: &Draws,
        scratch: &'s mut Scratch,
    ) -> (&'s [f64], FirstPass) {
        let n = self.w.n();
        let (_, v) = self.w.row(i);
        let k = v.len();
        let c = self.scale * self.z[i];
        let z = &self.z[..];
        let m = draws.permutations;
        scratch.sims.resize(m, 0.0); // (every entry is written below)
        match &draws.table {
            Some(table) if draws.n == n && k <= draws.width => {
                // the deviation of the t-th of the other units, unit t + (t >= i):
                // from a copy of z without z_i when the caller keeps one
                // (see `Others`), else mapped entry by entry (the same value)
                let sims = &mut scratch.sims[..];
                let first = if scratch.others.enabled {
                    let y = scratch.others.of(z, i);
                    tabled_sims(table, draws.width, v, c, observed, |t| y[t as usize], sims)
                } else {
                    let me = i as u32; // i < n <= u32::MAX + 1 when there is a table
                    tabled_sims(table, draws.width, v, c, observed, |t| z[t as usize + usize::from(t >= me)], sims)
                };
                (&scratch.sims[..], first)
            }
            _ => {
                // the same sets, redrawn: set p's first k entries depend only
                // on Rng::stream(seed, p), n and k
                for (p, out) in scratch.sims.iter_mut().enumerate() {
                    let mut rng = Rng::stream(draws.seed, p as u64);
                    scratch.shuffle.draw(&mut rng, n - 1, k, &mut scratch.row);
                    let mut lag = 0.0;
                    for (w, &t) in v.iter().zip(&scratch.row) {
                        lag += w * z[t + usize::from(t >= i)];
                    }
                    *out = c * lag;
                }
                let first = FirstPass::over(&scratch.sims, observed);
                (&scratch.sims[..], first)
            }
        }
    }

    /// Conditional permutation inference of unit i, sequential.
    fn simulate_unit(&self, i: usize, observed: f64, draws: &Draws, scratch: &mut Scratch) -> LisaSim {
        let n = self.w.n();
        let k = self.w.cardinality(i);
        // (a self-link could give a unit as many neighbours as there are
        // other units plus one: nothing to permute then either)
        if k == 0 || k > n.saturating_sub(1) {
            return LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None };
        }
        let (sims, first) = self.unit_sims(i, observed, draws, scratch);
        first.finish(observed, sims)
    }

    /// Conditional permutation inference for units `first..first + count`,
    /// on a pool, with the neighbour sets of `draws` (from
    /// [`LocalMoran::draws`] on this `LocalMoran`). The result depends only
    /// on the data, the weights and the draws: not on the pool's size nor on
    /// how the units are sliced over calls.
    pub fn simulate(
        &self,
        pool: &rayon::ThreadPool,
        lisa: &[Lisa],
        first: usize,
        count: usize,
        draws: &Draws,
    ) -> Vec<LisaSim> {
        let n = self.w.n();
        let threads = pool.current_num_threads().max(1);
        // at most four jobs a thread; each keeps a copy of the deviations
        // (O(n) to make, O(1) a unit after) when its units' draws are many
        // times n, else maps each drawn entry (see `Others`)
        let per_job = count.div_ceil(4 * threads).max(1);
        let end = first.saturating_add(count).min(n);
        let links: usize = (first.min(end)..end).map(|i| self.w.cardinality(i).min(draws.width)).sum();
        let copies =
            draws.tabled() && (links as u128) * (draws.permutations as u128) >= 8 * (n as u128) * (4 * threads) as u128;
        pool.install(|| {
            (first..first + count)
                .into_par_iter()
                .with_min_len(per_job)
                .map_init(
                    || Scratch { others: Others { enabled: copies, ..Others::default() }, ..Scratch::default() },
                    |scratch, i| match lisa.get(i) {
                        Some(l) if i < n => self.simulate_unit(i, l.ii, draws, scratch),
                        _ => LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None },
                    },
                )
                .collect()
        })
    }
}

/// The simulated values of one unit with k = `v.len()` neighbours (weights
/// `v`) from a table of sets `width` wide, `y(t)` the deviation of the unit
/// drawn as t, into `sims` (one a set), with their first pass. Four sets at
/// a time: four independent sums in flight, each still summed in neighbour
/// order (bit for bit the lag of one set at a time).
#[inline(always)]
fn tabled_sims(
    table: &[u32],
    width: usize,
    v: &[f64],
    c: f64,
    observed: f64,
    y: impl Fn(u32) -> f64,
    sims: &mut [f64],
) -> FirstPass {
    let k = v.len();
    let mut first = FirstPass::default();
    let mut blocks = table.chunks_exact(4 * width);
    let mut outs = sims.chunks_exact_mut(4);
    for (b, out) in (&mut blocks).zip(&mut outs) {
        let (r0, r1, r2, r3) =
            (&b[..k], &b[width..width + k], &b[2 * width..2 * width + k], &b[3 * width..3 * width + k]);
        let (mut l0, mut l1, mut l2, mut l3) = (0.0, 0.0, 0.0, 0.0);
        for ((((&w, &t0), &t1), &t2), &t3) in v.iter().zip(r0).zip(r1).zip(r2).zip(r3) {
            l0 += w * y(t0);
            l1 += w * y(t1);
            l2 += w * y(t2);
            l3 += w * y(t3);
        }
        let x = [c * l0, c * l1, c * l2, c * l3];
        out.copy_from_slice(&x);
        // the first pass runs beside the gathers
        first.add(x, observed);
    }
    for (row, out) in blocks.remainder().chunks_exact(width).zip(outs.into_remainder()) {
        let mut lag = 0.0;
        for (w, &t) in v.iter().zip(&row[..k]) {
            lag += w * y(t);
        }
        *out = c * lag;
    }
    first
}

/// The largest table of neighbour sets [`LocalMoran::draws`] keeps (256 MiB);
/// past it units redraw the sets they need (same results, slower).
pub const DRAWS_TABLE_BUDGET: usize = 256 << 20;

/// The random neighbour sets of one conditional permutation run, drawn once
/// by [`LocalMoran::draws`] and shared by every unit, as esda's `crand`.
///
/// With N = n - 1 (the units other than the one tested), set p
/// (0 <= p < permutations) is the sequence of positions of a random
/// permutation of 0..N drawn by a partial Fisher-Yates shuffle from
/// `Rng::stream(seed, p)`: it depends only on the seed and n, never on
/// threads or slicing. Unit i with k neighbours reads the first k entries t
/// of each set as the units t + (t >= i), the a-th of them taking the place
/// of its a-th neighbour (weight w_ia).
///
/// The table holds the first `width` entries of every set, width the largest
/// neighbour count (kmax when it fits) whose m x width entries stay within
/// [`DRAWS_TABLE_BUDGET`], as `u32`. The first k entries of a set depend only
/// on its first k draws, so a unit with more neighbours than the table is
/// wide (or every unit, when there is no table: no unit's sets fit, or N
/// exceeds `u32`) redraws them in O(k) time and memory per permutation, no
/// O(n) setup, with bit-for-bit the same results.
#[derive(Clone)]
pub struct Draws {
    n: usize,
    permutations: usize,
    seed: u64,
    /// Entries per set in the table (0: no table).
    width: usize,
    /// permutations x width, row-major; `None`: redrawn per unit.
    table: Option<Vec<u32>>,
}

impl std::fmt::Debug for Draws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // (not the table: up to 64 Mi entries)
        f.debug_struct("Draws")
            .field("n", &self.n)
            .field("permutations", &self.permutations)
            .field("seed", &self.seed)
            .field("table_width", &self.width)
            .finish()
    }
}

impl Draws {
    /// The number of permutations.
    pub fn permutations(&self) -> u64 {
        self.permutations as u64
    }

    /// Whether some sets are held in a table (`false`: all redrawn per unit).
    pub fn tabled(&self) -> bool {
        self.table.is_some()
    }

    /// The entries of each set the table holds: units with at most this
    /// many neighbours read the table, others redraw (0: no table).
    pub fn table_width(&self) -> usize {
        self.width
    }
}

/// [`crate::permutation::permutation_inference`] of one unit's simulated values,
/// computed faster (see [`FirstPass`]).
#[cfg(test)]
fn sim_inference(observed: f64, sims: &[f64]) -> LisaSim {
    FirstPass::over(sims, observed).finish(observed, sims)
}

/// The inference of one unit's m simulated values as
/// [`crate::permutation::permutation_inference`] gives it, computed faster. The
/// first pass runs over blocks of four sims (sims 4b..4b + 4, b < m / 4), as
/// they are simulated: the count of sims >= observed, and their sum,
/// compensated in four lanes (error-free TwoSum steps, merged at the end)
/// instead of one sequential Neumaier chain. [`FirstPass::finish`] adds the
/// last m % 4 sims and sums the squared deviations about the mean in eight
/// plain lanes (positive terms: relative error at most (m / 8 + 3) 2^-53,
/// under 1.4e-12 for m <= 99,999, so under 0.7e-12 for the sd). So p_sim is
/// the same exactly, and the mean and the sd agree to 1e-12 relative.
#[derive(Default)]
struct FirstPass {
    larger: [u64; 4],
    s: [f64; 4],
    e: [f64; 4],
}

impl FirstPass {
    /// Sims 4b..4b + 4.
    #[inline(always)]
    fn add(&mut self, x: [f64; 4], observed: f64) {
        for (l, &x) in x.iter().enumerate() {
            self.larger[l] += u64::from(x >= observed);
            let t = self.s[l] + x;
            let b = t - self.s[l];
            self.e[l] += (self.s[l] - (t - b)) + (x - b);
            self.s[l] = t;
        }
    }

    /// The first pass over sims already simulated.
    fn over(sims: &[f64], observed: f64) -> FirstPass {
        let mut first = FirstPass::default();
        for ch in sims.chunks_exact(4) {
            first.add([ch[0], ch[1], ch[2], ch[3]], observed);
        }
        first
    }

    fn finish(&self, observed: f64, sims: &[f64]) -> LisaSim {
        let m = sims.len();
        if m < 8 {
            let inf = crate::permutation::permutation_inference(observed, sims);
            return LisaSim {
                p_sim: Some(inf.p_sim),
                mean_sim: Some(inf.mean_sim),
                sd_sim: Some(inf.sd_sim),
                z_sim: inf.z_sim,
            };
        }
        let rest = &sims[m - m % 4..];
        let m64 = m as u64;
        let larger = self.larger.iter().sum::<u64>() + rest.iter().filter(|&&s| s >= observed).count() as u64;
        let larger = larger.min(m64 - larger);
        let mut sum = crate::sum::NeumaierSum::new();
        for l in 0..4 {
            sum.merge(&crate::sum::NeumaierSum::from_parts(self.s[l], self.e[l]));
        }
        for &x in rest {
            sum.add(x);
        }
        let mean = sum.value() / m as f64;
        let mut q = [0.0f64; 8];
        let mut chunks = sims.chunks_exact(8);
        for ch in &mut chunks {
            for l in 0..8 {
                let d = ch[l] - mean;
                q[l] += d * d;
            }
        }
        let mut sq = crate::sum::NeumaierSum::new();
        for v in q.into_iter().chain(chunks.remainder().iter().map(|s| (s - mean) * (s - mean))) {
            sq.add(v);
        }
        let sd = (sq.value() / m as f64).sqrt();
        let z = (observed - mean) / sd;
        LisaSim {
            p_sim: Some((larger + 1) as f64 / (m64 + 1) as f64),
            mean_sim: Some(mean),
            sd_sim: Some(sd),
            z_sim: z.is_finite().then_some(z),
        }
    }
}

/// One pool job's buffers, reused from unit to unit.
#[derive(Default)]
struct Scratch {
    others: Others,
    sims: Vec<f64>,
    shuffle: SparseShuffle,
    row: Vec<usize>,
}

/// The deviations of the units other than one unit u, in order (z without
/// z_u): y[t] = z[t + (t >= u)], so that a drawn entry is one load instead
/// of a load and a comparison. Moving to unit i rewrites only the |i - u|
/// entries between them: O(n) for a job's first unit, O(1) for each next one
/// (a job runs through consecutive units), so [`LocalMoran::simulate`]
/// enables it only when its units' draws outweigh n many times.
#[derive(Default)]
struct Others {
    enabled: bool,
    y: Vec<f64>,
    unit: usize,
}

impl Others {
    fn of(&mut self, z: &[f64], i: usize) -> &[f64] {
        let n = z.len();
        if self.y.len() != n - 1 {
            self.y.clear();
            self.y.extend_from_slice(&z[..i]);
            self.y.extend_from_slice(&z[i + 1..]);
        } else if i > self.unit {
            // positions u..i held z[t + 1], now z[t]
            self.y[self.unit..i].copy_from_slice(&z[self.unit..i]);
        } else if i < self.unit {
            // positions i..u held z[t], now z[t + 1]
            self.y[i..self.unit].copy_from_slice(&z[i + 1..self.unit + 1]);
        }
        self.unit = i;
        &self.y
    }
}

/// A partial Fisher-Yates shuffle of 0..len without the array: the positions
/// moved so far live in a small open-addressing map, O(k) memory for k draws.
/// It draws exactly what the dense shuffle of [`LocalMoran::draws_within`]
/// draws from the same generator.
#[derive(Default)]
struct SparseShuffle {
    keys: Vec<usize>,
    vals: Vec<usize>,
    /// A slot is in use when its stamp is the current generation.
    stamp: Vec<u32>,
    gen: u32,
    bits: u32,
}

impl SparseShuffle {
    #[inline]
    fn slot(&self, key: usize) -> usize {
        ((key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize
    }

    #[inline]
    fn get(&self, key: usize) -> Option<usize> {
        let mask = self.keys.len() - 1;
        let mut h = self.slot(key);
        while self.stamp[h] == self.gen {
            if self.keys[h] == key {
                return Some(self.vals[h]);
            }
            h = (h + 1) & mask;
        }
        None
    }

    #[inline]
    fn set(&mut self, key: usize, val: usize) {
        let mask = self.keys.len() - 1;
        let mut h = self.slot(key);
        while self.stamp[h] == self.gen && self.keys[h] != key {
            h = (h + 1) & mask;
        }
        self.stamp[h] = self.gen;
        self.keys[h] = key;
        self.vals[h] = val;
    }

    /// The first k positions of the permutation of 0..len (k <= len) that
    /// `rng` draws, into `out`.
    fn draw(&mut self, rng: &mut Rng, len: usize, k: usize, out: &mut Vec<usize>) {
        let cap = (2 * k).next_power_of_two().max(16); // load factor <= 1/2
        if self.keys.len() < cap {
            self.keys = vec![0; cap];
            self.vals = vec![0; cap];
            self.stamp = vec![0; cap];
            self.gen = 0;
            self.bits = cap.trailing_zeros();
        }
        self.gen = self.gen.wrapping_add(1);
        if self.gen == 0 {
            self.stamp.fill(0);
            self.gen = 1;
        }
        out.clear();
        for s in 0..k {
            let r = s + rng.below((len - s) as u64) as usize;
            let at_r = self.get(r).unwrap_or(r);
            let at_s = self.get(s).unwrap_or(s);
            out.push(at_r);
            self.set(r, at_s);
        }
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
            other => Err(Error::invalid(format!("unknown correction '{other}': use 'none', 'bonferroni' or 'fdr'"))),
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
pub fn cluster_labels(
    rows: &[LisaRow],
    p: &[Option<f64>],
    cutoff: f64,
    correction: Correction,
) -> Result<Vec<&'static str>> {
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
            sorted.iter().enumerate().rev().find(|&(k, &pk)| pk <= (k + 1) as f64 * cutoff / nf).map(|(_, &pk)| pk)
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
        let a = lm.simulate(&pool, &l, 0, 4, &lm.draws(99, 7).unwrap());
        let b = lm.simulate(&pool, &l, 0, 4, &lm.draws(99, 7).unwrap());
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
        assert!(
            island.island
                && island.z.is_none()
                && island.p.is_none()
                && island.variance.is_none()
                && island.quadrant.is_none()
        );
        assert_eq!((island.ii, island.expected, island.lag), (0.0, 0.0, 0.0));
        for u in &l[..4] {
            assert!(!u.island && u.z.unwrap().is_finite() && u.p.unwrap().is_finite() && u.quadrant.is_some());
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let sims = lm.simulate(&pool, &raw, 0, 5, &lm.draws(99, 1).unwrap());
        assert_eq!(sims[4], LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None });
        assert!(sims[..4].iter().all(|s| s.p_sim.is_some() && s.z_sim.is_some_and(f64::is_finite)));
        // units past the end (a caller's range error): None, not an index panic
        let past = lm.simulate(&pool, &raw[..2], 0, 5, &lm.draws(9, 1).unwrap());
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
        let t = [
            (0, 1, 0.5),
            (0, 2, 0.5),
            (1, 0, 1.0),
            (2, 0, 0.5),
            (2, 3, 0.5),
            (3, 2, 0.5),
            (3, 4, 0.5),
            (4, 3, 0.5),
            (4, 5, 0.5),
            (5, 4, 1.0),
        ];
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

    /// A side x side lattice, queen contiguity with weight 1 for the rook
    /// links and 0.5 for the diagonals, row-standardised: unequal weights and
    /// 3, 5 or 8 neighbours.
    fn queen(side: i64) -> Weights {
        let ids: Vec<i64> = (0..side * side).collect();
        let mut t = Vec::new();
        for r in 0..side {
            for c in 0..side {
                for (dr, dc) in [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)] {
                    let (r2, c2) = (r + dr, c + dc);
                    if (0..side).contains(&r2) && (0..side).contains(&c2) {
                        let w = if dr == 0 || dc == 0 { 1.0 } else { 0.5 };
                        t.push((r * side + c, r2 * side + c2, w));
                    }
                }
            }
        }
        Weights::from_triples(&ids, &t).unwrap().transform(crate::weights::Style::Row)
    }

    /// Standard normal values (Box-Muller) from a seeded stream.
    fn normals(n: usize, seed: u64) -> Vec<f64> {
        let mut r = Rng::new(seed);
        let mut u = || (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (0..n).map(|_| (-2.0 * (1.0 - u()).ln()).sqrt() * (std::f64::consts::TAU * u()).cos()).collect()
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
    }

    /// The result depends on the seed, the data and the weights only: not on
    /// the pool's size, nor on how the units are sliced over calls, nor on
    /// whether the neighbour sets are tabled or redrawn per unit.
    #[test]
    fn simulate_is_the_same_whatever_the_slicing_pool_or_path() {
        // a queen lattice plus an island (unit 49) and units whose values tie
        let base = queen(7);
        let (ptr, col, val) = base.csr();
        let mut t = Vec::new();
        for i in 0..base.n() {
            for kk in ptr[i]..ptr[i + 1] {
                t.push((i as i64, col[kk] as i64, val[kk]));
            }
        }
        let ids: Vec<i64> = (0..50).collect();
        let w = Weights::from_triples(&ids, &t).unwrap();
        let mut x = normals(50, 3);
        x[10] = x[11];
        let lm = LocalMoran::new(&w, &x).unwrap();
        let lisa = lm.analytic();
        let draws = lm.draws(257, 42).unwrap();
        assert!(draws.tabled() && draws.permutations() == 257);
        let whole = lm.simulate(&pool(2), &lisa, 0, 50, &draws);
        assert_eq!(whole[49], LisaSim { p_sim: None, mean_sim: None, sd_sim: None, z_sim: None });
        assert!(whole[..49].iter().all(|s| s.p_sim.is_some_and(|p| p > 0.0 && p <= 0.5) && s.z_sim.is_some()));
        let redraw = lm.draws_within(257, 42, 0, &mut crate::interrupt::none()).unwrap();
        assert!(!redraw.tabled());
        for threads in [1, 2] {
            let pool = pool(threads);
            for d in [&draws, &redraw] {
                for slice in [1, 7, 16, 50] {
                    let mut parts = Vec::new();
                    for first in (0..50).step_by(slice) {
                        parts.extend(lm.simulate(&pool, &lisa, first, slice.min(50 - first), d));
                    }
                    assert_eq!(parts, whole, "{threads} threads, slices of {slice}, tabled {}", d.tabled());
                }
            }
        }
        // another seed, other results
        assert_ne!(lm.simulate(&pool(2), &lisa, 0, 50, &lm.draws(257, 43).unwrap()), whole);
    }

    /// The fast inference is `permutation_inference` on the same sims: the
    /// same p_sim exactly, mean and sd to 1e-12.
    #[test]
    fn sim_inference_is_permutation_inference() {
        for (m, seed) in [(0, 1), (1, 2), (5, 3), (8, 4), (9, 5), (999, 6), (10_003, 7), (99_999, 8)] {
            let sims: Vec<f64> = normals(m, seed).iter().map(|v| 3.0e-3 * v - 1.0e-4).collect();
            for observed in [-1.0, -1.0e-4, 0.0, 2.0e-3, sims.first().copied().unwrap_or(0.0)] {
                let a = sim_inference(observed, &sims);
                let b = crate::permutation::permutation_inference(observed, &sims);
                assert_eq!(a.p_sim, Some(b.p_sim), "{m} {observed}");
                let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * y.abs().max(f64::MIN_POSITIVE);
                assert!(close(a.mean_sim.unwrap(), b.mean_sim), "{m}: {:?} vs {}", a.mean_sim, b.mean_sim);
                assert!(close(a.sd_sim.unwrap(), b.sd_sim), "{m}: {:?} vs {}", a.sd_sim, b.sd_sim);
                match (a.z_sim, b.z_sim) {
                    (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-9 * y.abs().max(1.0), "{m}: {x} vs {y}"),
                    (x, y) => assert_eq!(x, y),
                }
            }
        }
        // all sims equal: sd 0, no z
        let flat = vec![0.25; 100];
        assert_eq!(sim_inference(0.25, &flat).z_sim, None);
        assert_eq!(sim_inference(0.25, &flat).sd_sim, Some(0.0));
    }

    /// Every ordered pair of other units is equally likely to stand for a
    /// unit's two neighbours (weights 0.7 and 0.3), the unit itself never:
    /// for a first, a middle and a last unit, tabled and redrawn.
    #[test]
    fn neighbour_sets_are_uniform_ordered_draws_of_the_other_units() {
        let ids = [0, 1, 2, 3, 4, 5];
        let t = [
            (0, 1, 0.7),
            (0, 2, 0.3),
            (3, 2, 0.7),
            (3, 4, 0.3),
            (5, 4, 0.7),
            (5, 0, 0.3),
            (1, 0, 1.0),
            (2, 3, 1.0),
            (4, 5, 1.0),
        ];
        let w = Weights::from_triples(&ids, &t).unwrap();
        let x = [0.0, 1.0, 2.5, 4.25, 7.125, 11.0625];
        let lm = LocalMoran::new(&w, &x).unwrap();
        let m = 60_000;
        for d in [lm.draws(m, 11).unwrap(), lm.draws_within(m, 11, 0, &mut crate::interrupt::none()).unwrap()] {
            for i in [0, 3, 5] {
                let c = lm.scale * lm.z[i];
                let mut scratch = Scratch::default();
                let sims = lm.unit_sims(i, 0.0, &d, &mut scratch).0.to_vec();
                let mut counts = std::collections::HashMap::new();
                for s in sims {
                    // the ordered pair (j1, j2) of other units this sim is made of
                    let pair = (0..6)
                        .flat_map(|a| (0..6).map(move |b| (a, b)))
                        .filter(|&(a, b)| a != b)
                        .find(|&(a, b)| c * (0.0 + 0.7 * lm.z[a] + 0.3 * lm.z[b]) == s)
                        .expect("a sim made of two distinct units");
                    assert!(pair.0 != i && pair.1 != i, "unit {i} drew itself");
                    *counts.entry(pair).or_insert(0usize) += 1;
                }
                // 20 ordered pairs of the 5 other units, 3000 each expected (sd 53)
                assert_eq!(counts.len(), 20, "unit {i}");
                for (pair, k) in counts {
                    assert!((k as f64 - 3000.0).abs() < 300.0, "unit {i}, pair {pair:?}: {k}");
                }
            }
        }
    }

    /// Under the null (independent values), the pseudo p-values are
    /// calibrated and the mean and variance of the sims are the analytic
    /// conditional moments (E_i, Var_i, on the scale of I_i: (n - 1) / n).
    /// (Var_i is the exact variance of sampling the neighbours without
    /// replacement from the other n - 1 values; 400 replications give a
    /// ratio of 0.9945 at m = 199, 1.0009 at m = 1999.)
    #[test]
    fn pseudo_p_is_calibrated_under_the_null() {
        let w = queen(10);
        let n = 100.0;
        let m = 999u64;
        let (mut p05, mut p25, mut units) = (0usize, 0usize, 0usize);
        let (mut ratio_sum, mut worst_mean) = (0.0, 0.0f64);
        let pool = pool(2);
        for rep in 0..40 {
            let lm = LocalMoran::new(&w, &normals(100, 100 + rep)).unwrap();
            let lisa = lm.analytic();
            let sims = lm.simulate(&pool, &lisa, 0, 100, &lm.draws(m, rep).unwrap());
            for (l, s) in lisa.iter().zip(&sims) {
                let p = s.p_sim.unwrap();
                p05 += usize::from(p <= 0.05);
                p25 += usize::from(p <= 0.25);
                units += 1;
                let f = (n - 1.0) / n;
                let (mean, sd) = (s.mean_sim.unwrap(), s.sd_sim.unwrap());
                worst_mean = worst_mean.max((mean - f * l.expected).abs() / (sd / (m as f64).sqrt()));
                ratio_sum += sd * sd / (f * f * l.variance);
            }
        }
        // folded p <= 0.05 in 10% of the units, <= 0.25 in half
        let (f05, f25) = (p05 as f64 / units as f64, p25 as f64 / units as f64);
        assert!((f05 - 0.10).abs() < 0.03, "{f05}");
        assert!((f25 - 0.50).abs() < 0.05, "{f25}");
        assert!(worst_mean < 5.0, "mean of the sims {worst_mean} standard errors from E_i");
        // (the population variance of m sims has expectation (m - 1) / m Var_i)
        let ratio = ratio_sum / units as f64;
        assert!((ratio - (m - 1) as f64 / m as f64).abs() < 0.03, "variance of the sims / Var_i = {ratio}");
    }

    /// Past the table's budget, or for a unit with more neighbours than the
    /// table's rows hold, the sets are redrawn: the same numbers, since the
    /// first k entries of a row depend only on the seed, n and k.
    #[test]
    fn redrawn_sets_are_the_tabled_ones() {
        let w8 = queen(6); // up to 8 neighbours
        let x = normals(36, 9);
        let lm = LocalMoran::new(&w8, &x).unwrap();
        let lisa = lm.analytic();
        let table = lm.draws(301, 5).unwrap();
        assert!(table.tabled());
        let want = lm.simulate(&pool(2), &lisa, 0, 36, &table);
        assert_eq!(table.table_width(), 8);
        // a budget one byte short of the table: rows of 5 (the next
        // neighbour count); units with 8 neighbours redraw theirs
        let short = lm.draws_within(301, 5, 301 * 8 * 4 - 1, &mut crate::interrupt::none()).unwrap();
        assert!(short.tabled() && short.table_width() == 5);
        assert_eq!(lm.simulate(&pool(1), &lisa, 0, 36, &short), want);
        // no table at all
        let none = lm.draws_within(301, 5, 301 * 3 * 4 - 1, &mut crate::interrupt::none()).unwrap();
        assert!(!none.tabled() && none.table_width() == 0);
        assert_eq!(lm.simulate(&pool(2), &lisa, 0, 36, &none), want);
        // the draws of weights with at most 2 neighbours a unit, used with
        // the queen weights: units with more neighbours redraw theirs
        let ids: Vec<i64> = (0..36).collect();
        let t: Vec<(i64, i64, f64)> = (0..36).flat_map(|i| [(i, (i + 1) % 36, 0.5), (i, (i + 35) % 36, 0.5)]).collect();
        let ring = Weights::from_triples(&ids, &t).unwrap();
        let small = LocalMoran::new(&ring, &x).unwrap().draws(301, 5).unwrap();
        assert!(small.tabled());
        assert_eq!(lm.simulate(&pool(2), &lisa, 0, 36, &small), want);
        // and the ring's own inference from the queen's table (k <= width)
        let lr = LocalMoran::new(&ring, &x).unwrap();
        let lisa_r = lr.analytic();
        assert_eq!(lr.simulate(&pool(2), &lisa_r, 0, 36, &table), lr.simulate(&pool(2), &lisa_r, 0, 36, &small));
        // a sparse shuffle drawing all of 0..len is a permutation
        let mut s = SparseShuffle::default();
        let mut out = Vec::new();
        for len in [1, 2, 17, 300] {
            s.draw(&mut Rng::new(len as u64), len, len, &mut out);
            let mut sorted = out.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..len).collect::<Vec<_>>());
        }
    }

    /// The copy of the other units' deviations follows the unit forwards,
    /// backwards and across jumps.
    #[test]
    fn others_is_z_without_the_unit() {
        let z: Vec<f64> = (0..9).map(|v| v as f64 * 1.5 - 4.0).collect();
        let mut o = Others::default();
        for i in [0, 1, 2, 8, 3, 3, 7, 0, 5, 4] {
            let want: Vec<f64> = (0..9).filter(|&j| j != i).map(|j| z[j]).collect();
            assert_eq!(o.of(&z, i), &want[..], "unit {i}");
        }
    }

    /// Sizes that overflow are out-of-memory errors, not aborts; no
    /// permutations (or only islands) give a valid, empty run.
    #[test]
    fn oversized_draws_are_errors() {
        let w = queen(4);
        let lm = LocalMoran::new(&w, &normals(16, 1)).unwrap();
        let e = lm.draws(u64::MAX, 1).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::OutOfMemory);
        assert!(e.message.contains("local Moran"), "{}", e.message);
        let d = lm.draws(0, 1).unwrap();
        let lisa = lm.analytic();
        let s = lm.simulate(&pool(1), &lisa, 0, 16, &d);
        assert!(s.iter().all(|s| s.p_sim == Some(1.0) && s.z_sim.is_none()));
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
            Some(0.001),
            Some(0.008),
            Some(0.039),
            Some(0.041),
            Some(0.042),
            Some(0.06),
            Some(0.074),
            Some(0.205),
            None,
            None,
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
        assert!(cluster_labels(&rows, &p[..1], 0.05, Correction::None)
            .unwrap_err()
            .message
            .contains("1 p-values for 2 units"));
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
        assert_eq!(
            moran_scatter(&w, &x).unwrap(),
            moran_scatter_with(&w, &x, Standardise::Sample, &mut crate::interrupt::none()).unwrap()
        );
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
        assert_eq!(
            moran_scatter(&w, &[1.0, f64::INFINITY, 2.0, 3.0]).unwrap_err().kind,
            crate::ErrorKind::InvalidParameter
        );
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
