package caldavtest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/testreal"
)

// radicaleStartTimeout bounds Radicale's start (a Python program; about a second here).
const radicaleStartTimeout = 20 * time.Second

// StartRadicale starts a real Radicale (Debian package radicale, with apache2-utils for
// htpasswd) on a free port of 127.0.0.1: htpasswd authentication with a bcrypt password, the
// owner_only rights model, storage in a temporary folder, and one calendar. It skips the test
// when Radicale is not installed, or fails it under AWCAL_REQUIRE_REAL=1. Radicale stops when
// the test ends.
func StartRadicale(t testing.TB) *Server {
	t.Helper()
	for _, bin := range []string{"radicale", "htpasswd"} {
		if _, err := exec.LookPath(bin); err != nil {
			testreal.Missing(t, "%s is not installed (Debian: radicale apache2-utils python3-bcrypt)", bin)
		}
	}
	dir := t.TempDir()
	user, password := "alice", "pw-"+randomHex(8)
	users := filepath.Join(dir, "users")
	out, err := exec.Command("htpasswd", "-B", "-b", "-c", users, user, password).CombinedOutput()
	require.NoError(t, err, "htpasswd: %s", out)

	addr := freeAddr(t)
	config := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(config, []byte(fmt.Sprintf(`[server]
hosts = %s
[auth]
type = htpasswd
htpasswd_filename = %s
htpasswd_encryption = bcrypt
[rights]
type = owner_only
[storage]
filesystem_folder = %s
[logging]
level = warning
`, addr, users, filepath.Join(dir, "collections"))), 0o600))

	logs := &syncBuffer{}
	cmd := exec.Command("radicale", "--config", config)
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.Env = append(os.Environ(), "HOME="+dir) // no user config of the machine's
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		testreal.Stop(cmd.Process, done, 5*time.Second)
		if t.Failed() {
			t.Logf("radicale log:\n%s", logs)
		}
	})

	s := &Server{
		URL:             "http://" + addr + "/",
		Username:        user,
		Password:        password,
		Client:          &http.Client{Timeout: 30 * time.Second},
		PID:             cmd.Process.Pid,
		newCalendarPath: func(name string) string { return "/" + user + "/" + name + "/" },
	}
	s.mkcalendar = func(t testing.TB, p, name, color string) {
		t.Helper()
		props := "<D:displayname>" + escapeXML(name) + "</D:displayname>"
		if color != "" {
			props += "<A:calendar-color>" + escapeXML(color) + "</A:calendar-color>"
		}
		body := `<?xml version="1.0" encoding="utf-8"?>` +
			`<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">` +
			`<D:set><D:prop>` + props +
			`<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>` +
			`</D:prop></D:set></C:mkcalendar>`
		status, resp, _ := s.Do(t, "MKCALENDAR", p, http.Header{"Content-Type": {"application/xml; charset=utf-8"}}, body)
		require.Equal(t, http.StatusCreated, status, "MKCALENDAR %s: %s", p, resp)
	}
	waitForRadicale(t, s, done, func() string { return fmt.Sprintf("%v\n%s", waitErr, logs) })
	s.CalendarPath = s.NewCalendar(t, "awcal", "awcal test", "#3366CCFF")
	return s
}

// waitForRadicale polls with PROPFIND until Radicale answers.
// exitReport is called only after exited is closed, or for the log when time is up.
func waitForRadicale(t testing.TB, s *Server, exited <-chan struct{}, exitReport func() string) {
	t.Helper()
	deadline := time.Now().Add(radicaleStartTimeout)
	for {
		req, err := http.NewRequest("PROPFIND", s.URL, strings.NewReader(""))
		require.NoError(t, err)
		req.Header.Set("Depth", "0")
		req.SetBasicAuth(s.Username, s.Password)
		if resp, err := s.Client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusMultiStatus {
				return
			}
		}
		select {
		case <-exited:
			t.Fatalf("radicale exited while starting: %s", exitReport())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("radicale did not answer within %s", radicaleStartTimeout)
		}
	}
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func escapeXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
