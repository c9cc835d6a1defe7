// Package faultproxy is an HTTP reverse proxy for tests that injects the failures real
// servers and networks produce — an error status, a slow answer, a dropped connection — into
// chosen requests, and records every request it sees. Put it in front of a CalDAV server
// (Radicale, or go-webdav in-process) to test how a client behaves when the server fails in
// the middle of a run.
package faultproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is a failure injected into matching requests.
type Fault struct {
	// Status answers with this HTTP status and a short text body instead of forwarding
	// (0 = forward).
	Status int
	// Header is added to a Status answer (e.g. Retry-After, WWW-Authenticate).
	Header http.Header
	// Delay waits this long before forwarding or answering, or until the client gives up.
	Delay time.Duration
	// Drop closes the connection without answering.
	Drop bool
	// Transform rewrites the body of the server's answer (e.g. to slip malformed items into
	// valid JSON); it applies when the fault neither answers itself nor drops.
	Transform func(body []byte) []byte
	// Method limits the fault to requests with this method ("" = every method).
	Method string
	// Path limits the fault to request paths with this prefix ("" = every path).
	Path string
	// Skip lets this many matching requests through untouched before the fault starts, so
	// that a run fails in its middle (after some writes succeeded).
	Skip int
	// Times is how many matching requests fail once the fault started (0 = every one until
	// Clear).
	Times int
}

// Request is one request the proxy received.
type Request struct {
	Method, Path string
	// Status is what the client got: the server's status, the injected one, or 0 for a
	// dropped connection.
	Status int
	// Faulted says whether a fault was injected.
	Faulted bool
	// At is when the request arrived, Duration how long the answer took (delays included).
	At       time.Time
	Duration time.Duration
}

// Proxy is a running fault-injecting reverse proxy.
type Proxy struct {
	srv *httptest.Server
	rp  *httputil.ReverseProxy

	mu      sync.Mutex
	fault   *Fault
	skipped int
	failed  int
	log     []Request

	// afterDrop, when set (by tests), runs after the proxy dropped a client's connection.
	afterDrop func()
}

// New starts a proxy to target (an http:// or https:// base URL; for https the proxy trusts
// the transport's roots, so pass transport from the server's test client, or nil for
// http.DefaultTransport). It stops when the test ends.
func New(t testing.TB, target string, transport http.RoundTripper) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		t.Fatalf("faultproxy: target %q is not an absolute URL: %v", target, err)
	}
	if transport == nil {
		transport = http.DefaultTransport
	}
	p := &Proxy{}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(&url.URL{Scheme: u.Scheme, Host: u.Host})
			r.Out.Host = u.Host
		},
		Transport:      transport,
		ModifyResponse: transformBody,
		// The proxy is transparent to the server's own failures: when the server drops the
		// connection (or cannot be reached), the client's connection is dropped too, as if
		// there were no proxy, rather than answered with a proxy's 502.
		// The drop waits until the request is logged (see forward), so a client that sees its
		// connection close finds the request in the log.
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if sw, ok := w.(*statusWriter); ok {
				sw.dropped = true
				return
			}
			drop(w)
		},
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the proxy's root URL (http://127.0.0.1:port/): use it in place of the server's root;
// request paths are forwarded unchanged.
func (p *Proxy) URL() string { return p.srv.URL + "/" }

// Set injects f into the following matching requests, replacing any earlier fault.
func (p *Proxy) Set(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.skipped, p.failed = &f, 0, 0
}

// Clear stops injecting faults.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = nil
}

// Requests returns the requests received so far, oldest first.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.log...)
}

// Injected is how many requests the current fault hit.
func (p *Proxy) Injected() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed
}

// take decides whether the request gets the fault, counting it.
func (p *Proxy) take(r *http.Request) *Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.fault
	if f == nil || (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) || !strings.HasPrefix(r.URL.Path, f.Path) {
		return nil
	}
	if p.skipped < f.Skip {
		p.skipped++
		return nil
	}
	if f.Times > 0 && p.failed >= f.Times {
		return nil
	}
	p.failed++
	return f
}

func (p *Proxy) record(r *http.Request, start time.Time, status int, faulted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, Request{Method: r.Method, Path: r.URL.Path, Status: status, Faulted: faulted, At: start,
		Duration: time.Since(start)})
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	f := p.take(r)
	if f == nil {
		p.forward(w, r, start, false)
		return
	}
	if f.Delay > 0 {
		// Read the request body first: only then does the server watch the connection, so
		// that a client giving up ends the wait.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			p.record(r, start, 0, true)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			p.record(r, start, 0, true)
			return
		}
	}
	switch {
	case f.Drop:
		p.record(r, start, 0, true)
		p.drop(w)
	case f.Status != 0:
		for k, v := range f.Header {
			w.Header()[k] = v
		}
		http.Error(w, fmt.Sprintf("faultproxy: injected %d %s", f.Status, http.StatusText(f.Status)), f.Status)
		p.record(r, start, f.Status, true)
	default: // forward, late or transformed
		if f.Transform != nil {
			r = r.WithContext(context.WithValue(r.Context(), transformKey{}, f.Transform))
		}
		p.forward(w, r, start, true)
	}
}

// forward passes the request to the server and logs it; when the server dropped the
// connection, the client's is dropped after the request is logged.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, start time.Time, faulted bool) {
	sw := &statusWriter{ResponseWriter: w}
	p.rp.ServeHTTP(sw, r)
	p.record(r, start, sw.code(), faulted)
	if sw.dropped {
		p.drop(w)
	}
}

// drop closes the client's connection without an answer.
func (p *Proxy) drop(w http.ResponseWriter) {
	drop(w)
	if p.afterDrop != nil {
		p.afterDrop()
	}
}

// drop closes a connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
		}
	}
}

type transformKey struct{}

// transformBody applies a fault's Transform to the server's answer.
func transformBody(resp *http.Response) error {
	tf, ok := resp.Request.Context().Value(transformKey{}).(func([]byte) []byte)
	if !ok {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body = tf(body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Del("Content-Encoding")
	return nil
}

// statusWriter remembers the status the server answered with (0 when the server dropped the
// connection: then dropped is set, and the client's connection is dropped once logged).
type statusWriter struct {
	http.ResponseWriter
	status  int
	dropped bool
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Flush passes streaming through (ReverseProxy flushes as it copies).
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) code() int {
	if s.dropped {
		return 0
	}
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}
