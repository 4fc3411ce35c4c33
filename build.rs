//! Writes the `CREATE AGGREGATE` statements of the spatial aggregates from
//! one table (`SPATIAL`): every overload of `morans_i`, `gearys_c`,
//! `getis_ord_g` and `bivariate_morans_i` shares the state, the combine,
//! serialize and deserialize functions and the options, and differs only in
//! its arguments, transition and final functions. Each group becomes an
//! `extension_sql!` that autocorrelation.rs and geary_getis.rs `include!`
//! from OUT_DIR; the SQL is the text those files held by hand.

use std::fmt::Write as _;

/// One overload: the aggregate, its arguments after `id`, its transition
/// and final functions (schema regecon_internal).
struct Overload {
    name: &'static str,
    args: &'static str,
    sfunc: &'static str,
    finalfunc: &'static str,
}

/// One `extension_sql!`: its overloads (bigint ids; each also declared for
/// text ids, after all the bigint ones, with `_text` in its transition
/// function's name), the comments that follow them, its name and what it
/// requires (in the order the SQL lists them).
struct Group {
    file: &'static str,
    overloads: &'static [Overload],
    comments: &'static str,
    name: &'static str,
    requires: &'static str,
}

const fn o(name: &'static str, args: &'static str, sfunc: &'static str, finalfunc: &'static str) -> Overload {
    Overload { name, args, sfunc, finalfunc }
}

const SPATIAL: &[Group] = &[
    Group {
        file: "morans_i_aggregates.rs",
        overloads: &[
            o("morans_i", "value float8, weights regclass", "morans_i_trans", "morans_i_final"),
            o(
                "morans_i",
                "value float8, weights regclass, permutations int, seed bigint",
                "morans_i_perm_trans",
                "morans_i_final",
            ),
            o(
                "morans_i",
                "value float8, weights regclass, permutations int, seed bigint, style text",
                "morans_i_style_trans",
                "morans_i_final",
            ),
        ],
        comments: r#"COMMENT ON AGGREGATE morans_i(text, float8, regclass) IS
'Global Moran''s I keyed by text unit ids (the weights relation''s src and dst must be text too)';
COMMENT ON AGGREGATE morans_i(text, float8, regclass, int, bigint) IS
'Global Moran''s I with permutation inference, text unit ids';
COMMENT ON AGGREGATE morans_i(text, float8, regclass, int, bigint, text) IS
'Global Moran''s I with a weights style, text unit ids';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass) IS
'Global Moran''s I of value over the units of the group, weights from a (src, dst, weight) relation, row-standardised; analytic inference';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass, int, bigint) IS
'Global Moran''s I with permutation inference (seeded, reproducible)';
COMMENT ON AGGREGATE morans_i(bigint, float8, regclass, int, bigint, text) IS
'Global Moran''s I; style r (row-standardised), b (binary) or o (weights as stored)';
"#,
        name: "morans_i_aggregates",
        requires: "morans_i_trans,
        morans_i_perm_trans,
        morans_i_style_trans,
        morans_i_text_trans,
        morans_i_text_perm_trans,
        morans_i_text_style_trans,
        morans_i_final,
        morans_i_combine,
        morans_i_serialize,
        morans_i_deserialize",
    },
    Group {
        file: "geary_getis_aggregates.rs",
        overloads: &[
            o("gearys_c", "value float8, weights regclass", "gearys_c_trans", "gearys_c_final"),
            o("gearys_c", "value float8, weights regclass, style text", "spatial_style_trans", "gearys_c_final"),
            o("getis_ord_g", "value float8, weights regclass", "getis_ord_g_trans", "getis_ord_g_final"),
            o("getis_ord_g", "value float8, weights regclass, style text", "spatial_style_trans", "getis_ord_g_final"),
            o(
                "bivariate_morans_i",
                "x float8, y float8, weights regclass",
                "bivariate_morans_i_trans",
                "bivariate_morans_i_final",
            ),
            o(
                "bivariate_morans_i",
                "x float8, y float8, weights regclass, permutations int, seed bigint",
                "bivariate_morans_i_perm_trans",
                "bivariate_morans_i_final",
            ),
        ],
        comments: r#"COMMENT ON AGGREGATE gearys_c(text, float8, regclass) IS 'Geary''s C keyed by text unit ids';
COMMENT ON AGGREGATE getis_ord_g(text, float8, regclass) IS 'Getis-Ord global G keyed by text unit ids';
COMMENT ON AGGREGATE bivariate_morans_i(text, float8, float8, regclass) IS 'Bivariate Moran''s I keyed by text unit ids';
COMMENT ON AGGREGATE gearys_c(bigint, float8, regclass) IS 'Geary''s C with analytic inference (row-standardised weights)';
COMMENT ON AGGREGATE getis_ord_g(bigint, float8, regclass) IS 'Getis-Ord global G with analytic inference (binary weights)';
COMMENT ON AGGREGATE bivariate_morans_i(bigint, float8, float8, regclass) IS
'Bivariate Moran''s I of x against the spatial lag of y (row-standardised weights)';
"#,
        name: "geary_getis_aggregates",
        requires: "\"morans_i_aggregates\",
        gearys_c_trans,
        getis_ord_g_trans,
        spatial_style_trans,
        gearys_c_final,
        getis_ord_g_final,
        bivariate_morans_i_trans,
        bivariate_morans_i_perm_trans,
        bivariate_morans_i_final,
        gearys_c_text_trans,
        getis_ord_g_text_trans,
        spatial_style_text_trans,
        bivariate_morans_i_text_trans,
        bivariate_morans_i_text_perm_trans",
    },
];

/// `morans_i_perm_trans` -> `morans_i_text_perm_trans`: `_text` after the
/// aggregate's name (or after `spatial_style`).
fn text_sfunc(o: &Overload) -> String {
    let stem = if o.sfunc.starts_with("spatial_style") { "spatial_style" } else { o.name };
    format!("{stem}_text{}", &o.sfunc[stem.len()..])
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for g in SPATIAL {
        let mut sql = String::from("\n");
        for (id, text) in [("bigint", false), ("text", true)] {
            for o in g.overloads {
                let sfunc = if text { text_sfunc(o) } else { o.sfunc.to_string() };
                writeln!(
                    sql,
                    "CREATE AGGREGATE {}(id {id}, {}) (\n    SFUNC = regecon_internal.{sfunc}, STYPE = internal, \
                     FINALFUNC = regecon_internal.{},\n    COMBINEFUNC = regecon_internal.morans_i_combine, \
                     SERIALFUNC = regecon_internal.morans_i_serialize, DESERIALFUNC = \
                     regecon_internal.morans_i_deserialize,\n    PARALLEL = SAFE\n);",
                    o.name, o.args, o.finalfunc
                )
                .unwrap();
            }
        }
        sql.push_str(g.comments);
        let rs = format!(
            "extension_sql!(\n    r#\"{sql}\"#,\n    name = \"{}\",\n    requires = [\n        {}\n    ],\n);\n",
            g.name, g.requires
        );
        std::fs::write(format!("{out}/{}", g.file), rs).expect("OUT_DIR is writable");
    }
}
