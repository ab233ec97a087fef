# placesim - the only build entry point.
#
#   make run     install missing Debian packages, build, run the Danish scenario
#   make test    install missing packages, build, run the whole test suite
#   make bench   events/s, replicates/s and peak memory on the Danish scenario
#   make asan    the test suite under AddressSanitizer and UBSan
#   make fuzz    fuzz the scenario and CSV loaders (FUZZ_SECONDS, default 60)
#   make deps    only the Debian packages
#   make install PREFIX=/usr/local

CC      ?= cc
# make MPI=1: the program spreads a plan's jobs over mpirun's ranks
# (sim/mpi.c), built with Open MPI's mpicc (Debian libopenmpi-dev) into
# build-mpi; HDF5 stays the serial one.
ifeq ($(MPI),1)
CC      := mpicc
# its own folder, also when BUILD comes from the environment (make test
# exports it to the tests, which build this one)
ifneq ($(origin BUILD),command line)
BUILD   := build-mpi
endif
EXTRA_CFLAGS += -DPLACESIM_MPI
MPI_DEBS := libopenmpi-dev openmpi-bin
endif
# Libraries: found by pkg-config (which honours PKG_CONFIG_PATH), or, on a
# cluster without root, from their prefixes as environment modules set
# them: make HDF5_DIR=... GSL_DIR=... YAML_DIR=... ZLIB_DIR=... (include/
# and lib/ under each; lib is also the run path).  A library given by its
# prefix is not asked of pkg-config, and with any prefix given (or
# NO_DEPS=1) make never calls apt-get.  `make config` says what it found.
# hdf5-serial, not hdf5: with libhdf5-openmpi-dev installed beside it,
# `pkg-config hdf5` names the MPI build, which this program does not use;
# where there is no hdf5-serial (a module's HDF5), hdf5 is asked instead.
HDF5_PC := $(shell pkg-config --exists hdf5-serial 2>/dev/null && echo hdf5-serial || echo hdf5)
PKGS    := $(if $(GSL_DIR),,gsl) $(if $(YAML_DIR),,yaml-0.1) $(if $(HDF5_DIR),,$(HDF5_PC)) \
           $(if $(ZLIB_DIR),,zlib)
LIB_DIRS := $(GSL_DIR) $(YAML_DIR) $(HDF5_DIR) $(ZLIB_DIR)
DIR_CFLAGS := $(foreach d,$(LIB_DIRS),-I$(d)/include)
DIR_LIBS   := $(foreach d,$(LIB_DIRS),-L$(d)/lib -Wl,-rpath,$(d)/lib) \
              $(if $(GSL_DIR),-lgsl -lgslcblas) $(if $(YAML_DIR),-lyaml) \
              $(if $(HDF5_DIR),-lhdf5) $(if $(ZLIB_DIR),-lz)
