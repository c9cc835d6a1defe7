// Package caldav keeps awcal's blocks in a calendar on a CalDAV server (RFC 4791): discovery
// of the user's calendars (RFC 6764 well-known URL, RFC 5397 current-user-principal, the
// calendar home set), and a calendar.Store that reads owned events with a time-range REPORT
// (filtered on awcal's marker property, so foreign events are not sent) and writes one resource per event with conditional PUT and DELETE (RFC 7232 If-Match /
// If-None-Match), so that an event changed by another client is reported as
// calendar.ErrConflict and never overwritten blindly.
//
// Discovery uses go-webdav's client; the store's REPORT, PUT and DELETE are sent directly
// through the same transport, because go-webdav's client sets no conditional headers, fails a
// whole REPORT when one foreign event does not parse, and cannot read weak ETags. Foreign
// events are never parsed here unless they mention awcal's marker, and never written.
package caldav

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/redact"
)

// Secret is a password. It prints as REDACTED with every fmt verb, in JSON and in slog, so
// that a Credentials value can be logged or wrapped in an error without leaking it.
type Secret string

const redacted = "REDACTED"

// Format prints REDACTED whatever the verb (%v, %+v, %#v, %s, %q, %x…).
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// String returns REDACTED.
func (Secret) String() string { return redacted }

// GoString returns REDACTED.
func (Secret) GoString() string { return redacted }

// MarshalJSON writes "REDACTED".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText writes REDACTED (encoding/xml, YAML, map keys).
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue logs REDACTED.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Credentials log in to the server with HTTP Basic authentication. An empty Username sends
// no credentials (servers without authentication).
type Credentials struct {
	Username string
	Password Secret
}

// Options tune the connection. The zero value is ready to use.
type Options struct {
	// Timeout bounds each request, answer included; zero means DefaultTimeout.
	Timeout time.Duration
	// TrustedCertPEM is one certificate (PEM) to trust in addition to the system roots, for
	// a server with a self-signed certificate. TLS verification is never turned off.
	TrustedCertPEM []byte
	// AllowPlainHTTP lets the server URL be plain http:// to a host other than this
	// machine, where the password crosses the network unencrypted. It is off unless the
	// person opts in (calendar.allowPlainHTTP); even then the password is sent only after
	// the server asks for it (a 401 challenge).
	AllowPlainHTTP bool
	// HTTPClient replaces the package's own client (tests). Its transport then decides what
	// TLS trusts and TrustedCertPEM is not used; Timeout still applies when the client has
	// none. Redirects are always handled by the package.
	HTTPClient *http.Client
}

// parseServerURL checks that s is an absolute https URL, or an http one to this machine (or
// to any host when allowInsecure is set).
func parseServerURL(s string, allowInsecure bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		// Neither the URL nor the parser's message (which quotes it) may show a password.
		return nil, fmt.Errorf("server URL %q is not a valid URL (%s): set it like https://dav.example.com/",
			redact.Text(s), redact.Text(err.Error()))
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: it must start with https:// (or http://) and name a host", s)
	}
	if u.User != nil {
		return nil, errors.New("server URL: it must not contain a username or password; give them separately")
	}
	if insecure(u) && !allowInsecure {
		return nil, fmt.Errorf("server URL %s: %w: it is plain http:// to another machine, so your password would cross the network unencrypted; use the server's https:// address, or, on a network you trust, allow plain http in Settings → Calendar (calendar.allowPlainHTTP in config.json)",
			u.Redacted(), ErrPlainHTTP)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// insecure reports whether requests to u travel unencrypted over a network: plain http to a
// host other than this machine's loopback addresses.
func insecure(u *url.URL) bool {
	if u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return false
	}
	ip := net.ParseIP(h)
	return ip == nil || !ip.IsLoopback()
}

// collectionURL resolves a collection path (or full URL) against base, with a trailing slash,
// and refuses one on another server, where the credentials must not go.
func collectionURL(base *url.URL, p string) (*url.URL, error) {
	ref, err := url.Parse(strings.TrimSpace(p))
	if err != nil || strings.TrimSpace(p) == "" {
		return nil, fmt.Errorf("calendar path %q is not a valid path", p)
	}
	u := base.ResolveReference(ref)
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return nil, fmt.Errorf("calendar path %q is on another server than %s", p, base.Redacted())
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		u.RawPath = ""
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
