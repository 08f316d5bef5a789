// Package shared holds code that several workers import.
package shared

import "example.com/tqserver/libs/textfmt"

// Greeting is what every worker says first.
func Greeting(worker string) string {
	return textfmt.Sentence("hello", "from", worker)
}
