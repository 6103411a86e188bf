package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

func TestSummary(t *testing.T) {
	r := scenarioReport(t, matcher.LangZH)
	r.Arrivals = &store.EventCounts{Users: 3, Profiles: 2}
	got := r.Summary()
	t.Log("\n" + got)
	for _, want := range []string{"对接报告\n需求 ", "条需求有好匹配", "达成对接 1 次", "通过活动链接来的用户 3 人，发布 2 条。", "覆盖缺口（按领域）：", "「"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	en := scenarioReport(t, matcher.LangEN).Summary()
	for _, want := range []string{"Docking report\n", "have a good match", "Coverage gaps by field:"} {
		if !strings.Contains(en, want) {
			t.Errorf("summary lacks %q:\n%s", want, en)
		}
	}
}

func TestWorkbook(t *testing.T) {
	for _, lang := range []matcher.Lang{matcher.LangZH, matcher.LangEN} {
		r := scenarioReport(t, lang)
		b, err := r.Workbook(nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		w := orgWordsFor(lang)
		if diff := cmp.Diff(w.sheets[:], f.GetSheetList()); diff != "" {
			t.Errorf("sheets (-want +got):\n%s", diff)
		}
		needs, _ := f.GetRows(w.sheets[1])
		if len(needs) < len(r.Needs)+1 {
			t.Errorf("%d rows of needs for %d needs", len(needs), len(r.Needs))
		}
		conns, _ := f.GetRows(w.sheets[2])
		if len(conns) != 1+r.Totals().Accepted {
			t.Errorf("connections sheet has %d rows, want %d", len(conns), 1+r.Totals().Accepted)
		}
		f.Close()
	}
}

func TestUnknownTag(t *testing.T) {
	r := scenarioReport(t, matcher.LangZH)
	if r.TagUnknown() {
		t.Error("no tag asked, yet unknown")
	}
	r.Tag = "千校万企"
	if !r.TagUnknown() || !strings.Contains(r.UnknownTagText(), "没有任何条目带有标签“千校万企”。已有的标签：EXPO") {
		t.Errorf("unknown tag: %v %q", r.TagUnknown(), r.UnknownTagText())
	}
	r.Tag = "expo"
	if r.TagUnknown() {
		t.Errorf("tags: %+v", r.Tags)
	}
}

// TestStatsUsersAgree: when users deleted their data, the users line
// says how many there were in all, so it agrees with the new users.
func TestStatsUsersAgree(t *testing.T) {
	s := &Stats{Users: 17, Total: Events{NewUsers: 18}}
	if got := s.Text(matcher.Default(), matcher.LangZH); !strings.Contains(got, "用户：17（累计 18 人，其中 1 人已删除自己的数据）\n") {
		t.Errorf("zh:\n%s", got)
	}
	if got := s.Text(matcher.Default(), matcher.LangEN); !strings.Contains(got, "Users: 17 (18 in all; 1 deleted their data)\n") {
		t.Errorf("en:\n%s", got)
	}
}
