# awcal — see README.md. `make help` lists the targets.
GO       ?= go
BIN      := bin/awcal
PKGS     := ./...
# Core packages: everything but the Fyne UI and the main package; they build without cgo.
CORE     := $(shell $(GO) list ./internal/... 2>/dev/null | grep -v '/internal/ui')
FUZZTIME ?= 10s
# The version comes from FyneApp.toml, the one place it is written; builds stamp it into the binary.
VERSION  := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS  := -X github.com/awcal/awcal/internal/cli.Version=$(VERSION)

.PHONY: help run test test-core test-windows windows-check check-darwin bench lint build package deb windows demo deps deps-test stress fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

deps: ## install Fyne's C dependencies when missing (apt-get, through sudo when not root)
	@.ci/deps build

deps-test: ## install the build deps and the real servers the tests use (Xvfb, gnome-keyring, Radicale)
	@.ci/deps test

run: deps ## start the tray app on its embedded defaults
	$(GO) run ./app

demo: deps ## start the tray app on generated activity and a throw-away calendar
	$(GO) run ./app demo

build: deps ## build bin/awcal
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./app

package: build ## build dist/awcal.tar.xz (binary, .desktop file, icon) with Fyne's packager
	mkdir -p dist
	@# fyne package bumps Build in FyneApp.toml and reformats it: keep the committed file as it is.
	cp FyneApp.toml bin/FyneApp.toml.orig
	$(GO) run fyne.io/fyne/v2/cmd/fyne@v2.8.1 package -os linux -executable $(BIN) -release; \
	  rc=$$?; mv bin/FyneApp.toml.orig FyneApp.toml; exit $$rc
	mv awcal.tar.xz dist/

windows: ## cross-build dist/awcal-windows-amd64.zip (awcal.exe with its icon) with mingw-w64 and Fyne's packager
	@.ci/deps windows
	GOBIN=$(CURDIR)/bin $(GO) install fyne.io/fyne/v2/cmd/fyne@v2.8.1
	@# The packager reads FyneApp.toml from the source folder, writes the icon resource there
	@# and bumps Build in the file: give it a copy. It builds twice when the exe is missing and
	@# drops GOFLAGS' -ldflags (the version) after the first build; an empty placeholder makes
	@# its one build the one that embeds the icon, with the version.
	cp FyneApp.toml app/FyneApp.toml
	: > app/awcal.exe
	cd app && CC=x86_64-w64-mingw32-gcc GOFLAGS="-ldflags=-X=github.com/awcal/awcal/internal/cli.Version=$(VERSION)" \
	  ../bin/fyne package -os windows -executable awcal.exe -icon $(CURDIR)/assets/app.png -release; \
	  rc=$$?; rm -f FyneApp.toml; exit $$rc
	mkdir -p dist/windows
	mv app/awcal.exe dist/windows/awcal.exe
	cp LICENSE dist/windows/LICENSE.txt
	rm -f dist/awcal-windows-amd64.zip
	cd dist/windows && zip -q ../awcal-windows-amd64.zip awcal.exe LICENSE.txt

windows-check: windows ## run dist's awcal.exe under Wine: version, preview --export and sync must match this build; the app's window opens and its tray menu works (Xvfb)
	@.ci/deps test windows
	@# The Wine session starts on an Xvfb display, where the app's window and tray tests draw and click.
	WINEPREFIX=$(CURDIR)/bin/wine xvfb-run -a -s '-screen 0 1280x800x24' .ci/wine/with-server env AWCAL_WINDOWS_EXE=$(CURDIR)/dist/windows/awcal.exe \
	  AWCAL_WINE_EXEC=$(CURDIR)/.ci/wine/exec AWCAL_VERSION=$(VERSION) WINEPREFIX=$(CURDIR)/bin/wine AWCAL_REQUIRE_REAL=1 \
	  $(GO) test -count=1 -v -run '^(TestWindowsBuildMatchesLinux|TestWindowsAppOpensItsWindow|TestWindowsTrayMenu)$$' ./internal/wincheck/

check-darwin: ## the core packages (and their tests) build for macOS without cgo
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet $(CORE)

deb: build ## build dist/awcal_VERSION_amd64.deb (binary, .desktop, icons, metainfo, systemd user unit, licenses)
	@.ci/deps package
	packaging/deb/build $(BIN) $(VERSION) dist

