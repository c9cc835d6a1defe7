package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/profile"
	"github.com/awcal/awcal/internal/secret"
)

// CoreOptions are what the real Deps are built from.
type CoreOptions struct {
	// Pipeline builds the source, privacy filter, engine and calendar of every action.
	Pipeline *pipeline.Factory
	// ConfigPath is the file Save writes.
	ConfigPath string
	// Keyring is the OS keyring (package secret's where a field is nil).
	Keyring Keyring
	// PurgeProfile deletes a profile's events (see Deps.PurgeProfile); nil hides the offer.
	PurgeProfile func(ctx context.Context, profileID string, dryRun bool) (int, error)
	// Autostart reads and sets the start-at-login option; nil hides it.
	Autostart *Autostart
}

// NewDeps builds the settings window's real dependencies: every source, filter, engine and
// calendar through the pipeline factory, as the syncs and the command line build theirs.
func NewDeps(o CoreOptions) Deps {
	f := o.Pipeline
	kr := o.Keyring.orSecret()
	return Deps{
		Activity: func(url string) ActivitySource {
			return awSource{f.Source(config.ActivityWatch{URL: url})}
		},
		Derive: func(cfg config.Config, in engine.Input) (engine.Result, error) {
			e, err := pipeline.Engine(cfg)
			if err != nil {
				return engine.Result{}, err
			}
			return e.Derive(in), nil
		},
		Privacy: func(cfg config.Config, in []activity.BucketEvents) ([]activity.BucketEvents, PrivacyStats, error) {
			flt, err := pipeline.Privacy(cfg)
			if err != nil {
				return nil, PrivacyStats{}, err
			}
			out, st := flt.Apply(in)
			return out, PrivacyStats{Dropped: st.Hidden(), Redacted: st.Redacted}, nil
		},
		Save: func(c *config.Config) error { return config.Save(o.ConfigPath, c) },
		Discover: func(ctx context.Context, c config.Calendar, pass string) ([]CalendarChoice, error) {
			infos, err := f.Discover(ctx, c, pass)
			if err != nil {
				return nil, err
			}
			out := make([]CalendarChoice, len(infos))
			for i, c := range infos {
				out[i] = CalendarChoice{Path: c.Path, Name: c.Name}
			}
			return out, nil
		},
		TestCalendar: func(ctx context.Context, c config.Calendar, pass string) error {
			st, err := f.OpenStore(ctx, c, pass)
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = st.Owned(ctx, time.Now().Add(-24*time.Hour), time.Now())
			return err
		},
		SetPassword:  kr.setPassword,
		Starters:     profile.Starters,
		PurgeProfile: o.PurgeProfile,
		Autostart:    o.Autostart,
		Now:          time.Now,
	}
}

// Keyring reads, stores and deletes passwords in the OS keyring by account.
type Keyring struct {
	Get    func(account string) (string, error)
	Set    func(account, password string) error
	Delete func(account string) error
}

func (k Keyring) orSecret() Keyring {
	if k.Get == nil {
		k.Get = secret.Get
	}
	if k.Set == nil {
		k.Set = secret.Set
	}
	if k.Delete == nil {
		k.Delete = secret.Delete
	}
	return k
}

// setPassword stores the password of user at url and returns how to put back what the keyring
// held before: the previous password, or nothing.
func (k Keyring) setPassword(url, user, pass string) (func() error, error) {
	account := secret.Account(user, url)
	old, err := k.Get(account)
	had := err == nil
	if err != nil && !errors.Is(err, secret.ErrNotFound) {
		return nil, fmt.Errorf("reading the keyring before changing the password: %w", err)
	}
	if err := k.Set(account, pass); err != nil {
		return nil, err
	}
	return func() error {
		if had {
			return k.Set(account, old)
		}
		return k.Delete(account)
	}, nil
}

// awSource is the aw-server client as the settings window reads it.
type awSource struct{ c *activitywatch.Client }

func (s awSource) Info(ctx context.Context) (activitywatch.Info, error) { return s.c.Info(ctx) }

func (s awSource) Buckets(ctx context.Context) ([]activity.Bucket, error) { return s.c.Buckets(ctx) }

func (s awSource) Settings(ctx context.Context) (activitywatch.Settings, error) {
	return s.c.Settings(ctx)
}

func (s awSource) Events(ctx context.Context, id string, from, to time.Time) ([]activity.Event, error) {
	evs, err := s.c.Events(ctx, id, from, to)
	return evs.Events, err
}