ifneq ($(strip $(LIB_DIRS)),)
NO_DEPS := 1
endif
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror
OPT     ?= -O2 -g
PKG_CFLAGS ?= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   ?= $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += $(CSTD) $(WARN) $(OPT) -fopenmp -I. $(DIR_CFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
# hdf5_hl: HDF5's dimension-scale API (H5DS), which pkg-config does not list
LDLIBS  += $(DIR_LIBS) -lhdf5_hl $(PKG_LIBS) -fopenmp -lm $(EXTRA_LDFLAGS)
BUILD   ?= build
PREFIX  ?= /usr/local

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
# the commit built, "-dirty" after it when the working tree differs from it
GIT_COMMIT := $(shell git describe --always --dirty --abbrev=12 --match=no-tag-is-named-so 2>/dev/null || echo unknown)
CFLAGS  += -DPLACESIM_VERSION='"$(VERSION)"' -DPLACESIM_GIT_COMMIT='"$(GIT_COMMIT)"'

LIB_SRC := $(wildcard sim/*.c) $(wildcard models/*.c) \
           $(filter-out analysis/placesim.c,$(wildcard analysis/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

# make run: the default regime comparison on the Danish baseline, and its
# report (results/regimes-SEED.html)
SCENARIO ?= scenarios/regimes.yaml
RUN_ARGS ?= --report

.PHONY: all config run test bench asan deps report-deps test-deps install install-deps screenshot clean reference check-reference \
        fuzz fuzz-deps

all: $(BUILD)/placesim

# Debian packages: installed only when pkg-config or h5dump says they are
# missing, so `make` on a ready machine never calls apt-get.
DEB_PKGS := build-essential pkg-config libgsl-dev libyaml-dev libhdf5-dev zlib1g-dev \
            hdf5-tools libcmocka-dev
deps:
	@if [ "$(NO_DEPS)" = 1 ]; then :; elif pkg-config --exists $(PKGS) cmocka 2>/dev/null && command -v h5dump >/dev/null \
	    && command -v $(CC) >/dev/null; then :; else \
	  echo "placesim: installing Debian packages: $(DEB_PKGS) $(MPI_DEBS)"; \
	  if [ "$$(id -u)" != 0 ]; then echo "placesim: need root for apt-get (or install: $(DEB_PKGS) $(MPI_DEBS))" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq $(DEB_PKGS) $(MPI_DEBS) >/dev/null; \
	fi

# What the build found and will use.
config:
	@echo "placesim build: CC=$(CC) ($$($(CC) --version 2>/dev/null | head -n 1))"
	@for p in $(PKGS); do \
	  v=$$(pkg-config --modversion $$p 2>/dev/null) && echo "  $$p $$v (pkg-config$${PKG_CONFIG_PATH:+, PKG_CONFIG_PATH=$$PKG_CONFIG_PATH})" \
	  || echo "  $$p: NOT FOUND by pkg-config (set PKG_CONFIG_PATH, or its prefix: HDF5_DIR, GSL_DIR, YAML_DIR, ZLIB_DIR)"; done
	@for d in $(LIB_DIRS); do echo "  prefix $$d: $$(ls $$d/lib 2>/dev/null | grep -E '^lib(gsl|yaml|hdf5|z)\.' | tr '\n' ' ')"; done
	@echo "  CFLAGS: $(CFLAGS)"
	@echo "  LDLIBS: $(LDLIBS)"
	@echo "  MPI: $(if $(filter 1,$(MPI)),yes ($(CC)),no (make MPI=1))"

# The report draws its charts with gnuplot; its tests open it in headless
# Chromium and read the HDF5 file from Python (h5py, pandas) and R (hdf5r).
REPORT_DEBS := gnuplot-nox
TEST_DEBS   := chromium poppler-utils python3-h5py python3-pandas python3-pil r-cran-hdf5r help2man
report-deps:
	@if command -v gnuplot >/dev/null; then :; else \
	  echo "placesim: installing Debian packages: $(REPORT_DEBS)"; \
	  if [ "$$(id -u)" != 0 ]; then echo "placesim: need root for apt-get (or install: $(REPORT_DEBS))" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq $(REPORT_DEBS) >/dev/null; \
	fi
test-deps:
	@if command -v chromium >/dev/null && command -v Rscript >/dev/null && command -v pdfinfo >/dev/null && \
	    command -v help2man >/dev/null && \
	    /usr/bin/python3 -c 'import h5py, pandas, PIL' 2>/dev/null && \
	    Rscript -e 'library(hdf5r)' >/dev/null 2>&1; then :; else \
	  echo "placesim: installing Debian packages: $(TEST_DEBS)"; \
	  if [ "$$(id -u)" != 0 ]; then echo "placesim: need root for apt-get (or install: $(TEST_DEBS))" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq $(TEST_DEBS) >/dev/null; \
	fi

$(BUILD)/%.o: %.c $(wildcard */*.h) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libplacesim.a: $(LIB_OBJ)
	ar rcs $@ $^

# The commit is compiled into placesim.o (every result names it), so that
# object depends on a stamp rewritten whenever the commit changes: a new
# commit with no source change still gives a binary that names it.
COMMIT_STAMP := $(BUILD)/commit.stamp
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(COMMIT_STAMP) 2>/dev/null)" = "$(GIT_COMMIT)" ] || echo "$(GIT_COMMIT)" >$(COMMIT_STAMP); })
$(BUILD)/analysis/placesim.o: $(COMMIT_STAMP)

$(BUILD)/placesim: $(BUILD)/analysis/placesim.o $(BUILD)/libplacesim.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libplacesim.a $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libplacesim.a $(LDLIBS) $(shell pkg-config --libs cmocka)

