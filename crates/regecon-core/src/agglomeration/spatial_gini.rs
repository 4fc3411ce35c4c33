//! Krugman's (1991) locational (spatial) Gini coefficient of one industry:
//!
//! ```text
//! G_j = sum_i (s_ij - x_i)^2,  s_ij = l_ij / sum_i l_ij,  x_i = l_i / sum_i l_i
//! ```
//!
//! over the regions i of the group: s_ij is region i's share of industry j,
//! x_i its share of all employment. 0 when the industry is spread exactly like
//! employment as a whole; larger values mean more concentration.

use super::Pairs;
use crate::error::Result;
use crate::sum::sum;

/// `None` for an empty group; 22012 when either column sums to zero.
pub fn spatial_gini(pairs: &Pairs) -> Result<Option<f64>> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let (s, x) = pairs.shares("l_ij", "l_i")?;
    Ok(Some(sum(s.iter().zip(&x).map(|(s, x)| (s - x) * (s - x)))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(a: &[f64], b: &[f64]) -> Pairs {
        let mut p = Pairs::new();
        a.iter().zip(b).for_each(|(&a, &b)| p.add(a, b, "l_ij", "l_i").unwrap());
        p
    }

    #[test]
    fn hand_worked() {
        // industry all in region 1, which has half of all jobs: (1-1/2)^2 + (0-1/2)^2 = 1/2
        assert_eq!(spatial_gini(&pairs(&[10.0, 0.0], &[50.0, 50.0])).unwrap(), Some(0.5));
        // proportional to employment: 0
        assert_eq!(spatial_gini(&pairs(&[1.0, 3.0], &[10.0, 30.0])).unwrap(), Some(0.0));
        assert_eq!(spatial_gini(&Pairs::new()).unwrap(), None);
        assert!(spatial_gini(&pairs(&[0.0, 0.0], &[1.0, 1.0])).is_err());
    }
}
