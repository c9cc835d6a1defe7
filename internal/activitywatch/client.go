// Package activitywatch reads activity from ActivityWatch: a client for aw-server's REST API
// (aw-server-rust and the Python aw-server; /api/0/info, /api/0/buckets/,
// /api/0/buckets/{id}/events, /api/0/settings) and a reader for its export files.
//
// Both decode events one at a time: an event with an unparseable timestamp, a null, string,
// NaN or negative duration, or non-object data is skipped and counted, never fatal
// (ENGINE.md §1.3). Event ranges are fetched in bounded pieces and reassembled into exactly
// what one unpaged query would have answered.
package activitywatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/awcal/awcal/internal/redact"
)

// Defaults for the options.
const (
	DefaultTimeout = 30 * time.Second
	// DefaultPieceSize is the first piece of an event range, and the unit of the later ones.
	DefaultPieceSize = 24 * time.Hour
	// DefaultPieceEvents is how many events a later piece aims to hold.
	DefaultPieceEvents = 10_000
)

// maxPieceUnits bounds a piece to this many units (31 days by default), however sparse the
// activity: one answer never spans more.
const maxPieceUnits = 31

// maxErrorBody bounds how much of an error answer is kept for the message.
const maxErrorBody = 4 << 10

// Client talks to one aw-server. It is safe for concurrent use.
type Client struct {
	base      string // without a trailing slash
	apiKey    string
	http      *http.Client
	timeout   time.Duration
	pieceSize time.Duration
	// pieceEvents is how many events a piece after the first aims to hold; zero keeps every
	// piece pieceSize long.
	pieceEvents int
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey sends "Authorization: Bearer key" with every request (aw-server-rust's [auth]
// api_key). The key never appears in errors or logs.
func WithAPIKey(key string) Option {
	return func(c *Client) { c.apiKey = key }
}

// WithHTTPClient replaces the HTTP client (http.DefaultClient's transport otherwise).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.http = hc
		}
	}
}

// WithTimeout bounds each request, reading its answer included (DefaultTimeout otherwise).
// Zero or negative means no per-request bound beyond the caller's context.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithPieceSize fetches event ranges in pieces of d, every piece as long. Zero or negative
// fetches a range in one request. Without it (or WithPiecesByDensity), the first piece is
// DefaultPieceSize and the later ones follow the density, for about DefaultPieceEvents events.
func WithPieceSize(d time.Duration) Option {
	return func(c *Client) { c.pieceSize, c.pieceEvents = d, 0 }
}

// WithPiecesByDensity fetches event ranges in pieces sized by the activity's density, so that
// one answer holds a bounded number of events and a sparse range takes few requests: the first
// piece is first long; each later one is a whole number of firsts (up to 31) sized to hold about
// events events at the density of the piece before it.
func WithPiecesByDensity(first time.Duration, events int) Option {
	return func(c *Client) { c.pieceSize, c.pieceEvents = first, events }
}

// transport is the default transport with room for an idle connection per bucket read at
// once (the syncer reads up to four buckets concurrently; http.DefaultTransport keeps two per
// host, so the others would reconnect every time). Go's TCP connections have TCP_NODELAY set
// and keep-alive on by default, so small requests on a kept connection do not wait.
var transport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 8
	return t
}()

// New returns a client for the aw-server at baseURL (e.g. "http://127.0.0.1:5600").
func New(baseURL string, opts ...Option) *Client {
	c := &Client{
		base:        strings.TrimRight(strings.TrimSpace(baseURL), "/"),
		http:        &http.Client{Transport: transport},
		timeout:     DefaultTimeout,
		pieceSize:   DefaultPieceSize,
		pieceEvents: DefaultPieceEvents,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// URL returns the server's base URL, without credentials that it may have held.
func (c *Client) URL() string {
	u, err := url.Parse(c.base)
	if err != nil {
		return redact.Text(c.base)
	}
	return u.Redacted()
}

// checkBase reports a base URL that cannot address a server.
func (c *Client) checkBase() error {
	u, err := url.Parse(c.base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("aw-server URL %q is not valid: set it like http://127.0.0.1:5600", c.URL())
	}
	return nil
}

// get fetches path (already escaped, e.g. "/api/0/buckets/") with query (may be nil) and
// returns the whole body of a 2xx answer.
func (c *Client) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	var body []byte
	err := c.read(ctx, path, query, func(r io.Reader) error {
		var err error
		body, err = io.ReadAll(r)
		return err
	})
	return body, err
}

// bodyReader is a 2xx answer's body that remembers its read error, so that an answer cut
// off (a transport failure) is told apart from one that arrived whole but unreadable.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// read fetches path (already escaped, e.g. "/api/0/buckets/") with query (may be nil) and
// hands the body of a 2xx answer to decode as it arrives (within the request's timeout). When
// reading the body fails, that is reported as a transport failure whatever decode returned;
// else decode's error comes back as it is.
func (c *Client) read(ctx context.Context, path string, query url.Values, decode func(io.Reader) error) error {
	if err := c.checkBase(); err != nil {
		return err
	}
	u, err := url.Parse(c.base + path)
	if err != nil {
		return fmt.Errorf("building request for aw-server at %s: %w", c.URL(), err)
	}
	if query != nil {
		// Encode escapes '+' as %2B: an offset sent raw would arrive as a space.
		u.RawQuery = query.Encode()
	}

	reqCtx := ctx
	if c.timeout > 0 {
		var cancel context.CancelFunc
		reqCtx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("building request for aw-server at %s: %w", c.URL(), err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "awcal")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(ctx, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return &HTTPError{
			URL:        c.URL(),
			Path:       path,
			StatusCode: resp.StatusCode,
			Message:    serverMessage(body),
		}
	}
	body := &bodyReader{r: resp.Body}
	err = decode(body)
	if body.err != nil {
		return c.transportError(ctx, path, body.err)
	}
	return err
}

// transportError turns a failed exchange into an error that says what to do. ctx is the
// caller's context: its own cancellation is reported as such, not as a timeout.
func (c *Client) transportError(ctx context.Context, path string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("asking aw-server at %s for %s: %w", c.URL(), path, ctxErr)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text repeats the URL
	}
	if isTimeout(err) {
		return &timeoutError{url: c.URL(), path: path, timeout: c.timeout, cause: err}
	}
	if isUnreachable(err) {
		return &unreachableError{url: c.URL(), cause: err}
	}
	return fmt.Errorf("reading %s from aw-server at %s (the connection failed: check that ActivityWatch is running, then try again): %w", path, c.URL(), err)
}
