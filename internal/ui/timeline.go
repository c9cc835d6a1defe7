package ui

import (
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"math"
	"net/url"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/profile"
)

// Segment is one coloured stretch of a lane.
type Segment struct {
	// ID names the segment for OnEdge ("" when its edges cannot be dragged).
	ID         string
	Start, End time.Time
	Label      string // drawn on blocks; the hover line for activity
	Detail     string // hover text
	Color      color.Color
	// Block is the derived block a segment of the Blocks lane draws; Event and Bucket are the
	// raw event an activity segment draws. Clicks hand them on (OnSelect).
	Block  *engine.Block
	Event  *activity.Event
	Bucket *activity.Bucket
}

// Lane is one row of the timeline: a bucket kind's activity, or the derived blocks.
type Lane struct {
	Name     string
	Blocks   bool // derived blocks: taller, with titles
	Segments []Segment
}

// laneOrder is the order of activity lanes (blocks come first, above them).
var laneOrder = []struct {
	kind activity.Kind
	name string
}{
	{activity.KindWindow, "Apps"},
	{activity.KindWeb, "Web"},
	{activity.KindEditor, "Editor"},
	{activity.KindAFK, "AFK"},
}

// BuildLanes turns a day's buckets and the derived blocks into timeline lanes: blocks in their
// profiles' colours, the active time in no block ("Unassigned"), then one lane per bucket kind (window apps colour-coded by app). Values a
// privacy rule redacted show as activity.RedactedValue.
func BuildLanes(bs []activity.BucketEvents, res engine.Result, profiles []profile.Profile) []Lane {
	byID := map[string]profile.Profile{}
	for _, p := range profiles {
		byID[p.ID] = p
	}
	blocks := Lane{Name: "Blocks", Blocks: true}
	for i := range res.Blocks {
		b := &res.Blocks[i]
		p := byID[b.ProfileID]
		var ev []string
		for _, e := range b.Evidence {
			ev = append(ev, fmt.Sprintf("%s (%s)", e.Label, minutes(e.Duration)))
		}
		detail := fmt.Sprintf("%s · %s–%s · %s\n%s", p.Name, clock(b.Start), clock(b.End), b.Title, strings.Join(ev, ", "))
		blocks.Segments = append(blocks.Segments, Segment{
			Start: b.Start, End: b.End, Label: b.Title, Detail: detail, Color: parseHex(p.Color), Block: b,
		})
	}
	lanes := []Lane{blocks, unassignedLane(bs, res.Blocks)}
	for _, lo := range laneOrder {
		lane := Lane{Name: lo.name}
		for bi := range bs {
			b := &bs[bi]
			if activity.KindOf(b.Bucket) != lo.kind {
				continue
			}
			for ei := range b.Events {
				e := &b.Events[ei]
				if e.Duration <= 0 {
					continue
				}
				seg := segmentFor(lo.kind, *e)
				seg.Event, seg.Bucket = e, &b.Bucket
				lane.Segments = append(lane.Segments, seg)
			}
		}
		sort.Slice(lane.Segments, func(i, j int) bool { return lane.Segments[i].Start.Before(lane.Segments[j].Start) })
		lanes = append(lanes, lane)
	}
	return lanes
}

// field returns a data value as text, or the redaction marker when a privacy rule redacted it.
func field(e activity.Event, key string) string {
	k, v, ok := profile.FieldValue(e.Data, key)
	if !ok {
		return ""
	}
	for _, p := range e.Private {
		if p == k {
			return activity.RedactedValue
		}
	}
	return profile.ValueText(v)
}

func segmentFor(k activity.Kind, e activity.Event) Segment {
	s := Segment{Start: e.Timestamp, End: e.End()}
	span := clock(s.Start) + "–" + clock(s.End)
	switch k {
	case activity.KindWindow:
		app, title := field(e, "app"), field(e, "title")
		s.Label, s.Color = app, hashColor(app, 0.62, 0.50)
		s.Detail = fmt.Sprintf("%s · %s — %s", span, app, title)
	case activity.KindWeb:
		u, title := field(e, "url"), field(e, "title")
		host := u
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			host = pu.Host
		}
		s.Label, s.Color = host, hashColor(host, 0.45, 0.62)
		s.Detail = fmt.Sprintf("%s · %s — %s", span, host, title)
	case activity.KindEditor:
		proj, file := field(e, "project"), field(e, "file")
		s.Label, s.Color = proj, hashColor(proj, 0.40, 0.55)
		s.Detail = fmt.Sprintf("%s · %s — %s", span, proj, file)
	default:
		st := field(e, "status")
		s.Label = st
		s.Color = color.NRGBA{0x9e, 0x9e, 0x9e, 0xff}
		if st == "not-afk" {
			s.Color = color.NRGBA{0x66, 0xbb, 0x6a, 0xff}
		}
		s.Detail = fmt.Sprintf("%s · %s", span, st)
	}
	return s
}

