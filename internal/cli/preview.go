package cli

import (
	"context"
	"fmt"
)

// runPreview is being built; see the open issues.
func runPreview(_ context.Context, env Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "awcal preview: not built yet")
	return ExitFailure
}
