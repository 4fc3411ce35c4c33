//! Small dense linear algebra for the regressions (a few dozen parameters at
//! most): symmetric matrices in row-major `Vec<f64>`, Cholesky factorisation
//! with a rank check, solves and inverses, on nalgebra's dense Cholesky (pure
//! Rust, no BLAS/LAPACK; measured against the former hand-written one and faer
//! in docs/dependencies.md, "Linear algebra").

use crate::error::{Error, Result};
use nalgebra::{DMatrix, DVector};

/// A symmetric positive-definite matrix factorised as L L'.
#[derive(Debug, Clone)]
pub struct Cholesky {
    n: usize,
    chol: nalgebra::Cholesky<f64, nalgebra::Dyn>,
}

impl Cholesky {
    /// Factorises `a` (n x n, row-major; only its lower triangle is read).
    /// When a pivot is not positive relative to the diagonal (rank
    /// deficiency: L_jj^2 <= 1e-11 a_jj, or not finite), the error names the
    /// first such column through `names` (1-based position when `names` is
    /// empty).
    pub fn new(a: &[f64], n: usize, names: &[String]) -> Result<Cholesky> {
        // unchecked: a failed pivot leaves NaN or a tiny value on the
        // diagonal, and the columns before it are exact, so the first
        // diagonal entry that fails the relative test is the offending column
        let chol = nalgebra::Cholesky::new_unchecked(DMatrix::from_row_slice(n, n, &a[..n * n]));
        let l = chol.l_dirty();
        for j in 0..n {
            let d = l[(j, j)] * l[(j, j)];
            let scale = a[j * n + j].abs().max(f64::MIN_POSITIVE);
            if !(d > 1e-11 * scale) || !d.is_finite() {
                let name = names.get(j).cloned().unwrap_or_else(|| format!("column {}", j + 1));
                return Err(Error::invalid(format!(
                    "regressor {name} is constant or collinear with the regressors before it"
                )));
            }
        }
        Ok(Cholesky { n, chol })
    }

    /// Solves A x = b.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let mut x = DVector::from_column_slice(&b[..self.n]);
        self.chol.solve_mut(&mut x);
        x.data.into()
    }

    /// A^{-1}, row-major.
    pub fn inverse(&self) -> Vec<f64> {
        // nalgebra stores by column: the transpose's storage is row-major
        self.chol.inverse().transpose().data.into()
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

    #[test]
    fn rank_check_names_the_first_failing_column() {
        // indefinite in the third pivot (the second is fine): 1-based position without names
        let a = [1.0, 0.0, 2.0, 0.0, 1.0, 0.0, 2.0, 0.0, 1.0];
        let e = Cholesky::new(&a, 3, &[]).unwrap_err();
        assert!(e.message.contains("column 3"), "{}", e.message);
        // a NaN in the matrix is refused, not factorised into NaN solutions
        let e = Cholesky::new(&[1.0, f64::NAN, f64::NAN, 1.0], 2, &[]).unwrap_err();
        assert!(e.message.contains("column 2"), "{}", e.message);
        // a pivot that is positive but tiny relative to its diagonal (1e-12) is rank deficiency
        let a = [1.0, 1.0, 1.0, 1.0 + 1e-12];
        assert!(Cholesky::new(&a, 2, &[]).is_err());
        assert!(Cholesky::new(&[1.0, 1.0, 1.0, 1.0 + 1e-9], 2, &[]).is_ok());
    }

    #[test]
    fn thirty_parameters_solve_and_invert_to_rounding() {
        // X'X of a 200 x 30 design: A x = b and A A^-1 = I to ~1e-12
        let (rows, k) = (200, 30);
        let mut s = 5u64;
        let mut u = || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let x: Vec<f64> = (0..rows * k).map(|_| u()).collect();
        let mut a = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                a[i * k + j] = (0..rows).map(|r| x[r * k + i] * x[r * k + j]).sum();
            }
        }
        let c = Cholesky::new(&a, k, &[]).unwrap();
        let b: Vec<f64> = (0..k).map(|i| i as f64 - 7.0).collect();
        let sol = c.solve(&b);
        let inv = c.inverse();
        for i in 0..k {
            let r: f64 = (0..k).map(|j| a[i * k + j] * sol[j]).sum::<f64>() - b[i];
            assert!(r.abs() < 1e-12 * 23.0, "row {i}: {r}");
            for j in 0..k {
                let e: f64 = (0..k).map(|l| a[i * k + l] * inv[l * k + j]).sum::<f64>() - f64::from(i == j);
                assert!(e.abs() < 1e-12, "({i}, {j}): {e}");
            }
        }
    }
}
