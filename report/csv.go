package report

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/duijie/duijie/dataset"
)

// CSVColumns is the header of the report's CSV: one row per need and
// proposed offer (one row with empty offer columns for a need without
// offers), the need's columns repeated on each of its rows.
var CSVColumns = []string{
	"need_id", "need_title", "need_org", "need_region", "need_domains", "need_created", "need_tags", "need_status",
	"rank", "offer_id", "offer_title", "offer_org", "score", "reason", "in_team",
	"team", "intros_requested", "intros_accepted", "intros_declined", "best_score", "gap",
}

// WriteCSV writes the report for spreadsheets (see CSVColumns), with a
// byte order mark and cells that cannot be read as formulas
// (dataset.SheetCSV). Flags are 1 or 0, scores have three decimals,
// dates are YYYY-MM-DD.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := dataset.NewSheetCSV(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, n := range r.Needs {
		p := n.Need
		var team []string
		inTeam := map[string]bool{}
		if n.Team != nil {
			for _, m := range n.Team.Members {
				team = append(team, m.Profile.ID)
				inTeam[m.Profile.ID] = true
			}
		}
		created := ""
		if !p.CreatedAt.IsZero() {
			created = p.CreatedAt.UTC().Format(time.DateOnly)
		}
		need := []string{p.ID, p.Title, p.Org, p.Region, r.tax.DomainsLabel(p.Domains, r.Lang), created,
			strings.Join(p.Tags, ";"), string(p.Status)}
		tail := []string{strings.Join(team, ";"), strconv.Itoa(n.Intros.Requested), strconv.Itoa(n.Intros.Accepted),
			strconv.Itoa(n.Intros.Declined), score(n.Best), flag(n.Gap)}
		offers := [][]string{{"", "", "", "", "", "", ""}}
		if len(n.Offers) > 0 {
			offers = offers[:0]
			for i, o := range n.Offers {
				offers = append(offers, []string{strconv.Itoa(i + 1), o.Offer.ID, o.Offer.Title, o.Offer.Org,
					score(o.Score), o.Reason, flag(inTeam[o.Offer.ID])})
			}
		}
		for _, o := range offers {
			row := append(append(append([]string{}, need...), o...), tail...)
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	return cw.Flush()
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
