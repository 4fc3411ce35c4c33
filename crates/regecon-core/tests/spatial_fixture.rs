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
    if want == 0.0 {
        got.abs()
    } else {
        (got - want).abs() / want.abs()
    }
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

fn values(fx: &Value, var: &str) -> Vec<f64> {
    fx["variables"][var].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

fn arr(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn check(what: &str, got: f64, want: f64, tol: f64) -> usize {
    let e = rel(got, want);
    // values that are 0 up to rounding (z near 0) are compared absolutely
    let ok = e < tol || (got - want).abs() < 1e-13;
    assert!(ok, "{what}: {got} vs {want} ({e:e})");
    1
}

#[test]
fn geary_and_getis_ord_g_match_peers() {
    use regecon_core::geary::geary;
    use regecon_core::getis_ord::global_g;
    let mut n = 0;
    for name in ["usjoin", "mexico", "stl"] {
        let fx = load(name);
        for style in ["r", "b"] {
            let w = weights(&fx, "gal", style);
            for (var, res) in fx["geary"]["gal"][style].as_object().unwrap() {
                let g = geary(&w, &values(&fx, var)).unwrap();
                let (e, s) = (&res["esda"], &res["spdep"]);
                let tag = format!("{name} {style} {var} geary");
                for (k, v) in [
                    ("C", g.c),
                    ("EC", g.expected),
                    ("VC_norm", g.variance_norm),
                    ("VC_rand", g.variance_rand.unwrap()),
                ] {
                    n += check(&tag, v, e[k].as_f64().unwrap(), 1e-12);
                    n += check(&tag, v, s[k].as_f64().unwrap(), 1e-12);
                }
                n += check(&tag, g.z_norm, e["z_norm"].as_f64().unwrap(), 1e-12);
                n += check(&tag, -g.z_rand.unwrap(), s["std_deviate_rand"].as_f64().unwrap(), 1e-12);
                n += check(&tag, g.p_norm, s["p_two_sided_norm"].as_f64().unwrap(), 1e-11);
                n += check(&tag, g.p_rand.unwrap(), 2.0 * e["p_rand"].as_f64().unwrap(), 1e-11);
            }
        }
        let w = weights(&fx, "gal", "b");
        for (var, res) in fx["getis_ord_g"]["gal"]["b"].as_object().unwrap() {
            let g = global_g(&w, &values(&fx, var)).unwrap();
            let (e, s) = (&res["esda"], &res["spdep"]);
            let tag = format!("{name} {var} G");
            for (k, v) in [("G", g.g), ("EG", g.expected), ("VG", g.variance), ("z_norm", g.z)] {
                // Var[G] is a difference of nearly equal terms: peers agree to ~1e-12
                n += check(&tag, v, e[k].as_f64().unwrap(), 1e-11);
                n += check(&tag, v, s[k].as_f64().unwrap(), 1e-11);
            }
            n += check(&tag, g.p, s["p_two_sided"].as_f64().unwrap(), 1e-10);
        }
    }
    println!("{n} Geary and Getis-Ord G figures match");
}

#[test]
fn local_statistics_match_peers() {
    use regecon_core::getis_ord::local_g_star;
    use regecon_core::local_moran::LocalMoran;
    let mut n = 0;
    for name in ["usjoin", "mexico", "stl"] {
        let fx = load(name);
        for style in ["r", "b"] {
            let w = weights(&fx, "gal", style);
            if let Some(cases) = fx["local_moran"]["gal"][style].as_object() {
                for (var, res) in cases {
                    let l = LocalMoran::new(&w, &values(&fx, var)).unwrap().analytic();
                    let (e, s) = (&res["esda"], &res["spdep"]["mlvar_true_conditional_true"]);
                    let q = arr(&e["q"]);
                    for i in 0..l.len() {
                        let tag = format!("{name} {style} {var} lisa {i}");
                        n += check(&tag, l[i].ii, arr(&e["Is"])[i], 1e-12);
                        n += check(&tag, l[i].expected, arr(&e["EIc"])[i], 1e-12);
                        n += check(&tag, l[i].variance, arr(&e["VIc"])[i], 1e-12);
                        n += check(&tag, l[i].z, arr(&s["Z_Ii"])[i], 1e-11);
                        n += check(&tag, l[i].p, arr(&s["p_two_sided"])[i], 1e-10);
                        let want_q = ["HH", "LH", "LL", "HL"][q[i] as usize - 1];
                        assert_eq!(l[i].quadrant, want_q, "{tag}");
                    }
                }
            }
            if let Some(cases) = fx["local_gstar"]["gal"][style].as_object() {
                for (var, res) in cases {
                    let st = if style == "r" { Style::Row } else { Style::Binary };
                    let g = local_g_star(&weights(&fx, "gal", "b"), st, &values(&fx, var)).unwrap();
                    let (e, s) = (&res["esda"], &res["spdep"]);
                    for (i, gi) in g.iter().enumerate() {
                        let tag = format!("{name} {style} {var} G* {i}");
                        n += check(&tag, gi.g, arr(&e["Gs"])[i], 1e-12);
                        n += check(&tag, gi.z, arr(&s["Z"])[i], 1e-11);
                        if style == "b" {
                            n += check(&tag, gi.z, arr(&e["Zs"])[i], 1e-11);
                            n += check(&tag, gi.expected, arr(&e["EGs"])[i], 1e-12);
                            n += check(&tag, gi.variance, arr(&e["VGs"])[i], 1e-11);
                        }
                    }
                }
            }
        }
        for style in ["r", "b"] {
            let w = weights(&fx, "gal", style);
            let Some(cases) = fx["moran_bv"]["gal"][style].as_object() else { continue };
            for (pair, res) in cases {
                let (x, y) = pair.split_once(',').unwrap();
                let b = regecon_core::moran::Bivariate::new(&w, &values(&fx, x), &values(&fx, y)).unwrap();
                n += check(
                    &format!("{name} {style} {pair} BV"),
                    b.statistic(),
                    res["esda"]["I"].as_f64().unwrap(),
                    1e-12,
                );
            }
        }
    }
    println!("{n} local and bivariate figures match");
}
