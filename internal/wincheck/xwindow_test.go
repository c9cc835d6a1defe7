package wincheck

import (
	"image"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// xwindow is a top-level X window as xwininfo describes it.
type xwindow struct {
	id       string
	rect     image.Rectangle // on the screen
	viewable bool
	override bool // override-redirect: a popup (a menu), not managed
}

// topLevel matches a direct child of the root in `xwininfo -root -tree`: its id and the rest.
var topLevel = regexp.MustCompile(`(?m)^     (0x[0-9a-f]+) (.*)$`)

// windows returns the display's top-level windows whose xwininfo -tree line contains match
// (their name and class), described by xwininfo -id; windows that vanish meanwhile are left out.
func (d *demoApp) windows(match string) []xwindow {
	var found []xwindow
	for _, m := range topLevel.FindAllStringSubmatch(d.tree(), -1) {
		if !strings.Contains(m[2], match) {
			continue
		}
		if w, ok := d.window(m[1]); ok {
			found = append(found, w)
		}
	}
	return found
}

// window describes the window id (false once it is gone).
func (d *demoApp) window(id string) (xwindow, bool) {
	out, err := exec.Command("xwininfo", "-display", d.display, "-id", id).Output()
	if err != nil {
		return xwindow{}, false
	}
	num := func(label string) int {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(label) + `:\s+(-?\d+)$`).FindSubmatch(out)
		if m == nil {
			return 0
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	x, y := num("Absolute upper-left X"), num("Absolute upper-left Y")
	return xwindow{
		id:       id,
		rect:     image.Rect(x, y, x+num("Width"), y+num("Height")),
		viewable: strings.Contains(string(out), "Map State: IsViewable"),
		override: strings.Contains(string(out), "Override Redirect State: yes"),
	}, true
}

// xdotool runs xdotool on the display (moving the pointer, clicking, raising a window).
func (d *demoApp) xdotool(args ...string) error {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(cmd.Environ(), "DISPLAY="+d.display)
	return cmd.Run()
}
