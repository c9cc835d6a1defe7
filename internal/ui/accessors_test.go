package ui

import (
	"time"

	"fyne.io/fyne/v2"
)

// Accessors that only the tests read.

// Day is the day the Review window shows (local midnight).
func (r *Review) Day() time.Time { return r.day }

// Menu returns the tray menu.
func (t *Tray) Menu() *fyne.Menu { return t.menu }

// Start is the Monday of the week shown.
func (w *Week) Start() time.Time { return w.start }
