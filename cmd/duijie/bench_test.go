package main

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/internal/synth"
	"github.com/duijie/duijie/store/storetest"
)

// BenchmarkImportCommand runs `duijie import` on a synthetic file of
// 10,000 rows, as a user would: reading, offline normalization on every
// core, pipelined storing. On the Redis named by DUIJIE_TEST_REDIS_URL
// when set (database as given), else on an embedded one.
func BenchmarkImportCommand(b *testing.B) {
	const n = 10_000
	file := filepath.Join(b.TempDir(), "rows.jsonl")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := dataset.WriteJSONL(w, synth.Profiles(3, n)); err != nil {
		b.Fatal(err)
	}
	w.Flush()
	f.Close()
	url := os.Getenv(storetest.URLEnv)
	where := "redis"
	if url == "" {
		url, where = "redis://"+miniredis.RunT(b).Addr(), "embedded"
	}
	b.Run(where, func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			_, errOut, err := runCLI(b, url, "import", file)
			if err != nil {
				b.Fatalf("import: %v\n%s", err, errOut)
			}
		}
		b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "profiles/s")
	})
}
