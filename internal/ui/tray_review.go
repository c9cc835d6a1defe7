package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
)

// trayReview is the tray menu's "Review N pending…" item.
type trayReview struct {
	item  *fyne.MenuItem
	count func() (int, error)
	async func(func())
}

func newTrayReview(show func(), count func() (int, error)) trayReview {
	if show == nil || count == nil {
		return trayReview{}
	}
	return trayReview{item: fyne.NewMenuItem("Review pending…", show), count: count, async: func(f func()) { go f() }}
}

// label is the item's text for n pending proposals.
func reviewLabel(n int, err error) string {
	if err != nil {
		return "Review pending… (cannot count them)"
	}
	return fmt.Sprintf("Review %d pending…", n)
}

// refresh counts the pending proposals off the Fyne goroutine and shows the count with show.
func (r *trayReview) refresh(show func()) {
	if r.item == nil {
		return
	}
	r.async(func() {
		n, err := r.count()
		fyne.Do(func() {
			r.item.Label = reviewLabel(n, err)
			show()
		})
	})
}
