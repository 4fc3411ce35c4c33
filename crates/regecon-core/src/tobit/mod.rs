//! Tobit regression (censored normal regression): pooled, random effects
//! and fixed effects (docs/methods.md section 6), with marginal effects and the
//! Hausman test in `effects`.
//!
//! y*_i = x_i' beta + e_i, e_i ~ N(0, sigma^2); observed y_i = y*_i inside
//! (lower, upper), and the bound itself when y*_i falls at or beyond it. A
//! missing bound means no censoring on that side.
//!
//! [`fit()`] fits rows held in memory (the `panel_tobit` aggregate);
//! [`distributed`] fits the pooled and random-effects models from sums over
//! units computed elsewhere (`panel_tobit_distributed`, Citus).

pub mod collinear;
pub mod distributed;
pub mod effects;
pub mod fit;
pub mod fixed;
pub mod hermite;
pub mod inference;
pub mod likelihood;
pub mod newton;
pub mod normal;
pub mod panel;
pub mod pooled;
pub mod random;
pub mod rows;

pub use fit::{obs_per_unit, Fit};
pub use rows::{censoring, check_names, validate_bounds, Censoring, Model, Rows, Spec, BOUND_TOLERANCE, INTERCEPT};

use crate::error::{Error, Result};
use fit::{failed_fit, SINGULAR};

/// How to fit: the model comes from the rows' spec.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub quadrature: random::Quadrature,
    pub points: usize,
    pub newton: newton::Options,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            quadrature: random::Quadrature::Adaptive,
            points: random::DEFAULT_POINTS,
            newton: newton::Options::default(),
        }
    }
}

/// A fit on the design without the omitted columns, widened back to every
/// term of `full`: omitted terms get estimate 0, x mean `means[j]` and zero
/// rows and columns in both covariances (empty covariances stay empty).
fn widen(f: Fit, full: &panel::Panel, omitted: &[bool], means: &[f64]) -> Fit {
    let k = omitted.len();
    let k_red = f.beta.len();
    let mut index = Vec::with_capacity(k);
    let mut r = 0;
    for &o in omitted {
        index.push((!o).then(|| {
            r += 1;
            r - 1
        }));
    }
    let extra = f.vcov.len().max(f.robust_vcov.len()).isqrt().saturating_sub(k_red);
    let p = k + extra;
    let at = |a: usize| if a < k { index[a] } else { Some(a - k + k_red) };
    let grow = |v: &[f64]| -> Vec<f64> {
        if v.is_empty() {
            return Vec::new();
        }
        let q = k_red + extra;
        let mut w = vec![0.0; p * p];
        for a in 0..p {
            for b in 0..p {
                if let (Some(i), Some(j)) = (at(a), at(b)) {
                    w[a * p + b] = v[i * q + j];
                }
            }
        }
        w
    };
    Fit {
        names: full.names.clone(),
        beta: (0..k).map(|j| index[j].map_or(0.0, |i| f.beta[i])).collect(),
        x_means: (0..k).map(|j| index[j].map_or(means[j], |i| f.x_means[i])).collect(),
        vcov: grow(&f.vcov),
        robust_vcov: grow(&f.robust_vcov),
        omitted: omitted.to_vec(),
        ..f
    }
}

/// How many p x p matrices a fit may hold at once (information, two
/// covariances, factorisations, the collinearity check, scores): the memory
/// check before a fit counts this many.
const MATRICES: usize = 8;

