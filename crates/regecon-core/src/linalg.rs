//! Small dense linear algebra for the regressions (a few dozen parameters at
//! most): symmetric matrices in row-major `Vec<f64>`, Cholesky factorisation
//! with a rank check, solves and inverses. No BLAS needed.

use crate::error::{Error, Result};

/// A symmetric positive-definite matrix factorised as L L'.
#[derive(Debug, Clone)]
pub struct Cholesky {
    n: usize,
    l: Vec<f64>,
}

impl Cholesky {
    /// Factorises `a` (n x n, row-major). When a pivot is not positive
    /// relative to the diagonal (rank deficiency), the error names the
    /// column through `names` (1-based position when `names` is empty).
    pub fn new(a: &[f64], n: usize, names: &[String]) -> Result<Cholesky> {
        let mut l = vec![0.0; n * n];
        for j in 0..n {
            let mut d = a[j * n + j];
            for k in 0..j {
                d -= l[j * n + k] * l[j * n + k];
            }
            let scale = a[j * n + j].abs().max(f64::MIN_POSITIVE);
            if !(d > 1e-11 * scale) || !d.is_finite() {
                let name = names.get(j).cloned().unwrap_or_else(|| format!("column {}", j + 1));
                return Err(Error::invalid(format!(
                    "regressor {name} is constant or collinear with the regressors before it"
                )));
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
        Ok(Cholesky { n, l })
    }

    /// Solves A x = b.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut y = b.to_vec();
        for i in 0..n {
            for k in 0..i {
                y[i] -= self.l[i * n + k] * y[k];
            }
            y[i] /= self.l[i * n + i];
        }
        for i in (0..n).rev() {
            for k in i + 1..n {
                y[i] -= self.l[k * n + i] * y[k];
            }
            y[i] /= self.l[i * n + i];
        }
        y
    }

    /// A^{-1}, row-major.
    pub fn inverse(&self) -> Vec<f64> {
        let n = self.n;
        let mut inv = vec![0.0; n * n];
        let mut e = vec![0.0; n];
        for j in 0..n {
            e.iter_mut().for_each(|v| *v = 0.0);
            e[j] = 1.0;
            let col = self.solve(&e);
            for i in 0..n {
                inv[i * n + j] = col[i];
            }
        }
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let c = Cholesky::new(&a, 2, &[]).unwrap();
        let x = c.solve(&[2.0, 1.0]);
        assert!((4.0 * x[0] + 2.0 * x[1] - 2.0).abs() < 1e-15 && (2.0 * x[0] + 3.0 * x[1] - 1.0).abs() < 1e-15);
        let inv = c.inverse();
        // [[4,2],[2,3]]^-1 = 1/8 [[3,-2],[-2,4]]
        for (g, w) in inv.iter().zip([0.375, -0.25, -0.25, 0.5]) {
            assert!((g - w).abs() < 1e-15);
        }
        let names = vec!["a".to_string(), "b".to_string()];
        let e = Cholesky::new(&[1.0, 2.0, 2.0, 4.0], 2, &names).unwrap_err();
        assert!(e.message.contains("regressor b"), "{}", e.message);
    }
}
