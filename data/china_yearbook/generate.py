#!/usr/bin/env python3
"""Synthetic China provincial yearbook panel (31 provinces, 2004-2019, plus a 2020 holdout).

THE DATA ARE SYNTHETIC. They mimic the schema and rough magnitudes of the panel used by
Zheng, Zhu, Pei & Wang (2022), "coupling between industrial agglomeration and regional
economic resilience in China", but no number is a real statistic except the fixed facts
in PROVINCES (codes, names, capitals and their coordinates, land area).

The raw series are built so that the paper's pipeline (resilience R, within-province HHI,
CEDI, min-max U1/U2, coupling D, and the eight Table 2 regressors; see README.md) gives
back exactly a planted Tobit model:
    D*_it = b0 + b'x_it + u_i + e_it,   D_it = min(max(D*_it, 0), 1).
Construction, year by year (t = 2005..2020):
  1. the exogenous series are drawn first (population, highways, FDI/GDP, retail/GDP, ...);
  2. D_t depends on GDP_t (through fdi, mar, ln_den, ln_pro, ln_hsh) and GDP_t depends on
     D_t (through R_t), so GDP_t is found by fixed-point iteration on the 31-vector;
  3. given D: U2 = D^4 + (1 - D^4) * logistic(lambda_t + eta_it) and U1 = D^4 / U2, so
     (U1 U2)^(1/4) = D; lambda_t is solved so that sum_i w_i R_it = 0 (w = GDP_{t-1}
     shares), which Martin's measure imposes when the reference is the sum of provinces;
     eta_it is noise plus a pull of each province's GDP share back to a plausible path;
  4. R = RMIN + (RMAX - RMIN) U2, g_i = g_r + R |g_r|, GDP_it = GDP_i,t-1 (1 + g_i);
  5. HHI = HMIN + (HMAX - HMIN) U1, met exactly by mixing a uniform structure with a
     province profile p: shares = (1 - a)/27 + a p.
Censored rows: D = 1 gives U1 = U2 = 1. D = 0 needs U1 = 0 or U2 = 0 *exactly* after the
pipeline's min-max, i.e. an exact tie with the panel minimum; (.)^(1/4) turns a 1e-16 slip
into 1e-4. So exactly one D = 0 row (the first in year order) gets U2 = 0 (R = RMIN) and
all other D = 0 rows get U1 = 0 via a dyadic industry structure q/256 that makes their
HHI bit-identical (= HMIN) whatever the summation order. Uncensored D below D_TINY are
refused (U1 ~ D^4 would be too close to 0 for 1e-9 accuracy); the default seed has none.
Spatial structure (W = row-standardised k = 4 nearest capitals by great-circle distance):
  * the random effects are a spatial autoregressive draw u = (I - rho W)^-1 eps, rho = 0.75,
    centred and rescaled to standard deviation sigma_u;
  * S&T spending and the three pollutants (per unit of GDP) of province i are multiplied by
    exp(SPILL z_i), z = the standardised W-lag of the provinces' mean index x'b from a first
    pass (a spillover from the neighbourhood's development level), which puts the regressor
    part of D*, the bulk of its cross-provincial variance, into spatial clusters.
The random effects are then made orthogonal to the province means of the regressors (a
second pass), so that estimators are centred on the planted values; a third pass writes.

Usage:  python3 generate.py            regenerate every file, then run the check
        python3 generate.py --check    re-read the CSVs and verify (exit 1 if D is off)
"""
import argparse, csv, json, math, os, random, sys

SEED = 20220730
HERE = os.path.dirname(os.path.abspath(__file__))
BASE, FIRST, LAST, HOLDOUT = 2004, 2005, 2019, 2020
REGRESSORS = ["ln_hsh", "fdi", "mar", "tra", "ln_den", "ln_cin", "ln_tec", "ln_pro"]
COEF = {"const": -0.18, "ln_hsh": 0.08, "fdi": -1.7, "mar": 6.5, "tra": 0.0022,
        "ln_den": -0.021, "ln_cin": -0.035, "ln_tec": 0.11, "ln_pro": 0.006}
SIGMA_U, SIGMA_E = 0.075, 0.055
# national (sum of provinces) nominal GDP growth g_r_t, with the 2009 dip; 2020 = COVID year
GR = {2005: .15, 2006: .155, 2007: .17, 2008: .16, 2009: .09, 2010: .17, 2011: .16,
      2012: .11, 2013: .10, 2014: .09, 2015: .07, 2016: .08, 2017: .10, 2018: .09,
      2019: .08, 2020: .03}
RMIN, RMAX = -1.5, 0.15          # R = RMIN + (RMAX - RMIN) U2; growth in [-0.5 g_r, 1.15 g_r]
Q = [30, 25, 20, 18, 16, 14, 12, 12, 10, 10, 9, 8, 8, 7, 7, 6, 6, 5, 5, 5, 4, 4, 3, 3, 3, 3, 3]
HMIN = sum(q * q for q in Q) / 256 ** 2   # = 3720/65536, HHI of the dyadic structure q/256
HMAX = 0.30
S_ETA, KAPPA = 0.8, 8.0          # U2 noise scale and pull towards the target GDP share path
D_TINY = 0.008                   # 0 < D < D_TINY is refused: (U1 U2)^(1/4) is ill-conditioned there
SP_K, SP_RHO = 4, 0.75           # spatial weights: k nearest capitals (row-standardised); SAR rho of u
EARTH_R = 6371.0088              # km, mean Earth radius for great-circle distances
SPILL = 0.4                      # log S&T and pollution intensity += SPILL * z_i (z: standardised W-lag of x'b)
SPILL_SERIES = ("st_r", "so2", "wastewater", "dust")

