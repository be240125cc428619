# intercom-etl: the commands a developer and CI use. `make test` is the test command CI runs.
SWIFT ?= swift
BIN_DIR = .build/debug
RELEASE_BIN_DIR = .build/release
SAMPLES = samples/hubspot-contacts.csv samples/salesforce-contacts.csv samples/mailchimp-members.csv.gz \
	samples/contacts.ndjson

.PHONY: build test demo fuzz fuzz-sandbox check-singer bench bench-io bench-sandbox bench-import bench-export fmt lint release clean

build:
	$(SWIFT) build

## test: build everything (warnings are errors) and run every test.
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## demo: inspect every sample file, then start the sandbox, talk to it, import every sample (twice: the second
## run writes nothing), print the summaries, and stop the sandbox.
demo: build
	@for f in $(SAMPLES); do \
		echo "== intercom-etl inspect $$f"; \
		$(BIN_DIR)/intercom-etl inspect $$f; \
		code=$$?; \
		if [ $$code -ne 0 ] && [ $$code -ne 1 ]; then exit $$code; fi; \
		echo; \
	done
	@python3 scripts/demo_sandbox.py $(BIN_DIR)/intercom-etl

## fuzz-sandbox: start the sandbox and fuzz it with schemathesis against Intercom's OpenAPI description (2.16): no
## 5xx, no crash, documented statuses, content types and schemas; about a minute, bounded to ~4. Needs
## `pip install schemathesis==4.32.5` (.ci/run does it); the description's errata are listed in the script.
fuzz-sandbox: build
	python3 scripts/fuzz_sandbox.py $(BIN_DIR)/intercom-etl

## check-singer: Singer's tap-intercom (PyPI), its base URL pointed at the sandbox, passes its token check (GET /tags)
## and reads contacts, tags and companies back. Needs a Python with tap-intercom: SINGER_PYTHON (.ci/run makes one).
SINGER_PYTHON ?= python3
check-singer: build
	$(SINGER_PYTHON) scripts/singer_tap_check.py $(BIN_DIR)/intercom-etl

## fuzz: coverage-guided fuzzing (libFuzzer) of the readers: csv, ndjson, text (detection: gzip, encodings, file
## signatures), zip and xlsx, each for FUZZ_SECONDS from its seeds in fuzz/corpus/TARGET; a crash, a hang or a memory
## blow-up fails, and the input that did it is left in fuzz-findings/. Built in .build-fuzz with lld (gold cannot
## link libFuzzer's driver under SwiftPM's entry point). Replay an input: swift run contactio-fuzz TARGET FILE.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= csv ndjson text zip xlsx
FUZZ_BIN = .build-fuzz/release/contactio-fuzz
fuzz:
	@mkdir -p .build-fuzz
	@printf '{"schemaVersion": "1.0", "linker": {"path": "%s"}}\n' \
		"$$(dirname "$$(readlink -f "$$(command -v swiftc)")")/ld.lld" > .build-fuzz/toolset.json
	$(SWIFT) build -c release --product contactio-fuzz --scratch-path .build-fuzz --toolset .build-fuzz/toolset.json \
		-Xswiftc -sanitize=fuzzer -Xswiftc -D -Xswiftc FUZZING
	@mkdir -p fuzz-findings
	@for target in $(FUZZ_TARGETS); do \
		work=$$(mktemp -d); \
		echo "== fuzz $$target for $(FUZZ_SECONDS) s"; \
		SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$$target $(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=20 \
			-max_len=65536 -print_final_stats=1 -artifact_prefix=fuzz-findings/$$target- \
			$$work fuzz/corpus/$$target > $$work.log 2>&1; \
		status=$$?; grep -E "^(Done|==[0-9]+==|SUMMARY)|ERROR|deadly" $$work.log; rm -rf $$work $$work.log; \
		if [ $$status -ne 0 ]; then echo "fuzz $$target failed (exit $$status): see fuzz-findings/"; exit 1; fi; \
	done

## bench: every benchmark, release build, results in benchmarks/RESULTS.md.
bench: bench-io bench-sandbox bench-import bench-export

bench-io:
	python3 benchmarks/run_io.py --write-results

bench-sandbox:
	python3 benchmarks/run_sandbox.py --write-results

bench-import:
	python3 benchmarks/run_import.py --write-results

bench-export:
	python3 benchmarks/run_export.py --write-results

## fmt: format the sources in place; lint: fail if formatting would change anything, or if a function of the
## import is longer than 60 lines or one of its stage files 200 lines or more (issue #19).
fmt:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests benchmarks/ContactIOBench fuzz/ContactIOFuzz Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests benchmarks/ContactIOBench fuzz/ContactIOFuzz Package.swift
	python3 scripts/long_functions.py 60 Sources/ContactSync/Import
	@for f in Sources/ContactSync/Import/ImportRun.swift Sources/ContactSync/Import/ImportWorker*.swift \
		Sources/ETLCommands/Import.swift; do \
		n=$$(wc -l < $$f); [ $$n -lt 200 ] || { echo "$$f: $$n lines; the import's stages stay under 200"; exit 1; }; \
	done

release:
	$(SWIFT) build -c release --product intercom-etl
	@echo "built $(RELEASE_BIN_DIR)/intercom-etl"

clean:
	rm -rf .build
