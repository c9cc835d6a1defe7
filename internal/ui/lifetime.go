package ui

import "context"

// lifetime is the context of a window's background work (reading aw-server, discovering
// calendars, previews): it ends when the window is closed, so that work started for the window
// stops with it, and the next work after that gets a fresh one. Its methods run on the Fyne
// goroutine.
type lifetime struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// Context is the window's current context.
func (l *lifetime) Context() context.Context {
	if l.ctx == nil {
		l.ctx, l.cancel = context.WithCancel(context.Background())
	}
	return l.ctx
}

// End cancels the work started so far.
func (l *lifetime) End() {
	if l.cancel != nil {
		l.cancel()
	}
	l.ctx, l.cancel = nil, nil
}
