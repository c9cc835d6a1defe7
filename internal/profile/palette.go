package profile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// minColorDistance is how far apart (in weighted RGB, 0–765) two profile colours must be to
// tell them apart at a glance on a timeline or in a calendar.
const minColorDistance = 60

// Distinct returns c when it is far enough from every colour in used, else the first shade of
// it (its hue turned in steps of 30°, then lighter or darker) that is. A colour that cannot be
// read comes back as it is. Imported categories that share a parent's colour thus still get
// colours of their own.
func Distinct(c string, used []string) string {
	r, g, b, ok := parseHex(c)
	if !ok || far(c, used) {
		return c
	}
	h, s, l := toHSL(r, g, b)
	for _, dl := range []float64{0, 0.12, -0.12} {
		for step := 0; step < 12; step++ {
			cand := ColorFromHSL(math.Mod(h+float64(step)*30, 360), s, math.Max(0.2, math.Min(0.8, l+dl)))
			if far(cand, used) {
				return cand
			}
		}
	}
	return c
}

func far(c string, used []string) bool {
	r, g, b, _ := parseHex(c)
	for _, u := range used {
		ur, ug, ub, ok := parseHex(u)
		if !ok {
			continue
		}
		// "Redmean" weighting: closer to how different two colours look than plain RGB.
		rm := (r + ur) / 2
		d := math.Sqrt((2+rm/256)*sq(r-ur) + 4*sq(g-ug) + (2+(255-rm)/256)*sq(b-ub))
		if d < minColorDistance {
			return false
		}
	}
	return true
}

func sq(x float64) float64 { return x * x }

// parseHex reads "#rgb" or "#rrggbb".
func parseHex(c string) (r, g, b float64, ok bool) {
	c = strings.TrimPrefix(strings.TrimSpace(c), "#")
	if len(c) == 3 {
		c = string([]byte{c[0], c[0], c[1], c[1], c[2], c[2]})
	}
	if len(c) != 6 {
		return 0, 0, 0, false
	}
	v, err := strconv.ParseUint(c, 16, 32)
	if err != nil {
		return 0, 0, 0, false
	}
	return float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff), true
}

func toHSL(r, g, b float64) (h, s, l float64) {
	r, g, b = r/255, g/255, b/255
	mx, mn := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	l = (mx + mn) / 2
	if mx == mn {
		return 0, 0, l
	}
	d := mx - mn
	if l > 0.5 {
		s = d / (2 - mx - mn)
	} else {
		s = d / (mx + mn)
	}
	switch mx {
	case r:
		h = math.Mod((g-b)/d+6, 6)
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	return h * 60, s, l
}

// ColorFromHSL is the "#rrggbb" colour of hue h (degrees, 0–360), saturation s and lightness
// l (0–1).
func ColorFromHSL(h, s, l float64) string {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	var r, g, b float64
	switch {
	case h < 60:
		r, g = c, x
	case h < 120:
		r, g = x, c
	case h < 180:
		g, b = c, x
	case h < 240:
		g, b = x, c
	case h < 300:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := l - c/2
	to := func(v float64) int { return int(math.Round((v + m) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", to(r), to(g), to(b))
}