/// Fits the model the rows ask for; an intercept `_cons` is included except
/// for fixed effects. The likelihood sums run over the rows in the order
/// given: [`fit_canonical`] fits them in canonical order.
///
/// Collinear regressors (and, for fixed effects, regressors without
/// within-unit variation) are omitted as described in [`collinear`] and
/// flagged in [`Fit::omitted`].
///
/// Errors (`Err`) are input errors only: no rows, bounds not finite or not
/// ordered, bad names, non-finite values, length mismatches, an unsupported
/// number of quadrature points (22023), and out of memory (53200).
///
/// A numerical failure is `Ok` with `converged = false` and
/// [`Fit::message`] saying why; what such a fit holds:
///
/// - stopped by the iteration limit: every estimate and covariance at the
///   last iterate (as before), message "the maximisation did not converge
///   within N iterations";
/// - singular information matrix at the estimate: the estimates (beta,
///   sigma_e, sigma_u, log-likelihood) but empty `vcov` and `robust_vcov`;
/// - no estimate at all (every observation censored, fewer observations
///   than parameters, sigma_u not identified, one unit for random effects,
///   every fixed-effects unit censored at one bound, no usable curvature):
///   `beta`, `vcov`, `robust_vcov` empty, `sigma_e` 0, `sigma_u` None,
///   `log_likelihood` 0, `pooled_log_likelihood` None, `iterations` 0,
///   `n_params` 0; `names`, `omitted`, `x_means` (over all rows), the
///   counts, `n_units` and `obs_per_unit` describe the rows.
///
/// Use [`Fit::has_estimates`] and [`Fit::has_vcov`] before reading them; the
/// accessors in [`effects`] refuse such fits with 22023.
///
/// `settings` holds the defaults: a quadrature or number of points named in
/// the rows' [`Spec`] (the call's arguments) takes precedence.
pub fn fit(
    rows: &Rows,
    settings: Settings,
    pool: Option<&rayon::ThreadPool>,
    between: crate::interrupt::Check<'_>,
) -> Result<Fit> {
    fit_in_order(rows, &rows.unit, None, settings, pool, between)
}

/// [`fit()`] of the rows in canonical order, `fit(&rows.canonical()?, ...)`
/// bit for bit, without copying the rows (a fit then depends only on the
/// set of rows: see [`Rows::canonical`]). What an aggregate's final
/// function calls on its state.
pub fn fit_canonical(
    rows: &Rows,
    settings: Settings,
    pool: Option<&rayon::ThreadPool>,
    between: crate::interrupt::Check<'_>,
) -> Result<Fit> {
    let (unit, order) = rows.canonical_order()?;
    fit_in_order(rows, &unit, order, settings, pool, between)
}

