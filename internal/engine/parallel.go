package engine

// inParallel runs f on a goroutine of its own and g on the caller's, and returns when both
// have: the engine's one way to use a second core (archtest allows no other goroutine in it).
// Nothing outlives the call, so a derivation stays a function of its input; f and g must not
// write what the other reads.
func inParallel(f, g func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	g()
	<-done
}
