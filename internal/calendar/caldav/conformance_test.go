package caldav_test

import (
	"testing"

	"github.com/awcal/awcal/internal/calendar/calendartest"
	"github.com/awcal/awcal/internal/calendar/calendartest/correctionstest"
)

// TestConformance runs the one calendar suite against go-webdav's handler in-process and a real
// Radicale, each subtest on a fresh calendar of one server.
func TestConformance(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			calendartest.Run(t, func(t *testing.T) calendartest.Harness { return srv.Harness(t) })
			correctionstest.Run(t, func(t *testing.T) calendartest.Harness { return srv.Harness(t) })
		})
	}
}
