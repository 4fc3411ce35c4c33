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
    p_z_sim float8          -- one-sided normal p of z_sim, as esda's p_z_sim
);
"#,
    name = "result_types",
    bootstrap,
);
