// Package unused is imported by no worker and not by the server: editing it rebuilds nothing.
package unused

// Answer is a value nobody reads.
const Answer = 42
