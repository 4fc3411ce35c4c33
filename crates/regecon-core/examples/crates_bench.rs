//! Measures the crates regecon uses instead of hand-written general-purpose
//! code against the hand-written code they replaced (kept below only to be
//! measured), for docs/dependencies.md: accuracy against the mpmath values of
//! tests/fixtures/distributions/distributions.json and speed (ns per call,
//! median of `reps` runs, as a ratio to the baseline timed in the same run).
//!
//! Sections: `dist` (erfc, Phi, ln Phi and the Mills ratio, chi2 survival,
//! normal quantile), `rng` (xoshiro256** draws and shuffles), `codec`
//! (aggregate states: serialize + deserialize time and size).
//!
//! Usage: cargo run --release -p regecon-core --example crates_bench -- [dist,rng,codec] [reps]
//! (bench/crates.sh runs all three.)

#![allow(clippy::excessive_precision, clippy::neg_cmp_op_on_partial_ord, clippy::type_complexity)]

use serde_json::Value;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("dist,rng,codec");
    let reps: usize = args.get(2).map(|r| r.parse().unwrap()).unwrap_or(5);
    for w in what.split(',') {
        match w {
            "dist" => dist(reps),
            "rng" => rng(reps),
            "codec" => codec::run(reps),
            other => panic!("unknown section {other}"),
        }
    }
}

/// Median ns per call of each of `fs` (`calls` calls a run), the runs of
/// all candidates interleaved so that a busy machine slows them alike.
fn interleaved(reps: usize, calls: usize, fs: &[&dyn Fn() -> f64]) -> Vec<f64> {
    let mut t = vec![Vec::new(); fs.len()];
    for _ in 0..reps.max(1) {
        for (i, f) in fs.iter().enumerate() {
            let s = Instant::now();
            black_box(f());
            t[i].push(s.elapsed().as_nanos() as f64 / calls as f64);
        }
    }
    t.into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        })
        .collect()
}

/// Relative error, with both infinite or both zero as exact.
fn rel(got: f64, want: f64) -> f64 {
    if got == want {
        0.0
    } else if want == 0.0 || !got.is_finite() {
        f64::INFINITY
    } else {
        ((got - want) / want).abs()
    }
}

/// Max and median relative error, and how many cases are off by more than 1e-12.
fn errors(errs: &mut [f64]) -> (f64, f64, usize) {
    errs.sort_by(f64::total_cmp);
    (errs[errs.len() - 1], errs[errs.len() / 2], errs.iter().filter(|&&e| e > 1e-12).count())
}

/// A number for JSON (Python's reader takes Infinity).
fn js(x: f64) -> String {
    if x.is_finite() {
        format!("{x:e}")
    } else {
        "Infinity".into()
    }
}

fn report(section: &str, what: &str, n: usize, mut errs: Vec<f64>, ns: f64, base_ns: f64) {
    let (max, med, bad) = errors(&mut errs);
    println!(
        "{{\"section\":\"{section}\",\"what\":\"{what}\",\"cases\":{n},\"max_rel_err\":{},\"median_rel_err\":{},\
         \"over_1e-12\":{bad},\"ns_per_call\":{ns:.2},\"ratio_to_baseline\":{:.3}}}",
        js(max),
        js(med),
        ns / base_ns
    );
}

type Cand<'a> = (&'a str, &'a dyn Fn(&[f64]) -> f64);
type CandPair<'a> = (&'a str, &'a dyn Fn(f64) -> (f64, f64));

fn table(fx: &Value, key: &str) -> Vec<Vec<f64>> {
    fx[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect())
        .collect()
}

