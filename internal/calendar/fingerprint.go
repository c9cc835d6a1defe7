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
// changes it).
func fingerprint(c *ical.Component) string {
	h := sha256.New()
	writeComponent(h, c)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func writeComponent(w interface{ Write([]byte) (int, error) }, c *ical.Component) {
	var lines []string
	for name, props := range c.Props {
		name = strings.ToUpper(name)
		if unhashed[name] {
			continue
		}
		for _, p := range props {
			var sb strings.Builder
			sb.WriteString(name)
			var params []string
			for k, vs := range p.Params {
				if k = strings.ToUpper(k); k != ical.ParamValue {
					params = append(params, k+"="+strings.Join(vs, ","))
				}
			}
			slices.Sort(params)
			for _, kv := range params {
				sb.WriteString(";" + kv)
			}
			sb.WriteString(":" + unescapeText(p.Value))
			lines = append(lines, sb.String())
		}
	}
	slices.Sort(lines)
	_, _ = w.Write([]byte("BEGIN:" + strings.ToUpper(c.Name) + "\n"))
	for _, l := range lines {
		_, _ = w.Write([]byte(l + "\n"))
	}
	for _, child := range c.Children {
		writeComponent(w, child)
	}
	_, _ = w.Write([]byte("END:" + strings.ToUpper(c.Name) + "\n"))
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
