//! Krugman's (1991) specialisation index of one region:
//!
//! ```text
//! K_i = sum_j | l_ij / sum_j l_ij  -  l_j / sum_j l_j |
//! ```
//!
//! over the industries j of the group: the region's industry mix against the
//! national mix (l_j national employment of industry j). 0 for a region with
//! the national mix, up to 2 for completely different ones.

use super::Pairs;
use crate::error::Result;
use crate::sum::sum;

/// `None` for an empty group; 22012 when either column sums to zero.
pub fn krugman_index(pairs: &Pairs) -> Result<Option<f64>> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let (s, n) = pairs.shares("l_ij", "l_j")?;
    Ok(Some(sum(s.iter().zip(&n).map(|(s, n)| (s - n).abs()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked() {
        let mut p = Pairs::new();
        // region: all in industry 1; nation: half and half -> |1-1/2| + |0-1/2| = 1
        p.add(7.0, 5.0, "l_ij", "l_j").unwrap();
        p.add(0.0, 5.0, "l_ij", "l_j").unwrap();
        assert_eq!(krugman_index(&p).unwrap(), Some(1.0));
        let mut q = Pairs::new();
        q.add(2.0, 20.0, "l_ij", "l_j").unwrap();
        q.add(6.0, 60.0, "l_ij", "l_j").unwrap();
        assert_eq!(krugman_index(&q).unwrap(), Some(0.0));
    }
}
