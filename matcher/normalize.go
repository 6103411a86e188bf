package matcher

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field names a part of a profile the dialog can ask about.
type Field string

const (
	FieldDomain   Field = "domain"
	FieldTRL      Field = "trl"
	FieldModes    Field = "modes"
	FieldRegion   Field = "region"
	FieldBudget   Field = "budget"
	FieldDeadline Field = "deadline"
	FieldSuccess  Field = "success" // need: what counts as success; offer: what was demonstrated, at what scale
)

// Analysis is what a normalizer reads out of a free-text description.
// The offline normalizer fills it from the taxonomy and simple patterns;
// an LLM normalizer fills the same fields and is validated the same way.
type Analysis struct {
	Title    string   `json:"title"`
	Summary  string   `json:"summary,omitempty"`
	Domains  []string `json:"domains,omitempty"`
	Concepts []string `json:"concepts,omitempty"`
	Keywords []string `json:"keywords,omitempty"`
	TRL      int      `json:"trl,omitempty"`
	Modes    []Mode   `json:"modes,omitempty"`
	Region   string   `json:"region,omitempty"`
	Budget   string   `json:"budget,omitempty"`
	Deadline string   `json:"deadline,omitempty"`
	Missing  []Field  `json:"missing,omitempty"` // fields worth a follow-up question, most useful first

	// Filled by a model; the offline normalizer leaves them empty.
	Statement     string   `json:"statement,omitempty"`      // the problem or solution in the field's English terms
	KeywordsZH    []string `json:"keywords_zh,omitempty"`    // Chinese terms; Keywords then holds the English ones
	IP            IPStatus `json:"ip,omitempty"`             // intellectual property behind an offer
	Remarks       []Remark `json:"remarks,omitempty"`        // quality remarks, each answerable by a question
	PromptVersion string   `json:"prompt_version,omitempty"` // the prompt that produced it; empty offline
	// Notice is for the dialog to tell the user; never stored.
	Notice Notice `json:"notice,omitempty"`
}

// Apply copies the analysis into p without overwriting what p already has.
func (a *Analysis) Apply(p *Profile) {
	if p.Title == "" {
		p.Title = a.Title
	}
	if p.Summary == "" {
		p.Summary = a.Summary
	}
	p.Domains = mergeStrings(p.Domains, a.Domains)
	p.Concepts = mergeStrings(p.Concepts, a.Concepts)
	p.Keywords = mergeTerms(p.Keywords, a.Keywords, a.KeywordsZH)
	if p.TRL == 0 {
		p.TRL = a.TRL
	}
	if len(p.Modes) == 0 {
		p.Modes = append([]Mode(nil), a.Modes...)
	}
	if p.Region == "" {
		p.Region = a.Region
	}
	if p.Budget == "" {
		p.Budget = a.Budget
	}
	if p.Deadline == "" {
		p.Deadline = a.Deadline
	}
	if p.Statement == "" {
		p.Statement = a.Statement
	}
	if p.IP == IPUnknown {
		p.IP = a.IP
	}
	if a.PromptVersion != "" {
		p.PromptVersion = a.PromptVersion
	}
}

// mergeTerms adds the terms of each list in more that have has not got,
// up to MaxTermsPerList in all.
func mergeTerms(have []string, more ...[]string) []string {
	for _, list := range more {
		for _, t := range mergeStrings(nil, list) {
			if len(have) >= MaxTermsPerList {
				return have
			}
			if !slices.Contains(have, t) {
				have = append(have, t)
			}
		}
	}
	return have
}

func mergeStrings(have, more []string) []string {
	seen := make(map[string]bool, len(have))
	for _, s := range have {
		seen[s] = true
	}
	for _, s := range more {
		if !seen[s] {
			seen[s] = true
			have = append(have, s)
		}
	}
	return have
}

// Limits of the offline analysis.
const (
	maxConcepts = 24
	maxDomains  = 3
)

// Analyze reads a description without any external service: concepts and
// domains from the taxonomy, maturity, cooperation modes, region, budget
// and deadline from patterns in English and Chinese.
func (t *Taxonomy) Analyze(kind Kind, text string) Analysis {
	a := t.analyzeText(kind, text, t.terms.find(text), &Profile{})
	a.Title = t.Title(kind, text)
	a.Missing = missingFields(kind, &a, text)
	return a
}

