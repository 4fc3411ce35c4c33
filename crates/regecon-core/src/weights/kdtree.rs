//! A static k-d tree over points in D dimensions (2 for planar coordinates,
//! 3 for unit vectors on the sphere), for k-nearest-neighbour and
//! fixed-radius queries. Built once by median splits: O(n log n) build,
//! O(log n + k) expected per query.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

const LEAF: usize = 16;

pub struct KdTree<const D: usize> {
    pts: Vec<[f64; D]>,
    idx: Vec<usize>,
    nodes: Vec<Node>,
}

struct Node {
    lo: usize,
    hi: usize,
    dim: usize,
    split: f64,
    left: usize,  // child node index, usize::MAX for a leaf
    right: usize,
}

/// A (squared distance, index) pair ordered by distance, then index, so that
/// ties are broken by the lower index, deterministically.
#[derive(Clone, Copy, PartialEq)]
struct Cand(f64, usize);
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Cand {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then(self.1.cmp(&o.1))
    }
}

fn d2<const D: usize>(a: &[f64; D], b: &[f64; D]) -> f64 {
    let mut s = 0.0;
    for k in 0..D {
        let t = a[k] - b[k];
        s += t * t;
    }
    s
}

impl<const D: usize> KdTree<D> {
    pub fn new(pts: Vec<[f64; D]>) -> Self {
        let n = pts.len();
        let mut t = KdTree { idx: (0..n).collect(), pts, nodes: Vec::new() };
        if n > 0 {
            t.build(0, n);
        }
        t
    }

    fn build(&mut self, lo: usize, hi: usize) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node { lo, hi, dim: 0, split: 0.0, left: usize::MAX, right: usize::MAX });
        if hi - lo <= LEAF {
            return id;
        }
        // split on the dimension of largest spread
        let mut best = (0, -1.0);
        for k in 0..D {
            let (mut mn, mut mx) = (f64::INFINITY, f64::NEG_INFINITY);
            for &i in &self.idx[lo..hi] {
                mn = mn.min(self.pts[i][k]);
                mx = mx.max(self.pts[i][k]);
            }
            if mx - mn > best.1 {
                best = (k, mx - mn);
            }
        }
        let dim = best.0;
        let mid = (lo + hi) / 2;
        let pts = &self.pts;
        self.idx[lo..hi].select_nth_unstable_by(mid - lo, |&a, &b| pts[a][dim].total_cmp(&pts[b][dim]));
        let split = self.pts[self.idx[mid]][dim];
        let left = self.build(lo, mid);
        let right = self.build(mid, hi);
        let node = &mut self.nodes[id];
        node.dim = dim;
        node.split = split;
        node.left = left;
        node.right = right;
        id
    }

    /// The `k` nearest points to point `q` other than `exclude`, nearest
    /// first, as (index, squared distance); ties go to the lower index.
    pub fn knn(&self, q: &[f64; D], k: usize, exclude: usize) -> Vec<(usize, f64)> {
        let mut heap: BinaryHeap<Cand> = BinaryHeap::with_capacity(k + 1);
        if k > 0 && !self.nodes.is_empty() {
            self.knn_rec(0, q, k, exclude, &mut heap);
        }
        let mut out: Vec<Cand> = heap.into_vec();
        out.sort();
        out.into_iter().map(|c| (c.1, c.0)).collect()
    }

    fn knn_rec(&self, node: usize, q: &[f64; D], k: usize, ex: usize, heap: &mut BinaryHeap<Cand>) {
        let nd = &self.nodes[node];
        if nd.left == usize::MAX {
            for &i in &self.idx[nd.lo..nd.hi] {
                if i == ex {
                    continue;
                }
                let c = Cand(d2(q, &self.pts[i]), i);
                if heap.len() < k {
                    heap.push(c);
                } else if c < *heap.peek().unwrap() {
                    heap.pop();
                    heap.push(c);
                }
            }
            return;
        }
        let diff = q[nd.dim] - nd.split;
        let (near, far) = if diff < 0.0 { (nd.left, nd.right) } else { (nd.right, nd.left) };
        self.knn_rec(near, q, k, ex, heap);
        // <= so that equal-distance points with lower indices are still found
        if heap.len() < k || diff * diff <= heap.peek().unwrap().0 {
            self.knn_rec(far, q, k, ex, heap);
        }
    }

    /// All points within squared distance `r2` of `q` (inclusive), other than
    /// `exclude`, as (index, squared distance) in index order.
    pub fn within(&self, q: &[f64; D], r2: f64, exclude: usize) -> Vec<(usize, f64)> {
        let mut out = Vec::new();
        if !self.nodes.is_empty() {
            self.within_rec(0, q, r2, exclude, &mut out);
        }
        out.sort_unstable_by_key(|&(i, _)| i);
        out
    }

    fn within_rec(&self, node: usize, q: &[f64; D], r2: f64, ex: usize, out: &mut Vec<(usize, f64)>) {
        let nd = &self.nodes[node];
        if nd.left == usize::MAX {
            for &i in &self.idx[nd.lo..nd.hi] {
                let d = d2(q, &self.pts[i]);
                if i != ex && d <= r2 {
                    out.push((i, d));
                }
            }
            return;
        }
        let diff = q[nd.dim] - nd.split;
        if diff <= 0.0 || diff * diff <= r2 {
            self.within_rec(nd.left, q, r2, ex, out);
        }
        if diff >= 0.0 || diff * diff <= r2 {
            self.within_rec(nd.right, q, r2, ex, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn matches_brute_force() {
        let mut s = 7;
        let pts: Vec<[f64; 2]> = (0..2000).map(|_| [lcg(&mut s), lcg(&mut s)]).collect();
        let t = KdTree::new(pts.clone());
        for q in (0..2000).step_by(97) {
            let mut all: Vec<(usize, f64)> =
                (0..pts.len()).filter(|&i| i != q).map(|i| (i, d2(&pts[q], &pts[i]))).collect();
            all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            assert_eq!(t.knn(&pts[q], 8, q), all[..8].to_vec());
            let r2 = 0.01;
            let mut w: Vec<(usize, f64)> = all.iter().copied().filter(|&(_, d)| d <= r2).collect();
            w.sort_by_key(|&(i, _)| i);
            assert_eq!(t.within(&pts[q], r2, q), w);
        }
    }

    #[test]
    fn ties_go_to_the_lower_index() {
        // a square around the origin: four points at the same distance
        let pts = vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]];
        let t = KdTree::new(pts.clone());
        let nn: Vec<usize> = t.knn(&pts[0], 2, 0).into_iter().map(|x| x.0).collect();
        assert_eq!(nn, vec![1, 2]);
    }
}
