package store

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
)

// importList reads an organizer's list and plans it against s.
func importList(ctx context.Context, t *testing.T, s *Store, csv string, at time.Time) dataset.Plan {
	t.Helper()
	l, err := dataset.ReadList("清单.csv", []byte(csv), dataset.ListOptions{Now: at})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(l.Rows))
	for i, r := range l.Rows {
		ids[i] = r.Profile.ID
	}
	stored, err := s.ImportStored(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	return dataset.PlanImport(l.Name, l.Rows, len(l.Problems), stored)
}

// importState is what imports touch: profiles, contacts, claim codes and
// the owners' lists.
func importState(ctx context.Context, t *testing.T, s *Store) map[string]string {
	t.Helper()
	d, err := s.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range d {
		k = strings.TrimPrefix(k, s.k.prefix)
		switch {
		case strings.HasPrefix(k, ":profile:"), strings.HasPrefix(k, ":contact:"), strings.HasPrefix(k, ":claim:"):
			out[k] = v
		case k == ":profiles", strings.HasSuffix(k, ":profiles"):
			f := strings.Fields(strings.Trim(v, "[]"))
			sort.Strings(f)
			out[k] = strings.Join(f, " ")
		}
	}
	return out
}

const listV1 = "2026年成果汇总表\n" +
	"编号,类型,成果名称,成果简介,所属单位,联系人,联系电话\n" +
	"p1,成果,激光熔覆,活塞杆耐腐蚀激光熔覆工艺,某研究所,王老师,13900000000\n" +
	"A2,需求,焊接机器人,免编程焊缝跟踪机器人,某钢结构公司,周总,13800000000\n"

const listV2 = "编号,类型,成果名称,成果简介,所属单位,联系人,联系电话\n" +
	"p1,成果,激光熔覆（修订）,活塞杆耐腐蚀激光熔覆工艺，已中试,某研究所,王老师,13900000001\n" +
	"A2,成果,焊接机器人,免编程焊缝跟踪机器人,某钢结构公司,,\n" +
	"A3,需求,餐厨废油利用,每年五千吨餐厨废油,某环保公司,吴经理,\n"

func TestImportsApplyAndUndo(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

			// A profile published in chat, whose id a list reuses.
			chatID, err := s.NewProfileID(ctx)
			if err != nil || chatID != "p1" || dataset.IsImportID(chatID) {
				t.Fatalf("NewProfileID = %q, %v", chatID, err)
			}
			mine := profile(chatID, matcher.KindNeed, 7)
			if _, err := s.SaveProfile(ctx, mine); err != nil {
				t.Fatal(err)
			}

			pl := importList(ctx, t, s, listV1, t0)
			if pl.New != 2 || pl.Updated != 0 {
				t.Fatalf("plan = %+v", pl)
			}
			if _, err := s.ApplyImport(ctx, pl, t0); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Profile(ctx, chatID); !cmp.Equal(mine, got) {
				t.Errorf("the chat profile changed: %+v", got)
			}
			if c, err := s.Contact(ctx, "i.p1"); err != nil || c.Phone != "13900000000" {
				t.Errorf("contact = %+v, %v", c, err)
			}
			if p, err := s.Profile(ctx, "i.p1"); err != nil || strings.Contains(p.Description, "1390") {
				t.Errorf("imported profile = %+v, %v", p, err)
			}
			if _, err := s.ClaimCodes(ctx, []string{"i.p1", "i.A2"}); err != nil {
				t.Fatal(err)
			}
			v1 := importState(ctx, t, s)

			// The same list again writes nothing and records no import.
			if again := importList(ctx, t, s, listV1, t0.Add(time.Hour)); len(again.Rows) != 0 || again.Unchanged != 2 {
				t.Errorf("second plan = %+v", again)
			} else if _, err := s.ApplyImport(ctx, again, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(v1, importState(ctx, t, s)); diff != "" {
				t.Errorf("importing the same list twice changed (-first +second):\n%s", diff)
			}

			// Someone claims A2; a new version of the list changes its kind.
			claimed, _ := s.Profile(ctx, "i.A2")
			claimed.OwnerID = 9
			if _, err := s.SaveProfile(ctx, claimed); err != nil {
				t.Fatal(err)
			}
			v1claimed := importState(ctx, t, s)
			pl2 := importList(ctx, t, s, listV2, t0.Add(2*time.Hour))
			if pl2.New != 1 || pl2.Updated != 2 || pl2.KindChanged != 1 {
				t.Fatalf("plan 2 = %+v", pl2)
			}
			if _, err := s.ApplyImport(ctx, pl2, t0.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if p, _ := s.Profile(ctx, "i.A2"); p.OwnerID != 9 {
				t.Errorf("the import took over a claimed profile: owner %d", p.OwnerID)
			}

			res, err := s.UndoLastImport(ctx)
			if err != nil || res.Removed != 1 || res.Restored != 2 || len(res.Kept) != 0 {
				t.Fatalf("undo = %+v, %v", res, err)
			}
			if diff := cmp.Diff(v1claimed, importState(ctx, t, s)); diff != "" {
				t.Errorf("undo did not restore the state (-before +after):\n%s", diff)
			}

			// Undoing the first import leaves the claimed profile to its owner.
			res, err = s.UndoLastImport(ctx)
			if err != nil || res.Removed != 1 || !cmp.Equal(res.Kept, []string{"i.A2"}) {
				t.Fatalf("undo = %+v, %v", res, err)
			}
			if p, err := s.Profile(ctx, "i.A2"); err != nil || p.OwnerID != 9 {
				t.Errorf("claimed profile after undo = %+v, %v", p, err)
			}
			if _, err := s.Profile(ctx, "i.p1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("i.p1 after undo: %v", err)
			}
			if got, _ := s.Profile(ctx, chatID); !cmp.Equal(mine, got) {
				t.Errorf("the chat profile changed: %+v", got)
			}
			if _, err := s.UndoLastImport(ctx); !errors.Is(err, ErrNotFound) {
				t.Errorf("third undo: %v", err)
			}

			// Deleting an imported profile deletes the list's contact too.
			if _, err := s.ApplyImport(ctx, importList(ctx, t, s, listV1, t0), t0); err != nil {
				t.Fatal(err)
			}
			p, _ := s.Profile(ctx, "i.p1")
			if err := s.DeleteProfile(ctx, p); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Contact(ctx, "i.p1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("contact after delete: %v", err)
			}

			// An import never writes outside its namespace.
			bad := dataset.Plan{List: "x", Rows: []dataset.Row{{Profile: mine}}}
			if _, err := s.ApplyImport(ctx, bad, t0); !errors.Is(err, ErrNotImportID) {
				t.Errorf("apply over a chat profile: %v", err)
			}
		})
	}
}

// TestIDNamespaces: ids the bot gives profiles published in chat are
// never in the import namespace.
func TestIDNamespaces(t *testing.T) {
	b := backends(t)[0]
	ctx := context.Background()
	s := New(b.rdb, testPrefix(t, b.rdb))
	for range 2000 {
		id, err := s.NewProfileID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if dataset.IsImportID(id) || strings.Contains(id, ".") || !dataset.IsChatID(id) {
			t.Fatalf("chat id %q is in the import namespace", id)
		}
	}
}
