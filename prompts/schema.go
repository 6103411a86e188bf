package prompts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/duijie/duijie/matcher"
)

// answer is the JSON object a model returns for one description. Its
// fields are those of Schema, in the same order.
type answer struct {
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Statement  string   `json:"statement"`
	Domains    []string `json:"domains"`
	ConceptsEN []string `json:"concepts_en"`
	ConceptsZH []string `json:"concepts_zh"`
	KeywordsEN []string `json:"keywords_en"`
	KeywordsZH []string `json:"keywords_zh"`
	TRL        int      `json:"trl"`
	IP         string   `json:"ip"`
	Modes      []string `json:"modes"`
	Region     string   `json:"region"`
	Budget     string   `json:"budget"`
	Deadline   string   `json:"deadline"`
	Missing    []string `json:"missing"`
	Remarks    []string `json:"remarks"`
}

// ipUnknown is the schema's word for an unknown IP status.
const ipUnknown = "unknown"

// property is one entry of an object schema; properties keep their order
// so that a model writes the statement before the codes it implies.
type property struct {
	name   string
	schema map[string]any
}

type object []property

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.name)
		v, err := json.Marshal(p.schema)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Schema returns the JSON schema of the answer for tax's domains: strict
// (every property required, no others), with enums for domain codes,
// TRL, IP status, cooperation modes, missing fields and remarks.
func Schema(tax *matcher.Taxonomy) json.RawMessage {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	list := func(desc string, enum []string) map[string]any {
		items := map[string]any{"type": "string"}
		if enum != nil {
			items["enum"] = enum
		}
		return map[string]any{"type": "array", "items": items, "description": desc}
	}
	var domains []string
	for _, d := range tax.Domains() {
		domains = append(domains, d.Code)
	}
	var modes, ips, fields, remarks []string
	for _, m := range matcher.Modes {
		modes = append(modes, string(m))
	}
	for _, ip := range matcher.IPStatuses {
		ips = append(ips, string(ip))
	}
	ips = append(ips, ipUnknown)
	for _, f := range matcher.Fields {
		fields = append(fields, string(f))
	}
	for _, r := range matcher.Remarks {
		remarks = append(remarks, string(r))
	}
	trl := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	props := object{
		{"title", str("short title in the user's language")},
		{"summary", str("one paragraph in the user's language")},
		{"statement", str("the problem or solution in the field's English technical terms")},
		{"domains", list("1-3 domain codes, most relevant first", domains)},
		{"concepts_en", list("technical concepts in English field terms", nil)},
		{"concepts_zh", list("the same concepts in Chinese technical terms", nil)},
		{"keywords_en", list("further search terms in English", nil)},
		{"keywords_zh", list("further search terms in Chinese", nil)},
		{"trl", map[string]any{"type": "integer", "enum": trl, "description": "technology readiness level 1-9; 0 when unknown"}},
		{"ip", map[string]any{"type": "string", "enum": ips, "description": "intellectual property status"}},
		{"modes", list("forms of cooperation", modes)},
		{"region", str("city or province in English; empty when not stated")},
		{"budget", str("budget (need) or price expectation (offer) as stated; empty when not stated")},
		{"deadline", str("by when a need must be solved, as stated; empty when not stated")},
		{"missing", list("fields a follow-up question should ask, most useful first", fields)},
		{"remarks", list("quality remarks", remarks)},
	}
	required := make([]string, len(props))
	for i, p := range props {
		required[i] = p.name
	}
	b, err := json.Marshal(map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             required,
		"additionalProperties": false,
	})
	if err != nil {
		panic("prompts: schema: " + err.Error())
	}
	return b
}

// schemaName names the schema in a json_schema response format.
const schemaName = "profile_analysis"

var (
	thinkBlock = regexp.MustCompile(`(?is)<(think|thinking|reasoning)>.*?</(think|thinking|reasoning)>`)
	thinkEnd   = regexp.MustCompile(`(?i)</think>`)
	fence      = regexp.MustCompile("(?s)```[a-zA-Z]*\\s*(.*?)```")
)

// extractJSON returns the JSON object in a model's reply: reasoning
// blocks and code fences removed, text around the outermost braces cut.
func extractJSON(content string) []byte {
	s := thinkBlock.ReplaceAllString(content, "")
	// An unclosed reasoning block (cut off) leaves nothing usable before its end.
	// (Matched in place: lower-casing invalid UTF-8 would shift offsets.)
	if ends := thinkEnd.FindAllStringIndex(s, -1); len(ends) > 0 {
		s = s[ends[len(ends)-1][1]:]
	}
	if m := fence.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	s = strings.TrimSpace(s)
	if i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}'); i >= 0 && j > i {
		s = s[i : j+1]
	}
	return []byte(s)
}

