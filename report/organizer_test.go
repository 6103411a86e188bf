package report

import (
	"bytes"
	"context"
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

// fakeSource serves profiles and introductions from memory.
type fakeSource struct {
	ps     []matcher.Profile
	intros map[string][]store.Intro
}

func (f fakeSource) Declined(context.Context, string) (map[string]bool, error) { return nil, nil }

func (f fakeSource) Profiles(_ context.Context, fn func(matcher.Profile) error) error {
	for _, p := range f.ps {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (f fakeSource) IntrosOf(_ context.Context, id string) ([]store.Intro, error) {
	return f.intros[id], nil
}

// TestWaitingClaims: an unclaimed offer that a need asked for is listed
// with its waiting request and claim code in the workbook.
func TestWaitingClaims(t *testing.T) {
	need := prof("n1", matcher.KindNeed, matcher.StatusActive, now, nil, nil)
	need.OwnerID = 7
	offer := prof("i.o1", matcher.KindOffer, matcher.StatusActive, now, nil, nil)
	src := fakeSource{ps: []matcher.Profile{need, offer}, intros: map[string][]store.Intro{
		"n1": {{ID: "1", From: "n1", To: "i.o1", FromOwner: 7, State: store.IntroRequested}}}}
	r, err := Build(context.Background(), src, &fakeMatcher{}, matcher.Default(), Options{Lang: matcher.LangZH, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Waiting) != 1 || r.Waiting[0].Profile.ID != "i.o1" || r.Waiting[0].Requests != 1 {
		t.Fatalf("waiting = %+v", r.Waiting)
	}
	if !strings.Contains(r.Summary(), "1 条尚未认领的条目有申请等待回复。") {
		t.Errorf("summary:\n%s", r.Summary())
	}
	b, err := r.Workbook(map[string]string{"i.o1": "CODE123"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("待认领")
	if len(rows) != 2 || rows[1][0] != "i.o1" || rows[1][4] != "1" || rows[1][5] != "CODE123" {
		t.Errorf("claims sheet = %q", rows)
	}
}
