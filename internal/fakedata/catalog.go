package fakedata

// The catalog: the applications, window titles, files and web pages a generated person uses.
// Names follow what the real watchers report on Linux (X11 WM_CLASS for apps, the browser's
// window-title suffixes, aw-watcher-vscode's full paths and language ids).

type app int

const (
	appCode app = iota
	appGnomeTerminal
	appAlacritty
	appFirefox
	appChrome
	appSlack
	appThunderbird
	appZoom
	appTeams
	appWriter
	appObsidian
	numApps
)

var appNames = [numApps]string{
	appCode:          "Code",
	appGnomeTerminal: "gnome-terminal",
	appAlacritty:     "Alacritty",
	appFirefox:       "Firefox",
	appChrome:        "Google-chrome",
	appSlack:         "Slack",
	appThunderbird:   "Thunderbird",
	appZoom:          "zoom",
	appTeams:         "teams-for-linux",
	appWriter:        "LibreOffice Writer",
	appObsidian:      "Obsidian",
}

// appDwell scales how long one stay in an app tends to last, in tenths: people stay in an
// editor or a call longer than in a chat window.
var appDwell = [numApps]int64{
	appCode:          20,
	appGnomeTerminal: 9,
	appAlacritty:     9,
	appFirefox:       14,
	appChrome:        12,
	appSlack:         6,
	appThunderbird:   10,
	appZoom:          30,
	appTeams:         30,
	appWriter:        22,
	appObsidian:      12,
}

// appChange is the chance (per mille) that focusing an app also changes what it shows (another
// file, tab, channel or message) rather than coming back to the same window title.
var appChange = [numApps]int64{
	appCode:          300,
	appGnomeTerminal: 250,
	appAlacritty:     250,
	appFirefox:       450,
	appChrome:        300,
	appSlack:         400,
	appThunderbird:   350,
	appWriter:        100,
	appObsidian:      300,
}

type task int

const (
	taskCoding task = iota
	taskComms
	taskDocs
	taskResearch
	taskLeisure
	numTasks
)

// taskApps weighs which app gets the focus next during each kind of task. Chrome, the second
// browser, is rarely focused.
var taskApps = [numTasks][numApps]int64{
	taskCoding: {appCode: 45, appGnomeTerminal: 15, appAlacritty: 7, appFirefox: 17,
		appChrome: 1, appSlack: 8, appThunderbird: 2, appObsidian: 2},
	taskComms: {appCode: 4, appGnomeTerminal: 3, appFirefox: 20, appChrome: 1, appSlack: 35,
		appThunderbird: 30, appObsidian: 6},
	taskDocs: {appGnomeTerminal: 2, appFirefox: 24, appChrome: 1, appSlack: 9,
		appThunderbird: 5, appWriter: 42, appObsidian: 15},
	taskResearch: {appCode: 8, appGnomeTerminal: 4, appFirefox: 60, appChrome: 2, appSlack: 9,
		appThunderbird: 3, appObsidian: 12},
	taskLeisure: {appFirefox: 78, appSlack: 4, appThunderbird: 8, appObsidian: 10},
}

// callApps weighs the focus during the active moments of a call: mostly the call window, some
// chat and notes. The call's own app is added with callOwnWeight.
var callApps = [numApps]int64{appCode: 4, appFirefox: 8, appSlack: 15, appThunderbird: 8,
	appObsidian: 15}

const callOwnWeight = 50

// tab is what a web watcher reports about the active tab.
type tab struct {
	url, title string
	audible    bool
	incognito  bool
	count      int
}

type page struct{ url, title string }

// firefoxPages are the pages of the main browser, by task.
var firefoxPages = [numTasks][]page{
	taskCoding: {
		{"https://pkg.go.dev/time", "time package - time - Go Packages"},
		{"https://pkg.go.dev/net/http", "http package - net/http - Go Packages"},
		{"https://pkg.go.dev/sort#Slice", "sort package - sort - Go Packages"},
		{"https://github.com/awcal/awcal/pull/42", "Sweep-line slicer by alex · Pull Request #42 · awcal/awcal"},
		{"https://github.com/awcal/awcal/issues/7", "Engine: quiescent points · Issue #7 · awcal/awcal"},
		{"https://github.com/awcal/dashboard/actions/runs/9120", "ci · awcal/dashboard@3f2a9c1"},
		{"https://stackoverflow.com/questions/24987131/how-to-parse-unix-timestamp-to-time-time", "go - How to parse unix timestamp to time.Time - Stack Overflow"},
		{"https://go.dev/doc/effective_go", "Effective Go - The Go Programming Language"},
		{"https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Array/map", "Array.prototype.map() - JavaScript | MDN"},
		{"https://registry.terraform.io/providers/hashicorp/aws/latest/docs", "Docs overview | hashicorp/aws | Terraform Registry"},
		{"https://docs.activitywatch.net/en/latest/buckets-and-events.html", "Buckets and events — ActivityWatch documentation"},
	},
	taskComms: {
		{"https://calendar.google.com/calendar/u/0/r/week", "Google Calendar - Week view"},
		{"https://mail.google.com/mail/u/0/#inbox", "Inbox (3) - alex.moreau@gmail.com - Gmail"},
		{"https://acme.atlassian.net/wiki/spaces/ENG/overview", "Engineering - Confluence"},
		{"https://github.com/notifications", "Notifications"},
	},
	taskDocs: {
		{"https://docs.google.com/document/d/1p9XqT2vQk/edit", "Design review notes - Google Docs"},
		{"https://en.wikipedia.org/wiki/ICalendar", "iCalendar - Wikipedia"},
		{"https://www.rfc-editor.org/rfc/rfc5545", "RFC 5545: Internet Calendaring and Scheduling Core Object Specification (iCalendar)"},
		{"https://www.deepl.com/translator", "DeepL Translate: The world's most accurate translator"},
		{"https://acme.atlassian.net/wiki/spaces/ENG/pages/2211/Onboarding", "Onboarding - Engineering - Confluence"},
	},
	taskResearch: {
		{"https://news.ycombinator.com/", "Hacker News"},
		{"https://lobste.rs/", "Lobsters"},
		{"https://www.reddit.com/r/golang/", "r/golang"},
		{"https://arxiv.org/abs/2401.01234", "[2401.01234] Greedy interval scheduling revisited"},
		{"https://activitywatch.net/", "ActivityWatch - Open-source time tracker"},
		{"https://github.com/ActivityWatch/aw-watcher-web/issues", "Issues · ActivityWatch/aw-watcher-web"},
		{"https://en.wikipedia.org/wiki/Interval_scheduling", "Interval scheduling - Wikipedia"},
	},
	taskLeisure: {
		{"https://www.bbc.com/news", "Home - BBC News"},
		{"https://www.reddit.com/r/bicycletouring/", "r/bicycletouring"},
		{"https://en.wikipedia.org/wiki/Lighthouse", "Lighthouse - Wikipedia"},
		{"https://www.openstreetmap.org/#map=13/48.8566/2.3522", "OpenStreetMap"},
		{"https://www.youtube.com/", "YouTube"},
		{"https://www.seriouseats.com/pasta-recipes", "Pasta Recipes | Serious Eats"},
		{"https://news.ycombinator.com/", "Hacker News"},
	},
}

