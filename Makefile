# Strata: every target installs what it needs on a fresh Debian machine.
#   make run      set up, build (release), profile and segment the bundled data in Data/ (K-Means, Ward, validation,
#                 RFM, cohorts and rule segments on events generated from the profiles), then the overnight pipeline
#                 of Data/segment.yaml (clean, dedup, validate, features, consent, segments, clusters, churn, report)
#   make test     set up, build, run the whole test suite
#   make compare  Strata against the reference tools, same data, same run (not part of CI)
#   make microbench  kernel microbenchmarks (ordo-one/benchmark; not part of CI)
#   make fuzz     libFuzzer over the Parquet, Arrow and CSV readers (FUZZ_SECONDS each; not part of CI)

SWIFT        ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev pkg-config libsnappy-dev zlib1g-dev libzstd-dev liblz4-dev
VENV         := .venv
PY           := $(VENV)/bin/python
DATA         := Data/customers.csv
STRATA       := .build/release/strata

.PHONY: setup build test run compare microbench fuzz fixtures venv data clean

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
	$(STRATA) generate --profiles $(DATA) --transactions out/transactions.parquet --events out/events.parquet --seed 42
	$(STRATA) rfm out/transactions.parquet --customer customer_id --date order_time --amount amount --bad-amounts drop \
	  --consent-profiles $(DATA) --consent email_opt_in --output out/rfm.parquet
	$(STRATA) cohorts out/transactions.parquet --customer customer_id --date order_time --amount amount --bad-amounts drop \
	  --output out/cohorts.csv --heatmap out/cohorts.svg
	$(STRATA) segments $(DATA) --rules Data/segments.yaml --events out/events.parquet --output out/rule-segments.parquet
	$(STRATA) segment --spec Data/segment.yaml
	@echo "outputs in out/ (validation report: out/validation.html, retention heatmap: out/cohorts.svg)"
	@echo "the overnight run's report: out/segment-run/report.html"

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

# Coverage-guided fuzzing of the readers (Fuzz/ is its own package). A clean build each time:
# an incremental sanitizer build here has been seen to drop the coverage instrumentation. Inputs
# that crash, hang or exhaust memory are copied into Tests/StrataIOTests/Fixtures/fuzz/<reader>/,
# which the test suite replays (FuzzRegressionTests).
FUZZ_SECONDS ?= 60
FIXTURE_FORMATS := Tests/StrataIOTests/Fixtures/formats
FUZZ_REGRESSIONS := Tests/StrataIOTests/Fixtures/fuzz
fuzz: setup
	rm -rf Fuzz/.build Fuzz/artifacts
	cd Fuzz && SWIFT_BACKTRACE=enable=no $(SWIFT) build -c debug --sanitize=fuzzer --sanitize=address
	mkdir -p Fuzz/corpus/parquet Fuzz/corpus/arrow Fuzz/corpus/csv Fuzz/artifacts
	cp $(FIXTURE_FORMATS)/*.parquet $(FUZZ_REGRESSIONS)/parquet/* Fuzz/corpus/parquet/ 2>/dev/null || true
	cp $(FIXTURE_FORMATS)/*.arrow* $(FIXTURE_FORMATS)/*.feather $(FUZZ_REGRESSIONS)/arrow/* Fuzz/corpus/arrow/ 2>/dev/null || true
	head -c 4000 $(DATA) > Fuzz/corpus/csv/customers.csv; cp $(FUZZ_REGRESSIONS)/csv/* Fuzz/corpus/csv/ 2>/dev/null || true
	status=0; for t in parquet arrow csv; do \
	  bin=$$(case $$t in parquet) echo FuzzParquet;; arrow) echo FuzzArrow;; csv) echo FuzzCSV;; esac); \
	  SWIFT_BACKTRACE=enable=no Fuzz/.build/debug/$$bin Fuzz/corpus/$$t -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=Fuzz/artifacts/$$t- -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1 || status=1; \
	  for f in Fuzz/artifacts/$$t-*; do [ -e "$$f" ] && cp "$$f" $(FUZZ_REGRESSIONS)/$$t/ && echo "new regression input: $$f"; done; \
	done; exit $$status

clean:
	rm -rf .build .build-* .build_*
