package ui

import "fmt"

// count writes n with its noun in the right number: "1 block", "3 blocks". plural is the
// noun's plural, "" for noun + "s".
func count(n int, noun, plural string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	if plural == "" {
		plural = noun + "s"
	}
	return fmt.Sprintf("%d %s", n, plural)
}
