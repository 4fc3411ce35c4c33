//! The schema of the support functions and the composite result types, created
//! first (pgrx allows one bootstrap block).

use pgrx::prelude::*;

extension_sql!(
    r#"
-- The aggregates' support functions (transition, final, combine, serialize
-- and deserialize functions) live in a schema of their own, out of the
-- user's schema and \df (docs/versions.md). Nobody needs USAGE on it: an
-- aggregate calls them by oid. Its name is fixed, whatever schema the
-- extension is created in.
CREATE SCHEMA regecon_internal;
COMMENT ON SCHEMA regecon_internal IS 'Support functions of the regecon extension''s aggregates (not for direct use)';

CREATE TYPE coupling_result AS (
    c float8, -- coupling degree C, in [0, 1]
    t float8, -- comprehensive coordination index T
    d float8  -- coupling coordination degree D = sqrt(C * T)
);

CREATE TYPE moran_result AS (
    n int,                  -- units in the group
    islands int,            -- units without neighbours (kept in n, as esda does)
    i float8,               -- Moran's I
    expected float8,        -- E[I] = -1/(n-1)
    variance_norm float8,   -- Var[I] under normality
    z_norm float8,
    p_norm float8,          -- two-sided
    variance_rand float8,   -- Var[I] under randomisation (NULL for n < 4)
    z_rand float8,
    p_rand float8,          -- two-sided
    permutations int,       -- NULL without permutation inference
    mean_sim float8,        -- mean of the permuted I
    sd_sim float8,          -- their standard deviation (population)
    z_sim float8,           -- (I - mean_sim) / sd_sim
    p_sim float8,           -- pseudo p: (larger + 1) / (permutations + 1), GeoDa and esda
    p_z_sim float8,         -- one-sided normal p of z_sim, as esda's p_z_sim
    absent_units int,       -- units of the weights relation without a row in the group (their links dropped)
    dropped_links int       -- links of the relation dropped because they name such a unit
);

CREATE TYPE geary_result AS (
    n int, islands int,
    c float8,               -- Geary's C
    expected float8,        -- E[C] = 1
    variance_norm float8, z_norm float8, p_norm float8,   -- z = (C - 1) / sd, p two-sided
    variance_rand float8, z_rand float8, p_rand float8,
    absent_units int, dropped_links int   -- as moran_result
);

CREATE TYPE getis_ord_result AS (
    n int, islands int,
    g float8,               -- Getis-Ord G
    expected float8,        -- E[G] = S0 / (n (n - 1))
    variance float8, z float8, p float8,                 -- p two-sided
    absent_units int, dropped_links int   -- as moran_result
);

CREATE TYPE bivariate_moran_result AS (
    n int, islands int,
    i float8,               -- x against the spatial lag of y
    permutations int, mean_sim float8, sd_sim float8, z_sim float8, p_sim float8, p_z_sim float8,
    absent_units int, dropped_links int   -- as moran_result
);

CREATE TYPE tobit_fit AS (
    model text,                 -- pooled | re | fe
    terms text[],               -- regressors, then _cons (Stata's order; no _cons for fe)
    estimates float8[],
    std_errors float8[],        -- from the observed information matrix
    robust_std_errors float8[], -- cluster-robust by unit
    vcov float8[],              -- covariance of (terms..., ln sigma_e[, ln sigma_u]), row-major
    robust_vcov float8[],       -- the same, cluster-robust by unit
    n_obs int, n_units int, n_left int, n_uncensored int, n_right int,
    dropped_units int,          -- fe: units with every row censored at the same bound
    log_likelihood float8,
    sigma_e float8, se_sigma_e float8,
    sigma_u float8, se_sigma_u float8, rho float8,  -- random effects only
    lr_chibar2 float8, p_chibar2 float8,   -- LR test of sigma_u = 0 (random effects only)
    iterations int, converged bool,
    n_params int, aic float8, bic float8,
    quadrature text, quadrature_points int, -- random effects only
    lower float8, upper float8,             -- the censoring bounds (NULL: none)
    x_means float8[],           -- means of the terms over the rows used (1 for _cons)
    offset_mean float8,         -- fe: mean fitted unit effect over the rows used; 0 otherwise
    omitted bool[],             -- terms omitted because of collinearity (estimate 0, NULL standard error)
    message text,               -- why the fit failed (NULL unless converged is false for a reason)
    wald_chi2 float8, wald_df int, wald_p float8,   -- Wald test that every slope is 0 (observed information)
    obs_min int, obs_mean float8, obs_max int       -- observations per unit
);
"#,
    name = "result_types",
    bootstrap,
);

