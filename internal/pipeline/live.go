package pipeline

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
)

// LiveSource is the source of a config that changes while the app runs: the aw-server
// client of the current config, rebuilt when its URL changes. It is safe for concurrent use.
type LiveSource struct {
	f   *Factory
	cfg func() config.Config
	mu  sync.Mutex
	aw  config.ActivityWatch
	c   *activitywatch.Client
}

// LiveSource returns the source following cfg.
func (f *Factory) LiveSource(cfg func() config.Config) *LiveSource {
	return &LiveSource{f: f, cfg: cfg}
}

func (s *LiveSource) client() *activitywatch.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if aw := s.cfg().ActivityWatch; s.c == nil || aw.URL != s.aw.URL {
		s.aw, s.c = aw, s.f.Source(aw)
	}
	return s.c
}

// Info asks the current aw-server who it is.
func (s *LiveSource) Info(ctx context.Context) (activitywatch.Info, error) {
	return s.client().Info(ctx)
}

// Buckets lists the current aw-server's buckets.
func (s *LiveSource) Buckets(ctx context.Context) ([]activity.Bucket, error) {
	return s.client().Buckets(ctx)
}

// Events reads a bucket's events from the current aw-server.
func (s *LiveSource) Events(ctx context.Context, id string, from, to time.Time) (activitywatch.Events, error) {
	return s.client().Events(ctx, id, from, to)
}

// LiveStore is the calendar of a config that changes while the app runs: the configured
// calendar, opened on first use and reopened when the settings change it. A store the
// settings replaced is closed only once the calls using it (a sync's read or write, "Open
// calendar") have returned. It is safe for concurrent use.
type LiveStore struct {
	open func(ctx context.Context, cal config.Calendar) (Store, error)
	cfg  func() config.Config
	mu   sync.Mutex
	cur  *lease // the store of the configured calendar; nil before first use
}

// lease is one opened store and the calls using it.
type lease struct {
	st      Store
	key     config.Calendar
	users   int
	retired bool // replaced or closed: close the store when the last user is done
}

// LiveStore returns the store following cfg.
func (f *Factory) LiveStore(cfg func() config.Config) *LiveStore {
	return &LiveStore{cfg: cfg, open: func(ctx context.Context, cal config.Calendar) (Store, error) {
		return f.OpenStore(ctx, cal, "")
	}}
}

// Use returns the open store of the configured calendar, opening it when the calendar
// changed, and the func to call when done with it: until then the store stays open even if
// the settings replace it meanwhile.
func (c *LiveStore) Use(ctx context.Context) (Store, func(), error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cal := c.cfg().Calendar
	if c.cur == nil || c.cur.key != cal {
		st, err := c.open(ctx, cal)
		if err != nil {
			return nil, nil, err
		}
		if c.cur != nil {
			c.retire(c.cur)
		}
		c.cur = &lease{st: st, key: cal}
	}
	l := c.cur
	l.users++
	var once sync.Once
	return l.st, func() { once.Do(func() { c.release(l) }) }, nil
}

func (c *LiveStore) release(l *lease) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l.users--
	if l.retired && l.users == 0 {
		c.closeStore(l)
	}
}

// retire marks l replaced and closes it unless it is in use. The caller holds c.mu.
func (c *LiveStore) retire(l *lease) {
	l.retired = true
	if l.users == 0 {
		c.closeStore(l)
	}
}

func (c *LiveStore) closeStore(l *lease) {
	if err := l.st.Close(); err != nil {
		slog.Warn("closing the calendar", "error", err)
	}
}

// Owned is part of syncer.Store.
func (c *LiveStore) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	st, done, err := c.Use(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return st.Owned(ctx, from, to)
}

// Apply is part of syncer.Store.
func (c *LiveStore) Apply(ctx context.Context, changes []calendar.Change) error {
	st, done, err := c.Use(ctx)
	if err != nil {
		return err
	}
	defer done()
	return st.Apply(ctx, changes)
}

// Lock is part of calendar.Locker: the current calendar's lock across a read, plan and write,
// when it has one (the .ics file). The calendar stays open until unlock, even if the settings
// replace it meanwhile.
func (c *LiveStore) Lock(ctx context.Context) (context.Context, func() error, error) {
	st, done, err := c.Use(ctx)
	if err != nil {
		return nil, nil, err
	}
	lk, ok := st.(calendar.Locker)
	if !ok {
		return ctx, func() error { done(); return nil }, nil
	}
	locked, unlock, err := lk.Lock(ctx)
	if err != nil {
		done()
		return nil, nil, err
	}
	return locked, func() error { defer done(); return unlock() }, nil
}

// Close releases the calendar, at once or, when a call still uses it, as that call returns.
func (c *LiveStore) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil {
		c.retire(c.cur)
		c.cur = nil
	}
	return nil
}
