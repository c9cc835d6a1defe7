package calendar

import (
	"image/color"
	"strconv"
	"strings"

	"golang.org/x/image/colornames"
)

// cssColorName returns the CSS3 colour name RFC 7986 COLOR takes for c: c itself when it is a
// name, the nearest name (in RGB distance, first name on a tie) when it is "#rgb" or "#rrggbb",
// and "" otherwise. Calendar clients that show COLOR (Nextcloud, DAVx5) approximate hex colours
// the same way.
func cssColorName(c string) string {
	lc := strings.ToLower(strings.TrimSpace(c))
	if _, ok := colornames.Map[lc]; ok {
		return lc
	}
	rgb, ok := parseHexColor(lc)
	if !ok {
		return ""
	}
	best, bestDist := "", -1
	for _, name := range colornames.Names {
		n := colornames.Map[name]
		dr, dg, db := int(n.R)-int(rgb.R), int(n.G)-int(rgb.G), int(n.B)-int(rgb.B)
		if d := dr*dr + dg*dg + db*db; bestDist < 0 || d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

// parseHexColor parses "#rgb" or "#rrggbb".
func parseHexColor(s string) (color.RGBA, bool) {
	hex, ok := strings.CutPrefix(s, "#")
	if !ok {
		return color.RGBA{}, false
	}
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	if len(hex) != 6 {
		return color.RGBA{}, false
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return color.RGBA{}, false
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}, true
}
