package ics

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/atomicfile"
	"github.com/awcal/awcal/internal/calendar"
)

// foreignEvent is a VEVENT another calendar app writes.
func foreignEvent(uid string) string {
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20250301T000000Z\r\nDTSTART:20250310T120000Z\r\n" +
		"DTEND:20250310T130000Z\r\nSUMMARY:Lunch with " + uid + "\r\nEND:VEVENT\r\n"
}

// appendForeign adds a foreign event to the file the way another program does: read it,
// insert the event, write it back (in place, or replaced through a temp file as Syncthing and
// most calendar apps do).
func appendForeign(t testing.TB, path, uid string, inPlace bool) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw = []byte(otherClientCalendar)
	} else {
		require.NoError(t, err)
	}
	i := strings.LastIndex(string(raw), "END:VCALENDAR")
	require.GreaterOrEqual(t, i, 0)
	out := string(raw[:i]) + foreignEvent(uid) + string(raw[i:])
	if inPlace {
		require.NoError(t, os.WriteFile(path, []byte(out), 0o600))
		return
	}
	tmp := path + ".other-app"
	require.NoError(t, os.WriteFile(tmp, []byte(out), 0o600))
	require.NoError(t, os.Rename(tmp, path))
}

// writeFileIfWithOutsideWrite is atomicfile.WriteFileIf with other, another program that may
// write (and then says so), called once per write at the last moment such a write can land: on
// Windows just before the write's check (awcal holds the file from that check to its rename
// there, so a later write waits), elsewhere in the check itself, which then sees it.
func writeFileIfWithOutsideWrite(path string, other func() (wrote bool)) func(string, []byte, fs.FileMode, func([]byte, bool) error) error {
	return func(p string, data []byte, perm fs.FileMode, unchanged func([]byte, bool) error) error {
		if runtime.GOOS == "windows" {
			other()
			return atomicfile.WriteFileIf(p, data, perm, unchanged)
		}
		first := true
		return atomicfile.WriteFileIf(p, data, perm, func(current []byte, exists bool) error {
			if first {
				first = false
				if other() {
					current, _ = os.ReadFile(path)
				}
			}
			return unchanged(current, exists)
		})
	}
}

// TestOutsideWriteDuringApplyIsKept is defect 2 of issue 13: another program wrote the file
// between awcal's read and its rename, and awcal's write dropped that edit. Here it writes at
// the last moment it can (writeFileIfWithOutsideWrite), after awcal planned its new file.
func TestOutsideWriteDuringApplyIsKept(t *testing.T) {
	for _, inPlace := range []bool{true, false} {
		t.Run(fmt.Sprintf("in place %v", inPlace), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cal.ics")
			appendForeign(t, path, "first@other", inPlace)
			s := openStore(t, path)
			ctx := context.Background()
			kept := newEvent("kept", 9)
			require.NoError(t, s.Apply(ctx, creates(kept)))

			writes := 0
			s.writeFile = writeFileIfWithOutsideWrite(path, func() bool {
				writes++
				if writes == 1 {
					appendForeign(t, path, "meanwhile@other", inPlace)
				}
				return writes == 1
			})
			added := newEvent("added", 10)
			require.NoError(t, s.Apply(ctx, creates(added)))
			assert.Equal(t, 2, writes, "the write noticed the change and was made again on the new file")

			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			for _, uid := range []string{"first@other", "meanwhile@other"} {
				_, ok := findEvent(string(raw), uid)
				assert.True(t, ok, "foreign event %s is lost", uid)
			}
			assert.Equal(t, []string{kept.UID, added.UID}, uidsOf(readAll(t, s)))
		})
	}
}

// TestFileThatKeepsChangingIsAConflict: a file that changes under every attempt is left to
// the next attempt of the caller, with nothing written.
func TestFileThatKeepsChangingIsAConflict(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	appendForeign(t, path, "first@other", false)
	s := openStore(t, path)
	n := 0
	s.writeFile = writeFileIfWithOutsideWrite(path, func() bool {
		n++
		appendForeign(t, path, fmt.Sprintf("edit%d@other", n), false)
		return true
	})
	err := s.Apply(context.Background(), creates(newEvent("never written", 9)))
	require.ErrorIs(t, err, calendar.ErrConflict)
	assert.Contains(t, err.Error(), "another program changed it")
	assert.Equal(t, maxRereads, n)
	assert.Empty(t, readAll(t, s))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, maxRereads+1, strings.Count(string(raw), "BEGIN:VEVENT"), "every outside edit is kept")
}

