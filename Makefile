# Convenience front door. Everything here delegates to .ci/install-deps.sh and meson;
# see README.md for the plain meson commands.
BUILD ?= build
JOBS ?= 2
MESON_FLAGS ?=

.PHONY: all deps build run test unit conformance integration bench bench-deps bench-terminals asan fuzz format format-check install clean

all: build

deps:
	@.ci/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

run: build
	@tests/headless/run-cadence.sh $(BUILD)

test: build
	meson test -C $(BUILD) --num-processes $(JOBS) --print-errorlogs

unit: build
	meson test -C $(BUILD) --num-processes $(JOBS) --print-errorlogs --suite unit

conformance: build
	meson test -C $(BUILD) --print-errorlogs --suite conformance

integration: build
	meson test -C $(BUILD) --num-processes 1 --print-errorlogs --suite integration

# Google benchmarks, then cadence side by side with foot, alacritty and kitty
# (bench/terminals.py, docs/benchmarks.md). BENCH_ARGS passes options to the latter.
BENCH_ARGS ?=

bench: build bench-deps
	@bench/run.sh $(BUILD)
	@bench/terminals.py --cadence $(BUILD)/src/app/cadence $(BENCH_ARGS)

bench-deps:
	@.ci/install-deps.sh --bench

bench-terminals: build bench-deps
	@bench/terminals.py --cadence $(BUILD)/src/app/cadence $(BENCH_ARGS)

# Address and undefined-behaviour sanitizers over the unit tests.
asan: deps
	[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=false
	ninja -C build-asan -j $(JOBS)
	meson test -C build-asan --num-processes $(JOBS) --print-errorlogs --suite unit

# libFuzzer targets (clang); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	[ -f build-fuzz/build.ninja ] || CC=clang CXX=clang++ meson setup build-fuzz -Dfuzzers=true -Dtests=false -Dbenchmarks=false -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz -j $(JOBS)
	@tests/tools/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: meson install under PREFIX (the
# build is reconfigured when PREFIX differs from what it was set up with); DESTDIR stages
# the files, as meson install does with it.
PREFIX ?=
install: build
	@if [ -n "$(PREFIX)" ]; then meson configure $(BUILD) --prefix "$(PREFIX)"; fi
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir "$(DESTDIR)")

clean:
	rm -rf $(BUILD) build-asan build-fuzz
