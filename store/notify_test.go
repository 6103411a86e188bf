package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// notifyCase runs a test of the outbox on every backend, with a fresh prefix.
func notifyCase(t *testing.T, run func(ctx context.Context, t *testing.T, s *Store, b backend)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			run(ctx, t, New(b.rdb, testPrefix(t, b.rdb)), b)
		})
	}
}

// expireAfter lets d pass for the keys with a TTL: the embedded server's
// clock is moved, a real server is waited for.
func expireAfter(t *testing.T, b backend, d time.Duration) {
	if b.expire != nil {
		b.expire(t, d)
		return
	}
	time.Sleep(d + 50*time.Millisecond)
}

func note(to int64, key string) Notification {
	return Notification{To: to, Key: key, Text: "New match for " + key,
		Buttons: [][]Button{{{Label: "Request intro", Data: "0:intro:" + key}}}}
}

func TestOutboxEnqueueOncePerPair(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		for i, want := range []bool{true, false} {
			queued, err := s.Enqueue(ctx, note(7, "p1>p2"))
			if err != nil || queued != want {
				t.Fatalf("enqueue %d = %v, %v; want %v", i, queued, err, want)
			}
		}
		if queued, err := s.Enqueue(ctx, note(8, "p1>p2")); !queued || err != nil {
			t.Fatalf("same key, other recipient = %v, %v", queued, err)
		}
		got, err := s.Claim(ctx, "a", 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []Delivery{{Deliveries: 1, Notification: note(7, "p1>p2")}, {Deliveries: 1, Notification: note(8, "p1>p2")}}
		if diff := cmp.Diff(want, got, ignoreIDs); diff != "" {
			t.Errorf("claimed (-want +got):\n%s", diff)
		}
		if more, _ := s.Claim(ctx, "b", 10, 0); len(more) != 0 {
			t.Errorf("a second consumer got claimed entries: %v", more)
		}
		// Sent or not, the pair is remembered.
		if err := s.BeginSend(ctx, got[0], "a", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.Sent(ctx, got[0], time.Now()); err != nil {
			t.Fatal(err)
		}
		if queued, _ := s.Enqueue(ctx, note(7, "p1>p2")); queued {
			t.Error("a sent pair was queued again")
		}
		if n, _ := s.Counter(ctx, CountNotificationsSent, time.Time{}); n != 1 {
			t.Errorf("sent counter = %d, want 1", n)
		}
		if n, _ := s.OutboxLen(ctx); n != 1 {
			t.Errorf("outbox length = %d, want 1 (the unsent one)", n)
		}
	})
}

func TestOutboxRejectsUnsendable(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		long := strings.Repeat("長", maxNotifyText+1)
		for _, n := range []Notification{
			{Key: "k", Text: "t"},
			{To: 1, Text: "t"},
			{To: 1, Key: "k"},
			{To: 1, Key: "k", Text: long},
			{To: 1, Key: "k", Text: "t", Buttons: [][]Button{{{Label: "x", Data: strings.Repeat("d", 65)}}}},
			{To: 1, Key: "k", Text: "t", Buttons: [][]Button{{{Label: "", Data: "d"}}}},
		} {
			if queued, err := s.Enqueue(ctx, n); err == nil || queued {
				t.Errorf("Enqueue(%+v) = %v, %v; want an error", n, queued, err)
			}
		}
	})
}

var ignoreIDs = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())

func TestOutboxSendStates(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		s.Enqueue(ctx, note(7, "p1>p2"))
		ds, err := s.Claim(ctx, "a", 1, 0)
		if err != nil || len(ds) != 1 {
			t.Fatalf("claim = %v, %v", ds, err)
		}
		d := ds[0]
		if err := s.BeginSend(ctx, d, "a", time.Minute); err != nil {
			t.Fatalf("begin = %v", err)
		}
		if err := s.BeginSend(ctx, d, "b", time.Minute); !errors.Is(err, ErrSendBusy) {
			t.Errorf("begin while a sends = %v, want ErrSendBusy", err)
		}
		// Telegram said no: a may try again, and so may b.
		if err := s.AbortSend(ctx, d, "b"); err != nil {
			t.Fatal(err)
		}
		if err := s.BeginSend(ctx, d, "b", time.Minute); !errors.Is(err, ErrSendBusy) {
			t.Errorf("b's abort of a's send undid it: begin = %v", err)
		}
		if err := s.AbortSend(ctx, d, "a"); err != nil {
			t.Fatal(err)
		}
		if err := s.BeginSend(ctx, d, "b", time.Minute); err != nil {
			t.Fatalf("begin after abort = %v", err)
		}
		if err := s.Sent(ctx, d, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.BeginSend(ctx, d, "a", time.Minute); !errors.Is(err, ErrAlreadySent) {
			t.Errorf("begin after sent = %v, want ErrAlreadySent", err)
		}
		if n, _ := s.OutboxLen(ctx); n != 0 {
			t.Errorf("outbox length after sent = %d", n)
		}
	})
}

