package redact

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
)

// TestProfile: every text a counterpart reads is redacted, a run of
// marks reads as one, and what matching reads is left alone.
func TestProfile(t *testing.T) {
	p := matcher.Profile{
		ID: "o1", Kind: matcher.KindOffer,
		Title:       "Zhang Wei 13812345678 alice@example.com WeChat: zw_lab88 laser cladding",
		Summary:     "See https://evil.example/login to verify",
		Description: "\u202emy office — tel 13800001111 wx: zwlab2024",
		Statement:   "Laser cladding replaces chrome plating.",
		Org:         "Lab of Zhang Wei",
		Region:      "苏州 微信 zwlab2024",
		Budget:      "面议 QQ号：123456789",
		Success:     "1000 hours salt spray",
		Keywords:    []string{"cladding"},
	}
	got := Profile(p, Options{Lang: matcher.LangEN, Names: []string{"Zhang Wei"}})
	want := p
	want.Title = "[contact hidden] laser cladding"
	want.Summary = "See [contact hidden] to verify"
	want.Description = "my office — [contact hidden]"
	want.Org = "Lab of [contact hidden]"
	want.Region = "苏州 [contact hidden]"
	want.Budget = "面议 [contact hidden]"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Profile (-want +got):\n%s", diff)
	}
}

// TestMatch: the counterpart's side of the fit is redacted, the reader's
// own is not, and shared terms drawn from hidden text are dropped.
func TestMatch(t *testing.T) {
	m := matcher.Match{
		Profile: matcher.Profile{ID: "o1", Kind: matcher.KindOffer, Title: "cladding, see www.evil.example"},
		Terms:   []string{"cladding", "evil"},
		Fit:     []matcher.Fit{{Field: matcher.FieldBudget, Need: "wx: mine_123", Offer: "200万 wx: zwlab2024"}},
	}
	got := Match(m, Options{Lang: matcher.LangZH})
	if got.Profile.Title != "cladding, see "+MarkZH {
		t.Errorf("title %q", got.Profile.Title)
	}
	if diff := cmp.Diff([]string{"cladding"}, got.Terms); diff != "" {
		t.Errorf("terms (-want +got):\n%s", diff)
	}
	if f := got.Fit[0]; f.Offer != "200万 "+MarkZH || f.Need != "wx: mine_123" {
		t.Errorf("fit %+v", f)
	}
	if m.Fit[0].Offer != "200万 wx: zwlab2024" {
		t.Error("Match changed its argument's fit")
	}
}
