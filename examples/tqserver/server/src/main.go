// The TQServer server: started from the repository root, it reads config/server.yaml.
package main

import (
	"fmt"
	"os"

	"github.com/example/tqserver/pkg/phpfpm"
)

var Version = "dev"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println("tqserver", Version)
		return
	}
	fmt.Println("tqserver", Version, "php pool:", phpfpm.Describe("www"))
}
