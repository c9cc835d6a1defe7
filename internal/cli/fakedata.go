package cli

import (
	"context"
	"fmt"
)

// runFakedata is being built; see the open issues.
func runFakedata(_ context.Context, env Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "awcal fakedata: not built yet")
	return ExitFailure
}
