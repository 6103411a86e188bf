package bench

import (
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/internal/synth"
	"github.com/duijie/duijie/matcher"
)

// The corpus and queries of the matcher's own benchmarks: the same seeds
// give the same profiles.
const (
	corpusSeed = 1
	querySeed  = 2
	numQueries = 256
	corpusSize = 100_000
)

// engines are both sides of the comparison over one corpus, built once
// per process.
type engines struct {
	queries    []matcher.Profile
	index      *matcher.Index
	baseline   *Baseline
	indexBuild time.Duration
	bleveBuild time.Duration
}

var corpus = sync.OnceValues(func() (*engines, error) {
	ps := synth.Profiles(corpusSeed, corpusSize)
	e := &engines{queries: synth.Profiles(querySeed, numQueries)}
	start := time.Now()
	e.index = matcher.NewIndex(matcher.Default())
	for _, p := range ps {
		e.index.Upsert(p)
	}
	e.indexBuild = time.Since(start)
	start = time.Now()
	var err error
	e.baseline, err = NewBaseline(ps)
	e.bleveBuild = time.Since(start)
	return e, err
})

func load(b *testing.B) *engines {
	b.Helper()
	if testing.Short() {
		b.Skip("100k corpus skipped in -short mode")
	}
	e, err := corpus()
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkTop10 answers the same new profiles with the ten best
// counterparts among 100k profiles: bleve's match query over title and
// description, and the matcher's Rank.
func BenchmarkTop10(b *testing.B) {
	b.Run("bleve", func(b *testing.B) {
		e := load(b)
		i := 0
		for b.Loop() {
			if _, err := e.baseline.Top(e.queries[i%len(e.queries)], 10); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(e.bleveBuild.Seconds(), "build-s")
	})
	b.Run("matcher", func(b *testing.B) {
		e := load(b)
		i := 0
		for b.Loop() {
			e.index.Rank(matcher.Query{Profile: e.queries[i%len(e.queries)], Limit: 10})
			i++
		}
		b.ReportMetric(e.indexBuild.Seconds(), "build-s")
	})
}
