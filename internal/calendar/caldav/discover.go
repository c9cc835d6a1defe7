package caldav

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"
)

// CalendarInfo is one calendar collection of the user's, as Discover lists it.
type CalendarInfo struct {
	// Path is the collection's absolute path on the server, ending in "/": what Open and
	// the config's calendarPath take.
	Path string
	// Name is the display name, or the last path segment when the server has none.
	Name string
	// Color is "#rrggbb" from the calendar-color property (Apple's iCal namespace, which
	// most servers and clients use), or "".
	Color string
	// Components lists the component types the calendar accepts ("VEVENT", "VTODO", …);
	// empty means the server did not say, which RFC 4791 reads as any.
	Components []string
}

// SupportsEvents reports whether awcal can write events into the calendar.
func (c CalendarInfo) SupportsEvents() bool {
	if len(c.Components) == 0 {
		return true
	}
	for _, comp := range c.Components {
		if strings.EqualFold(comp, "VEVENT") {
			return true
		}
	}
	return false
}

// Discover lists the user's calendars on the server at serverURL, sorted by name: it finds the
// current user's principal (at serverURL itself, then at /.well-known/caldav, RFC 6764), the
// principal's calendar home set, and the calendar collections in it. A wrong password gives
// an error matching ErrUnauthorized.
func Discover(ctx context.Context, serverURL string, creds Credentials, opts Options) ([]CalendarInfo, error) {
	base, err := parseServerURL(serverURL, opts.AllowPlainHTTP)
	if err != nil {
		return nil, err
	}
	t, err := newTransport(creds, opts)
	if err != nil {
		return nil, err
	}
	principal, err := findPrincipal(ctx, t, base)
	if err != nil {
		return nil, err
	}
	client, err := caldav.NewClient(t, base.String())
	if err != nil {
		return nil, fmt.Errorf("server URL %s: %w", base.Redacted(), err)
	}
	home, err := client.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		return nil, fmt.Errorf("finding the calendar home of %s on %s: %w", principal, base.Redacted(), err)
	}
	if home == "" {
		return nil, fmt.Errorf("finding the calendar home of %s on %s: the server names none; is this a CalDAV server?", principal, base.Redacted())
	}
	homeURL, err := collectionURL(base, home)
	if err != nil {
		return nil, fmt.Errorf("calendar home of %s: %w", principal, err)
	}
	cals, err := listCalendars(ctx, t, homeURL)
	if err != nil {
		return nil, fmt.Errorf("listing the calendars in %s: %w", homeURL.Redacted(), err)
	}
	return cals, nil
}

// findPrincipal asks for DAV:current-user-principal where the user pointed, then at the
// well-known URL. Failures that another URL cannot cure (wrong password, no answer, an
// untrusted certificate) end the search at once.
func findPrincipal(ctx context.Context, t *transport, base *url.URL) (string, error) {
	candidates := []string{base.String(), base.ResolveReference(&url.URL{Path: "/.well-known/caldav"}).String()}
	if base.Path == "/" {
		// Only a host was given: the well-known URL is the documented entry point.
		candidates[0], candidates[1] = candidates[1], candidates[0]
	}
	var errs []error
	for _, c := range candidates {
		client, err := webdav.NewClient(t, c)
		if err != nil {
			return "", fmt.Errorf("server URL %s: %w", base.Redacted(), err)
		}
		principal, err := client.FindCurrentUserPrincipal(ctx)
		if err == nil && principal != "" {
			return principal, nil
		}
		if err == nil {
			err = fmt.Errorf("%s names no current user", c)
		}
		if fatal(err) || ctx.Err() != nil {
			return "", fmt.Errorf("finding the current user on %s: %w", base.Redacted(), err)
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("finding the current user on %s: the server did not name one — check the server URL (awcal tried it and /.well-known/caldav): %w",
		base.Redacted(), errors.Join(errs...))
}

// fatal reports errors that trying another URL on the same server cannot cure.
func fatal(err error) bool {
	for _, e := range []error{ErrUnauthorized, ErrTimeout, ErrUntrustedCertificate, ErrUnreachable} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// listCalendarsBody asks for what CalendarInfo holds.
const listCalendarsBody = `<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">` +
	`<D:prop><D:resourcetype/><D:displayname/><A:calendar-color/><C:supported-calendar-component-set/></D:prop>` +
	`</D:propfind>`

// listCalendars lists the calendar collections directly inside home. go-webdav's
// FindCalendars does not ask for the colour, hence a PROPFIND of our own.
func listCalendars(ctx context.Context, t *transport, home *url.URL) ([]CalendarInfo, error) {
	ms, err := t.multistatus(ctx, "PROPFIND", home, "1", listCalendarsBody)
	if err != nil {
		return nil, err
	}
	var cals []CalendarInfo
	for _, r := range ms.Responses {
		p, ok := r.props()
		if !ok || p.ResourceType == nil || p.ResourceType.Calendar == nil {
			continue
		}
		href, err := r.path(home)
		if err != nil {
			return nil, err
		}
		if !strings.HasSuffix(href, "/") {
			href += "/"
		}
		info := CalendarInfo{Path: href, Name: strings.TrimSpace(p.DisplayName), Color: normalizeColor(p.Color)}
		if info.Name == "" {
			info.Name = path.Base(strings.TrimSuffix(href, "/"))
		}
		if p.ComponentSet != nil {
			for _, c := range p.ComponentSet.Comps {
				info.Components = append(info.Components, strings.ToUpper(c.Name))
			}
		}
		cals = append(cals, info)
	}
	sort.Slice(cals, func(i, j int) bool {
		if cals[i].Name != cals[j].Name {
			return cals[i].Name < cals[j].Name
		}
		return cals[i].Path < cals[j].Path
	})
	return cals, nil
}

// normalizeColor turns "#RRGGBB" or Apple's "#RRGGBBAA" into "#rrggbb"; anything else into "".
func normalizeColor(c string) string {
	c = strings.ToLower(strings.TrimSpace(c))
	if len(c) != 7 && len(c) != 9 || c[0] != '#' {
		return ""
	}
	for _, r := range c[1:] {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return ""
		}
	}
	return c[:7]
}