// hashColor gives a stable colour per name (saturation s, lightness l).
func hashColor(name string, s, l float64) color.Color {
	h := fnv.New32a()
	h.Write([]byte(name))
	return hsl(float64(h.Sum32()%360), s, l)
}

func hsl(h, s, l float64) color.Color { return parseHex(profile.ColorFromHSL(h, s, l)) }

func clock(t time.Time) string { return t.Local().Format("15:04") }

func minutes(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%d min", int(d.Round(time.Minute).Minutes()))
}

// Timeline layout, in Fyne units.
const (
	tlLabelWidth = 72
	tlAxis       = 22
	tlBlockLane  = 40
	tlLane       = 24
	tlGap        = 6
)

// Timeline draws lanes of segments over a time range. Hovering reports a segment's details
// through OnHover; a click selects a segment (OnSelect). Dragging, the wheel and ←/→ pan;
// + and - zoom; Page Up / Page Down ask for the previous or next day (OnDayStep).
type Timeline struct {
	widget.BaseWidget

	lanes    []Lane
	from, to time.Time

	// OnHover receives the details of the segment under the pointer ("" when none).
	OnHover func(detail string)
	// OnZoom receives the range shown after a pan or a zoom.
	OnZoom func(from, to time.Time)
	// OnSelect receives the segment clicked (a block or a raw activity).
	OnSelect func(Segment)
	// OnDayStep receives -1 or +1 when Page Up or Page Down asks for the previous or next day.
	OnDayStep func(step int)
	// OnEdge, when set, lets an edge of a block with an ID be dragged instead of panning: it
	// receives the block, which edge (start or end) and where it was dropped.
	OnEdge func(seg Segment, start bool, at time.Time)
	// edge is the block whose edge is being dragged (edgeStart: its start; edgeX: where the
	// pointer is), while one is.
	edge      *Segment
	edgeStart bool
	edgeX     float32

	// limitFrom and limitTo bound panning (the day); zero means unbounded.
	limitFrom, limitTo time.Time
	dragging           bool
	focused            bool
}

// NewTimeline returns an empty timeline over [from, to).
func NewTimeline(from, to time.Time) *Timeline {
	t := &Timeline{from: from, to: to}
	t.ExtendBaseWidget(t)
	return t
}

// SetLanes replaces the lanes and redraws.
func (t *Timeline) SetLanes(lanes []Lane) {
	t.lanes = lanes
	t.Refresh()
}

// SetRange shows [from, to) and redraws.
func (t *Timeline) SetRange(from, to time.Time) {
	if !to.After(from) {
		return
	}
	t.from, t.to = from, to
	t.Refresh()
}

// Range returns the time range shown.
func (t *Timeline) Range() (from, to time.Time) { return t.from, t.to }

// MinSize fits every lane.
func (t *Timeline) MinSize() fyne.Size {
	t.ExtendBaseWidget(t)
	return fyne.NewSize(tlLabelWidth+320, t.height())
}

func (t *Timeline) height() float32 {
	h := float32(tlAxis)
	for _, l := range t.lanes {
		h += laneHeight(l) + tlGap
	}
	return h
}

func laneHeight(l Lane) float32 {
	if l.Blocks {
		return tlBlockLane
	}
	return tlLane
}

// xOf maps a time to an x position inside width w.
func (t *Timeline) xOf(at time.Time, w float32) float32 {
	span := t.to.Sub(t.from)
	return tlLabelWidth + (w-tlLabelWidth)*float32(float64(at.Sub(t.from))/float64(span))
}

// timeAt maps an x position back to a time.
func (t *Timeline) timeAt(x, w float32) time.Time {
	f := float64(x-tlLabelWidth) / float64(w-tlLabelWidth)
	f = max(0, min(1, f))
	return t.from.Add(time.Duration(f * float64(t.to.Sub(t.from))))
}