// Read normalizes p with the offline reading, as Analyze and Apply do,
// and returns its digest. The concepts found in the text serve both
// readings when normalizing left the text as it was; a title, maturity,
// modes, region, budget or deadline is looked for only when p has none.
func (t *Taxonomy) Read(p *Profile) Digest {
	text := p.Text()
	counts := t.terms.find(text)
	an := t.analyzeText(p.Kind, text, counts, p)
	if p.Title == "" {
		an.Title = t.Title(p.Kind, text)
	}
	an.Apply(p)
	if p.Text() != text {
		counts = nil
	}
	return Digest{t.analyzeFound(p, counts).digest()}
}

// analyzeText is Analyze with the concepts of text already counted,
// without the title and the missing fields, and without the fields have
// holds already (which Apply would not take).
func (t *Taxonomy) analyzeText(kind Kind, text string, counts map[*Concept]int, have *Profile) Analysis {
	var a Analysis

	type scored struct {
		c *Concept
		n int
	}
	var found []scored
	for c, n := range counts {
		found = append(found, scored{c, n})
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].n != found[j].n {
			return found[i].n > found[j].n
		}
		return found[i].c.ID < found[j].c.ID
	})
	domainWeight := map[string]float64{}
	for i, f := range found {
		if i == maxConcepts {
			break
		}
		a.Concepts = append(a.Concepts, f.c.ID)
		for j, d := range f.c.Domains {
			w := float64(f.n)
			if j > 0 {
				w /= 2 // secondary domains of a concept count half
			}
			domainWeight[d] += w
		}
	}
	a.Domains = topDomains(domainWeight)
	lower := strings.ToLower(text)
	if have.TRL == 0 {
		a.TRL = guessTRL(lower, text)
	}
	if len(have.Modes) == 0 {
		a.Modes = findModes(lower, text)
	}
	if have.Region == "" {
		if p, ok := FindPlace(text); ok {
			a.Region = p.Label(LangEN)
		}
	}
	if have.Budget == "" {
		if _, span, ok := FindMoney(text); ok {
			a.Budget = text[span[0]:span[1]] // a price per piece is no budget
		}
	}
	if kind == KindNeed && have.Deadline == "" {
		a.Deadline = findDeadline(lower, text)
	}
	return a
}

func topDomains(weight map[string]float64) []string {
	var codes []string
	for d := range weight {
		codes = append(codes, d)
	}
	sort.Slice(codes, func(i, j int) bool {
		if weight[codes[i]] != weight[codes[j]] {
			return weight[codes[i]] > weight[codes[j]]
		}
		return codes[i] < codes[j]
	})
	var out []string
	for _, d := range codes {
		if len(out) == maxDomains || weight[d] < weight[codes[0]]*0.4 {
			break
		}
		out = append(out, d)
	}
	return out
}

// firstSentence returns the text up to its first sentence end, cut to max runes.
func firstSentence(text string, max int) string {
	text = strings.TrimSpace(text)
	if i := strings.IndexAny(text, "\n。！？!?；;"); i > 0 {
		text = text[:i]
	} else if i := strings.Index(text, ". "); i > 0 {
		text = text[:i]
	}
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > max {
		r := []rune(text)[:max]
		text = strings.TrimSpace(string(r)) + "…"
	}
	return text
}

// cued is a pattern with literal cues, lower case, one of which every
// match contains: the pattern runs only on texts that hold a cue, which
// spares the regular expression most texts. A cue is as long as the
// pattern allows: a short one ("in", "lab") is in almost every text.
type cued struct {
	cues []string
	re   *regexp.Regexp
}

func (c cued) match(lower, text string) bool {
	for _, cue := range c.cues {
		if strings.Contains(lower, cue) {
			return c.re.MatchString(text)
		}
	}
	return false
}

func (c cued) find(lower, text string) string {
	for _, cue := range c.cues {
		if strings.Contains(lower, cue) {
			return c.re.FindString(text)
		}
	}
	return ""
}

