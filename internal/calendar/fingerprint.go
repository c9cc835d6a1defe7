package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/emersion/go-ical"
)

// FingerprintProperty holds a hash of everything awcal wrote into an event. An owned event whose
// content no longer hashes to it was changed by someone else — in practice the person, in a
// calendar app — and is locked (Event.Locked): awcal never writes over that correction.
const FingerprintProperty = "X-AWCAL-FINGERPRINT"

// LockProperty marks an event the person locked through awcal itself (approved or corrected in
// the review). It is one concept with an edit made in a calendar app: the event is the person's.
const LockProperty = "X-AWCAL-LOCKED"

// Event statuses (RFC 5545 STATUS) awcal writes.
const (
	StatusTentative = "TENTATIVE"
	StatusConfirmed = "CONFIRMED"
)

// unhashed are the properties a calendar app or server may touch without changing what the
// event says (stamps and revision counters), and the fingerprint itself.
var unhashed = map[string]bool{
	ical.PropDateTimeStamp: true, ical.PropCreated: true, ical.PropLastModified: true,
	ical.PropSequence: true, FingerprintProperty: true,
}

// fingerprint hashes a component as it reads: every property but the unhashed ones (name,
// parameters but VALUE, and the unescaped value, so that a server re-escaping or re-folding
// text changes nothing) in a canonical order, and every child component (an added VALARM
// changes it). Names are compared as they are: go-ical's decoder upper-cases property and
// parameter names, and awcal writes them upper-case. Every owned event read is hashed, so it
// appends to one buffer and sorts only names, and the lines of a property that occurs more
// than once.
func fingerprint(c *ical.Component) string {
	sum := sha256.Sum256(appendComponent(make([]byte, 0, 1024), c))
	return hex.EncodeToString(sum[:16])
}

func appendComponent(b []byte, c *ical.Component) []byte {
	names := make([]string, 0, len(c.Props))
	for name := range c.Props {
		if !unhashed[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	b = append(b, "BEGIN:"...)
	b = append(b, c.Name...)
	b = append(b, '\n')
	for _, name := range names {
		props := c.Props[name]
		if len(props) == 1 {
			b = appendProp(b, name, props[0])
			continue
		}
		lines := make([]string, len(props))
		for i, p := range props {
			lines[i] = string(appendProp(nil, name, p))
		}
		slices.Sort(lines)
		for _, l := range lines {
			b = append(b, l...)
		}
	}
	for _, child := range c.Children {
		b = appendComponent(b, child)
	}
	b = append(b, "END:"...)
	b = append(b, c.Name...)
	return append(b, '\n')
}

// appendProp appends one property as a canonical line.
func appendProp(b []byte, name string, p ical.Prop) []byte {
	b = append(b, name...)
	if len(p.Params) > 0 {
		params := make([]string, 0, len(p.Params))
		for k, vs := range p.Params {
			if k != ical.ParamValue {
				params = append(params, k+"="+strings.Join(vs, ","))
			}
		}
		slices.Sort(params)
		for _, kv := range params {
			b = append(b, ';')
			b = append(b, kv...)
		}
	}
	b = append(b, ':')
	b = append(b, unescapeText(p.Value)...)
	return append(b, '\n')
}

// setFingerprint sets ev's fingerprint to what its content hashes to now.
func setFingerprint(ev *ical.Event) {
	setXText(ev.Component, FingerprintProperty, fingerprint(ev.Component))
}

// editedByPerson reports whether ev carries a fingerprint its content no longer matches. An
// event without one (written before awcal kept fingerprints) counts as untouched.
func editedByPerson(ev *ical.Event) bool {
	p := ev.Props.Get(FingerprintProperty)
	return p != nil && p.Value != fingerprint(ev.Component)
}
