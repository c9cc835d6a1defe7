package cli

import (
	"context"
	"fmt"
)

// runSync is being built; see the open issues.
func runSync(_ context.Context, env Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "awcal sync: not built yet")
	return ExitFailure
}
