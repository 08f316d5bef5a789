// The Go source of a new worker: TQServer's runtime contract (WORKER_PORT/PORT, /health, SIGTERM) and the production stamps.

/**
 * Standard library only, so the worker builds offline and in either layout. `--healthcheck` lets a
 * distroless image (no shell, no curl) answer Docker's HEALTHCHECK with the binary itself.
 */
export function mainGo(name: string): string {
  return `// The ${name} worker: serves under TQServer's contract (WORKER_PORT/PORT, GET /health, graceful SIGTERM).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// Filled in by production builds (-ldflags -X main.Version=...); see build-prod.
var (
	Version   = "dev"
	BuildTime = "unknown"
	GitCommit = "unknown"
)

// defaultPort is TQServer's worker runtime default when the server sets no port.
const defaultPort = "9000"

// port follows TQServer: WORKER_PORT, then PORT, then the default.
func port(getenv func(string) string) string {
	for _, key := range []string{"WORKER_PORT", "PORT"} {
		if v := getenv(key); v != "" {
			return v
		}
	}
	return defaultPort
}

func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from ${name} (%s)\\n", r.URL.Path)
	})
	return mux
}

// healthcheck asks the running worker for /health; used as the container's HEALTHCHECK.
func healthcheck(p string) error {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + p + "/health")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/health answered %d", resp.StatusCode)
	}
	return nil
}

func main() {
	version := flag.Bool("version", false, "print the version and exit")
	check := flag.Bool("healthcheck", false, "exit 0 when the running worker answers /health, else 1")
	flag.Parse()
	if *version {
		fmt.Printf("${name} %s (commit %s, built %s) %s/%s\\n", Version, GitCommit, BuildTime, runtime.GOOS, runtime.GOARCH)
		return
	}
	p := port(os.Getenv)
	if *check {
		if err := healthcheck(p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}

	srv := &http.Server{Addr: ":" + p, Handler: routes(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		// Let requests in flight finish; TQServer waits shutdown_grace_period_ms (5 s by default).
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("${name} %s listening on :%s", Version, p)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
`;
}

export function mainTestGo(): string {
  return `package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealthAnswers200(t *testing.T) {
	rec := httptest.NewRecorder()
	routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /health = %d, want 200", rec.Code)
	}
}

func TestPortFollowsTQServer(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, defaultPort},
		{map[string]string{"PORT": "8081"}, "8081"},
		{map[string]string{"WORKER_PORT": "9100", "PORT": "8081"}, "9100"},
	}
	for _, c := range cases {
		if got := port(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("port(%v) = %q, want %q", c.env, got, c.want)
		}
	}
}
`;
}
