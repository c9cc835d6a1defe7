package calendar

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
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

// BlockUID returns the UID a new block of profileID starting at start is created with: the
// same in every awcal that derives that block, so that two syncs racing to create it cannot
// both succeed (the second Create of a UID is calendar.ErrConflict; on CalDAV the resource
// name follows the UID and If-None-Match refuses it). It has NewUID's form.
func BlockUID(profileID string, start time.Time) string {
	sum := sha256.Sum256([]byte("awcal block\x00" + profileID + "\x00" + strconv.FormatInt(start.Unix(), 10)))
	return hex.EncodeToString(sum[:uidHexLen/2]) + uidSuffix
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