// TestSymlinkedCalendarIsWrittenThrough is defect 3 of issue 13: awcal replaced a symbolic link
// (dotfiles, a Syncthing folder) with a regular file, and the target never got its events.
func TestSymlinkedCalendarIsWrittenThrough(t *testing.T) {
	skipSymlinksOnWindows(t)
	synced := filepath.Join(t.TempDir(), "Sync")
	require.NoError(t, os.Mkdir(synced, 0o700))
	target := filepath.Join(synced, "work.ics")
	appendForeign(t, target, "first@other", false)
	link := filepath.Join(t.TempDir(), "activity.ics")
	require.NoError(t, os.Symlink(target, link))

	s := openStore(t, link)
	e := newEvent("through the link", 9)
	require.NoError(t, s.Apply(context.Background(), creates(e)))

	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&fs.ModeSymlink, "the link stays a link")
	raw, err := os.ReadFile(target)
	require.NoError(t, err)
	_, ok := findEvent(string(raw), e.UID)
	assert.True(t, ok, "the target holds awcal's event")
	_, ok = findEvent(string(raw), "first@other")
	assert.True(t, ok, "and its own")
	assert.Equal(t, []string{e.UID}, uidsOf(readAll(t, s)))
	assert.Equal(t, []string{e.UID}, uidsOf(readAll(t, openStore(t, target))), "the same calendar through either path")
}

// TestDanglingSymlinkIsRefused: a link whose target is missing is an error that says what to
// do, and the link is left alone.
func TestDanglingSymlinkIsRefused(t *testing.T) {
	skipSymlinksOnWindows(t)
	dir := t.TempDir()
	link := filepath.Join(dir, "activity.ics")
	gone := filepath.Join(dir, "unmounted", "work.ics")
	require.NoError(t, os.Symlink(gone, link))

	_, err := Open(link)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a symbolic link to "+gone+", which does not exist")
	assert.Contains(t, err.Error(), "create that file")

	// The target vanishes after the store was opened.
	target := filepath.Join(dir, "work.ics")
	require.NoError(t, os.WriteFile(target, []byte(otherClientCalendar), 0o600))
	link2 := filepath.Join(dir, "second.ics")
	require.NoError(t, os.Symlink(target, link2))
	s := openStore(t, link2)
	require.NoError(t, os.Remove(target))
	err = s.Apply(context.Background(), creates(newEvent("nowhere", 9)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "which does not exist")
	_, err = s.Owned(context.Background(), day, day.AddDate(0, 0, 1))
	require.Error(t, err, "a dangling link is not an empty calendar")
	fi, err := os.Lstat(link2)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&fs.ModeSymlink, "the link stays a link")
	_, err = os.Stat(target)
	assert.ErrorIs(t, err, fs.ErrNotExist, "nothing was created")
}

// TestReadOnlyCalendarIsRefused is defect 4 of issue 13: a 0444 calendar file in a writable
// folder was replaced anyway.
func TestReadOnlyCalendarIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	appendForeign(t, path, "first@other", false)
	require.NoError(t, os.Chmod(path, 0o444))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	s := openStore(t, path)
	err = s.Apply(context.Background(), creates(newEvent("refused", 9)))
	require.ErrorIs(t, err, fs.ErrPermission)
	assert.Contains(t, err.Error(), "calendar file "+path+" is read-only")
	assert.Contains(t, err.Error(), "make it writable")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o444), fi.Mode().Perm(), "the file keeps its mode")
}

