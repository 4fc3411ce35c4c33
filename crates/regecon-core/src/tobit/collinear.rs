//! Collinear regressors, dropped as Stata's "omitted because of
//! collinearity" (`_rmcoll`).
//!
//! The design's cross-product matrix A = X'X (for fixed effects: of the
//! regressors with each unit's means removed, over the units the fit keeps)
//! is factorised column by column in the order of the terms (Cholesky
//! without pivoting, `_cons` first): the pivot d_j is the residual sum of
//! squares of column j after projecting it on the columns kept before it.
//! Column j is omitted when
//!
//! ```text
//! d_j <= COLLINEAR_TOLERANCE * sum_i x_ij^2
//! ```
//!
//! i.e. when its uncentred R^2 on the kept columns before it exceeds
//! 1 - 1e-11. The reference is the column's raw sum of squares (not its
//! centred or within-unit one), so a regressor that is constant up to
//! rounding (a within-unit variation of 1e-17 of its level) is caught:
//! relative to its own tiny within sum of squares it would look fine and
//! give a huge standard error. Because columns are visited in order, the
//! later of two collinear columns is dropped, and `_cons` (first) is never
//! dropped for a constant regressor: the constant regressor is. The
//! tolerance is the one the former rank check used (a fit that succeeded
//! before omits nothing and gives the same numbers).

use super::panel::Panel;
use crate::error::Result;
use crate::interrupt::{Check, Ticker};

/// Relative tolerance of the collinearity check (see the module docs).
pub const COLLINEAR_TOLERANCE: f64 = 1e-11;

/// Which columns of the panel's design to omit, and each column's mean over
/// the rows considered: all rows, or those of `units` (indices into the
/// panel's units); `within` removes each unit's means first (fixed effects).
pub fn omitted_columns(
    panel: &Panel,
    units: Option<&[usize]>,
    within: bool,
    mut between: Check<'_>,
) -> Result<(Vec<bool>, Vec<f64>)> {
    let k = panel.k;
    let mut a = vec![0.0; k * k];
    let mut raw = vec![0.0; k];
    let mut sum = vec![0.0; k];
    let mut n = 0usize;
    let all: Vec<usize>;
    let units = match units {
        Some(u) => u,
        None => {
            all = (0..panel.n_units()).collect();
            &all
        }
    };
    let mut ticker = Ticker::new(&mut between, 16_384);
    let mut m = vec![0.0; k];
    let mut d = vec![0.0; k];
    for &g in units {
        let rows = panel.rows(g);
        m.iter_mut().for_each(|v| *v = 0.0);
        if within {
            let t = rows.len() as f64;
            for i in rows.clone() {
                panel.row(i).iter().zip(m.iter_mut()).for_each(|(x, v)| *v += x / t);
            }
        }
        for i in rows {
            ticker.tick();
            n += 1;
            let xi = panel.row(i);
            for c in 0..k {
                d[c] = xi[c] - m[c];
                raw[c] += xi[c] * xi[c];
                sum[c] += xi[c];
            }
            for c in 0..k {
                for e in 0..=c {
                    a[c * k + e] += d[c] * d[e];
                }
            }
        }
    }
    let means: Vec<f64> = sum.iter().map(|s| s / n.max(1) as f64).collect();
    // Cholesky over the kept columns (lower triangle of a), in term order
    let mut l = vec![0.0; k * k];
    let mut omitted = vec![false; k];
    for j in 0..k {
        let kept = |c: usize| c < j && !omitted[c];
        let dj = a[j * k + j] - (0..j).filter(|&c| kept(c)).map(|c| l[j * k + c] * l[j * k + c]).sum::<f64>();
        if !(dj > COLLINEAR_TOLERANCE * raw[j]) || !dj.is_finite() {
            omitted[j] = true;
            continue;
        }
        let s = dj.sqrt();
        l[j * k + j] = s;
        for i in j + 1..k {
            let v = a[i * k + j] - (0..j).filter(|&c| kept(c)).map(|c| l[i * k + c] * l[j * k + c]).sum::<f64>();
            l[i * k + j] = v / s;
        }
    }
    Ok((omitted, means))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(x: &[f64], names: &[&str], units: &[i64], intercept: bool) -> Panel {
        let n = units.len();
        let y: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        Panel::new(&y, x, units, &names, intercept, None, None).unwrap()
    }

    #[test]
    fn later_collinear_and_constant_columns_are_omitted_never_the_intercept() {
        // columns a, b = 2a, c = constant 3, d independent
        let rows: Vec<[f64; 4]> = (0..8).map(|i| [i as f64, 2.0 * i as f64, 3.0, ((i * 5) % 7) as f64]).collect();
        let x: Vec<f64> = rows.iter().flatten().copied().collect();
        let units: Vec<i64> = (0..8).collect();
        let p = panel(&x, &["a", "b", "c", "d"], &units, true);
        let (om, means) = omitted_columns(&p, None, false, &mut || {}).unwrap();
        assert_eq!(om, vec![false, false, true, true, false]);
        assert_eq!(means[3], 3.0);
        // without the intercept a constant column is kept (it is the intercept)
        let p = panel(&x, &["a", "b", "c", "d"], &units, false);
        let (om, _) = omitted_columns(&p, None, false, &mut || {}).unwrap();
        assert_eq!(om, vec![false, true, false, false]);
    }

    #[test]
    fn within_unit_rounding_noise_is_no_variation() {
        // z is constant within units up to rounding (0.1 + 0.2 vs 0.3)
        let units: Vec<i64> = (0..12).map(|i| i / 3).collect();
        let x: Vec<f64> = (0..12)
            .flat_map(|i| {
                let g = (i / 3) as f64;
                let z = if i % 3 == 0 { (0.1 + 0.2) * (g + 1.0) } else { 0.3 * (g + 1.0) };
                [((i * 7) % 5) as f64, z]
            })
            .collect();
        let p = panel(&x, &["x", "z"], &units, false);
        let (om, _) = omitted_columns(&p, None, true, &mut || {}).unwrap();
        assert_eq!(om, vec![false, true]);
    }
}
