package bot

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

// TestListsPlanKeepApply: a planned list waits in the store and is taken
// once; it is applied only by the holder of the import lease; the same
// list planned again writes nothing; undo removes what it created.
func TestListsPlanKeepApply(t *testing.T) {
	st, _ := storetest.New(t)
	ctx := context.Background()
	ls := NewLists(st, matcher.Default(), func() time.Time { return fixedNow })
	data, err := os.ReadFile("../dataset/testdata/lists/成果需求汇总.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	pi, err := ls.Plan(ctx, "成果需求汇总.xlsx", data, "expo", matcher.LangZH)
	if err != nil {
		t.Fatal(err)
	}
	if pi.Plan.New == 0 || len(pi.Free) != pi.Plan.New {
		t.Fatalf("plan: %d new, %d without an owner", pi.Plan.New, len(pi.Free))
	}
	id, err := ls.Keep(ctx, pi)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := ls.Take(ctx, id)
	if err != nil || kept.Plan.New != pi.Plan.New || kept.Tag != "expo" {
		t.Fatalf("taken %+v, %v", kept.Plan, err)
	}
	if _, err := ls.Take(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a plan taken twice: %v", err)
	}

	if held, _ := st.Lease(ctx, importLease, "other", time.Minute); !held {
		t.Fatal("lease not taken")
	}
	if _, err := ls.Apply(ctx, kept, "me"); !errors.Is(err, ErrImportBusy) {
		t.Errorf("applied while another replica holds the lease: %v", err)
	}
	st.ReleaseLease(ctx, importLease, "other")
	res, err := ls.Apply(ctx, kept, "me")
	if err != nil || res.Record.New != pi.Plan.New || len(res.Claims) != pi.Plan.New {
		t.Fatalf("apply: %+v, %d claim codes, %v", res.Record, len(res.Claims), err)
	}
	if known, _ := st.KnownEvent(ctx, "expo"); !known {
		t.Error("the import's tag is not a known event")
	}

	again, err := ls.Plan(ctx, "成果需求汇总.xlsx", data, "expo", matcher.LangZH)
	if err != nil || len(again.Plan.Rows) != 0 {
		t.Errorf("the same list again would write %d rows (%v)", len(again.Plan.Rows), err)
	}
	undo, err := ls.Undo(ctx)
	if err != nil || undo.Removed != pi.Plan.New {
		t.Errorf("undo: %+v, %v", undo, err)
	}
}
