package testreal

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that notes how a test ended instead of ending it.
type recorder struct {
	testing.TB
	failed, skipped string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Fatalf(format string, a ...any) { r.failed = format }
func (r *recorder) Skip(args ...any)               { r.skipped = args[0].(string) }

func TestMissing(t *testing.T) {
	t.Setenv(Env, "")
	r := &recorder{TB: t}
	Missing(r, "%s is not installed", "radicale")
	assert.Equal(t, "radicale is not installed", r.skipped, "skips by default")
	assert.Empty(t, r.failed)

	t.Setenv(Env, "1")
	r = &recorder{TB: t}
	Missing(r, "%s is not installed", "radicale")
	assert.NotEmpty(t, r.failed, "fails when real components are required")
	assert.Empty(t, r.skipped)
	assert.True(t, Required())
}
