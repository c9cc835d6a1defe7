package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/calendar/caldav"
	"github.com/awcal/awcal/internal/calendar/ics"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/secret"
)

// Store is an open calendar: the syncer's store, and Close to release it (nothing is held
// between writes today: the .ics file's lock is taken per write).
type Store interface {
	// Owned returns the events awcal owns that overlap [from, to).
	Owned(ctx context.Context, from, to time.Time) ([]calendar.Event, error)
	// Apply makes the changes; on calendar.ErrConflict nothing after the conflict was applied.
	Apply(ctx context.Context, changes []calendar.Change) error
	Close() error
}

// OpenStore opens the configured calendar: the .ics file, or the CalDAV calendar logged in
// with password, or with the keyring's password for the calendar's account when password is
// empty, trusting calendar.trustedCertificate. An incomplete calendar config is a
// *ConfigError. A CalDAV store keeps its WebURL method visible (interface{ WebURL() string }).
func (f *Factory) OpenStore(ctx context.Context, cal config.Calendar, password string) (Store, error) {
	switch cal.Kind {
	case config.CalendarICS:
		if cal.Path == "" {
			return nil, &ConfigError{Err: errors.New("no calendar file: set calendar.path in the config")}
		}
		return ics.Open(cal.Path)
	case config.CalendarCalDAV:
		if cal.URL == "" || cal.Username == "" || cal.CalendarPath == "" {
			return nil, &ConfigError{Err: errors.New("no CalDAV calendar chosen: in Settings → Calendar fill in the server URL and user name, press Discover and pick a calendar (calendar.url, calendar.username, calendar.calendarPath)")}
		}
		creds, opts, err := f.Connection(cal, password)
		if err != nil {
			return nil, err
		}
		st, err := caldav.Open(ctx, cal.URL, cal.CalendarPath, creds, opts)
		if err != nil {
			return nil, err
		}
		return davStore{st}, nil
	}
	return nil, &ConfigError{Err: fmt.Errorf("calendar.kind %q is not %q or %q", cal.Kind, config.CalendarICS, config.CalendarCalDAV)}
}

// davStore is an open CalDAV calendar: nothing to close.
type davStore struct{ *caldav.Store }

func (davStore) Close() error { return nil }

// Connection is what reaching the CalDAV server of cal takes besides its URL: the
// credentials (password, else the keyring's for the account; none without a user name) and
// the options (calendar.trustedCertificate read from its file). The errors say what to do.
func (f *Factory) Connection(cal config.Calendar, password string) (caldav.Credentials, caldav.Options, error) {
	opts := caldav.Options{AllowPlainHTTP: cal.AllowPlainHTTP}
	if cal.TrustedCertificate != "" {
		pem, err := f.env.ReadFile(cal.TrustedCertificate)
		if err != nil {
			return caldav.Credentials{}, opts, &ConfigError{Err: fmt.Errorf("reading the trusted certificate (calendar.trustedCertificate in the config): %w", err)}
		}
		opts.TrustedCertPEM = pem
	}
	if cal.Username == "" {
		return caldav.Credentials{}, opts, nil
	}
	if password == "" {
		pw, err := f.env.Password(secret.Account(cal.Username, cal.URL))
		if err != nil {
			return caldav.Credentials{}, opts, err // secret's errors name the account and what to do
		}
		password = pw
	}
	return caldav.Credentials{Username: cal.Username, Password: caldav.Secret(password)}, opts, nil
}

// Discover lists the calendars on the CalDAV server of cal (its URL, user, password as in
// Connection, and trusted certificate); cal.CalendarPath is not needed.
func (f *Factory) Discover(ctx context.Context, cal config.Calendar, password string) ([]caldav.CalendarInfo, error) {
	creds, opts, err := f.Connection(cal, password)
	if err != nil {
		return nil, err
	}
	return caldav.Discover(ctx, cal.URL, creds, opts)
}
