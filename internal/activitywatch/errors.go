package activitywatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// Sentinel errors, for errors.Is.
var (
	// ErrUnreachable: nothing answers at the URL (connection refused, unknown host, no route).
	ErrUnreachable = errors.New("aw-server is not reachable")
	// ErrTimeout: aw-server did not answer within the per-request timeout.
	ErrTimeout = errors.New("aw-server did not answer in time")
	// ErrUnauthorized: aw-server refused the API key (HTTP 401 or 403).
	ErrUnauthorized = errors.New("aw-server refused the API key")
)

type unreachableError struct {
	url   string
	cause error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("aw-server is not reachable at %s — is ActivityWatch running? (%v)", e.url, e.cause)
}

func (e *unreachableError) Unwrap() []error { return []error{ErrUnreachable, e.cause} }

type timeoutError struct {
	url     string
	path    string
	timeout time.Duration
	cause   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("aw-server at %s did not answer %s within %v — it may be busy; try again, or raise the timeout", e.url, e.path, e.timeout)
}

func (e *timeoutError) Unwrap() []error { return []error{ErrTimeout, e.cause} }

// HTTPError is an answer from aw-server with a status outside 2xx.
type HTTPError struct {
	URL        string // the server's base URL
	Path       string // the request path
	StatusCode int
	// Message is aw-server's explanation: the "message" of its JSON error body, or the start
	// of the body as text.
	Message string
}

func (e *HTTPError) Error() string {
	status := fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	var b strings.Builder
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		fmt.Fprintf(&b, "aw-server at %s refused %s (%s): the API key is missing or wrong — use the api_key of aw-server's config.toml [auth] section", e.URL, e.Path, status)
	default:
		fmt.Fprintf(&b, "aw-server at %s answered %s for %s", e.URL, status, e.Path)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.StatusCode >= 500 {
		b.WriteString(" — aw-server failed; check its log or restart ActivityWatch, then try again")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrUnauthorized) hold for 401 and 403.
func (e *HTTPError) Is(target error) bool {
	return target == ErrUnauthorized &&
		(e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// BucketNotFoundError says that a configured bucket id does not exist, and which ones do.
type BucketNotFoundError struct {
	ID       string
	Existing []string // sorted
}

func (e *BucketNotFoundError) Error() string {
	if len(e.Existing) == 0 {
		return fmt.Sprintf("bucket %q does not exist: aw-server has no buckets yet — are the watchers running?", e.ID)
	}
	return fmt.Sprintf("bucket %q does not exist: pick one of %s", e.ID, strings.Join(e.Existing, ", "))
}

// serverMessage extracts aw-server's explanation from an error body: {"message": "..."} from
// both servers, else the text itself, on one line.
func serverMessage(body []byte) string {
	var m struct {
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(body, &m) == nil && len(m.Message) > 0 {
		var s string
		if json.Unmarshal(m.Message, &s) == nil {
			return s
		}
		return string(m.Message)
	}
	s := strings.Join(strings.Fields(string(body)), " ")
	const max = 300
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EADDRNOTAVAIL} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
