# placesim - the only build entry point.
#
#   make run     install missing Debian packages, build, run the Danish scenario
#   make test    install missing packages, build, run the whole test suite
#   make bench   events/s, replicates/s and peak memory on the Danish scenario
#   make asan    the test suite under AddressSanitizer and UBSan
#   make deps    only the Debian packages
#   make install PREFIX=/usr/local

CC      ?= cc
PKGS    := gsl yaml-0.1 hdf5
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror
OPT     ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += $(CSTD) $(WARN) $(OPT) -fopenmp -I. $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  += $(PKG_LIBS) -fopenmp -lm $(EXTRA_LDFLAGS)
BUILD   ?= build
PREFIX  ?= /usr/local

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
CFLAGS  += -DPLACESIM_VERSION='"$(VERSION)"' -DPLACESIM_GIT_COMMIT='"$(GIT_COMMIT)"'

LIB_SRC := $(wildcard sim/*.c) $(wildcard models/*.c) \
           $(filter-out analysis/placesim.c,$(wildcard analysis/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

SCENARIO ?= scenarios/denmark.yaml
RUN_ARGS ?=

.PHONY: all run test bench asan deps install clean reference check-reference

all: $(BUILD)/placesim

# Debian packages: installed only when pkg-config or h5dump says they are
# missing, so `make` on a ready machine never calls apt-get.
DEB_PKGS := build-essential pkg-config libgsl-dev libyaml-dev libhdf5-dev \
            hdf5-tools libcmocka-dev
deps:
	@if pkg-config --exists $(PKGS) cmocka 2>/dev/null && command -v h5dump >/dev/null \
	    && command -v $(CC) >/dev/null; then :; else \
	  echo "placesim: installing Debian packages: $(DEB_PKGS)"; \
	  if [ "$$(id -u)" != 0 ]; then echo "placesim: need root for apt-get (or install: $(DEB_PKGS))" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq $(DEB_PKGS) >/dev/null; \
	fi

$(BUILD)/%.o: %.c $(wildcard */*.h) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libplacesim.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/placesim: $(BUILD)/analysis/placesim.o $(BUILD)/libplacesim.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libplacesim.a $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libplacesim.a $(LDLIBS) $(shell pkg-config --libs cmocka)

run: $(BUILD)/placesim
	$(BUILD)/placesim run $(SCENARIO) $(RUN_ARGS)

test: $(BUILD)/placesim $(TEST_BIN)
	@BUILD=$(BUILD) bash tests/run.sh

bench: $(BUILD)/placesim
	@BUILD=$(BUILD) bash tests/bench.sh

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test

reference: $(BUILD)/placesim
	@bash tests/update_reference.sh $(BUILD)/placesim

install: $(BUILD)/placesim
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/placesim $(DESTDIR)$(PREFIX)/bin/placesim

clean:
	rm -rf build build-asan