// PrivateMarker is in the title of every incognito tab the generator produces (and so in the
// window title of the private browser window), so privacy tests can search outputs for it.
const PrivateMarker = "PRIVATE-TAB"

var privatePages = []page{
	{"https://portal.health.example/claims/8812", PrivateMarker + " Claim 8812 status - Health Portal"},
	{"https://shop.example/gifts?for=sam", PrivateMarker + " Gift ideas for Sam - Shop"},
	{"https://careers.example/jobs/staff-engineer", PrivateMarker + " Staff Engineer - Careers"},
}

var chromePages = []page{
	{"https://acme.atlassian.net/jira/software/projects/AW/boards/1", "AW board - Agile Board - Jira"},
	{"https://grafana.acme.example/d/latency/api-latency", "API latency - Dashboards - Grafana"},
	{"http://localhost:5173/", "Dashboard (dev)"},
	{"https://admin.google.com/ac/users", "Users - Admin Console"},
}

var meetCodes = []string{"kyt-mzqb-rvw", "pdo-xhwa-fne", "qgr-tbnu-yzc", "wzx-cvjm-lkd"}

var videos = []page{
	{"https://www.youtube.com/watch?v=Xq2WXdGq5ZQ", "Fresh pasta from scratch - YouTube"},
	{"https://www.youtube.com/watch?v=oHg5SJYRHA0", "How lighthouses work - YouTube"},
	{"https://www.youtube.com/watch?v=f4x7kUmQp3w", "GopherCon 2025: Scheduling in Go - YouTube"},
}

type srcFile struct{ path, language string }

type project struct {
	name  string
	files []srcFile
}

var projects = []project{
	{"awcal", []srcFile{
		{"internal/engine/engine.go", "go"},
		{"internal/engine/slice.go", "go"},
		{"internal/engine/engine_test.go", "go"},
		{"internal/syncer/syncer.go", "go"},
		{"internal/calendar/ics/ics.go", "go"},
		{"internal/cli/sync.go", "go"},
		{"README.md", "markdown"},
		{"Makefile", "makefile"},
		{"go.mod", "go.mod"},
	}},
	{"dashboard", []srcFile{
		{"src/App.tsx", "typescriptreact"},
		{"src/components/Timeline.tsx", "typescriptreact"},
		{"src/api/client.ts", "typescript"},
		{"package.json", "json"},
		{"vite.config.ts", "typescript"},
	}},
	{"infra", []srcFile{
		{"main.tf", "terraform"},
		{"modules/db/variables.tf", "terraform"},
		{"scripts/deploy.sh", "shellscript"},
		{".github/workflows/ci.yml", "yaml"},
		{"Dockerfile", "dockerfile"},
	}},
}

// projectWeights: the main project gets most of the coding time.
var projectWeights = []int64{60, 25, 15}

var alacrittyTitles = []string{"Alacritty", "nvim", "htop", "ssh deploy@build-01", "lazygit"}

var slackTitles = []string{
	"general (Channel) - Acme - Slack",
	"dev (Channel) - Acme - Slack",
	"awcal (Channel) - Acme - Slack",
	"incidents (Channel) - Acme - Slack",
	"random (Channel) - Acme - Slack",
	"Dana Lee (DM) - Acme - Slack",
	"Sam Patel (DM) - Acme - Slack",
	"Threads - Acme - Slack",
}

var thunderbirdTitles = []string{
	"Inbox - alex@acme.example - Mozilla Thunderbird",
	"Re: Q1 planning - Mozilla Thunderbird",
	"Re: Release 0.4 checklist - Mozilla Thunderbird",
	"Write: Weekly status - Thunderbird",
	"Invoice January - Mozilla Thunderbird",
	"Sent - alex@acme.example - Mozilla Thunderbird",
}

var writerDocs = []string{"Q1-report.odt", "design-review.odt", "onboarding-guide.odt", "offsite-agenda.odt"}

var obsidianNotes = []string{"Meeting notes", "Ideas", "Reading list", "awcal roadmap"}

var teamsMeetings = []string{"Meeting with Dana Lee", "Sprint planning", "Architecture sync", "1:1 Robin / Alex"}
