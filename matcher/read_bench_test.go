package matcher_test

import (
	"testing"

	"github.com/duijie/duijie/internal/synth"
	"github.com/duijie/duijie/matcher"
)

// BenchmarkRead reads synthetic import rows as `duijie import` does
// offline: normalization and digest in one pass (Taxonomy.Read), one row
// per operation, taken in turn from 2,000 rows of seed 3.
func BenchmarkRead(b *testing.B) {
	tax := matcher.Default()
	rows := synth.Profiles(3, 2_000)
	tax.Read(&matcher.Profile{Kind: matcher.KindOffer, Title: "warm", Description: "the dictionary is read on first use"})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := rows[i%len(rows)]
		tax.Read(&p)
		i++
	}
}
