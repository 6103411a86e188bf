package main

import "testing"

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"512MiB", 512 << 20}, {"2GiB", 2 << 30}, {"1.5 GiB", 3 << 29}, {"800MB", 800e6},
		{"1073741824", 1 << 30}, {"64kib", 64 << 10},
	} {
		got, err := parseBytes(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "lots", "-5MiB", "0", "MiB"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) accepted", bad)
		}
	}
}

func TestLimitForFollowsTheLiveHeap(t *testing.T) {
	if got := limitFor(0); got != memFloor {
		t.Errorf("limitFor(0) = %d, want the floor %d", got, memFloor)
	}
	live := uint64(800 << 20)
	got := limitFor(live)
	if got <= int64(live) || got >= 2*int64(live) {
		t.Errorf("limitFor(800 MiB) = %d MiB, want between live and twice live", got>>20)
	}
}
