package caldav

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// multistatus is a 207 answer (RFC 4918 §13) with only the properties awcal asks for.
type multistatus struct {
	Responses []msResponse `xml:"DAV: response"`
}

type msResponse struct {
	Href      string       `xml:"DAV: href"`
	Status    string       `xml:"DAV: status"`
	Propstats []msPropstat `xml:"DAV: propstat"`
}

type msPropstat struct {
	Status string `xml:"DAV: status"`
	Prop   msProp `xml:"DAV: prop"`
}

type msProp struct {
	ResourceType *struct {
		Calendar *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
	} `xml:"DAV: resourcetype"`
	DisplayName  string `xml:"DAV: displayname"`
	Color        string `xml:"http://apple.com/ns/ical/ calendar-color"`
	ComponentSet *struct {
		Comps []struct {
			Name string `xml:"name,attr"`
		} `xml:"urn:ietf:params:xml:ns:caldav comp"`
	} `xml:"urn:ietf:params:xml:ns:caldav supported-calendar-component-set"`
	ETag         string `xml:"DAV: getetag"`
	CalendarData string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
}

// statusOK reports whether a DAV:status line ("HTTP/1.1 200 OK") is a success; a missing one is.
func statusOK(status string) bool {
	f := strings.Fields(status)
	return len(f) < 2 || strings.HasPrefix(f[1], "2")
}

// props merges the properties of the response's successful propstats: a server lists the
// properties it does not have in a 404 propstat, as empty elements.
func (r *msResponse) props() (msProp, bool) {
	if !statusOK(r.Status) {
		return msProp{}, false
	}
	var p msProp
	found := false
	for _, ps := range r.Propstats {
		if !statusOK(ps.Status) {
			continue
		}
		found = true
		q := ps.Prop
		if q.ResourceType != nil {
			p.ResourceType = q.ResourceType
		}
		if q.ComponentSet != nil {
			p.ComponentSet = q.ComponentSet
		}
		p.DisplayName = first(p.DisplayName, q.DisplayName)
		p.Color = first(p.Color, q.Color)
		p.ETag = first(p.ETag, q.ETag)
		p.CalendarData = first(p.CalendarData, q.CalendarData)
	}
	return p, found
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// path is the response's href as a decoded absolute path, resolved against the request URL.
func (r *msResponse) path(req *url.URL) (string, error) {
	u, err := req.Parse(strings.TrimSpace(r.Href))
	if err != nil {
		return "", fmt.Errorf("the server answered with an invalid href %q: %w", r.Href, err)
	}
	return u.Path, nil
}

// multistatus sends a PROPFIND or REPORT with an XML body and reads the 207 answer.
func (t *transport) multistatus(ctx context.Context, method string, u *url.URL, depth, body string) (*multistatus, error) {
	req, err := t.request(ctx, method, u, []byte(xml.Header+body), "application/xml; charset=utf-8")
	if err != nil {
		return nil, err
	}
	req.Header.Set("Depth", depth)
	resp, err := t.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusMultiStatus {
		return nil, fmt.Errorf("%s %s: the server answered %s instead of 207 Multi-Status; is this a CalDAV server?",
			method, u.Redacted(), resp.Status)
	}
	var ms multistatus
	if err := xml.NewDecoder(resp.Body).Decode(&ms); err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", method, u.Redacted(), err)
	}
	return &ms, nil
}
