package calendar

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// uidSuffix marks awcal's UID namespace. A UID is awcal's only in the exact form NewUID makes,
// so that a foreign UID that merely ends in "@awcal" is never mistaken for one of ours.
const uidSuffix = "@awcal"

// uidHexLen is the length of the random part: 128 bits as lowercase hex.
const uidHexLen = 32

// NewUID returns a fresh UID in awcal's namespace: 32 random lowercase hex digits and "@awcal".
// A block keeps its UID for life (it is updated in place while it grows), so the UID carries no
// meaning beyond identity.
func NewUID() string {
	var b [uidHexLen / 2]byte
	// crypto/rand.Read never returns an error (Go 1.24+); it crashes the program instead.
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]) + uidSuffix
}

// IsAwcalUID reports whether uid has the form NewUID produces.
func IsAwcalUID(uid string) bool {
	local, ok := strings.CutSuffix(uid, uidSuffix)
	if !ok || len(local) != uidHexLen {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
