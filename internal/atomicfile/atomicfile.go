// Package atomicfile replaces files so that a crash leaves either the old or the new content,
// never a mix: write a temp file in the same folder, fsync it, rename it over the target, fsync
// the folder (as syncthing's lib/osutil and tailscale's atomicfile do).
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// beforeRename is called between the temp file's fsync and the rename; tests use it to
// simulate a crash at that point.
var beforeRename = func(tmp string) error { return nil }

// WriteFile atomically replaces path with data. A new file gets perm; an existing file keeps its
// permission bits. The folder must exist.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return WriteFileIf(path, data, perm, nil)
}

// WriteFileIf is WriteFile for a caller that read path to compute data: unchanged, when not
// nil, is given what path holds (exists false when it is missing) once data is on disk, and
// path is replaced only when it accepts that; its error cancels the write (path is left as it
// is, the temp file removed) and is returned wrapped. So another program's write between the
// caller's read and the replace is not lost: the caller reads the file again.
//
// On Linux the replace is an atomic exchange (renameat2 RENAME_EXCHANGE) followed by a check of
// what was exchanged out, and an exchange back when that was not what unchanged accepted, so
// only a second outside write within those microseconds can still be lost. Elsewhere (or on a
// filesystem without the exchange) the check comes just before a plain rename, and an outside
// write landing between the two is lost. On Windows, while another program holds the file
// (RetryBlocked), the check and the rename are both done again once it lets go. A missing path
// is created with a hard link, which never replaces a file another program created meanwhile.
func WriteFileIf(path string, data []byte, perm fs.FileMode, unchanged func(current []byte, exists bool) error) (err error) {
	dir := filepath.Dir(path)
	if fi, statErr := os.Stat(path); statErr == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("writing %s: not a regular file", path)
		}
		perm = fi.Mode().Perm()
	} else if !errors.Is(statErr, fs.ErrNotExist) {
		return fmt.Errorf("writing %s: %w", path, statErr)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = beforeRename(tmp); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if unchanged == nil {
		err = replace(tmp, path)
	} else {
		err = replaceIf(tmp, path, unchanged)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = syncDir(dir); err != nil {
		return err
	}
	removeStaleTemps(dir, filepath.Base(path))
	return nil
}

// staleAfter is how old a leftover temp file must be before a later write removes it: old
// enough that no other writer can still be between its CreateTemp and its rename.
const staleAfter = 10 * time.Minute

// removeStaleTemps removes the temp files that writers killed between CreateTemp and rename
// left beside name (each a full copy of an older version), so that crashes do not pile them up.
// It is best effort: a file it cannot remove stays for the next write.
func removeStaleTemps(dir, name string) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+escapeGlob(name)+".tmp-*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > staleAfter {
			os.Remove(m)
		}
	}
}

// escapeGlob quotes the characters filepath.Match treats specially.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WriteNew atomically creates path with data and perm, failing with an error matching
// fs.ErrExist when path already exists (another process created it first): the content is
// written and synced under a temp name, then hard-linked into place, which never replaces.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	return syncDir(dir)
}