/// The hand-written functions that statrs replaced (regecon 0.2.0,
/// crates/regecon-core/src/tobit/{normal,effects}.rs), kept only to measure.
mod old {
    extern "C" {
        #[link_name = "erfc"]
        fn c_erfc(x: f64) -> f64;
    }
    pub fn erfc_glibc(x: f64) -> f64 {
        // SAFETY: erfc is a pure function of a double, defined for every input.
        unsafe { c_erfc(x) }
    }
    pub fn cdf(x: f64) -> f64 {
        0.5 * erfc_glibc(-x / std::f64::consts::SQRT_2)
    }
    pub fn ln_cdf_and_mills(x: f64) -> (f64, f64) {
        if x > -30.0 {
            let p = cdf(x);
            ((p.ln()), (-0.5 * x * x).exp() / ((2.0 * std::f64::consts::PI).sqrt() * p))
        } else {
            let t = 1.0 / (x * x);
            let ratio = (1.0 - t + 3.0 * t * t - 15.0 * t * t * t) / -x;
            (-0.5 * x * x - 0.918_938_533_204_672_8 + ratio.ln(), 1.0 / ratio)
        }
    }
    /// Acklam's rational approximation and one Halley step.
    pub fn quantile(p: f64) -> Option<f64> {
        if !(p > 0.0 && p < 1.0) {
            return None;
        }
        if p > 0.5 {
            return quantile(1.0 - p).map(|x| -x);
        }
        if p == 0.5 {
            return Some(0.0);
        }
        const A: [f64; 6] = [
            -3.969683028665376e+01,
            2.209460984245205e+02,
            -2.759285104469687e+02,
            1.383577518672690e+02,
            -3.066479806614716e+01,
            2.506628277459239e+00,
        ];
        const B: [f64; 5] = [
            -5.447609879822406e+01,
            1.615858368580409e+02,
            -1.556989798598866e+02,
            6.680131188771972e+01,
            -1.328068155288572e+01,
        ];
        const C: [f64; 6] = [
            -7.784894002430293e-03,
            -3.223964580411365e-01,
            -2.400758277161838e+00,
            -2.549732539343734e+00,
            4.374664141464968e+00,
            2.938163982698783e+00,
        ];
        const D: [f64; 4] =
            [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        let x = if p < 0.02425 {
            let q = (-2.0 * p.ln()).sqrt();
            (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
        } else {
            let q = p - 0.5;
            let r = q * q;
            (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
        };
        // Halley: e = Phi(x) - p, u = e / phi(x); relative to p, so that tiny p keep their digits
        let e = cdf(x) - p;
        let u = e * (2.0 * std::f64::consts::PI).sqrt() * (0.5 * x * x).exp();
        Some(x - u / (1.0 + 0.5 * x * u))
    }
    pub fn chi2_sf(x: f64, df: f64) -> f64 {
        if !(x > 0.0) {
            return 1.0;
        }
        let a = df / 2.0;
        let z = x / 2.0;
        let ln_front = a * z.ln() - z - libm::lgamma(a);
        if z < a + 1.0 {
            let (mut term, mut ap) = (1.0 / a, a);
            let mut sum = term;
            for _ in 0..10_000 {
                ap += 1.0;
                term *= z / ap;
                sum += term;
                if term.abs() < sum.abs() * 1e-17 {
                    break;
                }
            }
            (1.0 - sum * ln_front.exp()).max(0.0)
        } else {
            let tiny = 1e-300;
            let (mut b, mut c) = (z + 1.0 - a, 1.0 / tiny);
            let mut d = 1.0 / b;
            let mut h = d;
            for i in 1..10_000 {
                let an = -(i as f64) * (i as f64 - a);
                b += 2.0;
                d = an * d + b;
                if d.abs() < tiny {
                    d = tiny;
                }
                c = b + an / c;
                if c.abs() < tiny {
                    c = tiny;
                }
                d = 1.0 / d;
                let del = d * c;
                h *= del;
                if (del - 1.0).abs() < 1e-17 {
                    break;
                }
            }
            ln_front.exp() * h
        }
    }
}

fn dist(reps: usize) {
    use regecon_core::tobit::normal;
    use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/distributions/distributions.json");
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rounds = 2000;
    let times = |rows: &[Vec<f64>], fs: &[&dyn Fn(&[f64]) -> f64]| {
        let runs: Vec<Box<dyn Fn() -> f64 + '_>> = fs
            .iter()
            .map(|f| {
                Box::new(move || {
                    let mut s = 0.0;
                    for _ in 0..rounds {
                        for r in rows {
                            s += f(black_box(r));
                        }
                    }
                    s
                }) as Box<dyn Fn() -> f64>
            })
            .collect();
        let refs: Vec<&dyn Fn() -> f64> = runs.iter().map(|b| b.as_ref()).collect();
        interleaved(reps, rounds * rows.len(), &refs)
    };
    let errs = |rows: &[Vec<f64>], f: &dyn Fn(&[f64]) -> f64, want: usize| -> Vec<f64> {
        rows.iter().map(|r| rel(f(r), r[want])).collect()
    };
    let std_normal = Normal::standard();

    // erfc: glibc (the baseline), the libm crate (moran.rs p_two_sided, the LR test), statrs
    let rows = table(&fx, "erfc");
    let cands: [Cand; 3] = [
        ("erfc glibc (old tobit/normal.rs)", &|r| old::erfc_glibc(r[0])),
        ("erfc libm crate (old moran.rs)", &|r| libm::erfc(r[0])),
        ("erfc statrs", &|r| statrs::function::erf::erfc(r[0])),
    ];
    let ts = times(&rows, &cands.map(|c| c.1));
    for ((name, f), ns) in cands.into_iter().zip(&ts) {
        report("dist", name, rows.len(), errs(&rows, f, 1), *ns, ts[0]);
    }

    let rows = table(&fx, "cdf");
    let cands: [Cand; 3] = [
        ("Phi old (glibc erfc)", &|r| old::cdf(r[0])),
        ("Phi statrs Normal::cdf", &|r| std_normal.cdf(r[0])),
        ("Phi now (normal::cdf)", &|r| normal::cdf(r[0])),
    ];
    let ts = times(&rows, &cands.map(|c| c.1));
    for ((name, f), ns) in cands.into_iter().zip(&ts) {
        report("dist", name, rows.len(), errs(&rows, f, 1), *ns, ts[0]);
    }

    // ln Phi and phi/Phi over [-1e5, 8]; statrs has no ln_cdf: ln(cdf) and pdf/cdf
    let rows = table(&fx, "ln_cdf_mills");
    let statrs_ln = |x: f64| {
        use statrs::distribution::Continuous;
        let p = std_normal.cdf(x);
        (p.ln(), std_normal.pdf(x) / p)
    };
    let cands: [CandPair; 3] = [
        ("old (glibc erfc, series below -30)", &old::ln_cdf_and_mills),
        ("statrs ln(cdf), pdf/cdf", &statrs_ln),
        ("now (normal::ln_cdf_and_mills)", &normal::ln_cdf_and_mills),
    ];
    let sums: Vec<Box<dyn Fn(&[f64]) -> f64 + '_>> = cands
        .iter()
        .map(|c| {
            let f = c.1;
            Box::new(move |r: &[f64]| {
                let (a, b) = f(r[0]);
                a + b
            }) as Box<dyn Fn(&[f64]) -> f64>
        })
        .collect();
    let ts = times(&rows, &sums.iter().map(|b| b.as_ref()).collect::<Vec<_>>());
    let base = ts[0];
    for ((name, f), &ns) in cands.into_iter().zip(&ts) {
        report("dist", &format!("ln Phi {name}"), rows.len(), errs(&rows, &|r| f(r[0]).0, 1), ns, base);
        report("dist", &format!("phi/Phi {name}"), rows.len(), errs(&rows, &|r| f(r[0]).1, 2), ns, base);
        // the range where Phi underflows or loses digits (x < -37)
        let far: Vec<Vec<f64>> = rows.iter().filter(|r| r[0] < -37.0).cloned().collect();
        report("dist", &format!("ln Phi x<-37 {name}"), far.len(), errs(&far, &|r| f(r[0]).0, 1), ns, base);
    }

    let rows = table(&fx, "chi2_sf");
    let cands: [Cand; 3] = [
        ("chi2 sf old (series / Lentz)", &|r| old::chi2_sf(r[1], r[0])),
        ("chi2 sf statrs ChiSquared::sf", &|r| ChiSquared::new(r[0]).unwrap().sf(r[1])),
        ("chi2 sf now (effects::chi2_sf)", &|r| regecon_core::tobit::effects::chi2_sf(r[1], r[0])),
    ];
    let ts = times(&rows, &cands.map(|c| c.1));
    for ((name, f), ns) in cands.into_iter().zip(&ts) {
        report("dist", name, rows.len(), errs(&rows, f, 2), *ns, ts[0]);
    }

    let rows = table(&fx, "quantile");
    let cands: [Cand; 3] = [
        ("quantile old (Acklam + Halley)", &|r| old::quantile(r[0]).unwrap()),
        ("quantile statrs Normal::inverse_cdf", &|r| std_normal.inverse_cdf(r[0])),
        ("quantile now (normal::quantile)", &|r| normal::quantile(r[0]).unwrap()),
    ];
    let ts = times(&rows, &cands.map(|c| c.1));
    for ((name, f), ns) in cands.into_iter().zip(&ts) {
        report("dist", name, rows.len(), errs(&rows, f, 1), *ns, ts[0]);
    }
}

/// The hand-written xoshiro256** that rand_xoshiro replaced, kept only to measure.
struct OldRng {
    s: [u64; 4],
}

impl OldRng {
    fn new(seed: u64) -> OldRng {
        let mut x = seed;
        let mut sm = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        OldRng { s: [sm(), sm(), sm(), sm()] }
    }
    #[inline]
    fn next_u64(&mut self) -> u64 {
        let r = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        r
    }
    #[inline]
    fn below(&mut self, bound: u64) -> u64 {
        let mut m = (self.next_u64() as u128) * (bound as u128);
        if (m as u64) < bound {
            let threshold = bound.wrapping_neg() % bound;
            while (m as u64) < threshold {
                m = (self.next_u64() as u128) * (bound as u128);
            }
        }
        (m >> 64) as u64
    }
    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }
}

fn rng(reps: usize) {
    use regecon_core::rng::Rng;
    let n = 10_000_000;
    let old = || {
        let mut r = OldRng::new(7);
        (0..n).fold(0u64, |a, _| a ^ r.next_u64()) as f64
    };
    let new = || {
        let mut r = Rng::new(7);
        (0..n).fold(0u64, |a, _| a ^ r.next_u64()) as f64
    };
    let t = interleaved(reps, n, &[&old, &new]);
    let same = {
        let (mut a, mut b) = (OldRng::new(7), Rng::new(7));
        (0..1_000_000).all(|_| a.next_u64() == b.next_u64())
    };
    println!(
        "{{\"section\":\"rng\",\"what\":\"next_u64\",\"old_ns\":{:.3},\"new_ns\":{:.3},\"ratio\":{:.3},\"identical_1e6\":{same}}}",
        t[0],
        t[1],
        t[1] / t[0]
    );
    // 999 shuffles of 3000 units, as a Moran permutation run
    let units = 3000;
    let old = || {
        let mut v: Vec<u32> = (0..units).collect();
        let mut r = OldRng::new(42);
        for _ in 0..999 {
            r.shuffle(&mut v);
        }
        v
    };
    let new = || {
        let mut v: Vec<u32> = (0..units).collect();
        let mut r = Rng::new(42);
        for _ in 0..999 {
            r.shuffle(&mut v);
        }
        v
    };
    let t = interleaved(reps, 999, &[&|| old()[0] as f64, &|| new()[0] as f64]);
    println!(
        "{{\"section\":\"rng\",\"what\":\"shuffle 3000\",\"old_ns\":{:.0},\"new_ns\":{:.0},\"ratio\":{:.3},\"identical\":{}}}",
        t[0],
        t[1],
        t[1] / t[0],
        old() == new()
    );
}

/// Serialize + deserialize of typical states: postcard (now) against the
/// hand-written codec it replaced (regecon 0.2.0's codec.rs, kept below only
/// to be measured, with the same checks on the way in).
mod codec {
    use regecon_core::error::{Error, Result};
    use regecon_core::rng::Rng;
    use regecon_core::spatial_state::{Options, UnitValues};
    use regecon_core::tobit::{Model, Rows, Spec};
    use std::hint::black_box;

    const VERSION: u8 = 2;

    pub struct Writer {
        buf: Vec<u8>,
    }

    impl Writer {
        pub fn new(tag: u8, capacity: usize) -> Self {
            let mut buf = Vec::with_capacity(2 + capacity);
            buf.push(VERSION);
            buf.push(tag);
            Writer { buf }
        }
        pub fn u64(&mut self, x: u64) -> &mut Self {
            self.buf.extend_from_slice(&x.to_le_bytes());
            self
        }
        pub fn f64(&mut self, x: f64) -> &mut Self {
            self.buf.extend_from_slice(&x.to_le_bytes());
            self
        }
        pub fn f64s(&mut self, xs: &[f64]) -> &mut Self {
            self.u64(xs.len() as u64);
            self.buf.reserve(8 * xs.len());
            for &x in xs {
                self.f64(x);
            }
            self
        }
        pub fn str(&mut self, s: &str) -> &mut Self {
            self.u64(s.len() as u64);
            self.buf.extend_from_slice(s.as_bytes());
            self
        }
        pub fn finish(self) -> Vec<u8> {
            self.buf
        }
    }

    /// Reads a state written by [`Writer`].
    pub struct Reader<'a> {
        buf: &'a [u8],
        pos: usize,
    }

    impl<'a> Reader<'a> {
        pub fn new(buf: &'a [u8], tag: u8) -> Result<Self> {
            match buf {
                [VERSION, t, ..] if *t == tag => Ok(Reader { buf, pos: 2 }),
                [VERSION, t, ..] => Err(Error::corrupt(format!("aggregate state has tag {t}, expected {tag}"))),
                [v, ..] => Err(Error::corrupt(format!(
                    "aggregate state has format version {v}, this build reads version {VERSION}"
                ))),
                [] => Err(Error::corrupt("aggregate state is empty")),
            }
        }
        fn take8(&mut self) -> Result<[u8; 8]> {
            let end = self.pos.checked_add(8).ok_or_else(|| Error::corrupt("aggregate state is truncated"))?;
            let bytes: [u8; 8] = self
                .buf
                .get(self.pos..end)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| Error::corrupt("aggregate state is truncated"))?;
            self.pos = end;
            Ok(bytes)
        }
        pub fn u64(&mut self) -> Result<u64> {
            Ok(u64::from_le_bytes(self.take8()?))
        }
        pub fn f64(&mut self) -> Result<f64> {
            Ok(f64::from_le_bytes(self.take8()?))
        }
        /// Bytes not read yet.
        pub fn remaining(&self) -> usize {
            self.buf.len().saturating_sub(self.pos)
        }
        /// Reads a count of items that take at least `min_bytes` bytes each,
        /// refusing (22P03) a count the remaining bytes cannot hold: checked
        /// before the caller allocates anything for the items.
        pub fn count(&mut self, min_bytes: usize) -> Result<usize> {
            let n = self.u64()?;
            let fits = usize::try_from(n)
                .ok()
                .filter(|&n| n.checked_mul(min_bytes.max(1)).is_some_and(|b| b <= self.remaining()));
            fits.ok_or_else(|| Error::corrupt("aggregate state is truncated (a length exceeds the bytes left)"))
        }
        pub fn f64s(&mut self) -> Result<Vec<f64>> {
            let n = self.count(8)?;
            let mut v = regecon_core::mem::vec_with_capacity(n, "an aggregate state")?;
            for _ in 0..n {
                v.push(self.f64()?);
            }
            Ok(v)
        }
        /// `n` values written as `u64`, read as `i64` (the caller read and
        /// checked `n` with [`Reader::count`]).
        pub fn i64s_exact(&mut self, n: usize) -> Result<Vec<i64>> {
            if n.checked_mul(8).is_none_or(|b| b > self.remaining()) {
                return Err(Error::corrupt("aggregate state is truncated"));
            }
            let mut v = regecon_core::mem::vec_with_capacity(n, "an aggregate state")?;
            for _ in 0..n {
                v.push(self.u64()? as i64);
            }
            Ok(v)
        }
        pub fn str(&mut self) -> Result<String> {
            let n = self.count(1)?;
            let bytes =
                self.buf.get(self.pos..self.pos + n).ok_or_else(|| Error::corrupt("aggregate state is truncated"))?;
            self.pos += n;
            String::from_utf8(regecon_core::mem::to_vec(bytes, "an aggregate state")?)
                .map_err(|_| Error::corrupt("aggregate state has invalid text"))
        }
        /// Fails unless every byte was read.
        pub fn end(self) -> Result<()> {
            if self.pos == self.buf.len() {
                Ok(())
            } else {
                Err(Error::corrupt("aggregate state has trailing bytes"))
            }
        }
    }

