package ics_test

import (
	"testing"

	"github.com/awcal/awcal/internal/calendar/calendartest/correctionstest"
	"github.com/awcal/awcal/internal/calendar/ics"
)

func TestCorrectionsStick(t *testing.T) { correctionstest.Run(t, ics.NewHarness) }
