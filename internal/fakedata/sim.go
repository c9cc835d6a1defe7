package fakedata

import (
	"path"
	"sort"
	"strconv"
	"time"
)

// The watchers, emulated over a day's phases (plan.go):
//   - aw-watcher-window polls every second and sends a heartbeat; equal data within the 2 s
//     pulse time extends the last event, anything else starts a new one. So consecutive events
//     are about one poll (1.00–1.06 s) apart, and a window seen by a single poll gives a
//     zero-duration event. While nobody touches the computer the focused window keeps being
//     reported, until the screen locks.
//   - aw-watcher-web reports the active tab of its browser whether or not the browser has the
//     focus, and stops within a minute of the last input unless the tab is audible.
//   - aw-watcher-vscode sends heartbeats while the person works in the editor.
//   - aw-watcher-afk is derived from the input spans in generator.afk.

const user = "alex"

// browser is one web watcher and the state of its browser.
type browser struct {
	bucket int
	open   bool
	tab    tab
	rec    bool // the bucket's last event is open: the watcher is reporting
}

type daySim struct {
	g  *generator
	r  *rng
	in Intensity

	y         int
	m         time.Month
	dd        int
	loc       *time.Location
	dayEnd    int64 // Unix ms
	date      string
	lockAfter int64 // ms without input before the screen locks

	phases []phase
	tasks  []taskSpan

	// window watcher
	haveWindow bool
	lastApp    app
	windowEnd  int64
	carry      bool // after a stretch without input the person comes back to the same window

	// what each app shows
	proj, file  int
	dirty       bool
	term, alac  int
	slack, mail int
	doc, note   int
	ff, chrome  browser
	savedTab    tab // the tab a Meet call replaced
	publicTab   tab // the tab the person left for a private window
	privateLeft int
}

func (g *generator) day(from, to time.Time) {
	y, m, dd := from.Date()
	dayNumber := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix() / 86400
	r := newRNG(g.opts.Seed, dayNumber, g.opts.Intensity)
	d := &daySim{
		g: g, r: r, in: g.opts.Intensity,
		y: y, m: m, dd: dd, loc: from.Location(),
		dayEnd:    to.UnixMilli(),
		date:      from.Format(time.DateOnly),
		lockAfter: 300*second + r.intn(5*second),
		ff:        browser{bucket: bucketFirefox},
		chrome:    browser{bucket: bucketChrome},
	}
	d.proj = r.weighted(projectWeights)
	d.file = r.pick(len(projects[d.proj].files))
	if wd := from.Weekday(); wd == time.Saturday || wd == time.Sunday {
		d.privateLeft = int(r.intn(2))
		d.planWeekend()
	} else {
		if r.chance(250) {
			d.privateLeft = 1
		}
		d.planWorkday()
	}
	d.run()
}

func (d *daySim) run() {
	for i := range d.phases {
		p := &d.phases[i]
		switch p.kind {
		case phaseWork, phaseMeeting:
			d.input(p)
		case phaseAway:
			d.idle(p, true)
		case phaseListen:
			d.idle(p, false)
		}
	}
	d.ff.stop(d, d.dayEnd)
	d.chrome.stop(d, d.dayEnd)
}

func (d *daySim) taskAt(t int64) task {
	i := sort.Search(len(d.tasks), func(i int) bool { return d.tasks[i].start > t })
	if i == 0 {
		if len(d.tasks) == 0 {
			return taskLeisure
		}
		return d.tasks[0].kind
	}
	return d.tasks[i-1].kind
}

// slot is one planned window event of an input phase.
type slot struct {
	a      app
	change bool  // the app shows something new (another file, tab, channel)
	join   bool  // the call window that starts a call
	weight int64 // share of the phase's time; 0 is a window seen by one poll only
}

const zeroPerMille = 340

