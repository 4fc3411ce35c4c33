//! Global Moran's I with the inference of esda, spdep and GeoDa
//! (docs/methods.md section 5).
//!
//! With z = x - mean(x), weights w_ij (w_ii = 0), S0 = sum_ij w_ij:
//!
//! ```text
//! I      = (n / S0) * sum_ij w_ij z_i z_j / sum_i z_i^2
//! E[I]   = -1 / (n - 1)
//! S1     = 1/2 sum_ij (w_ij + w_ji)^2,  S2 = sum_i (w_i. + w_.i)^2
//! Var_norm[I] = (n^2 S1 - n S2 + 3 S0^2) / ((n^2 - 1) S0^2) - E[I]^2
//! b2     = n sum z^4 / (sum z^2)^2                     (kurtosis)
//! Var_rand[I] = (n((n^2 - 3n + 3) S1 - n S2 + 3 S0^2) - b2((n^2 - n) S1 - 2n S2 + 6 S0^2))
//!               / ((n - 1)(n - 2)(n - 3) S0^2) - E[I]^2
//! z      = (I - E[I]) / sqrt(Var),   p = 2 (1 - Phi(|z|))   two-sided, as esda's
//!                                                         p_norm/p_rand and spdep's
//!                                                         alternative = "two.sided"
//! ```
//!
//! Permutation inference: [`crate::permutation`]; the aggregate state:
//! [`crate::spatial_state`].

use crate::error::{Error, Result};
use crate::permutation::in_blocks;
use crate::rng::Rng;
use crate::sum::NeumaierSum;
use crate::weights::Weights;

/// Two-sided normal p-value, 2 (1 - Phi(|z|)) = erfc(|z| / sqrt 2), accurate in the tails.
///
/// The `libm` crate's erfc (rust-lang): as accurate as glibc's (both within
/// 1 ulp), but they differ in the last bit for some z, and p-values are
/// printed to 17 digits: the Tobit's faster glibc erfc would change users'
/// printed p-values (docs/dependencies.md, "Distributions").
pub fn p_two_sided(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// Deviations from the mean and their sum of squares, refusing non-finite
/// values (22023, naming the unit) and constant values (22012).
///
/// Every statistic built on these is scale-invariant in x, so extreme values
/// are scaled: see [`centred_scaled`] (the deviations returned are those of
/// x times a power of two when x or its deviations are extreme).
pub fn centred(x: &[f64], ids: &[i64], what: &str, statistic: &str) -> Result<(Vec<f64>, f64)> {
    centred_scaled(x, ids, what, statistic).map(|(z, zz, _)| (z, zz))
}

/// Magnitudes within 2^+-SCALE_WINDOW are used as they are: z^4 sums of up
/// to 2^24 units stay far from overflow and underflow.
const SCALE_WINDOW: i32 = 200;

/// As [`centred`], also returning the factor f (a power of two, 1 for
/// ordinary data, bit for bit): the deviations are (x - mean(x)) f. x is
/// scaled before the mean when its largest magnitude lies outside
/// 2^+-200 (sums near 1e308 overflow, subnormal means lose digits), and the
/// deviations again when theirs does (so that z^2 and z^4 neither overflow
/// nor underflow).
pub fn centred_scaled(x: &[f64], ids: &[i64], what: &str, statistic: &str) -> Result<(Vec<f64>, f64, f64)> {
    for (v, id) in x.iter().zip(ids) {
        crate::error::finite_lazy(*v, || format!("{what} of unit {id}"))?;
    }
    if x.is_empty() {
        return Err(Error::invalid(format!("{statistic} needs values, got none")));
    }
    let f = crate::sum::pow2_rescale(crate::sum::max_abs(x), SCALE_WINDOW);
    let mut z = crate::mem::vec_with_capacity(x.len(), "the deviations from the mean")?;
    if f == 1.0 {
        let mean = crate::sum::sum(x.iter().copied()) / x.len() as f64;
        z.extend(x.iter().map(|v| v - mean));
    } else {
        let mean = crate::sum::sum(x.iter().map(|v| v * f)) / x.len() as f64;
        z.extend(x.iter().map(|v| v * f - mean));
    }
    let g = crate::sum::pow2_rescale(crate::sum::max_abs(&z), SCALE_WINDOW);
    if g != 1.0 {
        z.iter_mut().for_each(|v| *v *= g);
    }
    let zz = crate::sum::sum(z.iter().map(|v| v * v));
    if zz == 0.0 {
        let which = if what == "value" { String::new() } else { format!(" of {what}") };
        return Err(Error::div_zero(format!("all values{which} are equal: {statistic} is 0/0")));
    }
    Ok((z, zz, f * g))
}

/// Analytic results of a global Moran's I.
#[derive(Debug, Clone, PartialEq)]
pub struct Moran {
    pub n: usize,
    pub islands: usize,
    pub s0: f64,
    pub i: f64,
    pub expected: f64,
    pub variance_norm: f64,
    pub z_norm: f64,
    pub p_norm: f64,
    /// `None` for n < 4 (the randomisation variance divides by (n-1)(n-2)(n-3)).
    pub variance_rand: Option<f64>,
    pub z_rand: Option<f64>,
    pub p_rand: Option<f64>,
}

#[derive(Debug)]
/// The data of one Moran computation: deviations and the weights, ready for
/// the observed statistic and for permutations.
pub struct Context<'w> {
    w: &'w Weights,
    /// The weights relabelled for memory locality, and z in that order: the
    /// permutations run on these.
    local: Weights,
    z_local: Vec<f64>,
    z: Vec<f64>,
    zz: f64,
    scale: f64, // n / (S0 * zz)
}

