package profile

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistinct(t *testing.T) {
	assert.Equal(t, "#4c8bf5", Distinct("#4c8bf5", []string{"#d93025"}), "a colour far from the others stays")
	got := Distinct("#4c8bf5", []string{"#4c8bf5"})
	assert.NotEqual(t, "#4c8bf5", got, "the same colour gets a shade of its own")
	assert.True(t, far(got, []string{"#4c8bf5"}))
	near := Distinct("#4c8cf4", []string{"#4c8bf5", got})
	assert.True(t, far(near, []string{"#4c8bf5", got}), "a near-identical colour too: %s", near)
	assert.Equal(t, "teal", Distinct("teal", []string{"#4c8bf5"}), "what cannot be read stays")
	for _, p := range Palette {
		var others []string
		for _, q := range Palette {
			if q != p {
				others = append(others, q)
			}
		}
		assert.Equal(t, p, Distinct(p, others), "the palette's own colours are apart: %s", p)
	}
}
