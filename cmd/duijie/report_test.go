package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
)

// TestStatsAndReport imports an event's list with --tag and another list
// without, then prints the statistics and writes the event's report.
func TestStatsAndReport(t *testing.T) {
	mr := miniredis.RunT(t)
	url := "redis://" + mr.Addr() + "/0"
	dir := t.TempDir()
	event := filepath.Join(dir, "expo.jsonl")
	if err := os.WriteFile(event, []byte(strings.Join([]string{
		`{"id":"o-clad","kind":"offer","title":"Ultra-high-speed laser cladding replacing hard chrome","description":"Corrosion-resistant alloy cladding for hydraulic piston rods; 1000 h salt spray without rust.","org":"Lab A","lang":"en","trl":7}`,
		`{"id":"o-vision","kind":"offer","title":"机器视觉表面缺陷检测","description":"深度学习检测金属表面划痕、凹坑，检出率99%。","org":"实验室B","lang":"zh"}`,
		`{"id":"n-rust","kind":"need","title":"活塞杆生锈","description":"我们的液压油缸活塞杆在海边用半年就生锈，镀铬层起皮。","org":"工厂C","lang":"zh","tags":["park-7"]}`,
		`{"id":"n-opera","kind":"need","title":"Peking opera teacher for our staff choir","description":"Weekly lessons in Peking opera singing and costume make-up.","lang":"en"}`,
	}, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.jsonl")
	if err := os.WriteFile(other, []byte(`{"id":"n-scratch","kind":"need","title":"Scratches on steel strip","description":"Our inspectors miss scratches on cold-rolled strip.","lang":"en"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"import", "--tag", "EXPO-2026", event}, {"import", other}} {
		if _, errOut, err := runCLI(t, url, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut)
		}
	}

	out, errOut, err := runCLI(t, url, "stats", "--days", "2")
	if err != nil {
		t.Fatalf("stats: %v\n%s", err, errOut)
	}
	for _, want := range []string{"Users: 0\n", "Profiles: 5 stored, 5 active (offers 2, needs 3)\n",
		"In total: 0 matches shown · 0 intros requested · 0 accepted (connections) · 0 declined · 0 notifications sent\n",
		"Last 2 days (UTC):\n", "new profiles 5 ·"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lacks %q:\n%s", want, out)
		}
	}
	if out, _, err := runCLI(t, url, "stats", "--lang", "zh"); err != nil || !strings.Contains(out, "档案：共 5 份，有效 5 份（供给 2，需求 3）") {
		t.Errorf("stats --lang zh = %v\n%s", err, out)
	}

	outDir := filepath.Join(dir, "out")
	out, errOut, err = runCLI(t, url, "report", "--tag", "expo-2026", "--out", outDir)
	if err != nil {
		t.Fatalf("report: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Docking report: expo-2026\nneeds 2 · with a good match 1 · coverage gaps 1 · with a linkage team 0 · introductions requested 0, accepted 0\n") {
		t.Errorf("report summary = %q", out)
	}
	md, err := os.ReadFile(filepath.Join(outDir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Docking report: expo-2026", "| Needs | 2 |", "### `n-rust` 活塞杆生锈", "tags: park-7, EXPO-2026",
		"1. `o-clad` Ultra-high-speed laser cladding", "### `n-opera`", "**Coverage gap:**"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(string(md), "n-scratch") {
		t.Errorf("report.md names n-scratch, which is not tagged:\n%s", md)
	}
	f, err := os.Open(filepath.Join(outDir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("report.csv does not parse: %v", err)
	}
	var needs []string
	for _, r := range rows[1:] {
		needs = append(needs, r[0])
	}
	if len(rows[0]) != 21 || len(needs) == 0 || needs[0] != "n-opera" || needs[len(needs)-1] != "n-rust" {
		t.Errorf("report.csv: %d columns, rows for %v; want 21 columns, n-opera then n-rust", len(rows[0]), needs)
	}

	if _, _, err := runCLI(t, url, "report", "--since", "20.11.2026"); err != errUsage {
		t.Errorf("report with a bad date: %v, want usage", err)
	}
	if _, _, err := runCLI(t, url, "stats", "--days", "0"); err != errUsage {
		t.Errorf("stats --days 0: %v, want usage", err)
	}
}
