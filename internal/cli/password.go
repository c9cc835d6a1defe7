package cli

import (
	"context"
	"fmt"
)

// runPassword is being built; see the open issues.
func runPassword(_ context.Context, env Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "awcal password: not built yet")
	return ExitFailure
}
