package atomicfile

import (
	"path"
	"strings"
)

// extendedPath returns the extended-length form of the absolute Windows path p: \\?\C:\… for a
// drive, \\?\UNC\server\share\… for a share. Win32 file functions take that form beyond MAX_PATH
// (260 characters) without the process opting into long paths, and take it literally, so p is
// cleaned first: / becomes \, repeated separators and . and .. elements go (.. stops at the
// drive or share). Any other path is returned as it is: relative ones (name, \name, C:name),
// and those already in a device or extended form (\\.\, \\?\, \??\). It is plain string work,
// so that it is tested on every system; winPath (Windows) uses it.
func extendedPath(p string) string {
	s := strings.ReplaceAll(p, "/", `\`)
	var prefix, rest string
	switch {
	case strings.HasPrefix(s, `\\?\`), strings.HasPrefix(s, `\??\`), strings.HasPrefix(s, `\\.\`):
		return p
	case len(s) >= 3 && isDriveLetter(s[0]) && s[1] == ':' && s[2] == '\\':
		prefix, rest = `\\?\`+s[:2], s[2:]
	case strings.HasPrefix(s, `\\`):
		server, after, _ := strings.Cut(s[2:], `\`)
		share, tail, _ := strings.Cut(after, `\`)
		if server == "" || share == "" {
			return p
		}
		prefix, rest = `\\?\UNC\`+server+`\`+share, `\`+tail
	default:
		return p
	}
	return prefix + strings.ReplaceAll(path.Clean(strings.ReplaceAll(rest, `\`, "/")), "/", `\`)
}

func isDriveLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
