package matcher

import "testing"

func TestTeamCoversWhatNoSingleOfferDoes(t *testing.T) {
	ix := NewIndex(Default())
	ix.Upsert(prof("o-vision", KindOffer, 1, "Machine vision surface defect inspection", "Deep learning detects scratches and dents on metal parts with line-scan cameras."))
	ix.Upsert(prof("o-robot", KindOffer, 2, "Industrial robot grinding and polishing", "Force-controlled robotic grinding and polishing of castings."))
	ix.Upsert(prof("o-mes", KindOffer, 3, "MES and quality traceability", "Manufacturing execution system with quality traceability for every part."))
	need := prof("n", KindNeed, 9, "Automate our casting finishing line",
		"We need machine vision defect inspection of castings, robotic grinding and polishing to remove burrs, and quality traceability in our MES.")
	team, ok := ix.Team(Query{Profile: need})
	if !ok {
		t.Fatal("no team for a need with three facets spread over three offers")
	}
	if len(team.Members) < 2 || team.Covered <= team.Best {
		t.Errorf("team %+v does not add coverage", team)
	}
	seen := map[string]bool{}
	for _, m := range team.Members {
		if len(m.Facets) == 0 {
			t.Errorf("member %s brings no facet", m.Profile.ID)
		}
		for _, f := range m.Facets {
			if seen[f] {
				t.Errorf("facet %s claimed twice", f)
			}
			seen[f] = true
		}
	}
	if _, ok := ix.Team(Query{Profile: prof("o", KindOffer, 9, "x", "machine vision")}); ok {
		t.Error("an offer got a team")
	}
}