test: deps-test ## run every test: core (also with CGO_ENABLED=0), UI, keyring, Radicale, GUI smoke; the reading path under the race detector
	CGO_ENABLED=0 $(GO) build $(CORE)
	AWCAL_REQUIRE_REAL=1 .ci/with-keyring $(GO) test -count=1 -timeout 40m $(PKGS)
	@# The race detector on the paths where goroutines share fetched activity: buckets read
	@# concurrently, answers decoded as they arrive, an export handing its events over; and the
	@# engine's sweep beside Phase 1, and its block phase split between two workers.
	$(GO) test -race -count=1 ./internal/pipeline/ ./internal/activitywatch/ ./internal/privacy/
	$(GO) test -race -count=1 -run 'Preview|Export|Fetch|ReadActivity' ./internal/cli/ ./internal/syncer/
	$(GO) test -race -count=1 -run 'TestBlocksSplit|TestSweepBeside|TestStarters' ./internal/engine/

# The core packages' tests under Wine, each package whole: all but reliability (it builds the
# Linux app with cgo and drives it with SIGKILL, flock and Radicale; make windows-check runs
# awcal.exe under Wine instead), benchtable (a Unix tool) and wincheck (it drives the Windows
# build from Linux: make windows-check). syncer's convergence replays make it the longest, a
# few minutes under Wine. .ci/wine/ prepares the prefix and Go's RemoveAll. The concurrency
# loop's outside-writer rounds count and log a lost foreign event there instead of failing:
# Windows has no atomic exchange, and a write landing between awcal releasing the file it
# checked and its rename is lost (docs/RELIABILITY.md).
WINE_PKGS := $(filter-out %/internal/reliability %/internal/wincheck %/internal/benchtable,$(CORE))
WINE_TEST := GOOS=windows GOARCH=amd64 CGO_ENABLED=0 WINEPREFIX=$(CURDIR)/bin/wine $(GO) test -count=1 -timeout 20m \
	-overlay $$(.ci/wine/overlay $(CURDIR)/bin/wine-overlay) -exec $(CURDIR)/.ci/wine/exec

test-windows: ## run the core packages' tests as Windows binaries under Wine
	@.ci/deps windows
	WINEPREFIX=$(CURDIR)/bin/wine .ci/wine/with-server env $(WINE_TEST) $(WINE_PKGS)

test-core: ## quick loop: the core packages only, no cgo, no real servers required
	CGO_ENABLED=0 $(GO) test $(CORE)

bench: deps ## measure the performance targets and print each beside its floor (docs/PERFORMANCE.md; a few minutes)
	$(GO) run ./internal/benchtable | tee bench.out

fuzz: ## run every fuzz target for FUZZTIME each (default 10s)
	@for pkg in $(CORE); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

stress: deps-test ## the long reliability runs (crash loops, faults, a year's backfill) and each fuzz target for 60 s (docs/RELIABILITY.md)
	AWCAL_STRESS=1 AWCAL_REQUIRE_REAL=1 .ci/with-keyring $(GO) test -count=1 -timeout 6h -v ./internal/reliability/
	@# Issue 13: two runs and outside writers meeting (200 interleavings of each kind), then the
	@# deterministic race tests of defects 1 and 2 in loops.
	AWCAL_STRESS=1 $(GO) test -count=1 -timeout 1h -v -run '^TestConcurrencyLoop$$' ./internal/syncer/
	@# Every quiescent point saved on 400 generated days, synced at random times with caps from
	@# 15 minutes to 6 hours, is one of the whole day (SYNC.md §2.3).
	AWCAL_STRESS=1 $(GO) test -count=1 -timeout 1h -v -run '^TestSavedQuiescentPointsAreQuiescent$$' ./internal/syncer/
	$(GO) test -count=100 -timeout 1h -run 'NeverDuplicate|^TestKilledBackfillIsReported$$' ./internal/syncer/
	$(GO) test -count=300 -timeout 1h -run '^(TestOutsideWriteDuringApplyIsKept|TestFileThatKeepsChangingIsAConflict|TestLockNamesHolderAlways)$$' ./internal/calendar/ics/
	$(GO) test -count=300 -timeout 1h -run '^TestWriteFileIfKeepsAnOutsideWrite$$' ./internal/atomicfile/
	$(MAKE) fuzz FUZZTIME=60s

lint: deps ## go vet and staticcheck (pinned as a tool in go.mod) on every package; CI runs it
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

clean: ## remove build output
	rm -rf bin dist bench.out awcal.tar.xz
