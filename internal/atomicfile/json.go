package atomicfile

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// WriteJSON atomically replaces path with v as indented JSON and a final newline: a private
// file (0600 when new) in a private folder (created 0700 when missing), for the program's own
// state files.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return WriteFile(path, append(data, '\n'), 0o600)
}