run: $(BUILD)/placesim | report-deps
	$(BUILD)/placesim compare $(SCENARIO) $(RUN_ARGS)

test: $(BUILD)/placesim $(TEST_BIN) | report-deps test-deps
	@BUILD=$(BUILD) bash tests/run.sh

bench: $(BUILD)/placesim $(BUILD)/tests/bench_load $(BUILD)/tests/bench_phold
	@BUILD=$(BUILD) bash tests/bench.sh

# Not test_* programs: built for the bench only.
$(BUILD)/tests/bench_load: tests/bench_load.c $(BUILD)/libplacesim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libplacesim.a $(LDLIBS)

$(BUILD)/tests/bench_phold: tests/bench_phold.c tests/phold.h $(BUILD)/libplacesim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libplacesim.a $(LDLIBS)

# ---- fuzzing: clang's libFuzzer with ASan and UBSan on the loaders only.
# FUZZ_SECONDS=0 runs until FUZZ_ARGS (e.g. -runs=N) says stop; CI runs
# with a fixed -seed and -runs so that every run does the same work.
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_ARGS    ?=
FUZZ_SRC     := $(filter-out sim/plan.c,$(wildcard sim/*.c)) $(wildcard models/*.c) tests/fuzz_load.c
FUZZ_DEBS    := clang-14 libclang-rt-14-dev
fuzz-deps:
	@if command -v $(FUZZ_CC) >/dev/null && dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then :; else \
	  echo "placesim: installing Debian packages: $(FUZZ_DEBS)"; \
	  if [ "$$(id -u)" != 0 ]; then echo "placesim: need root for apt-get (or install: $(FUZZ_DEBS))" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq $(FUZZ_DEBS) >/dev/null; \
	fi

$(FUZZ_BUILD)/fuzz_load: $(FUZZ_SRC) $(wildcard */*.h) | deps fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -I. $(PKG_CFLAGS) -DFUZZ_ROOT='"$(CURDIR)"' $(FUZZ_SRC) -o $@ \
	  $(PKG_LIBS) -lm

# Seeds: every scenario of the project and the tests, and the CSV tables
# as inputs that name them; the dictionary: every word of the key table.
$(FUZZ_BUILD)/seeds: $(BUILD)/placesim tests/fuzz_seeds.sh $(wildcard scenarios/*.yaml tests/data/*.yaml tests/data/*.csv tests/data/config/*.yaml)
	@bash tests/fuzz_seeds.sh $(BUILD)/placesim $(FUZZ_BUILD)

fuzz: $(FUZZ_BUILD)/fuzz_load $(FUZZ_BUILD)/seeds
	@mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz_load -dict=$(FUZZ_BUILD)/scenario.dict \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=$(FUZZ_BUILD)/ -print_final_stats=1 $(FUZZ_ARGS) \
	  $(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/seeds

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test

# The README's screenshot of the default report (after make run).
screenshot: results/regimes-20211.html | test-deps
	bash tests/screenshot.sh results/regimes-20211.html results/report.png

reference: $(BUILD)/placesim
	@bash tests/update_reference.sh $(BUILD)/placesim

check-reference: $(BUILD)/placesim
	@bash tests/update_reference.sh $(BUILD)/placesim --check

# The binary, the scenarios and their data under share/placesim (where an
# installed placesim finds its default scenarios from any folder), and a
# man page that help2man makes from --help and --version.
install: $(BUILD)/placesim | install-deps
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/placesim/scenarios/data \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/placesim $(DESTDIR)$(PREFIX)/bin/placesim
	install -m 644 scenarios/*.yaml $(DESTDIR)$(PREFIX)/share/placesim/scenarios/
	install -m 644 scenarios/data/* $(DESTDIR)$(PREFIX)/share/placesim/scenarios/data/
	help2man --no-info --name="simulator of the Danish market for places in social care" \
	  --output=$(DESTDIR)$(PREFIX)/share/man/man1/placesim.1 $(BUILD)/placesim
install-deps:
	@command -v help2man >/dev/null || { \
	  echo "placesim: installing Debian packages: help2man"; \
	  if [ "$$(id -u)" != 0 ]; then echo "placesim: need root for apt-get (or install: help2man)" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq help2man >/dev/null; }

clean:
	rm -rf build build-asan $(FUZZ_BUILD)
