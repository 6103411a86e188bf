package dataset

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/matcher"
)

// TestTemplateReadsBack: the template, filled in as it comes, imports
// one offer and one need with their contacts kept apart.
func TestTemplateReadsBack(t *testing.T) {
	b, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 3 || got[2] != "说明 Notes" {
		t.Errorf("sheets = %v", got)
	}
	f.Close()
	l, err := ReadList("模板.xlsx", b, ListOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Rows) != 2 || len(l.Problems) != 0 {
		t.Fatalf("rows %+v problems %+v", l.Rows, l.Problems)
	}
	o, n := l.Rows[0], l.Rows[1]
	if o.Profile.Kind != matcher.KindOffer || n.Profile.Kind != matcher.KindNeed {
		t.Errorf("kinds %s %s", o.Profile.Kind, n.Profile.Kind)
	}
	if o.Profile.TRL != 6 || len(o.Profile.Modes) != 2 || o.Contact.Name != "王老师" || n.Profile.Budget != "100万元以内" {
		t.Errorf("offer %+v contact %+v need %+v", o.Profile, o.Contact, n.Profile)
	}
}
