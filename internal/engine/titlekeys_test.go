package engine

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/profile"
)

func TestCleanWindowTitle(t *testing.T) {
	for in, want := range map[string]string{
		"● syncer.go - awcal - Visual Studio Code":    "syncer.go - awcal",
		"syncer.go - awcal - Visual Studio Code":      "syncer.go - awcal",
		"*notes.txt - gedit":                          "notes.txt",
		"report.odt * - LibreOffice Writer":           "report.odt",
		"(3) Slack":                                   "Slack",
		"[12] Inbox - Mozilla Thunderbird":            "Inbox",
		"Go (programming language) — Mozilla Firefox": "Go (programming language)",
		"(1) Inbox - Gmail - Google Chrome":           "Inbox - Gmail",
		"Meet - Weekly sync":                          "Weekly sync",
		"Meet - kyt-mzqb-rvw":                         "",
		"Meet - kyt-mzqb-rvwx":                        "kyt-mzqb-rvwx",
		"• draft.md - Obsidian":                       "draft.md",
		"general (Channel) - Acme - Slack":            "general (Channel) - Acme",
		"Plain title":                                 "Plain title",
		"Firefox is a browser":                        "Firefox is a browser",
		"Release notes - Code":                        "Release notes - Code",
	} {
		assert.Equal(t, want, cleanWindowTitle(in), in)
	}
}

func TestProjectFromTitle(t *testing.T) {
	for in, want := range map[string]string{
		"syncer.go - awcal":              "awcal",
		"awcal – internal/engine/fsm.go": "awcal",
		"ann@laptop: ~/src/awcal":        "awcal",
		"ann@laptop: ~":                  "",
		"Untitled":                       "",
	} {
		assert.Equal(t, want, projectFromTitle(in), in)
	}
}

func TestTitleFromDominantEvidence(t *testing.T) {
	coding := profile.Profile{ID: "c", Name: "Coding", Threshold: 1, SoftBreak: 5, Enabled: true,
		TitleTemplate: "{app} - {title}", Primary: []profile.Rule{rule("window", "app", "Code")}}
	t.Run("the title with most minutes, unsaved markers folded", func(t *testing.T) {
		res := newEngine(t, []profile.Profile{coding}, Options{}).Derive(input(0, 120,
			win(0, 10, "Code", "title", "main.go - awcal - Visual Studio Code"),
			win(10, 30, "Code", "title", "● syncer.go - awcal - Visual Studio Code"),
			win(30, 40, "Code", "title", "syncer.go - awcal - Visual Studio Code"),
			win(40, 65, "Code", "title", "fsm.go - awcal - Visual Studio Code"),
		))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "Code - syncer.go - awcal", res.Blocks[0].Title,
			"syncer.go has 30 minutes in two spellings, fsm.go 25 in one: the first state (main.go) does not name the block")
	})
	t.Run("project from the editor, else from the titles", func(t *testing.T) {
		p := coding
		p.TitleTemplate = "Coding · {project}"
		p.Primary = append(p.Primary, rule("editor", "file", "."))
		res := newEngine(t, []profile.Profile{p}, Options{}).Derive(input(0, 120,
			win(0, 40, "Code", "title", "main.go - awcal - Visual Studio Code"),
			ev{"editor", 0, 10, kvs([]any{"file", "/home/ann/src/site/index.md", "project", "/home/ann/src/site"})},
			ev{"editor", 10, 40, kvs([]any{"file", "/home/ann/src/awcal/main.go", "project", "/home/ann/src/awcal"})},
		))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "Coding · awcal", res.Blocks[0].Title)

		res = newEngine(t, []profile.Profile{p}, Options{}).Derive(input(0, 120,
			win(0, 40, "Code", "title", "● main.go - awcal - Visual Studio Code")))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "Coding · awcal", res.Blocks[0].Title, "parsed from the window title")

		res = newEngine(t, []profile.Profile{p}, Options{}).Derive(input(0, 120, win(0, 40, "Code", "title", "Welcome")))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "Coding", res.Blocks[0].Title, "no project: the dangling separator goes")
	})
	t.Run("site", func(t *testing.T) {
		p := profile.Profile{ID: "r", Name: "Research", Threshold: 1, SoftBreak: 5, Enabled: true,
			TitleTemplate: "Research · {site}", Primary: []profile.Rule{{Bucket: "web", Field: "url", Pattern: "^https", Regex: true}}}
		res := newEngine(t, []profile.Profile{p}, Options{}).Derive(input(0, 120,
			win(0, 60, "Firefox"),
			web("firefox", 0, 15, "https://go.dev/doc", "title", "Docs"),
			web("firefox", 15, 50, "https://en.wikipedia.org/wiki/Go", "title", "Go"),
			web("firefox", 50, 60, "https://www.go.dev/blog", "title", "Blog"),
		))
		require.Len(t, res.Blocks, 1)
		assert.Equal(t, "Research · en.wikipedia.org", res.Blocks[0].Title)
	})
}

