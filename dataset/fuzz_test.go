package dataset

import (
	"bytes"
	"testing"
)

// FuzzRead feeds arbitrary files to the importer in every format: it
// never panics, every row it keeps is a valid profile, and every reported
// line is a line of the file.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"id":"o1","kind":"offer","title":"t","description":"d"}`+"\n"+`{"id":`), uint8(0))
	f.Add([]byte("id,kind,title,description\no1,offer,\"t\",d\n\"broken"), uint8(1))
	f.Add([]byte("\xef\xbb\xbfid,kind,title,description,trl\nn1,need,标题,描述,x\n"), uint8(1))
	f.Add([]byte("PK\x03\x04garbage"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		fm := []Format{JSONL, CSV, XLSX}[int(format)%3]
		rows, bad, err := Read(bytes.NewReader(data), fm, now)
		if err != nil {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, r := range rows {
			if err := r.Profile.Validate(); err != nil {
				t.Fatalf("kept an invalid row: %v", err)
			}
			if fm != XLSX && (r.Line < 1 || r.Line > lines) {
				t.Fatalf("row line %d outside the file's %d lines", r.Line, lines)
			}
		}
		for _, b := range bad {
			if fm != XLSX && (b.Line < 0 || b.Line > lines) {
				t.Fatalf("bad row line %d outside the file's %d lines", b.Line, lines)
			}
		}
	})
}
