//! Weights restricted to the units present (`Weights::subset_checked`, then
//! `transform_checked(Style::Row)`) against libpysal's `w_subset` + esda
//! (esda 2.9.0, libpysal 4.14.1; tests/fixtures/spatial/subset.json, written
//! by tests/fixtures/make/subset_reference.py): the 48 US states with every
//! 7th state removed, and the same plus New Hampshire, which leaves Maine an
//! island. Global Moran, Geary and local Moran closed forms at 1e-9 relative.

use regecon_core::geary::geary;
use regecon_core::interrupt;
use regecon_core::local_moran::LocalMoran;
use regecon_core::moran::Context;
use regecon_core::weights::{Style, Weights};
use serde_json::Value;

fn load() -> Value {
    let path = format!("{}/../../tests/fixtures/spatial/subset.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

const TOL: f64 = 1e-9;

fn close(what: &str, got: f64, want: f64) -> usize {
    let ok =
        if want == 0.0 { got.abs() < 1e-13 } else { ((got - want) / want).abs() < TOL || (got - want).abs() < 1e-13 };
    assert!(ok, "{what}: {got} vs {want}");
    1
}

/// The relation as stored (all 48 states) restricted to the kept units.
fn restricted(fx: &Value, case: &str) -> (Weights, Value) {
    let c = fx["cases"][case].clone();
    let kept = ints(&c["kept"]);
    let relation: Vec<(i64, i64, f64)> = fx["relation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t[0].as_i64().unwrap(), t[1].as_i64().unwrap(), t[2].as_f64().unwrap()))
        .collect();
    // without the subset, the relation is refused (a link names a removed state)
    assert!(Weights::from_triples(&kept, &relation).is_err());
    let (w, sub) = Weights::subset_checked(&kept, &relation, &mut interrupt::none()).unwrap();
    let removed = ints(&c["removed"]);
    let mut sorted = removed.clone();
    sorted.sort();
    assert_eq!(sub.absent, sorted, "{case}");
    assert_eq!(sub.absent_units, removed.len(), "{case}");
    assert_eq!(sub.dropped_links as u64, c["dropped_links"].as_u64().unwrap(), "{case}");
    assert!(sub.require_exact().unwrap_err().message.contains("absent from the group: 0, 7, 14"), "{case}");
    // the neighbours libpysal's w_subset keeps
    for (i, want) in c["neighbours"].as_array().unwrap().iter().enumerate() {
        let got: Vec<i64> = w.row(i).0.iter().map(|&j| kept[j]).collect();
        assert_eq!(got, ints(want), "{case} unit {}", kept[i]);
    }
    let islands = ints(&c["islands"]);
    assert_eq!(w.islands(), islands.len(), "{case}");
    (w.transform_checked(Style::Row, &mut interrupt::none()).unwrap(), c)
}

#[test]
fn subset_weights_match_libpysal_w_subset_and_esda() {
    let fx = load();
    let mut n = 0;
    for case in ["no_island", "with_island"] {
        let (w, c) = restricted(&fx, case);
        let kept = ints(&c["kept"]);
        let islands = ints(&c["islands"]);
        for (var, res) in c["results"].as_object().unwrap() {
            let x = floats(&res["values"]);
            let tag = format!("{case} {var}");
            // global Moran (islands stay in n, S0 = n - islands, as esda)
            let m = Context::new(&w, &x).unwrap().analytic();
            assert_eq!(m.n as u64, res["moran_n"].as_u64().unwrap());
            n += close(&format!("{tag} S0"), m.s0, res["moran_s0"].as_f64().unwrap());
            assert_eq!(m.islands, islands.len());
            let e = &res["moran"];
            for (k, v) in [
                ("I", m.i),
                ("EI", m.expected),
                ("VI_norm", m.variance_norm),
                ("z_norm", m.z_norm),
                ("p_norm", m.p_norm),
                ("VI_rand", m.variance_rand.unwrap()),
                ("z_rand", m.z_rand.unwrap()),
                ("p_rand", m.p_rand.unwrap()),
            ] {
                n += close(&format!("{tag} moran {k}"), v, e[k].as_f64().unwrap());
            }
            // Geary (esda's p is one-sided: ours is twice it)
            let g = geary(&w, &x).unwrap();
            let e = &res["geary"];
            for (k, v) in [
                ("C", g.c),
                ("EC", g.expected),
                ("VC_norm", g.variance_norm),
                ("z_norm", g.z_norm),
                ("VC_rand", g.variance_rand.unwrap()),
                ("z_rand", g.z_rand.unwrap()),
            ] {
                n += close(&format!("{tag} geary {k}"), v, e[k].as_f64().unwrap());
            }
            n += close(&format!("{tag} geary p_norm"), g.p_norm, 2.0 * e["p_norm"].as_f64().unwrap());
            n += close(&format!("{tag} geary p_rand"), g.p_rand.unwrap(), 2.0 * e["p_rand"].as_f64().unwrap());
            // local Moran: I_i, conditional E and Var; quadrants of the units with neighbours
            let lm = LocalMoran::new(&w, &x).unwrap();
            let raw = lm.analytic();
            let rows = lm.checked(&raw).unwrap();
            let e = &res["local_moran"];
            let (is, eic, vic, q) = (floats(&e["Is"]), floats(&e["EIc"]), floats(&e["VIc"]), ints(&e["q"]));
            assert_eq!(rows.len(), kept.len());
            for i in 0..rows.len() {
                let t = format!("{tag} lisa unit {}", kept[i]);
                n += close(&t, rows[i].ii, is[i]);
                n += close(&t, rows[i].expected, eic[i]);
                n += close(&t, raw[i].variance, vic[i]);
                if islands.contains(&kept[i]) {
                    // esda: I = E = Var = 0; ours: the same, with no variance, z, p or quadrant
                    assert!(rows[i].island && rows[i].variance.is_none() && rows[i].p.is_none(), "{t}");
                    assert_eq!(rows[i].lag, 0.0, "{t}");
                } else {
                    let want = ["HH", "LH", "LL", "HL"][q[i] as usize - 1];
                    assert_eq!(rows[i].quadrant, Some(want), "{t}");
                    assert!(rows[i].z.is_some(), "{t}");
                }
            }
        }
    }
    println!("{n} figures within {TOL:e} of w_subset + esda");
    assert!(n > 500, "{n}");
}

/// Maine's only neighbour is New Hampshire: with New Hampshire absent, Maine
/// is an island after the subset, and row-standardisation (applied after
/// restricting) leaves its row empty instead of dividing by zero.
#[test]
fn a_unit_whose_neighbours_are_all_absent_is_an_island() {
    let fx = load();
    let (w, c) = restricted(&fx, "with_island");
    let kept = ints(&c["kept"]);
    let maine = kept.iter().position(|&u| u == 16).unwrap();
    assert_eq!(ints(&c["islands"]), vec![16]);
    assert_eq!(w.cardinality(maine), 0);
    let (w_all, _) = restricted(&fx, "no_island");
    let kept_all = ints(&fx["cases"]["no_island"]["kept"]);
    let maine_all = kept_all.iter().position(|&u| u == 16).unwrap();
    assert_eq!(w_all.row(maine_all).1, &[1.0]);
    // every other row still sums to 1
    for i in 0..w.n() {
        let s: f64 = w.row(i).1.iter().sum();
        let want = if i == maine { 0.0 } else { 1.0 };
        assert!((s - want).abs() < 1e-15, "row {i}: {s}");
    }
}
