# SPDX-License-Identifier: MIT
# A thin front end to CMake. Every target installs missing Debian packages first.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo deb test test-release test-install test-deb test-sanitize test-threads test-neon test-fuzz fuzz test-coverage test-python python bench install uninstall clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The main job: the classic ReLU example through the C API and the command, the figures,
# and a short Fashion-MNIST run of relu against sigmoid (lab/).
demo: build
	@echo "== examples/relu_example.c: the C API"
	@$(BUILD)/examples/relu_example
	@echo
	@echo "== actfn eval relu -- -2 -1 0 1 2"
	@$(BUILD)/tools/actfn eval relu -- -2 -1 0 1 2
	@echo "== actfn eval relu --grad -- -2 -1 0 1 2"
	@$(BUILD)/tools/actfn eval relu --grad -- -2 -1 0 1 2
	@echo "== actfn eval gelu -- -3 -1 0 1 3"
	@$(BUILD)/tools/actfn eval gelu -- -3 -1 0 1 3
	@echo "== actfn plot: the figures of docs/figures/"
	@mkdir -p docs/figures
	@$(BUILD)/tools/actfn plot relu -o docs/figures/relu.png
	@$(BUILD)/tools/actfn plot relu --grad -o docs/figures/relu-grad.png
	@$(BUILD)/tools/actfn plot relu leaky_relu elu gelu silu softplus -o docs/figures/relu-family.png
	@$(BUILD)/tools/actfn plot relu leaky_relu relu6 gelu --grad --range -3:8 -o docs/figures/relu-family-grad.png
	@$(BUILD)/tools/actfn plot sigmoid tanh relu --grad --range -6:6 -o docs/figures/saturating-grad.png
	@echo "== actfn lab demo: relu against sigmoid on Fashion-MNIST, 2 epochs each"
	@$(BUILD)/tools/actfn lab demo --out lab-results >/dev/null
	@echo
	@echo "The report: lab-results/demo/report.md, with its pictures lab-results/demo/*.png;"
	@echo "the figures of the ops: docs/figures/*.png. All experiments: $(BUILD)/tools/actfn lab all"

# Everything: gcc -Werror build and tests, the install and the Debian packages, clang ASan+UBSan build and tests, and gcov
# line coverage of src/ (at least 95%).
test: test-release test-install test-deb test-python test-sanitize test-threads test-neon test-fuzz test-coverage

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-sanitize -DCMAKE_BUILD_TYPE=Debug -DACTFN_SANITIZE=ON >/dev/null
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	cd $(BUILD)-sanitize && ACTFN_SAMPLE_SCALE=0.25 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --output-on-failure -j $(JOBS)

# The concurrency tests under ThreadSanitizer: the pool, and the layer ops split over threads.
test-threads: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACTFN_SANITIZE_THREAD=ON >/dev/null
	cmake --build $(BUILD)-tsan -j $(JOBS) --target test_threads test_layers
	cd $(BUILD)-tsan && TSAN_OPTIONS=halt_on_error=1:die_after_fork=0 ctest --output-on-failure -R '^test_(threads|layers)$$'

# The NEON kernels: cross-compiled for AArch64 and checked against the reference under
# qemu-user (test_kernels: every op, length, offset, in place; test_quantized: the byte
# table lookup).
# One thread under qemu-user: pthread_create with the dynamic arm64 glibc hangs there (a
# two-line pthread program does too; linked statically it runs). x86 tests the pool.
test-neon: deps
	@scripts/install-deps.sh neon
	cmake -S . -B $(BUILD)-neon -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD)-neon -j $(JOBS) --target test_api test_kernels test_semantics \
	  test_quantized test_layers
	cd $(BUILD)-neon && ACTFN_TEST_QUICK=1 ACTFN_NUM_THREADS=1 ctest --output-on-failure \
	  -R '^test_(api|kernels|semantics|quantized|layers)$$'

# The libFuzzer harnesses (fuzz/): the command's readers, the element-wise API against
# the reference on every ISA, the layer ops' arguments; for FUZZ_SECONDS each by make
# fuzz, from a random seed (to explore); in make test, briefly and from seed 1, so that a
# red run is one anybody can repeat (a random seed made CI's verdict a draw: a finding
# minutes away by chance landed in its 10 s). Findings stop the run; new inputs stay in
# the build directory's corpus.
FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 0
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACTFN_FUZZ=ON \
	  -DACTFN_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD)-fuzz -j $(JOBS) --target fuzz_number fuzz_text fuzz_npy fuzz_api fuzz_layers
	scripts/fuzz.sh $(BUILD)-fuzz $(FUZZ_SECONDS) $(FUZZ_SEED)

test-fuzz:
	$(MAKE) fuzz FUZZ_SECONDS=10 FUZZ_SEED=1

# The Python package (python/actfn): actfn's ops as NumPy ufuncs, built in place with
# Debian's /usr/bin/python3, and its pytest suite (against NumPy, and torch if present).
PYTHON ?= /usr/bin/python3
python: deps
	@scripts/install-deps.sh python
	$(PYTHON) setup.py -q build_ext --inplace --build-temp $(BUILD)-python/temp

test-python: python
	cd python && $(PYTHON) -m pytest -q tests

test-coverage: deps
	CC=gcc CXX=g++ cmake -S . -B $(BUILD)-coverage -DCMAKE_BUILD_TYPE=Debug -DACTFN_COVERAGE=ON >/dev/null
	cmake --build $(BUILD)-coverage -j $(JOBS)
	find $(BUILD)-coverage -name '*.gcda' -delete
	cd $(BUILD)-coverage && ACTFN_SAMPLE_SCALE=0.25 ctest --output-on-failure -j $(JOBS)
	scripts/coverage.sh $(BUILD)-coverage 95

# actfn against memcpy, oneDNN, XNNPACK, NumPy and PyTorch: bench/RESULTS.md and
# bench/throughput.png. MAX_N=4194304 for a quicker run.
MAX_N ?= 67108864
bench: deps
	@scripts/install-deps.sh bench
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	bench/run.sh $(BUILD) $(MAX_N)

install: build
	cmake --install $(BUILD)

# Removes what make install installed (the list CMake kept in install_manifest.txt).
uninstall:
	@test -f $(BUILD)/install_manifest.txt || { echo "nothing installed from $(BUILD)"; exit 1; }
	xargs -d '\n' rm -f < $(BUILD)/install_manifest.txt
	rm -f $(BUILD)/install_manifest.txt

# The Debian packages libactfn0, libactfn-dev and actfn (scripts/make-deb.sh), from a
# Release build of their own, into $(BUILD)-deb/packages; install them with
# apt install ./$(BUILD)-deb/packages/*.deb
deb: deps
	scripts/make-deb.sh $(BUILD)-deb $(BUILD)-deb/packages

# The packages checked, installed with apt (as root), built against, and purged again.
test-deb: deb
	tests/deb_test.sh $(BUILD)-deb/packages

clean:
	rm -rf $(BUILD) $(BUILD)-deb $(BUILD)-sanitize $(BUILD)-tsan $(BUILD)-neon $(BUILD)-coverage $(BUILD)-fuzz \
	  $(BUILD)-python python/actfn/_actfn*.so

test-install: build
	tests/install_test.sh $(BUILD)
	tests/readme_blocks.sh $(BUILD)
