package dialog

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/duijie/duijie/matcher"
)

// FuzzParseButton feeds arbitrary callback data (Telegram delivers what
// any client sends) to the decoder: it never panics, and what it accepts
// encodes back to data it reads the same way.
func FuzzParseButton(f *testing.F) {
	for _, s := range []string{"3:role:need", "0:done", "12:ans:joint_rd", ":", "x:y", "-1:done", "99999999999999999999:a", "1::", strings.Repeat("9", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		b, ok := ParseButton(data)
		if !ok {
			return
		}
		again, ok := ParseButton(b.Encode())
		if !ok || again != b {
			t.Fatalf("ParseButton(%q) = %+v, but its encoding %q reads as %+v, %v", data, b, b.Encode(), again, ok)
		}
	})
}

// fixedNow is the clock of the fuzzed dialog.
var fixedNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// FuzzDialogInput runs arbitrary text and button presses through the
// dialog: it never panics, every reply has text, every button's data is
// within Telegram's 64 bytes, and the session survives a JSON round trip.
func FuzzDialogInput(f *testing.F) {
	f.Add("/start", "hello", uint8(0))
	f.Add("我们的钢带有划痕，需要自动检测", "/new", uint8(3))
	f.Add("", "\x00\xff", uint8(7))
	f.Add("/start claim_abc", "skip", uint8(1))
	f.Fuzz(func(t *testing.T, a, b string, press uint8) {
		d := &Dialog{Tax: matcher.Default()}
		s := &Session{ChatID: 1, UserID: 1}
		var last []Choice
		step := func(in Input) {
			eff := d.Step(s, in, fixedNow)
			for _, r := range eff.Replies {
				if r.Text == "" {
					t.Fatalf("empty reply after %+v", in)
				}
				if len(r.Buttons) > 0 {
					last = nil
					for _, row := range r.Buttons {
						for _, c := range row {
							if n := len(c.Button.Encode()); n > 64 {
								t.Fatalf("button data of %d bytes: %q", n, c.Button.Encode())
							}
							if !utf8.ValidString(c.Label) {
								t.Fatalf("button label is not UTF-8: %q", c.Label)
							}
							last = append(last, c)
						}
					}
				}
			}
			if eff.Analyze != nil {
				an := d.Tax.Analyze(eff.Analyze.Kind, eff.Analyze.Text)
				d.Step(s, Input{Kind: InAnalyzed, Analysis: &an}, fixedNow)
			}
		}
		for _, text := range []string{a, b} {
			if cmd, arg, ok := ParseCommand(text); ok {
				step(Input{Kind: InCommand, Command: cmd, Arg: arg})
			} else {
				step(Input{Kind: InText, Text: text})
			}
			if len(last) > 0 {
				step(Input{Kind: InButton, Button: last[int(press)%len(last)].Button})
			}
		}
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Session
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("session does not decode: %v", err)
		}
	})
}
