package redact

import (
	"regexp"
	"strings"

	"github.com/duijie/duijie/matcher"
)

// Profile returns p as someone other than its owner sees it: title,
// summary, description, statement, organisation and the free-text answers
// (region, budget, deadline, success) redacted with opt, a run of marks
// shown as one. What matching reads (concepts, domains, keywords,
// embedding) is left as it is.
func Profile(p matcher.Profile, opt Options) matcher.Profile {
	p, _ = profile(p, opt)
	return p
}

func profile(p matcher.Profile, opt Options) (matcher.Profile, []Found) {
	var found []Found
	for _, s := range []*string{&p.Title, &p.Summary, &p.Description, &p.Statement, &p.Org,
		&p.Region, &p.Budget, &p.Deadline, &p.Success} {
		if *s != "" {
			var f []Found
			*s, f = Text(*s, opt)
			*s = oneMark(*s, opt.Mark())
			found = append(found, f...)
		}
	}
	return p, found
}

// Match returns m as its reader sees it: the counterpart's profile and
// the counterpart's side of each field's fit redacted with opt, and
// without the shared terms that came from what was hidden (the words of
// an e-mail address or a host name).
func Match(m matcher.Match, opt Options) matcher.Match {
	var found []Found
	m.Profile, found = profile(m.Profile, opt)
	if len(m.Fit) > 0 {
		fit := make([]matcher.Fit, len(m.Fit))
		for i, f := range m.Fit {
			side := &f.Need
			if m.Profile.Kind == matcher.KindOffer {
				side = &f.Offer
			}
			if *side != "" {
				var more []Found
				*side, more = Text(*side, opt)
				*side = oneMark(*side, opt.Mark())
				found = append(found, more...)
			}
			fit[i] = f
		}
		m.Fit = fit
	}
	if len(found) > 0 && len(m.Terms) > 0 {
		var terms []string
		for _, t := range m.Terms {
			if !inFound(t, found) {
				terms = append(terms, t)
			}
		}
		m.Terms = terms
	}
	return m
}

// inFound reports whether term is part of something that was hidden.
func inFound(term string, found []Found) bool {
	term = strings.ToLower(term)
	for _, f := range found {
		if strings.Contains(strings.ToLower(f.Text), term) {
			return true
		}
	}
	return false
}

// marksApart matches white space and list punctuation between two marks.
var marksApart = regexp.MustCompile(`^[\s,，;；、/|:：]*$`)

// oneMark shows a run of marks, apart only by white space or list
// punctuation, as one mark.
func oneMark(s, mark string) string {
	parts := strings.Split(s, mark)
	if len(parts) < 3 {
		return s
	}
	var b strings.Builder
	b.WriteString(parts[0])
	for i := 1; i < len(parts); i++ {
		if i < len(parts)-1 && marksApart.MatchString(parts[i]) {
			continue // the mark before this part stands for the next one too
		}
		b.WriteString(mark)
		b.WriteString(parts[i])
	}
	return b.String()
}
