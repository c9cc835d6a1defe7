// Package redact hides the credentials a URL may carry (scheme://user:password@host) in URLs
// and in whole messages, including URLs that do not parse, where net/url's Redacted cannot
// help: an error about a bad URL must not repeat its password.
package redact

import (
	"net/url"
	"strings"
)

// Mask replaces the user information of a URL.
const Mask = "xxxxx"

// stops end a URL inside a message.
const stops = " \t\r\n\"'<>`"

// Text returns s with the user information of every URL in it replaced by Mask. A URL that
// parses loses what net/url calls its user information (everything before the last '@' of the
// authority); one that does not parse loses everything up to its last '@', which may hide
// more than the credentials but never less.
func Text(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start := i + len("://")
		end := len(s)
		if j := strings.IndexAny(s[start:], stops); j >= 0 {
			end = start + j
		}
		b.WriteString(s[:start])
		b.WriteString(authority(s[start:end]))
		s = s[end:]
	}
}

// authority redacts the user information at the start of rest, the text after "://".
func authority(rest string) string {
	at := strings.LastIndex(rest, "@")
	if _, err := url.Parse("x://" + rest); err == nil {
		auth := rest
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			auth = rest[:j]
		}
		at = strings.LastIndex(auth, "@")
	}
	if at < 0 {
		return rest
	}
	return Mask + rest[at:]
}

// HasCredentials reports whether s holds a URL with user information (Text would change it).
func HasCredentials(s string) bool { return Text(s) != s }
