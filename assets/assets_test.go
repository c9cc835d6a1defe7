package assets

import (
	"bytes"
	"image/png"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIconsDecode(t *testing.T) {
	for _, tc := range []struct {
		res  fyne.Resource
		size int
	}{
		{AppIcon, 512}, {TrayIdle, 64}, {TraySyncing, 64}, {TrayError, 64}, {TrayPaused, 64},
	} {
		t.Run(tc.res.Name(), func(t *testing.T) {
			img, err := png.Decode(bytes.NewReader(tc.res.Content()))
			require.NoError(t, err)
			b := img.Bounds()
			assert.Equal(t, tc.size, b.Dx(), "width")
			assert.Equal(t, tc.size, b.Dy(), "height")
			_, _, _, a := img.At(0, 0).RGBA()
			assert.Zero(t, a, "corners are transparent so the icon sits on any panel")
			_, _, _, a = img.At(b.Dx()/2, b.Dy()/2).RGBA()
			assert.NotZero(t, a, "the centre is painted")
		})
	}
}
