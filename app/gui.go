package main

import (
	"context"
	"fmt"

	"github.com/awcal/awcal/internal/cli"
)

// runGUI starts the tray app (being built; see the open issues).
func runGUI(_ context.Context, env cli.Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "awcal: the tray app is not built yet; try 'awcal help'")
	return cli.ExitFailure
}
