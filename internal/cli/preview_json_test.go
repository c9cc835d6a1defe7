package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/engine"
)

// encodingJSON is what the --json output was before appendPreviewJSON: encoding/json's.
func encodingJSON(t testing.TB, out previewJSON) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(out))
	return buf.Bytes()
}

// oddStrings are strings encoding/json escapes, or may: quotes, controls, HTML, non-ASCII,
// invalid UTF-8, U+2028.
var oddStrings = []string{"", "Coding", `say "hi"`, `back\slash`, "tab\there", "nl\n", "\x00\x1f\x7f",
	"<script>&</script>", "Café — naïve 東京", "bad \xff\xfe utf8", "line\u2028sep\u2029", "emoji 🙂"}

// oddFloats are durations in seconds, and the floats encoding/json writes in exponent form.
var oddFloats = []float64{0, math.Copysign(0, -1), 1, 0.5, 1234.567891, 3600, 1e-7, 1e-6, 9.99e20, 1e21, 1.5e300, -2.5, 1.0 / 3}

func TestPreviewJSONIsEncodingJSONs(t *testing.T) {
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	cases := map[string]previewJSON{
		"no blocks": {From: from, To: from.Add(time.Hour), Blocks: []previewBlockJSON{}},
		"a block without evidence, malformed events": {From: from, To: from.Add(24 * time.Hour),
			Blocks:      []previewBlockJSON{{Profile: "p", Title: "T", Start: from, End: from.Add(time.Minute), Evidence: []previewEvidenceJSON{}}},
			Diagnostics: engine.Diagnostics{Malformed: map[string]int{"b<2>": 2, "a": 1}, Events: 3, Slices: 4, Candidates: 5}},
		"local times with nanoseconds": {From: from.In(time.FixedZone("X", 5400)).Add(123456789), To: from.Add(48 * time.Hour).In(time.FixedZone("Y", -7200)),
			Blocks: []previewBlockJSON{}},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 20 {
		out := previewJSON{From: from, To: from.Add(24 * time.Hour), Blocks: []previewBlockJSON{},
			Diagnostics: engine.Diagnostics{Events: r.IntN(1000), Slices: r.IntN(100), Candidates: r.IntN(10)}}
		for range r.IntN(6) {
			b := previewBlockJSON{Profile: oddStrings[r.IntN(len(oddStrings))], Title: oddStrings[r.IntN(len(oddStrings))],
				Start: from.Add(time.Duration(r.Int64N(int64(24 * time.Hour)))), Category: oddStrings[r.IntN(len(oddStrings))],
				Evidence: []previewEvidenceJSON{}}
			b.End = b.Start.Add(time.Duration(r.Int64N(int64(time.Hour))))
			for range r.IntN(4) {
				b.Evidence = append(b.Evidence, previewEvidenceJSON{Kind: oddStrings[r.IntN(len(oddStrings))],
					Label: oddStrings[r.IntN(len(oddStrings))], Seconds: oddFloats[r.IntN(len(oddFloats))]})
			}
			out.Blocks = append(out.Blocks, b)
		}
		cases["generated "+string(rune('a'+n))] = out
	}
	for name, out := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := appendPreviewJSON(nil, out)
			require.NoError(t, err)
			assert.Equal(t, string(encodingJSON(t, out)), string(got))
		})
	}
}

func TestPreviewJSONRefusesWhatEncodingJSONRefuses(t *testing.T) {
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	nan := previewJSON{From: from, To: from, Blocks: []previewBlockJSON{{Evidence: []previewEvidenceJSON{{Seconds: math.NaN()}}}}}
	_, err := appendPreviewJSON(nil, nan)
	assert.Error(t, err, "NaN seconds")
	year10k := previewJSON{From: from, To: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Blocks: []previewBlockJSON{}}
	_, err = appendPreviewJSON(nil, year10k)
	assert.Error(t, err, "a year beyond RFC 3339's")
}

// BenchmarkPreviewJSON compares the --json output's encoding with encoding/json's on 140
// blocks of 5 evidence lines, about a fortnight of heavy activity.
func BenchmarkPreviewJSON(b *testing.B) {
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	out := previewJSON{From: from, To: from.Add(14 * 24 * time.Hour), Blocks: []previewBlockJSON{}}
	for i := range 140 {
		bl := previewBlockJSON{Profile: "coding", Title: "Coding · awcal", Start: from.Add(time.Duration(i) * time.Hour),
			End: from.Add(time.Duration(i)*time.Hour + 40*time.Minute), Category: "Work"}
		for j := range 5 {
			bl.Evidence = append(bl.Evidence, previewEvidenceJSON{Kind: "app", Label: "code — main.go", Seconds: 61.25 * float64(j+1)})
		}
		out.Blocks = append(out.Blocks, bl)
	}
	b.Run("appendPreviewJSON", func(b *testing.B) {
		for b.Loop() {
			if _, err := appendPreviewJSON(make([]byte, 0, 1024*(len(out.Blocks)+1)), out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			encodingJSON(b, out)
		}
	})
}
