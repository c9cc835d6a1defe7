package testreal

import (
	"os"
	"syscall"
	"time"
)

// Stop asks a server started for a test to stop (SIGTERM, so that it cleans up after itself)
// and kills it when it is still running after grace; it returns once done, which its waiting
// goroutine closes, is closed.
func Stop(p *os.Process, done <-chan struct{}, grace time.Duration) {
	_ = p.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = p.Kill()
		<-done
	}
}