    fn old_unit_values_to(u: &UnitValues) -> Vec<u8> {
        let mut w = Writer::new(6, 48 + 16 * u.ids.len());
        let o = u.options.unwrap();
        w.u64(1).u64(o.key as u64).u64(o.permutations as u64).u64(o.seed as u64).u64(o.style as u64);
        w.u64(u.ids.len() as u64);
        u.ids.iter().for_each(|&i| {
            w.u64(i as u64);
        });
        w.f64s(&u.values).f64s(&u.values2).u64(0);
        w.finish()
    }

    fn old_unit_values_from(bytes: &[u8]) -> Result<UnitValues> {
        let mut r = Reader::new(bytes, 6)?;
        let has = r.u64()? != 0;
        let weights = u32::try_from(r.u64()?).map_err(|_| Error::corrupt("range"))?;
        let (permutations, seed) = (r.u64()? as i64, r.u64()? as i64);
        let style = u8::try_from(r.u64()?).map_err(|_| Error::corrupt("range"))?;
        let n = r.count(8)?;
        let ids = r.i64s_exact(n)?;
        let values = r.f64s()?;
        let values2 = r.f64s()?;
        let labels = r.count(8)?;
        r.end()?;
        if values.len() != ids.len() || labels != 0 {
            return Err(Error::corrupt("lengths"));
        }
        let options = has.then_some(Options { key: weights, permutations, seed, style });
        Ok(UnitValues { ids, values, values2, options, labels: Default::default() })
    }

