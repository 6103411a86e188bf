package matcher

import (
	"fmt"
	"strings"
)

// modeLabels names the cooperation modes in both languages.
var modeLabels = map[Mode][2]string{
	ModeLicense:    {"licence", "许可"},
	ModeTransfer:   {"transfer", "转让"},
	ModeJointRD:    {"joint R&D", "联合研发"},
	ModeConsulting: {"consulting", "技术咨询"},
	ModeEquity:     {"equity / co-founding", "作价入股"},
	ModeOther:      {"other", "其他"},
}

// ModeLabel names a cooperation mode in lang.
func ModeLabel(m Mode, lang Lang) string {
	l, ok := modeLabels[m]
	if !ok {
		return string(m)
	}
	if lang == LangZH {
		return l[1]
	}
	return l[0]
}

// ModesLabel names a list of modes in lang.
func ModesLabel(ms []Mode, lang Lang) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = ModeLabel(m, lang)
	}
	return strings.Join(parts, listSep(lang))
}

func listSep(lang Lang) string {
	if lang == LangZH {
		return "、"
	}
	return ", "
}

// DomainsLabel names a list of domain codes in lang.
func (t *Taxonomy) DomainsLabel(codes []string, lang Lang) string {
	var parts []string
	for _, c := range codes {
		if d, ok := t.Domain(c); ok {
			parts = append(parts, d.Name(lang))
		}
	}
	return strings.Join(parts, listSep(lang))
}

// ConceptLabels names at most max of the given concepts in lang, in
// order, skipping ids the taxonomy does not know.
func (t *Taxonomy) ConceptLabels(ids []string, lang Lang, max int) []string {
	var names []string
	for _, id := range ids {
		if len(names) == max {
			break
		}
		if c, ok := t.Concept(id); ok {
			names = append(names, c.Label(lang))
		}
	}
	return names
}

// Explanation is a match put into words for one reader.
type Explanation struct {
	Reason string   `json:"reason"` // one line: what joins the two profiles
	Fit    []string `json:"fit"`    // one line per compared field, with ✓ or ✗
}

// maxReasonConcepts is how many shared concepts a reason names.
const maxReasonConcepts = 3

// Explain puts m into words in lang for the owner of a profile of kind
// reader (the side that asked). The reason quotes evidence both profiles
// hold: the concepts both texts contain, else the words they share (a
// Chinese word counting by its English meaning), else their common field;
// never a concept neither text names.
func (t *Taxonomy) Explain(m Match, reader Kind, lang Lang) Explanation {
	var e Explanation
	names := t.ConceptLabels(m.Concepts, lang, maxReasonConcepts)
	sep := listSep(lang)
	terms := m.Terms
	if len(names) > 0 && len(terms) > maxReasonConcepts-len(names) {
		terms = terms[:max(0, maxReasonConcepts-len(names))]
	}
	switch {
	case len(names) > 0 && lang == LangZH:
		e.Reason = "共同点：" + strings.Join(names, sep)
		if len(terms) > 0 {
			e.Reason += "；相同关键词：" + strings.Join(terms, sep)
		}
	case len(names) > 0:
		e.Reason = "Shared: " + strings.Join(names, sep)
		if len(terms) > 0 {
			e.Reason += "; common terms: " + strings.Join(terms, sep)
		}
	case len(terms) > 0 && lang == LangZH:
		e.Reason = "相同关键词：" + strings.Join(terms, sep)
	case len(terms) > 0:
		e.Reason = "Common terms: " + strings.Join(terms, sep)
	case lang == LangZH:
		e.Reason = "领域相同：" + t.DomainsLabel(m.Domains, lang)
	default:
		e.Reason = "Same field: " + t.DomainsLabel(m.Domains, lang)
	}
	for _, f := range m.Fit {
		e.Fit = append(e.Fit, fitLine(f, reader, lang))
	}
	return e
}

func mark(s FitStatus) string {
	switch s {
	case FitOK:
		return "✓"
	case FitGap:
		return "✗"
	}
	return "~"
}

// fitLine words one field comparison from the reader's side: "yours"
// is the reader's profile, "theirs" the counterpart's.
func fitLine(f Fit, reader Kind, lang Lang) string {
	zh := lang == LangZH
	switch f.Field {
	case FieldTRL:
		if reader == KindNeed {
			if zh {
				return fmt.Sprintf("成熟度 TRL %s，您要求 ≥ %s %s", f.Offer, f.Need, mark(f.Status))
			}
			return fmt.Sprintf("TRL %s vs your minimum %s %s", f.Offer, f.Need, mark(f.Status))
		}
		if zh {
			return fmt.Sprintf("对方要求 TRL ≥ %s，您的成果 TRL %s %s", f.Need, f.Offer, mark(f.Status))
		}
		return fmt.Sprintf("they want TRL ≥ %s, yours is %s %s", f.Need, f.Offer, mark(f.Status))
	case FieldModes:
		mine, theirs := f.Need, f.Offer
		if reader == KindOffer {
			mine, theirs = theirs, mine
		}
		if zh {
			return fmt.Sprintf("合作方式：对方 %s，您 %s %s", modesText(theirs, lang), modesText(mine, lang), mark(f.Status))
		}
		return fmt.Sprintf("cooperation: they %s, you %s %s", modesText(theirs, lang), modesText(mine, lang), mark(f.Status))
	case FieldRegion:
		mine, theirs := f.Need, f.Offer
		if reader == KindOffer {
			mine, theirs = theirs, mine
		}
		mp, _ := FindPlace(mine)
		tp, _ := FindPlace(theirs)
		if zh {
			return fmt.Sprintf("地区：%s ↔ %s %s", mp.Label(lang), tp.Label(lang), mark(f.Status))
		}
		return fmt.Sprintf("region: %s ↔ %s %s", mp.Label(lang), tp.Label(lang), mark(f.Status))
	case FieldBudget:
		if f.Status == FitPartial {
			if zh {
				return fmt.Sprintf("预算 %s ↔ 报价 %s（需面谈）", f.Need, f.Offer)
			}
			return fmt.Sprintf("budget %s ↔ price %s (to discuss)", f.Need, f.Offer)
		}
		if zh {
			return fmt.Sprintf("预算 %s ↔ 报价 %s %s", f.Need, f.Offer, mark(f.Status))
		}
		return fmt.Sprintf("budget %s ↔ price %s %s", f.Need, f.Offer, mark(f.Status))
	}
	return string(f.Field)
}

func modesText(csv string, lang Lang) string {
	var ms []Mode
	for _, s := range strings.Split(csv, ",") {
		if s != "" {
			ms = append(ms, Mode(s))
		}
	}
	return ModesLabel(ms, lang)
}