func (d *daySim) input(p *phase) {
	g := d.g
	if n := len(g.inputs); n > 0 && g.inputs[n-1].end == p.start {
		g.inputs[n-1].end = p.end
	} else {
		g.inputs = append(g.inputs, span{p.start, p.end})
	}
	if !d.ff.open {
		d.ff.open = true
		pages := firefoxPages[d.taskAt(p.start)]
		d.ff.tab = tab{url: pages[0].url, title: pages[0].title, count: int(d.r.between(5, 14))}
	}
	d.ff.resume(d, p.start)
	d.chrome.resume(d, p.start)

	slots := d.slots(p)
	lead := int64(0)
	if d.haveWindow && d.windowEnd == p.start {
		lead = d.pollGap()
	}
	gaps := make([]int64, len(slots))
	for i := range gaps {
		gaps[i] = d.pollGap()
	}
	avail := func() (avail, nonzero, weights int64) {
		avail = p.end - p.start - lead
		for i, s := range slots {
			if i < len(slots)-1 {
				avail -= gaps[i]
			}
			if s.weight > 0 {
				avail -= second
				nonzero++
				weights += s.weight
			}
		}
		return avail, nonzero, weights
	}
	if _, nonzero, _ := avail(); nonzero == 0 {
		slots[0].weight = d.shape() * appDwell[slots[0].a]
	}
	left, _, weights := avail()
	for left < 0 && len(slots) > 1 {
		slots = append(slots[:len(slots)-2], slots[len(slots)-1])
		left, _, weights = avail()
	}
	left = max(left, 0)

	lastNonzero := -1
	for i, s := range slots {
		if s.weight > 0 {
			lastNonzero = i
		}
	}
	t := p.start + lead
	given := int64(0)
	for i, s := range slots {
		dur := int64(0)
		if s.weight > 0 {
			extra := left * s.weight / weights
			if i == lastNonzero {
				extra = left - given
			}
			given += extra
			dur = second + extra
		}
		d.emit(p, s, t, t+dur)
		t += dur
		if i < len(slots)-1 {
			t += gaps[i]
		}
	}
	if p.callEnd {
		d.leaveCall(p.call, p.end)
	}
}

// pollGap is the time between the end of one window event and the start of the next: one
// poll interval plus the watcher's loop overhead.
func (d *daySim) pollGap() int64 { return second + d.r.intn(61) }

// shape draws the relative length of a window event: most are a few seconds, a few last many
// minutes. The phase's time is shared out in proportion.
func (d *daySim) shape() int64 {
	r := d.r
	switch r.weighted([]int64{45, 30, 18, 7}) {
	case 0:
		return r.between(200, 5*second)
	case 1:
		return r.between(5*second, 30*second)
	case 2:
		return r.between(30*second, 3*minute)
	default:
		return r.between(3*minute, 15*minute)
	}
}

func (d *daySim) slots(p *phase) []slot {
	out := make([]slot, 0, p.k)
	prev, has := d.lastApp, d.haveWindow
	inCall := p.kind == phaseMeeting
	for i := range p.k {
		var s slot
		switch {
		case inCall && i == 0 && p.callStart:
			s = slot{a: p.call.app, join: true}
		case i == 0 && d.carry && has && (inCall || (prev != appZoom && prev != appTeams)):
			s = slot{a: prev}
		case inCall && i == p.k-1:
			s = slot{a: p.call.app}
		default:
			zero := d.r.chance(zeroPerMille)
			t := p.start + (p.end-p.start)*int64(i)/int64(p.k)
			s.a = d.choose(p, t, prev, has && (zero || !d.canChange(p, prev)))
			s.change = !zero && d.canChange(p, s.a) && (s.a == prev || d.r.chance(appChange[s.a]))
			if zero {
				out = append(out, s)
				prev, has = s.a, true
				continue
			}
		}
		s.weight = d.shape() * appDwell[s.a]
		out = append(out, s)
		prev, has = s.a, true
	}
	return out
}

// canChange: call windows keep their title, and Firefox keeps the tab of a call in it.
func (d *daySim) canChange(p *phase, a app) bool {
	if a == appZoom || a == appTeams {
		return false
	}
	return !(a == appFirefox && p.call != nil && p.call.tab != nil)
}

// choose draws the next focused app for the task (or call) at t, other than prev if exclude.
func (d *daySim) choose(p *phase, t int64, prev app, exclude bool) app {
	var w [numApps]int64
	switch {
	case p.kind == phaseMeeting && p.call.video:
		w = taskApps[taskLeisure]
		w[p.call.app] += callOwnWeight
	case p.kind == phaseMeeting:
		w = callApps
		w[p.call.app] += callOwnWeight
	default:
		w = taskApps[d.taskAt(t)]
	}
	if exclude {
		w[prev] = 0
	}
	if w == ([numApps]int64{}) {
		return appFirefox
	}
	return app(d.r.weighted(w[:]))
}

