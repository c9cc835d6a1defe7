// Package feed serves the .ics calendar to calendar apps on this computer: read-only HTTP on
// 127.0.0.1 at /awcal.ics (or /TOKEN/awcal.ics), with ETag and Last-Modified so that
// subscribers refresh cheaply. Calendar apps then follow the calendar instead of importing a
// copy once.
package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/awcal/awcal/internal/atomicfile"
	"github.com/awcal/awcal/internal/calendar"
	"github.com/awcal/awcal/internal/config"
)

// fileName is the last path segment of the feed's URL.
const fileName = "awcal.ics"

// URL is the address calendar apps subscribe to for f.
func URL(f config.Feed) string {
	u := "http://127.0.0.1:" + strconv.Itoa(f.Port) + "/"
	if f.Token != "" {
		u += f.Token + "/"
	}
	return u + fileName
}

// Handler serves the calendar file at path, read-only, under /awcal.ics, or /TOKEN/awcal.ics
// when token is set. Every other path is 404, so a wrong token reveals nothing; a request
// whose Host is not this computer's loopback name is 403 (a web page reaching it through DNS
// rebinding). Before the first sync, when the file does not exist yet, it serves an empty
// calendar, so that a subscription made at once works.
func Handler(path, token string) http.Handler {
	want := "/" + fileName
	if token != "" {
		want = "/" + token + want
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "awcal serves its calendar to this computer only: use http://127.0.0.1", http.StatusForbidden)
			return
		}
		if r.URL.Path != want {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the calendar feed is read-only", http.StatusMethodNotAllowed)
			return
		}
		data, mod, err := read(path)
		if err != nil {
			slog.Error("serving the calendar feed", "error", err)
			http.Error(w, "awcal cannot read its calendar file; see its log", http.StatusInternalServerError)
			return
		}
		sum := sha256.Sum256(data)
		h := w.Header()
		h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		// ServeContent answers If-None-Match and If-Modified-Since with 304, and HEAD.
		http.ServeContent(w, r, fileName, mod, bytes.NewReader(data))
	})
}

// emptyCalendar is what the feed serves before the first sync.
var emptyCalendar = []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" + calendar.ProdID + "\r\nEND:VCALENDAR\r\n")

// read returns the file's bytes and modification time, both from one open file (the store
// replaces the file by renaming, so an open file never changes under the reader; on Windows
// the open waits out that rename).
func read(path string) ([]byte, time.Time, error) {
	var f *os.File
	err := atomicfile.RetryBlocked(func() (err error) {
		f, err = os.Open(path)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return emptyCalendar, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, info.ModTime(), nil
}

// loopbackHost reports whether a Host header names this computer's loopback interface.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
