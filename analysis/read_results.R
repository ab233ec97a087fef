#!/usr/bin/env Rscript
# analysis/read_results.R - a placesim result file into an R data frame, with
# hdf5r.
#
#     Rscript analysis/read_results.R RESULTS.h5 [KPI]
#
# Prints the KPI (default expenditure) as a long table, one row per variant,
# replicate and year, and its mean by variant and year.  Debian: apt-get
# install r-cran-hdf5r.  HDF5 stores arrays in row-major order and R in
# column-major order, so hdf5r returns every array with its dimensions
# reversed (year, replicate, variant); aperm() puts them back in the order
# the file's "dims" attribute names.
suppressMessages(library(hdf5r))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
name <- if (length(args) > 1) args[2] else "expenditure"
f <- H5File$new(path, mode = "r")
if (h5attr(f, "schema_version") < 2) stop(path, ": schema too old; run it again")
groups <- names(f[["kpi"]])
where <- groups[sapply(groups, function(g) f[["kpi"]][[g]]$exists(name))][1]
ds <- f[["kpi"]][[where]][[name]]
dims <- strsplit(h5attr(ds, "dims"), ",")[[1]]
x <- ds$read()
# hdf5r drops a dimension of length one (a single variant): put it back;
# ds$dims is already in R's (reversed) order
dim(x) <- ds$dims
x <- aperm(x, rev(seq_along(dim(x))))       # now [variant, replicate, year, ...]
variants <- f[["axes/variant"]]$read()
years <- f[["axes/year"]]$read()
stopifnot(dim(x)[1] == length(variants), dim(x)[3] == length(years))
if (length(dims) == 3) {
  grid <- expand.grid(variant = variants, replicate = seq_len(dim(x)[2]) - 1L,
                      year = years, stringsAsFactors = FALSE)
  grid[[name]] <- as.vector(x)   # expand.grid varies its first column fastest, as R's arrays do
  print(head(grid, 8))
  print(tapply(grid[[name]], list(grid$variant, grid$year), mean))
} else {
  cat(name, "has dimensions", paste(dims, collapse = ","), "of sizes",
      paste(dim(x), collapse = ","), "\n")
}
f$close_all()
