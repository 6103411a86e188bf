package event

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

func TestLinkAndPayload(t *testing.T) {
	link, err := Link("@duijie_bot", "qxwq2026")
	if err != nil || link != "https://t.me/duijie_bot?start=ev_qxwq2026" {
		t.Fatalf("Link = %q, %v", link, err)
	}
	payload := strings.TrimPrefix(link, "https://t.me/duijie_bot?start=")
	if len(payload) > 64 {
		t.Errorf("payload %q is longer than Telegram allows", payload)
	}
	if tag, ok := ParsePayload(payload); !ok || tag != "qxwq2026" {
		t.Errorf("ParsePayload = %q %v", tag, ok)
	}
	for _, bad := range []string{"", "千校万企", "a b", "x/y", strings.Repeat("a", MaxTagLen+1)} {
		if _, err := Link("duijie_bot", bad); err == nil {
			t.Errorf("Link(%q) accepted", bad)
		}
	}
	for _, p := range []string{"", "claim_ABC", "ev_", "ev_千校", "qxwq2026", "ev_a b"} {
		if tag, ok := ParsePayload(p); ok {
			t.Errorf("ParsePayload(%q) = %q", p, tag)
		}
	}
	if _, err := Link("", "x"); err == nil {
		t.Error("a link without the bot's name")
	}
}

func TestQR(t *testing.T) {
	b, err := QR("https://t.me/duijie_bot?start=ev_qxwq2026", QRSize)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, QRSize, QRSize) {
		t.Errorf("bounds %v", img.Bounds())
	}
	var dark, light int
	for y := 0; y < QRSize; y += 4 {
		for x := 0; x < QRSize; x += 4 {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 128 {
				dark++
			} else {
				light++
			}
		}
	}
	if dark < light/10 || light < dark/10 {
		t.Errorf("dark %d light %d: not a QR code", dark, light)
	}
}

func FuzzParsePayload(f *testing.F) {
	f.Add("ev_qxwq2026")
	f.Fuzz(func(t *testing.T, p string) {
		tag, ok := ParsePayload(p)
		if ok && ValidTag(tag) != nil {
			t.Fatalf("%q gave invalid tag %q", p, tag)
		}
	})
}
