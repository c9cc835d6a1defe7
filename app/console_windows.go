package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentProcess is AttachConsole's "the console of the process that started me".
const attachParentProcess = ^uintptr(0) // (DWORD)-1

// attachConsole gives a command started from a terminal its output. awcal.exe is built as a
// GUI program, so that the tray app opens no console window; Windows then gives it no standard
// streams, and "awcal.exe sync" in cmd.exe or PowerShell would print nothing. Output that is
// redirected (a pipe, a file) already has its handles and is kept.
func attachConsole() {
	if h, err := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE); err == nil && h != 0 && h != windows.InvalidHandle {
		return
	}
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started from Explorer: there is no terminal to write to
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = f, f
	}
	if f, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
		os.Stdin = f
	}
}
