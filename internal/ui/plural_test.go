package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCount(t *testing.T) {
	assert.Equal(t, "1 block", count(1, "block", ""))
	assert.Equal(t, "3 blocks", count(3, "block", ""))
	assert.Equal(t, "0 blocks", count(0, "block", ""))
	assert.Equal(t, "2 entries", count(2, "entry", "entries"))
}
