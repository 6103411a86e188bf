package dataset

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/matcher"
)

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func TestReadJSONLReportsBadRows(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"o1","kind":"offer","title":"Laser cladding","description":"Corrosion-resistant cladding of piston rods.","org":"Lab","region":"Xi'an, Shaanxi","lang":"en","trl":7,"modes":["license"]}`,
		`not json`,
		``,
		`{"id":"n1","kind":"need","title":"活塞杆生锈","description":"海边使用的液压油缸活塞杆半年就生锈。"}`,
		`{"id":"x1","kind":"partner","title":"t","description":"d"}`,
		`{"id":"o2","kind":"offer","title":"","description":"no title"}`,
		`{"id":"o3","kind":"offer","title":"t","description":"d","trl":12}`,
		`{"id":"o1","kind":"offer","title":"Laser cladding v2","description":"Updated text.","lang":"en"}`,
	}, "\n")
	rows, bad, err := Read(strings.NewReader(in), JSONL, now)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, b := range bad {
		lines = append(lines, b.Line)
	}
	if diff := cmp.Diff([]int{2, 5, 6, 7}, lines); diff != "" {
		t.Errorf("bad lines (-want +got):\n%s\n%v", diff, bad)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2 (o1 once, n1): %+v", len(rows), rows)
	}
	if rows[0].Profile.Title != "Laser cladding v2" || rows[0].Line != 8 {
		t.Errorf("a repeated id should keep the last row, got %q from line %d", rows[0].Profile.Title, rows[0].Line)
	}
	if rows[1].Profile.Lang != matcher.LangZH || rows[1].Profile.Status != matcher.StatusActive {
		t.Errorf("n1: lang %q status %q, want zh (detected) and active", rows[1].Profile.Lang, rows[1].Profile.Status)
	}
}

func TestReadCSV(t *testing.T) {
	in := "\xef\xbb\xbfid,kind,title,description,org,region,lang,modes,trl\n" +
		"o1,offer,Seam tracking,\"Robot welding, no programming\",Lab,Harbin,en,license;joint_rd,6\n" +
		"o2,offer,Bad trl,text,,,en,,six\n" +
		"n1,need,焊工难招,小批量钢结构焊接招不到焊工,,,zh,,\n"
	rows, bad, err := Read(strings.NewReader(in), CSV, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].Line != 3 || bad[0].ID != "o2" {
		t.Errorf("bad = %v, want line 3 (o2)", bad)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	want := []matcher.Mode{matcher.ModeLicense, matcher.ModeJointRD}
	if diff := cmp.Diff(want, rows[0].Profile.Modes); diff != "" {
		t.Errorf("modes (-want +got):\n%s", diff)
	}
	if rows[0].Profile.TRL != 6 {
		t.Errorf("trl = %d, want 6", rows[0].Profile.TRL)
	}
}

func TestReadCSVWithoutRequiredColumn(t *testing.T) {
	_, _, err := Read(strings.NewReader("id,kind,title\no1,offer,t\n"), CSV, now)
	if err == nil || !strings.Contains(err.Error(), "description") {
		t.Errorf("err = %v, want a missing description column", err)
	}
}

func TestExportReadsBack(t *testing.T) {
	ps := []matcher.Profile{
		{ID: "o1", Kind: matcher.KindOffer, Status: matcher.StatusActive, Title: "T, with comma", Description: "D \"quoted\"\nsecond line", Lang: matcher.LangEN, TRL: 5, Modes: []matcher.Mode{matcher.ModeLicense}, Tags: []string{"expo"}, CreatedAt: now, UpdatedAt: now},
		{ID: "n1", Kind: matcher.KindNeed, Status: matcher.StatusActive, Title: "=需求", Description: "-描述", Lang: matcher.LangZH, Region: "Suzhou, Jiangsu", CreatedAt: now, UpdatedAt: now},
	}
	model := ps[0]
	model.ID, model.Summary, model.Statement, model.Concepts, model.Success = "o2", "Sum", "Laser cladding statement.", []string{"manufacturing.laser-cladding"}, "1000 h salt spray"
	model.PromptVersion, model.Embedding, model.EmbeddingModel = "n1-abc", []float32{0.5, -0.25}, "text-embedding-3-small"
	for _, f := range []Format{JSONL, CSV} {
		var buf bytes.Buffer
		var err error
		if f == CSV {
			err = WriteCSV(&buf, ps)
		} else {
			err = WriteJSONL(&buf, ps)
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, bad, err := Read(&buf, f, now)
		if err != nil || len(bad) > 0 {
			t.Fatalf("%s: read back: %v %v", f, err, bad)
		}
		var got []matcher.Profile
		for _, r := range rows {
			got = append(got, r.Profile)
		}
		if diff := cmp.Diff(ps, got); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", f, diff)
		}
	}
	// What a model wrote survives a JSON Lines round trip.
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, []matcher.Profile{model}); err != nil {
		t.Fatal(err)
	}
	rows, bad, err := Read(&buf, JSONL, now)
	if err != nil || len(bad) > 0 || len(rows) != 1 {
		t.Fatalf("read back: %v %v %d", err, bad, len(rows))
	}
	if diff := cmp.Diff(model, rows[0].Profile); diff != "" {
		t.Errorf("model fields round trip (-want +got):\n%s", diff)
	}
}

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		want       Format
	}{
		{"a.csv", "{", CSV}, {"a.JSONL", "id,", JSONL}, {"upload", `{"id":1}`, JSONL}, {"upload", "id,kind", CSV},
	} {
		if got := FormatOf(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("FormatOf(%q, %q) = %s, want %s", tc.name, tc.head, got, tc.want)
		}
	}
}

func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"id", "kind", "title", "description", "lang", "trl", "modes"},
		{"o1", "offer", "激光熔覆", "超高速激光熔覆替代电镀硬铬。", "zh", 7, "license;transfer"},
		{"o2", "offer", "Bad", "Bad trl", "en", "seven", ""},
		{},
		{"n1", "need", "Rods rust", "Our piston rods rust near the sea.", "en", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got := FormatOf("upload", buf.Bytes()[:8]); got != XLSX {
		t.Errorf("FormatOf(workbook bytes) = %s", got)
	}
	got, bad, err := Read(&buf, XLSX, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Profile.ID != "o1" || got[0].Profile.TRL != 7 || got[1].Line != 5 {
		t.Errorf("rows = %+v", got)
	}
	if len(bad) != 1 || bad[0].Line != 3 || bad[0].ID != "o2" {
		t.Errorf("bad = %v, want line 3 (o2)", bad)
	}
	if _, _, err := Read(strings.NewReader("PK\x03\x04 not a workbook"), XLSX, now); err == nil {
		t.Error("a broken workbook was read")
	}
}

// TestReadRefusesChatIDs: a list cannot write the ids the bot gives
// profiles published in chat.
func TestReadRefusesChatIDs(t *testing.T) {
	in := "id,kind,title,description\np1,offer,Tsinghua offer,text\np2z,need,N,text\nplan-a,need,N,text\n"
	rows, bad, err := Read(strings.NewReader(in), CSV, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 2 || bad[0].Line != 2 || bad[1].Line != 3 || len(rows) != 1 || rows[0].Profile.ID != "plan-a" {
		t.Errorf("rows %v bad %v", rows, bad)
	}
}
