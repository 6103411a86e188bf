package demo

import (
	"bytes"
	"testing"
	"time"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
)

// Quality floors on the demo set's graded pairs, with the offline
// normalizer. They sit a little below what the ranking reaches, so a
// change that makes matching worse fails here.
const (
	floorNeedToOffer = 0.88
	floorOfferToNeed = 0.88
)

func TestRankingQualityFloor(t *testing.T) {
	ps, err := Profiles(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tax := matcher.Default()
	ix := matcher.NewIndex(tax)
	for i := range ps {
		a := tax.Analyze(ps[i].Kind, ps[i].Text())
		a.Apply(&ps[i])
		ix.Upsert(ps[i])
	}
	judged, err := dataset.ReadQrels(bytes.NewReader(Qrels))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		from  matcher.Kind
		floor float64
	}{{matcher.KindNeed, floorNeedToOffer}, {matcher.KindOffer, floorOfferToNeed}} {
		s := matcher.Evaluate(ix, ps, judged, d.from)
		t.Logf("%s → counterpart: %d queries, NDCG@5 %.3f, recall@10 %.3f", d.from, s.Queries, s.NDCG5, s.Recall)
		if s.Queries == 0 {
			t.Fatalf("no %s queries", d.from)
		}
		if s.NDCG5 < d.floor {
			for _, q := range s.Detail {
				if q.NDCG5 < 0.5 {
					t.Logf("  weak query %s (%s): NDCG@5 %.2f, ranked %v", q.ID, q.Pair, q.NDCG5, q.Ranked)
				}
			}
			t.Errorf("%s NDCG@5 = %.3f, below the floor %.2f", d.from, s.NDCG5, d.floor)
		}
	}
}

func TestDemoProfilesAreMarkedAndValid(t *testing.T) {
	ps, err := Profiles(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[matcher.Kind]int{}
	langs := map[matcher.Lang]int{}
	for _, p := range ps {
		if !p.Demo {
			t.Errorf("%s is not marked demo", p.ID)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		kinds[p.Kind]++
		langs[p.Lang]++
	}
	if kinds[matcher.KindOffer] < 10 || kinds[matcher.KindNeed] < 10 || langs[matcher.LangZH] < 10 || langs[matcher.LangEN] < 10 {
		t.Errorf("demo set is lopsided: kinds %v, langs %v", kinds, langs)
	}
}
