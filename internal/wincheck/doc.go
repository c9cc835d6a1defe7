// Package wincheck holds the cross-check of the Windows build: awcal.exe, run under Wine, must
// derive the same blocks and write the same calendar as this (Linux) build from the same
// activity, and its desktop app must open its window and show a working tray icon and menu
// (under Xvfb). It has no code of its own; "make windows-check" runs its tests with
// AWCAL_WINDOWS_EXE naming the exe.
package wincheck
