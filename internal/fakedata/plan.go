package fakedata

import (
	"cmp"
	"slices"
	"time"
)

// A day is planned as a list of phases, then the watchers are emulated over them (sim.go).

type phaseKind uint8

const (
	phaseWork    phaseKind = iota // input; the person switches windows following the task at hand
	phaseMeeting                  // input during a call: mostly the call window
	phaseAway                     // no input; the screen locks after lockAfter
	phaseListen                   // no input, but a call or a video keeps the screen awake
)

type phase struct {
	start, end int64 // Unix ms
	kind       phaseKind
	call       *call // the call or video a meeting or listen phase belongs to
	callStart  bool  // the first phase of its call: joining
	callEnd    bool  // the last phase of its call: leaving
	k          int   // window events planned (work and meeting phases)
}

// call is a meeting (zoom, Teams, or Google Meet in Firefox) or a video watched in Firefox.
type call struct {
	app   app
	title string // window title of a zoom or Teams call
	tab   *tab   // the audible Firefox tab of a Meet call or a video
	video bool   // a video at the weekend rather than a meeting
}

type taskSpan struct {
	start int64
	kind  task
}

// minIdle is the shortest stretch without input the generator plans: aw-watcher-afk only records
// stretches of at least its 180 s timeout, and it polls every 5 s.
const minIdle = 190 * second

const (
	second = int64(time.Second / time.Millisecond)
	minute = 60 * second
	hour   = 60 * minute
)

// clock returns the instant of a wall-clock time of the day (seconds after midnight) with a
// random millisecond part, so that timestamps are not round.
func (d *daySim) clock(sec int64) int64 {
	return time.Date(d.y, d.m, d.dd, 0, 0, int(sec), 0, d.loc).UnixMilli() + d.r.intn(1000)
}

// planWorkday: arrive 08:30–09:30, a Meet stand-up at 09:45, lunch around 12:00–13:00, coffee
// breaks, zero to two more calls, short pauses, leave after 8¼–10½ hours; a heavy day sometimes
// has an evening session.
func (d *daySim) planWorkday() {
	r := d.r
	heavy := d.in == Heavy
	arrive := d.clock(8*3600 + 30*60 + r.intn(3600))
	length := 8*hour + 15*minute + r.intn(60)*minute
	if heavy {
		length = 9*hour + 15*minute + r.intn(75)*minute
	}
	leave := arrive + length + r.intn(minute)

	type block struct {
		start, end int64
		call       *call
	}
	lunchStart := d.clock(11*3600 + 50*60 + r.intn(30*60))
	blocks := []block{
		{start: lunchStart, end: lunchStart + r.between(35*minute, 60*minute)},
	}
	coffee := d.clock(10*3600 + 15*60 + r.intn(45*60))
	blocks = append(blocks, block{start: coffee, end: coffee + r.between(6*minute, 14*minute)})
	if !heavy || r.chance(400) {
		c := d.clock(14*3600 + 45*60 + r.intn(60*60))
		blocks = append(blocks, block{start: c, end: c + r.between(6*minute, 14*minute)})
	}
	standup := d.clock(9*3600+44*60) + r.intn(2*minute)
	blocks = append(blocks, block{start: standup, end: d.clock(10*3600) + r.intn(3*minute),
		call: d.meetCall(0)})

	free := func(s, e int64) bool {
		for _, b := range blocks {
			if s < b.end+10*minute && b.start < e+10*minute {
				return false
			}
		}
		return s >= arrive+30*minute && e <= leave-30*minute
	}
	extra := int(r.intn(3))
	for try := 0; extra > 0 && try < 40; try++ {
		slot := 10*3600 + 30*60 + r.intn(15)*30*60 // 10:30 … 17:30
		start := d.clock(slot-60) + r.intn(3*minute)
		end := d.clock(slot+[]int64{25, 30, 45, 50, 60}[r.pick(5)]*60) + r.intn(4*minute)
		if !free(start, end) {
			continue
		}
		blocks = append(blocks, block{start: start, end: end, call: d.meetingCall()})
		extra--
	}
	slices.SortFunc(blocks, func(a, b block) int { return cmp.Compare(a.start, b.start) })

	t := arrive
	for _, b := range blocks {
		if b.end <= t {
			continue
		}
		if b.start > t {
			d.add(phase{start: t, end: b.start, kind: phaseWork})
		}
		if b.call != nil {
			d.addCall(b.call, max(b.start, t), b.end)
		} else {
			d.add(phase{start: max(b.start, t), end: b.end, kind: phaseAway})
		}
		t = b.end
	}
	d.add(phase{start: t, end: leave, kind: phaseWork})
	pauses := r.between(2, 4)
	if heavy {
		pauses = r.between(1, 2)
	}
	d.insertPauses(int(pauses))

	d.tasks = append(d.tasks, taskSpan{arrive, taskComms})
	for t := arrive + r.between(10*minute, 25*minute); t < leave; t += r.between(15*minute, 60*minute) {
		d.tasks = append(d.tasks, taskSpan{t, task(r.weighted(d.taskWeights()))})
	}
	if heavy && r.chance(300) {
		es := d.clock(20*3600 + 30*60 + r.intn(60*60))
		ee := es + r.between(20*minute, 60*minute)
		d.add(phase{start: leave, end: es, kind: phaseAway})
		d.add(phase{start: es, end: ee, kind: phaseWork})
		d.tasks = append(d.tasks, taskSpan{es, []task{taskCoding, taskResearch}[r.pick(2)]})
	}
	d.add(phase{start: d.phases[len(d.phases)-1].end, end: d.dayEnd, kind: phaseAway})

	target := r.between(1750, 2250)
	if !heavy {
		target = r.between(620, 780)
	}
	d.planCounts(target, 0)
}

