package pipeline

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
)

// hookStore is a store whose Apply waits for the test, and which records its Close.
type hookStore struct {
	entered chan struct{} // Apply started
	proceed chan struct{} // let Apply return
	mu      sync.Mutex
	closed  bool
}

func (s *hookStore) Owned(context.Context, time.Time, time.Time) ([]calendar.Event, error) {
	if s.isClosed() {
		return nil, assert.AnError
	}
	return nil, nil
}

func (s *hookStore) Apply(context.Context, []calendar.Change) error {
	s.entered <- struct{}{}
	<-s.proceed
	if s.isClosed() {
		return assert.AnError // a closed .ics store has lost its lock
	}
	return nil
}

func (s *hookStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *hookStore) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func newHookStore() *hookStore {
	return &hookStore{entered: make(chan struct{}), proceed: make(chan struct{})}
}

func TestLiveStoreKeepsAReplacedStoreOpenWhileASyncUsesIt(t *testing.T) {
	var mu sync.Mutex
	cfg := config.Config{Calendar: config.Calendar{Kind: config.CalendarICS, Path: "a.ics"}}
	setPath := func(p string) { mu.Lock(); defer mu.Unlock(); cfg.Calendar.Path = p }
	stores := map[string]*hookStore{"a.ics": newHookStore(), "b.ics": newHookStore()}
	opened := make(chan string, 4)
	ls := &LiveStore{
		cfg: func() config.Config { mu.Lock(); defer mu.Unlock(); return cfg },
		open: func(_ context.Context, cal config.Calendar) (Store, error) {
			opened <- cal.Path
			return stores[cal.Path], nil
		},
	}
	a, b := stores["a.ics"], stores["b.ics"]

	applied := make(chan error)
	go func() { applied <- ls.Apply(context.Background(), nil) }()
	<-a.entered // a sync is writing to a.ics

	// The settings switch to another calendar while the write is going.
	setPath("b.ics")
	_, err := ls.Owned(context.Background(), time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, "a.ics", <-opened)
	assert.Equal(t, "b.ics", <-opened, "the next call opens the new calendar")
	assert.False(t, a.isClosed(), "the calendar a sync is writing stays open")

	close(a.proceed)
	require.NoError(t, <-applied, "the write finishes on an open store")
	assert.True(t, a.isClosed(), "the replaced calendar is closed once its write returned")
	assert.False(t, b.isClosed())

	// A sync's lock across read, plan and write keeps the calendar open as well.
	_, unlock, err := ls.Lock(context.Background())
	require.NoError(t, err)
	c := newHookStore()
	stores["c.ics"] = c
	setPath("c.ics")
	_, err = ls.Owned(context.Background(), time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, "c.ics", <-opened)
	assert.False(t, b.isClosed(), "the locked calendar stays open")
	require.NoError(t, unlock())
	assert.True(t, b.isClosed(), "and is closed at unlock")

	require.NoError(t, ls.Close())
	assert.True(t, c.isClosed())
}
