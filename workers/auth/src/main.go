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
	listRoutes := flag.Bool("routes", false, "List the routes (generated from routes.txt by the routes build job)")
	flag.Parse()
	if *version {
		fmt.Printf("auth %s (%s, %s) %s/%s\n", Version, GitCommit, BuildTime, runtime.GOOS, runtime.GOARCH)
		return
	}
	if *listRoutes {
		for _, r := range routes {
			fmt.Printf("%s %s -> %s\n", r.Method, r.Path, r.Handler)
		}
		return
	}
	fmt.Println("auth ready")
}