// TestPermissionErrorsSayWhatToDo is defect 11 of issue 13 (calendar file, lock and temp file):
// the message names the file and the next step. The errors are injected, because the tests may
// run as root, which no permission stops.
func TestPermissionErrorsSayWhatToDo(t *testing.T) {
	denied := func(op, path string) error {
		return &fs.PathError{Op: op, Path: path, Err: syscall.EACCES}
	}
	t.Run("temp file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cal.ics")
		s := openStore(t, path)
		s.writeFile = func(p string, _ []byte, _ fs.FileMode, _ func([]byte, bool) error) error {
			return fmt.Errorf("writing %s: %w", p, denied("open", filepath.Join(filepath.Dir(p), ".cal.ics.tmp-1")))
		}
		err := s.Apply(context.Background(), creates(newEvent("x", 9)))
		require.ErrorIs(t, err, fs.ErrPermission)
		assert.Contains(t, err.Error(), "awcal writes a temporary copy there")
		assert.Contains(t, err.Error(), "check the permissions of "+filepath.Dir(path))
		assert.Contains(t, err.Error(), "or choose another calendar file")
	})
	t.Run("lock file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cal.ics")
		s := openStore(t, path)
		openFile = func(name string, flag int, perm fs.FileMode) (*os.File, error) {
			if strings.HasSuffix(name, ".lock") {
				return nil, denied("open", name)
			}
			return os.OpenFile(name, flag, perm)
		}
		t.Cleanup(func() { openFile = os.OpenFile })
		err := s.Apply(context.Background(), creates(newEvent("x", 9)))
		require.ErrorIs(t, err, fs.ErrPermission)
		assert.Contains(t, err.Error(), "no permission to use "+path+".lock")
		assert.Contains(t, err.Error(), "check the permissions of "+path+".lock and its folder, or choose another calendar file")
	})
	t.Run("calendar file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cal.ics")
		appendForeign(t, path, "first@other", false)
		s := openStore(t, path)
		openFile = func(name string, flag int, perm fs.FileMode) (*os.File, error) {
			if name == path {
				return nil, denied("open", name)
			}
			return os.OpenFile(name, flag, perm)
		}
		t.Cleanup(func() { openFile = os.OpenFile })
		err := s.Apply(context.Background(), creates(newEvent("x", 9)))
		require.ErrorIs(t, err, fs.ErrPermission)
		assert.Contains(t, err.Error(), "is read-only")
		assert.Contains(t, err.Error(), "choose another calendar file")
	})
}

// copyAsForeign appends a copy of owned event uid as another program would make it: the same
// UID, without awcal's marker.
func copyAsForeign(t *testing.T, path, uid string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	block, ok := findEvent(string(raw), uid)
	require.True(t, ok)
	var kept []string
	for _, line := range strings.SplitAfter(block, "\r\n") {
		if !strings.HasPrefix(line, calendar.MarkerProperty) {
			kept = append(kept, line)
		}
	}
	i := strings.LastIndex(string(raw), "END:VCALENDAR")
	require.NoError(t, os.WriteFile(path, []byte(string(raw[:i])+strings.Join(kept, "")+string(raw[i:])), 0o600))
}

// TestForeignCopyOfOwnedUIDIsNamed is defect 9 of issue 13 (the store's part): a foreign copy of
// an owned event made every later write fail with "event is not owned by awcal" and nothing
// else. The error names the UID and both places, and says what to do.
func TestForeignCopyOfOwnedUIDIsNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cal.ics")
	s := openStore(t, path)
	ctx := context.Background()
	e := newEvent("copied", 9)
	require.NoError(t, s.Apply(ctx, creates(e)))
	copyAsForeign(t, path, e.UID)

	owned := readAll(t, s)
	require.Len(t, owned, 1)
	grown := owned[0]
	grown.End = grown.End.Add(time.Hour)
	err := s.Apply(ctx, []calendar.Change{{Op: calendar.Update, Event: grown}})
	var dup *calendar.DuplicateUIDError
	require.ErrorAs(t, err, &dup)
	require.ErrorIs(t, err, calendar.ErrNotOwned)
	assert.Equal(t, e.UID, dup.UID)
	assert.Contains(t, err.Error(), path+", lines ")
	assert.Contains(t, err.Error(), "delete one of them")
}

// skipSymlinksOnWindows: symbolic links there need a privilege (or developer mode) that normal
// users and Wine do not give, so a calendar file behind one is a Unix case.
func skipSymlinksOnWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need a privilege on Windows")
	}
}
