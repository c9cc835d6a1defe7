package review

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
)

func at(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }

func proposal(uid string, h int) calendar.Event {
	return calendar.Event{UID: uid, ProfileID: "coding", Title: "Code", Start: at(h), End: at(h + 1), Category: "Work",
		Color: "#4c8bf5", Description: "code: 1 h 00 min"}
}

var (
	uidA = "0123456789abcdef0123456789abcdef@awcal"
	uidB = "fedcba9876543210fedcba9876543210@awcal"
)

func TestProposalsFollowChangesAndPersist(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cfg", FileName)
	f, err := Load(path)
	require.NoError(t, err)
	require.NoError(t, f.Apply(ctx, []calendar.Change{{Op: calendar.Create, Event: proposal(uidA, 9)}, {Op: calendar.Create, Event: proposal(uidB, 11)}}))
	got, err := f.Owned(ctx, at(0), at(23))
	require.NoError(t, err)
	require.Len(t, got, 2)

	grown := got[0]
	grown.End = at(10).Add(30 * time.Minute)
	require.NoError(t, f.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: grown}}))
	err = f.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: got[0]}})
	require.ErrorIs(t, err, calendar.ErrConflict, "a stale version")
	err = f.Apply(ctx, []calendar.Change{{Op: calendar.Create, Event: proposal(uidB, 14)}})
	require.ErrorIs(t, err, calendar.ErrConflict, "a pending UID")

	again, err := Load(path)
	require.NoError(t, err)
	reread := again.Pending(time.Time{}, time.Time{})
	require.Len(t, reread, 2)
	assert.Equal(t, at(10).Add(30*time.Minute), reread[0].End, "the update was saved")
	assert.Equal(t, uidA, reread[0].UID, "under the same UID")

	require.NoError(t, again.Remove(uidA))
	last, err := Load(path)
	require.NoError(t, err)
	assert.Len(t, last.Pending(time.Time{}, time.Time{}), 1)
	info, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" { // no Unix permission bits there
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"not JSON", "{", "is corrupt"},
		{"unknown key", `{"version":1,"proposals":[],"x":1}`, "is corrupt"},
		{"no version", `{"proposals":[]}`, "no format version"},
		{"newer version", `{"version":2,"proposals":[]}`, "upgrade awcal"},
		{"a proposal that is not awcal's", `{"version":1,"proposals":[{"uid":"x","profile":"p","title":"t","start":"2026-03-02T09:00:00Z","end":"2026-03-02T10:00:00Z","rev":1}]}`, "proposal 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o600))
			_, err := Load(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), path)
			data, _ := os.ReadFile(path)
			assert.Equal(t, tc.content, string(data))
		})
	}
}
