package store

import (
	"context"
	"testing"
	"time"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/internal/synth"
)

// conferenceRows is the size of a docking conference's lists: 1,500
// achievements and 1,100 demands.
const conferenceRows = 2600

// BenchmarkApplyAndUndoImport plans a conference's list against the
// store, applies it (snapshot, profiles, contacts) and undoes it.
func BenchmarkApplyAndUndoImport(b *testing.B) {
	ps := synth.Profiles(2, conferenceRows)
	rows := make([]dataset.Row, len(ps))
	ids := make([]string, len(ps))
	for i, p := range ps {
		p.ID = dataset.ImportPrefix + p.ID
		rows[i] = dataset.Row{Line: i + 2, Profile: p, Contact: dataset.Contact{Name: "王老师", Phone: "010-12345678"}}
		ids[i] = p.ID
	}
	for _, be := range benchBackends(b) {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			s := New(be.rdb, benchPrefix(b, be.rdb))
			at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			for b.Loop() {
				stored, err := s.ImportStored(ctx, ids)
				if err != nil {
					b.Fatal(err)
				}
				pl := dataset.PlanImport("list.xlsx", rows, 0, stored)
				if _, err := s.ApplyImport(ctx, pl, at); err != nil {
					b.Fatal(err)
				}
				if _, err := s.UndoLastImport(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
