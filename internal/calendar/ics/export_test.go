package ics

import (
	"testing"

	"github.com/awcal/awcal/internal/calendar/calendartest"
)

// NewHarness gives the external tests the conformance harness.
func NewHarness(t *testing.T) calendartest.Harness { return newHarness(t) }
