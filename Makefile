# make conformance  — the main job: every committed fixture, every live peer, reports in Reports/
# make test         — swift test plus the live peer direction (what CI runs)
# make fixtures     — regenerate Vectors/ from the pinned peers (changes committed files)
# make bench        — the read benchmarks (release build; figures in the README)
SWIFT ?= swift
BIN := .build/debug/zarr-conformance

.PHONY: setup build test conformance fixtures bench clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

test: build
	$(SWIFT) test --disable-swift-testing
	python3 Vectors/hostile/run.py $(BIN)
	$(BIN) run --output .work/test-reports --work .work/test-run --fail-on mismatch

conformance: build
	$(BIN) run --output Reports --work .work/run --fail-on mismatch
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
	.venv-peers-v2/bin/python Vectors/generators/zfp.py
	.venv-peers/bin/python Vectors/generators/zfp.py
	python3 Vectors/generators/corruptions.py
	python3 Vectors/generators/requirements.py ../shared/spec-checklist.md

bench: setup
	bash scripts/benchmark-read.sh
	bash scripts/benchmark-gzip.sh

clean:
	rm -rf .build .work
