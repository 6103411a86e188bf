package wechat_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/wechat"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"empty", "", 10, nil},
		{"fits", "短消息", 10, []string{"短消息"}},
		{"at a line break", "aaaaaa\nbbbbbb", 10, []string{"aaaaaa", "bbbbbb"}},
		{"after a sentence", "一二。三四五", 12, []string{"一二。", "三四五"}},
		{"between characters", "一二三四五", 7, []string{"一二", "三四", "五"}},
		{"at a space", "hello world again", 12, []string{"hello world ", "again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, wechat.Split(tc.text, tc.limit)); diff != "" {
				t.Errorf("Split (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzSplit: parts fit, are valid UTF-8 and keep every non-space character in order.
func FuzzSplit(f *testing.F) {
	f.Add("需求：冷链温控。\n预算十万元。 Contact: engineer", 16)
	f.Add(strings.Repeat("ab。\n", 50), 7)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if !utf8.ValidString(text) || limit < 4 || limit > 4096 {
			t.Skip()
		}
		parts := wechat.Split(text, limit)
		for _, p := range parts {
			if len(p) > limit || !utf8.ValidString(p) || p == "" {
				t.Fatalf("part %q (limit %d)", p, limit)
			}
		}
		if got, want := dense(strings.Join(parts, "")), dense(text); got != want {
			t.Fatalf("Split lost text: %q, want %q", got, want)
		}
	})
}

func dense(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		m    wechat.Message
		want int
		ok   bool
	}{
		{wechat.Message{Text: "接受", Choice: "1"}, 0, true},
		{wechat.Message{Text: "2"}, 1, true},
		{wechat.Message{Text: " ２。"}, 1, true},
		{wechat.Message{Text: "3"}, 0, false},
		{wechat.Message{Text: "0"}, 0, false},
		{wechat.Message{Text: "接受"}, 0, false},
	} {
		got, ok := wechat.Choose(tc.m, 2)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Choose(%+v) = %d, %v; want %d, %v", tc.m, got, ok, tc.want, tc.ok)
		}
	}
}
