package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// webPage is a store that knows (or does not know) its calendar's web page.
type webPage string

func (w webPage) WebURL() string { return string(w) }

func TestCalendarPage(t *testing.T) {
	const server = "https://dav.example.com/remote.php/dav/"
	for _, tc := range []struct {
		name  string
		store any
		want  string
	}{
		{"the web page when the store knows it", webPage("https://dav.example.com/apps/calendar/"), "https://dav.example.com/apps/calendar/"},
		{"the server when it does not", webPage(""), server},
		{"the server when the calendar could not be opened", nil, server},
		{"the server for a store without web pages", struct{}{}, server},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, calendarPage(tc.store, server))
		})
	}
}
