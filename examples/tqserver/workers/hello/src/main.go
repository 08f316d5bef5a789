// The hello worker: a Go worker on TQServer's worker runtime.
package main

import (
	"fmt"
	"net/http"

	"github.com/example/tqserver/pkg/worker"
)

var Version = "dev"

func main() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "hello from hello") })
	if err := worker.Run("hello", Version, handler); err != nil {
		panic(err)
	}
}
