-- regecon: the paper's study as SQL, stage 1 of 5: the yearbook tables.
--
-- These are the shapes the pipeline reads. Point them at your own yearbook by
-- creating views with these names and columns over your tables (see
-- docs/tutorial.md), or load the shipped SYNTHETIC sample with
-- 02_load_sample.sql. Units are those of China's statistical yearbooks.
CREATE EXTENSION IF NOT EXISTS regecon;
CREATE SCHEMA IF NOT EXISTS china;

-- One row per province: the paper's regional groupings and the provincial
-- capital's coordinates (for the spatial weights).
CREATE TABLE china.provinces (
    province_id bigint PRIMARY KEY,          -- GB/T 2260 code, e.g. 11 Beijing
    name        text NOT NULL UNIQUE,
    region      text NOT NULL CHECK (region IN ('East', 'Centre', 'West', 'Northeast')),
    coastal     boolean NOT NULL,
    capital     text NOT NULL,
    lon         float8 NOT NULL,             -- degrees east
    lat         float8 NOT NULL,             -- degrees north
    area_km2    float8 NOT NULL
);

-- One row per province and year.
CREATE TABLE china.yearbook (
    province_id      bigint NOT NULL REFERENCES china.provinces,
    year             int NOT NULL,
    gdp              float8 NOT NULL,        -- 100 million yuan
    population       float8 NOT NULL,        -- 10,000 persons
    fdi              float8 NOT NULL,        -- 100 million yuan
    retail_sales     float8 NOT NULL,        -- 100 million yuan
    highway_km       float8 NOT NULL,
    ind_fixed_assets float8 NOT NULL,        -- 100 million yuan
    ind_employees    float8 NOT NULL,        -- 10,000 persons
    st_spending      float8 NOT NULL,        -- science and technology, 100 million yuan
    so2              float8 NOT NULL,        -- industrial emissions, 10,000 tonnes
    wastewater       float8 NOT NULL,
    dust             float8 NOT NULL,
    PRIMARY KEY (province_id, year)
);

-- Employment by two-digit industry (the paper's 27), per province and year.
CREATE TABLE china.industry_employment (
    province_id   bigint NOT NULL REFERENCES china.provinces,
    year          int NOT NULL,
    industry_code text NOT NULL,             -- GB/T 4754, two digits
    industry_name text NOT NULL,
    employees     float8 NOT NULL,           -- 10,000 persons
    PRIMARY KEY (province_id, year, industry_code)
);

-- The coefficients the data were generated with, when known (the synthetic
-- sample fills it; leave it empty for real data). Shown next to Table 2.
CREATE TABLE china.planted (term text PRIMARY KEY, value float8 NOT NULL);

-- Facts about the last run, shown in the report.
CREATE TABLE china.run_info (key text PRIMARY KEY, value text);
