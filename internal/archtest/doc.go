// Package archtest holds no code: its tests check the rules of awcal's architecture
// (README.md, "Code layout") that the compiler does not enforce.
//
//   - Only internal/ui (and app, assets, outside internal/) may import fyne.io/...: every other
//     internal package builds without cgo and without a display.
//   - engine and profile depend on nothing but the standard library and internal/activity (and
//     engine on profile), do no I/O, read no clock and start no goroutines, except through the
//     engine's inParallel (engine/parallel.go), which waits for the one it starts.
//   - Every internal package but internal/ui builds with CGO_ENABLED=0.
//   - Only internal/pipeline builds the pipeline's parts (activitywatch.New, privacy.New,
//     engine.New, ics.Open, caldav.Open and caldav.Discover); every entry point asks it.
//   - Dependencies point one way: the model (activity, profile) at the bottom, engine and
//     privacy on it, then activitywatch, awimport and config; each of these imports only the
//     packages listed for it in layers (directions_test.go).
//
// It runs the go command (go list, go build) from the module root, and is skipped only where
// no go binary exists (failing instead when AWCAL_REQUIRE_REAL=1).
package archtest