impl<'w> Context<'w> {
    /// `x[i]` is the value of unit `w.ids()[i]`.
    pub fn new(w: &'w Weights, x: &[f64]) -> Result<Context<'w>> {
        let n = w.n();
        if x.len() != n {
            return Err(Error::invalid(format!("{} values for {n} units", x.len())));
        }
        if n < 3 {
            return Err(Error::invalid(format!("Moran's I needs at least 3 units, got {n}")));
        }
        let (z, zz) = centred(x, w.ids(), "value", "Moran's I")?;
        let s0 = w.s0();
        if s0 == 0.0 {
            return Err(Error::div_zero("the weights have no links among these units (S0 = 0)"));
        }
        let order = w.locality_order_checked(&mut crate::interrupt::none())?;
        let local = w.reordered_checked(&order, &mut crate::interrupt::none())?;
        let z_local = order.iter().map(|&o| z[o]).collect();
        Ok(Context { w, local, z_local, scale: n as f64 / (s0 * zz), z, zz })
    }

    /// sum_ij w_ij a_i a_j over matrix `w`.
    #[inline]
    fn cross_in(w: &Weights, a: &[f64]) -> f64 {
        let (ptr, col, val) = w.csr();
        let mut total = 0.0;
        for i in 0..a.len() {
            let mut lag = 0.0;
            for k in ptr[i]..ptr[i + 1] {
                lag += val[k] * a[col[k]];
            }
            total += a[i] * lag;
        }
        total
    }

    fn cross(&self, a: &[f64]) -> f64 {
        Self::cross_in(self.w, a)
    }

    pub fn statistic(&self) -> f64 {
        self.scale * self.cross(&self.z)
    }

    pub fn analytic(&self) -> Moran {
        let w = self.w;
        let n = w.n();
        let nf = n as f64;
        let s0 = w.s0();
        let (s1, s2) = w.s1_s2();
        let i = self.statistic();
        let ei = -1.0 / (nf - 1.0);
        let s02 = s0 * s0;
        let v_norm = (nf * nf * s1 - nf * s2 + 3.0 * s02) / ((nf * nf - 1.0) * s02) - ei * ei;
        let z_norm = (i - ei) / v_norm.sqrt();
        let (variance_rand, z_rand, p_rand) = if n >= 4 {
            let mut z4 = NeumaierSum::new();
            self.z.iter().for_each(|v| z4.add(v * v * v * v));
            let b2 = nf * z4.value() / (self.zz * self.zz);
            let a = nf * ((nf * nf - 3.0 * nf + 3.0) * s1 - nf * s2 + 3.0 * s02);
            let b = b2 * ((nf * nf - nf) * s1 - 2.0 * nf * s2 + 6.0 * s02);
            let v = (a - b) / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0) * s02) - ei * ei;
            let z = (i - ei) / v.sqrt();
            (Some(v), Some(z), Some(p_two_sided(z)))
        } else {
            (None, None, None)
        };
        Moran {
            n,
            islands: w.islands(),
            s0,
            i,
            expected: ei,
            variance_norm: v_norm,
            z_norm,
            p_norm: p_two_sided(z_norm),
            variance_rand,
            z_rand,
            p_rand,
        }
    }

    /// I of permutations `first..first + count` of a run seeded `seed`,
    /// sequentially on the calling thread.
    ///
    /// Eight permutations at a time share one pass over the weights: their
    /// values are interleaved (unit i's eight values in one cache line), so
    /// each link reads one line for eight products instead of streaming the
    /// CSR arrays once per permutation (memory-bound for large n). Each
    /// permutation's sums run in the same order as a one-at-a-time loop, so
    /// the results are bitwise those of the simple loop.
    pub fn permuted(&self, seed: u64, first: u64, count: u64) -> Vec<f64> {
        const B: usize = 8;
        let n = self.z_local.len();
        let (ptr, col, val) = self.local.csr();
        let mut out = Vec::with_capacity(count as usize);
        // shuffled one per plane, then interleaved in one sequential pass
        let mut planes = vec![0.0; n * B];
        let mut lanes = vec![0.0; n * B];
        let end = first + count;
        let mut p = first;
        while p < end {
            let m = B.min((end - p) as usize);
            for b in 0..m {
                let plane = &mut planes[b * n..(b + 1) * n];
                plane.copy_from_slice(&self.z_local);
                Rng::stream(seed, p + b as u64).shuffle(plane);
            }
            for (i, lane) in lanes.chunks_exact_mut(B).enumerate() {
                for (b, v) in lane.iter_mut().enumerate() {
                    *v = planes[b * n + i];
                }
            }
            let mut total = [0.0f64; B];
            for i in 0..n {
                let mut lag = [0.0f64; B];
                for k in ptr[i]..ptr[i + 1] {
                    let v = val[k];
                    let row: &[f64; B] = lanes[col[k] * B..col[k] * B + B].try_into().expect("B lanes");
                    for b in 0..B {
                        lag[b] += v * row[b];
                    }
                }
                let own: &[f64; B] = lanes[i * B..i * B + B].try_into().expect("B lanes");
                for b in 0..B {
                    total[b] += own[b] * lag[b];
                }
            }
            out.extend(total[..m].iter().map(|t| self.scale * t));
            p += m as u64;
        }
        out
    }

    /// The one-permutation-at-a-time loop (the reference for `permuted`).
    #[cfg(test)]
    fn permuted_simple(&self, seed: u64, first: u64, count: u64) -> Vec<f64> {
        let mut buf = self.z_local.clone();
        (first..first + count)
            .map(|p| {
                buf.copy_from_slice(&self.z_local);
                Rng::stream(seed, p).shuffle(&mut buf);
                self.scale * Self::cross_in(&self.local, &buf)
            })
            .collect()
    }

    /// The same on a thread pool, in blocks; identical output whatever the
    /// number of threads.
    pub fn permuted_par(&self, pool: &rayon::ThreadPool, seed: u64, first: u64, count: u64) -> Vec<f64> {
        in_blocks(pool, first, count, |f, c| self.permuted(seed, f, c))
    }
}

