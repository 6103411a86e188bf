package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store"
)

// TestMain lets the test binary run as duijie itself, so a test can
// start the real program as a child process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("DUIJIE_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// startServe runs `duijie serve` as a child process.
func startServe(t *testing.T, env []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve")
	cmd.Env = append(os.Environ(), append(env, "DUIJIE_TEST_AS_MAIN=1")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

// TestNotificationsSurviveSIGKILL queues notifications, kills `duijie
// serve` with SIGKILL while it sends them, and starts it again: every
// notification reaches its chat, none twice. (A request cut off in
// flight cannot be known delivered or not; such a notification is not
// sent again but listed as a dead letter, so it is never lost unseen.)
func TestNotificationsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the program twice and waits for paced sends")
	}
	const n = 90
	fake := tgfake.New(t)
	// The embedded server counts TTLs down (the send locks of the killed
	// process must expire), unlike a bare test server.
	emb, err := store.StartEmbedded(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	rdb := emb.Client()
	defer rdb.Close()
	st := store.New(rdb, "")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i := range n {
		if _, err := st.Enqueue(ctx, store.Notification{To: int64(10_000 + i), Key: fmt.Sprintf("k%d", i), Text: fmt.Sprintf("notice %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"TELEGRAM_BOT_TOKEN=" + fake.Token(), "TELEGRAM_API_URL=" + fake.URL(), "REDIS_URL=redis://" + emb.Addr(),
		"DUIJIE_REPLICA=replica-1", "LOG_LEVEL=error", "TELEGRAM_POLL_TIMEOUT=2s", "METRICS_ADDR=off"}
	delivered := func() map[string]int {
		per := map[string]int{}
		for _, c := range fake.CallsTo("sendMessage") {
			if id, _ := strconv.Atoi(c.Params["chat_id"]); id >= 10_000 && c.OK() {
				per[c.Params["chat_id"]]++
			}
		}
		return per
	}

	first := startServe(t, env)
	fake.WaitFor(t, time.Minute, func(tgfake.Call) bool { return len(delivered()) >= n/3 })
	first.Process.Kill() // SIGKILL: no shutdown, no chance to record anything
	first.Wait()
	killedAt := len(delivered())
	if killedAt >= n {
		t.Fatalf("all %d sent before the kill; the test did not interrupt anything", n)
	}

	startServe(t, env)
	dead := func() int {
		ds, err := st.DeadLetters(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return len(ds)
	}
	// A send cut off by the kill is in doubt until its lock expires, then
	// dead-lettered: give it that long.
	fake.WaitFor(t, 2*time.Minute, func(tgfake.Call) bool { return len(delivered())+dead() >= n })
	time.Sleep(time.Second) // room for a duplicate to show

	per := delivered()
	for chat, k := range per {
		if k != 1 {
			t.Errorf("chat %s got %d notices, want 1", chat, k)
		}
	}
	ds, _ := st.DeadLetters(ctx, 1000)
	for _, d := range ds {
		if !strings.Contains(d.Reason, "doubt") {
			t.Errorf("dead letter %s for a reason other than doubt: %s", d.Key, d.Reason)
		}
		if per[strconv.FormatInt(d.To, 10)] > 0 {
			t.Logf("in-doubt notice %s did arrive before the kill", d.Key)
		}
	}
	if len(per)+len(ds) < n {
		t.Errorf("%d delivered + %d in doubt < %d queued: some were lost", len(per), len(ds), n)
	}
	t.Logf("killed after %d sends; %d delivered once in all, %d in doubt", killedAt, len(per), len(ds))
}
