//! GeoDa's text formats for weights, so weights move between regecon, GeoDa
//! and PySAL.
//!
//! GAL (contiguity, binary): a header line, either `n` or GeoDa's
//! `0 n layer id_variable`; then for each unit a line `id k` followed by a line
//! with its k neighbour ids. GWT (weighted): the same header, then one line
//! `src dst weight` per link. Ids must be integers here (regecon's unit ids are
//! bigint).
//!
//! The text comes from the user, so nothing is sized from a header: buffers
//! grow through [`mem`] as lines are read, a GAL header that announces more
//! units than the file has lines for is an error, and the parsers call
//! `check` every 4096 lines.

use super::IdMap;
use crate::error::{sql_float, Error, Result};
use crate::interrupt::{Check, Ticker};
use crate::mem;

const TICK_LINES: u32 = 4096;

/// A link as read or written: (src, dst, weight).
pub type Triple = (i64, i64, f64);

/// The id of a token of a weights file (token, 1-based line number).
pub type IdOf<'a> = dyn FnMut(&str, usize) -> Result<i64> + 'a;

/// How a writer shows an id: plain integers, or the names of codes.
pub type Show<'a> = dyn Fn(i64) -> Result<std::borrow::Cow<'a, str>> + 'a;

/// A text id as a field of GAL or GWT: non-empty, without whitespace or
/// control characters (GeoDa and libpysal split lines on whitespace), so
/// that what is written reads back as the same id.
pub fn text_field(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid("an empty unit id cannot be written to a GAL or GWT file"));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(format!(
            "unit id '{}' contains whitespace or a control character, which GAL and GWT files cannot hold (they separate fields by whitespace)",
            id.escape_debug()
        )));
    }
    Ok(())
}

/// The header's unit count (as written, not trusted for any allocation).
fn header(line: Option<&str>) -> Result<u64> {
    let line = line.ok_or_else(|| Error::invalid("weights file is empty"))?;
    let f: Vec<&str> = line.split_whitespace().collect();
    let n = match f.as_slice() {
        [n] => n,
        [_, n, ..] => n,
        [] => return Err(Error::invalid("weights file header is empty")),
    };
    n.parse().map_err(|_| Error::invalid(format!("weights file header '{line}' does not give the number of units")))
}

fn int(tok: &str, line_no: usize) -> Result<i64> {
    tok.parse().map_err(|e: std::num::ParseIntError| {
        use std::num::IntErrorKind::*;
        match e.kind() {
            PosOverflow | NegOverflow => {
                Error::invalid(format!("line {line_no}: unit id '{tok}' is out of range for a bigint"))
            }
            _ => Error::invalid(format!("line {line_no}: '{tok}' is not an integer unit id")),
        }
    })
}

/// The non-empty lines of `text` with their 1-based line numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(no, l)| (no + 1, l))
}

/// Parses GAL text into binary links (src, dst, 1.0). Units listed with no
/// neighbours are returned in the second vector (islands). `check` is called
/// every 4096 lines.
pub fn parse_gal(text: &str, check: Check<'_>) -> Result<(Vec<Triple>, Vec<i64>)> {
    parse_gal_with(text, &mut |tok, no| int(tok, no), check)
}