    fn old_rows_to(rows: &Rows) -> Vec<u8> {
        let mut w = Writer::new(7, 64 + 8 * (rows.y.len() + rows.x.len() + rows.unit.len()));
        let s = rows.spec.as_ref().unwrap();
        w.u64(1).u64(0).u64(s.lower.is_some() as u64).f64(s.lower.unwrap_or(0.0));
        w.u64(s.upper.is_some() as u64).f64(s.upper.unwrap_or(0.0)).u64(s.names.len() as u64);
        s.names.iter().for_each(|n| {
            w.str(n);
        });
        w.f64s(&rows.y).f64s(&rows.x).u64(rows.unit.len() as u64);
        rows.unit.iter().for_each(|&u| {
            w.u64(u as u64);
        });
        w.u64(0);
        w.finish()
    }

    fn old_rows_from(bytes: &[u8]) -> Result<Rows> {
        let mut r = Reader::new(bytes, 7)?;
        r.u64()?;
        r.u64()?;
        let has_l = r.u64()? == 1;
        let l = r.f64()?;
        let has_u = r.u64()? == 1;
        let u = r.f64()?;
        let k = r.count(8)?;
        let mut names = regecon_core::mem::vec_with_capacity(k, "names")?;
        for _ in 0..k {
            names.push(r.str()?);
        }
        let spec = Spec {
            lower: has_l.then_some(l),
            upper: has_u.then_some(u),
            model: Model::Pooled,
            names,
            quadrature: None,
            points: None,
        };
        spec.validate()?;
        let y = r.f64s()?;
        let x = r.f64s()?;
        let n = r.count(8)?;
        if n != y.len() || Some(x.len()) != n.checked_mul(k) {
            return Err(Error::corrupt("lengths"));
        }
        let unit = r.i64s_exact(n)?;
        let labels = r.count(8)?;
        r.end()?;
        if labels != 0 {
            return Err(Error::corrupt("labels"));
        }
        Ok(Rows { y, x, unit, spec: Some(spec), names_key: Vec::new(), labels: Default::default() })
    }

