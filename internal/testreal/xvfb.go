package testreal

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// StartXvfb starts Xvfb (1280×800) on a free display between :90 and :199, stops it when t
// ends, and returns the display's name (":N"). Xvfb must be installed (see Missing).
func StartXvfb(t testing.TB) string {
	t.Helper()
	for n := 90; n < 200; n++ {
		if displayTaken(fmt.Sprintf("/tmp/.X%d-lock", n)) {
			continue
		}
		display := ":" + strconv.Itoa(n)
		x := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatalf("starting Xvfb: %v", err)
		}
		done := make(chan struct{})
		go func() { _ = x.Wait(); close(done) }()
		// Asked to stop, Xvfb removes its lock file and socket; killed, it leaves them.
		t.Cleanup(func() { Stop(x.Process, done, 10*time.Second) })
		ok := false
		for i := 0; i < 100 && !ok; i++ {
			select {
			case <-done:
				i = 100 // lost a race for this display
			default:
				if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
					ok = true
				} else {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}
		if ok {
			return display
		}
	}
	t.Fatal("no free X display between :90 and :199")
	return ""
}

// displayTaken reports whether the X display whose lock file is lock is held: the file names
// a running process (or cannot be read). A lock left by an X server that was killed, and its
// socket, do not hold the display: Xvfb replaces both when it starts.
func displayTaken(lock string) bool {
	b, err := os.ReadFile(lock)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		return true
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// WaitFor polls ok every 200 ms until it holds, failing t after d: for what a real program
// does in its own time (a window appearing, a file being written).
func WaitFor(t testing.TB, d time.Duration, what string, ok func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out after %s waiting for %s", d, what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// DistinctColours counts the colours of a PNG screenshot (every third pixel of every third
// row): a drawn window has many, a blank screen one or two.
func DistinctColours(t testing.TB, path string) int {
	t.Helper()
	img := decodePNG(t, path)
	return distinctColours(img, img.Bounds(), 3)
}

// DistinctColoursIn counts the colours of every pixel inside r of a PNG screenshot (screen
// coordinates): what one small window or icon shows.
func DistinctColoursIn(t testing.TB, path string, r image.Rectangle) int {
	t.Helper()
	img := decodePNG(t, path)
	return distinctColours(img, img.Bounds().Intersect(r), 1)
}

func decodePNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("reading the screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding the screenshot %s: %v", path, err)
	}
	return img
}

// distinctColours counts the colours in b of img, every step-th pixel of every step-th row.
func distinctColours(img image.Image, b image.Rectangle, step int) int {
	seen := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