/// Bivariate Moran's I of x against the spatial lag of y (esda `Moran_BV`,
/// GeoDa's bivariate LISA global): with dx, dy the deviations from the means,
///
/// ```text
/// I_xy = sum_i dx_i (W dy)_i / sqrt(sum dx^2 sum dy^2)  =  zx' W zy / (n - 1)
/// ```
///
/// (zx, zy standardised with the sample standard deviation). There is no
/// n / S0 factor: with row-standardised weights it is on Moran's scale.
/// Inference is by permuting y.
#[derive(Debug)]
pub struct Bivariate<'w> {
    w: &'w Weights,
    dx: Vec<f64>,
    dy: Vec<f64>,
    scale: f64,
}

impl<'w> Bivariate<'w> {
    pub fn new(w: &'w Weights, x: &[f64], y: &[f64]) -> Result<Bivariate<'w>> {
        let n = w.n();
        if x.len() != n || y.len() != n || n < 3 {
            return Err(Error::invalid(format!(
                "bivariate Moran needs at least 3 units with both values, got {}",
                x.len()
            )));
        }
        let (dx, sx) = centred(x, w.ids(), "x", "bivariate Moran")?;
        let (dy, sy) = centred(y, w.ids(), "y", "bivariate Moran")?;
        Ok(Bivariate { w, dx, dy, scale: 1.0 / (sx * sy).sqrt() })
    }

    fn calc(&self, dy: &[f64]) -> f64 {
        let (ptr, col, val) = self.w.csr();
        let mut total = 0.0;
        for i in 0..dy.len() {
            let mut lag = 0.0;
            for k in ptr[i]..ptr[i + 1] {
                lag += val[k] * dy[col[k]];
            }
            total += self.dx[i] * lag;
        }
        self.scale * total
    }

    pub fn statistic(&self) -> f64 {
        self.calc(&self.dy)
    }

    /// I of permutations `first..first + count` of y, sequentially.
    pub fn permuted(&self, seed: u64, first: u64, count: u64) -> Vec<f64> {
        let mut buf = self.dy.clone();
        (first..first + count)
            .map(|p| {
                buf.copy_from_slice(&self.dy);
                Rng::stream(seed, p).shuffle(&mut buf);
                self.calc(&buf)
            })
            .collect()
    }

    pub fn permuted_par(&self, pool: &rayon::ThreadPool, seed: u64, first: u64, count: u64) -> Vec<f64> {
        in_blocks(pool, first, count, |f, c| self.permuted(seed, f, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permutation::permutation_inference;

    use crate::weights::line;

    #[test]
    fn hand_worked_line() {
        // x = 1, 2, 3, 4 on a line (rook): z = -1.5, -0.5, 0.5, 1.5, sum z^2 = 5,
        // sum_ij w z z = 2 (0.75 - 0.25 + 0.75) = 2.5, S0 = 6: I = 4/6 * 2.5/5 = 1/3
        let w = line(4);
        let c = Context::new(&w, &[1.0, 2.0, 3.0, 4.0]).unwrap();
        let m = c.analytic();
        assert!((m.i - 1.0 / 3.0).abs() < 1e-15);
        assert!((m.expected + 1.0 / 3.0).abs() < 1e-15);
        // S1 = 12, S2 = 4 + 16 + 16 + 4 = 40: Var_norm = (16*12 - 4*40 + 3*36)/(15*36) - 1/9
        let v = (16.0 * 12.0 - 160.0 + 108.0) / (15.0 * 36.0) - 1.0 / 9.0;
        assert!((m.variance_norm - v).abs() < 1e-15);
        assert!(m.variance_rand.is_some());
    }

    #[test]
    fn errors() {
        let w = line(4);
        assert!(Context::new(&w, &[1.0; 4]).unwrap_err().message.contains("equal"));
        assert!(Context::new(&line(2), &[1.0, 2.0]).unwrap_err().message.contains("at least 3"));
        assert!(Context::new(&w, &[1.0, f64::NAN, 0.0, 0.0]).unwrap_err().message.contains("unit 1"));
        let empty = Weights::from_triples(&[1, 2, 3], &[]).unwrap();
        assert!(Context::new(&empty, &[1.0, 2.0, 3.0]).unwrap_err().message.contains("S0 = 0"));
        let m3 = Context::new(&line(3), &[1.0, 2.0, 4.0]).unwrap().analytic();
        assert_eq!(m3.variance_rand, None);
    }

    #[test]
    fn batched_permutations_equal_the_simple_loop_bitwise() {
        let w = line(37);
        let x: Vec<f64> = (0..37).map(|i| ((i * 7919) % 101) as f64 / 7.0).collect();
        let ctx = Context::new(&w, &x).unwrap();
        for (first, count) in [(0, 1), (0, 8), (3, 13), (100, 29)] {
            let a = ctx.permuted(99, first, count);
            let b = ctx.permuted_simple(99, first, count);
            assert_eq!(a.len(), count as usize);
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()), "{first} {count}");
        }
    }

    #[test]
    fn permutations_are_reproducible_across_thread_counts() {
        let w = line(50);
        let x: Vec<f64> = (0..50).map(|i| ((i * 37) % 11) as f64).collect();
        let c = Context::new(&w, &x).unwrap();
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let a = c.permuted_par(&one, 12345, 0, 999);
        let b = c.permuted_par(&two, 12345, 0, 999);
        assert_eq!(a, b);
        assert_eq!(a, c.permuted(12345, 0, 999));
        // the permutation distribution is centred on E[I] = -1/(n-1)
        let inf = permutation_inference(c.statistic(), &a);
        assert!((inf.mean_sim + 1.0 / 49.0).abs() < 3.0 * inf.sd_sim / (999f64).sqrt() + 1e-3);
        assert!(inf.p_sim > 0.0 && inf.p_sim <= 0.5 + 1e-12);
    }

    /// Moran's I is scale-invariant: the same on x * 1e300, x * 1e-300,
    /// subnormals and values near the largest double, and finite.
    #[test]
    fn extreme_magnitudes_give_the_same_statistics() {
        let w = line(12);
        let x: Vec<f64> = (0..12).map(|i| ((i * 7) % 5) as f64 - 1.5 + 0.1 * i as f64).collect();
        let base = Context::new(&w, &x).unwrap().analytic();
        let y: Vec<f64> = x.iter().map(|v| v * 2.0 + 1.0).collect();
        let bv = Bivariate::new(&w, &x, &y).unwrap().statistic();
        for c in [1e300, 1e307, 1e-300, 1e-310] {
            let xc: Vec<f64> = x.iter().map(|v| v * c).collect();
            let m = Context::new(&w, &xc).unwrap().analytic();
            for (a, b) in [
                (m.i, base.i),
                (m.z_norm, base.z_norm),
                (m.p_norm, base.p_norm),
                (m.z_rand.unwrap(), base.z_rand.unwrap()),
                (m.variance_rand.unwrap(), base.variance_rand.unwrap()),
            ] {
                let tol = if c < 1e-307 { 1e-9 } else { 1e-12 };
                assert!(a.is_finite() && (a - b).abs() <= tol * b.abs().max(1.0), "{c}: {a} vs {b}");
            }
            let yc: Vec<f64> = y.iter().map(|v| v * c).collect();
            let b = Bivariate::new(&w, &xc, &yc).unwrap().statistic();
            assert!(b.is_finite() && (b - bv).abs() < 1e-9 * bv.abs().max(1.0), "{c}: {b} vs {bv}");
        }
        // a shift near the largest double with small variations: still I (to
        // the digits the inputs keep: their ulp is 2e-3 of the variations)
        let xs: Vec<f64> = x.iter().map(|v| 1e308 + v * 1e295).collect();
        let m = Context::new(&w, &xs).unwrap().analytic();
        assert!(m.i.is_finite() && (m.i - base.i).abs() < 1e-2, "{} vs {}", m.i, base.i);
        // values of both signs near the largest double: the mean no longer overflows
        let xs: Vec<f64> = x.iter().map(|v| v * (1.7e308 / 6.0)).collect();
        assert!((Context::new(&w, &xs).unwrap().analytic().i - base.i).abs() < 1e-12);
        // -0.0 is 0
        let mut xz = x.clone();
        xz[0] = -0.0;
        let mut x0 = x.clone();
        x0[0] = 0.0;
        assert_eq!(Context::new(&w, &xz).unwrap().statistic(), Context::new(&w, &x0).unwrap().statistic());
        // permuted statistics all equal: no z_sim rather than NaN
        let p = permutation_inference(0.7, &[0.25, 0.25, 0.25]);
        assert_eq!((p.z_sim, p.p_z_sim), (None, None));
    }
}
