package memstore

import (
	"testing"

	"github.com/awcal/awcal/internal/calendar/calendartest"
)

// NewHarness gives the external tests the conformance harness.
func NewHarness(*testing.T) calendartest.Harness { return harness{New()} }