/// [`parse_gal`] with the ids given by `id` (token, line number): text ids
/// pass a [`crate::labels::Labels`] coder.
pub fn parse_gal_with(text: &str, id_of: &mut IdOf<'_>, mut check: Check<'_>) -> Result<(Vec<Triple>, Vec<i64>)> {
    const LINKS: &str = "the links of read_gal";
    const UNITS: &str = "the units of read_gal";
    let mut ticker = Ticker::new(&mut check, TICK_LINES);
    let mut it = lines(text);
    let head = it.next();
    let n = header(head.map(|(_, l)| l))?;
    // every unit takes at least its own 'id k' line: a header announcing more
    // units than there are lines is wrong before any allocation
    let mut available: u64 = 0;
    for _ in lines(text).skip(1) {
        ticker.tick();
        available += 1;
    }
    if n > available {
        return Err(Error::invalid(format!(
            "weights file header '{}' announces {n} units but only {available} lines follow",
            head.map_or("", |(_, l)| l.trim())
        )));
    }
    let mut links = Vec::new();
    let mut units = Vec::new();
    while let Some((no, l)) = it.next() {
        ticker.tick();
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() != 2 {
            return Err(Error::invalid(format!("line {no}: expected 'id k', got '{l}'")));
        }
        let id = id_of(f[0], no)?;
        let tok = f[0];
        let k: usize =
            f[1].parse().map_err(|_| Error::invalid(format!("line {no}: '{}' is not a neighbour count", f[1])))?;
        mem::push(&mut units, id, UNITS)?;
        if k == 0 {
            continue;
        }
        let (no2, l2) = it
            .next()
            .ok_or_else(|| Error::invalid(format!("line {no}: unit {tok} lists {k} neighbours but the file ends")))?;
        ticker.tick();
        let mut found = 0usize;
        for t in l2.split_whitespace() {
            found += 1;
            if found > k {
                break;
            }
            mem::push(&mut links, (id, id_of(t, no2)?, 1.0), LINKS)?;
        }
        if found != k {
            return Err(Error::invalid(format!(
                "line {no2}: unit {tok} should list {k} neighbours, found {}",
                l2.split_whitespace().count()
            )));
        }
    }
    if units.len() as u64 != n {
        return Err(Error::invalid(format!("header says {n} units, the file lists {}", units.len())));
    }
    // islands: listed units that are the source of no link
    let mut with_links: IdMap<()> = IdMap::default();
    mem::check(mem::bytes_of::<(i64, u64)>(units.len(), UNITS)?.saturating_mul(2), UNITS)?;
    with_links
        .try_reserve(units.len())
        .map_err(|_| Error::out_of_memory(format!("{UNITS}: the system refused room for {} ids", units.len())))?;
    for l in &links {
        ticker.tick();
        with_links.insert(l.0, ());
    }
    units.retain(|u| !with_links.contains_key(u));
    Ok((links, units))
}

/// Parses GWT text into weighted links. Weights must be finite numbers
/// (22023 naming the line otherwise). `check` is called every 4096 lines.
pub fn parse_gwt(text: &str, check: Check<'_>) -> Result<Vec<Triple>> {
    parse_gwt_with(text, &mut |tok, no| int(tok, no), check)
}

/// [`parse_gwt`] with the ids given by `id` (token, line number).
pub fn parse_gwt_with(text: &str, id_of: &mut IdOf<'_>, mut check: Check<'_>) -> Result<Vec<Triple>> {
    let mut ticker = Ticker::new(&mut check, TICK_LINES);
    let mut it = lines(text);
    header(it.next().map(|(_, l)| l))?;
    let mut links = Vec::new();
    for (no, l) in it {
        ticker.tick();
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() != 3 {
            return Err(Error::invalid(format!("line {no}: expected 'src dst weight', got '{l}'")));
        }
        let w: f64 = f[2].parse().map_err(|_| Error::invalid(format!("line {no}: '{}' is not a weight", f[2])))?;
        if !w.is_finite() {
            return Err(Error::invalid(format!("line {no}: weight '{}' is not a finite number", f[2])));
        }
        let (s, d) = (id_of(f[0], no)?, id_of(f[1], no)?);
        mem::push(&mut links, (s, d, w), "the links of read_gwt")?;
    }
    Ok(links)
}

/// Appends one formatted line to `out`, growing it through [`mem`].
fn put(out: &mut Vec<u8>, line: std::fmt::Arguments<'_>, what: &str) -> Result<()> {
    use std::io::Write;
    let mut buf = [0u8; 128];
    let mut cur = std::io::Cursor::new(&mut buf[..]);
    if cur.write_fmt(line).is_ok() {
        let len = cur.position() as usize;
        mem::reserve(out, len, what)?;
        out.extend_from_slice(&buf[..len]);
    } else {
        // longer than the stack buffer (a weight of 300 digits): format on the heap
        let s = line.to_string();
        mem::reserve(out, s.len(), what)?;
        out.extend_from_slice(s.as_bytes());
    }
    Ok(())
}

