// The auth worker: a standalone worker with no local imports.
package main

import (
	"flag"
	"fmt"
	"runtime"
)

var (
	Version   = "dev"
	BuildTime = "unknown"
	GitCommit = "unknown"
)

func main() {
	version := flag.Bool("version", false, "Show version")
	flag.Parse()
	if *version {
		fmt.Printf("auth %s (%s, %s) %s/%s\n", Version, GitCommit, BuildTime, runtime.GOOS, runtime.GOARCH)
		return
	}
	fmt.Println("auth ready")
}
