package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Version is set at build time with -ldflags "-X github.com/awcal/awcal/internal/cli.Version=…".
var Version = "dev"

// VersionString is the version with the VCS revision when the build recorded one.
func VersionString() string {
	v := Version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

func runVersion(_ context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "version", "")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintln(env.Stdout, "awcal", VersionString())
	return ExitOK
}
