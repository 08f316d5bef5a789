// Package textfmt formats short messages; shared builds on it.
package textfmt

import "strings"

// Sentence joins words with single spaces.
func Sentence(words ...string) string {
	return strings.Join(words, " ")
}
