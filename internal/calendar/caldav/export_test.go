package caldav

// SetAfterWrite makes s call f after each write of an Apply, with the change's index and its
// error, before the next write may start in its place.
func SetAfterWrite(s *Store, f func(change int, err error)) { s.afterWrite = f }
