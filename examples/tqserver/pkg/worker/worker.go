// Package worker is the runtime every Go worker links: it serves HTTP on WORKER_PORT with a /health endpoint.
package worker

import (
	"fmt"
	"net/http"
	"os"
)

// Port is the port TQServer assigned, from WORKER_PORT (default 9000).
func Port() string {
	if p := os.Getenv("WORKER_PORT"); p != "" {
		return p
	}
	return "9000"
}

// Run serves handler beside /health until the process is stopped. With --version it prints name and version and returns.
func Run(name, version string, handler http.Handler) error {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Printf("%s %s\n", name, version)
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.Handle("/", handler)
	return http.ListenAndServe(":"+Port(), mux)
}