/// Writes GAL for `ids` (every unit gets a block, islands with k = 0; a
/// source of `links` not in `ids` gets a block too), blocks in id order,
/// neighbours in the order of `links`. The output always reads back with
/// [`parse_gal`] (ids are integers, so no field can break the format).
/// `check` is called every ~64k links.
pub fn write_gal(ids: &[i64], links: &[Triple], check: Check<'_>) -> Result<String> {
    write_gal_with(ids, links, &|u| Ok(u.to_string().into()), check)
}

/// [`write_gal`] with ids shown by `show` (text ids: the names of codes,
/// checked with [`text_field`]). Blocks are in the order of the codes.
pub fn write_gal_with(ids: &[i64], links: &[Triple], show: &Show<'_>, mut check: Check<'_>) -> Result<String> {
    const WHAT: &str = "the text of to_gal";
    let mut ticker = Ticker::new(&mut check, 1 << 16);
    // a slot per distinct unit (ids, then sources not among them)
    let mut slot: IdMap<usize> = IdMap::default();
    let cap = ids.len().saturating_add(links.len());
    mem::check(mem::bytes_of::<(i64, usize)>(cap, WHAT)?.saturating_mul(2), WHAT)?;
    slot.try_reserve(ids.len())
        .map_err(|_| Error::out_of_memory(format!("{WHAT}: the system refused room for {} ids", ids.len())))?;
    let mut units: Vec<i64> = mem::vec_with_capacity(ids.len(), WHAT)?;
    for &u in ids.iter().chain(links.iter().map(|l| &l.0)) {
        ticker.tick();
        if let std::collections::hash_map::Entry::Vacant(e) = slot.entry(u) {
            e.insert(units.len());
            mem::push(&mut units, u, WHAT)?;
        }
    }
    // neighbours grouped by unit, in link order (a counting sort)
    let mut start: Vec<usize> = mem::vec_filled(0usize, units.len() + 1, WHAT)?;
    for l in links {
        ticker.tick();
        start[slot[&l.0] + 1] += 1;
    }
    for s in 0..units.len() {
        start[s + 1] += start[s];
    }
    let mut next = mem::to_vec(&start, WHAT)?;
    let mut nb: Vec<i64> = mem::vec_filled(0i64, links.len(), WHAT)?;
    for l in links {
        ticker.tick();
        let s = slot[&l.0];
        nb[next[s]] = l.1;
        next[s] += 1;
    }
    drop(next);
    drop(slot);
    // blocks in id order
    let mut order: Vec<usize> = mem::vec_with_capacity(units.len(), WHAT)?;
    order.extend(0..units.len());
    order.sort_unstable_by_key(|&s| units[s]);
    let mut out: Vec<u8> = Vec::new();
    put(&mut out, format_args!("{}\n", units.len()), WHAT)?;
    for &s in &order {
        let list = &nb[start[s]..start[s + 1]];
        ticker.tick_by(list.len() + 1);
        put(&mut out, format_args!("{} {}\n", show(units[s])?, list.len()), WHAT)?;
        for (k, &d) in list.iter().enumerate() {
            put(&mut out, format_args!("{}{}", if k == 0 { "" } else { " " }, show(d)?), WHAT)?;
        }
        if !list.is_empty() {
            put(&mut out, format_args!("\n"), WHAT)?;
        }
    }
    String::from_utf8(out).map_err(|_| Error::corrupt("GAL text is not UTF-8"))
}

/// Checks a GWT header field: GeoDa and libpysal split the header
/// `0 n layer id_variable` on whitespace, so a field must be non-empty and
/// free of whitespace and control characters (22023 otherwise; it is
/// refused rather than silently altered, so what is written is what was asked).
fn header_field(value: &str, name: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(format!("{name} must not be empty (it is a field of the GWT header)")));
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(format!(
            "{name} '{}' contains {:?}: GWT header fields are separated by whitespace, so {name} may contain neither whitespace nor control characters",
            value.escape_debug(),
            c
        )));
    }
    Ok(())
}

