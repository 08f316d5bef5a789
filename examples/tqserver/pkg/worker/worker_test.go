package worker

import "testing"

func TestPortDefault(t *testing.T) {
	t.Setenv("WORKER_PORT", "")
	if Port() != "9000" {
		t.Fatalf("Port() = %q, want 9000", Port())
	}
}
