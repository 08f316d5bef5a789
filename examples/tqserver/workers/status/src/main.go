// The status worker: standard library only, enabled in development mode only.
package main

import (
	"fmt"
	"net/http"
	"os"
)

var Version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println("status", Version)
		return
	}
	port := os.Getenv("WORKER_PORT")
	if port == "" {
		port = "9000"
	}
	http.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "status: up") })
	if err := http.ListenAndServe(":"+port, nil); err != nil {
		panic(err)
	}
}