func TestOnlyBlockKeys(t *testing.T) {
	assert.True(t, onlyBlockKeys("Coding · {project}"))
	assert.True(t, onlyBlockKeys("Research · {SITE} {}"))
	assert.True(t, onlyBlockKeys("Plain"))
	assert.False(t, onlyBlockKeys("Meeting · {title}"))
	assert.False(t, onlyBlockKeys("{project} {app}"))
}

// trimAppSuffix must remove exactly what the expression removes.
func TestTrimAppSuffixIsTheExpression(t *testing.T) {
	for _, s := range []string{
		"", " - Firefox", "x - Firefox", "x -  Firefox  ", "x\t|\tSLACK\n", "x — Mozilla Firefox Private Browsing",
		"x – Firefox Developer Edition", "x - GNU Emacs", "x - Emacs", "a - Code - OSS", "a - b - Code - OSS",
		"y - Code - Visual Studio Code", "x - - Firefox", "x -Firefox", "x- Firefox", "x - firefoxx",
		"xfirefox", "x - Kate", "x - \u212aate", "x - Slac\u212a", "x - \u017flack", "x - Zoom Workplace",
		"x - Mozilla Firefox - Mozilla Firefox", "x \xe2 - Vim", "x\xe2\x80 - Vim", "x - Vim\xe2",
		"x \u00a0- Vim", "x\v- Vim", "x - Microsoft Teams ", "émigré — Thunderbird", "Release notes - Code",
	} {
		assert.Equal(t, appSuffix.ReplaceAllString(s, ""), trimAppSuffix(s), "%q", s)
	}
}

func FuzzTrimAppSuffix(f *testing.F) {
	for _, s := range []string{"x - Firefox", "a - Code - OSS", "x — Mozilla Firefox Private Browsing", "x - \u212aate", "x | slack \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if want := appSuffix.ReplaceAllString(s, ""); trimAppSuffix(s) != want {
			t.Fatalf("trimAppSuffix(%q) = %q, the expression gives %q", s, trimAppSuffix(s), want)
		}
	})
}

// collapseSpace must give what joining the fields gives.
func TestCollapseSpaceJoinsTheFields(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\u00a0b", "a \u2003b", "\u3000", "a\xffb", "\xff ",
		"Go (programming language) — Wikipedia", "x\n", "é è",
	} {
		assert.Equal(t, strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "), collapseSpace(s), "%q", s)
	}
}

// A tally gives the value with the most time, the first seen on a tie, listed or indexed.
func TestTallyTop(t *testing.T) {
	for _, n := range []int{1, maxListed, 3 * maxListed} {
		var tl tally
		for round := range 3 {
			for i := range n {
				tl.add(fmt.Sprint("v", i), int64(1+round*(i%3)))
			}
		}
		tl.add("", 1000)
		tl.add(activity.RedactedValue, 1000)
		want := "v0"
		if n > 2 {
			want = "v2" // 1 + 3 + 5 = 9, the first of the most
		}
		assert.Equal(t, want, tl.top(), "n=%d", n)
	}
	var empty tally
	assert.Equal(t, "", empty.top())
}
