// Package shared holds code that several workers import.
package shared

import "fmt"

// Greeting is what every worker says first.
func Greeting(worker string) string {
	return fmt.Sprintf("hello from %s", worker)
}
