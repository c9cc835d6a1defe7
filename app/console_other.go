//go:build !windows

package main

// attachConsole does nothing here: programs keep the terminal that started them.
func attachConsole() {}