/// [`fit()`] of `rows` taken in `order` (`None`: as given), their units read
/// from `unit`.
fn fit_in_order(
    rows: &Rows,
    unit: &[i64],
    order: Option<Vec<usize>>,
    settings: Settings,
    pool: Option<&rayon::ThreadPool>,
    between: crate::interrupt::Check<'_>,
) -> Result<Fit> {
    let spec = rows.spec.as_ref().ok_or_else(|| Error::invalid("no rows"))?;
    let settings = Settings {
        quadrature: spec.quadrature.unwrap_or(settings.quadrature),
        points: spec.points.unwrap_or(settings.points),
        ..settings
    };
    let fe = spec.model == Model::FixedEffects;
    // the fit holds a few p x p matrices (information, covariances, the
    // collinearity check): sized from the number of regressors, so checked
    // against the memory limit before any is allocated (53200, not an abort)
    let p = spec.names.len().saturating_add(3);
    const WHAT: &str = "the p x p matrices of panel_tobit (one per regressor squared)";
    crate::mem::check(crate::mem::bytes_of::<f64>(p.saturating_mul(p).saturating_mul(MATRICES), WHAT)?, WHAT)?;
    let panel = panel::Panel::new_in_order(&rows.y, &rows.x, unit, order, &spec.names, !fe, spec.lower, spec.upper)?;
    let quadrature = (spec.model == Model::RandomEffects).then_some((settings.quadrature, settings.points));
    if quadrature.is_some() {
        hermite::rule(settings.points)?; // an input error, not a failed fit
    }
    let kept_units = fe.then(|| fixed::kept_units(&panel));
    let (omitted, means) = collinear::omitted_columns(&panel, kept_units.as_deref(), fe, &mut *between)?;
    let any_omitted = omitted.iter().any(|o| *o);
    let reduced;
    let design = if any_omitted {
        reduced = panel.keep_columns(&omitted.iter().map(|o| !o).collect::<Vec<_>>())?;
        &reduced
    } else {
        &panel
    };
    let result = match spec.model {
        Model::Pooled => pooled::fit(design, settings.newton, pool, &mut *between),
        Model::RandomEffects => {
            random::fit(design, settings.quadrature, settings.points, settings.newton, pool, &mut *between)
        }
        Model::FixedEffects => fixed::fit(design, settings.newton, &mut *between),
    };
    let mut f = match result {
        Ok(f) if any_omitted => widen(f, &panel, &omitted, &means),
        Ok(f) => Fit { omitted, ..f },
        // the input was checked above: what is left is numerical
        Err(e) if e.kind == crate::ErrorKind::InvalidParameter => {
            return Ok(failed_fit(spec.model, &panel, omitted, e.message, quadrature));
        }
        Err(e) => return Err(e),
    };
    // with one cluster (unit) the cluster-robust covariance is undefined
    // (G / (G - 1) divides by zero): empty, NULL in SQL, never NaN
    if f.robust_vcov.iter().any(|v| !v.is_finite()) {
        f.robust_vcov.clear();
    }
    if f.vcov.iter().any(|v| !v.is_finite()) {
        f.vcov.clear();
        f.robust_vcov.clear();
        f.converged = false;
        f.message = Some(SINGULAR.to_string());
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::fit::tests::real_fit;
    use super::*;

    #[test]
    fn regressors_whose_matrices_pass_the_limit_are_refused_before_allocating() {
        // 10^5 regressors: p x p matrices of 80 GB each. The check uses the
        // process-wide limit, which tests leave unlimited, so the sizes
        // overflow it only through bytes_of: check the arithmetic instead.
        let p = 100_003usize;
        let bytes = crate::mem::bytes_of::<f64>(p * p * MATRICES, "m").unwrap();
        assert!(bytes > 500 << 30);
        assert!(crate::mem::bytes_of::<f64>(usize::MAX / 4, "m").is_err());
    }

    #[test]
    fn quadrature_named_by_the_call_overrides_the_defaults() {
        let spec = |quadrature, points| Spec {
            lower: Some(0.0),
            upper: None,
            model: Model::RandomEffects,
            names: vec!["x".into()],
            quadrature,
            points,
        };
        let rows = |spec: &Spec| {
            let mut r = Rows::default();
            for i in 0..60 {
                let x = ((i * 37) % 11) as f64 / 3.0 - 1.0;
                let u = (i % 7) as i64;
                r.add((((i * 13) % 17) as f64 / 4.0 - 1.0 + 0.3 * x + 0.2 * u as f64).max(0.0), &[x], u, spec).unwrap();
            }
            r
        };
        let plain8 = Settings { quadrature: random::Quadrature::Plain, points: 8, ..Settings::default() };
        let by_settings = fit(&rows(&spec(None, None)), plain8, None, &mut || {}).unwrap();
        let named = rows(&spec(Some(random::Quadrature::Plain), Some(8)));
        let by_call = fit(&named, Settings::default(), None, &mut || {}).unwrap();
        assert_eq!(by_call.quadrature, Some((random::Quadrature::Plain, 8)));
        assert_eq!(by_call.beta, by_settings.beta);
        assert_eq!(by_call.log_likelihood, by_settings.log_likelihood);
        // the adaptive 12-point default differs: the arguments were used
        let default = fit(&rows(&spec(None, None)), Settings::default(), None, &mut || {}).unwrap();
        assert_ne!(default.log_likelihood, by_call.log_likelihood);
        // the choice survives the state's serialization (parallel query)
        assert_eq!(Rows::from_bytes(&named.to_bytes()).unwrap(), named);
        // rows of one group must agree on it
        let mut mixed = rows(&spec(None, None));
        let e = mixed.add(1.0, &[0.5], 1, &spec(Some(random::Quadrature::Plain), None)).unwrap_err();
        assert!(e.message.contains("quadrature"), "{}", e.message);
        for bad in [0, hermite::MAX_POINTS + 1] {
            let e = Rows::default().add(1.0, &[0.5], 1, &spec(None, Some(bad))).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::InvalidParameter);
            assert!(e.message.contains("quadrature_points"), "{}", e.message);
        }
    }

    #[test]
    fn canonical_order_makes_fits_independent_of_row_order() {
        let spec = Spec {
            lower: Some(0.0),
            upper: None,
            model: Model::RandomEffects,
            names: vec!["x".into()],
            quadrature: None,
            points: None,
        };
        let rows: Vec<(f64, f64, i64)> = (0..60)
            .map(|i| {
                let x = ((i * 37) % 11) as f64 / 3.0 - 1.0;
                let u = (i % 7) as i64;
                (((i * 13) % 17) as f64 / 4.0 - 1.0 + 0.3 * x + 0.2 * u as f64, x, u)
            })
            .collect();
        let fit_of = |order: &mut dyn Iterator<Item = usize>| {
            let mut r = Rows::default();
            for i in order {
                r.add(rows[i].0, &[rows[i].1], rows[i].2, &spec).unwrap();
            }
            let c = r.canonical().unwrap();
            assert_eq!(c.canonical().unwrap(), c); // already in order: unchanged
            let f = fit(&c, Settings::default(), None, &mut crate::interrupt::none()).unwrap();
            // fitting the rows in place in canonical order: bitwise the fit of the copy
            let g = fit_canonical(&r, Settings::default(), None, &mut crate::interrupt::none()).unwrap();
            assert_eq!(
                (g.beta.clone(), g.vcov.clone(), g.robust_vcov.clone()),
                (f.beta.clone(), f.vcov.clone(), f.robust_vcov.clone())
            );
            assert_eq!(g.log_likelihood.to_bits(), f.log_likelihood.to_bits());
            f
        };
        // text units (named so that their byte order reverses the integers')
        let mut t = Rows::default();
        for i in (0..60).map(|i| (i * 23) % 60) {
            t.add_text(rows[i].0, &[rows[i].1], &format!("u{}", 9 - rows[i].2), &spec).unwrap();
        }
        let (f, g) = (
            fit(&t.canonical().unwrap(), Settings::default(), None, &mut crate::interrupt::none()).unwrap(),
            fit_canonical(&t, Settings::default(), None, &mut crate::interrupt::none()).unwrap(),
        );
        assert_eq!((&g.beta, &g.vcov, g.log_likelihood.to_bits()), (&f.beta, &f.vcov, f.log_likelihood.to_bits()));
        let a = fit_of(&mut (0..60));
        let b = fit_of(&mut (0..60).rev());
        let c = fit_of(&mut (0..60).map(|i| (i * 23) % 60));
        for f in [&b, &c] {
            assert_eq!(f.beta, a.beta); // bitwise
            assert_eq!(f.vcov, a.vcov);
            assert_eq!(f.log_likelihood.to_bits(), a.log_likelihood.to_bits());
        }
    }

    fn rows_of(model: Model, y: &[f64], x: &[f64], names: &[&str], units: &[i64], lower: Option<f64>) -> Rows {
        let spec = Spec {
            lower,
            upper: None,
            model,
            names: names.iter().map(|s| s.to_string()).collect(),
            quadrature: None,
            points: None,
        };
        let k = names.len();
        let mut r = Rows::default();
        for i in 0..y.len() {
            r.add(y[i], &x[i * k..(i + 1) * k], units[i], &spec).unwrap();
        }
        r
    }

    #[test]
    fn collinear_and_constant_regressors_are_omitted_not_errors() {
        let y = [0.0, 1.5, 4.0, 2.2, 0.0, 3.1, 4.0, 0.7, 2.9, 0.0, 1.1, 2.0];
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7, 3.0, 0.5, 1.9, -1.0, 0.2, 1.4];
        let z = [1.0, 0.0, 2.0, 1.0, 3.0, 0.0, 1.0, 2.0, 2.0, 1.0, 0.0, 3.0];
        let units: Vec<i64> = (0..12).map(|i| i / 3).collect();
        for model in [Model::Pooled, Model::RandomEffects] {
            let plain: Vec<f64> = (0..12).flat_map(|i| [x[i], z[i]]).collect();
            let base =
                fit(&rows_of(model, &y, &plain, &["x", "z"], &units, Some(0.0)), Settings::default(), None, &mut || {})
                    .unwrap();
            // x2 = 2 x (collinear), c = 5 (constant, not _cons, is dropped)
            let wide: Vec<f64> = (0..12).flat_map(|i| [x[i], 2.0 * x[i], 5.0, z[i]]).collect();
            let f = fit(
                &rows_of(model, &y, &wide, &["x", "x2", "c", "z"], &units, Some(0.0)),
                Settings::default(),
                None,
                &mut || {},
            )
            .unwrap();
            assert_eq!(f.omitted, vec![false, false, true, true, false], "{model:?}");
            assert_eq!(f.names, ["_cons", "x", "x2", "c", "z"]);
            assert!(f.converged && f.message.is_none());
            f.validate().unwrap();
            let p = f.p();
            assert_eq!(f.vcov.len(), p * p);
            for (a, b) in [(0, 0), (1, 1), (4, 2)] {
                assert!((f.beta[a] - base.beta[b]).abs() < 1e-9 * (1.0 + base.beta[b].abs()), "{model:?} {a}");
            }
            assert_eq!((f.beta[2], f.beta[3]), (0.0, 0.0));
            assert!((0..p).all(|c| f.vcov[2 * p + c] == 0.0 && f.vcov[c * p + 3] == 0.0));
            assert!((f.vcov[p * p - 1] - base.vcov[base.p() * base.p() - 1]).abs() < 1e-8);
            let se = f.std_errors_opt(false).unwrap();
            assert!(se[2].is_none() && se[3].is_none() && se[1].is_some());
            assert_eq!(f.x_means[3], 5.0);
            assert_eq!(f.n_params, base.n_params);
            // effects skip omitted terms; the Wald test has the 2 kept slopes
            let me = effects::marginal_effects(&f, Some(0.0), None, false).unwrap();
            assert!(me.iter().all(|e| e.term == "x" || e.term == "z"));
            assert_eq!(f.wald(false).unwrap().1, 2);
        }
        // nothing omitted: bitwise the fit of before, all flags false
        let plain: Vec<f64> = (0..12).flat_map(|i| [x[i], z[i]]).collect();
        let f = fit(
            &rows_of(Model::Pooled, &y, &plain, &["x", "z"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        let panel = panel::Panel::new(&y, &plain, &units, &["x".into(), "z".into()], true, Some(0.0), None).unwrap();
        let direct = pooled::fit(&panel, newton::Options::default(), None, &mut || {}).unwrap();
        assert_eq!(f.beta, direct.beta);
        assert_eq!(f.vcov, direct.vcov);
        assert_eq!(f.omitted, vec![false; 3]);
        assert_eq!(f.obs_per_unit, (3, 3.0, 3));
    }

    /// A regressor constant within units up to rounding has no within
    /// variation: omitted by fixed effects (it gave a standard error of
    /// millions with converged = true), kept by the pooled model.
    #[test]
    fn fixed_effects_omit_regressors_without_within_variation() {
        let y = [0.5, 1.0, 0.0, 1.0, 2.0, 0.5, 1.5, 0.0, 2.5, 0.7, 0.2, 1.9];
        let units: Vec<i64> = (0..12).map(|i| i / 3).collect();
        let x: Vec<f64> = (0..12)
            .flat_map(|i| {
                let g = (i / 3) as f64;
                let region = if i % 3 == 0 { (0.1 + 0.2) * (g + 1.0) } else { 0.3 * (g + 1.0) };
                [((i * 7) % 5) as f64, region]
            })
            .collect();
        let f = fit(
            &rows_of(Model::FixedEffects, &y, &x, &["x", "region"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        assert_eq!(f.omitted, vec![false, true]);
        assert!(f.converged, "{:?}", f.message);
        f.validate().unwrap();
        let se = f.std_errors_opt(false).unwrap();
        assert!(se[0].unwrap() < 10.0 && se[1].is_none(), "{se:?}");
        let p = fit(
            &rows_of(Model::Pooled, &y, &x, &["x", "region"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        assert_eq!(p.omitted, vec![false, false, false]);
    }

    #[test]
    fn numerical_failures_are_failed_fits_input_errors_stay_errors() {
        let units: Vec<i64> = (0..6).collect();
        let x = [0.3, 1.2, 2.5, 0.9, -0.4, 1.7];
        let check_failed = |f: &Fit, what: &str| {
            assert!(!f.converged && f.message.as_deref().unwrap().contains(what), "{:?}", f.message);
            assert!(f.beta.is_empty() && f.vcov.is_empty() && f.robust_vcov.is_empty() && !f.has_estimates());
            assert!(f.sigma_e == 0.0 && f.log_likelihood == 0.0 && f.x_means.iter().all(|v| v.is_finite()));
            f.validate().unwrap();
            let e = effects::marginal_effects(f, Some(0.0), None, false).unwrap_err();
            assert!(
                e.kind == crate::ErrorKind::InvalidParameter && e.message.contains("the fit failed"),
                "{}",
                e.message
            );
            assert!(effects::hausman(f, f, false).is_err());
            assert!(f.wald(false).is_none() && f.conf_int(95.0, false).is_err());
            assert!(f.predict(&[1.0, 0.0], 0.0, Some(0.0), None).is_err());
            assert!(f.std_errors_checked(false).is_none() && f.se_sigma_u().is_none());
        };
        for model in [Model::Pooled, Model::RandomEffects, Model::FixedEffects] {
            // every observation censored
            let f = fit(
                &rows_of(model, &[0.0; 6], &x, &["x"], &[1, 1, 2, 2, 3, 3], Some(0.0)),
                Settings::default(),
                None,
                &mut || {},
            )
            .unwrap();
            assert_eq!(f.n_left, 6);
            check_failed(
                &f,
                if model == Model::FixedEffects { "no unit effect" } else { "every observation is censored" },
            );
            // fewer observations than parameters
            let f = fit(
                &rows_of(model, &[0.5, 1.0], &x[..2], &["x"], &[1, 1], Some(0.0)),
                Settings::default(),
                None,
                &mut || {},
            )
            .unwrap();
            check_failed(&f, "observations");
        }
        // random effects with one row per unit: sigma_u not identified
        let f = fit(
            &rows_of(Model::RandomEffects, &[0.5, 1.0, 0.0, 2.0, 1.5, 0.2], &x, &["x"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        check_failed(&f, "not separately identified");
        // the iteration limit: estimates kept, message set
        let mut s = Settings::default();
        s.newton.max_iterations = 1;
        let f = fit(
            &rows_of(Model::Pooled, &[0.5, 1.0, 0.0, 2.0, 1.5, 0.2], &x, &["x"], &units, Some(0.0)),
            s,
            None,
            &mut || {},
        )
        .unwrap();
        assert!(!f.converged && f.message.as_deref().unwrap().contains("did not converge") && f.has_vcov());
        f.validate().unwrap();
        // input errors
        let bad_points = Settings { points: 0, ..Settings::default() };
        assert!(fit(
            &rows_of(Model::RandomEffects, &[0.5, 1.0, 0.0, 2.0, 1.5, 0.2], &x, &["x"], &units, Some(0.0)),
            bad_points,
            None,
            &mut || {}
        )
        .is_err());
        assert!(fit(&Rows::default(), Settings::default(), None, &mut || {}).is_err());
        let mut r = rows_of(Model::Pooled, &[0.5, 1.0, 0.0], &x[..3], &["x"], &units[..3], Some(0.0));
        r.x.push(1.0);
        assert!(fit(&r, Settings::default(), None, &mut || {}).is_err());
        // a failed fit missing its message, or carrying estimates, is refused
        let f = fit(
            &rows_of(Model::Pooled, &[0.0; 6], &x, &["x"], &units, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        let mut g = f.clone();
        g.message = None;
        assert!(g.validate().is_err());
        let mut g = f.clone();
        g.vcov = vec![1.0];
        assert!(g.validate().is_err());
    }

    /// A fit whose information was singular keeps its estimates without
    /// covariances: valid, predictable, refused by what needs a covariance.
    #[test]
    fn singular_information_fits_keep_estimates() {
        let mut f = real_fit(Model::Pooled);
        f.vcov.clear();
        f.robust_vcov.clear();
        f.converged = false;
        f.message = Some(SINGULAR.into());
        f.validate().unwrap();
        assert!(f.has_estimates() && !f.has_vcov());
        assert!(f.std_errors_opt(false).is_none() && f.se_sigma_e_opt().is_none() && f.se_sigma_u().is_none());
        assert!(f.se_sigma_e().is_nan() && f.std_errors_checked(false).is_none());
        assert!(f.wald(false).is_none());
        let e = f.conf_int(95.0, false).unwrap_err();
        assert!(e.message.contains("singular") && e.message.contains("no covariance"), "{}", e.message);
        assert!(effects::marginal_effects(&f, Some(0.0), None, false).unwrap_err().message.contains("singular"));
        f.predict(&[1.0], 0.0, Some(0.0), None).unwrap();
        // without the message, missing covariances are inconsistent
        f.message = None;
        assert!(f.validate().is_err());
        // fixed effects count observations per unit over the units kept
        let y = [0.0, 0.0, 0.0, 1.0, 2.0, 0.5, 1.5, 0.0, 2.5, 0.3];
        let x = [1.0, 2.0, 3.0, 0.5, 1.5, 0.1, 1.1, -0.4, 2.0, 0.7];
        let unit = [1, 1, 1, 2, 2, 3, 3, 4, 4, 4];
        let fe =
            fit(&rows_of(Model::FixedEffects, &y, &x, &["x"], &unit, Some(0.0)), Settings::default(), None, &mut || {})
                .unwrap();
        assert_eq!((fe.dropped_units, fe.obs_per_unit), (1, (2, 7.0 / 3.0, 3)));
        let re = fit(
            &rows_of(Model::RandomEffects, &y, &x, &["x"], &unit, Some(0.0)),
            Settings::default(),
            None,
            &mut || {},
        )
        .unwrap();
        assert_eq!(re.obs_per_unit, (2, 2.5, 3));
    }
}
