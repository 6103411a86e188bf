// Package demo holds the bundled demo set: fictional offers and needs in
// Chinese and English that an embedded store starts with, so a first run
// shows real matches. Every profile is marked Demo.
package demo

import (
	"bytes"
	_ "embed"
	"fmt"
	"time"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
)

//go:embed profiles.jsonl
var profilesJSONL []byte

// Qrels are the graded pairs (need id, offer id, grade) the demo set was
// written with; the ranking-quality test uses them.
//
//go:embed qrels.tsv
var Qrels []byte

// Profiles returns the demo profiles, stamped with now.
func Profiles(now time.Time) ([]matcher.Profile, error) {
	rows, bad, err := dataset.Read(bytes.NewReader(profilesJSONL), dataset.JSONL, now)
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("demo set: %v", bad[0])
	}
	out := make([]matcher.Profile, len(rows))
	for i, r := range rows {
		r.Profile.Demo = true
		out[i] = r.Profile
	}
	return out, nil
}
