-- regecon: load the Mexico state panel (data/mexico, as PySAL ships it; see
-- data/mexico/README.md) into raw tables, unchanged. Run from the repository
-- root: psql -d mydb -f sql/mexico/load.sql. docs/your-own-data.md takes it
-- from here to the paper's Tables 1 and 2.
CREATE SCHEMA mexico;

-- mexico.csv as it is: one row per state, one column per decade, region codes.
-- row_no keeps the file's row order (1, 2, ...): the GAL file numbers the
-- states by their 0-based row position, so this is the only link between them.
CREATE TABLE mexico.raw (
    row_no     int GENERATED ALWAYS AS IDENTITY UNIQUE,
    state      text PRIMARY KEY,
    pcgdp1940  float8, pcgdp1950 float8, pcgdp1960 float8, pcgdp1970 float8,
    pcgdp1980  float8, pcgdp1990 float8, pcgdp2000 float8,
    hanson03   float8, hanson98 float8, esquivel99 float8, inegi float8, inegi2 float8
);
\copy mexico.raw (state, pcgdp1940, pcgdp1950, pcgdp1960, pcgdp1970, pcgdp1980, pcgdp1990, pcgdp2000, hanson03, hanson98, esquivel99, inegi, inegi2) FROM 'data/mexico/mexico.csv' CSV HEADER

-- mexico.gal as one text value, for read_gal
CREATE TABLE mexico.gal_file (name text PRIMARY KEY, content text NOT NULL);
\set gal `cat data/mexico/mexico.gal`
INSERT INTO mexico.gal_file VALUES ('mexico.gal', :'gal');
