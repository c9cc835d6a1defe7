package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/awcal/awcal/internal/config"
)

// Server runs the feed for a config that may change: Apply starts, restarts or stops it.
// Its methods are safe for concurrent use.
type Server struct {
	log *slog.Logger

	mu      sync.Mutex
	running *running
}

type running struct {
	key  key
	srv  *http.Server
	done chan struct{}
}

// key is what a running feed depends on.
type key struct {
	path  string
	port  int
	token string
}

// NewServer returns a stopped feed server; log may be nil (slog.Default).
func NewServer(log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	return &Server{log: log}
}

// Apply makes the server follow cfg: serving its .ics calendar when the feed is enabled, not
// serving otherwise. It returns why it cannot serve (a CalDAV calendar, a port in use); the
// feed is then stopped.
func (s *Server) Apply(cfg config.Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := key{path: cfg.Calendar.Path, port: cfg.Feed.Port, token: cfg.Feed.Token}
	on := cfg.Feed.Enabled
	if s.running != nil && (!on || s.running.key != want || cfg.Calendar.Kind != config.CalendarICS) {
		s.stopLocked()
	}
	if !on || s.running != nil {
		return nil
	}
	if cfg.Calendar.Kind != config.CalendarICS {
		return errors.New("the subscription feed serves a local .ics calendar only: with CalDAV, subscribe calendar apps to the CalDAV calendar itself")
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(want.port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, errAddrInUse) {
			return fmt.Errorf("serving the subscription feed: port %d on 127.0.0.1 is in use (another awcal or another program); choose another port in Settings → Calendar (feed.port)", want.port)
		}
		return fmt.Errorf("serving the subscription feed on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: Handler(want.path, want.token), ReadHeaderTimeout: 10 * time.Second}
	r := &running{key: want, srv: srv, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("the subscription feed stopped", "error", err)
		}
	}()
	s.running = r
	// The URL may hold the token: log the port only.
	s.log.Info("serving the calendar to calendar apps", "port", want.port, "token", want.token != "")
	return nil
}

// Close stops serving.
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		s.stopLocked()
	}
}

func (s *Server) stopLocked() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.running.srv.Shutdown(ctx); err != nil {
		s.running.srv.Close()
	}
	<-s.running.done
	s.running = nil
}