/// Declares the schema of the support functions to pgrx, whose generator
/// refuses `#[pg_extern(schema = ...)]` otherwise (the bootstrap SQL above
/// creates it first; pgrx's own `CREATE SCHEMA IF NOT EXISTS` then finds it).
#[pg_schema]
mod regecon_internal {}

/// A new tuple of the calling function's declared composite result type.
///
/// The type is found by OID from the function's own catalogue entry
/// (`pg_proc.prorettype` of `fn_oid`), never by name: so it works in any
/// schema the extension was created in, under any search_path (an empty one
/// during pg_restore and, from PostgreSQL 17, while materialized views are
/// built), and a same-named type elsewhere on the caller's path is never used.
pub fn result_tuple(fcinfo: pg_sys::FunctionCallInfo, func: &str) -> PgHeapTuple<'static, pgrx::AllocatedByRust> {
    // SAFETY: fcinfo is the live call's FunctionCallInfo handed to us by
    // PostgreSQL (non-null for any fmgr call); its flinfo is always set by
    // the function manager. get_func_rettype reads the syscache by oid and
    // raises an ERROR (not a crash) for an unknown oid.
    let typoid = unsafe {
        if fcinfo.is_null() || (*fcinfo).flinfo.is_null() {
            error!("{func}: called without a function call context");
        }
        pg_sys::get_func_rettype((*(*fcinfo).flinfo).fn_oid)
    };
    PgHeapTuple::new_composite_type_by_oid(typoid)
        .unwrap_or_else(|e| error!("{func}: the result type (oid {}) is not a composite type: {e}", typoid.to_u32()))
}

/// Result fields added by 0.2.0 (appended to 0.1.0's types). Between
/// installing a newer library and running `ALTER EXTENSION regecon UPDATE`,
/// a database still has the old types: such a field is left out of the
/// result instead of failing the call (docs/versions.md).
const ADDED_FIELDS: &[&str] = &[
    "absent_units",
    "dropped_links",
    "omitted",
    "message",
    "wald_chi2",
    "wald_df",
    "wald_p",
    "obs_min",
    "obs_mean",
    "obs_max",
];

/// Sets a field of a composite result by name (see [`ADDED_FIELDS`]).
pub fn set_field<T: pgrx::IntoDatum>(t: &mut PgHeapTuple<'_, pgrx::AllocatedByRust>, func: &str, name: &str, v: T) {
    match t.set_by_name(name, v) {
        Ok(()) => {}
        Err(pgrx::datum::TryFromDatumError::NoSuchAttributeName(_)) if ADDED_FIELDS.contains(&name) => {}
        Err(e) => error!("{func}: {name}: {e}"),
    }
}