// segmentAt returns the segment under a point, if any.
func (t *Timeline) segmentAt(p fyne.Position) (Segment, bool) {
	w := t.Size().Width
	if p.X < tlLabelWidth {
		return Segment{}, false
	}
	y := float32(tlAxis)
	at := t.timeAt(p.X, w)
	for _, l := range t.lanes {
		h := laneHeight(l)
		if p.Y >= y && p.Y < y+h {
			// The latest segment starting at or before at (segments are sorted by start).
			i := sort.Search(len(l.Segments), func(i int) bool { return l.Segments[i].Start.After(at) })
			for j := i - 1; j >= 0 && j >= i-50; j-- {
				if !l.Segments[j].End.Before(at) {
					return l.Segments[j], true
				}
			}
			return Segment{}, false
		}
		y += h + tlGap
	}
	return Segment{}, false
}

// MouseIn is part of desktop.Hoverable.
func (t *Timeline) MouseIn(e *desktop.MouseEvent) { t.MouseMoved(e) }

// MouseMoved reports the hovered segment.
func (t *Timeline) MouseMoved(e *desktop.MouseEvent) {
	if t.OnHover == nil {
		return
	}
	if s, ok := t.segmentAt(e.Position); ok {
		t.OnHover(s.Detail)
	} else {
		t.OnHover("")
	}
}

// MouseOut clears the hover details.
func (t *Timeline) MouseOut() {
	if t.OnHover != nil {
		t.OnHover("")
	}
}

// SetLimits bounds panning to [from, to) (the previewed day).
func (t *Timeline) SetLimits(from, to time.Time) { t.limitFrom, t.limitTo = from, to }

// Pan moves the shown range by d, within the limits, keeping its width.
func (t *Timeline) Pan(d time.Duration) {
	from, to := t.from.Add(d), t.to.Add(d)
	span := t.to.Sub(t.from)
	if !t.limitFrom.IsZero() && from.Before(t.limitFrom) {
		from, to = t.limitFrom, t.limitFrom.Add(span)
	}
	if !t.limitTo.IsZero() && to.After(t.limitTo) {
		from, to = t.limitTo.Add(-span), t.limitTo
	}
	if from.Equal(t.from) {
		return
	}
	t.SetRange(from, to)
	if t.OnZoom != nil {
		t.OnZoom(from, to)
	}
}

// panBy pans by dx units of the drawn width (positive: later).
func (t *Timeline) panBy(dx float32) {
	w := t.Size().Width - tlLabelWidth
	if w <= 0 {
		return
	}
	t.Pan(time.Duration(float64(dx) / float64(w) * float64(t.to.Sub(t.from))))
}

// Dragged pans (dragging to the left shows later times), or moves a block's edge when the drag
// began on one (OnEdge).
func (t *Timeline) Dragged(e *fyne.DragEvent) {
	if !t.dragging && t.OnEdge != nil {
		start := fyne.NewPos(e.Position.X-e.Dragged.DX, e.Position.Y-e.Dragged.DY)
		if seg, isStart, ok := t.edgeAt(start); ok {
			t.edge, t.edgeStart = &seg, isStart
		}
	}
	t.dragging = true
	if t.edge != nil {
		t.edgeX = e.Position.X
		return
	}
	t.panBy(-e.Dragged.DX)
}

// DragEnd ends a pan, or drops a block's edge.
func (t *Timeline) DragEnd() {
	t.dragging = false
	if seg := t.edge; seg != nil {
		t.edge = nil
		t.OnEdge(*seg, t.edgeStart, t.timeAt(t.edgeX, t.Size().Width))
	}
}

// edgeGrab is how near an edge (in pixels) a drag must start to move it.
const edgeGrab = 6

// edgeAt returns the block with an ID whose start or end is within edgeGrab of p.
func (t *Timeline) edgeAt(p fyne.Position) (Segment, bool, bool) {
	w := t.Size().Width
	y := float32(tlAxis)
	for _, l := range t.lanes {
		h := laneHeight(l)
		if l.Blocks && p.Y >= y && p.Y < y+h {
			for _, s := range l.Segments {
				if s.ID == "" {
					continue
				}
				if math.Abs(float64(t.xOf(s.Start, w)-p.X)) <= edgeGrab {
					return s, true, true
				}
				if math.Abs(float64(t.xOf(s.End, w)-p.X)) <= edgeGrab {
					return s, false, true
				}
			}
		}
		y += h + tlGap
	}
	return Segment{}, false, false
}

