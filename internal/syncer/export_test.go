package syncer

// SetPieceEvents sets how many events a piece of a long range aims to hold, until restore.
func SetPieceEvents(n int) (restore func()) {
	old := pieceEvents
	pieceEvents = n
	return func() { pieceEvents = old }
}
