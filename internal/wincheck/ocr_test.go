package wincheck

import (
	"fmt"
	"image"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// ocrScale is how much a screenshot is enlarged before OCR: Tesseract misreads the menu's
// small font as it is ("Syne" for "Sync") and reads it right five times larger.
const ocrScale = 5

// textLine is a line of text read on the screen and where it is.
type textLine struct {
	text string
	rect image.Rectangle // on the screen
}

// readText reads the lines of text inside r of the screenshot shot with Tesseract (OCR).
func readText(shot string, r image.Rectangle) ([]textLine, error) {
	big := filepath.Join(filepath.Dir(shot), "ocr.png")
	crop := fmt.Sprintf("%dx%d+%d+%d", r.Dx(), r.Dy(), r.Min.X, r.Min.Y)
	if out, err := exec.Command("convert", shot, "-crop", crop, "+repage", "-colorspace", "Gray",
		"-resize", strconv.Itoa(ocrScale*100)+"%", big).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("enlarging the screenshot: %w: %s", err, out)
	}
	// --psm 6: one block of text, as a menu is; tsv: each word with its box.
	tsv, err := exec.Command("tesseract", big, "-", "--psm", "6", "tsv").Output()
	if err != nil {
		return nil, fmt.Errorf("reading the screenshot with tesseract: %w", err)
	}
	var lines []textLine
	byKey := map[string]int{}
	for _, row := range strings.Split(string(tsv), "\n")[1:] {
		f := strings.Split(row, "\t")
		if len(f) != 12 || f[0] != "5" || strings.TrimSpace(f[11]) == "" { // level 5: a word
			continue
		}
		var n [4]int
		for i := range n {
			n[i], _ = strconv.Atoi(f[6+i])
		}
		box := image.Rect(n[0], n[1], n[0]+n[2], n[1]+n[3])
		box = image.Rect(box.Min.X/ocrScale, box.Min.Y/ocrScale, box.Max.X/ocrScale, box.Max.Y/ocrScale).Add(r.Min)
		key := strings.Join(f[1:5], "/") // page, block, paragraph, line
		i, ok := byKey[key]
		if !ok {
			i = len(lines)
			byKey[key] = i
			lines = append(lines, textLine{rect: box})
		} else {
			lines[i].text += " "
			lines[i].rect = lines[i].rect.Union(box)
		}
		lines[i].text += f[11]
	}
	return lines, nil
}

// findLine returns the line that reads label (case and "…" read as "..." aside).
func findLine(lines []textLine, label string) (textLine, bool) {
	want := strings.ReplaceAll(label, "…", "...")
	for _, l := range lines {
		if strings.EqualFold(l.text, want) {
			return l, true
		}
	}
	return textLine{}, false
}
