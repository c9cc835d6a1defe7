package atomicfile

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExtendedPath(t *testing.T) {
	long := `C:\Users\me\` + strings.Repeat(`nestednestednested\`, 15) + "activity.ics"
	for in, want := range map[string]string{
		`C:\Users\me\activity.ics`: `\\?\C:\Users\me\activity.ics`,
		long:                       `\\?\` + long,
		`c:/Users/me//awcal/./sub/../activity.ics`: `\\?\c:\Users\me\awcal\activity.ics`,
		`C:\..\..\activity.ics`:                    `\\?\C:\activity.ics`,
		`C:\`:                                      `\\?\C:\`,
		`C:\Users\me\`:                             `\\?\C:\Users\me`,
		`\\server\share\awcal\activity.ics`:        `\\?\UNC\server\share\awcal\activity.ics`,
		`//server/share/awcal/../x/./activity.ics`: `\\?\UNC\server\share\x\activity.ics`,
		`\\server\share\..\..\activity.ics`:        `\\?\UNC\server\share\activity.ics`,
		`\\server\share`:                           `\\?\UNC\server\share\`,
		// Relative paths, and forms that already say what they name, as they are.
		`activity.ics`:                 `activity.ics`,
		`awcal/../activity.ics`:        `awcal/../activity.ics`,
		`..\activity.ics`:              `..\activity.ics`,
		`\Users\me\activity.ics`:       `\Users\me\activity.ics`,
		`C:activity.ics`:               `C:activity.ics`,
		``:                             ``,
		`\\server`:                     `\\server`,
		`\\server\`:                    `\\server\`,
		`\\?\C:\Users\..\activity.ics`: `\\?\C:\Users\..\activity.ics`,
		`\??\C:\activity.ics`:          `\??\C:\activity.ics`,
		`\\.\NUL`:                      `\\.\NUL`,
		`//./pipe/awcal`:               `//./pipe/awcal`,
	} {
		assert.Equal(t, want, extendedPath(in), "extendedPath(%q)", in)
	}
}
