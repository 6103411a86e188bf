package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/internal/synth"
	"github.com/duijie/duijie/matcher"
)

// importBatch is the number of profiles one benchmark operation imports:
// a file of the size organizers exchange after a docking conference.
const importBatch = 10_000

// BenchmarkImport measures what `duijie import` does with the rows of a
// file: the offline analysis of each profile, SaveProfiles (pipelined)
// and the index upsert. It runs on the embedded server and, when
// TestRedisURLEnv is set, on that real Redis; the sub-benchmark name says
// which. Reading the file is not included. Re-imports of the same ids are
// updates, which cost what inserts cost.
func BenchmarkImport(b *testing.B) {
	rows := synth.Profiles(1, importBatch)
	tax := matcher.Default()
	for _, be := range benchBackends(b) {
		b.Run(be.name, func(b *testing.B) {
			b.Log(be.about)
			ctx := context.Background()
			s := New(be.rdb, benchPrefix(b, be.rdb))
			var analyze, save, index time.Duration
			for b.Loop() {
				t0 := time.Now()
				ps := make([]matcher.Profile, len(rows))
				for i, p := range rows {
					an := tax.Analyze(p.Kind, p.Text())
					an.Apply(&p)
					ps[i] = p
				}
				t1 := time.Now()
				if _, err := s.SaveProfiles(ctx, ps); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				ix := matcher.NewIndex(tax)
				for _, p := range ps {
					ix.Upsert(p)
				}
				t3 := time.Now()
				analyze += t1.Sub(t0)
				save += t2.Sub(t1)
				index += t3.Sub(t2)
			}
			n := float64(importBatch * b.N)
			b.ReportMetric(n/(analyze+save+index).Seconds(), "profiles/s")
			b.ReportMetric(n/(analyze+save).Seconds(), "stored-profiles/s")
			b.ReportMetric(float64(analyze.Microseconds())/n, "analyze-µs/profile")
			b.ReportMetric(float64(save.Microseconds())/n, "save-µs/profile")
			b.ReportMetric(float64(index.Microseconds())/n, "index-µs/profile")
		})
	}
}

// benchBackend is a Redis a benchmark runs on.
type benchBackend struct {
	name, about string
	rdb         redis.UniversalClient
}

// benchBackends returns the embedded server and, when TestRedisURLEnv is
// set, the real Redis it names.
func benchBackends(b *testing.B) []benchBackend {
	b.Helper()
	e, err := StartEmbedded(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(e.Close)
	erdb := e.Client()
	b.Cleanup(func() { erdb.Close() })
	bs := []benchBackend{{name: "embedded", about: "embedded Redis (miniredis, in process)", rdb: erdb}}
	if url := os.Getenv(TestRedisURLEnv); url != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rdb, err := Connect(ctx, url)
		if err != nil {
			b.Fatalf("%s: %v", TestRedisURLEnv, err)
		}
		b.Cleanup(func() { rdb.Close() })
		info, _ := rdb.Info(ctx, "server").Result()
		bs = append(bs, benchBackend{name: "redis", about: "real Redis " + redisVersion(info), rdb: rdb})
	}
	return bs
}

// redisVersion reads redis_version from the server section of INFO.
func redisVersion(info string) string {
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			return v
		}
	}
	return "(version unknown)"
}

// benchPrefix isolates a benchmark's keys and removes them afterwards.
func benchPrefix(b *testing.B, rdb redis.UniversalClient) string {
	prefix := fmt.Sprintf("djbench%d", time.Now().UnixNano())
	b.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return prefix
}