func TestOutboxInDoubt(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		s.Enqueue(ctx, note(7, "p1>p2"))
		ds, _ := s.Claim(ctx, "a", 1, 0)
		if len(ds) != 1 {
			t.Fatalf("claimed %d", len(ds))
		}
		// a begins and dies before it learns whether Telegram took the message.
		if err := s.BeginSend(ctx, ds[0], "a", 200*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		expireAfter(t, b, 200*time.Millisecond)
		time.Sleep(60 * time.Millisecond)
		got, err := s.Reclaim(ctx, "b", 50*time.Millisecond, 10)
		if err != nil || len(got) != 1 {
			t.Fatalf("reclaim = %v, %v", got, err)
		}
		if got[0].Deliveries != 2 {
			t.Errorf("deliveries = %d, want 2", got[0].Deliveries)
		}
		if err := s.BeginSend(ctx, got[0], "b", time.Minute); !errors.Is(err, ErrInDoubt) {
			t.Fatalf("begin after a vanished = %v, want ErrInDoubt", err)
		}
		if err := s.DeadLetter(ctx, got[0], "in doubt"); err != nil {
			t.Fatal(err)
		}
		dead, err := s.DeadLetters(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []DeadLetter{{Entry: ds[0].ID, Deliveries: 2, Reason: "in doubt", Notification: note(7, "p1>p2")}}
		if diff := cmp.Diff(want, dead, ignoreIDs); diff != "" {
			t.Errorf("dead letters (-want +got):\n%s", diff)
		}
		if n, _ := s.OutboxLen(ctx); n != 0 {
			t.Errorf("outbox length = %d, want 0", n)
		}
		if more, _ := s.Reclaim(ctx, "c", 0, 10); len(more) != 0 {
			t.Errorf("a dead letter is still pending: %v", more)
		}
		if queued, _ := s.Enqueue(ctx, note(7, "p1>p2")); queued {
			t.Error("a dead-lettered pair was queued again")
		}
	})
}