# id, name, region, coastal, capital, lon, lat, land area km2, GDP 2004 (1e8 yuan),
# population 2004 (1e4), population growth %/yr, employment of the 27 industries 2004 (1e4),
# highway km 2019, pollution-intensity factor, specialised industries (strongest first)
PROVINCES = [
    (11, "Beijing", "East", 0, "Beijing", 116.4074, 39.9042, 16410, 6060, 1493, 2.4, 118, 22400, .25, "39 36 27"),
    (12, "Tianjin", "East", 1, "Tianjin", 117.2008, 39.0842, 11966, 3111, 1024, 2.8, 118, 16100, .6, "36 26 31 07"),
    (13, "Hebei", "East", 1, "Shijiazhuang", 114.5149, 38.0428, 188800, 8478, 6809, .6, 283, 197000, 1.6, "31 30 26"),
    (14, "Shanxi", "Centre", 0, "Taiyuan", 112.5492, 37.8570, 156700, 3571, 3335, .5, 178, 144300, 3.0, "06 31 25"),
    (15, "Inner Mongolia", "West", 0, "Hohhot", 111.7492, 40.8426, 1183000, 3041, 2384, .4, 86, 206100, 2.6, "06 32 13"),
    (21, "Liaoning", "Northeast", 1, "Shenyang", 123.4315, 41.8057, 148000, 6673, 4217, .2, 262, 124700, 1.2, "31 34 25"),
    (22, "Jilin", "Northeast", 0, "Changchun", 125.3235, 43.8171, 187400, 3122, 2709, -.1, 110, 107100, .9, "36 13 27"),
    (23, "Heilongjiang", "Northeast", 0, "Harbin", 126.5349, 45.8038, 473000, 5303, 3817, -.4, 157, 168100, .9, "07 06 13"),
    (31, "Shanghai", "East", 1, "Shanghai", 121.4737, 31.2304, 6340, 8073, 1742, 2.2, 272, 13000, .4, "39 36 34"),
    (32, "Jiangsu", "East", 1, "Nanjing", 118.7969, 32.0603, 107200, 15004, 7433, .5, 728, 158500, .7, "39 17 26 38"),
    (33, "Zhejiang", "East", 1, "Hangzhou", 120.1551, 30.2741, 105500, 11649, 4720, 1.4, 620, 121000, .7, "17 38 18 33"),
    (34, "Anhui", "Centre", 0, "Hefei", 117.2272, 31.8206, 140100, 4759, 6461, -.1, 165, 218300, 1.0, "38 36 30"),
    (35, "Fujian", "East", 1, "Fuzhou", 119.2965, 26.0745, 124000, 5763, 3511, .8, 296, 110100, .8, "19 18 39"),
    (36, "Jiangxi", "Centre", 0, "Nanchang", 115.8582, 28.6829, 166900, 3457, 4284, .4, 121, 209100, 1.3, "32 30 39"),
    (37, "Shandong", "East", 1, "Jinan", 117.1201, 36.6512, 157900, 15022, 9180, .5, 635, 280300, .9, "13 26 34"),
    (41, "Henan", "Centre", 0, "Zhengzhou", 113.6254, 34.7466, 167000, 8554, 9717, .0, 384, 269100, 1.2, "06 30 13"),
    (42, "Hubei", "Centre", 0, "Wuhan", 114.3054, 30.5931, 185900, 6310, 6016, .0, 211, 289000, 1.0, "36 31 13"),
    (43, "Hunan", "Centre", 0, "Changsha", 112.9388, 28.2282, 211800, 5642, 6698, .1, 190, 240100, 1.1, "30 35 13"),
    (44, "Guangdong", "East", 1, "Guangzhou", 113.2644, 23.1291, 179800, 18865, 8304, 2.0, 1025, 221200, .45, "39 38 18 19"),
    (45, "Guangxi", "West", 1, "Nanning", 108.3665, 22.8170, 237600, 3434, 4889, .2, 101, 127800, 1.9, "13 30 32 36"),
    (46, "Hainan", "East", 1, "Haikou", 110.1999, 20.0442, 35400, 799, 818, 1.0, 13, 39300, .5, "25 13 27"),
    (50, "Chongqing", "West", 0, "Chongqing", 106.5516, 29.5630, 82400, 2665, 3122, .0, 103, 174300, 1.5, "36 39 30"),
    (51, "Sichuan", "West", 0, "Chengdu", 104.0665, 30.5723, 486000, 6380, 8595, -.2, 232, 337300, 1.2, "39 15 30"),
    (52, "Guizhou", "West", 0, "Guiyang", 106.6302, 26.6477, 176200, 1678, 3904, -.4, 78, 204700, 3.2, "06 15 16"),
    (53, "Yunnan", "West", 0, "Kunming", 102.8329, 24.8801, 394100, 2959, 4415, .6, 82, 262400, 1.6, "16 32 13"),
    (54, "Tibet", "West", 0, "Lhasa", 91.1409, 29.6456, 1228400, 220, 274, 1.6, 2.5, 104000, .6, "10 15 30"),
    (61, "Shaanxi", "West", 0, "Xi'an", 108.9398, 34.3416, 205600, 2884, 3705, .3, 140, 180100, 1.5, "06 07 25"),
    (62, "Gansu", "West", 0, "Lanzhou", 103.8343, 36.0611, 425800, 1688, 2619, .1, 77, 151400, 2.2, "32 25 31"),
    (63, "Qinghai", "West", 0, "Xining", 101.7782, 36.6171, 722300, 466, 539, .9, 15, 83800, 2.4, "32 26 07"),
    (64, "Ningxia", "West", 0, "Yinchuan", 106.2309, 38.4872, 66400, 460, 588, 1.3, 20, 36500, 4.0, "06 26 32"),
    (65, "Xinjiang", "West", 0, "Urumqi", 87.6168, 43.8256, 1664900, 2209, 1963, 1.5, 50, 194100, 2.0, "07 25 32"),
]
# 27 two-digit industries, GB/T 4754-2011 codes; 36 merges 36 (automobiles) and 37 (railway,
# ship, aerospace) as the paper does. Names carry no commas, so the CSV needs no quoting.
INDUSTRIES = [
    ("06", "Coal mining and washing"), ("07", "Petroleum and natural gas extraction"),
    ("08", "Ferrous metal ore mining"), ("09", "Non-ferrous metal ore mining"),
    ("10", "Non-metal ore mining"), ("13", "Agri-food processing"), ("14", "Food manufacturing"),
    ("15", "Liquor beverages and refined tea"), ("16", "Tobacco products"), ("17", "Textiles"),
    ("18", "Textile wearing apparel and clothing"), ("19", "Leather fur feather and footwear"),
    ("22", "Paper and paper products"), ("25", "Petroleum coking and nuclear fuel processing"),
    ("26", "Raw chemical materials and chemical products"), ("27", "Pharmaceuticals"),
    ("28", "Chemical fibres"), ("29", "Rubber and plastics products"),
    ("30", "Non-metallic mineral products"), ("31", "Ferrous metal smelting and pressing"),
    ("32", "Non-ferrous metal smelting and pressing"), ("33", "Metal products"),
    ("34", "General-purpose machinery"), ("35", "Special-purpose machinery"),
    ("36", "Transport equipment (automobiles 36 and railway ship aerospace 37)"),
    ("38", "Electrical machinery and equipment"),
    ("39", "Computers communication and other electronic equipment"),
]
N, J = len(PROVINCES), len(INDUSTRIES)
YB_COLS = ["province_id", "year", "gdp", "population", "fdi", "retail_sales", "highway_km",
           "ind_fixed_assets", "ind_employees", "st_spending", "so2", "wastewater", "dust"]


