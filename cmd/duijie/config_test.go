package main

import (
	"strings"
	"testing"
)

// TestWebhookSecretLength: a secret shorter than
// MinWebhookSecretLen is refused; one of that length is taken.
func TestWebhookSecretLength(t *testing.T) {
	for secret, refused := range map[string]bool{
		"x":                      true,
		"abc_123":                true,
		strings.Repeat("a", 15):  true,
		strings.Repeat("a", 16):  false,
		strings.Repeat("a", 256): false,
		strings.Repeat("a", 257): true,
		"0123456789abcdef ":      false, // trimmed
		"0123456789abcde!":       true,
	} {
		_, err := fromEnv(func(k string) string {
			return map[string]string{"WEBHOOK_URL": "https://bot.example/hook", "WEBHOOK_SECRET": secret}[k]
		})
		if (err != nil) != refused {
			t.Errorf("WEBHOOK_SECRET of %d characters: err %v, want refused %v", len(secret), err, refused)
		}
	}
}

// TestMetricsAddr: /metrics and /healthz have their own address,
// loopback unless told otherwise.
func TestMetricsAddr(t *testing.T) {
	for _, tc := range []struct {
		env, want string
		bad       bool
	}{
		{"", DefaultMetricsAddr, false},
		{"0.0.0.0:9100", "0.0.0.0:9100", false},
		{":9100", ":9100", false},
		{"[::1]:9100", "[::1]:9100", false},
		{"off", "", false},
		{"OFF", "", false},
		{"9100", "", true},
		{"localhost:http", "", true},
		{"host:99999", "", true},
	} {
		c, err := fromEnv(func(k string) string { return map[string]string{"METRICS_ADDR": tc.env}[k] })
		if (err != nil) != tc.bad || !tc.bad && c.MetricsAddr != tc.want {
			t.Errorf("METRICS_ADDR=%q: %q, %v; want %q (bad %v)", tc.env, c.MetricsAddr, err, tc.want, tc.bad)
		}
	}
	if DefaultMetricsAddr != "127.0.0.1:9090" {
		t.Errorf("DefaultMetricsAddr = %s, want loopback", DefaultMetricsAddr)
	}
}
