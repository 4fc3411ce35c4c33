//! SQL: `panel_tobit` (aggregate returning a `tobit_fit`), `tobit_coefficients`
//! and `tobit_summary`. Numerics: core `tobit`. Only the pooled model is
//! implemented so far; 're' and 'fe' are refused with 0A000.

use crate::aggregate::{self, agg_state, parallel_support};
use crate::errors::{dense, raise, OrRaise};
use pgrx::prelude::*;
use pgrx::{Internal, PgSqlErrorCode};
use regecon_core::moran::p_two_sided;
use regecon_core::tobit::pooled::{fit as pooled_fit, Options};
use regecon_core::tobit::{Model, Rows, Spec};
use regecon_core::Error;

const F: &str = "panel_tobit";

agg_state!(Rows);

#[allow(clippy::too_many_arguments)]
fn trans(
    state: Option<Internal>,
    y: Option<f64>,
    x: Option<Array<'_, f64>>,
    unit: Option<i64>,
    lower: Option<f64>,
    upper: Option<f64>,
    model: Option<&str>,
    names: Option<Vec<String>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let Some(model) = model else { raise(F, Error::invalid("model must not be NULL")) };
    let model = Model::parse(model).or_raise(F);
    let (Some(y), Some(x), Some(unit)) = (y, x, unit) else { return state }; // incomplete rows are skipped
    let x = dense(&x, F, "x");
    let names = names.unwrap_or_else(|| (1..=x.len()).map(|j| format!("x{j}")).collect());
    if names.len() != x.len() {
        raise(F, Error::invalid(format!("names has {} elements but x has {}", names.len(), x.len())));
    }
    for (v, name) in [(lower, "lower"), (upper, "upper")] {
        if let Some(v) = v {
            regecon_core::error::finite(v, name).or_raise(F);
        }
    }
    let spec = Spec { lower, upper, model, names };
    aggregate::trans::<Rows>(state, fcinfo, F, |s| s.add(y, &x, unit, &spec))
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn panel_tobit_trans(
    state: Option<Internal>,
    y: Option<f64>,
    x: Option<Array<'_, f64>>,
    unit: Option<i64>,
    lower: Option<f64>,
    upper: Option<f64>,
    model: Option<&str>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    trans(state, y, x, unit, lower, upper, model, None, fcinfo)
}

#[pg_extern(immutable, parallel_safe)]
#[allow(clippy::too_many_arguments)]
fn panel_tobit_names_trans(
    state: Option<Internal>,
    y: Option<f64>,
    x: Option<Array<'_, f64>>,
    unit: Option<i64>,
    lower: Option<f64>,
    upper: Option<f64>,
    model: Option<&str>,
    names: Option<Array<'_, &str>>,
    fcinfo: pg_sys::FunctionCallInfo,
) -> Option<Internal> {
    let names = names.map(|a| {
        a.iter()
            .enumerate()
            .map(|(i, n)| match n {
                Some(n) => n.to_string(),
                None => raise(F, Error::null_value(format!("names[{}] is NULL", i + 1))),
            })
            .collect()
    });
    trans(state, y, x, unit, lower, upper, model, names, fcinfo)
}

parallel_support!(Rows, panel_tobit_combine, panel_tobit_serialize, panel_tobit_deserialize, "panel_tobit");

#[pg_extern(immutable, parallel_safe)]
fn panel_tobit_final(state: Option<Internal>) -> Option<pgrx::composite_type!('static, "tobit_fit")> {
    let rows = aggregate::finish::<Rows, _>(state, F, |s| Ok(Some(s.clone())))?;
    let spec = rows.spec.clone()?;
    if spec.model != Model::Pooled {
        ereport!(
            ERROR,
            PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
            format!("{F}: model '{}' is not implemented yet; use 'pooled'", spec.model.name())
        );
    }
    let k = spec.names.len();
    let f = pooled_fit(&rows.y, &rows.x, k, &spec.names, true, spec.lower, spec.upper, Options::default()).or_raise(F);
    // Stata's order: the regressors, then _cons
    let p = f.k();
    let order: Vec<usize> = (1..p).chain(std::iter::once(0)).collect();
    let se = f.std_errors();
    let np = p + 1;
    let mut vcov = Vec::with_capacity(np * np);
    let full: Vec<usize> = order.iter().copied().chain(std::iter::once(p)).collect();
    for &a in &full {
        for &b in &full {
            vcov.push(f.vcov[a * np + b]);
        }
    }
    let mut units: Vec<i64> = rows.unit.clone();
    units.sort_unstable();
    units.dedup();
    let params = np as f64;
    let mut t = PgHeapTuple::new_composite_type("tobit_fit").unwrap_or_else(|e| error!("{F}: {e}"));
    put(&mut t, "model", spec.model.name());
    put(&mut t, "terms", order.iter().map(|&j| f.names[j].clone()).collect::<Vec<_>>());
    put(&mut t, "estimates", order.iter().map(|&j| f.beta[j]).collect::<Vec<_>>());
    put(&mut t, "std_errors", order.iter().map(|&j| se[j]).collect::<Vec<_>>());
    put(&mut t, "vcov", vcov);
    for (name, v) in [
        ("n_obs", f.n as i32),
        ("n_units", units.len() as i32),
        ("n_left", f.n_left as i32),
        ("n_uncensored", f.n_uncensored as i32),
        ("n_right", f.n_right as i32),
        ("iterations", f.iterations as i32),
    ] {
        put(&mut t, name, v);
    }
    for (name, v) in [
        ("log_likelihood", Some(f.log_likelihood)),
        ("sigma_e", Some(f.sigma)),
        ("se_sigma_e", Some(f.sigma * f.se_log_sigma())),
        ("sigma_u", None),
        ("rho", None),
        ("lr_chibar2", None),
        ("p_chibar2", None),
        ("aic", Some(-2.0 * f.log_likelihood + 2.0 * params)),
        ("bic", Some(-2.0 * f.log_likelihood + params * (f.n as f64).ln())),
    ] {
        put(&mut t, name, v);
    }
    put(&mut t, "converged", f.converged);
    Some(t)
}

fn put<T: pgrx::IntoDatum>(t: &mut PgHeapTuple<'_, pgrx::AllocatedByRust>, name: &str, v: T) {
    t.set_by_name(name, v).unwrap_or_else(|e| error!("{F}: {name}: {e}"));
}

/// One row per coefficient: estimate, standard error, z, two-sided p, stars
/// (* 10 %, ** 5 %, *** 1 %). STRICT.
#[pg_extern(immutable, parallel_safe, strict)]
fn tobit_coefficients(
    fit: pgrx::composite_type!("tobit_fit"),
) -> TableIterator<
    'static,
    (
        name!(term, String),
        name!(estimate, f64),
        name!(std_error, f64),
        name!(z, f64),
        name!(p_value, f64),
        name!(stars, String),
    ),
> {
    const G: &str = "tobit_coefficients";
    let get = |name: &str| -> Vec<f64> {
        match fit.get_by_name::<Array<'_, f64>>(name) {
            Ok(Some(a)) => dense(&a, G, name),
            _ => raise(G, Error::invalid(format!("fit has no {name}"))),
        }
    };
    let terms: Vec<String> = match fit.get_by_name::<Array<'_, &str>>("terms") {
        Ok(Some(a)) => a.iter().map(|t| t.unwrap_or("").to_string()).collect(),
        _ => raise(G, Error::invalid("fit has no terms")),
    };
    let (est, se) = (get("estimates"), get("std_errors"));
    if est.len() != terms.len() || se.len() != terms.len() {
        raise(G, Error::invalid("fit has terms, estimates and std_errors of different lengths"));
    }
    let rows: Vec<_> = terms
        .into_iter()
        .zip(est.into_iter().zip(se))
        .map(|(term, (b, s))| {
            let z = b / s;
            let p = p_two_sided(z);
            let stars = if p < 0.01 { "***" } else if p < 0.05 { "**" } else if p < 0.1 { "*" } else { "" };
            (term, b, s, z, p, stars.to_string())
        })
        .collect();
    TableIterator::new(rows)
}

