package pipeline

import (
	"context"
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
// calendar, opened on first use and reopened when the settings change it. It is safe for
// concurrent use.
type LiveStore struct {
	f   *Factory
	cfg func() config.Config
	mu  sync.Mutex
	key config.Calendar
	st  Store
}

// LiveStore returns the store following cfg.
func (f *Factory) LiveStore(cfg func() config.Config) *LiveStore {
	return &LiveStore{f: f, cfg: cfg}
}

// Current returns the open store of the configured calendar, opening it (and closing the
// previous one) when the calendar changed.
func (c *LiveStore) Current(ctx context.Context) (Store, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cal := c.cfg().Calendar
	if c.st != nil && cal == c.key {
		return c.st, nil
	}
	if c.st != nil {
		c.st.Close()
		c.st = nil
	}
	st, err := c.f.OpenStore(ctx, cal, "")
	if err != nil {
		return nil, err
	}
	c.key, c.st = cal, st
	return st, nil
}

// Owned is part of syncer.Store.
func (c *LiveStore) Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error) {
	st, err := c.Current(ctx)
	if err != nil {
		return nil, err
	}
	return st.Owned(ctx, from, to)
}

// Apply is part of syncer.Store.
func (c *LiveStore) Apply(ctx context.Context, changes []calendar.Change) error {
	st, err := c.Current(ctx)
	if err != nil {
		return err
	}
	return st.Apply(ctx, changes)
}

// Lock is part of calendar.Locker: the current calendar's lock across a read, plan and write,
// when it has one (the .ics file).
func (c *LiveStore) Lock(ctx context.Context) (context.Context, func() error, error) {
	st, err := c.Current(ctx)
	if err != nil {
		return nil, nil, err
	}
	if lk, ok := st.(calendar.Locker); ok {
		return lk.Lock(ctx)
	}
	return ctx, func() error { return nil }, nil
}

// Close releases the open calendar.
func (c *LiveStore) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st == nil {
		return nil
	}
	err := c.st.Close()
	c.st = nil
	return err
}