var (
	trlStated = cued{[]string{"trl", "技术成熟度"},
		regexp.MustCompile(`(?i)\bTRL\s*[-:：]?\s*([1-9])\b|技术成熟度\s*[:：]?\s*([1-9])`)}
	// trlHints map stages to a level, checked from the most mature down.
	trlHints = []struct {
		level int
		cued
	}{
		{9, cued{[]string{"mass-produc", "mass produc", "in production", "in volume production", "commercialised", "commercialized", "on the market", "批量生产", "量产", "规模化生产", "已产业化", "大规模应用"},
			regexp.MustCompile(`(?i)mass[- ]produc|in (?:volume )?production|commerciali[sz]ed|on the market|批量生产|量产|规模化生产|已产业化|大规模应用`)}},
		{7, cued{[]string{"deployed", "in operation at", "running at ", "field-tested", "field tested", "demonstration line", "demonstration plant", "demonstration project", "示范应用", "示范线", "已在", "投入使用", "工程应用"},
			regexp.MustCompile(`(?i)deployed|in operation at|running at \d|field[- ]tested|demonstration (?:line|plant|project)|示范应用|示范线|已在.{0,12}(?:应用|运行|使用)|投入使用|工程应用`)}},
		{6, cued{[]string{"pilot-", "pilot ", "中试", "小批量", "试运行", "工业试验"},
			regexp.MustCompile(`(?i)pilot[- ](?:scale|line|plant|test|run)|中试|小批量|试运行|工业试验`)}},
		{5, cued{[]string{"prototype", "test bench", "样机", "原型机", "样品"},
			regexp.MustCompile(`(?i)prototype|test bench|样机|原型机|样品`)}},
		{4, cued{[]string{"lab-scale", "lab scale", "laboratory-scale", "laboratory scale", "in the lab", "bench-scale", "bench scale", "实验室阶段", "实验室验证", "小试"},
			regexp.MustCompile(`(?i)lab(?:oratory)?[- ]scale|in the lab|bench[- ]scale|实验室阶段|实验室验证|小试`)}},
		{2, cued{[]string{"concept", "theoretical", "simulation only", "概念", "理论研究"},
			regexp.MustCompile(`(?i)concept|theoretical|simulation only|概念|理论研究`)}},
	}
)

func guessTRL(lower, text string) int {
	for _, cue := range trlStated.cues {
		if !strings.Contains(lower, cue) {
			continue
		}
		if m := trlStated.re.FindStringSubmatch(text); m != nil {
			for _, g := range m[1:] {
				if n, err := strconv.Atoi(g); err == nil {
					return n
				}
			}
		}
		break
	}
	for _, h := range trlHints {
		if h.match(lower, text) {
			return h.level
		}
	}
	return 0
}

var modePatterns = []struct {
	mode Mode
	cued
}{
	{ModeLicense, cued{[]string{"licen", "许可"}, regexp.MustCompile(`(?i)licen[cs]|许可`)}},
	{ModeTransfer, cued{[]string{"transfer", "buy the ", "buy a ", "转让", "买断"},
		regexp.MustCompile(`(?i)transfer|buy (?:the|a) (?:patent|technology)|转让|买断`)}},
	{ModeJointRD, cued{[]string{"joint r&d", "joint research", "joint development", "codevelop", "co-develop", "collaborat", "联合研发", "合作研发", "合作开发", "共同开发", "联合攻关"},
		regexp.MustCompile(`(?i)joint (?:r&d|research|development)|co-?develop|collaborat|联合研发|合作研发|合作开发|共同开发|联合攻关`)}},
	{ModeConsulting, cued{[]string{"consult", "technical service", "advis", "咨询", "技术服务", "技术指导"},
		regexp.MustCompile(`(?i)consult|technical service|advis|咨询|技术服务|技术指导`)}},
	{ModeEquity, cued{[]string{"equity", "cofound", "co-found", "spin-off", "spinoff", "invest", "入股", "作价投资", "股权", "合伙创业", "孵化"},
		regexp.MustCompile(`(?i)equity|co-?found|spin-?off|invest|入股|作价投资|股权|合伙创业|孵化`)}},
}