func (d *daySim) emit(p *phase, s slot, start, end int64) {
	if s.join && p.call.tab != nil {
		d.savedTab = d.ff.tab
		t := *p.call.tab
		t.count = d.savedTab.count + 1
		d.ff.setTab(d, start, t)
	}
	if s.a == appChrome && !d.chrome.open {
		d.chrome.open = true
		pg := chromePages[d.r.pick(len(chromePages))]
		d.chrome.tab = tab{url: pg.url, title: pg.title, count: int(d.r.between(2, 6))}
		d.chrome.resume(d, start)
	} else if s.change {
		d.change(s.a, d.taskAt(start), start)
	}
	d.window(start, end, s.a, d.title(s.a, p))
	if s.a == appCode && end > start {
		d.editor(start, end)
	}
	d.lastApp, d.haveWindow, d.carry = s.a, true, false
}

// leaveCall: a Meet tab is closed (Firefox shows the tab from before the call again); a video
// stops playing.
func (d *daySim) leaveCall(c *call, at int64) {
	if c.tab == nil {
		return
	}
	if c.app == appFirefox && c.tab.url != d.ff.tab.url {
		return
	}
	t := d.ff.tab
	if c.video {
		t.audible = false
	} else {
		t = d.savedTab
	}
	d.ff.setTab(d, at, t)
}

// idle: nobody touches the computer. The focused window is still reported until the screen
// locks (never during a call or a video); web watchers stop unless their tab is audible.
func (d *daySim) idle(p *phase, locks bool) {
	if d.haveWindow && d.windowEnd == p.start {
		end := p.end
		if locks && p.end-p.start > d.lockAfter {
			end = p.start + d.lockAfter
		}
		evs := d.g.events[bucketWindow]
		evs[len(evs)-1].end = end
		d.windowEnd = end
	}
	d.carry = true
	for _, b := range []*browser{&d.ff, &d.chrome} {
		if b.rec && !b.tab.audible {
			b.stop(d, min(p.start+d.r.between(20*second, 60*second), p.end))
		}
	}
}

// window records one heartbeat-merged window event.
func (d *daySim) window(start, end int64, a app, title string) {
	key := appNames[a] + "\x00" + title
	evs := d.g.events[bucketWindow]
	if n := len(evs); n > 0 && evs[n-1].key == key && start-evs[n-1].end <= 2*second {
		evs[n-1].end = max(evs[n-1].end, end)
		d.windowEnd = evs[n-1].end
		return
	}
	d.g.add(bucketWindow, start, end, key, map[string]any{"app": appNames[a], "title": title})
	d.windowEnd = end
}

// editor records aw-watcher-vscode's view of a stay in VS Code; heartbeats for the same file
// within 20 s merge.
func (d *daySim) editor(start, end int64) {
	pr := projects[d.proj]
	f := pr.files[d.file]
	root := "/home/" + user + "/src/" + pr.name
	file := root + "/" + f.path
	evs := d.g.events[bucketEditor]
	if n := len(evs); n > 0 && evs[n-1].key == file && start-evs[n-1].end <= 20*second {
		evs[n-1].end = end
		return
	}
	d.g.add(bucketEditor, start, end, file, map[string]any{"file": file, "project": root, "language": f.language})
}

// other returns a random index in [0, n) different from cur (when n > 1).
func (d *daySim) other(cur, n int) int {
	if n < 2 {
		return 0
	}
	return (cur + 1 + d.r.pick(n-1)) % n
}

// change makes app a show something else: another file, tab, channel, message or note.
func (d *daySim) change(a app, tk task, at int64) {
	r := d.r
	switch a {
	case appCode:
		switch x := r.intn(1000); {
		case x < 60:
			d.proj = d.other(d.proj, len(projects))
			d.file = r.pick(len(projects[d.proj].files))
		case x < 300:
			d.dirty = !d.dirty
		default:
			d.file = d.other(d.file, len(projects[d.proj].files))
			d.dirty = false
		}
	case appGnomeTerminal:
		d.term = d.other(d.term, 3)
	case appAlacritty:
		d.alac = d.other(d.alac, len(alacrittyTitles))
	case appFirefox:
		d.ff.setTab(d, at, d.newFirefoxTab(tk))
	case appChrome:
		t := d.chrome.tab
		cur := 0
		for i, pg := range chromePages {
			if pg.url == t.url {
				cur = i
			}
		}
		pg := chromePages[d.other(cur, len(chromePages))]
		t.url, t.title = pg.url, pg.title
		d.chrome.setTab(d, at, t)
	case appSlack:
		d.slack = d.other(d.slack, len(slackTitles))
	case appThunderbird:
		d.mail = d.other(d.mail, len(thunderbirdTitles))
	case appWriter:
		d.doc = d.other(d.doc, len(writerDocs))
	case appObsidian:
		d.note = d.other(d.note, len(obsidianNotes)+1)
	}
}

