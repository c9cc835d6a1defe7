package ui

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoFyneApp keeps fyne.io/fyne/v2/app (and with it the cgo GL driver) out of internal/ui
// and its packages, tests included: package main creates the app, so every UI test runs
// headless on Fyne's test driver.
func TestNoFyneApp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test", "./...").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)
	for _, dep := range strings.Fields(string(out)) {
		assert.False(t, dep == "fyne.io/fyne/v2/app" || strings.HasPrefix(dep, "fyne.io/fyne/v2/internal/driver/glfw"),
			"internal/ui depends on %s: create the app in package main instead", dep)
	}
}
