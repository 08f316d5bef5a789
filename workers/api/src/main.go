// The api worker: prints its embedded banner and a greeting from the shared library, or its version.
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"strings"

	"example.com/tqserver/libs/shared"
)

var (
	Version   = "dev"
	BuildTime = "unknown"
	GitCommit = "unknown"

	// Indented, as gofmt leaves a directive inside a var block.
	//go:embed banner.txt
	banner string
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
	fmt.Println(strings.TrimSpace(banner))
	fmt.Println(shared.Greeting("api"))
}