def logistic(x):
    return 1.0 / (1.0 + math.exp(-max(-700.0, min(700.0, x))))


# ----------------------------------------------------------------------------- exogenous
def draw_exogenous(rng):
    """All random draws, in a fixed order, before any iteration (so output is deterministic)."""
    years = range(BASE, HOLDOUT + 1)
    g = rng.gauss
    ex = {"u": [SIGMA_U * v for v in standardise(sar([g(0, 1) for _ in PROVINCES]))]}   # spatial u
    ex["e"] = {t: [g(0, SIGMA_E) for _ in PROVINCES] for t in years}
    ex["z_eta"] = {t: [g(0, 1) for _ in PROVINCES] for t in years}
    ex["u1_base"] = [rng.uniform(0.02, 0.3) for _ in PROVINCES]       # 2004 agglomeration
    ex["gdp0"] = [p[8] * math.exp(g(0, 0.02)) for p in PROVINCES]
    drift = {"East": -0.004, "Centre": 0.011, "West": 0.014, "Northeast": -0.03}
    s0 = [x / sum(ex["gdp0"]) for x in ex["gdp0"]]
    tgt = {t: [s0[i] * math.exp(drift[p[2]] * (t - BASE)) for i, p in enumerate(PROVINCES)] for t in years}
    ex["target"] = {t: [v / sum(tgt[t]) for v in tgt[t]] for t in years}
    emp_growth = lambda t: 0.05 if t <= 2011 else (0.01 if t <= 2014 else -0.025)
    emp_drift = {"East": 0.0, "Centre": 0.02, "West": 0.01, "Northeast": -0.03}
    st_base = {11: .0065, 31: .006, 44: .004, 32: .004, 33: .004, 12: .0033, 37: .0033, 35: .0033, 54: .003}
    nat = {"so2": (0.0125, -0.21), "wastewater": (12.5, -0.13), "dust": (0.011, -0.14)}
    cols = {k: {t: [0.0] * N for t in years} for k in
            ["pop", "hwy", "fdi_r", "retail_r", "st_r", "emp", "ind_emp", "cin", "so2", "wastewater", "dust"]}
    for i, (pid, _, region, coastal, _, _, _, _, _, pop0, popg, emp0, hwy19, dirt, _) in enumerate(PROVINCES):
        fdi0 = (0.045 if coastal else 0.04 if pid == 11 else 0.022 if region == "Centre"
                else 0.025 if region == "Northeast" else 0.012) * math.exp(g(0, 0.3))
        ret0 = (0.5 if pid == 11 else 0.36) * math.exp(g(0, 0.1))
        st0 = st_base.get(pid, 0.002 if region == "West" else 0.0027)
        cin0 = 11.0 * dirt ** 0.35 * math.exp(g(0, 0.15))
        cover = rng.uniform(1.15, 1.35)            # all industry / the 27 industries
        hwy_slope = g(0, 0.01)
        pol = {k: (math.exp(g(0, 0.3)), g(0, 0.015)) for k in nat}
        emp = emp0 * math.exp(g(0, 0.03))
        for t in years:
            s = t - BASE
            if t > BASE:
                emp *= math.exp(emp_growth(t) + emp_drift[region] + g(0, 0.02))
            ramp = 0.40 if t == BASE else 0.66 + 0.34 * (t - 2005) / 14
            cols["pop"][t][i] = round(pop0 * math.exp(popg / 100 * s + g(0, 0.003)), 2)
            cols["hwy"][t][i] = round(hwy19 * ramp * math.exp(hwy_slope * (t - 2019) + g(0, 0.015)), 1)
            cols["fdi_r"][t][i] = fdi0 * math.exp(-0.04 * s + g(0, 0.12))
            cols["retail_r"][t][i] = ret0 * math.exp(0.006 * s + g(0, 0.02))
            cols["st_r"][t][i] = st0 * math.exp(0.05 * s + g(0, 0.08))
            cols["emp"][t][i] = emp
            cols["ind_emp"][t][i] = round(emp * cover * math.exp(g(0, 0.01)), 2)
            cols["cin"][t][i] = cin0 * math.exp(0.085 * s + g(0, 0.03))
            for k, (level, trend) in nat.items():
                lev, tr = pol[k]
                cols[k][t][i] = level * math.exp(trend * s) * dirt * lev * math.exp(tr * s + g(0, 0.08))
    ex.update(cols)
    ex["profile"] = [industry_profile(rng, p[14]) for p in PROVINCES]
    return ex


