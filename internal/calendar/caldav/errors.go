package caldav

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/awcal/awcal/internal/calendar"
)

// Errors the package returns, to be tested with errors.Is. An *HTTPError matches the one for
// its status; its message starts with the request and ends with the text below.
var (
	// ErrUnauthorized: 401.
	ErrUnauthorized = errors.New("the CalDAV server refused the username or password; set it again with 'awcal password set' or in Settings")
	// ErrForbidden: 403.
	ErrForbidden = errors.New("the CalDAV server does not allow this account to do that; check the account's rights on the calendar")
	// ErrNotFound: 404 or 410, most often a calendar path that was deleted or moved.
	ErrNotFound = errors.New("not found on the CalDAV server; the calendar may have been deleted or moved — choose it again in Settings")
	// ErrInsufficientStorage: 507, the account's quota is full.
	ErrInsufficientStorage = errors.New("the CalDAV server is out of storage for this account; free space on the server and try again")
	// ErrServer: any 5xx (507 matches ErrInsufficientStorage too).
	ErrServer = errors.New("the CalDAV server failed; try again later, or ask its administrator")
	// ErrTimeout: the server did not answer within Options.Timeout.
	ErrTimeout = errors.New("the CalDAV server did not answer in time")
	// ErrUnreachable: no connection to the server (refused, no route, unknown host).
	ErrUnreachable = errors.New("cannot reach the CalDAV server")
	// ErrUntrustedCertificate: TLS verification failed (self-signed, unknown authority,
	// expired, or issued for another host). Verification is never turned off.
	ErrUntrustedCertificate = errors.New("the CalDAV server's TLS certificate is not trusted")
	// ErrPlainHTTP: a plain http:// server URL to another machine, which the person has not
	// allowed (Options.AllowPlainHTTP).
	ErrPlainHTTP = errors.New("the CalDAV server URL is not encrypted")
)

// conflictHint is what a 409 or 412 means to awcal: its version of the event is stale.
const conflictHint = "the event changed on the CalDAV server since it was read; the next sync reads it again, or try again now"

// HTTPError is a non-2xx answer from the server. It matches ErrUnauthorized, ErrForbidden,
// ErrNotFound, ErrInsufficientStorage and ErrServer by status, and calendar.ErrConflict for
// 409 and 412 (a conditional write refused).
type HTTPError struct {
	Method string
	// URL of the request; it never holds credentials (they travel in a header).
	URL    string
	Status int
	// Detail is the start of the server's own text or XML explanation, if it sent one.
	Detail string
}

// Error says what was asked, what the server answered and what to do about it.
func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if hint := e.hint(); hint != "" {
		b.WriteString(": ")
		b.WriteString(hint)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, " (the server said: %s)", e.Detail)
	}
	return b.String()
}

func (e *HTTPError) hint() string {
	for _, s := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrInsufficientStorage, ErrServer} {
		if e.Is(s) {
			return s.Error()
		}
	}
	if e.Is(calendar.ErrConflict) {
		return conflictHint
	}
	return ""
}

// Is matches the package's sentinels by status.
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound || e.Status == http.StatusGone
	case ErrInsufficientStorage:
		return e.Status == http.StatusInsufficientStorage
	case ErrServer:
		return e.Status >= 500 && e.Status <= 599
	case calendar.ErrConflict:
		return e.Status == http.StatusConflict || e.Status == http.StatusPreconditionFailed
	}
	return false
}

// maxDetail bounds how much of the server's explanation goes into an error message.
const maxDetail = 200

// newHTTPError reads the start of resp's body (text or XML only; HTML pages are noise) and
// closes it.
func newHTTPError(req *http.Request, resp *http.Response) *HTTPError {
	defer resp.Body.Close()
	e := &HTTPError{Method: req.Method, URL: redactURL(req), Status: resp.StatusCode}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "text/plain" || mt == "text/xml" || mt == "application/xml" {
		buf := make([]byte, 4*maxDetail)
		n, _ := io.ReadFull(resp.Body, buf)
		detail := strings.Join(strings.Fields(strings.ToValidUTF8(string(buf[:n]), "")), " ")
		if r := []rune(detail); len(r) > maxDetail {
			detail = string(r[:maxDetail]) + "…"
		}
		e.Detail = detail
	}
	return e
}

// redactURL is req's URL without any user information.
func redactURL(req *http.Request) string {
	u := *req.URL
	u.User = nil
	return u.String()
}

// uidConflict reports whether err is a server's refusal of a resource whose UID another
// resource of the calendar holds (RFC 4791 §5.3.2.1, the no-uid-conflict precondition, which
// servers answer with 403 or 409).
func uidConflict(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusForbidden || he.Status == http.StatusConflict) &&
		strings.Contains(he.Detail, "no-uid-conflict")
}

// unsupportedFilter reports whether err is a server's refusal of a calendar-query filter it
// does not support: 403 with the supported-filter precondition (RFC 4791 §7.7), or 501.
func unsupportedFilter(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusNotImplemented ||
		he.Status == http.StatusForbidden && strings.Contains(he.Detail, "supported-filter"))
}
