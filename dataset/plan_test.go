package dataset

import (
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/matcher"
)

func TestPlanImport(t *testing.T) {
	l := readFixture(t, "成果需求汇总.xlsx")
	first := PlanImport(l.Name, l.Rows, len(l.Problems), nil)
	if first.New != 8 || first.Updated != 0 || first.Problems != 2 || len(first.Rows) != 8 {
		t.Fatalf("first plan = %+v", first)
	}
	zh := first.Preview(matcher.LangZH, l.Summary(matcher.LangZH))
	for _, want := range []string{"成果需求汇总.xlsx：新增 8，更新 0，其中 0 条类型改变，2 行有问题。", "· 成果「一体化肿瘤诊疗芯片」（华东理工大学）", "工作表“成果”第 8 行：缺少简介"} {
		if !strings.Contains(zh, want) {
			t.Errorf("preview lacks %q:\n%s", want, zh)
		}
	}
	en := first.Preview(matcher.LangEN, l.Summary(matcher.LangEN))
	if !strings.Contains(en, "8 new, 0 updated, of which 0 change kind; 2 rows with problems.") {
		t.Errorf("preview:\n%s", en)
	}

	// What is stored now: the same rows, an hour older, one claimed.
	stored := map[string]Stored{}
	for _, r := range l.Rows {
		p := r.Profile
		p.CreatedAt, p.UpdatedAt = p.CreatedAt.Add(-time.Hour), p.UpdatedAt.Add(-time.Hour)
		stored[p.ID] = Stored{Profile: p, Contact: r.Contact}
	}
	claimed := l.Rows[0].Profile.ID
	c := stored[claimed]
	c.Profile.OwnerID, c.Profile.Status = 42, matcher.StatusPaused
	stored[claimed] = c
	again := PlanImport(l.Name, l.Rows, 0, stored)
	if again.New != 0 || again.Updated != 0 || again.Unchanged != 8 || len(again.Rows) != 0 {
		t.Errorf("second plan = %+v, want nothing to write", again)
	}

	// A list whose needs reuse the ids of stored offers.
	swapped := append([]Row(nil), l.Rows...)
	swapped[1].Profile.Kind = matcher.KindNeed
	swapped[0].Profile.Title += "（修订）"
	pl := PlanImport(l.Name, swapped, 0, stored)
	if pl.Updated != 2 || pl.KindChanged != 1 {
		t.Fatalf("plan = %+v", pl)
	}
	if pl.Rows[0].Profile.OwnerID != 42 || pl.Rows[0].Profile.Status != matcher.StatusPaused {
		t.Errorf("an update took over a claimed profile: %+v", pl.Rows[0].Profile)
	}
	if !strings.Contains(pl.Preview(matcher.LangZH, nil), "类型将由成果改为需求") {
		t.Errorf("preview:\n%s", pl.Preview(matcher.LangZH, nil))
	}
}
