// Command gen draws awcal's icons (the app icon and one tray icon per sync state) with the
// standard image package, so the PNGs in assets/ can be regenerated and reviewed as code.
// Shapes are evaluated as signed distances and supersampled, which gives clean anti-aliased
// edges at every size without a vector library. Run it with "go generate ./assets".
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// shape returns the signed distance from (x, y) to the shape's edge: negative inside.
type shape func(x, y float64) float64

// layer is a shape painted in one colour.
type layer struct {
	s shape
	c color.NRGBA
}

func roundRect(x0, y0, x1, y1, r float64) shape {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hw, hh := (x1-x0)/2-r, (y1-y0)/2-r
	return func(x, y float64) float64 {
		dx := math.Max(math.Abs(x-cx)-hw, 0)
		dy := math.Max(math.Abs(y-cy)-hh, 0)
		inside := math.Min(math.Max(math.Abs(x-cx)-hw, math.Abs(y-cy)-hh), 0)
		return math.Hypot(dx, dy) + inside - r
	}
}

func circle(cx, cy, r float64) shape {
	return func(x, y float64) float64 { return math.Hypot(x-cx, y-cy) - r }
}

// arc is a ring of the given width between two angles (radians, clockwise from 3 o'clock).
func arc(cx, cy, r, width, from, to float64) shape {
	return func(x, y float64) float64 {
		a := math.Atan2(y-cy, x-cx)
		for a < from {
			a += 2 * math.Pi
		}
		if a <= to {
			return math.Abs(math.Hypot(x-cx, y-cy)-r) - width/2
		}
		// Outside the sweep: distance to the nearer round cap.
		d1 := math.Hypot(x-(cx+r*math.Cos(from)), y-(cy+r*math.Sin(from)))
		d2 := math.Hypot(x-(cx+r*math.Cos(to)), y-(cy+r*math.Sin(to)))
		return math.Min(d1, d2) - width/2
	}
}

// triangle is the convex polygon (a, b, c); the distance is the largest outward edge distance.
func triangle(ax, ay, bx, by, cx, cy float64) shape {
	mx, my := (ax+bx+cx)/3, (ay+by+cy)/3
	edge := func(px, py, qx, qy float64) shape {
		nx, ny := qy-py, px-qx
		l := math.Hypot(nx, ny)
		nx, ny = nx/l, ny/l
		if (mx-px)*nx+(my-py)*ny > 0 { // point the normal away from the centre
			nx, ny = -nx, -ny
		}
		return func(x, y float64) float64 { return (x-px)*nx + (y-py)*ny }
	}
	e1, e2, e3 := edge(ax, ay, bx, by), edge(bx, by, cx, cy), edge(cx, cy, ax, ay)
	return func(x, y float64) float64 { return math.Max(e1(x, y), math.Max(e2(x, y), e3(x, y))) }
}

func union(ss ...shape) shape {
	return func(x, y float64) float64 {
		d := math.Inf(1)
		for _, s := range ss {
			d = math.Min(d, s(x, y))
		}
		return d
	}
}

func hex(s string) color.NRGBA {
	var r, g, b uint8
	fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b)
	return color.NRGBA{r, g, b, 255}
}

// render paints layers onto a size×size transparent image; shapes are in a 64-unit space.
func render(size int, layers []layer) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4 // supersamples per axis
	scale := 64 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64 // premultiplied
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					var cr, cg, cb, ca float64
					for _, l := range layers {
						if l.s(x, y) > 0 {
							continue
						}
						la := float64(l.c.A) / 255
						cr = float64(l.c.R)/255*la + cr*(1-la)
						cg = float64(l.c.G)/255*la + cg*(1-la)
						cb = float64(l.c.B)/255*la + cb*(1-la)
						ca = la + ca*(1-la)
					}
					r, g, b, a = r+cr, g+cg, b+cb, a+ca
				}
			}
			n := float64(ss * ss)
			r, g, b, a = r/n, g/n, b/n, a/n
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a * 255)), G: uint8(math.Round(g / a * 255)),
				B: uint8(math.Round(b / a * 255)), A: uint8(math.Round(a * 255)),
			})
		}
	}
	return img
}

var white = color.NRGBA{255, 255, 255, 255}

// tray draws the small status icon: a rounded tile in the state's colour with a white glyph.
func tray(bg color.NRGBA, glyph shape) []layer {
	return []layer{
		{roundRect(4, 4, 60, 60, 13), bg},
		{glyph, white},
	}
}

// blocks is the idle glyph: three calendar blocks of different lengths, like a day's timeline.
var blocks = union(
	roundRect(15, 17, 49, 25, 4),
	roundRect(15, 28, 39, 36, 4),
	roundRect(15, 39, 45, 47, 4),
)

// syncing is two arrows chasing each other round a circle.
var syncing = union(
	arc(32, 32, 15, 6, -math.Pi*0.95, -math.Pi*0.15),
	arc(32, 32, 15, 6, math.Pi*0.05, math.Pi*0.85),
	triangle(42, 10, 53, 20, 40, 24),
	triangle(22, 54, 11, 44, 24, 40),
)

var exclamation = union(roundRect(28.5, 13, 35.5, 38, 3.5), circle(32, 47, 4.2))

var pause = union(roundRect(20, 17, 28.5, 47, 3), roundRect(35.5, 17, 44, 47, 3))

// app draws the application icon: a calendar page with coloured activity blocks on an indigo tile.
func app() []layer {
	return []layer{
		{roundRect(2, 2, 62, 62, 14), hex("#3949ab")},
		{roundRect(10, 12, 54, 54, 6), white},
		{roundRect(10, 12, 54, 22, 6), hex("#ef5350")},
		{roundRect(10, 17, 54, 22, 0), hex("#ef5350")},
		{roundRect(18, 8, 22, 16, 2), hex("#e8eaf6")},
		{roundRect(42, 8, 46, 16, 2), hex("#e8eaf6")},
		{roundRect(15, 26, 40, 32, 2.5), hex("#26a69a")},
		{roundRect(22, 35, 49, 41, 2.5), hex("#42a5f5")},
		{roundRect(15, 44, 33, 50, 2.5), hex("#ffa726")},
	}
}

func main() {
	out := "."
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	icons := []struct {
		name   string
		size   int
		layers []layer
	}{
		{"app.png", 512, app()},
		{"tray-idle.png", 64, tray(hex("#00897b"), blocks)},
		{"tray-syncing.png", 64, tray(hex("#1e88e5"), syncing)},
		{"tray-error.png", 64, tray(hex("#e53935"), exclamation)},
		{"tray-paused.png", 64, tray(hex("#757575"), pause)},
	}
	for _, ic := range icons {
		if err := write(filepath.Join(out, ic.name), render(ic.size, ic.layers)); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

func write(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	return f.Close()
}
