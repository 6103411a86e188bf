// Package synth generates synthetic offers and needs for benchmarks: about
// half in Chinese and half in English, written with the embedded
// taxonomy's terms, filler sentences, organisations, regions, maturity
// levels and cooperation modes. The profiles look like rows of an import
// file before normalization: no domains or concepts are set.
//
// Generation is deterministic: the same seed gives the same profiles on
// every machine and Go version.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/duijie/duijie/matcher"
)

// Epoch is the creation time of the first profile; each next one is a
// minute later.
var Epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Profiles returns n active profiles generated from seed. The first k
// profiles of Profiles(seed, n) are Profiles(seed, k). Ids hold the seed,
// so corpora of different seeds can share an index.
func Profiles(seed int64, n int) []matcher.Profile {
	g := &generator{
		rng:  rand.New(rand.NewPCG(uint64(seed), 0x6475696a6965)),
		voc:  vocabularyOnce(),
		seed: seed,
	}
	out := make([]matcher.Profile, n)
	for i := range out {
		out[i] = g.profile(i)
	}
	return out
}

// vocabulary is the taxonomy grouped for drawing: concepts by primary
// domain, in file order.
type vocabulary struct {
	domains  []string
	byDomain map[string][]*matcher.Concept
	all      []*matcher.Concept
	byID     map[string]*matcher.Concept
}

var vocabularyOnce = sync.OnceValue(func() *vocabulary {
	v := &vocabulary{byDomain: map[string][]*matcher.Concept{}, byID: map[string]*matcher.Concept{}}
	v.all = matcher.Default().Concepts()
	for _, c := range v.all {
		v.byID[c.ID] = c
		d := c.Domains[0]
		if len(v.byDomain[d]) == 0 {
			v.domains = append(v.domains, d)
		}
		v.byDomain[d] = append(v.byDomain[d], c)
	}
	return v
})

type generator struct {
	rng  *rand.Rand
	voc  *vocabulary
	seed int64
}

// draft is a profile being written.
type draft struct {
	kind     matcher.Kind
	zh       bool
	concepts []*matcher.Concept
	place    place
	product  string
	trl      int
	modes    []matcher.Mode
}

func (g *generator) profile(i int) matcher.Profile {
	d := draft{kind: matcher.KindOffer, zh: g.rng.IntN(2) == 0, place: pick(g, places), trl: g.trl()}
	if g.rng.IntN(2) == 0 {
		d.kind = matcher.KindNeed
	}
	d.concepts = g.concepts()
	d.modes = g.modes()
	if d.zh {
		d.product = pick(g, productsZH)
	} else {
		d.product = pick(g, productsEN)
	}
	p := matcher.Profile{
		ID:        fmt.Sprintf("s%d-%s%06d", g.seed, d.kind[:1], i),
		Kind:      d.kind,
		Status:    matcher.StatusActive,
		Lang:      matcher.LangEN,
		Region:    d.place.region(),
		TRL:       d.trl,
		Modes:     d.modes,
		CreatedAt: Epoch.Add(time.Duration(i) * time.Minute),
	}
	p.UpdatedAt = p.CreatedAt
	if d.zh {
		p.Lang = matcher.LangZH
		p.Title, p.Description = g.textZH(&d)
		p.Org = g.orgZH(&d)
		if d.kind == matcher.KindNeed && g.chance(0.5) {
			p.Budget = fmt.Sprintf("%d万元", 10*(1+g.rng.IntN(50)))
		}
	} else {
		p.Title, p.Description = g.textEN(&d)
		p.Org = g.orgEN(&d)
		if d.kind == matcher.KindNeed && g.chance(0.5) {
			p.Budget = fmt.Sprintf("%dk CNY", 100*(1+g.rng.IntN(50)))
		}
	}
	return p
}

