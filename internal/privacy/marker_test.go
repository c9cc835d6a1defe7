package privacy

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"

	"github.com/awcal/awcal/internal/activity"
)

// The literal pre-check may skip the (?i) regular expression only if no title without a
// marker word matches it: Go's case folding must not map a non-ASCII rune onto a letter of the
// words (it does for k and s: K KELVIN SIGN, ſ LONG S).
func TestMarkerWordsFoldOnlyToASCII(t *testing.T) {
	for _, w := range markerWords {
		for _, r := range w {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				assert.Less(t, f, rune(0x80), "%q folds to %q", r, f)
			}
		}
	}
}

var markerTitles = []string{
	"", "main.go - awcal", "Anything — Mozilla Firefox Private Browsing", "x - Google Chrome (Incognito)",
	"x - Chromium (INCOGNITO)", "Incognito", "incognito  ", "InPrivate - Microsoft Edge", "inprivately",
	"PRIVATE browsing", "private  browsing", "Private", "privat", "İncognito", "ıncognito", "INCOGNİTO",
	"my incognitomode", "Private Browſing", "(incognito) ", "x incognito\t", "PrIvAtE BrOwSiNg — Firefox",
}

func TestMarkerPreCheckAgreesWithRegex(t *testing.T) {
	for _, title := range markerTitles {
		assert.Equal(t, privateWindowTitle.MatchString(title), hasPrivateMarker(title), "%q", title)
	}
}

func FuzzMarkerPreCheck(f *testing.F) {
	for _, title := range markerTitles {
		f.Add(title)
	}
	f.Fuzz(func(t *testing.T, title string) {
		if want, got := privateWindowTitle.MatchString(title), hasPrivateMarker(title); want != got {
			t.Fatalf("%q: regex %v, pre-check %v", title, want, got)
		}
	})
}

// Only tabs that can overlap a window event are compared with it: a long tab that started
// long before still counts.
func TestLongIncognitoTabStillHidesItsWindow(t *testing.T) {
	long := ev(0, map[string]any{"url": "https://long.example/", "title": "LONG-TAB", "incognito": true})
	long.Duration = 3 * 3600
	web := webBucket(long,
		ev(60, map[string]any{"url": "https://short.example/", "title": "SHORT-TAB", "incognito": true}))
	win := windowBucket(
		ev(150, map[string]any{"app": "Firefox", "title": "LONG-TAB — Mozilla Firefox"}),
		ev(150, map[string]any{"app": "Firefox", "title": "SHORT-TAB — Mozilla Firefox"}),
		ev(200, map[string]any{"app": "Firefox", "title": "LONG-TAB — Mozilla Firefox"}))
	out, st := mustNew(t, Settings{DropIncognito: true}).Apply([]activity.BucketEvents{web, win})
	var titles []string
	for _, e := range out[1].Events {
		titles = append(titles, e.Data["title"].(string))
	}
	assert.Equal(t, []string{"SHORT-TAB — Mozilla Firefox", "LONG-TAB — Mozilla Firefox"}, titles,
		"the window inside the long tab's time is hidden; the short tab ended long before 150, and the long one before 200")
	assert.Equal(t, 3, st.Incognito)
}
