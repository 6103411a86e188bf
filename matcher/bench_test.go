package matcher_test

import (
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/internal/synth"
	"github.com/duijie/duijie/matcher"
)

// Benchmarks on synthetic corpora of 10k and 100k profiles, and of the
// sizes -corpus-sizes adds (300k and a million take minutes to build and
// several GB; CI never asks for them). The corpora are built once per
// process, on first use; `-short` skips all but 10k. Figures are
// reported, never asserted.

// The fan-out of a new profile, as the bot does it on publish: every
// counterpart scoring at least bot.NotifyMinScore, at most bot's
// maxFanout of them (the bot package owns both; the matcher cannot import it).
const (
	notifyThreshold = 0.2
	notifyLimit     = 100
)

const (
	corpusSeed = 1
	querySeed  = 2   // queries are new profiles, not in the index
	numQueries = 256 // queries rotate, so no single profile's cost dominates
)

// corpus is an index over synthetic profiles with what building it cost.
type corpus struct {
	n         int
	ix        *matcher.Index
	queries   []matcher.Profile
	build     time.Duration
	heapBytes uint64 // heap the index holds, profiles' own text included
	textBytes int    // bytes of the profiles' title, description, org and region
}

var corpusSizes = flag.String("corpus-sizes", "", "more corpus sizes for the matching benchmarks, comma-separated (300000,1000000)")

// size is one corpus of the benchmarks, built on first use.
type size struct {
	name string
	get  func() *corpus
}

func newSize(n int) size {
	return size{sizeName(n), sync.OnceValue(func() *corpus { return buildCorpus(n) })}
}

// sizeName writes n as the benchmarks name it: 10k, 1m.
func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dm", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// sizes returns the corpora to run: 10k, 100k and those of -corpus-sizes.
var sizes = sync.OnceValue(func() []size {
	out := []size{newSize(10_000), newSize(100_000)}
	for _, f := range strings.Split(*corpusSizes, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			panic(fmt.Sprintf("-corpus-sizes: %q is not a number of profiles", f))
		}
		out = append(out, newSize(n))
	}
	return out
})

// buildCorpus indexes n profiles and measures the heap the index keeps
// once the generated slice is gone, as when profiles come from the store.
func buildCorpus(n int) *corpus {
	c := &corpus{n: n, queries: synth.Profiles(querySeed, numQueries)}
	tax := matcher.Default()
	before := heapInUse()
	ps := synth.Profiles(corpusSeed, n)
	for i := range ps {
		p := &ps[i]
		c.textBytes += len(p.Title) + len(p.Description) + len(p.Org) + len(p.Region)
	}
	start := time.Now()
	c.ix = matcher.NewIndex(tax)
	for _, p := range ps {
		c.ix.Upsert(p)
	}
	c.build = time.Since(start)
	ps = nil
	if after := heapInUse(); after > before {
		c.heapBytes = after - before
	}
	return c
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// eachSize runs bench as a sub-benchmark per corpus size.
func eachSize(b *testing.B, bench func(b *testing.B, c *corpus)) {
	for _, s := range sizes() {
		b.Run(s.name, func(b *testing.B) {
			if testing.Short() && s.name != "10k" {
				b.Skip("large corpus skipped in -short mode")
			}
			bench(b, s.get())
		})
	}
}

// BenchmarkRankTop10 ranks the ten best counterparts of a new profile.
func BenchmarkRankTop10(b *testing.B) {
	eachSize(b, func(b *testing.B, c *corpus) {
		i := 0
		for b.Loop() {
			c.ix.Rank(matcher.Query{Profile: c.queries[i%len(c.queries)], Limit: 10})
			i++
		}
	})
}

// BenchmarkFanOut finds the counterparts scoring at least
// notifyThreshold for a new profile, the best notifyLimit of them: the
// owners to notify.
func BenchmarkFanOut(b *testing.B) {
	eachSize(b, func(b *testing.B, c *corpus) {
		i, found := 0, 0
		for b.Loop() {
			ms := c.ix.Rank(matcher.Query{Profile: c.queries[i%len(c.queries)], Limit: notifyLimit, MinScore: notifyThreshold})
			found += len(ms)
			i++
		}
		b.ReportMetric(float64(found)/float64(i), "matches/op")
	})
}

// BenchmarkIndexBuild indexes 10k profiles into an empty index.
func BenchmarkIndexBuild(b *testing.B) {
	b.Run("10k", func(b *testing.B) {
		ps := synth.Profiles(corpusSeed, 10_000)
		tax := matcher.Default()
		for b.Loop() {
			ix := matcher.NewIndex(tax)
			for _, p := range ps {
				ix.Upsert(p)
			}
		}
		b.ReportMetric(float64(len(ps)*b.N)/b.Elapsed().Seconds(), "profiles/s")
	})
}

// BenchmarkIndexMemory reports the heap an index holds per profile,
// measured once when the corpus is built, with the profiles' text and
// the time the build took.
func BenchmarkIndexMemory(b *testing.B) {
	eachSize(b, func(b *testing.B, c *corpus) {
		for range b.N {
		}
		b.ReportMetric(float64(c.heapBytes)/float64(c.n), "B/profile")
		b.ReportMetric(float64(c.textBytes)/float64(c.n), "text-B/profile")
		b.ReportMetric(c.build.Seconds(), "build-s")
		b.ReportMetric(0, "ns/op")
	})
}
