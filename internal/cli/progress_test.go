package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/awcal/awcal/internal/syncer"
)

// TestProgressLinesForLongRuns is part of defect 6 of issue 13: a run that spans many days
// prints a line as it starts each day; a run within a day prints nothing.
func TestProgressLinesForLongRuns(t *testing.T) {
	var out bytes.Buffer
	p := progressLines(&out)
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.Local)
	p(syncer.Progress{Phase: syncer.PhaseReading, Pieces: 1, Piece: day})
	assert.Empty(t, out.String())
	for d := range 3 {
		for _, ph := range []syncer.Phase{syncer.PhaseReading, syncer.PhaseDeriving, syncer.PhaseWriting} {
			p(syncer.Progress{Phase: ph, Pieces: 3, Piece: day.AddDate(0, 0, d), Fraction: float64(d) / 3})
		}
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Equal(t, []string{
		"awcal sync: reading 2026-03-02 00:00 (0% done)",
		"awcal sync: reading 2026-03-03 00:00 (33% done)",
		"awcal sync: reading 2026-03-04 00:00 (66% done)",
	}, lines)
}
