#!/usr/bin/python3
"""Private supply over the horizon, per variant, from a result file of
`placesim run` (e.g. scenarios/entry_growth.yaml): private places at the
start and end, their change per year (compound, the validate definition),
new private offers and bankruptcies per year, bankruptcies per private
offer and year, and the share of municipalities with a narrow-group wait
over 90 days.  Each figure is a mean over replicates with the half-width
of its 95 % interval (Student t).

usage: /usr/bin/python3 analysis/private_supply.py RESULTS.h5
"""
import sys
import h5py
import numpy as np

# Student t 0.975 quantiles by degrees of freedom (the rest by the
# nearest smaller entry, which errs wide), so the script needs only
# numpy and h5py.
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447,
        7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228, 12: 2.179, 15: 2.131,
        19: 2.093, 20: 2.086, 25: 2.060, 29: 2.045, 30: 2.042, 40: 2.021,
        60: 2.000, 99: 1.984, 120: 1.980}


def t975(df):
    return T975[max(k for k in T975 if k <= df)]


def mean_ci(x):
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return float(np.mean(x)) if len(x) else float("nan"), float("nan")
    half = t975(len(x) - 1) * np.std(x, ddof=1) / np.sqrt(len(x))
    return float(np.mean(x)), float(half)


def main(path):
    f = h5py.File(path, "r")
    variants = f["axes/variant"].asstr()[()]
    years = f["axes/year"][()]
    nat = f["kpi/national"]
    places = nat["places_private"][()]          # [variant][replicate][year]
    entries = nat["offer_entries"][()]
    bankrupt = nat["bankruptcies"][()]
    brate = nat["bankruptcy_rate"][()]
    narrow = nat["long_wait_narrow_share"][()]
    n_years = len(years)
    print(f"{path}: {places.shape[1]} replicates, years {years[0]}-{years[-1]}")
    print("| variant | private places, first year end | last year end | "
          "change per year, % | new private offers a year | "
          "bankruptcies a year | bankruptcies per private offer and year, % | "
          "municipalities with a narrow wait > 90 days, % |")
    print("|---|---|---|---|---|---|---|---|")
    for v, name in enumerate(variants):
        p0 = places[v, :, 0]
        p1 = places[v, :, -1]
        growth = 100.0 * ((p1 / p0) ** (1.0 / max(1, n_years - 1)) - 1.0)
        cells = [mean_ci(p0), mean_ci(p1), mean_ci(growth),
                 mean_ci(entries[v].mean(axis=1)),
                 mean_ci(bankrupt[v].mean(axis=1)),
                 mean_ci(100.0 * np.nanmean(brate[v], axis=1)),
                 mean_ci(100.0 * np.nanmean(narrow[v], axis=1))]
        fmt = ["{:.0f} ± {:.0f}", "{:.0f} ± {:.0f}", "{:+.2f} ± {:.2f}",
               "{:.2f} ± {:.2f}", "{:.2f} ± {:.2f}", "{:.2f} ± {:.2f}",
               "{:.1f} ± {:.1f}"]
        print("| " + name + " | " +
              " | ".join(s.format(m, h) for s, (m, h) in zip(fmt, cells)) +
              " |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(sys.argv[1])
