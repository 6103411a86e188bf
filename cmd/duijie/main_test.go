package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/store"
)

// runCLI runs one subcommand against the Redis at url.
func runCLI(t testing.TB, url string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := map[string]string{"REDIS_URL": url, "LOG_LEVEL": "warn"}
	var out, errOut bytes.Buffer
	err = run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestImportMatchExport imports a file with good and bad rows into Redis,
// re-imports it (updates, no duplicates), ranks a profile and exports.
func TestImportMatchExport(t *testing.T) {
	mr := miniredis.RunT(t)
	url := "redis://" + mr.Addr() + "/0"
	dir := t.TempDir()
	file := filepath.Join(dir, "list.jsonl")
	content := strings.Join([]string{
		`{"id":"o-clad","kind":"offer","title":"Ultra-high-speed laser cladding replacing hard chrome","description":"Corrosion-resistant alloy cladding for hydraulic piston rods; 1000 h salt spray without rust.","org":"Lab A","region":"Xi'an, Shaanxi","lang":"en","trl":7}`,
		`{"id":"o-vision","kind":"offer","title":"机器视觉表面缺陷检测","description":"深度学习检测金属表面划痕、凹坑，检出率99%。","org":"实验室B","region":"杭州","lang":"zh"}`,
		`{"id":"broken"`,
		`{"id":"n-rust","kind":"need","title":"活塞杆生锈","description":"我们的液压油缸活塞杆在海边用半年就生锈，镀铬层起皮。","org":"工厂C","region":"宁波","lang":"zh"}`,
		`{"id":"n-bad","kind":"client","title":"t","description":"d"}`,
	}, "\n")
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCLI(t, url, "import", file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "3 imported (3 new, 0 updated), 2 rejected") {
		t.Errorf("import summary = %q", out)
	}
	for _, line := range []string{"line 3:", "line 5 (n-bad)"} {
		if !strings.Contains(errOut, line) {
			t.Errorf("import errors lack %q:\n%s", line, errOut)
		}
	}
	out, _, err = runCLI(t, url, "import", file)
	if err != nil || !strings.Contains(out, "3 imported (0 new, 3 updated)") {
		t.Errorf("re-import = %q, %v; want updates only", out, err)
	}

	out, errOut, err = runCLI(t, url, "match", "--profile", "n-rust", "--json", "--top", "2")
	if err != nil {
		t.Fatalf("match: %v\n%s", err, errOut)
	}
	var res struct {
		Matches []struct {
			ID     string  `json:"id"`
			Score  float64 `json:"score"`
			Reason string  `json:"reason"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("match --json: %v\n%s", err, out)
	}
	if len(res.Matches) == 0 || res.Matches[0].ID != "o-clad" || res.Matches[0].Reason == "" {
		t.Errorf("match ranked %+v, want o-clad first with a reason", res.Matches)
	}
	// The need's owner declines o-clad (👎): match ranks as the bot does.
	ctx := context.Background()
	rdb, err := store.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if err := store.New(rdb, "").DeclineMatch(ctx, "n-rust", "o-clad", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	out, errOut, err = runCLI(t, url, "match", "--profile", "n-rust", "--json", "--top", "2")
	if err != nil {
		t.Fatalf("match after a decline: %v\n%s", err, errOut)
	}
	if strings.Contains(out, `"o-clad"`) {
		t.Errorf("match shows the declined offer:\n%s", out)
	}

	exp := filepath.Join(dir, "all.csv")
	if _, errOut, err := runCLI(t, url, "export", exp); err != nil {
		t.Fatalf("export: %v\n%s", err, errOut)
	}
	b, _ := os.ReadFile(exp)
	if got := strings.Count(string(b), "\n"); got != 4 {
		t.Errorf("export wrote %d lines, want header + 3", got)
	}

	if _, _, err := runCLI(t, url, "match", "--profile", "nope"); err == nil {
		t.Error("match of a missing profile succeeded")
	}
}

func TestUsageAndUnknownCommand(t *testing.T) {
	if _, _, err := runCLI(t, ""); err != errUsage {
		t.Errorf("no command: %v, want usage", err)
	}
	if _, errOut, err := runCLI(t, "", "frob"); err != errUsage || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: %v %q", err, errOut)
	}
	if _, _, err := runCLI(t, "", "serve"); err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Errorf("serve without token: %v", err)
	}
}

func TestRedactURL(t *testing.T) {
	if got := redactURL("redis://user:s3cret@host:6379/0"); strings.Contains(got, "s3cret") {
		t.Errorf("redactURL leaked the password: %q", got)
	}
}

// TestChatConsole holds a whole intake on the console with the embedded
// store and the demo set, as a newcomer would.
func TestChatConsole(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	script := strings.Join([]string{
		"2", // English
		"1", // I have a technical need
		"Our hydraulic piston rods rust within months near the sea and the chrome plating peels off.",
		"1", // Done
		"skip", "skip", "skip", "skip",
		"1", // Publish
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"chat"}, func(string) string { return "" }, strings.NewReader(script), &out, &errOut)
	if err != nil {
		t.Fatalf("chat: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"[1] 中文   [2] English", "Question 1 of", "Your need — please check", "Published", "Best technologies for your need", "[demo]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}
