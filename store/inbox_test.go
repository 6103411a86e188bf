package store

import (
	"context"
	"testing"
	"time"
)

func TestInbox(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			const chat = 4242
			shard := InboxShard(chat)
			for i, want := range []bool{true, false} {
				fresh, err := s.PushUpdate(ctx, chat, 7, []byte(`{"update_id":7}`))
				if err != nil || fresh != want {
					t.Fatalf("push %d = %v, %v; want %v", i, fresh, err, want)
				}
			}
			if _, err := s.PushUpdate(ctx, chat, 8, []byte(`{"update_id":8}`)); err != nil {
				t.Fatal(err)
			}
			if err := s.ClaimInbox(ctx, shard, "a", time.Minute); err != nil {
				t.Fatal(err)
			}
			got, err := s.ReadInbox(ctx, shard, "a", 1, 100*time.Millisecond, false)
			if err != nil || len(got) != 1 || string(got[0].Update) != `{"update_id":7}` {
				t.Fatalf("read = %q, %v", got, err)
			}
			// b takes the lease while a may still be alive: what a was handed
			// less than minIdle ago stays a's.
			if err := s.ClaimInbox(ctx, shard, "b", time.Hour); err != nil {
				t.Fatal(err)
			}
			if pend, err := s.ReadInbox(ctx, shard, "b", 10, 0, true); err != nil || len(pend) != 0 {
				t.Fatalf("b claimed an entry a got just now: %q, %v", pend, err)
			}
			// Consumer a dies before acking; once the entry has been idle
			// long enough b takes it over and gets update 7 again, then 8,
			// in order.
			time.Sleep(20 * time.Millisecond)
			if err := s.ClaimInbox(ctx, shard, "b", 10*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			pend, err := s.ReadInbox(ctx, shard, "b", 10, 0, true)
			if err != nil || len(pend) != 1 || string(pend[0].Update) != `{"update_id":7}` {
				t.Fatalf("pending after takeover = %q, %v", pend, err)
			}
			if err := s.AckInbox(ctx, shard, pend[0].ID); err != nil {
				t.Fatal(err)
			}
			next, err := s.ReadInbox(ctx, shard, "b", 10, 100*time.Millisecond, false)
			if err != nil || len(next) != 1 || string(next[0].Update) != `{"update_id":8}` {
				t.Fatalf("next = %q, %v", next, err)
			}
			s.AckInbox(ctx, shard, next[0].ID)
			if more, _ := s.ReadInbox(ctx, shard, "b", 10, 0, true); len(more) != 0 {
				t.Errorf("pending after acks = %q", more)
			}
		})
	}
}

func TestLease(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := New(b.rdb, testPrefix(t, b.rdb))
			if ok, err := s.Lease(ctx, "poller", "a", time.Minute); !ok || err != nil {
				t.Fatalf("a takes the lease: %v %v", ok, err)
			}
			if ok, _ := s.Lease(ctx, "poller", "b", time.Minute); ok {
				t.Error("b took a lease a holds")
			}
			if ok, _ := s.Lease(ctx, "poller", "a", time.Minute); !ok {
				t.Error("a could not renew its lease")
			}
			if h, _ := s.LeaseHolder(ctx, "poller"); h != "a" {
				t.Errorf("holder = %q", h)
			}
			s.ReleaseLease(ctx, "poller", "b") // not b's: nothing happens
			if h, _ := s.LeaseHolder(ctx, "poller"); h != "a" {
				t.Errorf("holder after a stranger's release = %q", h)
			}
			s.ReleaseLease(ctx, "poller", "a")
			if ok, _ := s.Lease(ctx, "poller", "b", time.Minute); !ok {
				t.Error("b could not take a released lease")
			}
		})
	}
}
