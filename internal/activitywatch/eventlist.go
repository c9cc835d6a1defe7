package activitywatch

import (
	"sync"

	"github.com/awcal/awcal/internal/activity"
)

// eventChunk is how many events a chunk of an eventList holds (72 bytes each).
const eventChunk = 1024

// chunks recycles the chunks of eventLists between lists, decoders and requests.
var chunks = sync.Pool{New: func() any { return new([eventChunk]activity.Event) }}

// eventList collects the events of one list in fixed chunks, and hands them out in one slice
// of the exact length. Growing a slice by append instead allocates and copies a long list
// about five times over (append grows large slices by a quarter), which the garbage collector
// then has to clear away.
type eventList struct {
	chunks []*[eventChunk]activity.Event
	n      int
}

// reset starts a new list.
func (l *eventList) reset() {
	l.release()
}

func (l *eventList) add(ev activity.Event) {
	c := l.n / eventChunk
	if c == len(l.chunks) {
		l.chunks = append(l.chunks, chunks.Get().(*[eventChunk]activity.Event))
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
	l.release()
	return out
}

// release hands the chunks back, cleared so that they keep no data alive.
func (l *eventList) release() {
	for i, c := range l.chunks {
		clear(c[:min(eventChunk, l.n-i*eventChunk)])
		chunks.Put(c)
	}
	l.chunks, l.n = l.chunks[:0], 0
}
