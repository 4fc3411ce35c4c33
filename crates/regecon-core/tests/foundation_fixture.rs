//! The core numerics against independent 60-digit reference values
//! (tests/fixtures/foundation/foundation.json, written by
//! tests/fixtures/make/foundation_reference.py with mpmath).

use regecon_core::agglomeration::hhi::{Hhi, ShareSquares};
use regecon_core::agglomeration::krugman::krugman_index;
use regecon_core::agglomeration::location_quotient::location_quotient;
use regecon_core::agglomeration::spatial_gini::spatial_gini;
use regecon_core::agglomeration::Pairs;
use regecon_core::coupling::{coupling, coupling2};
use regecon_core::entropy::{cedi, edi, Entropy};
use regecon_core::resilience::{martin, ShiftShare};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/foundation/foundation.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture file")).expect("valid JSON")
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn fs(v: &Value, key: &str) -> Vec<f64> {
    v[key].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// Asserts |got - want| <= tol * |want| (absolute when want is 0) and
/// returns the relative error.
fn close(got: f64, want: f64, tol: f64, what: &str) -> f64 {
    let err = if want == 0.0 { got.abs() } else { (got - want).abs() / want.abs() };
    assert!(err <= tol, "{what}: got {got}, want {want}, relative error {err:e} > {tol:e}");
    err
}

fn cases<'a>(fx: &'a Value, key: &str) -> &'a Vec<Value> {
    let c = fx[key].as_array().unwrap();
    assert!(!c.is_empty(), "no {key} cases");
    c
}

#[test]
fn martin_resilience_scalar_and_shift_share() {
    let fx = fixture();
    for c in cases(&fx, "martin") {
        let got = martin(f(c, "y_t"), f(c, "y_base"), f(c, "ref_t"), f(c, "ref_base")).unwrap();
        close(got, f(c, "resilience"), 1e-12, &c.to_string());
    }
    for c in cases(&fx, "martin_agg") {
        let mut s = ShiftShare::new();
        let (a, b, r, q) = (fs(c, "e_t"), fs(c, "e_base"), fs(c, "ref_t"), fs(c, "ref_base"));
        for i in 0..a.len() {
            s.add(a[i], b[i], r[i], q[i]).unwrap();
        }
        close(s.result().unwrap().unwrap(), f(c, "resilience"), 1e-12, "martin_agg");
    }
}

#[test]
fn hhi_family() {
    let fx = fixture();
    for c in cases(&fx, "hhi") {
        let mut h = Hhi::new();
        fs(c, "values").iter().for_each(|&v| h.add(v).unwrap());
        close(h.hhi().unwrap().unwrap(), f(c, "hhi"), 1e-14, "hhi");
        match c["hhi_normalized"].as_f64() {
            Some(want) => {
                close(h.normalized().unwrap().unwrap(), want, 1e-12, "hhi_normalized");
            }
            None => assert_eq!(h.normalized().unwrap(), None),
        }
    }
    for c in cases(&fx, "hhi_total") {
        let mut s = ShareSquares::new();
        fs(c, "values").iter().for_each(|&v| s.add(v, f(c, "total")).unwrap());
        close(s.result().unwrap().unwrap(), f(c, "hhi"), 1e-14, "hhi_total");
    }
    for c in cases(&fx, "location_quotient") {
        let got = location_quotient(f(c, "l_ij"), f(c, "l_i"), f(c, "l_j"), f(c, "l")).unwrap();
        close(got, f(c, "lq"), 1e-15, "location_quotient");
    }
}

#[test]
fn spatial_gini_and_krugman() {
    let fx = fixture();
    for (key, b_key, want_key) in [("spatial_gini", "l_i", "gini"), ("krugman", "l_j", "index")] {
        for c in cases(&fx, key) {
            let mut p = Pairs::new();
            let (a, b) = (fs(c, "l_ij"), fs(c, b_key));
            a.iter().zip(&b).for_each(|(&x, &y)| p.add(x, y, "l_ij", b_key).unwrap());
            let got = if key == "krugman" { krugman_index(&p) } else { spatial_gini(&p) }.unwrap().unwrap();
            let want = f(c, want_key);
            if want < 1e-12 {
                assert!((got - want).abs() < 1e-15, "{key}: {got} vs {want}");
            } else {
                close(got, want, 1e-12, key);
            }
        }
    }
}

#[test]
fn entropy_weights_and_cedi() {
    let fx = fixture();
    let mut worst = 0.0f64;
    for c in cases(&fx, "entropy") {
        let rows: Vec<Vec<f64>> = c["edi"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect())
            .collect();
        let mut m = Entropy::new();
        rows.iter().for_each(|r| m.add(r).unwrap());
        let w = m.weights().unwrap().unwrap();
        for (k, want) in fs(c, "weights").iter().enumerate() {
            worst = worst.max(close(w.weights[k], *want, 1e-13, "weight"));
        }
        for (k, want) in fs(c, "divergence").iter().enumerate() {
            close(w.divergence[k], *want, 1e-12, "1 - e_k");
        }
        for (k, want) in fs(c, "entropy").iter().enumerate() {
            assert!((w.entropy[k] - want).abs() < 2e-16, "entropy {} vs {want}", w.entropy[k]);
        }
        for (i, want) in fs(c, "cedi").iter().enumerate() {
            close(cedi(&rows[i], &w.weights).unwrap(), *want, 1e-13, "cedi");
        }
    }
    println!("worst relative error of an entropy weight: {worst:e}");
    for c in cases(&fx, "edi") {
        close(edi(f(c, "p"), f(c, "p_total"), f(c, "y"), f(c, "y_total")).unwrap(), f(c, "edi"), 1e-15, "edi");
    }
}

#[test]
fn coupling_two_and_m_systems() {
    let fx = fixture();
    for c in cases(&fx, "coupling2") {
        let r = coupling2(f(c, "u1"), f(c, "u2"), f(c, "a"), f(c, "b")).unwrap().unwrap();
        close(r.c, f(c, "c"), 1e-15, "C");
        close(r.t, f(c, "t"), 1e-15, "T");
        close(r.d, f(c, "d"), 1e-15, "D");
    }
    for c in cases(&fx, "coupling_m") {
        let w = c["w"].as_array().map(|w| w.iter().map(|x| x.as_f64().unwrap()).collect::<Vec<_>>());
        let r = coupling(&fs(c, "u"), w.as_deref()).unwrap().unwrap();
        close(r.c, f(c, "c"), 1e-14, "C");
        close(r.t, f(c, "t"), 1e-15, "T");
        close(r.d, f(c, "d"), 1e-14, "D");
    }
}
