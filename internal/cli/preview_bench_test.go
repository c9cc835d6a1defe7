package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awcal/awcal/internal/fakedata"
)

// BenchmarkPreviewExport is "awcal preview --export" in process on generated heavy activity
// (seed 1, the five starter profiles): reading the file, the privacy defaults, the engine and
// the table. docs/PERFORMANCE.md compares the whole process with CPython's json.load.
func BenchmarkPreviewExport(b *testing.B) {
	for _, days := range []int{28, 90} {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) {
			var buf bytes.Buffer
			if err := fakedata.WriteExport(&buf, fakedata.Generate(fakedata.Options{Days: days, Seed: 1, Intensity: fakedata.Heavy})); err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(b.TempDir(), "export.json")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
			for b.Loop() {
				if code := Main(context.Background(), env, []string{"preview", "--export", path}); code != ExitOK {
					b.Fatalf("exit code %d", code)
				}
			}
		})
	}
}
