package activitywatch_test

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/activitywatch/awtest"
)

// TestEventsKeepConnectionsAlive: two days read in pieces of an hour (48 requests, two under way
// at a time) go over a handful of kept connections, each with TCP_NODELAY and keep-alive set on
// the client's side, so a small request is never held back waiting for an acknowledgement.
func TestEventsKeepConnectionsAlive(t *testing.T) {
	s := awtest.New(t)
	s.AddEvents("w", randomEvents(rand.New(rand.NewPCG(9, 9)), 500, 2)...)
	var (
		mu       sync.Mutex
		accepted int
	)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { proxy(t, w, r, s.URL()) }))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			mu.Lock()
			accepted++
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	var (
		used     int
		reused   int
		noDelay  = true
		keepDead bool // some connection without keep-alive
	)
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		mu.Lock()
		defer mu.Unlock()
		used++
		if info.Reused {
			reused++
			return
		}
		tcp, ok := info.Conn.(*net.TCPConn)
		if !ok {
			t.Errorf("connection is a %T, not TCP", info.Conn)
			return
		}
		raw, err := tcp.SyscallConn()
		require.NoError(t, err)
		require.NoError(t, raw.Control(func(fd uintptr) {
			nd, err := syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_NODELAY)
			noDelay = noDelay && err == nil && nd != 0
			ka, err := syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
			keepDead = keepDead || err != nil || ka == 0
		}))
	}}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	_, err := activitywatch.New(srv.URL, activitywatch.WithPieceSize(time.Hour)).Events(ctx, "w", t0, t0.Add(48*time.Hour))
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, used, 48, "an hour a request")
	assert.LessOrEqual(t, accepted, 10, "connections are kept and reused (at most two under way, eight kept idle)")
	assert.GreaterOrEqual(t, reused, used-accepted)
	assert.True(t, noDelay, "TCP_NODELAY on every connection")
	assert.False(t, keepDead, "keep-alive on every connection")
}
