package activitywatch

import "github.com/awcal/awcal/internal/activity"

// eventChunk is how many events a chunk of an eventList holds (72 bytes each).
const eventChunk = 1024

// eventList collects the events of one list in fixed chunks that are kept from list to list,
// and hands them out in one slice of the exact length. Growing a slice by append instead
// allocates and copies a long list about five times over (append grows large slices by a
// quarter), which the garbage collector then has to clear away.
type eventList struct {
	chunks [][]activity.Event
	n      int
}

// reset starts a new list.
func (l *eventList) reset() { l.n = 0 }

func (l *eventList) add(ev activity.Event) {
	c := l.n / eventChunk
	if c == len(l.chunks) {
		l.chunks = append(l.chunks, make([]activity.Event, eventChunk))
	}
	l.chunks[c][l.n%eventChunk] = ev
	l.n++
}

// take returns the list's events (never nil) and starts a new list.
func (l *eventList) take() []activity.Event {
	out := make([]activity.Event, l.n)
	for i := 0; i < l.n; i += eventChunk {
		copy(out[i:], l.chunks[i/eventChunk][:min(eventChunk, l.n-i)])
	}
	l.n = 0
	return out
}
