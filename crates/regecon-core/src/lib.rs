//! Pure numerics of regecon.
//!
//! Nothing in this crate knows about PostgreSQL: every statistic takes plain
//! Rust values and returns `Result<_, Error>`. The extension crate (the "glue")
//! maps SQL types and NULLs onto these functions and turns [`Error`] into an
//! `ereport` with the SQLSTATE given by [`ErrorKind`].
//!
//! One statistic, one file:
//! - [`resilience`]: Martin et al. (2016) relative resilience, scalar and shift-share.
//! - [`agglomeration::hhi`]: Herfindahl-Hirschman index (share form and the paper's eq. 5).
//! - [`agglomeration::location_quotient`], [`agglomeration::spatial_gini`],
//!   [`agglomeration::krugman`]: the related concentration measures.
//! - [`entropy`]: environmental damage index, entropy weights and the CEDI.
//! - [`coupling`]: coupling degree C, coordination index T, coupling coordination D, classes.
//! - [`scale`]: min-max normalisation.
//! - [`moran`]: global Moran's I and the bivariate Moran's I; [`geary`]: Geary's C;
//!   [`getis_ord`]: Getis-Ord global G and local G*; [`local_moran`]: LISA, spatial lag, Moran scatter.
//! - [`permutation`]: the permutation engine (blocks on a pool, esda's pseudo p) every spatial statistic uses.
//! - [`spatial_state`]: the aggregate state of the spatial statistics (rows, options, byte format).
//! - [`weights`]: spatial weights (CSR), their builders (k nearest, distance band, contiguity, GAL/GWT) and styles.
//! - [`tobit`]: panel Tobit (pooled, random effects, fixed effects), marginal effects, Hausman test.
//! - [`sum`]: compensated summation used by every accumulator.
//! - [`linalg`]: the small dense linear algebra of the fits (Cholesky).
//! - [`rng`]: the seeded random streams of the permutations.
//! - [`codec`]: the versioned byte format of aggregate states (parallel query).
//! - [`fixed`]: the fixed-size byte form of the states that are a few numbers (Citus ships them).
//! - [`mem`]: input-sized buffers, allocated fallibly under `regecon.max_memory`.
//! - [`interrupt`]: how long loops let the caller cancel them.
//! - [`labels`]: text unit ids, coded to integers in the byte order of their names.
//! - [`error`]: [`Error`] and its [`ErrorKind`] (the SQLSTATE the glue raises).

// `!(x > y)` is this crate's test that also rejects NaN, on purpose; the
// published constants (Acklam's coefficients, reference quantiles) are kept
// digit for digit as printed.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::excessive_precision)]

pub mod agglomeration;
pub mod codec;
pub mod coupling;
pub mod entropy;
pub mod error;
pub mod fixed;
pub mod geary;
pub mod getis_ord;
pub mod interrupt;
pub mod labels;
pub mod linalg;
pub mod local_moran;
pub mod mem;
pub mod moran;
pub mod permutation;
pub mod resilience;
pub mod rng;
pub mod scale;
pub mod spatial_state;
pub mod sum;
pub mod tobit;
pub mod weights;

pub use error::{Error, ErrorKind, Result};
