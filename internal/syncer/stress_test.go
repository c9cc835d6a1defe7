package syncer_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/syncer"
)

// stressRounds is how many interleavings each kind of meeting gets: 200 under AWCAL_STRESS=1
// (make stress; AWCAL_STRESS_ROUNDS overrides), 4 otherwise.
func stressRounds(t *testing.T) int {
	if s := os.Getenv("AWCAL_STRESS_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "AWCAL_STRESS_ROUNDS")
		return n
	}
	if os.Getenv("AWCAL_STRESS") == "1" {
		return 200
	}
	return 4
}

// TestConcurrencyLoop is issue 13's crash and concurrency loop: on a generated heavy day in an
// .ics file, rounds of two runs meeting — sync against sync, sync against a backfill, and sync
// against another program appending events — each round at a random clock, with the first run
// paused at a random step of its use of the calendar (the n-th read, write or end of a write)
// while the other runs, and in the outside-writer rounds a second writer appending all along.
// Every round must end with both runs successful, no two owned events overlapping (a
// duplicated block overlaps its twin) and every appended foreign event still in the file.
// docs/RELIABILITY.md has the figures.
func TestConcurrencyLoop(t *testing.T) {
	data, day, _ := dayOf(fakedata.Heavy, 13)
	rounds := stressRounds(t)
	for _, kind := range []string{"sync vs sync", "sync vs backfill", "sync vs outside writer"} {
		t.Run(kind, func(t *testing.T) {
			w := newWorld(t, profile.Starters()...)
			rp := newReplay(w.aw, data)
			rp.advance(day.Add(24 * time.Hour))
			rng := rand.New(rand.NewPCG(13, uint64(len(kind))))
			var dups, lost, appended, paused int
			for round := range rounds {
				r := stressRound{t: t, w: w, rng: rng, day: day, dir: t.TempDir()}
				name := fmt.Sprintf("%s round %d", kind, round)
				d, l, a, p := r.run(kind)
				if d > 0 || l > 0 {
					t.Errorf("%s: %d duplicated blocks, %d lost foreign events", name, d, l)
				}
				dups, lost, appended, paused = dups+d, lost+l, appended+a, paused+p
			}
			t.Logf("%s: %d interleavings (%d with the first run paused mid-way), %d foreign events appended; %d duplicates, %d lost foreign events",
				kind, rounds, paused, appended, dups, lost)
		})
	}
}

// stressRound is one meeting of two runs on a fresh calendar and state.
type stressRound struct {
	t   *testing.T
	w   *world
	rng *rand.Rand
	day time.Time
	dir string
}

