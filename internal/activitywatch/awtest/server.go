// Package awtest runs an in-memory aw-server (awfake) over HTTP for tests (httptest). It
// follows what the real servers do, so that a client that passes against it works against
// them: New starts the aw-server-rust flavour, NewPython the Python aw-server (aw-server +
// aw-core) flavour, whose differences awfake.Python lists. awfake documents the API and its
// semantics.
//
// Faults (SetFault) inject what real deployments do: error statuses, slow answers, invalid
// JSON and dropped connections.
package awtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awcal/awcal/internal/activitywatch/awfake"
)

// Flavour is which aw-server a Server behaves like.
type Flavour = awfake.Flavour

// The flavours (see awfake).
const (
	Rust   = awfake.Rust
	Python = awfake.Python
)

// Fault is a failure the server injects into matching requests.
type Fault struct {
	// Status answers with this HTTP status and a JSON error body (0 = no status fault).
	Status int
	// Delay waits this long before answering (or until the client gives up).
	Delay time.Duration
	// MalformedJSON answers 200 with a body that is not valid JSON.
	MalformedJSON bool
	// CloseConnection drops the connection without answering.
	CloseConnection bool
	// Path limits the fault to request paths with this prefix ("" = every request).
	Path string
	// Times is how many matching requests fail (0 = every one until ClearFault).
	Times int
}

// Server is a running fake aw-server: awfake's handler (AddBucket, AddEvents, SetSettings,
// RequireAPIKey…) behind an httptest server that can inject faults.
type Server struct {
	*awfake.Handler
	srv *httptest.Server

	mu       sync.Mutex
	fault    *Fault
	left     int // requests the fault still applies to, when fault.Times > 0
	requests int
	onHold   func() // tests: called when a Delay fault starts holding a request
}

// New starts a fake aw-server-rust; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	return NewFlavour(t, Rust)
}

// NewPython starts a fake Python aw-server; it is closed when the test ends.
func NewPython(t testing.TB) *Server {
	t.Helper()
	return NewFlavour(t, Python)
}

// NewFlavour starts a fake aw-server of the given flavour; it is closed when the test ends.
func NewFlavour(t testing.TB, f Flavour) *Server {
	t.Helper()
	s := &Server{Handler: awfake.New(f)}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// Every request's context ends with the test, so that closing never waits on a request a
	// Delay fault holds, whether or not its client hung up (and Wine 8 may never tell).
	ctx, cancel := context.WithCancel(context.Background())
	s.srv.Config.BaseContext = func(net.Listener) context.Context { return ctx }
	s.srv.Start()
	t.Cleanup(func() {
		cancel()
		s.srv.Close()
	})
	return s
}

// URL is the server's base URL (http://127.0.0.1:port).
func (s *Server) URL() string { return s.srv.URL }

// SetFault injects f into the following matching requests.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = &f
	s.left = f.Times
}

// ClearFault stops injecting faults.
func (s *Server) ClearFault() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = nil
}

// Requests is the number of requests received so far.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// takeFault returns the fault for a request to path, counting it down.
func (s *Server) takeFault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	f := s.fault
	if f == nil || !strings.HasPrefix(path, f.Path) {
		return nil
	}
	if f.Times > 0 {
		s.left--
		if s.left <= 0 {
			s.fault = nil
		}
	}
	return f
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if f := s.takeFault(r.URL.Path); f != nil && s.injure(w, r, f) {
		return
	}
	s.Handler.ServeHTTP(w, r)
}

// injure applies a fault; it reports whether the request is answered.
func (s *Server) injure(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Delay > 0 {
		s.mu.Lock()
		onHold := s.onHold
		s.mu.Unlock()
		if onHold != nil {
			onHold()
		}
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			// The client hung up or the test ended: drop the connection unanswered.
			panic(http.ErrAbortHandler)
		}
	}
	switch {
	case f.CloseConnection:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return true
	case f.Status != 0:
		writeError(w, f.Status, fmt.Sprintf("awtest fault: status %d", f.Status))
		return true
	case f.MalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id": 1, "timestamp": "2024-01-01T00:00:00Z", "dura`))
		return true
	}
	return false
}

func writeError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]string{"message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
