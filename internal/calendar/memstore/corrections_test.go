package memstore_test

import (
	"testing"

	"github.com/awcal/awcal/internal/calendar/calendartest/correctionstest"
	"github.com/awcal/awcal/internal/calendar/memstore"
)

func TestCorrectionsStick(t *testing.T) { correctionstest.Run(t, memstore.NewHarness) }
