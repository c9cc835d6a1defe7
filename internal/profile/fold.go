package profile

import (
	"unicode"
	"unicode/utf8"
)

// appendFold appends s with every rune mapped to one representative of its case-folding
// orbit (the runes (?i) treats as equal), so that a (?i) literal occurs in a text exactly when
// its fold occurs in the text's fold. ASCII letters fold to lower case; invalid bytes become
// U+FFFD, as the regular expression engine reads them.
func appendFold(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += size
	}
	return dst
}

// fold is appendFold to a string.
func fold(s string) string {
	return string(appendFold(make([]byte, 0, len(s)), s))
}

// hasFoldedPrefix reports whether s's fold begins with p (a folded text), folding no more of
// s than it compares.
func hasFoldedPrefix(s, p string) bool {
	var buf [utf8.UTFMax]byte
	for i := 0; p != ""; {
		if i == len(s) {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n := utf8.EncodeRune(buf[:], foldRune(r))
		// UTF-8 is prefix-free: p cannot end inside the rune.
		if n > len(p) || string(buf[:n]) != p[:n] {
			return false
		}
		p = p[n:]
	}
	return true
}

// foldRune is the lower-case ASCII letter of r's orbit if it has one, else its smallest rune.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	low := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		low = min(low, f)
	}
	if 'A' <= low && low <= 'Z' {
		return low + 'a' - 'A'
	}
	return low
}
