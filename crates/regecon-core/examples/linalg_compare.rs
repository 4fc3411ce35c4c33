//! Small dense Cholesky: the former hand-written loops against faer and
//! nalgebra (which src/linalg.rs now uses), for the sizes of the Tobit's Newton
//! systems (k = 2..30): ns per factor + solve and per factor + inverse (median
//! of 7 batches), and the worst residuals over 20 SPD matrices X'X of 200 x k
//! designs, half with strongly collinear columns. docs/dependencies.md,
//! "Linear algebra".
//! `cargo run --release -p regecon-core --features linalg-compare --example linalg_compare`
// `!(d > t)` as in the old code: a NaN pivot must fail the test
#![allow(clippy::neg_cmp_op_on_partial_ord)]
use std::hint::black_box;
use std::time::Instant;

// the hand-written factorisation that src/linalg.rs had before nalgebra (commit abbb9bf)
fn chol_hand(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= l[j * n + k] * l[j * n + k];
        }
        let scale = a[j * n + j].abs().max(f64::MIN_POSITIVE);
        if !(d > 1e-11 * scale) || !d.is_finite() {
            return None;
        }
        let djj = d.sqrt();
        l[j * n + j] = djj;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = s / djj;
        }
    }
    Some(l)
}
fn solve_hand(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut y = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            y[i] -= l[i * n + k] * y[k];
        }
        y[i] /= l[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            y[i] -= l[k * n + i] * y[k];
        }
        y[i] /= l[i * n + i];
    }
    y
}
fn inv_hand(l: &[f64], n: usize) -> Vec<f64> {
    let mut inv = vec![0.0; n * n];
    let mut e = vec![0.0; n];
    for j in 0..n {
        e.iter_mut().for_each(|v| *v = 0.0);
        e[j] = 1.0;
        let c = solve_hand(l, n, &e);
        for i in 0..n {
            inv[i * n + j] = c[i];
        }
    }
    inv
}

fn faer_solve(a: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    use faer::linalg::solvers::Solve;
    let m = faer::MatRef::from_row_major_slice(a, n, n);
    let llt = m.llt(faer::Side::Lower).unwrap();
    let rhs = faer::ColRef::from_slice(b);
    let x = llt.solve(rhs);
    x.iter().copied().collect()
}
fn faer_inv(a: &[f64], n: usize) -> Vec<f64> {
    use faer::linalg::solvers::DenseSolveCore;
    let m = faer::MatRef::from_row_major_slice(a, n, n);
    let llt = m.llt(faer::Side::Lower).unwrap();
    let inv = llt.inverse();
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = inv[(i, j)];
        }
    }
    out
}
fn na_solve(a: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let m = nalgebra::DMatrix::from_row_slice(n, n, a);
    let c = nalgebra::Cholesky::new(m).unwrap();
    let x = c.solve(&nalgebra::DVector::from_column_slice(b));
    x.as_slice().to_vec()
}
fn na_inv(a: &[f64], n: usize) -> Vec<f64> {
    let m = nalgebra::DMatrix::from_row_slice(n, n, a);
    let c = nalgebra::Cholesky::new(m).unwrap();
    let inv = c.inverse();
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = inv[(i, j)];
        }
    }
    out
}

fn lcg(s: &mut u64) -> f64 {
    *s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
}

// X'X of n x k data with some collinearity (like a regression information matrix)
fn spd(k: usize, s: &mut u64, collinear: f64) -> Vec<f64> {
    let rows = 200;
    let mut x = vec![0.0; rows * k];
    for r in 0..rows {
        let base = lcg(s);
        for c in 0..k {
            x[r * k + c] = if c == 0 { 1.0 } else { collinear * base + lcg(s) };
        }
    }
    let mut a = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            a[i * k + j] = (0..rows).map(|r| x[r * k + i] * x[r * k + j]).sum();
        }
    }
    a
}

fn time<F: FnMut() -> f64>(mut f: F) -> f64 {
    // median of 7 runs of enough iterations to last ~20 ms
    let mut iters = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..iters {
            black_box(f());
        }
        if t.elapsed().as_secs_f64() > 0.02 {
            break;
        }
        iters *= 2;
    }
    let mut v: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(f());
            }
            t.elapsed().as_secs_f64() / iters as f64 * 1e9
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[3]
}

fn resid(a: &[f64], n: usize, x: &[f64], b: &[f64]) -> f64 {
    let mut m: f64 = 0.0;
    let bn = b.iter().map(|v| v.abs()).fold(0.0, f64::max);
    for i in 0..n {
        let r: f64 = (0..n).map(|j| a[i * n + j] * x[j]).sum::<f64>() - b[i];
        m = m.max(r.abs());
    }
    m / bn
}
fn inv_err(a: &[f64], n: usize, inv: &[f64]) -> f64 {
    let mut m: f64 = 0.0;
    for i in 0..n {
        for j in 0..n {
            let v: f64 = (0..n).map(|l| a[i * n + l] * inv[l * n + j]).sum::<f64>() - if i == j { 1.0 } else { 0.0 };
            m = m.max(v.abs());
        }
    }
    m
}

fn main() {
    println!("k | solve ns hand/faer/nalgebra | inverse ns hand/faer/nalgebra | max rel residual solve hand/faer/na | max |A inv - I| hand/faer/na");
    for k in [2usize, 3, 5, 8, 10, 12, 16, 20, 30] {
        let mut s = 42;
        let mats: Vec<Vec<f64>> = (0..20).map(|i| spd(k, &mut s, if i % 2 == 0 { 0.0 } else { 30.0 })).collect();
        let b: Vec<f64> = (0..k).map(|i| 1.0 + i as f64).collect();
        let mut idx = 0;
        let th = time(|| {
            idx = (idx + 1) % 20;
            let a = &mats[idx];
            let l = chol_hand(a, k).unwrap();
            solve_hand(&l, k, &b)[0]
        });
        let tf = time(|| {
            idx = (idx + 1) % 20;
            faer_solve(&mats[idx], k, &b)[0]
        });
        let tn = time(|| {
            idx = (idx + 1) % 20;
            na_solve(&mats[idx], k, &b)[0]
        });
        let ih = time(|| {
            idx = (idx + 1) % 20;
            let a = &mats[idx];
            let l = chol_hand(a, k).unwrap();
            inv_hand(&l, k)[0]
        });
        let iff = time(|| {
            idx = (idx + 1) % 20;
            faer_inv(&mats[idx], k)[0]
        });
        let inn = time(|| {
            idx = (idx + 1) % 20;
            na_inv(&mats[idx], k)[0]
        });
        let (mut rh, mut rf, mut rn, mut eh, mut ef, mut en) = (0f64, 0f64, 0f64, 0f64, 0f64, 0f64);
        for a in &mats {
            let l = chol_hand(a, k).unwrap();
            rh = rh.max(resid(a, k, &solve_hand(&l, k, &b), &b));
            rf = rf.max(resid(a, k, &faer_solve(a, k, &b), &b));
            rn = rn.max(resid(a, k, &na_solve(a, k, &b), &b));
            eh = eh.max(inv_err(a, k, &inv_hand(&l, k)));
            ef = ef.max(inv_err(a, k, &faer_inv(a, k)));
            en = en.max(inv_err(a, k, &na_inv(a, k)));
        }
        println!("{k} | {th:.0} / {tf:.0} / {tn:.0} | {ih:.0} / {iff:.0} / {inn:.0} | {rh:.1e} / {rf:.1e} / {rn:.1e} | {eh:.1e} / {ef:.1e} / {en:.1e}");
    }
}
