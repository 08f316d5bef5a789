// The api worker: prints a greeting from the shared library, or its version.
package main

import (
	"flag"
	"fmt"

	"example.com/tqserver/libs/shared"
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
		fmt.Printf("Version: %s\n", Version)
		fmt.Printf("Build Time: %s\n", BuildTime)
		fmt.Printf("Git Commit: %s\n", GitCommit)
		return
	}
	fmt.Println(shared.Greeting("api"))
}
