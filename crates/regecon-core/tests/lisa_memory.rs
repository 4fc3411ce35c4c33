//! The table of neighbour sets of local Moran's permutations goes through
//! `regecon_core::mem`: over `regecon.max_memory` it is an out-of-memory
//! error (53200), never an abort.
//!
//! The limit is process-wide, so this file holds a single test: its own test
//! binary, no other test running beside it while the limit is low.

use regecon_core::local_moran::LocalMoran;
use regecon_core::mem;
use regecon_core::weights::{Style, Weights};
use regecon_core::ErrorKind;

#[test]
fn an_oversized_table_of_draws_is_an_error_not_an_abort() {
    // a ring of 200 units, each with its 8 nearest along the ring
    let n = 200i64;
    let ids: Vec<i64> = (0..n).collect();
    let t: Vec<(i64, i64, f64)> = (0..n)
        .flat_map(|i| [1, 2, 3, 4].into_iter().flat_map(move |d| [(i, (i + d) % n, 1.0), (i, (i + n - d) % n, 1.0)]))
        .collect();
    let w = Weights::from_triples(&ids, &t).unwrap().transform(Style::Row);
    let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 211) as f64).collect();
    let lm = LocalMoran::new(&w, &x).unwrap();
    let lisa = lm.analytic();

    // 99,999 permutations x 8 neighbours x 4 bytes = 3.2 MB of table, under
    // a 1 MiB limit (one unit's 99,999 sims, 0.8 MB, fit)
    mem::set_limit(1 << 20);
    let e = lm.draws(99_999, 1).unwrap_err();
    let small = lm.draws(999, 1); // 32 kB: fits
    mem::set_limit(mem::UNLIMITED);
    assert_eq!(e.kind, ErrorKind::OutOfMemory);
    assert!(e.message.contains("neighbour sets") && e.message.contains("regecon.max_memory"), "{}", e.message);
    let small = small.unwrap();
    assert!(small.tabled());

    // without the limit the same request is a table, and it runs
    let d = lm.draws(99_999, 1).unwrap();
    assert!(d.tabled());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let sims = lm.simulate(&pool, &lisa, 0, 3, &d);
    assert!(sims.iter().all(|s| s.p_sim.is_some_and(|p| p > 0.0 && p <= 0.5)));
    let _ = lm.simulate(&pool, &lisa, 0, 3, &small);

    // one unit's buffer of sims over the limit: an error as well
    mem::set_limit(1 << 16);
    let e = lm.draws(99_999, 1).unwrap_err();
    mem::set_limit(mem::UNLIMITED);
    assert_eq!(e.kind, ErrorKind::OutOfMemory);
    assert!(e.message.contains("simulated values"), "{}", e.message);

    // a count of permutations whose bytes overflow: an error, whatever the limit
    let e = lm.draws(u64::MAX / 2, 1).unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutOfMemory);
}
