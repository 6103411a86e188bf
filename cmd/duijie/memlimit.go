package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// The memory limit of serve. Without one, Go's collector lets the heap grow
// to twice what is live (GOGC=100), so a replica whose match index holds
// 180 MiB sits at 400 MiB. serve sets a soft limit from the live heap
// instead: a headroom over it, recomputed as the index grows.
const (
	// memHeadroomFactor and memHeadroom size the limit: live × factor +
	// headroom. At a million profiles (about 1.1 GiB live) that leaves about
	// 120 MiB of garbage between collections, at 100k about 57 MiB; an
	// index that grows faster than the limit follows it makes the
	// collector run more often (at most half the CPU) until the next resize.
	memHeadroomFactor = 1.0625
	memHeadroom       = 48 << 20
	// memFloor is the smallest limit set from the live heap.
	memFloor = 192 << 20
	// memResizeEvery is how often the limit follows the live heap.
	memResizeEvery = 30 * time.Second
)

// parseBytes reads a size such as 512MiB, 1.5GiB, 800MB or 1073741824.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("MEMORY_LIMIT %q: want a size such as 512MiB or 2GiB", s)
	}
	return int64(v * mult), nil
}

// limitMemory sets serve's soft memory limit. MEMORY_LIMIT (or Go's own
// GOMEMLIMIT) fixes it; otherwise it follows the live heap until ctx ends.
func limitMemory(ctx context.Context, setting string, log *slog.Logger) error {
	if setting != "" {
		n, err := parseBytes(setting)
		if err != nil {
			return err
		}
		debug.SetMemoryLimit(n)
		log.Info("memory limit set", "bytes", n)
		return nil
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return nil // the runtime read it at start
	}
	resize := func() {
		n := limitFor(liveHeap())
		debug.SetMemoryLimit(n)
		log.Debug("memory limit follows the live heap", "bytes", n)
	}
	resize()
	go func() {
		t := time.NewTicker(memResizeEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				resize()
			}
		}
	}()
	return nil
}

// limitFor returns the soft limit for a live heap of live bytes.
func limitFor(live uint64) int64 {
	return max(int64(float64(live)*memHeadroomFactor)+memHeadroom, memFloor)
}

// liveHeap returns the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// indexBytesPerProfile is what the match index holds per profile, measured
// at 100k synthetic profiles (BenchmarkLoadIndex, heap-B/profile, less the
// taxonomy and dictionary), rounded up.
const indexBytesPerProfile = 1100

// holdHeapWhileLoading sets a soft memory limit sized for an index of n
// profiles over the heap in use now, so that the collector keeps the heap
// near what the index needs while it grows instead of letting it double.
// It does nothing when a limit is set already (MEMORY_LIMIT, GOMEMLIMIT).
// The returned func puts back the limit there was.
func holdHeapWhileLoading(n int) (restore func()) {
	prev := debug.SetMemoryLimit(-1)
	if prev != math.MaxInt64 {
		return func() {}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	debug.SetMemoryLimit(int64(m.HeapInuse) + int64(n)*indexBytesPerProfile + 64<<20)
	return func() { debug.SetMemoryLimit(prev) }
}