func findModes(lower, text string) []Mode {
	var out []Mode
	for _, p := range modePatterns {
		if p.match(lower, text) {
			out = append(out, p.mode)
		}
	}
	return out
}

// A deadline in English starts with a word, at a word boundary; one in
// Chinese with a digit, 年 or 明.
const (
	deadlineEN = `\b(?:by|before|within|in)\s+(?:the\s+)?(?:end of\s+)?(?:\d+\s+(?:months?|weeks?|years?)|20\d\d(?:[-/]\d{1,2})?|q[1-4](?:\s+20\d\d)?|next year|this year)`
	deadlineZH = `20\d\d\s?年(?:\s?\d{1,2}\s?月)?(?:底|前|之前|以前)?|\d+\s?个?月内|年底前|年内|明年`
)

var (
	// Every deadline holds a digit or one of the words of a year.
	deadlinePattern = cued{[]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "next year", "this year", "年底前", "年内", "明年"},
		regexp.MustCompile(`(?i)` + deadlineEN + `|` + deadlineZH)}
	// The pattern at the start of its input only: after a word boundary,
	// and elsewhere (where its English part cannot match).
	deadlineAtWord = regexp.MustCompile(`^(?i:` + deadlineEN + `|` + deadlineZH + `)`)
	deadlineInWord = regexp.MustCompile(`^(?:` + deadlineZH + `)`)
	deadlineWords  = []string{"by", "before", "within", "in"}
)

// findDeadline is deadlinePattern.find, trimmed: the first deadline in
// text. The pattern is tried only where a deadline may start (a digit,
// 年, 明, or one of deadlineWords at a word boundary) instead of at every
// byte.
func findDeadline(lower, text string) string {
	if !holdsCue(lower, deadlinePattern.cues) {
		return ""
	}
	folded := asciiLower(text)
	for i := 0; i < len(text); i++ {
		c := text[i]
		atWord := i == 0 || !isWordByte(text[i-1])
		switch {
		case isDigit(c), strings.HasPrefix(text[i:], "年"), strings.HasPrefix(text[i:], "明"):
		case atWord && hasAnyPrefix(folded[i:], deadlineWords):
		default:
			continue
		}
		re := deadlineInWord
		if atWord {
			re = deadlineAtWord
		}
		if m := re.FindString(text[i:]); m != "" {
			return strings.TrimSpace(m)
		}
	}
	return ""
}

var quantRe = regexp.MustCompile(`\d`)

// missingFields lists what is worth asking, most useful first.
func missingFields(kind Kind, a *Analysis, text string) []Field {
	var out []Field
	if len(a.Domains) == 0 {
		out = append(out, FieldDomain)
	}
	if a.TRL == 0 {
		out = append(out, FieldTRL)
	}
	if len(a.Modes) == 0 {
		out = append(out, FieldModes)
	}
	if a.Region == "" {
		out = append(out, FieldRegion)
	}
	if kind == KindNeed && a.Budget == "" {
		out = append(out, FieldBudget)
	}
	if kind == KindNeed && a.Deadline == "" {
		out = append(out, FieldDeadline)
	}
	// A profile without a single figure rarely says what success looks like
	// (need) or what has been shown, at what scale (offer).
	if !quantRe.MatchString(text) {
		out = append(out, FieldSuccess)
	}
	return out
}

// ParseTRL reads a maturity level from a short answer: a digit 1–9, or
// words such as "prototype" or "中试".
func ParseTRL(text string) int {
	t := strings.TrimSpace(text)
	if n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(t), "TRL"))); err == nil && n >= MinTRL && n <= MaxTRL {
		return n
	}
	return guessTRL(strings.ToLower(t), t)
}

// ParseModes reads cooperation modes from a short answer.
func ParseModes(text string) []Mode { return findModes(strings.ToLower(text), text) }

// Offline is the normalizer that needs no external service: it reads
// descriptions with the taxonomy alone.
type Offline struct{ Tax *Taxonomy }

// Analyze reads the request's text; it never fails.
func (o Offline) Analyze(_ context.Context, req AnalysisRequest) (Analysis, error) {
	return o.Tax.Analyze(req.Kind, req.Text), nil
}
