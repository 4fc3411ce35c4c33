//! What older releases' SQL needs from this library (docs/versions.md).
//!
//! A release's install script binds SQL functions to C symbols of the
//! library. After `make install` of a newer library, a database keeps its
//! old definitions until `ALTER EXTENSION regecon UPDATE`, and the old
//! definitions call the new library. So a symbol, once bound, must keep
//! serving every argument list it was ever bound to. Two symbols were bound
//! to different argument lists by different releases:
//!
//! | symbol | 6 or 2 arguments | 8 or 3 arguments |
//! |---|---|---|
//! | `local_moran_wrapper` | 0.1.0's `local_moran` (10 columns), now `local_moran_0_1` | `local_moran` of the interim 0.1.0 builds and of 0.2.0 (11 columns) |
//! | `tobit_coefficients_wrapper` | 0.1.0's `tobit_coefficients`, now `tobit_coefficients_0_1` | `tobit_coefficients(fit, vce, level)` |
//!
//! Each is a dispatcher on the number of arguments of the call, which fixes
//! the shape of the result the caller expects, and this file declares their
//! SQL by hand (both overloads name the dispatcher), so that
//! `scripts/sql-scripts.py check` sees every bound argument list in the
//! current install script. The deprecated `_0_1` forms are removed at 1.0.

use crate::errors::raise;
use crate::local::{int_ids, local_moran_rows, LisaRow};
use crate::regclass::RegClass;
use pgrx::prelude::*;
use regecon_core::Error;

/// A pgrx-generated fmgr wrapper.
type Wrapper = unsafe extern "C-unwind" fn(pg_sys::FunctionCallInfo) -> pg_sys::Datum;

/// Calls the form whose argument count is the call's; an error (22023)
/// naming the symbol and the counts it serves otherwise.
///
/// # Safety
/// `fcinfo` is the valid fcinfo of a call of a SQL function declared with
/// the argument count and types of one of `forms` (fmgr's contract for a
/// function bound to the dispatching symbol).
unsafe fn dispatch(fcinfo: pg_sys::FunctionCallInfo, symbol: &str, forms: &[(i16, Wrapper, &str)]) -> pg_sys::Datum {
    // SAFETY: fcinfo is null or valid (the caller's contract); null gives -1,
    // which no form matches.
    let nargs = unsafe { fcinfo.as_ref() }.map_or(-1, |f| f.nargs);
    match forms.iter().find(|f| f.0 == nargs) {
        // SAFETY: the declaration has exactly this form's argument count and
        // types, so the wrapper reads only arguments that exist, with their
        // declared types, and returns the row shape the caller expects.
        Some(&(_, wrapper, _)) => unsafe { wrapper(fcinfo) },
        None => {
            let served: Vec<String> = forms.iter().map(|(n, _, name)| format!("{n} ({name})")).collect();
            raise(
                forms[0].2,
                Error::invalid(format!(
                    "the SQL function bound to {symbol} declares {nargs} arguments; the library takes {}",
                    served.join(" or ")
                )),
            )
        }
    }
}

#[no_mangle]
#[doc(hidden)]
pub extern "C" fn pg_finfo_local_moran_wrapper() -> &'static pg_sys::Pg_finfo_record {
    const V1_API: pg_sys::Pg_finfo_record = pg_sys::Pg_finfo_record { api_version: 1 };
    &V1_API
}

/// `local_moran(bigint[], float8[], regclass, int, bigint, text, float8, text)`
/// and `local_moran_0_1(bigint[], float8[], regclass, int, bigint, text)`.
///
/// # Safety
/// Called by PostgreSQL's function manager with a valid fcinfo of a function
/// declared with one of the two argument lists (the count is checked).
#[no_mangle]
#[pg_guard]
pub unsafe extern "C-unwind" fn local_moran_wrapper(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: this function's contract is dispatch's, for these two forms.
    unsafe {
        dispatch(
            fcinfo,
            "local_moran_wrapper",
            &[
                (8, crate::local::local_moran_int_wrapper, "local_moran"),
                (6, local_moran_v01_wrapper, "local_moran_0_1"),
            ],
        )
    }
}

#[no_mangle]
#[doc(hidden)]
pub extern "C" fn pg_finfo_tobit_coefficients_wrapper() -> &'static pg_sys::Pg_finfo_record {
    const V1_API: pg_sys::Pg_finfo_record = pg_sys::Pg_finfo_record { api_version: 1 };
    &V1_API
}

/// `tobit_coefficients(tobit_fit, text, float8)` and
/// `tobit_coefficients_0_1(tobit_fit, text)`.
///
/// # Safety
/// As [`local_moran_wrapper`], with 3 or 2 arguments.
#[no_mangle]
#[pg_guard]
pub unsafe extern "C-unwind" fn tobit_coefficients_wrapper(fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // SAFETY: this function's contract is dispatch's, for these two forms.
    unsafe {
        dispatch(
            fcinfo,
            "tobit_coefficients_wrapper",
            &[
                (3, crate::tobit::tobit_coefficients_level_wrapper, "tobit_coefficients"),
                (2, tobit_coefficients_v01_wrapper, "tobit_coefficients_0_1"),
            ],
        )
    }
}