// newFirefoxTab: another page of the task, now and then a new or closed tab, and on some days
// one visit to a private window.
func (d *daySim) newFirefoxTab(tk task) tab {
	r := d.r
	t := d.ff.tab
	if t.incognito {
		t = d.publicTab
	}
	if d.privateLeft > 0 && r.chance(80) {
		d.privateLeft--
		d.publicTab = t
		pg := privatePages[r.pick(len(privatePages))]
		return tab{url: pg.url, title: pg.title, incognito: true, count: t.count + 1}
	}
	pages := firefoxPages[tk]
	cur := -1
	for i, pg := range pages {
		if pg.url == t.url {
			cur = i
		}
	}
	i := r.pick(len(pages))
	if cur >= 0 {
		i = d.other(cur, len(pages))
	}
	t.url, t.title, t.audible = pages[i].url, pages[i].title, false
	switch x := r.intn(1000); {
	case x < 350:
		t.count++
	case x < 550 && t.count > 2:
		t.count--
	}
	return t
}

func (d *daySim) title(a app, p *phase) string {
	switch a {
	case appCode:
		pr := projects[d.proj]
		t := path.Base(pr.files[d.file].path) + " - " + pr.name + " - Visual Studio Code"
		if d.dirty {
			t = "● " + t
		}
		return t
	case appGnomeTerminal:
		dir := "~/src/" + projects[d.proj].name
		switch d.term {
		case 1:
			dir += "/" + path.Dir(projects[d.proj].files[d.file].path)
		case 2:
			dir = "~"
		}
		return user + "@" + d.g.opts.Hostname + ": " + path.Clean(dir)
	case appAlacritty:
		t := alacrittyTitles[d.alac]
		if t == "nvim" {
			t += " " + path.Base(projects[d.proj].files[d.file].path)
		}
		return t
	case appFirefox:
		if d.ff.tab.incognito {
			return d.ff.tab.title + " — Mozilla Firefox Private Browsing"
		}
		return d.ff.tab.title + " — Mozilla Firefox"
	case appChrome:
		return d.chrome.tab.title + " - Google Chrome"
	case appSlack:
		return slackTitles[d.slack]
	case appThunderbird:
		return thunderbirdTitles[d.mail]
	case appWriter:
		return writerDocs[d.doc] + " - LibreOffice Writer"
	case appObsidian:
		note := d.date
		if d.note > 0 {
			note = obsidianNotes[d.note-1]
		}
		return note + " - notes - Obsidian v1.7.7"
	case appZoom:
		if p.call != nil && p.call.app == a {
			return p.call.title
		}
		return "Zoom Workplace"
	case appTeams:
		if p.call != nil && p.call.app == a {
			return p.call.title
		}
		return "Chat | Microsoft Teams"
	}
	return ""
}

// Web watcher.

func (b *browser) data() (string, map[string]any) {
	t := b.tab
	key := t.url + "\x00" + t.title + "\x00" + strconv.FormatBool(t.audible) + strconv.FormatBool(t.incognito) + strconv.Itoa(t.count)
	return key, map[string]any{
		"url": t.url, "title": t.title, "audible": t.audible, "incognito": t.incognito,
		"tabCount": float64(t.count),
	}
}

// setTab: the active tab changes at `at`; the current event ends there.
func (b *browser) setTab(d *daySim, at int64, t tab) {
	if b.tab == t {
		return
	}
	b.tab = t
	if !b.rec {
		return
	}
	evs := d.g.events[b.bucket]
	last := &evs[len(evs)-1]
	key, data := b.data()
	if last.start >= at {
		last.key, last.data = key, data
		return
	}
	last.end = at
	d.g.add(b.bucket, at, at, key, data)
}

func (b *browser) stop(d *daySim, at int64) {
	if !b.rec {
		return
	}
	evs := d.g.events[b.bucket]
	evs[len(evs)-1].end = max(evs[len(evs)-1].start, at)
	b.rec = false
}

func (b *browser) resume(d *daySim, at int64) {
	if !b.open || b.rec {
		return
	}
	key, data := b.data()
	d.g.add(b.bucket, at, at, key, data)
	b.rec = true
}