# ----------------------------------------------------------------------------- spatial weights
def great_circle(a, b):
    """Great-circle (haversine) distance in km between two (lon, lat) points in degrees."""
    (lo1, la1), (lo2, la2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_R * math.asin(math.sqrt(h))


def knn_neighbours(pts, k=SP_K):
    """Indices of the k nearest points (great-circle) to each point, nearest first."""
    return [sorted((j for j in range(len(pts)) if j != i), key=lambda j: (great_circle(pts[i], pts[j]), j))[:k]
            for i in range(len(pts))]


NEIGHBOURS = knn_neighbours([(p[5], p[6]) for p in PROVINCES])


def spatial_lag(v):
    """(W v)_i with W row-standardised over NEIGHBOURS."""
    return [sum(v[j] for j in nb) / len(nb) for nb in NEIGHBOURS]


def standardise(v):
    m = sum(v) / len(v)
    s = math.sqrt(sum((x - m) ** 2 for x in v) / len(v))
    return [(x - m) / s for x in v]


def sar(eps, rho=SP_RHO):
    """Spatial autoregressive draw x = (I - rho W)^-1 eps, i.e. x = rho W x + eps (solved by
    Gauss-Jordan elimination with partial pivoting)."""
    A = [[(1.0 if i == j else 0.0) - (rho / len(nb) if j in nb else 0.0) for j in range(N)] + [eps[i]]
         for i, nb in enumerate(NEIGHBOURS)]
    for c in range(N):
        p = max(range(c, N), key=lambda r: abs(A[r][c]))
        A[c], A[p] = A[p], A[c]
        for r in range(N):
            if r != c:
                f = A[r][c] / A[c][c]
                A[r] = [a - f * b for a, b in zip(A[r], A[c])]
    return [A[r][N] / A[r][r] for r in range(N)]


def moran(v):
    """Global Moran's I of v under W (row-standardised, so S0 = n)."""
    z = [x - sum(v) / len(v) for x in v]
    return sum(zi * lag for zi, lag in zip(z, spatial_lag(z))) / sum(x * x for x in z)


def industry_profile(rng, specialties):
    """Province employment profile p over the 27 industries, concentrated enough that
    sum p^2 > HMAX (so every HHI target in [HMIN, HMAX] is reachable)."""
    codes = [c for c, _ in INDUSTRIES]
    w = [math.exp(rng.gauss(0, 0.5)) for _ in codes]
    for boost, code in zip([6.0, 4.0, 3.0, 2.5], specialties.split()):
        w[codes.index(code)] *= boost
    k = 1.0
    while True:
        p = [x ** k for x in w]
        p = [x / sum(p) for x in p]
        if sum(x * x for x in p) >= HMAX + 0.08:
            return p
        k += 0.1


# ----------------------------------------------------------------------------- pipeline (generator side)
def cedi(gdp, pollutants):
    """Comprehensive environmental damage index with entropy weights over the provinces."""
    n, G = len(gdp), sum(gdp)
    edis, dev = [], []
    for P in pollutants:
        S = sum(P)
        edi = [(P[i] / S) / (gdp[i] / G) for i in range(n)]
        f = [v / sum(edi) for v in edi]
        dev.append(1 + sum(x * math.log(x) for x in f if x > 0) / math.log(n))
        edis.append(edi)
    return [sum(dev[k] / sum(dev) * edis[k][i] for k in range(len(edis))) for i in range(n)]


def regressors(r, area, emp_total):
    """The eight Table 2 regressors for one year from the yearbook columns r (lists)."""
    c = cedi(r["gdp"], [r["so2"], r["wastewater"], r["dust"]])
    tot_retail = sum(r["retail_sales"])
    return [[math.log(c[i]), r["fdi"][i] / r["gdp"][i], r["retail_sales"][i] / tot_retail,
             r["highway_km"][i] / r["population"][i], math.log(r["gdp"][i] / area[i]),
             math.log(r["ind_fixed_assets"][i] / r["ind_employees"][i]),
             math.log(r["st_spending"][i]), math.log(r["gdp"][i] / emp_total[i])] for i in range(N)]


def dstar(x, i, t, ex):
    return COEF["const"] + sum(COEF[n] * v for n, v in zip(REGRESSORS, x)) + ex["u"][i] + ex["e"][t][i]


def year_columns(t, gdp, gdp_prev, ex):
    """Yearbook columns of year t given that year's GDP vector."""
    return {"gdp": gdp, "population": ex["pop"][t], "highway_km": ex["hwy"][t],
            "fdi": [ex["fdi_r"][t][i] * gdp[i] for i in range(N)],
            "retail_sales": [ex["retail_r"][t][i] * gdp[i] for i in range(N)],
            "ind_employees": ex["ind_emp"][t],
            "ind_fixed_assets": [round(ex["ind_emp"][t][i] * ex["cin"][t][i], 2) for i in range(N)],
            "st_spending": [round(ex["st_r"][t][i] * gdp_prev[i], 2) for i in range(N)],
            **{k: [ex[k][t][i] * gdp[i] for i in range(N)] for k in ("so2", "wastewater", "dust")}}


def dyadic_emp(emp):
    """Total employment rounded to a multiple of 256/4096, so that x * q_j is exact."""
    return round(emp / 256 * 4096) / 4096 * 256


def solve_year(t, gdp_prev, ex, area, state):
    """Fixed point GDP_t -> regressors -> D -> (U1, U2) -> R -> GDP_t for one year."""
    gr, tot_prev = GR[t], sum(gdp_prev)
    w = [x / tot_prev for x in gdp_prev]
    eta = [S_ETA * ex["z_eta"][t][i] - KAPPA * math.log(w[i] / ex["target"][t - 1][i]) for i in range(N)]
    c = -RMIN / (RMAX - RMIN)                           # sum_i w_i U2_i = c  <=>  sum_i w_i R_i = 0
    gdp, kinds = [x * (1 + gr) for x in gdp_prev], ["mid"] * N
    for it in range(500):
        emp = [dyadic_emp(ex["emp"][t][i]) if kinds[i] == "u1zero" else ex["emp"][t][i] for i in range(N)]
        X = regressors(year_columns(t, gdp, gdp_prev, ex), area, emp)
        d = [min(max(dstar(X[i], i, t, ex), 0.0), 1.0) for i in range(N)]
        zeros = [i for i in range(N) if d[i] == 0.0]
        u2zero = zeros[0] if zeros and state["u2zero"] in (None, (PROVINCES[zeros[0]][0], t)) else None
        new_kinds = ["one" if d[i] == 1.0 else "u2zero" if i == u2zero else "u1zero" if d[i] == 0.0
                     else "mid" for i in range(N)]

        def u2_of(lam):
            return [1.0 if k == "one" else 0.0 if k == "u2zero" else
                    d[i] ** 4 + (1 - d[i] ** 4) * logistic(lam + eta[i]) for i, k in enumerate(new_kinds)]
        lo, hi = -60.0, 60.0
        if sum(wi * u for wi, u in zip(w, u2_of(lo))) > c or sum(wi * u for wi, u in zip(w, u2_of(hi))) < c:
            raise RuntimeError(f"{t}: no lambda meets the national-reference constraint")
        while lo < (lo + hi) / 2 < hi:                   # bisection down to one ulp
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if sum(wi * u for wi, u in zip(w, u2_of(mid))) < c else (lo, mid)
        u2 = u2_of(lo)
        u1 = [1.0 if k == "one" else 0.5 if k == "u2zero" else 0.0 if k == "u1zero" else d[i] ** 4 / u2[i]
              for i, k in enumerate(new_kinds)]
        R = [RMIN + (RMAX - RMIN) * v for v in u2]
        new = [gdp_prev[i] * (1 + gr + R[i] * abs(gr)) for i in range(N)]
        change = max(abs(new[i] / gdp[i] - 1) for i in range(N))
        gdp = new if it < 100 else [(a + b) / 2 for a, b in zip(gdp, new)]   # damp if slow
        stable, kinds = new_kinds == kinds, new_kinds
        if change < 1e-14 and stable:
            if u2zero is not None:
                state["u2zero"] = (PROVINCES[u2zero][0], t)
            return gdp, d, u1, kinds
    raise RuntimeError(f"{t}: fixed point did not converge")


def employment(kind, u1, emp, profile):
    """27 industry employment figures whose within-province HHI is HMIN + (HMAX-HMIN) U1."""
    if kind == "u1zero":                                # exact HMIN: dyadic shares q/256
        x = dyadic_emp(emp) / 256
        rank = sorted(range(J), key=lambda j: -profile[j])
        out = [0.0] * J
        for q, j in zip(Q, rank):
            out[j] = x * q
        return out
    h = HMIN + (HMAX - HMIN) * u1
    P = sum(p * p for p in profile)
    a = math.sqrt((h - 1 / J) / (P - 1 / J))
    return [emp * ((1 - a) / J + a * p) for p in profile]


def simulate(ex, final=True):
    """Run the year-by-year construction; returns yearbook columns, employment, planted D."""
    area = [float(p[7]) for p in PROVINCES]
    state = {"u2zero": None}
    gdp = {BASE: ex["gdp0"]}
    cols, emp_rows, planted, xmean = {}, {}, {}, [[0.0] * len(REGRESSORS) for _ in PROVINCES]
    cols[BASE] = year_columns(BASE, gdp[BASE], [v / 1.13 for v in gdp[BASE]], ex)  # GDP 2003 ~ 2004/1.13
    for i in range(N):
        emp_rows[BASE, i] = employment("base", ex["u1_base"][i], ex["emp"][BASE][i], ex["profile"][i])
    for t in range(FIRST, HOLDOUT + 1):
        gdp[t], d, u1, kinds = solve_year(t, gdp[t - 1], ex, area, state)
        cols[t] = year_columns(t, gdp[t], gdp[t - 1], ex)
        for i in range(N):
            emp_rows[t, i] = employment(kinds[i], u1[i], ex["emp"][t][i], ex["profile"][i])
        # planted D* recomputed from the stored columns (the model holds on the data as written)
        X = regressors(cols[t], area, [sum(emp_rows[t, i]) for i in range(N)])
        for i in range(N):
            ds = dstar(X[i], i, t, ex)
            dp = min(max(ds, 0.0), 1.0)
            assert abs(dp - d[i]) < 1e-12, (t, i, dp, d[i])
            if final and 0 < dp < D_TINY:   # U1 ~ D^4 would carry rounding noise of HHI into D above 1e-9
                raise RuntimeError(f"D = {dp} at {PROVINCES[i][0]} {t} is too close to 0; try another seed")
            planted[t, i] = (dp, ds)
            if t <= LAST:
                xmean[i] = [m + v / (LAST - FIRST + 1) for m, v in zip(xmean[i], X[i])]
    if state["u2zero"] is None:
        raise RuntimeError("no censored-at-0 row: cannot pin min R; change the seed or coefficients")
    return cols, emp_rows, planted, state, xmean


def generate(seed, out):
    ex = draw_exogenous(random.Random(seed))
    # Spatial clustering of the regressor part: pass 0 gives each province's mean index x'b;
    # z = its standardised spatial lag (the neighbours' mean). S&T spending and pollution per
    # unit of GDP are scaled by exp(SPILL z_i) in every year: provinces next to developed
    # ones spend more on S&T and host more (relocated) polluting industry.
    xmean = simulate(ex, final=False)[4]
    ex["spill_z"] = standardise(spatial_lag([sum(COEF[n] * v for n, v in zip(REGRESSORS, x)) for x in xmean]))
    for k in SPILL_SERIES:
        ex[k] = {t: [v * math.exp(SPILL * ex["spill_z"][i]) for i, v in enumerate(vs)] for t, vs in ex[k].items()}
    # A random effect must be uncorrelated with the regressors. With 31 provinces a raw draw
    # is not, by chance, which would pull every estimator off the planted values. So: pass 1,
    # then replace u by its residual on the province means of the 8 regressors (rescaled to
    # the same sum of squares), then pass 2 with that u.
    xmean = simulate(ex, final=False)[4]
    resid = [ui - fit for ui, fit in zip(ex["u"], predict(xmean, ex["u"]))]
    scale = math.sqrt(sum(v * v for v in ex["u"]) / sum(v * v for v in resid))
    ex["u"] = [v * scale for v in resid]
    cols, emp_rows, planted, state, _ = simulate(ex)
    write_outputs(out, seed, ex, cols, emp_rows, planted, state)


def predict(Z, y):
    b = ols([[1.0] + z for z in Z], y)
    return [b[0] + sum(bk * zk for bk, zk in zip(b[1:], z)) for z in Z]


# ----------------------------------------------------------------------------- output
def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        wr.writerows([repr(v) if isinstance(v, float) else v for v in r] for r in rows)


def write_outputs(out, seed, ex, cols, emp_rows, planted, state):
    prov = [(p[0], p[1], p[2], "true" if p[3] else "false", p[4], p[5], p[6], float(p[7])) for p in PROVINCES]
    for sub, years in (("", range(BASE, LAST + 1)), ("holdout_2020", [HOLDOUT])):
        d = os.path.join(out, sub)
        write_csv(os.path.join(d, "provinces.csv"),
                  ["province_id", "name", "region", "coastal", "capital", "lon", "lat", "area_km2"], prov)
        write_csv(os.path.join(d, "yearbook.csv"), YB_COLS,
                  [[p[0], t] + [cols[t][c][i] for c in YB_COLS[2:]] for t in years for i, p in enumerate(PROVINCES)])
        write_csv(os.path.join(d, "industry_employment.csv"),
                  ["province_id", "year", "industry_code", "industry_name", "employees"],
                  [[p[0], t, code, name, emp_rows[t, i][j]] for t in years for i, p in enumerate(PROVINCES)
                   for j, (code, name) in enumerate(INDUSTRIES)])
        write_csv(os.path.join(d, "planted_d.csv"), ["province_id", "year", "d_planted", "d_star"],
                  [[p[0], t, *planted[t, i]] for t in years if t >= FIRST for i, p in enumerate(PROVINCES)])
    count = lambda ys, v: sum(1 for t in ys for i in range(N) if planted[t, i][0] == v)
    main = range(FIRST, LAST + 1)
    meta = {
        "synthetic": True, "seed": seed, "generator": "data/china_yearbook/generate.py",
        "model": "D*_it = const + sum_k b_k x_kit + u_i + e_it; D_it = min(max(D*_it, 0), 1)",
        "coefficients": COEF, "sigma_u": SIGMA_U, "sigma_e": SIGMA_E,
        "rho": SIGMA_U ** 2 / (SIGMA_U ** 2 + SIGMA_E ** 2),
        "rows": N * len(main), "years": [FIRST, LAST],
        "censored_left": count(main, 0.0), "censored_right": count(main, 1.0),
        "holdout_2020": {"censored_left": count([HOLDOUT], 0.0), "censored_right": count([HOLDOUT], 1.0)},
        "u_i": {str(p[0]): ex["u"][i] for i, p in enumerate(PROVINCES)},
        "spatial": {
            "weights": "k nearest capitals by great-circle (haversine) distance, row-standardised",
            "k": SP_K, "earth_radius_km": EARTH_R,
            "neighbours": {str(p[0]): [PROVINCES[j][0] for j in NEIGHBOURS[i]] for i, p in enumerate(PROVINCES)},
            "u_sar_rho": SP_RHO,
            "u_construction": "u = (I - rho W)^-1 eps, eps ~ N(0, 1) iid, centred and scaled to sd sigma_u; "
                              "then residual on the province means of the 8 regressors, rescaled to sd sigma_u",
            "spillover": SPILL,
            "spillover_construction": "st_spending/GDP_t-1 and so2, wastewater, dust per GDP of province i are "
                                      "multiplied by exp(spillover * z_i), z = standardised W-lag of the mean "
                                      "x'b (2005-2019) from a first pass",
            "spillover_z": {str(p[0]): ex["spill_z"][i] for i, p in enumerate(PROVINCES)},
            "moran_i_u": moran(ex["u"]),
            "moran_i_d": {str(t): moran([planted[t, i][0] for i in range(N)]) for t in range(FIRST, HOLDOUT + 1)},
        },
        "construction": {"hhi_min": HMIN, "hhi_max": HMAX, "r_min": RMIN, "r_max": RMAX,
                         "national_growth": {str(t): g for t, g in GR.items()},
                         "row_with_u2_zero": {"province_id": state["u2zero"][0], "year": state["u2zero"][1]},
                         "eta_scale": S_ETA, "share_pull": KAPPA},
    }
    with open(os.path.join(out, "planted.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


# ----------------------------------------------------------------------------- check (reads the CSVs only)
def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_resilience(gdp, years):
    """R_it = (g_i - g_r)/|g_r|, reference = sum over provinces, 1-year window."""
    R = {}
    for t in years:
        ids = [i for (i, y) in gdp if y == t]
        now, before = sum(gdp[i, t] for i in ids), sum(gdp[i, t - 1] for i in ids)
        g_r = (now - before) / before
        for i in ids:
            R[i, t] = ((gdp[i, t] - gdp[i, t - 1]) / gdp[i, t - 1] - g_r) / abs(g_r)
    return R


def check_hhi(emp):
    groups = {}
    for (i, t, j), v in emp.items():
        groups.setdefault((i, t), []).append(v)
    return {k: sum((v / sum(vs)) ** 2 for v in vs) for k, vs in groups.items()}


def check_cedi(yb, ids, t):
    Y = {i: yb[i, t]["gdp"] for i in ids}
    weights, edi = {}, {}
    for k in ("so2", "wastewater", "dust"):
        P = {i: yb[i, t][k] for i in ids}
        edi[k] = {i: (P[i] / sum(P.values())) / (Y[i] / sum(Y.values())) for i in ids}
        f = {i: edi[k][i] / sum(edi[k].values()) for i in ids}
        e_k = -sum(v * math.log(v) for v in f.values() if v > 0) / math.log(len(ids))
        weights[k] = 1 - e_k
    return {i: sum(weights[k] / sum(weights.values()) * edi[k][i] for k in edi) for i in ids}


def check_panel(yb, emp, area, years):
    """D and the regressors for the given years, min-max over exactly those rows."""
    R, H = check_resilience({k: v["gdp"] for k, v in yb.items()}, years), check_hhi(emp)
    rows = sorted(R)
    hmin, hmax = min(H[k] for k in rows), max(H[k] for k in rows)
    rmin, rmax = min(R.values()), max(R.values())
    D, X = {}, {}
    emp_total = {}
    for (i, t, j), v in emp.items():
        emp_total[i, t] = emp_total.get((i, t), 0.0) + v
    for t in years:
        ids = sorted(i for (i, y) in R if y == t)
        cd = check_cedi(yb, ids, t)
        retail = sum(yb[i, t]["retail_sales"] for i in ids)
        for i in ids:
            u1, u2 = (H[i, t] - hmin) / (hmax - hmin), (R[i, t] - rmin) / (rmax - rmin)
            if u1 + u2 == 0:
                raise SystemExit(f"U1 = U2 = 0 at {i} {t}: D undefined")
            C, T = 2 * math.sqrt(u1 * u2) / (u1 + u2), (u1 + u2) / 2
            D[i, t] = math.sqrt(C * T)
            r = yb[i, t]
            X[i, t] = [math.log(cd[i]), r["fdi"] / r["gdp"], r["retail_sales"] / retail,
                       r["highway_km"] / r["population"], math.log(r["gdp"] / area[i]),
                       math.log(r["ind_fixed_assets"] / r["ind_employees"]), math.log(r["st_spending"]),
                       math.log(r["gdp"] / emp_total[i, t])]
    return D, X, R, H


def check_moran(coords, values, k=4, perms=999, seed=0):
    """Global Moran's I of values (dict id -> v) with row-standardised k-nearest-neighbour weights
    over great-circle distances between coords (dict id -> (lon, lat)), and the pseudo p-value
    of a one-sided conditional permutation test (as esda's p_sim: (1 + #extreme) / (perms + 1))."""
    ids = sorted(coords)
    def dist(a, b):
        (x1, y1), (x2, y2) = [(math.radians(lo), math.radians(la)) for lo, la in (coords[a], coords[b])]
        c = math.sin(y1) * math.sin(y2) + math.cos(y1) * math.cos(y2) * math.cos(x2 - x1)
        return 6371.0088 * math.acos(max(-1.0, min(1.0, c)))
    nbrs = [[ids.index(j) for j in sorted((j for j in ids if j != i), key=lambda j: dist(i, j))[:k]] for i in ids]
    def stat(z):
        return sum(z[a] * sum(z[b] for b in nb) / len(nb) for a, nb in enumerate(nbrs)) / sum(v * v for v in z)
    m = sum(values[i] for i in ids) / len(ids)
    z = [values[i] - m for i in ids]
    I, rng, larger = stat(z), random.Random(seed), 0
    for _ in range(perms):
        zz = z[:]
        rng.shuffle(zz)
        larger += stat(zz) >= I
    return I, (min(larger, perms - larger) + 1) / (perms + 1)


def ols(X, y):
    """Least squares by the normal equations (Gauss-Jordan with partial pivoting)."""
    k = len(X[0])
    A = [[sum(r[a] * r[b] for r in X) for b in range(k)] + [sum(r[a] * v for r, v in zip(X, y))] for a in range(k)]
    for c in range(k):
        p = max(range(c, k), key=lambda r: abs(A[r][c]))
        A[c], A[p] = A[p], A[c]
        for r in range(k):
            if r != c:
                f = A[r][c] / A[c][c]
                A[r] = [a - f * b for a, b in zip(A[r], A[c])]
    return [A[r][k] / A[r][r] for r in range(k)]


def check(out):
    area = {int(r["province_id"]): float(r["area_km2"]) for r in read(os.path.join(out, "provinces.csv"))}
    yb, emp, planted = {}, {}, {}
    for sub in ("", "holdout_2020"):
        for r in read(os.path.join(out, sub, "yearbook.csv")):
            yb[int(r["province_id"]), int(r["year"])] = {c: float(r[c]) for c in YB_COLS[2:]}
        for r in read(os.path.join(out, sub, "industry_employment.csv")):
            emp[int(r["province_id"]), int(r["year"]), r["industry_code"]] = float(r["employees"])
        for r in read(os.path.join(out, sub, "planted_d.csv")):
            planted[int(r["province_id"]), int(r["year"])] = (float(r["d_planted"]), float(r["d_star"]))
    meta = json.load(open(os.path.join(out, "planted.json")))
    main = list(range(FIRST, LAST + 1))
    emp_main = {k: v for k, v in emp.items() if k[1] <= LAST}
    yb_main = {k: v for k, v in yb.items() if k[1] <= LAST}
    D, X, R, H = check_panel(yb_main, emp_main, area, main)
    err = max(abs(D[k] - planted[k][0]) for k in D)
    left = sum(1 for k in D if planted[k][0] == 0.0)
    right = sum(1 for k in D if planted[k][0] == 1.0)
    print(f"check: {len(D)} rows ({len(area)} provinces x {FIRST}-{LAST}), data marked synthetic: {meta['synthetic']}")
    print(f"max |D_recomputed - D_planted| = {err:.3g}  (tolerance 1e-9)")
    print(f"censored at 0: {left} rows, at 1: {right} rows (planted.json: {meta['censored_left']}, {meta['censored_right']})")
    hmin = min(H[k] for k in D)
    print(f"U1 == 0 exactly: {sum(1 for k in D if H[k] == hmin)} rows; "
          f"U2 == 0 exactly: {sum(1 for k in D if R[k] == min(R.values()))} row")
    print(f"HHI range [{min(H[k] for k in D):.4f}, {max(H[k] for k in D):.4f}], R range [{min(R.values()):.4f}, {max(R.values()):.4f}]")
    cls = [sum(1 for v in D.values() if lo <= v < hi) for lo, hi in ((0, .3), (.3, .5), (.5, 1.01))]
    print(f"D classes low [0,.3) / moderate [.3,.5) / high [.5,1]: {cls[0]} / {cls[1]} / {cls[2]}; "
          f"share of D in [0.15, 0.85]: {sum(1 for v in D.values() if .15 <= v <= .85) / len(D):.2f}")
    print("mean D by year: " + " ".join(f"{t}:{sum(D[i, y] for (i, y) in D if y == t) / len(area):.3f}" for t in main))
    print("regressor ranges (min / mean / max):")
    for j, name in enumerate(REGRESSORS):
        v = [X[k][j] for k in X]
        print(f"  {name:7s} {min(v):12.5g} {sum(v) / len(v):12.5g} {max(v):12.5g}")
    keys = sorted(D)
    u = {int(k): v for k, v in meta["u_i"].items()}
    fits = [ols([[1.0] + X[k] for k in keys], [planted[k][1] - u[k[0]] for k in keys]),
            ols([[1.0] + X[k] for k in keys], [planted[k][1] for k in keys])]
    unc = [k for k in keys if 0 < planted[k][0] < 1]
    fits.append(ols([[1.0] + X[k] for k in unc], [D[k] for k in unc]))
    print("OLS sanity: planted | d_star - u_i (only e_it left) | d_star pooled | D, uncensored rows (biased)")
    for j, name in enumerate(["const"] + REGRESSORS):
        print(f"  {name:7s} {meta['coefficients'][name]:9.4f}" + "".join(f" {b[j]:12.4f}" for b in fits))
    coords = {int(r["province_id"]): (float(r["lon"]), float(r["lat"])) for r in read(os.path.join(out, "provinces.csv"))}
    mor = [(t, *check_moran(coords, {i: D[i, y] for (i, y) in D if y == t})) for t in main]
    print("Moran's I of D (k = 4 nearest capitals, great-circle, row-standardised; pseudo p, 999 permutations):")
    for a in range(0, len(mor), 5):
        print("  " + "  ".join(f"{t}: {I:.3f} (p {p:.3f})" for t, I, p in mor[a:a + 5]))
    print(f"  mean I {sum(I for _, I, _ in mor) / len(mor):.3f}; p < 0.05 in {sum(1 for _, I, p in mor if I > 0 and p < .05)} of {len(mor)} years")
    D20, _, _, _ = check_panel(yb, emp, area, main + [HOLDOUT])
    err20 = max(abs(D20[k] - planted[k][0]) for k in D20)
    print(f"holdout 2020 (panel 2005-2020 renormalised): max |D - D_planted| over {len(D20)} rows = {err20:.3g}")
    if err > 1e-9:
        print("FAILED: recomputed D differs from planted D")
        return 1
    print("OK")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only verify the CSVs already written")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", default=HERE, help="output directory (default: this script's)")
    a = ap.parse_args()
    if not a.check:
        generate(a.seed, a.out)
    sys.exit(check(a.out))


if __name__ == "__main__":
    main()
