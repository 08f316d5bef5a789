// The TQServer server: started from the repository root, it reads config/server.yaml.
//
// With -mode dev or -mode prod (or TQSERVER_MODE) it serves on server.port, as TQServer does; with
// neither it prints its wiring and exits, a smoke check.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/example/tqserver/pkg/phpfpm"
)

var Version = "dev"

func describe() string {
	return fmt.Sprint("tqserver ", Version, " php pool: ", phpfpm.Describe("www"))
}

// serverPort reads server.port from config/server.yaml, relative to the working directory.
func serverPort() string {
	f, err := os.Open("config/server.yaml")
	if err != nil {
		return "8080"
	}
	defer f.Close()
	section := ""
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.HasPrefix(line, " ") && strings.HasSuffix(line, ":") {
			section = strings.TrimSuffix(line, ":")
		} else if section == "server" && strings.HasPrefix(strings.TrimSpace(line), "port:") {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "port:"))
		}
	}
	return "8080"
}

func main() {
	version := flag.Bool("version", false, "Show version")
	mode := flag.String("mode", os.Getenv("TQSERVER_MODE"), "dev or prod")
	flag.Parse()
	if *version {
		fmt.Println("tqserver", Version)
		return
	}
	if *mode == "" {
		fmt.Println(describe())
		return
	}
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, describe(), "mode:", *mode) })
	port := serverPort()
	fmt.Println("tqserver listening on :" + port)
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