    fn uniform(r: &mut Rng) -> f64 {
        (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn report(what: &str, old: &[u8], new: &[u8], t: &[f64], same: bool) {
        println!(
            "{{\"section\":\"codec\",\"what\":\"{what}\",\"old_bytes\":{},\"new_bytes\":{},\"old_us\":{:.1},\"new_us\":{:.1},\"ratio\":{:.3},\"round_trip_equal\":{same}}}",
            old.len(),
            new.len(),
            t[0] / 1e3,
            t[1] / 1e3,
            t[1] / t[0]
        );
    }

    pub fn run(reps: usize) {
        let mut r = Rng::new(3);
        // morans_i over 3000 units: ids 1..3000 shuffled (KNN panel ids), values
        let o = Options { key: 16384, permutations: 999, seed: 42, style: 1 };
        let mut u = UnitValues::default();
        let mut ids: Vec<i64> = (1..=3000).collect();
        r.shuffle(&mut ids);
        for &id in &ids {
            u.add(id, 1000.0 * uniform(&mut r), o).unwrap();
        }
        let (ob, nb) = (old_unit_values_to(&u), u.to_bytes());
        let same = old_unit_values_from(&ob).unwrap() == u && UnitValues::from_bytes(&nb).unwrap() == u;
        // 50 round trips a run, runs interleaved
        let (calls, runs) = (50, reps * 3);
        let t = super::interleaved(
            runs,
            calls,
            &[
                &|| {
                    (0..calls)
                        .map(|_| old_unit_values_from(&black_box(old_unit_values_to(black_box(&u)))).unwrap().ids.len())
                        .sum::<usize>() as f64
                },
                &|| {
                    (0..calls)
                        .map(|_| UnitValues::from_bytes(&black_box(u.to_bytes())).unwrap().ids.len())
                        .sum::<usize>() as f64
                },
            ],
        );
        report("morans_i state, 3000 units (serialize + deserialize)", &ob, &nb, &t, same);

        // panel_tobit over 10^5 rows, 5 regressors, 2000 units
        let names: Vec<String> = (1..=5).map(|j| format!("x{j}")).collect();
        let spec = Spec { lower: Some(0.0), upper: None, model: Model::Pooled, names, quadrature: None, points: None };
        let mut rows = Rows::default();
        for i in 0..100_000 {
            let x: Vec<f64> = (0..5).map(|_| uniform(&mut r)).collect();
            rows.add(uniform(&mut r).max(0.2) - 0.2, &x, (i % 2000) as i64 + 1, &spec).unwrap();
        }
        let (ob, nb) = (old_rows_to(&rows), rows.to_bytes());
        let eq = |a: &Rows| a.y == rows.y && a.x == rows.x && a.unit == rows.unit && a.spec == rows.spec;
        let same = eq(&old_rows_from(&ob).unwrap()) && eq(&Rows::from_bytes(&nb).unwrap());
        let (calls, runs) = (3, reps * 3);
        let t = super::interleaved(
            runs,
            calls,
            &[
                &|| {
                    (0..calls)
                        .map(|_| old_rows_from(&black_box(old_rows_to(black_box(&rows)))).unwrap().y.len())
                        .sum::<usize>() as f64
                },
                &|| {
                    (0..calls).map(|_| Rows::from_bytes(&black_box(rows.to_bytes())).unwrap().y.len()).sum::<usize>()
                        as f64
                },
            ],
        );
        report("panel_tobit state, 10^5 rows x 5 (serialize + deserialize)", &ob, &nb, &t, same);
    }
}