// concepts draws what a profile is about: a main concept, skewed towards
// the first concepts of its domain so that some are common and many rare,
// and one to three more, related or from the same domain, sometimes from
// anywhere.
func (g *generator) concepts() []*matcher.Concept {
	dom := g.voc.byDomain[pick(g, g.voc.domains)]
	skewed := func(list []*matcher.Concept) *matcher.Concept {
		u := g.rng.Float64()
		return list[int(u*u*float64(len(list)))]
	}
	out := []*matcher.Concept{skewed(dom)}
	for range 1 + g.rng.IntN(3) {
		var c *matcher.Concept
		switch r := out[0].Related; {
		case len(r) > 0 && g.chance(0.5):
			c = g.voc.byID[pick(g, r)]
		case g.chance(0.15):
			c = pick(g, g.voc.all)
		default:
			c = skewed(dom)
		}
		if !containsConcept(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func containsConcept(list []*matcher.Concept, c *matcher.Concept) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// trl is an offer's level or a need's minimum; 0 (unknown) for about one
// profile in six.
func (g *generator) trl() int {
	if g.chance(1.0 / 6) {
		return 0
	}
	return 3 + g.rng.IntN(7)
}

// modes lists zero to two cooperation modes.
func (g *generator) modes() []matcher.Mode {
	var out []matcher.Mode
	for range g.rng.IntN(3) {
		m := matcher.Modes[g.rng.IntN(len(matcher.Modes)-1)] // "other" is left to users
		if !containsMode(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func containsMode(list []matcher.Mode, m matcher.Mode) bool {
	for _, x := range list {
		if x == m {
			return true
		}
	}
	return false
}

// termEN is one of the English terms of c, its label more often than others.
func (g *generator) termEN(c *matcher.Concept) string {
	if g.chance(0.4) {
		return c.EN[0]
	}
	return pick(g, c.EN)
}

// termZH is one of the Chinese terms of c, its label more often than others.
func (g *generator) termZH(c *matcher.Concept) string {
	if g.chance(0.4) {
		return c.ZH[0]
	}
	return pick(g, c.ZH)
}

func (g *generator) textEN(d *draft) (title, desc string) {
	t := func(i int) string { return g.termEN(d.concepts[i%len(d.concepts)]) }
	var s []string
	if d.kind == matcher.KindNeed {
		title = pick(g, []string{
			capital(t(0)) + " for " + d.product,
			"Looking for " + t(0),
			"Need help with " + t(0) + " on our " + d.product + " line",
			capital(t(0)) + " problem in " + d.product + " production",
		})
		s = append(s,
			fmt.Sprintf("We make %s in %s and employ about %d people.", d.product, d.place.city, 50*(1+g.rng.IntN(40))),
			fmt.Sprintf("Our main problem is %s: %s.", t(0), pick(g, consequencesEN)),
			fmt.Sprintf("We have tried %s, but %s.", t(1), pick(g, failuresEN)),
			fmt.Sprintf("Current %s is %d%% and we want to reach %d%%.", pick(g, metricsEN), 60+g.rng.IntN(20), 85+g.rng.IntN(15)),
			fmt.Sprintf("We are looking for a university team with experience in %s.", t(2)),
		)
		if d.trl > 0 {
			s = append(s, fmt.Sprintf("The solution should be at least at TRL %d.", d.trl))
		}
		if g.chance(0.5) {
			s = append(s, fmt.Sprintf("We need results within %d months.", 3+g.rng.IntN(16)))
		}
	} else {
		title = pick(g, []string{
			capital(t(0)) + " based on " + t(1),
			capital(t(0)) + " for " + d.product,
			"Low-cost " + t(0),
			capital(t(0)) + " that " + pick(g, benefitsEN),
		})
		s = append(s,
			fmt.Sprintf("Our group has developed %s that %s.", t(0), pick(g, benefitsEN)),
			fmt.Sprintf("The method combines %s with %s.", t(1), t(2)),
			fmt.Sprintf("In tests on %d samples it reached %d%% %s, well above current practice.", 100*(1+g.rng.IntN(50)), 85+g.rng.IntN(15), pick(g, metricsEN)),
			fmt.Sprintf("It suits makers of %s and similar products.", pick(g, productsEN)),
		)
		if d.trl > 0 {
			s = append(s, pick(g, stagesEN[d.trl]))
			if g.chance(0.5) {
				s = append(s, fmt.Sprintf("Current maturity: TRL %d.", d.trl))
			}
		}
		if g.chance(0.6) {
			s = append(s, fmt.Sprintf("We hold %d granted patents.", 1+g.rng.IntN(8)))
		}
	}
	if len(d.modes) > 0 {
		var ms []string
		for _, m := range d.modes {
			ms = append(ms, modeEN[string(m)])
		}
		s = append(s, "We are open to "+strings.Join(ms, " or ")+".")
	}
	for range 1 + g.rng.IntN(3) {
		s = append(s, pick(g, fillersEN))
	}
	return cut(title, matcher.MaxTitleRunes), strings.Join(s, " ")
}

func (g *generator) textZH(d *draft) (title, desc string) {
	t := func(i int) string { return g.termZH(d.concepts[i%len(d.concepts)]) }
	var s []string
	if d.kind == matcher.KindNeed {
		title = pick(g, []string{
			d.product + t(0) + "需求",
			"寻求" + t(0) + "技术",
			d.product + "生产中的" + t(0) + "问题",
			"求助：" + t(0),
		})
		s = append(s,
			fmt.Sprintf("我公司位于%s，主要生产%s，员工约%d人。", d.place.cityZH, d.product, 50*(1+g.rng.IntN(40))),
			fmt.Sprintf("目前最大的问题是%s，%s。", t(0), pick(g, consequencesZH)),
			fmt.Sprintf("曾尝试%s，但%s。", t(1), pick(g, failuresZH)),
			fmt.Sprintf("希望与有%s经验的高校团队合作。", t(2)),
		)
		if d.trl > 0 {
			s = append(s, fmt.Sprintf("要求技术成熟度不低于TRL %d。", d.trl))
		}
		if g.chance(0.5) {
			s = append(s, fmt.Sprintf("希望%d个月内见效。", 3+g.rng.IntN(16)))
		}
	} else {
		title = pick(g, []string{
			"基于" + t(1) + "的" + t(0),
			t(0) + "技术",
			"低成本" + t(0),
			d.product + t(0) + "解决方案",
		})
		s = append(s,
			fmt.Sprintf("本团队研发的%s，%s。", t(0), pick(g, benefitsZH)),
			fmt.Sprintf("该技术结合%s和%s。", t(1), t(2)),
			fmt.Sprintf("在%d个样品上测试，%s达到%d%%。", 100*(1+g.rng.IntN(50)), pick(g, metricsZH), 85+g.rng.IntN(15)),
			fmt.Sprintf("适用于%s等产品的生产企业。", pick(g, productsZH)),
		)
		if d.trl > 0 {
			s = append(s, pick(g, stagesZH[d.trl]))
		}
		if g.chance(0.6) {
			s = append(s, fmt.Sprintf("已获授权发明专利%d项。", 1+g.rng.IntN(8)))
		}
	}
	if len(d.modes) > 0 {
		var ms []string
		for _, m := range d.modes {
			ms = append(ms, modeZH[string(m)])
		}
		s = append(s, "合作方式可以是"+strings.Join(ms, "或")+"。")
	}
	for range 1 + g.rng.IntN(2) {
		s = append(s, pick(g, fillersZH))
	}
	return cut(title, matcher.MaxTitleRunes), strings.Join(s, "")
}

func (g *generator) orgEN(d *draft) string {
	if d.kind == matcher.KindNeed {
		return fmt.Sprintf("%s %s %s Co., Ltd.", d.place.city, pick(g, brandsEN), pick(g, industriesEN))
	}
	switch g.rng.IntN(3) {
	case 0:
		return d.place.city + " University of Technology"
	case 1:
		return fmt.Sprintf("School of %s, %s University", pick(g, fieldsEN), d.place.city)
	default:
		prov := d.place.province
		if prov == "" {
			prov = d.place.city
		}
		return fmt.Sprintf("Institute of %s, %s Academy of Sciences", pick(g, fieldsEN), prov)
	}
}

func (g *generator) orgZH(d *draft) string {
	if d.kind == matcher.KindNeed {
		return d.place.cityZH + pick(g, brandsZH) + pick(g, industriesZH) + "有限公司"
	}
	switch g.rng.IntN(3) {
	case 0:
		return d.place.cityZH + "理工大学"
	case 1:
		return d.place.cityZH + "大学" + pick(g, fieldsZH) + "学院"
	default:
		prov := d.place.provinceZH
		if prov == "" {
			prov = d.place.cityZH
		}
		return prov + "科学院" + pick(g, fieldsZH) + "研究所"
	}
}

// region is the place as region fields carry it: "City, Province", or the
// city alone for a municipality.
func (p place) region() string {
	if p.province == "" {
		return p.city
	}
	return p.city + ", " + p.province
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func pick[T any](g *generator, list []T) T { return list[g.rng.IntN(len(list))] }

// capital upper-cases the first letter of s.
func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// cut shortens s to at most max runes.
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}
