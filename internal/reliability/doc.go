// Package reliability holds awcal's end-to-end resilience, security and privacy tests (issues
// #7 and #8); it has no code of its own. The tests build the real awcal binary once and run
// `awcal sync` and `awcal preview` as subprocesses in a throw-away HOME, against the in-process
// fake aw-server (awtest) and an .ics file or a CalDAV server (go-webdav in-process, or a real
// Radicale), and check SYNC.md §5's promises from the outside:
//
//   - crash loop: SIGKILL at seeded random moments over a simulated day converges to the
//     calendar of an uninterrupted run, with foreign events byte-identical and the state file
//     valid;
//   - fault injection: aw-server and CalDAV failures (statuses, hangs, dropped connections,
//     bad JSON) end the run with an error that says what to do, leave lastSyncTime where it
//     was, and the next run repairs everything; the scheduler backs off;
//   - secrets: the CalDAV password from the OS keyring appears in no file awcal wrote and in
//     none of its output; private files are 0600; TLS verification cannot be turned off;
//   - scale: long backfills of heavy activity keep peak memory bounded, and tens of
//     thousands of foreign events stay intact;
//   - privacy: incognito tabs and the values of drop and redact rules never reach any byte
//     awcal writes, while redacted values still classify activity.
//
// `go test` runs short versions; AWCAL_STRESS=1 (make stress) runs the long ones.
// docs/RELIABILITY.md records the figures and the commands that reproduce them.
package reliability