// run plays one round of kind and returns the duplicated blocks, the lost foreign events, the
// foreign events appended, and whether the first run was paused mid-way (0 or 1).
func (r stressRound) run(kind string) (dups, lost, appended, paused int) {
	t := r.t
	path := filepath.Join(r.dir, "cal.ics")
	statePath := filepath.Join(r.dir, "state.json")
	open := func() syncer.Store {
		st, err := ics.Open(path)
		require.NoError(t, err)
		return st
	}
	at := r.day.Add(8*time.Hour + time.Duration(r.rng.IntN(11*60))*time.Minute)
	if r.rng.IntN(2) == 0 {
		// An earlier sync already wrote the morning.
		_, err := r.syncer(open(), statePath, at.Add(-time.Duration(30+r.rng.IntN(150))*time.Minute)).
			Run(context.Background(), syncer.Request{Trigger: syncer.Manual})
		require.NoError(t, err)
	}
	later := at.Add(time.Duration(r.rng.IntN(30)) * time.Minute)
	ga := newGate([]step{beforeRead, beforeWrite, afterWrite}[r.rng.IntN(3)], 1+r.rng.IntN(2))
	gb := newGate(noPause, 0)
	sa := r.syncer(gated{open(), ga}, statePath, at)
	sb := r.syncer(gated{open(), gb}, statePath, later)
	syncRun := func(s *syncer.Syncer) func() error {
		return func() error {
			_, err := s.Run(context.Background(), syncer.Request{Trigger: syncer.Manual})
			return err
		}
	}
	backfill := func(s *syncer.Syncer) func() error {
		from := r.day.Add(time.Duration(r.rng.IntN(8)) * time.Hour)
		return func() error {
			_, err := s.Run(context.Background(), syncer.Request{Trigger: syncer.Manual, From: from, To: r.day.Add(24 * time.Hour)})
			return err
		}
	}
	var uids []string
	switch kind {
	case "sync vs sync":
		raceOn(t, ga, gb, syncRun(sa), syncRun(sb))
	case "sync vs backfill":
		if r.rng.IntN(2) == 0 {
			raceOn(t, ga, gb, backfill(sa), syncRun(sb))
		} else {
			raceOn(t, ga, gb, syncRun(sa), backfill(sb))
		}
	case "sync vs outside writer":
		// One writer appends all along, replacing the file as Syncthing and most calendar
		// apps do; another appends at the pause (between the run's read and its write, or
		// wherever the gate stopped it), also in place, as an editor does.
		stop := make(chan struct{})
		var mu sync.Mutex
		var wg sync.WaitGroup
		var n atomic.Int64
		// The two are one other program: they take turns (mu), as its own writes do.
		add := func(prefix string, inPlace bool) {
			mu.Lock()
			defer mu.Unlock()
			uid := fmt.Sprintf("%s-%d@other.example", prefix, n.Add(1))
			appendForeignEvent(t, path, uid, r.day, inPlace)
			uids = append(uids, uid)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(1+i%7) * time.Millisecond): // a busy program, not a runaway one
					add("running", false)
				}
			}
		}()
		atPause := 1 + r.rng.IntN(3)
		raceOn(t, ga, gb, syncRun(sa), func() error {
			for i := range atPause {
				add("paused", i%2 == 1)
			}
			return nil
		})
		close(stop)
		wg.Wait()
	}
	select {
	case <-ga.paused:
		paused = 1
	default:
	}

	raw, err := os.ReadFile(path)
	if !errors.Is(err, fs.ErrNotExist) { // nothing to write at that hour
		require.NoError(t, err)
	}
	for _, uid := range uids {
		if !strings.Contains(string(raw), "\r\nUID:"+uid+"\r\n") {
			lost++
		}
	}
	st, err := ics.Open(path)
	require.NoError(t, err)
	owned, err := st.Owned(context.Background(), r.day.Add(-24*time.Hour), r.day.Add(48*time.Hour))
	require.NoError(t, err)
	// Owned is sorted by start: an event overlaps the later ones that start before it ends.
	for i, a := range owned {
		for _, b := range owned[i+1:] {
			if !b.Start.Before(a.End) {
				break
			}
			if a.Start.Before(a.End) && b.Start.Before(b.End) {
				dups++
			}
		}
	}
	return dups, lost, len(uids), paused
}

// syncer is a syncer on st with its own clock, sharing the round's state file.
func (r stressRound) syncer(st syncer.Store, statePath string, now time.Time) *syncer.Syncer {
	s, err := syncer.New(syncer.Options{
		Config: func() config.Config { return r.w.cfg }, Source: r.w.client, Store: st,
		StatePath: statePath, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(r.t, err)
	return s
}

// appendForeignEvent adds a one-hour foreign event to the .ics file as another program does:
// read it, insert the event, write it back in place or through a temp file and a rename.
func appendForeignEvent(t *testing.T, path, uid string, day time.Time, inPlace bool) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw = []byte("BEGIN:VCALENDAR\r\nPRODID:-//Other//Client 1.0//EN\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
	} else {
		require.NoError(t, err)
	}
	start := day.Add(12 * time.Hour).Format("20060102T150405Z")
	ev := "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:" + start +
		"\r\nDURATION:PT1H\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\n"
	i := strings.LastIndex(string(raw), "END:VCALENDAR")
	require.GreaterOrEqual(t, i, 0, "the file holds no calendar:\n%s", raw)
	out := string(raw[:i]) + ev + string(raw[i:])
	if inPlace {
		require.NoError(t, os.WriteFile(path, []byte(out), 0o600))
		return
	}
	tmp := fmt.Sprintf("%s.other-%s", path, uid)
	require.NoError(t, os.WriteFile(tmp, []byte(out), 0o600))
	require.NoError(t, os.Rename(tmp, path))
}
