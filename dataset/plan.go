package dataset

import (
	"encoding/json"
	"strings"

	"github.com/duijie/duijie/matcher"
)

// Stored is what the store holds under an imported profile's id.
type Stored struct {
	Profile matcher.Profile
	Contact Contact
}

// Plan is what importing a list would do, computed before anything is
// written: the rows to write (new or changed) and the counts the
// organizer confirms.
type Plan struct {
	List string // the file's name
	// Rows are the rows to write, each carrying what the store keeps of
	// the profile it replaces: creation time, and once claimed its owner
	// and status. Rows that would change nothing are left out.
	Rows        []Row
	New         int
	Updated     int
	KindChanged int // of Updated: offers that become needs, or the reverse
	Unchanged   int
	Problems    int // rows not taken
	// Sample is a few of Rows, for the preview.
	Sample []Row
	// Was is the kind each sampled update had before.
	Was map[string]matcher.Kind
}

// sampleSize is how many rows a preview shows.
const sampleSize = 3

// PlanImport compares rows with what is stored under their ids.
func PlanImport(list string, rows []Row, problems int, stored map[string]Stored) Plan {
	pl := Plan{List: list, Problems: problems, Was: map[string]matcher.Kind{}}
	for _, r := range rows {
		old, ok := stored[r.Profile.ID]
		if !ok {
			pl.New++
			pl.Rows = append(pl.Rows, r)
			if len(pl.Sample) < sampleSize {
				pl.Sample = append(pl.Sample, r)
			}
			continue
		}
		r.Profile.CreatedAt = old.Profile.CreatedAt
		if old.Profile.OwnerID != 0 {
			r.Profile.OwnerID, r.Profile.Status = old.Profile.OwnerID, old.Profile.Status
		}
		if sameProfile(old.Profile, r.Profile) && old.Contact == r.Contact {
			pl.Unchanged++
			continue
		}
		pl.Updated++
		pl.Rows = append(pl.Rows, r)
		if old.Profile.Kind != r.Profile.Kind {
			pl.KindChanged++
			pl.Was[r.Profile.ID] = old.Profile.Kind
			if len(pl.Sample) == sampleSize {
				pl.Sample = pl.Sample[1:] // a change of kind is worth showing
			}
			pl.Sample = append(pl.Sample, r)
		} else if len(pl.Sample) < sampleSize {
			pl.Sample = append(pl.Sample, r)
		}
	}
	return pl
}

// sameProfile reports whether two profiles say the same, whenever they
// were written.
func sameProfile(a, b matcher.Profile) bool {
	a.UpdatedAt = b.UpdatedAt
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// Preview is the message an organizer confirms: "新增 X，更新 Y，其中 Z
// 条类型改变，W 行有问题", a sample, and the problems grouped by cause.
func (pl Plan) Preview(lang matcher.Lang, problems []string) string {
	var b strings.Builder
	b.WriteString(word(lang, "plan_counts", clean(pl.List), pl.New, pl.Updated, pl.KindChanged, pl.Problems))
	if pl.Unchanged > 0 {
		b.WriteString(word(lang, "plan_unchanged", pl.Unchanged))
	}
	if len(pl.Sample) > 0 {
		b.WriteString("\n\n" + word(lang, "plan_sample"))
		for _, r := range pl.Sample {
			p := r.Profile
			line := word(lang, "kind_"+string(p.Kind)) + word(lang, "quote", clean(p.Title))
			if p.Org != "" {
				line += word(lang, "paren", clean(p.Org))
			}
			if was, ok := pl.Was[p.ID]; ok {
				line += word(lang, "plan_was", word(lang, "kind_"+string(was)), word(lang, "kind_"+string(p.Kind)))
			}
			b.WriteString("\n· " + line)
		}
	}
	if len(problems) > 0 {
		b.WriteString("\n\n" + word(lang, "plan_problems"))
		for i, p := range problems {
			if i == 10 {
				b.WriteString("\n" + word(lang, "plan_more_problems", len(problems)-i))
				break
			}
			b.WriteString("\n· " + p)
		}
	}
	if pl.KindChanged > 0 {
		b.WriteString("\n\n" + word(lang, "plan_kind_warning", pl.KindChanged))
	}
	if len(pl.Rows) == 0 {
		b.WriteString("\n\n" + word(lang, "plan_nothing"))
	}
	return b.String()
}

// Limits states the limits of a list, for the organizer.
func Limits(lang matcher.Lang) string {
	return word(lang, "limits", MaxFileBytes>>20, MaxListRows)
}
