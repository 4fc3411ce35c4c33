//! The composite result types, created first (pgrx allows one bootstrap block).

use pgrx::prelude::*;

extension_sql!(
    r#"
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
