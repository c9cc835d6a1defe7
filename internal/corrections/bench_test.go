package corrections

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkIncrementalRunAfterAYear is what a sync run adds for its corrections after a year of
// use (8,760 known events, 100 tombstones): load, look up and update the growing event of the
// current month, save.
func BenchmarkIncrementalRunAfterAYear(b *testing.B) {
	path := filepath.Join(b.TempDir(), FileName)
	f, err := Load(path)
	require.NoError(b, err)
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 8760 {
		s := start.Add(time.Duration(i) * time.Hour)
		require.NoError(b, f.Know(fmt.Sprintf("%032x@awcal", i), Known{ProfileID: "coding", Start: s, End: s.Add(50 * time.Minute)}))
	}
	for i := range 100 {
		s := start.Add(time.Duration(i) * 80 * time.Hour)
		f.Tomb(Tombstone{UID: fmt.Sprintf("%032x@awcal", 10000+i), ProfileID: "coding", Start: s, End: s.Add(time.Hour), Reason: ReasonDeleted})
	}
	require.NoError(b, f.Save())
	last := start.Add(8759 * time.Hour)
	uid := fmt.Sprintf("%032x@awcal", 8759)
	grow := time.Minute
	for b.Loop() {
		g, err := Load(path)
		require.NoError(b, err)
		_, ok, err := g.Lookup(uid, last)
		require.NoError(b, err)
		require.True(b, ok)
		grow += time.Second
		require.NoError(b, g.Know(uid, Known{ProfileID: "coding", Start: last, End: last.Add(grow)}))
		require.NoError(b, g.Save())
	}
}
