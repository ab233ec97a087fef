#!/usr/bin/python3
"""analysis/read_results.py - a placesim result file into pandas, with h5py.

    /usr/bin/python3 analysis/read_results.py RESULTS.h5 [KPI]

Prints the KPI (default expenditure) as a long table, one row per variant,
replicate and year (and municipality, for a per-municipality KPI), and its
mean by variant and year.  Debian: apt-get install python3-h5py
python3-pandas.  pandas.read_hdf does not read these files (it reads only
files PyTables wrote); h5py does, and strings come back as bytes unless read
with .asstr().
"""
import sys

import h5py
import pandas as pd


def kpi_frame(path, name="expenditure"):
    with h5py.File(path, "r") as f:
        if f.attrs["schema_version"] < 2:
            raise SystemExit(f"{path}: schema {f.attrs['schema_version']}; run it again")
        where = [g for g in f["kpi"] if name in f["kpi"][g]]
        if not where:
            raise SystemExit(f"{path}: no KPI {name}")
        ds = f["kpi"][where[0]][name]
        dims = ds.attrs["dims"].split(",")  # h5py gives str for attributes
        axes = {
            "variant": f["axes/variant"].asstr()[()],
            "replicate": range(ds.shape[1]),
            "year": f["axes/year"][()],
        }
        if len(dims) == 4:
            axes[dims[3]] = f["axes"][dims[3]].asstr()[()]
        index = pd.MultiIndex.from_product([axes[d] for d in dims], names=dims)
        frame = pd.DataFrame({name: ds[()].reshape(-1)}, index=index).reset_index()
        frame.attrs["unit"] = ds.attrs["unit"]
        return frame


def main():
    path = sys.argv[1]
    name = sys.argv[2] if len(sys.argv) > 2 else "expenditure"
    frame = kpi_frame(path, name)
    print(frame.head(8).to_string(index=False))
    print(frame.groupby(["variant", "year"])[name].mean().unstack("year").to_string())


if __name__ == "__main__":
    main()
