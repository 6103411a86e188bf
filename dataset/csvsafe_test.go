package dataset

import (
	"bytes"
	"testing"
)

func TestSheetCSV(t *testing.T) {
	var b bytes.Buffer
	w := NewSheetCSV(&b)
	w.Write([]string{"=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "成果", ""})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),'\tx,\"'\rx\",成果,\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
