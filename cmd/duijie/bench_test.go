package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
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

// The corpus for the whole-process figures of BENCHMARKS.md (start-up,
// memory and import from 10k to 1M): not written unless asked.
var (
	corpusDir = flag.String("corpus-dir", "", "TestWriteCorpus writes the synthetic import corpus into this directory")
	corpusN   = flag.Int("corpus-n", 100_000, "profiles TestWriteCorpus writes (1000000 for the million)")
)

// corpusFileRows is the number of rows per corpus file.
const corpusFileRows = 50_000

// TestWriteCorpus writes -corpus-n synthetic rows (seed 1, as the matcher's
// benchmarks) into JSON Lines files of corpusFileRows rows in -corpus-dir,
// for `duijie import`. Skipped without -corpus-dir.
func TestWriteCorpus(t *testing.T) {
	if *corpusDir == "" {
		t.Skip("no -corpus-dir")
	}
	ps := synth.Profiles(1, *corpusN)
	for i := 0; i < len(ps); i += corpusFileRows {
		name := filepath.Join(*corpusDir, fmt.Sprintf("corpus-%04d.jsonl", i/corpusFileRows))
		if err := writeFile(name, func(w io.Writer) error {
			return dataset.WriteJSONL(w, ps[i:min(i+corpusFileRows, len(ps))])
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkLoadIndex builds the match index as serve starts, from what the
// Redis named by DUIJIE_TEST_REDIS_URL holds (fill it with `duijie import`
// of TestWriteCorpus's files); skipped without it.
func BenchmarkLoadIndex(b *testing.B) {
	url := os.Getenv(storetest.URLEnv)
	if url == "" {
		b.Skip(storetest.URLEnv + " not set")
	}
	cfg := Config{RedisURL: url, NoDemo: true, lateIndex: true}
	n, heap := 0, uint64(0)
	for b.Loop() {
		app, err := Open(b.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			b.Fatal(err)
		}
		if err := app.LoadIndex(b.Context()); err != nil {
			b.Fatal(err)
		}
		n = app.Index.Len()
		b.StopTimer()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		heap = m.HeapAlloc // with the taxonomy and the dictionary
		runtime.KeepAlive(app.Index)
		b.StartTimer()
		app.Close()
	}
	b.ReportMetric(float64(n), "profiles")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "profiles/s")
	b.ReportMetric(float64(heap)/float64(max(n, 1)), "heap-B/profile")
}
