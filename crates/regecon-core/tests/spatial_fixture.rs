//! Global Moran's I and KNN weights against PySAL (esda 2.9.0, libpysal 4.14.1)
//! and R spdep 1.2.7 on real data (tests/fixtures/spatial, written by
//! tests/fixtures/make/spatial_reference.py).

use regecon_core::moran::Context;
use regecon_core::weights::coords::{Kernel, Metric};
use regecon_core::weights::knn::knn;
use regecon_core::weights::{Style, Weights};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/spatial/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn rel(got: f64, want: f64) -> f64 {
    if want == 0.0 { got.abs() } else { (got - want).abs() / want.abs() }
}

fn weights(fx: &Value, set: &str, style: &str) -> Weights {
    let n = fx["weights"][set]["n"].as_u64().unwrap() as i64;
    let ids: Vec<i64> = (0..n).collect();
    let triples: Vec<(i64, i64, f64)> = fx["weights"][set][style]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t[0].as_i64().unwrap(), t[1].as_i64().unwrap(), t[2].as_f64().unwrap()))
        .collect();
    Weights::from_triples(&ids, &triples).unwrap()
}

#[test]
fn global_moran_matches_esda_and_spdep() {
    let mut checked = 0;
    let mut worst: f64 = 0.0;
    for name in ["usjoin", "mexico", "stl"] {
        let fx = load(name);
        for set in fx["moran"].as_object().unwrap().keys() {
            for style in ["r", "b"] {
                let given = weights(&fx, set, style);
                // also derive the style ourselves from the binary links
                let ours = weights(&fx, set, "b").transform(if style == "r" { Style::Row } else { Style::Binary });
                for (var, res) in fx["moran"][set][style].as_object().unwrap() {
                    let x: Vec<f64> =
                        fx["variables"][var].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
                    for w in [&given, &ours] {
                        let m = Context::new(w, &x).unwrap().analytic();
                        let got = [
                            ("I", m.i),
                            ("EI", m.expected),
                            ("VI_norm", m.variance_norm),
                            ("z_norm", m.z_norm),
                            ("p_norm", m.p_norm),
                            ("VI_rand", m.variance_rand.unwrap()),
                            ("z_rand", m.z_rand.unwrap()),
                            ("p_rand", m.p_rand.unwrap()),
                        ];
                        for peer in ["esda", "spdep"] {
                            for (k, v) in got {
                                let want = res[peer][k].as_f64().unwrap();
                                let tol = 1e-12;
                                let e = rel(v, want);
                                worst = worst.max(e);
                                assert!(e < tol, "{name} {set} {style} {var} {peer} {k}: {v} vs {want} ({e:e})");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    println!("{checked} figures within 1e-12 of esda and spdep; worst relative error {worst:e}");
    assert!(checked > 300);
}

#[test]
fn knn_neighbours_match_libpysal() {
    for name in ["usjoin", "stl"] {
        let fx = load(name);
        let k = &fx["weights"]["knn4"];
        let coords: Vec<(f64, f64)> =
            k["coords"].as_array().unwrap().iter().map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())).collect();
        let ids: Vec<i64> = (0..coords.len() as i64).collect();
        let x: Vec<f64> = coords.iter().map(|c| c.0).collect();
        let y: Vec<f64> = coords.iter().map(|c| c.1).collect();
        let links = knn(&ids, &x, &y, 4, Metric::Euclidean, Kernel::Binary).unwrap();
        for (i, want) in k["neighbours"].as_array().unwrap().iter().enumerate() {
            let mut want: Vec<i64> = want.as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
            let mut got: Vec<i64> = links.iter().filter(|l| l.0 == i as i64).map(|l| l.1).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "{name} unit {i}");
        }
    }
}
