package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"sync"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/duijie/duijie/matcher"
)

// chartFont is a subset of WenQuanYi Micro Hei (Apache-2.0, see
// fonts/LICENSE) holding ASCII, the chart's words and every Chinese
// domain name of the taxonomy; fonts/subset.sh makes it.
//
//go:embed fonts/wqy-microhei-subset.ttf
var chartFont []byte

// chartTypeface names the embedded font in the chart's font cache.
const chartTypeface = "WenQuanYi Micro Hei"

var (
	chartFontOnce sync.Once
	chartFaces    font.Collection
	chartSFNT     *sfnt.Font
	chartFontErr  error
)

// chartCollection parses the embedded font once.
func chartCollection() (font.Collection, error) {
	chartFontOnce.Do(func() {
		f, err := opentype.Parse(chartFont)
		if err != nil {
			chartFontErr = fmt.Errorf("parse chart font: %w", err)
			return
		}
		chartFaces = font.Collection{{Font: font.Font{Typeface: chartTypeface}, Face: f}}
		chartSFNT = f
	})
	return chartFaces, chartFontErr
}

// drawable reports whether the chart font has a glyph for every
// character of s (a tag may hold characters the subset lacks).
func drawable(s string) bool {
	var buf sfnt.Buffer
	for _, r := range s {
		if i, err := chartSFNT.GlyphIndex(&buf, r); err != nil || (i == 0 && r != ' ') {
			return false
		}
	}
	return true
}

// chartWords are the chart's labels, in each language.
var chartWords = map[matcher.Lang]struct{ title, needs, matches, connections, count string }{
	matcher.LangZH: {"各领域的匹配与对接", "需求", "有好匹配的需求", "达成对接", "数量"},
	matcher.LangEN: {"Matches and connections by field", "Needs", "Needs with a good match", "Connections", "count"},
}

// chartDomains is how many fields the chart shows, the most needs first.
const chartDomains = 12

// ChartBar is one field of the chart.
type ChartBar struct {
	Domain      string // the field's name in the report's language
	Needs       int    // needs of the field
	Matches     int    // needs with a good match
	Connections int    // accepted introductions of the field's needs
}

// ChartBars are the chart's fields: the report's domains with the most
// needs, at most chartDomains of them.
func (r *Report) ChartBars() []ChartBar {
	at := map[string]int{}
	var bars []ChartBar
	var needs []int
	for _, g := range r.Gaps {
		at[g.Code] = len(bars)
		bars = append(bars, ChartBar{Domain: domainName(r.tax, g.Code, r.Lang), Needs: g.Needs})
		needs = append(needs, g.Needs)
	}
	for _, n := range r.Needs {
		for _, c := range domainsOf(n.Need) {
			i, ok := at[c]
			if !ok {
				continue
			}
			if !n.Gap {
				bars[i].Matches++
			}
			bars[i].Connections += n.Intros.Accepted
		}
	}
	// Gaps come most gaps first; the chart shows the fields with most needs.
	order := make([]int, len(bars))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return needs[order[a]] > needs[order[b]] })
	out := make([]ChartBar, 0, min(len(bars), chartDomains))
	for _, i := range order[:min(len(order), chartDomains)] {
		out = append(out, bars[i])
	}
	return out
}

// Chart draws the report's matches and connections by field as a PNG
// picture, labelled in the report's language.
func (r *Report) Chart() ([]byte, error) {
	faces, err := chartCollection()
	if err != nil {
		return nil, err
	}
	words, ok := chartWords[r.Lang]
	if !ok {
		words = chartWords[matcher.LangEN]
	}
	bars := r.ChartBars()
	h := text.Plain{Fonts: font.NewCache(faces)}
	fnt := func(size vg.Length) font.Font { return font.Font{Typeface: chartTypeface, Size: size} }
	p := plot.New()
	p.TextHandler = h
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Handler = h
		st.Font = fnt(st.Font.Size)
	}
	p.Title.Text = words.title
	if r.Tag != "" && drawable(r.Tag) {
		p.Title.Text += " · " + r.Tag
	}
	p.Title.TextStyle.Font.Size = 16
	p.Y.Label.Text = words.count
	p.Y.Min = 0
	p.X.Tick.Label.Rotation = 0.6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	names := make([]string, len(bars))
	series := []struct {
		label string
		color color.RGBA
		value func(ChartBar) int
	}{
		{words.needs, color.RGBA{R: 0xc8, G: 0xc8, B: 0xc8, A: 0xff}, func(b ChartBar) int { return b.Needs }},
		{words.matches, color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}, func(b ChartBar) int { return b.Matches }},
		{words.connections, color.RGBA{R: 0xe0, G: 0x7a, B: 0x1f, A: 0xff}, func(b ChartBar) int { return b.Connections }},
	}
	w := vg.Points(14)
	for i, b := range bars {
		names[i] = b.Domain
	}
	for k, se := range series {
		if len(bars) == 0 {
			break
		}
		vs := make(plotter.Values, len(bars))
		for i, b := range bars {
			vs[i] = float64(se.value(b))
		}
		bc, err := plotter.NewBarChart(vs, w)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		bc.Color, bc.LineStyle.Width, bc.Offset = se.color, 0, w*vg.Length(k-1)
		p.Add(bc)
		p.Legend.Add(se.label, bc)
	}
	if len(bars) > 0 {
		p.Legend.Top = true
		p.NominalX(names...)
	}
	p.Y.Max = max(p.Y.Max*1.3, 1)
	p.Y.Tick.Marker = integerTicks{}
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(8*vg.Inch, 5*vg.Inch), vgimg.UseDPI(120))}
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return b.Bytes(), nil
}

// integerTicks marks whole numbers only: the chart counts needs.
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, int(math.Ceil((hi-lo)/8)))
	var out []plot.Tick
	for v := int(math.Ceil(lo)); float64(v) <= hi; v += step {
		out = append(out, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
	}
	return out
}
