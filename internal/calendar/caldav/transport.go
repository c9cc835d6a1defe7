package caldav

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// DefaultTimeout bounds one request (answer and body) when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// maxRedirects bounds the redirects followed for one request.
const maxRedirects = 5

// transport is the package's one way to the server, and go-webdav's HTTPClient: it adds the
// credentials, follows redirects within the server keeping the method (Go's client turns a
// redirected PROPFIND into a GET, and Radicale redirects /.well-known/caldav with a 301), and
// turns every non-2xx answer into an *HTTPError and every transport failure into a clear error.
type transport struct {
	client  *http.Client
	creds   Credentials
	timeout time.Duration
	// challenged is set once a server reached over an insecure connection (see insecure)
	// asked for the credentials with a 401: only then are they sent.
	challenged atomic.Bool
}

// newTransport builds the HTTP client: TLS verification always on, the trusted certificate
// added to the system roots, redirects handled by Do.
func newTransport(creds Credentials, opts Options) (*transport, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var client http.Client
	if opts.HTTPClient != nil {
		client = *opts.HTTPClient
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		// Keep a connection for each write an Apply has in flight.
		tr.MaxIdleConnsPerHost = maxParallelWrites
		if len(opts.TrustedCertPEM) > 0 {
			pool, err := x509.SystemCertPool()
			if err != nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(opts.TrustedCertPEM) {
				return nil, errors.New("reading the trusted certificate: no PEM certificate found in it")
			}
			tr.TLSClientConfig.RootCAs = pool
		}
		client.Transport = tr
	}
	if client.Timeout == 0 {
		client.Timeout = timeout
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &transport{client: &client, creds: creds, timeout: client.Timeout}, nil
}

// Do sends req and returns a 2xx answer, or an error.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	for hop := 0; ; hop++ {
		withCreds := t.creds.Username != "" && (!insecure(req.URL) || t.challenged.Load())
		if withCreds {
			req.SetBasicAuth(t.creds.Username, string(t.creds.Password))
		}
		resp, err := t.client.Do(req)
		if err != nil {
			return nil, t.failure(req, err)
		}
		slog.Debug("caldav request", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode)
		if resp.StatusCode == http.StatusUnauthorized && !withCreds && t.creds.Username != "" {
			// Over plain http the password goes only to a server that asks for it.
			resp.Body.Close()
			t.challenged.Store(true)
			if req, err = resend(req, req.URL); err != nil {
				return nil, err
			}
			continue
		}
		if loc := resp.Header.Get("Location"); loc != "" && isRedirect(resp.StatusCode) {
			resp.Body.Close()
			if req, err = redirected(req, loc, hop); err != nil {
				return nil, err
			}
			continue
		}
		if resp.StatusCode/100 != 2 {
			return nil, newHTTPError(req, resp)
		}
		return resp, nil
	}
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirected is req sent again, same method and body, to loc. Only redirects within the same
// scheme and host are followed, so credentials never go to another server or over plain HTTP.
func redirected(req *http.Request, loc string, hop int) (*http.Request, error) {
	target, err := req.URL.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("%s %s: the server redirected to an invalid address %q: %w", req.Method, redactURL(req), loc, err)
	}
	if target.Scheme != req.URL.Scheme || target.Host != req.URL.Host {
		return nil, fmt.Errorf("%s %s: the server redirected to %s on another server; use that address as the server URL",
			req.Method, redactURL(req), (&url.URL{Scheme: target.Scheme, Host: target.Host, Path: target.Path}).String())
	}
	if hop >= maxRedirects {
		return nil, fmt.Errorf("%s %s: the server redirected more than %d times", req.Method, redactURL(req), maxRedirects)
	}
	return resend(req, target)
}

// resend is req to be sent again, same method and body, to target.
func resend(req *http.Request, target *url.URL) (*http.Request, error) {
	next := req.Clone(req.Context())
	next.URL = target
	next.Host = ""
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, fmt.Errorf("%s %s: a request that cannot be sent twice had to be sent again", req.Method, redactURL(req))
		}
		var err error
		if next.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	return next, nil
}

// failure explains an error from the HTTP client (no answer at all).
func (t *transport) failure(req *http.Request, err error) error {
	what := req.Method + " " + redactURL(req)
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var urlErr *url.Error
	switch {
	case req.Context().Err() != nil:
		// The caller's deadline or cancellation: theirs to explain.
		return fmt.Errorf("%s: %w", what, err)
	case errors.As(err, &unknownCA):
		return fmt.Errorf("%s: %w (self-signed or from an unknown authority) — if you trust this server, save its certificate as a PEM file and choose it as the trusted certificate in Settings (trustedCertificate in config.json): %w",
			what, ErrUntrustedCertificate, err)
	case errors.As(err, &hostname):
		return fmt.Errorf("%s: %w: it was issued for another host name — check the server URL: %w", what, ErrUntrustedCertificate, err)
	case errors.As(err, &invalid):
		return fmt.Errorf("%s: %w: it is expired or not valid for a server — renew it on the server: %w", what, ErrUntrustedCertificate, err)
	case errors.As(err, &urlErr) && urlErr.Timeout():
		return fmt.Errorf("%s: %w (no answer within %s) — check the server URL and the network: %w", what, ErrTimeout, t.timeout, err)
	}
	return fmt.Errorf("%s: %w — check the server URL and that the server is running: %w", what, ErrUnreachable, err)
}

// request builds a request for u with an optional body.
func (t *transport) request(ctx context.Context, method string, u *url.URL, body []byte, contentType string) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}