// decodeAnswer reads a reply into an answer. Problems are phrased for
// the model, to be sent back in a re-ask; ok is false when nothing could
// be decoded at all.
func decodeAnswer(content string) (a answer, problems []string, ok bool) {
	raw := extractJSON(content)
	if len(raw) == 0 {
		return a, []string{"the answer is empty; it must be one JSON object"}, false
	}
	err := json.Unmarshal(raw, &a)
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case err == nil:
		return a, nil, true
	case errors.As(err, &typ):
		// Unmarshal decodes the rest; report the field and go on.
		return a, []string{fmt.Sprintf("field %s must be %s, not %s", typ.Field, jsonType(typ.Type.Kind().String()), typ.Value)}, true
	case errors.As(err, &syn):
		return a, []string{fmt.Sprintf("the answer is not valid JSON (%v at byte %d); it must be one JSON object", syn, syn.Offset)}, false
	default:
		return a, []string{fmt.Sprintf("the answer is not a JSON object of the required shape (%v)", err)}, false
	}
}

func jsonType(goKind string) string {
	switch goKind {
	case "int", "int64":
		return "an integer"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return goKind
}

// analysis turns an answer into the domain's analysis of text (the
// description as sent): terms are trimmed and de-duplicated, harmless
// excess is cut (lists beyond their limits, unknown missing-field and
// remark codes, fields a kind does not have), the region is written as
// the place the taxonomy knows, and concepts are found in the statement,
// the terms and the text. Anything else wrong is left for Validate.
func (a *answer) analysis(tax *matcher.Taxonomy, kind matcher.Kind, text string) matcher.Analysis {
	an := matcher.Analysis{
		Title:     strings.TrimSpace(a.Title),
		Summary:   strings.TrimSpace(a.Summary),
		Statement: strings.TrimSpace(a.Statement),
		TRL:       a.TRL,
		Region:    strings.TrimSpace(a.Region),
		Budget:    strings.TrimSpace(a.Budget),
		Deadline:  strings.TrimSpace(a.Deadline),
		IP:        matcher.IPStatus(strings.TrimSpace(a.IP)),
	}
	if an.IP == ipUnknown {
		an.IP = matcher.IPUnknown
	}
	an.Domains = terms(matcher.MaxAnalysisDomains, a.Domains)
	an.Keywords = terms(matcher.MaxAnalysisTerms, a.ConceptsEN, a.KeywordsEN)
	an.KeywordsZH = terms(matcher.MaxAnalysisTerms, a.ConceptsZH, a.KeywordsZH)
	for _, m := range terms(len(matcher.Modes), a.Modes) {
		an.Modes = append(an.Modes, matcher.Mode(m))
	}
	if kind == matcher.KindOffer {
		an.Deadline = ""
	}
	if p, ok := matcher.FindPlace(an.Region); ok {
		an.Region = p.Label(matcher.LangEN)
	}
	present := map[matcher.Field]bool{
		matcher.FieldDomain: len(an.Domains) > 0, matcher.FieldTRL: an.TRL != 0, matcher.FieldModes: len(an.Modes) > 0,
		matcher.FieldRegion: an.Region != "", matcher.FieldBudget: an.Budget != "", matcher.FieldDeadline: an.Deadline != "",
	}
	for _, f := range terms(len(matcher.Fields), a.Missing) {
		field := matcher.Field(f)
		known := false
		for _, k := range matcher.Fields {
			known = known || k == field
		}
		if !known || present[field] || kind == matcher.KindOffer && (field == matcher.FieldBudget || field == matcher.FieldDeadline) {
			continue
		}
		an.Missing = append(an.Missing, field)
	}
	for _, r := range terms(len(matcher.Remarks), a.Remarks) {
		if rem := matcher.Remark(r); rem.Field() != "" {
			an.Remarks = append(an.Remarks, rem)
		}
	}
	parts := append([]string{an.Statement, an.Title, text}, an.Keywords...)
	parts = append(parts, an.KeywordsZH...)
	an.Concepts = tax.Analyze(kind, strings.Join(parts, "\n")).Concepts
	return an
}

// terms joins lists of terms, trimmed, without empty entries or repeats
// (ignoring case), at most max of them.
func terms(max int, lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range lists {
		for _, t := range list {
			t = strings.Join(strings.Fields(t), " ")
			k := strings.ToLower(t)
			if t == "" || seen[k] {
				continue
			}
			if len(out) == max {
				return out
			}
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}
