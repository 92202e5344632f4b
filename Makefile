# bankgate: the two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
APT_PACKAGES = libxml2-dev libsqlite3-dev libssl-dev zlib1g-dev libcurl4-openssl-dev pkg-config sqlite3 libxml2-utils xmlsec1 softhsm2 libengine-pkcs11-openssl libpango1.0-dev libcairo2-dev fonts-wqy-zenhei poppler-utils libzip-dev unzip zip chromium python3 postgresql

.PHONY: deps build release demo test bench clean

## Installs the C libraries bankgate builds against (Debian packages), when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

## The binary to install on a server: optimized, with the Swift runtime and Foundation linked in, so the
## server needs only Debian's libxml2, OpenSSL, SQLite and zlib (and libcurl4 for HTTP banks, loaded
## when first used). Written to .build-static/release/bankgate.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-static --product bankgate

## Installs what is missing, builds, and starts the demo (API on 127.0.0.1:8080, simulated bank on :9101).
demo: build
	$(SWIFT) run bankgate serve --demo

## Installs what is missing, builds, and runs the whole test suite twice: on SQLite with the real
## clock; then on PostgreSQL (a throwaway server started here, Tests/Postgres/start-postgres.sh, every
## test store a schema of its own) with the wall clock moved to a leap day a minute before midnight
## (Tests/ClockShift); then every fuzz target under libFuzzer for FUZZ_SECONDS each (Fuzz/run.sh,
## its own build in .build-fuzz).
FUZZ_SECONDS ?= 15
PG_TEST_DIR ?= $(or $(TMPDIR),/tmp)/bankgate-test-postgres
PG_TEST_PORT ?= 55433
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing
	url=$$(bash Tests/Postgres/start-postgres.sh $(PG_TEST_DIR) $(PG_TEST_PORT)) && \
	  BANKGATE_TEST_POSTGRES=$$url SWIFT=$(SWIFT) bash Tests/ClockShift/run-shifted.sh; \
	  status=$$?; bash Tests/Postgres/start-postgres.sh --stop $(PG_TEST_DIR); exit $$status
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh

## Benchmarks (release build); figures go to docs/benchmarks.md. wrk (a Debian package) drives the
## intake-floor step; installed here, when missing, rather than in `deps` (tests do not need it).
bench: deps
	@dpkg -s wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk || \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }; }
	bash Benchmarks/run.sh

clean:
	rm -rf .build .build-fuzz var