// Catalogue comments of the user-facing functions and types that their own
// files do not comment, run last (every object exists by then), so that
// \df+, \da+ and \dT+ read like the README's function table (and \d+ of a
// result type lists what each field is). A test (sql_features.sql) fails
// when a user-facing object or a field of a result type has no comment.
extension_sql!(
    r#"
-- every field of the result types (\d+ moran_result shows them)
COMMENT ON COLUMN coupling_result.c IS 'Coupling degree C = 2 sqrt(U1 U2) / (U1 + U2) (m systems: its generalisation), in [0, 1]';
COMMENT ON COLUMN coupling_result.t IS 'Comprehensive coordination index T = sum of weight_j U_j';
COMMENT ON COLUMN coupling_result.d IS 'Coupling coordination degree D = sqrt(C T)';
COMMENT ON COLUMN moran_result.n IS 'Units in the group';
COMMENT ON COLUMN moran_result.islands IS 'Units without neighbours (kept in n, as esda does)';
COMMENT ON COLUMN moran_result.i IS 'Moran''s I';
COMMENT ON COLUMN moran_result.expected IS 'E[I] = -1/(n-1)';
COMMENT ON COLUMN moran_result.variance_norm IS 'Var[I] under normality';
COMMENT ON COLUMN moran_result.z_norm IS 'z of I under normality';
COMMENT ON COLUMN moran_result.p_norm IS 'Two-sided p under normality';
COMMENT ON COLUMN moran_result.variance_rand IS 'Var[I] under randomisation (NULL for n < 4)';
COMMENT ON COLUMN moran_result.z_rand IS 'z of I under randomisation';
COMMENT ON COLUMN moran_result.p_rand IS 'Two-sided p under randomisation';
COMMENT ON COLUMN moran_result.permutations IS 'Permutations drawn (NULL without permutation inference)';
COMMENT ON COLUMN moran_result.mean_sim IS 'Mean of the permuted I';
COMMENT ON COLUMN moran_result.sd_sim IS 'Standard deviation of the permuted I (population)';
COMMENT ON COLUMN moran_result.z_sim IS '(I - mean_sim) / sd_sim';
COMMENT ON COLUMN moran_result.p_sim IS 'Pseudo p: (permuted I at least as extreme + 1) / (permutations + 1), as GeoDa and esda';
COMMENT ON COLUMN moran_result.p_z_sim IS 'One-sided normal p of z_sim, as esda';
COMMENT ON COLUMN moran_result.absent_units IS 'Units of the weights relation without a row in the group (their links dropped)';
COMMENT ON COLUMN moran_result.dropped_links IS 'Links of the weights relation dropped because they name an absent unit';
COMMENT ON COLUMN geary_result.n IS 'Units in the group';
COMMENT ON COLUMN geary_result.islands IS 'Units without neighbours';
COMMENT ON COLUMN geary_result.c IS 'Geary''s C';
COMMENT ON COLUMN geary_result.expected IS 'E[C] = 1';
COMMENT ON COLUMN geary_result.variance_norm IS 'Var[C] under normality';
COMMENT ON COLUMN geary_result.z_norm IS '(C - 1) / sd under normality';
COMMENT ON COLUMN geary_result.p_norm IS 'Two-sided p under normality';
COMMENT ON COLUMN geary_result.variance_rand IS 'Var[C] under randomisation';
COMMENT ON COLUMN geary_result.z_rand IS '(C - 1) / sd under randomisation';
COMMENT ON COLUMN geary_result.p_rand IS 'Two-sided p under randomisation';
COMMENT ON COLUMN geary_result.absent_units IS 'Units of the weights relation without a row in the group';
COMMENT ON COLUMN geary_result.dropped_links IS 'Links dropped because they name an absent unit';
COMMENT ON COLUMN getis_ord_result.n IS 'Units in the group';
COMMENT ON COLUMN getis_ord_result.islands IS 'Units without neighbours';
COMMENT ON COLUMN getis_ord_result.g IS 'Getis-Ord G';
COMMENT ON COLUMN getis_ord_result.expected IS 'E[G] = S0 / (n (n - 1))';
COMMENT ON COLUMN getis_ord_result.variance IS 'Var[G]';
COMMENT ON COLUMN getis_ord_result.z IS '(G - E[G]) / sd';
COMMENT ON COLUMN getis_ord_result.p IS 'Two-sided p';
COMMENT ON COLUMN getis_ord_result.absent_units IS 'Units of the weights relation without a row in the group';
COMMENT ON COLUMN getis_ord_result.dropped_links IS 'Links dropped because they name an absent unit';
COMMENT ON COLUMN bivariate_moran_result.n IS 'Units in the group';
COMMENT ON COLUMN bivariate_moran_result.islands IS 'Units without neighbours';
COMMENT ON COLUMN bivariate_moran_result.i IS 'Bivariate Moran: x against the spatial lag of y';
COMMENT ON COLUMN bivariate_moran_result.permutations IS 'Permutations drawn (NULL without permutation inference)';
COMMENT ON COLUMN bivariate_moran_result.mean_sim IS 'Mean of the permuted statistic';
COMMENT ON COLUMN bivariate_moran_result.sd_sim IS 'Standard deviation of the permuted statistic';
COMMENT ON COLUMN bivariate_moran_result.z_sim IS '(I - mean_sim) / sd_sim';
COMMENT ON COLUMN bivariate_moran_result.p_sim IS 'Pseudo p, as esda';
COMMENT ON COLUMN bivariate_moran_result.p_z_sim IS 'One-sided normal p of z_sim';
COMMENT ON COLUMN bivariate_moran_result.absent_units IS 'Units of the weights relation without a row in the group';
COMMENT ON COLUMN bivariate_moran_result.dropped_links IS 'Links dropped because they name an absent unit';
COMMENT ON COLUMN tobit_fit.model IS 'pooled, re (random effects) or fe (fixed effects)';
COMMENT ON COLUMN tobit_fit.terms IS 'Regressors, then _cons (Stata''s order; no _cons for fe)';
COMMENT ON COLUMN tobit_fit.estimates IS 'Coefficients, in the order of terms (0 for an omitted term)';
COMMENT ON COLUMN tobit_fit.std_errors IS 'Standard errors from the observed information matrix';
COMMENT ON COLUMN tobit_fit.robust_std_errors IS 'Cluster-robust standard errors by unit';
COMMENT ON COLUMN tobit_fit.vcov IS 'Covariance of (terms..., ln sigma_e[, ln sigma_u]), row-major';
COMMENT ON COLUMN tobit_fit.robust_vcov IS 'The same, cluster-robust by unit';
COMMENT ON COLUMN tobit_fit.n_obs IS 'Rows used';
COMMENT ON COLUMN tobit_fit.n_units IS 'Units';
COMMENT ON COLUMN tobit_fit.n_left IS 'Rows censored at lower';
COMMENT ON COLUMN tobit_fit.n_uncensored IS 'Rows strictly between the bounds';
COMMENT ON COLUMN tobit_fit.n_right IS 'Rows censored at upper';
COMMENT ON COLUMN tobit_fit.dropped_units IS 'fe: units with every row censored at the same bound (they carry no information)';
COMMENT ON COLUMN tobit_fit.log_likelihood IS 'Log likelihood at the estimates';
COMMENT ON COLUMN tobit_fit.sigma_e IS 'Standard deviation of the idiosyncratic error';
COMMENT ON COLUMN tobit_fit.se_sigma_e IS 'Its standard error';
COMMENT ON COLUMN tobit_fit.sigma_u IS 'Standard deviation of the unit effect (random effects only)';
COMMENT ON COLUMN tobit_fit.se_sigma_u IS 'Its standard error';
COMMENT ON COLUMN tobit_fit.rho IS 'sigma_u^2 / (sigma_u^2 + sigma_e^2) (random effects only)';
COMMENT ON COLUMN tobit_fit.lr_chibar2 IS 'LR test of sigma_u = 0 (random effects only)';
COMMENT ON COLUMN tobit_fit.p_chibar2 IS 'Its p, chi-bar-squared (half the chi2(1) tail)';
COMMENT ON COLUMN tobit_fit.iterations IS 'Newton iterations';
COMMENT ON COLUMN tobit_fit.converged IS 'Whether the fit converged (false with a message when it failed numerically)';
COMMENT ON COLUMN tobit_fit.n_params IS 'Estimated parameters';
COMMENT ON COLUMN tobit_fit.aic IS 'Akaike information criterion';
COMMENT ON COLUMN tobit_fit.bic IS 'Bayesian information criterion';
COMMENT ON COLUMN tobit_fit.quadrature IS 'adaptive or ghq (random effects only)';
COMMENT ON COLUMN tobit_fit.quadrature_points IS 'Gauss-Hermite points (random effects only)';
COMMENT ON COLUMN tobit_fit.lower IS 'Lower censoring bound (NULL: none)';
COMMENT ON COLUMN tobit_fit.upper IS 'Upper censoring bound (NULL: none)';
COMMENT ON COLUMN tobit_fit.x_means IS 'Means of the terms over the rows used (1 for _cons)';
COMMENT ON COLUMN tobit_fit.offset_mean IS 'fe: mean fitted unit effect over the rows used; 0 otherwise';
COMMENT ON COLUMN tobit_fit.omitted IS 'Terms omitted because of collinearity (estimate 0, NULL standard error)';
COMMENT ON COLUMN tobit_fit.message IS 'Why the fit failed (NULL when it converged)';
COMMENT ON COLUMN tobit_fit.wald_chi2 IS 'Wald chi2 that every slope is 0 (observed information)';
COMMENT ON COLUMN tobit_fit.wald_df IS 'Its degrees of freedom';
COMMENT ON COLUMN tobit_fit.wald_p IS 'Its p';
COMMENT ON COLUMN tobit_fit.obs_min IS 'Fewest rows of a unit';
COMMENT ON COLUMN tobit_fit.obs_mean IS 'Mean rows per unit';
COMMENT ON COLUMN tobit_fit.obs_max IS 'Most rows of a unit';
COMMENT ON TYPE coupling_result IS 'Coupling of m systems: C (coupling degree), T (coordination index), D = sqrt(C T) (coupling coordination degree)';
COMMENT ON TYPE moran_result IS 'Global Moran''s I with analytic (normality, randomisation) and permutation inference, islands and subset counts';
COMMENT ON TYPE geary_result IS 'Geary''s C with analytic inference (normality, randomisation)';
COMMENT ON TYPE getis_ord_result IS 'Getis-Ord global G with analytic inference';
COMMENT ON TYPE bivariate_moran_result IS 'Bivariate Moran''s I (x against the spatial lag of y) with permutation inference';
COMMENT ON TYPE tobit_fit IS 'A fitted (panel) Tobit: estimates, covariances, counts, likelihood, random-effects and Wald statistics; read it with tobit_coefficients, tobit_summary, tobit_predict';
COMMENT ON FUNCTION coupling_class(float8, float8[], text[]) IS 'The class of a coupling coordination degree under your own increasing thresholds and labels (one more label than thresholds)';
COMMENT ON FUNCTION coupling_coordination(float8[], float8[]) IS 'Coupling degree C, coordination index T and coupling coordination degree D of m >= 2 systems (weights NULL: 1/m each)';
COMMENT ON FUNCTION knn_weights(bigint[], float8[], float8[], int, text, bool, float8) IS 'k-nearest-neighbour weights (src, dst, weight, distance) from coordinates, euclidean or great-circle (libpysal KNN, spdep knearneigh)';
COMMENT ON FUNCTION distance_band_weights(bigint[], float8[], float8[], float8, text, bool, float8) IS 'Distance-band weights (src, dst, weight, distance): units within the threshold, binary or inverse distance; streamed (libpysal DistanceBand, spdep dnearneigh)';
COMMENT ON FUNCTION min_threshold_distance(float8[], float8[], text) IS 'The smallest distance band that leaves no island (largest nearest-neighbour distance)';
COMMENT ON FUNCTION weights_transform(regclass, text) IS 'A weights relation transformed: r row-standardised, b binary, o as stored';
COMMENT ON FUNCTION weights_summary(regclass, bigint[]) IS 'Units, links, islands, asymmetric pairs, neighbour counts and S0 of a weights relation';
COMMENT ON FUNCTION read_gal(text) IS 'The links of a GeoDa GAL file''s text (weight 1)';
COMMENT ON FUNCTION read_gwt(text) IS 'The links of a GeoDa GWT file''s text';
COMMENT ON FUNCTION to_gal(regclass, bigint[]) IS 'A weights relation as GAL text (write it with psql -A -t -o FILE; libpysal and GeoDa read it)';
COMMENT ON FUNCTION to_gwt(regclass, text, text) IS 'A weights relation as GWT text with GeoDa''s header (write it with psql -A -t -o FILE)';
COMMENT ON FUNCTION local_moran(bigint[], float8[], regclass, int, bigint, text, float8, text) IS 'Local Moran''s I (LISA) of every unit: Ii, conditional moments, z, p, quadrant, lag, pseudo p and GeoDa''s cluster name';
COMMENT ON FUNCTION local_g_star(bigint[], float8[], regclass, text) IS 'Getis-Ord G*i of every unit (the unit itself included) with z and p';
COMMENT ON FUNCTION spatial_lag(bigint[], float8[], regclass, text) IS 'The spatial lag (W x)i of every unit';
COMMENT ON FUNCTION moran_scatter(bigint[], float8[], regclass) IS 'GeoDa''s Moran scatter data: standardised value and the lag of the standardised values (the slope is Moran''s I)';
COMMENT ON AGGREGATE gearys_c(bigint, float8, regclass, text) IS 'Geary''s C with a weights style (r, b or o)';
COMMENT ON AGGREGATE getis_ord_g(bigint, float8, regclass, text) IS 'Getis-Ord global G with a weights style (b by default)';
COMMENT ON AGGREGATE bivariate_morans_i(bigint, float8, float8, regclass, int, bigint) IS 'Bivariate Moran''s I with permutation inference (seeded, reproducible)';
COMMENT ON AGGREGATE panel_tobit(float8, float8[], bigint, float8, float8, text, text[]) IS 'Tobit regression as panel_tobit(y, x, unit, lower, upper, model), with names for the regressors';
COMMENT ON FUNCTION knn_weights(text[], float8[], float8[], int, text, bool, float8) IS 'k-nearest-neighbour weights of units keyed by text ids (src, dst text)';
COMMENT ON FUNCTION distance_band_weights(text[], float8[], float8[], float8, text, bool, float8) IS 'Distance-band weights of units keyed by text ids (src, dst text)';
COMMENT ON FUNCTION weights_transform_text(regclass, text) IS 'A weights relation keyed by text ids, transformed: r row-standardised, b binary, o as stored';
COMMENT ON FUNCTION weights_summary(regclass, text[]) IS 'Summary of a weights relation keyed by text ids, with text ids that may have no link';
COMMENT ON FUNCTION read_gal_text(text) IS 'The links of a GAL file whose ids are text (names, codes with leading zeros)';
COMMENT ON FUNCTION read_gwt_text(text) IS 'The links of a GWT file whose ids are text';
COMMENT ON FUNCTION to_gal(regclass, text[]) IS 'A weights relation keyed by text ids as GAL text, with text ids that may have no link';
COMMENT ON FUNCTION local_moran(text[], float8[], regclass, int, bigint, text, float8, text) IS 'Local Moran''s I (LISA) of units keyed by text ids';
COMMENT ON FUNCTION local_g_star(text[], float8[], regclass, text) IS 'Getis-Ord G*i of units keyed by text ids';
COMMENT ON FUNCTION spatial_lag(text[], float8[], regclass, text) IS 'The spatial lag (W x)i of units keyed by text ids';
COMMENT ON FUNCTION moran_scatter(text[], float8[], regclass) IS 'GeoDa''s Moran scatter data of units keyed by text ids';
COMMENT ON AGGREGATE gearys_c(text, float8, regclass, text) IS 'Geary''s C with a weights style, text unit ids';
COMMENT ON AGGREGATE getis_ord_g(text, float8, regclass, text) IS 'Getis-Ord global G with a weights style, text unit ids';
COMMENT ON AGGREGATE bivariate_morans_i(text, float8, float8, regclass, int, bigint) IS 'Bivariate Moran''s I with permutation inference, text unit ids';
COMMENT ON AGGREGATE panel_tobit(float8, float8[], text, float8, float8, text) IS 'Tobit regression with text unit ids (province names or codes)';
COMMENT ON AGGREGATE panel_tobit(float8, float8[], text, float8, float8, text, text[]) IS 'Tobit regression with text unit ids and names for the regressors';
COMMENT ON FUNCTION local_moran_0_1(bigint[], float8[], regclass, int, bigint, text) IS 'Deprecated (removed at 1.0): 0.1.0''s local_moran, without the cluster column, kept so that views made with 0.1.0 keep working';
COMMENT ON FUNCTION tobit_coefficients_0_1(tobit_fit, text) IS 'Deprecated (removed at 1.0): 0.1.0''s tobit_coefficients, without the confidence interval, kept so that views made with 0.1.0 keep working';
COMMENT ON FUNCTION tobit_coefficients(tobit_fit, text, float8) IS 'One row per coefficient: estimate, standard error (oim or cluster), z, p, stars and a confidence interval at level percent';
COMMENT ON FUNCTION tobit_hausman(tobit_fit, tobit_fit, bool) IS 'Hausman test of a fixed-effects fit against a random-effects fit (sigmamore: both covariances on the RE sigma_e)';
COMMENT ON FUNCTION tobit_average_marginal_effects(tobit_fit, float8[], text) IS 'Average marginal effects over the rows of x (array_agg of the fitted rows), as Stata''s margins, dydx(*), with delta-method standard errors';
COMMENT ON FUNCTION tobit_marginal_effects(tobit_fit, text) IS 'McDonald-Moffitt marginal effects at the means with delta-method standard errors';
COMMENT ON FUNCTION tobit_predict(tobit_fit, float8[]) IS 'Predictions for new regressor values: xb, E[y] censored, E[y | uncensored], Pr(uncensored), E[y*]';
COMMENT ON FUNCTION tobit_summary(tobit_fit) IS 'The fit''s header: counts, likelihood, sigmas, rho, LR and Wald tests, observations per unit, AIC, BIC';
"#,
    name = "catalogue_comments",
    finalize,
);