func TestOutboxTakeover(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		for _, k := range []string{"k1", "k2", "k3"} {
			s.Enqueue(ctx, note(7, k))
		}
		if ds, _ := s.Claim(ctx, "a", 2, 0); len(ds) != 2 {
			t.Fatalf("a claimed %d", len(ds))
		}
		// a restarts under its name: its two entries come back first.
		mine, err := s.PendingOf(ctx, "a", 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(mine); !cmp.Equal(got, []string{"k1", "k2"}) {
			t.Errorf("pending of a = %v", got)
		}
		for _, d := range mine {
			if d.Deliveries != 2 {
				t.Errorf("%s: deliveries = %d, want 2", d.Key, d.Deliveries)
			}
		}
		// Not idle long enough: nothing moves.
		if got, _ := s.Reclaim(ctx, "b", time.Hour, 10); len(got) != 0 {
			t.Errorf("reclaimed busy entries: %v", keysOf(got))
		}
		time.Sleep(60 * time.Millisecond)
		// b takes a's entries over, one page at a time when asked for fewer.
		first, err := s.Reclaim(ctx, "b", 50*time.Millisecond, 1)
		if err != nil || len(first) != 1 {
			t.Fatalf("reclaim 1 = %v, %v", keysOf(first), err)
		}
		rest, _ := s.Reclaim(ctx, "b", 50*time.Millisecond, 10)
		if got := keysOf(append(first, rest...)); !cmp.Equal(got, []string{"k1", "k2"}) {
			t.Errorf("reclaimed = %v", got)
		}
		if got, _ := s.PendingOf(ctx, "a", 10); len(got) != 0 {
			t.Errorf("a still has %v", keysOf(got))
		}
		for _, d := range append(first, rest...) {
			if d.Deliveries != 3 {
				t.Errorf("%s: deliveries = %d, want 3", d.Key, d.Deliveries)
			}
			if err := s.Ack(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		last, _ := s.Claim(ctx, "b", 10, 50*time.Millisecond)
		if got := keysOf(last); !cmp.Equal(got, []string{"k3"}) {
			t.Errorf("new for b = %v", got)
		}
		if n, _ := s.OutboxLen(ctx); n != 1 {
			t.Errorf("outbox length = %d, want 1", n)
		}
	})
}

func TestOutboxKeepClaimed(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		s.Enqueue(ctx, note(7, "k1"))
		s.Enqueue(ctx, note(7, "k2"))
		ds, _ := s.Claim(ctx, "a", 2, 0)
		if len(ds) != 2 {
			t.Fatalf("claimed %d", len(ds))
		}
		// a works on k1 a long time and says so; k2 it forgot.
		for range 3 {
			time.Sleep(40 * time.Millisecond)
			if err := s.KeepClaimed(ctx, "a", []string{ds[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Reclaim(ctx, "b", 100*time.Millisecond, 10)
		if err != nil {
			t.Fatal(err)
		}
		if keys := keysOf(got); !cmp.Equal(keys, []string{"k2"}) {
			t.Fatalf("reclaimed %v, want [k2]", keys)
		}
		// Keeping k2, now b's, does not take it back; k1 was never counted again.
		if err := s.KeepClaimed(ctx, "a", []string{ds[0].ID, ds[1].ID}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(110 * time.Millisecond)
		again, _ := s.Reclaim(ctx, "c", 100*time.Millisecond, 10)
		deliveries := map[string]int64{}
		for _, d := range again {
			deliveries[d.Key] = d.Deliveries
		}
		if want := map[string]int64{"k1": 2, "k2": 3}; !cmp.Equal(deliveries, want) {
			t.Errorf("deliveries after c's reclaim = %v, want %v", deliveries, want)
		}
	})
}

func keysOf(ds []Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Key)
	}
	return out
}

func TestOutboxForgetRecipient(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		for _, k := range []string{"k1", "k2", "k3"} {
			s.Enqueue(ctx, note(7, k))
		}
		s.Enqueue(ctx, note(8, "k1"))
		ds, _ := s.Claim(ctx, "a", 2, 0) // 7's k1 and k2
		s.BeginSend(ctx, ds[0], "a", time.Minute)
		s.DeadLetter(ctx, ds[1], "rejected")
		if err := s.ForgetRecipient(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.OutboxLen(ctx); n != 1 {
			t.Errorf("outbox holds %d entries, want 1 (chat 8's)", n)
		}
		if dead, _ := s.DeadLetters(ctx, 10); len(dead) != 0 {
			t.Errorf("dead letters left: %+v", dead)
		}
		if got, _ := s.Reclaim(ctx, "b", 0, 10); len(got) != 0 {
			t.Errorf("pending left: %v", keysOf(got))
		}
		n, err := b.rdb.Exists(ctx, s.k.notifyPair(7, "k1"), s.k.notifyPair(7, "k3"), s.k.notifyLock(7, "k1")).Result()
		if err != nil || n != 0 {
			t.Errorf("%d keys of chat 7 left, %v", n, err)
		}
		if queued, _ := s.Enqueue(ctx, note(8, "k1")); queued {
			t.Error("chat 8's pair was forgotten")
		}
		next, _ := s.Claim(ctx, "b", 10, 0)
		if len(next) != 1 || next[0].To != 8 {
			t.Errorf("claim after forgetting = %+v", next)
		}
	})
}

func TestUnreachable(t *testing.T) {
	notifyCase(t, func(ctx context.Context, t *testing.T, s *Store, b backend) {
		if un, err := s.Unreachable(ctx, 7); un || err != nil {
			t.Fatalf("fresh chat unreachable = %v, %v", un, err)
		}
		if err := s.MarkUnreachable(ctx, 7, time.Now()); err != nil {
			t.Fatal(err)
		}
		if un, _ := s.Unreachable(ctx, 7); !un {
			t.Error("marked chat is reachable")
		}
		if un, _ := s.Unreachable(ctx, 8); un {
			t.Error("another chat is unreachable")
		}
		if err := s.ClearUnreachable(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if un, _ := s.Unreachable(ctx, 7); un {
			t.Error("cleared chat is unreachable")
		}
	})
}
