# Strata: every target installs what it needs on a fresh Debian machine.
#   make run      set up, build (release), profile and segment the bundled data in Data/ (K-Means and Ward; results in out/)
#   make test     set up, build, run the whole test suite
#   make compare  Strata against the reference tools, same data, same run (not part of CI)
#   make microbench  kernel microbenchmarks (ordo-one/benchmark; not part of CI)

SWIFT        ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev pkg-config libsnappy-dev zlib1g-dev libzstd-dev liblz4-dev
VENV         := .venv
PY           := $(VENV)/bin/python
DATA         := Data/customers.csv
STRATA       := .build/release/strata

.PHONY: setup build test run compare microbench fixtures venv data clean

setup:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install Swift 6.2 or newer"; exit 1; }

build: setup
	$(SWIFT) build -c release --product strata

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

SEGMENT_COLUMNS := recency_days,frequency,monetary,sessions_30d,cart_adds_30d,support_tickets,discount_share

run: build
	@mkdir -p out
	$(STRATA) profile $(DATA)
	$(STRATA) kmeans $(DATA) --k 6 --columns $(SEGMENT_COLUMNS) --id customer_id --seed 42 \
	  --output out/segments.csv --model out/segments-model.json --truth segment
	$(STRATA) hcluster $(DATA) --linkage ward --k 6 --columns $(SEGMENT_COLUMNS) --id customer_id --missing median \
	  --output out/hclusters.csv --linkage-out out/linkage.csv --dendrogram out/dendrogram.svg
	$(STRATA) validate $(DATA) --rules Data/customers.rules.yaml --report out/validation.json --html out/validation.html \
	  --output out/clean.csv --quarantine out/quarantine.csv --fail-on never
	@echo "outputs in out/ (validation report: out/validation.html)"

# The bundled default data set (committed; regenerate only when the generator changes).
data: build
	$(STRATA) generate --rows 20000 --clusters 6 --seed 42 --output $(DATA)

$(VENV)/.stamp: scripts/requirements.txt
	@python3 -m venv --help >/dev/null 2>&1 || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq python3-venv; }
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r scripts/requirements.txt
	touch $@

venv: $(VENV)/.stamp

# Reference results the tests compare against (numpy, scikit-learn, scipy, pyarrow).
fixtures: venv
	$(PY) scripts/make_fixtures.py

compare: build venv
	$(PY) Benchmarks/compare.py --strata $(STRATA) $(if $(QUICK),--quick,)

# Kernel microbenchmarks (ordo-one/benchmark), in their own package under Benchmarks/Micro.
microbench: setup
	cd Benchmarks/Micro && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build .build-* .build_*
