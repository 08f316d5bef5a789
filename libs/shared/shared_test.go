package shared

import "testing"

func TestGreeting(t *testing.T) {
	if got := Greeting("api"); got != "hello from api" {
		t.Fatalf("Greeting(api) = %q", got)
	}
}
