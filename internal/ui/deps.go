package ui

import (
	"context"
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
	// SetPassword stores a CalDAV password in the keyring by account (secret.Set when nil).
	SetPassword func(account, password string) error
	// PurgeProfile deletes a profile's events (see Deps.PurgeProfile); nil hides the offer.
	PurgeProfile func(ctx context.Context, profileID string, dryRun bool) (int, error)
	// Autostart reads and sets the start-at-login option; nil hides it.
	Autostart *Autostart
}

// NewDeps builds the settings window's real dependencies: every source, filter, engine and
// calendar through the pipeline factory, as the syncs and the command line build theirs.
func NewDeps(o CoreOptions) Deps {
	f := o.Pipeline
	setPassword := o.SetPassword
	if setPassword == nil {
		setPassword = secret.Set
	}
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
		SetPassword:  func(u, user, pass string) error { return setPassword(secret.Account(user, u), pass) },
		Starters:     profile.Starters,
		PurgeProfile: o.PurgeProfile,
		Autostart:    o.Autostart,
		Now:          time.Now,
	}
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
