package dataset

import (
	"testing"

	"github.com/duijie/duijie/matcher"
)

// TestConferenceList reads a conference's workbook of 1,500 achievements
// and 1,100 demands whose 序号 run from 1 on both sheets, and plans it
// into an empty store and then over itself.
func TestConferenceList(t *testing.T) {
	b := twoSheetWorkbook(t, conferenceRows(fixtureOffers, 1500), conferenceRows(fixtureNeeds, 1100))
	l, err := ReadList("千校万企成果需求汇总.xlsx", b, ListOptions{List: "qxwq2026", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	pl := PlanImport("千校万企成果需求汇总.xlsx", l.Rows, len(l.Problems), nil)
	t.Log("\n" + pl.Preview(matcher.LangZH, l.Summary(matcher.LangZH)))
	t.Log("\n" + pl.Preview(matcher.LangEN, l.Summary(matcher.LangEN)))
	if pl.New != 1499+1099 || pl.Problems != 2 {
		t.Errorf("new %d problems %d", pl.New, pl.Problems)
	}
	stored := map[string]Stored{}
	for _, r := range l.Rows {
		stored[r.Profile.ID] = Stored{Profile: r.Profile, Contact: r.Contact}
	}
	if again := PlanImport(l.Name, l.Rows, 0, stored); again.New+again.Updated != 0 {
		t.Errorf("the same list again: %+v", again)
	}
}

// BenchmarkReadList reads the conference's workbook of 2,600 rows.
func BenchmarkReadList(b *testing.B) {
	data := twoSheetWorkbook(b, conferenceRows(fixtureOffers, 1500), conferenceRows(fixtureNeeds, 1100))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadList("list.xlsx", data, ListOptions{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}
