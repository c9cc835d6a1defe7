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
	DefaultTimeout   = 30 * time.Second
	DefaultPieceSize = 24 * time.Hour
)

// maxErrorBody bounds how much of an error answer is kept for the message.
const maxErrorBody = 4 << 10

// Client talks to one aw-server. It is safe for concurrent use.
type Client struct {
	base      string // without a trailing slash
	apiKey    string
	http      *http.Client
	timeout   time.Duration
	pieceSize time.Duration
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

// WithPieceSize sets the length of the pieces an event range is fetched in (DefaultPieceSize
// otherwise), so that one answer never holds an unbounded number of events. Zero or negative
// fetches a range in one request.
func WithPieceSize(d time.Duration) Option {
	return func(c *Client) { c.pieceSize = d }
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
		base:      strings.TrimRight(strings.TrimSpace(baseURL), "/"),
		http:      &http.Client{Transport: transport},
		timeout:   DefaultTimeout,
		pieceSize: DefaultPieceSize,
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
	if err := c.checkBase(); err != nil {
		return nil, err
	}
	u, err := url.Parse(c.base + path)
	if err != nil {
		return nil, fmt.Errorf("building request for aw-server at %s: %w", c.URL(), err)
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
		return nil, fmt.Errorf("building request for aw-server at %s: %w", c.URL(), err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "awcal")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, &HTTPError{
			URL:        c.URL(),
			Path:       path,
			StatusCode: resp.StatusCode,
			Message:    serverMessage(body),
		}
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, c.transportError(ctx, path, err)
	}
	return body, nil
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
