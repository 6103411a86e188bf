package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// TestImportStreamsBatches imports a tab-separated file in batches of
// three rows: every valid row is stored once, a later row with an id
// updates the earlier one, bad rows are reported with their lines, and
// the claims file lists every profile without an owner.
func TestImportStreamsBatches(t *testing.T) {
	defer func(n int) { streamBatch = n }(streamBatch)
	streamBatch = 3
	mr := miniredis.RunT(t)
	url := "redis://" + mr.Addr() + "/0"
	dir := t.TempDir()
	file, claims := filepath.Join(dir, "rows.tsv"), filepath.Join(dir, "claims.csv")
	var b strings.Builder
	b.WriteString("id\tkind\ttitle\tdescription\ttrl\n")
	for i := range 8 {
		fmt.Fprintf(&b, "o%d\toffer\tLaser cladding %d\tCorrosion-resistant cladding of piston rods, variant %d.\t\n", i, i, i)
	}
	b.WriteString("bad\toffer\tBad maturity\ttext\tseven\n")
	b.WriteString("o2\toffer\tLaser cladding, revised\tThe revised text of the second row.\t\n")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCLI(t, url, "import", "--claims", claims, file)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "9 imported (8 new, 1 updated), 1 rejected") {
		t.Errorf("summary %q", out)
	}
	if !strings.Contains(errOut, "line 10 (bad)") {
		t.Errorf("the bad row is not reported with its line: %q", errOut)
	}
	rdb, err := store.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	s := store.New(rdb, "")
	var ids []string
	if err := s.Profiles(context.Background(), func(p matcher.Profile) error {
		ids = append(ids, p.ID)
		return nil
	}); err != nil || len(ids) != 8 {
		t.Errorf("stored ids %v (err %v), want o0…o7", ids, err)
	}
	p, err := s.Profile(context.Background(), "o2")
	if err != nil || p.Title != "Laser cladding, revised" {
		t.Errorf("o2 = %q (err %v), want the later row", p.Title, err)
	}
	list, err := os.ReadFile(claims)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(list), "\n"); n != 1+9 {
		t.Errorf("claims file has %d lines, want the header and 9 rows (o2 twice):\n%s", n, list)
	}
}
