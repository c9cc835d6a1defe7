package cli

import (
	"context"
	"fmt"
)

// runBuckets is being built; see the open issues.
func runBuckets(_ context.Context, env Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "awcal buckets: not built yet")
	return ExitFailure
}