/// Writes GWT with GeoDa's header (`0 n layer id_variable`), one line per
/// link. `layer` and `id_variable` must be non-empty and contain no
/// whitespace or control character, and every weight must be finite (22023
/// otherwise, naming the argument or link): whatever this returns reads back
/// with [`parse_gwt`] and with GeoDa's and libpysal's readers, giving the same
/// links (weights are written in Rust's shortest round-trip notation).
/// `check` is called every ~64k links.
pub fn write_gwt(n: usize, links: &[Triple], layer: &str, id_variable: &str, check: Check<'_>) -> Result<String> {
    write_gwt_with(n, links, layer, id_variable, &|u| Ok(u.to_string().into()), check)
}

/// [`write_gwt`] with ids shown by `show`.
pub fn write_gwt_with(
    n: usize,
    links: &[Triple],
    layer: &str,
    id_variable: &str,
    show: &Show<'_>,
    mut check: Check<'_>,
) -> Result<String> {
    const WHAT: &str = "the text of to_gwt";
    header_field(layer, "layer")?;
    header_field(id_variable, "id_variable")?;
    let mut ticker = Ticker::new(&mut check, 1 << 16);
    let mut out: Vec<u8> = Vec::new();
    put(&mut out, format_args!("0 {n} {layer} {id_variable}\n"), WHAT)?;
    for &(s, d, w) in links {
        ticker.tick();
        if !w.is_finite() {
            return Err(Error::invalid(format!(
                "weights link ({}, {}) has weight {}: GWT weights must be finite",
                show(s)?,
                show(d)?,
                sql_float(w)
            )));
        }
        put(&mut out, format_args!("{} {} {w}\n", show(s)?, show(d)?), WHAT)?;
    }
    String::from_utf8(out).map_err(|_| Error::corrupt("GWT text is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interrupt::none;
    use crate::ErrorKind;

    fn gal(t: &str) -> Result<(Vec<Triple>, Vec<i64>)> {
        parse_gal(t, &mut none())
    }

    fn gwt(t: &str) -> Result<Vec<Triple>> {
        parse_gwt(t, &mut none())
    }

    #[test]
    fn round_trips() {
        let text = "3\n1 2\n2 3\n2 1\n1\n3 0\n";
        let (links, islands) = gal(text).unwrap();
        assert_eq!(links, vec![(1, 2, 1.0), (1, 3, 1.0), (2, 1, 1.0)]);
        assert_eq!(islands, vec![3]);
        let back = write_gal(&[1, 2, 3], &links, &mut none()).unwrap();
        assert_eq!(back, text);
        assert_eq!(gal(&back).unwrap(), (links.clone(), vec![3]));
        let out = write_gwt(3, &[(1, 2, 0.5), (2, 1, 0.25)], "layer", "id", &mut none()).unwrap();
        assert_eq!(out, "0 3 layer id\n1 2 0.5\n2 1 0.25\n");
        assert_eq!(gwt(&out).unwrap(), vec![(1, 2, 0.5), (2, 1, 0.25)]);
        // GeoDa header form
        assert_eq!(gal("0 2 shp POLY_ID\n1 1\n2\n2 1\n1\n").unwrap().0.len(), 2);
    }

    #[test]
    fn malformed() {
        assert!(gal("").is_err());
        assert!(gal("2\n1 1\n2\n").unwrap_err().message.contains("header says 2"));
        assert!(gal("1\n1 2\n2\n").unwrap_err().message.contains("should list 2"));
        assert!(gal("1\n1 1\n").unwrap_err().message.contains("file ends"));
        assert!(gal("1\nx 1\n2\n").unwrap_err().message.contains("not an integer"));
        assert!(gwt("1\n1 2\n").unwrap_err().message.contains("expected"));
    }

    /// Before: the header's count went straight into `Vec::with_capacity`
    /// (99999999999 units reserved ~800 GB; 2^64 - 1 panicked with
    /// "capacity overflow").
    #[test]
    fn headers_are_checked_against_the_content() {
        for h in ["99999999999", "18446744073709551615", "0 18446744073709551615 layer id"] {
            let e = gal(&format!("{h}\n1 1\n2\n")).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParameter);
            assert!(e.message.contains("header") && e.message.contains(h), "{}", e.message);
        }
        let e = gal("18446744073709551616\n1 0\n").unwrap_err();
        assert!(e.message.contains("header"), "{}", e.message);
        // a neighbour count far beyond the line: an error, no reservation
        let e = gal("1\n1 18446744073709551615\n2\n").unwrap_err();
        assert!(e.message.contains("should list"), "{}", e.message);
    }

    #[test]
    fn ids_and_weights_out_of_range_name_the_line() {
        let e = gal("1\n1 1\n99999999999999999999\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
        assert!(e.message.contains("line 3") && e.message.contains("bigint"), "{}", e.message);
        let e = gwt("0 2 l id\n1 -99999999999999999999 1\n").unwrap_err();
        assert!(e.message.contains("line 2") && e.message.contains("bigint"), "{}", e.message);
        for w in ["NaN", "nan", "inf", "-inf", "Infinity", "1e999"] {
            let e = gwt(&format!("2\n1 2 0.5\n\n2 1 {w}\n")).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParameter);
            assert!(e.message.contains("line 4") && e.message.contains("finite"), "{w}: {}", e.message);
        }
    }

    #[test]
    fn parsers_and_writers_tick_the_check() {
        let mut text = String::from("0 20000 l id\n");
        let links: Vec<(i64, i64, f64)> = (0..20_000).map(|i| (i, (i + 1) % 20_000, 1.0 / (1 + i) as f64)).collect();
        for l in &links {
            text.push_str(&format!("{} {} {}\n", l.0, l.1, l.2));
        }
        let mut calls = 0;
        assert_eq!(parse_gwt(&text, &mut || calls += 1).unwrap(), links);
        assert!(calls >= 4, "{calls}");
        let ids: Vec<i64> = (0..20_000).collect();
        let out = write_gal(&ids, &links, &mut none()).unwrap();
        let mut calls = 0;
        let (back, islands) = parse_gal(&out, &mut || calls += 1).unwrap();
        assert!(calls >= 4, "{calls}");
        assert!(islands.is_empty());
        assert_eq!(back.len(), links.len());
    }

    /// Whatever the writers accept reads back as written; what would not
    /// read back (a header field with whitespace, a NaN weight) is refused.
    #[test]
    fn writers_refuse_what_would_not_read_back() {
        for (layer, idv) in [("", "id"), ("my layer", "id"), ("l", "a\tb"), ("l", "x\ny"), ("l", "nul\0"), ("l", "")] {
            let e = write_gwt(2, &[(1, 2, 1.0)], layer, idv, &mut none()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidParameter, "{layer:?} {idv:?}");
            assert!(
                e.message.contains(if layer.is_empty() || layer.contains(' ') { "layer" } else { "id_variable" }),
                "{}",
                e.message
            );
        }
        assert!(write_gwt(2, &[(1, 2, f64::NAN)], "l", "id", &mut none()).unwrap_err().message.contains("(1, 2)"));
        // accepted output round-trips, with GeoDa's 4-field header, for awkward values
        let links =
            vec![(i64::MIN, i64::MAX, 1e300), (-5, 7, 5e-324), (0, 1, 0.1 + 0.2), (3, 4, -0.0), (4, 3, f64::MAX)];
        let out = write_gwt(5, &links, "ünïcødé_layer", "POLY_ID", &mut none()).unwrap();
        let head: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(head, vec!["0", "5", "ünïcødé_layer", "POLY_ID"]);
        let back = gwt(&out).unwrap();
        assert_eq!(back.len(), links.len());
        for (a, b) in back.iter().zip(&links) {
            assert_eq!((a.0, a.1, a.2.to_bits()), (b.0, b.1, b.2.to_bits()));
        }
        // GAL: islands, sources outside ids, extreme ids
        let links = vec![(i64::MAX, i64::MIN, 1.0), (9, 2, 1.0), (2, 9, 1.0), (9, 1, 1.0)];
        let out = write_gal(&[1, 2, 9], &links, &mut none()).unwrap();
        let (back, islands) = gal(&out).unwrap();
        assert_eq!(islands, vec![1]);
        assert_eq!(back, vec![(2, 9, 1.0), (9, 2, 1.0), (9, 1, 1.0), (i64::MAX, i64::MIN, 1.0)]);
    }
}
