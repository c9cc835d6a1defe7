package cli

import (
	"context"
	"fmt"
)

// runProfiles is being built; see the open issues.
func runProfiles(_ context.Context, env Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "awcal profiles: not built yet")
	return ExitFailure
}
