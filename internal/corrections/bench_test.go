package corrections

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkLoadAndSaveAYear is what a sync run adds for its corrections after a year of use:
// loading a file that knows 3,000 events and 100 tombstones, and saving it.
func BenchmarkLoadAndSaveAYear(b *testing.B) {
	path := filepath.Join(b.TempDir(), FileName)
	f := New()
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3000 {
		s := start.Add(time.Duration(i) * 3 * time.Hour)
		f.Known[fmt.Sprintf("%032x@awcal", i)] = Known{ProfileID: "coding", Start: s, End: s.Add(time.Hour)}
	}
	for i := range 100 {
		s := start.Add(time.Duration(i) * 80 * time.Hour)
		f.Tomb(Tombstone{UID: fmt.Sprintf("%032x@awcal", 10000+i), ProfileID: "coding", Start: s, End: s.Add(time.Hour), Reason: ReasonDeleted})
	}
	require.NoError(b, Save(path, f))
	for b.Loop() {
		g, err := Load(path)
		require.NoError(b, err)
		require.NoError(b, Save(path, g))
	}
}