// Scrolled pans with the wheel: horizontal scrolling, or vertical scrolling (shift turns it
// horizontal on most desktops).
func (t *Timeline) Scrolled(e *fyne.ScrollEvent) {
	d := e.Scrolled.DX
	if d == 0 {
		d = e.Scrolled.DY
	}
	t.panBy(-d)
}

// Tapped selects the segment under the pointer and takes the keyboard focus.
func (t *Timeline) Tapped(e *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
		c.Focus(t)
	}
	if s, ok := t.segmentAt(e.Position); ok && t.OnSelect != nil {
		t.OnSelect(s)
	}
}

// FocusGained is part of fyne.Focusable.
func (t *Timeline) FocusGained() { t.focused = true }

// FocusLost is part of fyne.Focusable.
func (t *Timeline) FocusLost() { t.focused = false }

// TypedRune zooms with + and -.
func (t *Timeline) TypedRune(r rune) {
	switch r {
	case '+', '=':
		t.Zoom(0.5)
	case '-':
		t.Zoom(2)
	}
}

// TypedKey pans with ← and → (a quarter of the range) and changes day with Page Up / Page Down.
func (t *Timeline) TypedKey(e *fyne.KeyEvent) {
	quarter := t.to.Sub(t.from) / 4
	switch e.Name {
	case fyne.KeyLeft:
		t.Pan(-quarter)
	case fyne.KeyRight:
		t.Pan(quarter)
	case fyne.KeyPageUp:
		if t.OnDayStep != nil {
			t.OnDayStep(-1)
		}
	case fyne.KeyPageDown:
		if t.OnDayStep != nil {
			t.OnDayStep(1)
		}
	}
}

// Zoom scales the shown range by f around its centre, within the limits (at least ten
// minutes, at most the limits).
func (t *Timeline) Zoom(f float64) {
	span := max(time.Duration(float64(t.to.Sub(t.from))*f), 10*time.Minute)
	mid := t.from.Add(t.to.Sub(t.from) / 2)
	a, b := mid.Add(-span/2), mid.Add(span/2)
	if !t.limitFrom.IsZero() && !t.limitTo.IsZero() {
		if span >= t.limitTo.Sub(t.limitFrom) {
			a, b = t.limitFrom, t.limitTo
		}
		if a.Before(t.limitFrom) {
			a, b = t.limitFrom, t.limitFrom.Add(span)
		}
		if b.After(t.limitTo) {
			a, b = t.limitTo.Add(-span), t.limitTo
		}
	}
	t.SetRange(a, b)
	if t.OnZoom != nil {
		t.OnZoom(a, b)
	}
}

// CreateRenderer is part of fyne.Widget.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	r := &timelineRenderer{t: t}
	r.activity = canvas.NewRaster(r.paintActivity)
	r.activity.ScaleMode = canvas.ImageScaleFastest
	return r
}

type timelineRenderer struct {
	t        *Timeline
	activity *canvas.Raster // every activity lane, painted as one image
	objects  []fyne.CanvasObject
}

func (r *timelineRenderer) Destroy() {}

func (r *timelineRenderer) Layout(fyne.Size) { r.build() }

func (r *timelineRenderer) MinSize() fyne.Size { return r.t.MinSize() }

func (r *timelineRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *timelineRenderer) Refresh() {
	r.build()
	r.activity.Refresh()
	canvas.Refresh(r.t)
}

