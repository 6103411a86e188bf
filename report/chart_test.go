package report

import (
	"bytes"
	"context"
	stdflag "flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/duijie/duijie/matcher"
)

var genFont = stdflag.Bool("genfont", false, "write fonts/charset.txt, the characters the chart font must hold")

// chartText is every text the chart may draw.
func chartText() string {
	var b strings.Builder
	for c := rune(0x20); c < 0x7f; c++ {
		b.WriteRune(c)
	}
	b.WriteString("·…（）、，：—")
	for _, w := range chartWords {
		b.WriteString(w.title + w.needs + w.matches + w.connections + w.count)
	}
	b.WriteString(wordsFor(matcher.LangZH).noDomain)
	for _, d := range matcher.Default().Domains() {
		b.WriteString(d.ZH + d.EN)
	}
	return b.String()
}

// TestChartCharset: every character the chart may draw has a glyph with
// an outline in the embedded font (no tofu boxes, no blanks).
func TestChartCharset(t *testing.T) {
	seen := map[rune]bool{}
	var runes []rune
	for _, r := range chartText() {
		if !seen[r] {
			seen[r] = true
			runes = append(runes, r)
		}
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	if *genFont {
		if err := os.WriteFile(filepath.Join("fonts", "charset.txt"), []byte(string(runes)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := sfnt.Parse(chartFont)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	var missing, blank []string
	for _, r := range runes {
		if r == ' ' {
			continue
		}
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			missing = append(missing, string(r))
			continue
		}
		segs, err := f.LoadGlyph(&buf, gi, fixed.I(64), nil)
		if err != nil || len(segs) == 0 {
			blank = append(blank, string(r))
		}
	}
	if len(missing)+len(blank) > 0 {
		t.Errorf("the chart font lacks %q and draws nothing for %q; run fonts/subset.sh after -genfont", missing, blank)
	}
}

// TestChart draws the scenario's chart in Chinese and checks that the
// labels under the bars are drawn: the area below the axis has ink.
func TestChart(t *testing.T) {
	r := scenarioReport(t, matcher.LangZH)
	bars := r.ChartBars()
	if len(bars) == 0 {
		t.Fatal("no bars")
	}
	b, err := r.Chart()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bounds := img.Bounds()
	if bounds.Dx() < 600 || bounds.Dy() < 400 {
		t.Errorf("bounds %v", bounds)
	}
	// The bottom fifth holds the rotated field names.
	if ink(img, image.Rect(0, bounds.Dy()*4/5, bounds.Dx(), bounds.Dy())) == 0 {
		t.Error("no labels under the bars")
	}
	if os.Getenv("DUIJIE_WRITE_CHART") != "" {
		os.WriteFile(os.Getenv("DUIJIE_WRITE_CHART"), b, 0o644)
	}
}

// ink counts the dark pixels of img in rect.
func ink(img image.Image, rect image.Rectangle) int {
	n := 0
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			if r, g, b, _ := img.At(x, y).RGBA(); r+g+b < 3*0x8000 {
				n++
			}
		}
	}
	return n
}

// scenarioReport is the report of the test scenario, every need, in lang.
func scenarioReport(t *testing.T, lang matcher.Lang) *Report {
	t.Helper()
	r, err := Build(context.Background(), scenario(t), scenarioMatcher(), matcher.Default(), Options{Lang: lang, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDrawable(t *testing.T) {
	if _, err := chartCollection(); err != nil {
		t.Fatal(err)
	}
	if !drawable("qxwq2026 新材料") || drawable("龘") {
		t.Error("drawable is wrong")
	}
}
