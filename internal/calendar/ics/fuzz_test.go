package ics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
)

// FuzzParse feeds arbitrary files to the parser. It must not panic; a refusal is a ParseError
// with a line; an accepted file is written back byte-identical when nothing changes; and the
// component offsets splice computes after deleting every owned event and inserting a new one
// are exactly what parsing its output finds, with the new event reading back as written.
func FuzzParse(f *testing.F) {
	f.Add([]byte(richFile))
	f.Add([]byte(strings.ReplaceAll(richFile, "\r\n", "\n")))
	f.Add([]byte("\uFEFF" + richFile))
	f.Add(emptyCalendar)
	f.Add([]byte(otherClientCalendar[:len(otherClientCalendar)-len("END:VCALENDAR\r\n")] + ownedEvent(uidA) + "END:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nX-A;P=\"q:v\",w;Q=1:x\r\n y\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:\r\nUID:" + uidA + "\r\n" + calendar.MarkerProperty +
		":\r\n" + calendar.MarkerProperty + ":p\r\nDTSTART:20250101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	golden, err := filepath.Glob(filepath.Join("..", "testdata", "*.ics"))
	require.NoError(f, err)
	for _, path := range golden {
		raw, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(raw)
	}

	added := calendar.Event{UID: "ffffffffffffffffffffffffffffffff@awcal", ProfileID: "fuzz", Title: "added",
		Start: time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := parse("fuzz.ics", data)
		if err != nil {
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			require.GreaterOrEqual(t, pe.Line, 1)
			return
		}
		require.Equal(t, string(pf.raw), string(pf.splice(nil, nil).raw), "an unchanged file must be written back as it was")

		edits := map[int]event{}
		var foreign []component
		for i, c := range pf.comps {
			require.True(t, strings.HasPrefix(strings.ToUpper(string(pf.text(i))), "BEGIN:"))
			if c.name == "VEVENT" {
				comp, err := decodeComponent(pf.text(i))
				require.NoError(t, err, "a component that parsed must decode")
				_, owned, _ := calendar.FromVEvent(&ical.Event{Component: comp})
				require.Equal(t, owned, c.owned, "the parser and calendar.FromVEvent must agree on ownership")
			}
			if c.owned {
				_, _ = pf.event(i) // may fail on bad times, must not panic
				edits[i] = event{uid: c.uid}
			} else {
				foreign = append(foreign, c)
			}
		}
		p := &plan{}
		ins, err := p.render(added, time.Unix(0, 0), pf.lf)
		require.NoError(t, err)
		out := pf.splice(edits, []event{ins})

		again, err := parse("fuzz.ics", out.raw)
		require.NoError(t, err, "awcal's own output must parse:\n%s", out.raw)
		require.Equal(t, out.comps, again.comps, "splice's offsets must match a fresh parse")
		require.Equal(t, out.end, again.end)
		require.Len(t, again.comps, len(foreign)+1)
		for i, c := range foreign {
			require.Equal(t, string(pf.raw[c.start:c.end]), string(again.text(i)), "foreign component %d changed", i)
		}
		got, err := again.event(len(again.comps) - 1)
		require.NoError(t, err)
		require.Equal(t, p.written[0], got)
	})
}