// build lays out the axis, the lane labels, the blocks and the activity raster. Blocks are few
// and get real objects (rounded, titled); activity can be thousands of events, so it is one
// raster painted column by column.
func (r *timelineRenderer) build() {
	t := r.t
	size := t.Size()
	w := size.Width
	fg := theme.Color(theme.ColorNameForeground)
	grid := theme.Color(theme.ColorNameSeparator)
	objs := []fyne.CanvasObject{}

	// Axis: ticks at a step that keeps labels about 70 units apart.
	step := tickStep(t.to.Sub(t.from), w-tlLabelWidth)
	first := t.from.Truncate(step)
	if first.Before(t.from) {
		first = first.Add(step)
	}
	for at := first; at.Before(t.to); at = at.Add(step) {
		x := t.xOf(at, w)
		line := canvas.NewLine(grid)
		line.Position1 = fyne.NewPos(x, tlAxis-4)
		line.Position2 = fyne.NewPos(x, size.Height)
		label := canvas.NewText(clock(at), fg) // the axis in the text colour: readable on every theme
		label.TextSize = theme.CaptionTextSize()
		label.Move(fyne.NewPos(x+2, 2))
		objs = append(objs, line, label)
	}

	r.activity.Move(fyne.NewPos(tlLabelWidth, 0))
	r.activity.Resize(fyne.NewSize(w-tlLabelWidth, size.Height))
	objs = append(objs, r.activity)

	y := float32(tlAxis)
	for _, l := range t.lanes {
		h := laneHeight(l)
		name := canvas.NewText(l.Name, fg)
		name.TextSize = theme.CaptionTextSize()
		name.TextStyle.Bold = l.Blocks
		name.Move(fyne.NewPos(4, y+(h-name.MinSize().Height)/2))
		objs = append(objs, name)
		if l.Blocks {
			objs = append(objs, r.blocks(l, y, w)...)
		}
		y += h + tlGap
	}

	r.objects = objs
}

// blocks draws the derived blocks as rounded boxes with their titles where they fit.
func (r *timelineRenderer) blocks(l Lane, y, w float32) []fyne.CanvasObject {
	t := r.t
	var objs []fyne.CanvasObject
	for _, s := range l.Segments {
		if !s.End.After(t.from) || !s.Start.Before(t.to) {
			continue
		}
		x0 := max(t.xOf(s.Start, w), tlLabelWidth)
		x1 := min(t.xOf(s.End, w), w)
		box := canvas.NewRectangle(s.Color)
		box.CornerRadius = 4
		box.Move(fyne.NewPos(x0, y))
		box.Resize(fyne.NewSize(max(x1-x0, 2), tlBlockLane))
		objs = append(objs, box)
		if x1-x0 > 24 {
			title := canvas.NewText(fitText(s.Label, x1-x0-8), color.White)
			title.TextSize = theme.CaptionTextSize()
			title.TextStyle.Bold = true
			title.Move(fyne.NewPos(x0+4, y+(tlBlockLane-title.MinSize().Height)/2))
			objs = append(objs, title)
		}
	}
	return objs
}

// fitText shortens s with an ellipsis so it fits width (caption size, bold).
func fitText(s string, width float32) string {
	size := theme.CaptionTextSize()
	style := fyne.TextStyle{Bold: true}
	if fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		if fyne.MeasureText(string(r)+"…", size, style).Width <= width {
			return string(r) + "…"
		}
	}
	return ""
}

// tickStep picks an axis step for a span drawn over width units.
func tickStep(span time.Duration, width float32) time.Duration {
	for _, s := range []time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour} {
		if float64(width)*float64(s)/float64(span) >= 70 {
			return s
		}
	}
	return 12 * time.Hour
}

// paintActivity paints the activity lanes into a w×h pixel image: for each segment, the pixel
// columns it covers in its lane's band. Cost is linear in segments plus pixels.
func (r *timelineRenderer) paintActivity(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	t := r.t
	size := t.Size()
	if w <= 0 || size.Height <= 0 || size.Width <= tlLabelWidth {
		return img
	}
	scale := float32(h) / size.Height // pixels per unit
	span := float64(t.to.Sub(t.from))
	col := func(at time.Time) int {
		return int(float64(w) * float64(at.Sub(t.from)) / span)
	}
	bg := color.NRGBAModel.Convert(theme.Color(theme.ColorNameInputBackground)).(color.NRGBA)
	y := float32(tlAxis)
	for _, l := range t.lanes {
		lh := laneHeight(l)
		if !l.Blocks {
			top, bottom := int(y*scale), int((y+lh)*scale)
			draw.Draw(img, image.Rect(0, top, w, bottom), &image.Uniform{bg}, image.Point{}, draw.Src)
			for _, s := range l.Segments {
				x0, x1 := max(col(s.Start), 0), min(col(s.End), w)
				if x1 <= x0 {
					if x0 >= w || s.End.Before(t.from) {
						continue
					}
					x1 = x0 + 1 // keep short events visible as a hairline
				}
				draw.Draw(img, image.Rect(x0, top, x1, bottom), &image.Uniform{s.Color}, image.Point{}, draw.Src)
			}
		}
		y += lh + tlGap
	}
	return img
}
