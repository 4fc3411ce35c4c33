//! The normal and chi-squared functions against 60-digit mpmath values
//! (tests/fixtures/distributions/distributions.json, written by
//! tests/fixtures/make/distributions_reference.py), at the tolerances the
//! p-value fixtures of esda, spdep and R need. docs/dependencies.md gives the
//! errors measured for each candidate implementation (statrs, glibc, libm).

use regecon_core::moran::p_two_sided;
use regecon_core::tobit::effects::chi2_sf;
use regecon_core::tobit::normal::{cdf, erfc, ln_cdf_and_mills, quantile};
use serde_json::Value;

fn rows(key: &str) -> Vec<Vec<f64>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/distributions/distributions.json");
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture file")).expect("valid JSON");
    let rows: Vec<Vec<f64>> = fx[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect())
        .collect();
    assert!(rows.len() > 100, "{key}: {} cases", rows.len());
    rows
}

/// Checks |got - want| <= tol |want| and returns the largest relative error.
fn check(what: &str, cases: impl Iterator<Item = (f64, f64, f64)>, tol: f64) -> f64 {
    let mut worst = 0.0f64;
    for (x, got, want) in cases {
        let err = if got == want { 0.0 } else { ((got - want) / want).abs() };
        assert!(err <= tol, "{what}({x}): {got} vs {want} (relative error {err:e} > {tol:e})");
        worst = worst.max(err);
    }
    worst
}

#[test]
fn erfc_phi_and_two_sided_p() {
    let e = rows("erfc");
    // erfc(x) for x > 26.5 is subnormal (below 1e-307) and keeps fewer digits
    check("erfc", e.iter().filter(|r| r[0] <= 26.5).map(|r| (r[0], erfc(r[0]), r[1])), 1e-15);
    check("erfc", e.iter().map(|r| (r[0], erfc(r[0]), r[1])), 1e-13);
    // p = erfc(|z| / sqrt 2) exactly: the same function, z = x sqrt 2
    let z: Vec<(f64, f64)> = e.iter().filter(|r| r[0] >= 0.0).map(|r| (r[0], r[1])).collect();
    for (x, want) in z {
        let z = x * std::f64::consts::SQRT_2;
        if z / std::f64::consts::SQRT_2 == x {
            assert_eq!(p_two_sided(-z), p_two_sided(z));
            assert!(((p_two_sided(z) - want) / want).abs() < 1e-13 || want < 1e-300, "{z}");
        }
    }
    check("Phi", rows("cdf").iter().map(|r| (r[0], cdf(r[0]), r[1])), 1e-12);
}

#[test]
fn ln_phi_and_mills_ratio_over_the_whole_range() {
    let r = rows("ln_cdf_mills");
    assert!(r.iter().any(|r| r[0] <= -1e5) && r.iter().any(|r| r[0] >= 8.0));
    // including x > 0, where ln Phi goes to 0, and x < -38.5, where Phi underflows
    check("ln Phi", r.iter().map(|r| (r[0], ln_cdf_and_mills(r[0]).0, r[1])), 1e-14);
    check("phi/Phi", r.iter().map(|r| (r[0], ln_cdf_and_mills(r[0]).1, r[2])), 1e-12);
}

#[test]
fn chi2_survival_to_1e_300() {
    let r = rows("chi2_sf");
    assert!(r.iter().any(|r| r[2] < 1e-250));
    check("chi2_sf", r.iter().map(|r| (r[1], chi2_sf(r[1], r[0]), r[2])), 1e-12);
    assert_eq!(chi2_sf(0.0, 3.0), 1.0);
    assert_eq!(chi2_sf(f64::INFINITY, 3.0), 0.0);
    assert!(chi2_sf(1.0, 0.0).is_nan() && chi2_sf(1.0, f64::INFINITY).is_nan() && chi2_sf(1.0, f64::NAN).is_nan());
}

#[test]
fn normal_quantile_from_1e_300() {
    let r = rows("quantile");
    check("quantile", r.iter().map(|r| (r[0], quantile(r[0]).unwrap(), r[1])), 1e-15);
    assert!(quantile(0.0).is_none() && quantile(1.0).is_none() && quantile(f64::NAN).is_none());
}