extension_sql!(
    r#"
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit bigint, lower float8, upper float8, model text) (
    SFUNC = panel_tobit_trans, STYPE = internal, FINALFUNC = panel_tobit_final,
    COMBINEFUNC = panel_tobit_combine, SERIALFUNC = panel_tobit_serialize, DESERIALFUNC = panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE panel_tobit(y float8, x float8[], unit bigint, lower float8, upper float8, model text, names text[]) (
    SFUNC = panel_tobit_names_trans, STYPE = internal, FINALFUNC = panel_tobit_final,
    COMBINEFUNC = panel_tobit_combine, SERIALFUNC = panel_tobit_serialize, DESERIALFUNC = panel_tobit_deserialize,
    PARALLEL = SAFE
);
CREATE FUNCTION tobit_summary(fit tobit_fit)
RETURNS TABLE(model text, n_obs int, n_units int, n_left int, n_uncensored int, n_right int,
              log_likelihood float8, sigma_e float8, se_sigma_e float8, sigma_u float8, rho float8,
              lr_chibar2 float8, p_chibar2 float8, iterations int, converged bool, aic float8, bic float8)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT fit.model, fit.n_obs, fit.n_units, fit.n_left, fit.n_uncensored, fit.n_right, fit.log_likelihood,
             fit.sigma_e, fit.se_sigma_e, fit.sigma_u, fit.rho, fit.lr_chibar2, fit.p_chibar2, fit.iterations,
             fit.converged, fit.aic, fit.bic $$;
COMMENT ON AGGREGATE panel_tobit(float8, float8[], bigint, float8, float8, text) IS
'Tobit regression of y on x (with an intercept _cons), censored below at lower and above at upper (NULL: no censoring); model pooled (re, fe to come)';
"#,
    name = "panel_tobit_aggregates",
    requires = [
        panel_tobit_trans, panel_tobit_names_trans, panel_tobit_final, panel_tobit_combine,
        panel_tobit_serialize, panel_tobit_deserialize, tobit_coefficients
    ],
);