/// 0.1.0's `local_moran`: no significance, correction or cluster column.
/// Deprecated (SQL name `local_moran_0_1`), removed at 1.0.
#[pg_extern(stable, parallel_safe, strict, sql = false)]
fn local_moran_v01(
    ids: Array<'_, i64>,
    values: Array<'_, f64>,
    weights: RegClass,
    permutations: i32,
    seed: i64,
    style: &str,
) -> TableIterator<
    'static,
    (
        name!(id, i64),
        name!(ii, f64),
        name!(expected, f64),
        name!(variance, Option<f64>),
        name!(z, Option<f64>),
        name!(p, Option<f64>),
        name!(quadrant, String),
        name!(lag, f64),
        name!(p_sim, Option<f64>),
        name!(z_sim, Option<f64>),
    ),
> {
    let ids = int_ids(&ids, "local_moran");
    let rows: Vec<LisaRow<i64>> = local_moran_rows(ids, values, weights, permutations, seed, style, 0.05, "none");
    TableIterator::new(rows.into_iter().map(|r| (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9)).collect::<Vec<_>>())
}

/// 0.1.0's `tobit_coefficients(fit, vce)`: no confidence interval.
/// Deprecated (SQL name `tobit_coefficients_0_1`), removed at 1.0.
#[pg_extern(immutable, parallel_safe, strict, sql = false)]
fn tobit_coefficients_v01(
    fit: pgrx::composite_type!("tobit_fit"),
    vce: &str,
) -> TableIterator<
    'static,
    (
        name!(term, String),
        name!(estimate, Option<f64>),
        name!(std_error, Option<f64>),
        name!(z, Option<f64>),
        name!(p_value, Option<f64>),
        name!(stars, String),
    ),
> {
    let rows: Vec<_> = crate::tobit::tobit_coefficients_level(fit, vce, 95.0)
        .map(|(t, b, s, z, p, st, _, _)| (t, b, s, z, p, st))
        .collect();
    TableIterator::new(rows)
}

extension_sql!(
    r#"
CREATE FUNCTION local_moran(ids bigint[], "values" float8[], weights regclass, permutations int DEFAULT 0,
                            seed bigint DEFAULT 0, style text DEFAULT 'r', significance float8 DEFAULT 0.05,
                            correction text DEFAULT 'none')
RETURNS TABLE(id bigint, ii float8, expected float8, variance float8, z float8, p float8, quadrant text,
              lag float8, p_sim float8, z_sim float8, cluster text)
AS 'MODULE_PATHNAME', 'local_moran_wrapper' LANGUAGE c STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION local_moran_0_1(ids bigint[], "values" float8[], weights regclass, permutations int DEFAULT 0,
                                seed bigint DEFAULT 0, style text DEFAULT 'r')
RETURNS TABLE(id bigint, ii float8, expected float8, variance float8, z float8, p float8, quadrant text,
              lag float8, p_sim float8, z_sim float8)
AS 'MODULE_PATHNAME', 'local_moran_wrapper' LANGUAGE c STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION tobit_coefficients(fit tobit_fit, vce text DEFAULT 'oim', level float8 DEFAULT 95.0)
RETURNS TABLE(term text, estimate float8, std_error float8, z float8, p_value float8, stars text,
              ci_lower float8, ci_upper float8)
AS 'MODULE_PATHNAME', 'tobit_coefficients_wrapper' LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tobit_coefficients_0_1(fit tobit_fit, vce text DEFAULT 'oim')
RETURNS TABLE(term text, estimate float8, std_error float8, z float8, p_value float8, stars text)
AS 'MODULE_PATHNAME', 'tobit_coefficients_wrapper' LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION tobit_summary_0_1(fit tobit_fit)
RETURNS TABLE(model text, n_obs int, n_units int, n_left int, n_uncensored int, n_right int,
              log_likelihood float8, sigma_e float8, se_sigma_e float8, sigma_u float8, se_sigma_u float8,
              rho float8, lr_chibar2 float8, p_chibar2 float8, iterations int, converged bool,
              aic float8, bic float8, quadrature text, quadrature_points int, dropped_units int)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT s.model, s.n_obs, s.n_units, s.n_left, s.n_uncensored, s.n_right, s.log_likelihood, s.sigma_e,
             s.se_sigma_e, s.sigma_u, s.se_sigma_u, s.rho, s.lr_chibar2, s.p_chibar2, s.iterations, s.converged,
             s.aic, s.bic, s.quadrature, s.quadrature_points, s.dropped_units
      FROM @extschema@.tobit_summary(fit) s $$;
COMMENT ON FUNCTION tobit_summary_0_1(tobit_fit) IS
'Deprecated (removed at 1.0): 0.1.0''s tobit_summary, without the message, Wald and observations-per-unit columns, kept so that views made with 0.1.0 keep working';
"#,
    name = "compat_functions",
    requires = ["result_types", "panel_tobit_aggregates"],
);
