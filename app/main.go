// Command awcal turns ActivityWatch activity into calendar blocks. Without arguments it starts
// the tray app; "awcal demo" starts it on generated activity; every other command is headless.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/awcal/awcal/internal/cli"
	"github.com/awcal/awcal/internal/gcstart"
)

// headlessFirstHeap is the heap a headless command may build before its first garbage
// collection: what a two-week server-mode preview builds in all (docs/PERFORMANCE.md).
const headlessFirstHeap = 32 << 20

func main() {
	attachConsole()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	args := os.Args[1:]
	if len(args) > 0 && cli.Has(args[0]) || len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		gcstart.Delay(headlessFirstHeap, os.Getenv)
		os.Exit(cli.Main(ctx, env, args))
	}
	os.Exit(runGUI(ctx, env, args))
}