func (d *daySim) taskWeights() []int64 {
	if d.in == Heavy {
		return []int64{taskCoding: 50, taskComms: 12, taskDocs: 10, taskResearch: 28}
	}
	return []int64{taskCoding: 35, taskComms: 25, taskDocs: 20, taskResearch: 20}
}

// planWeekend: a little browsing on about 60% of weekend days, sometimes with a video.
func (d *daySim) planWeekend() {
	r := d.r
	if !r.chance(600) {
		return
	}
	s := d.clock(10*3600 + r.intn(10*3600+30*60))
	e := s + r.between(15*minute, 90*minute)
	d.tasks = append(d.tasks, taskSpan{s, taskLeisure})
	if vl := r.between(8*minute, 25*minute); e-s > vl+15*minute && r.chance(500) {
		vs := s + r.between(5*minute, e-s-vl-10*minute)
		d.add(phase{start: s, end: vs, kind: phaseWork})
		v := videos[r.pick(len(videos))]
		d.addCall(&call{app: appFirefox, tab: &tab{url: v.url, title: v.title, audible: true}, video: true}, vs, vs+vl)
		d.add(phase{start: vs + vl, end: e, kind: phaseWork})
	} else {
		d.add(phase{start: s, end: e, kind: phaseWork})
	}
	d.insertPauses(int(r.intn(2)))
	d.add(phase{start: e, end: d.dayEnd, kind: phaseAway})
	d.planCounts(0, 38*second)
}

func (d *daySim) add(p phase) {
	if p.end > p.start {
		d.phases = append(d.phases, p)
	}
}

func (d *daySim) meetCall(i int) *call {
	code := meetCodes[i]
	return &call{app: appFirefox, tab: &tab{url: "https://meet.google.com/" + code,
		title: "Meet - " + code, audible: true}}
}

func (d *daySim) meetingCall() *call {
	switch d.r.weighted([]int64{40, 30, 30}) {
	case 0:
		return &call{app: appZoom, title: "Zoom Meeting"}
	case 1:
		return &call{app: appTeams, title: teamsMeetings[d.r.pick(len(teamsMeetings))] + " | Microsoft Teams"}
	default:
		return d.meetCall(1 + d.r.pick(len(meetCodes)-1))
	}
}

// addCall splits a call into active moments (joining, talking, leaving) and stretches of
// listening without input, long enough for the afk watcher to record them as afk.
func (d *daySim) addCall(c *call, s, e int64) {
	r := d.r
	first := len(d.phases)
	join := min(e, s+r.between(40*second, 150*second))
	d.add(phase{start: s, end: join, kind: phaseMeeting, call: c})
	for t := join; t < e; {
		listen := r.between(minIdle, 12*minute)
		if e-t < listen+60*second {
			d.add(phase{start: t, end: e, kind: phaseMeeting, call: c})
			break
		}
		d.add(phase{start: t, end: t + listen, kind: phaseListen, call: c})
		t += listen
		talk := r.between(30*second, 150*second)
		if e-t-talk < minIdle+60*second {
			talk = e - t
		}
		d.add(phase{start: t, end: t + talk, kind: phaseMeeting, call: c})
		t += talk
	}
	d.phases[first].callStart = true
	d.phases[len(d.phases)-1].callEnd = true
}

// insertPauses cuts short stretches without input (reading, the phone, a colleague at the desk)
// into the longer work phases.
func (d *daySim) insertPauses(n int) {
	r := d.r
	for range n {
		length := r.between(minIdle+10*second, 9*minute)
		var weights []int64
		for _, p := range d.phases {
			w := int64(0)
			if p.kind == phaseWork && p.end-p.start > length+20*minute {
				w = (p.end - p.start) / minute
			}
			weights = append(weights, w)
		}
		if !slices.ContainsFunc(weights, func(w int64) bool { return w > 0 }) {
			return
		}
		i := r.weighted(weights)
		p := d.phases[i]
		s := p.start + 10*minute + r.intn(p.end-p.start-20*minute-length)
		d.phases = slices.Replace(d.phases, i, i+1,
			phase{start: p.start, end: s, kind: phaseWork},
			phase{start: s, end: s + length, kind: phaseAway},
			phase{start: s + length, end: p.end, kind: phaseWork})
	}
}

// planCounts decides how many window events each input phase gets. Calls get one every 25–50 s
// of activity; work phases share the rest of target in proportion to their length, or, when
// target is 0, get one per pace on average. Every event needs about 2 s (one poll and one gap)
// at least.
func (d *daySim) planCounts(target int64, pace int64) {
	r := d.r
	var workLen, callEvents int64
	for i := range d.phases {
		p := &d.phases[i]
		switch p.kind {
		case phaseMeeting:
			p.k = int(1 + (p.end-p.start)/r.between(25*second, 50*second))
			callEvents += int64(p.k)
		case phaseWork:
			workLen += p.end - p.start
		}
	}
	rest := max(target-callEvents, 0)
	var cum, given int64
	for i := range d.phases {
		p := &d.phases[i]
		if p.kind != phaseWork {
			continue
		}
		l := p.end - p.start
		var k int64
		if target > 0 {
			cum += l
			k = rest*cum/workLen - given
			given += k
		} else {
			k = l / r.between(pace*3/4, pace*5/4)
		}
		p.k = int(max(1, min(k, (l-second)/(2100))))
	}
	for i := range d.phases {
		p := &d.phases[i]
		if p.kind == phaseMeeting {
			p.k = max(1, min(p.k, int((p.end-p.start-second)/2100)))
		}
	}
}
