package activitywatch

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
)

// TestEventListKeepsOrderAcrossChunksAndLists: lists of every length around the chunk size,
// one after another in one eventList, come out whole, in order, exactly as long, and never nil.
func TestEventListKeepsOrderAcrossChunksAndLists(t *testing.T) {
	var l eventList
	for _, n := range []int{0, 1, eventChunk - 1, eventChunk, eventChunk + 1, 3*eventChunk + 7, 2, 0} {
		l.reset()
		for i := range n {
			l.add(activity.Event{ID: int64(n*10_000 + i)})
		}
		got := l.take()
		require.NotNil(t, got)
		require.Len(t, got, n)
		assert.Equal(t, n, cap(got))
		for i, ev := range got {
			require.Equal(t, int64(n*10_000+i), ev.ID, "list of %d, event %d", n, i)
		}
	}
}
