# make conformance  — the main job: every committed fixture, every live peer, reports in Reports/
# make test         — swift test plus the live peer direction (what CI runs)
# make fixtures     — regenerate Vectors/ from the pinned peers (changes committed files)
# make bench        — ours against the peers on the same data (release build; Reports/benchmarks.*)
SWIFT ?= swift
BIN := .build/debug/zarr-conformance

# make install PREFIX=… — a release build installed as PREFIX/bin/zarr-conformance
# make dist         — a release binary that runs without a Swift toolchain, with its checksum
# make test-asan    — the test suite under AddressSanitizer
# make fuzz         — every libFuzzer target for FUZZ_SECONDS (default 60) each
# make docs         — the DocC catalog of ZarrCore (an archive under .build-docc/)
PREFIX ?= /usr/local
CONFIGURATION ?= release

.PHONY: setup build test conformance fixtures bench clean install install-files dist test-asan fuzz docs

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

test: build
	$(SWIFT) test --disable-swift-testing
	python3 Vectors/hostile/run.py $(BIN)
	.venv-dask/bin/python -m pytest -q python/tests
	$(BIN) run --output .work/test-reports --work .work/test-run --fail-on mismatch

conformance: build
	$(BIN) run --output Reports --work .work/run --fail-on mismatch --store-kinds zip,http,s3
	@chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1000 \
	  --screenshot=$(CURDIR)/Reports/matrix.png file://$(CURDIR)/Reports/conformance.html >/dev/null 2>&1 || true

fixtures: setup
	.venv-peers-v2/bin/python Vectors/generators/zarr_python_2.py
	.venv-peers/bin/python Vectors/generators/zarr_python_3.py
	.venv-peers/bin/python Vectors/generators/tensorstore_v3.py
	.venv-peers/bin/python Vectors/generators/z5py_v3.py
	.venv-peers/bin/python Vectors/generators/n5.py
	.venv-peers-v2/bin/python Vectors/generators/n5.py
	.venv-peers/bin/python Vectors/generators/v2_peers.py
	.venv-peers-v2/bin/python Vectors/generators/interop.py
	.venv-peers/bin/python Vectors/generators/interop.py
	.venv-peers-v2/bin/python Vectors/generators/zfp.py
	.venv-peers/bin/python Vectors/generators/zfp.py
	.venv-peers-v2/bin/python Vectors/generators/spec_cases.py
	.venv-peers/bin/python Vectors/generators/spec_cases.py
	/usr/bin/python3 Vectors/generators/zarr_python_2_13.py
	/usr/bin/python3 Vectors/generators/gdal_zarr.py
	/usr/bin/python3 Vectors/generators/netcdf_c.py
	.venv-peers-py312/bin/python Vectors/generators/zarr_python_3_4.py
	.venv-peers-py312/bin/python Vectors/generators/zarrita_writer.py
	.venv-peers-py312/bin/python Vectors/generators/xarray_writer.py
	.venv-peers-py312/bin/python Vectors/generators/ome_zarr_writer.py
	python3 Vectors/generators/corruptions.py
	python3 Vectors/generators/requirements.py ../shared/spec-checklist.md

install: setup
	$(SWIFT) build -c $(CONFIGURATION) --product zarr-conformance
	$(MAKE) install-files

# Copies an already built binary (CONFIGURATION=debug installs the debug build).
install-files:
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/$(CONFIGURATION)/zarr-conformance $(DESTDIR)$(PREFIX)/bin/zarr-conformance

dist: setup
	bash scripts/dist.sh

# Leak checking is off: Swift's process-lifetime globals read as leaks. The toolchain's own
# symbolizer is used (Debian's may hang on Swift binaries).
test-asan: setup
	ASAN_OPTIONS=detect_leaks=0 ASAN_SYMBOLIZER_PATH=$$(dirname $$(readlink -f $$(which swift)))/llvm-symbolizer 	  $(SWIFT) test --disable-swift-testing --sanitize=address --scratch-path .build-asan

fuzz: setup
	bash scripts/fuzz.sh

docs: setup
	$(SWIFT) package --scratch-path .build-docc generate-documentation --target ZarrCore

# Every implementation on the same data (bench/run.py): Reports/benchmarks.md, .json and .png.
# BENCH_SKIP_BUILD=1 uses the release binary as it is; BENCH_ARGS="--quick" takes 2 runs per figure.
bench: setup
	@if [ -z "$(BENCH_SKIP_BUILD)" ]; then $(SWIFT) build -c release --product zarr-conformance; fi
	python3 bench/run.py $(BENCH_ARGS)

clean:
	rm -rf .build .build-dist .build-asan .build-fuzz .build-docc .work dist
