package dataset

import (
	"fmt"
	"strings"
	"testing"
)

// TestStreamBatches checks that Stream yields every row in file order,
// in batches of the size asked, with the bad rows where they were met,
// and leaves repeated ids to the store (the later row updates).
func TestStreamBatches(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 7; i++ {
		if i == 4 {
			b.WriteString("not json\n")
			continue
		}
		fmt.Fprintf(&b, `{"id":"o%d","kind":"offer","title":"T%d","description":"D%d"}`+"\n", i%6, i, i)
	}
	var ids []string
	var sizes, badLines []int
	err := Stream(strings.NewReader(b.String()), JSONL, now, 2, func(rows []Row, bad []RowError) error {
		sizes = append(sizes, len(rows))
		for _, r := range rows {
			ids = append(ids, r.Profile.ID)
		}
		for _, e := range bad {
			badLines = append(badLines, e.Line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids, " "); got != "o1 o2 o3 o5 o0 o1" {
		t.Errorf("ids %q, want every valid row in order", got)
	}
	if fmt.Sprint(sizes) != "[2 2 2]" || fmt.Sprint(badLines) != "[4]" {
		t.Errorf("batch sizes %v, bad lines %v; want [2 2 2] and [4]", sizes, badLines)
	}
}

// TestStreamTSV reads the export's columns separated by tabs.
func TestStreamTSV(t *testing.T) {
	in := "id\tkind\ttitle\tdescription\tmodes\n" +
		"o1\toffer\tSeam tracking\tRobot welding, no programming\tlicense;joint_rd\n"
	if !IsExport([]byte(in)) {
		t.Error("IsExport: a tab-separated export header not recognized")
	}
	rows, bad, err := Read(strings.NewReader(in), CSV, now)
	if err != nil || len(bad) != 0 || len(rows) != 1 {
		t.Fatalf("rows %v, bad %v, err %v", rows, bad, err)
	}
	if p := rows[0].Profile; p.Description != "Robot welding, no programming" || len(p.Modes) != 2 {
		t.Errorf("read %+v", p)
	}
	if IsExport([]byte("序号,项目名称,需求描述\n1,a,b\n")) {
		t.Error("IsExport: an organizer's list taken for an export")
	}
}

// TestReadRefusesBigFiles checks that Read, which holds a file whole,
// stops past MaxFileBytes, while Stream reads on.
func TestReadRefusesBigFiles(t *testing.T) {
	row := `{"id":"o1","kind":"offer","title":"T","description":"` + strings.Repeat("x", 1000) + `"}` + "\n"
	n := MaxFileBytes/len(row) + 1
	big := strings.Repeat(row, n)
	if _, _, err := Read(strings.NewReader(big), JSONL, now); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Read of %d bytes: err %v, want too large", len(big), err)
	}
	got := 0
	if err := Stream(strings.NewReader(big), JSONL, now, 1000, func(rows []Row, _ []RowError) error {
		got += len(rows)
		return nil
	}); err != nil || got != n {
		t.Errorf("Stream: %d rows, err %v; want %d", got, err, n)
	}
}
