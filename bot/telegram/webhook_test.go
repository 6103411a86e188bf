package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

const testSecret = "s3cret-token_1"

// replica is one bot process in webhook mode, on a shared store.
type replica struct {
	tele *Bot
	srv  *httptest.Server
}

// startReplicas starts n webhook replicas on one store and one fake Bot
// API server, stopped when the test ends.
func startReplicas(t *testing.T, n int) (*tgfake.Server, []replica, *store.Store) {
	t.Helper()
	return startReplicasWith(t, n, 0, nil)
}

// startReplicasWith is startReplicas with leases of ttl (0: the default)
// and users recorded through users (nil: the store).
func startReplicasWith(t *testing.T, n int, ttl time.Duration, users bot.UserToucher) (*tgfake.Server, []replica, *store.Store) {
	t.Helper()
	fake := tgfake.New(t)
	e, st := testEngine(t)
	if users == nil {
		users = st
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var reps []replica
	for i := range n {
		tele, err := New(ctx, Options{
			Token: fake.Token(), APIURL: fake.URL(), PollTimeout: 2 * time.Second,
			HTTPClient: &http.Client{Timeout: 5 * time.Second}, ShutdownGrace: 5 * time.Second,
			WebhookURL: "https://bot.example/telegram", WebhookSecret: testSecret,
			Inbox: st, Leases: st, LeaseTTL: ttl, Replica: fmt.Sprintf("replica-%d", i),
		}, e, st, users, log)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		e.SetMessenger(bot.DirectMessenger{Sender: tele})
		srv := httptest.NewServer(tele.WebhookHandler())
		t.Cleanup(srv.Close)
		reps = append(reps, replica{tele, srv})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := tele.RunWebhook(ctx); err != nil {
				t.Errorf("RunWebhook: %v", err)
			}
		}()
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return fake, reps, st
}

func post(t *testing.T, url, secret string, u models.Update) int {
	t.Helper()
	b, _ := json.Marshal(u)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func textUpdate(id, chat int64, text string) models.Update {
	m := &models.Message{ID: int(id), Date: 1700000000, Chat: models.Chat{ID: chat, Type: "private"},
		From: &models.User{ID: chat, FirstName: "U"}, Text: text}
	if strings.HasPrefix(text, "/") {
		m.Entities = []models.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(strings.Fields(text)[0])}}
	}
	return models.Update{ID: id, Message: m}
}

func TestWebhookSecretAndRegistration(t *testing.T) {
	fake, reps, _ := startReplicas(t, 1)
	c := fake.WaitFor(t, wait, func(c tgfake.Call) bool { return c.Method == "setWebhook" })
	if c.Params["secret_token"] != testSecret || c.Params["url"] != "https://bot.example/telegram" {
		t.Errorf("setWebhook params = %v", c.Params)
	}
	url := reps[0].srv.URL
	for _, secret := range []string{"", "wrong", testSecret + "x"} {
		if code := post(t, url, secret, textUpdate(1, 77, "/start")); code != http.StatusUnauthorized {
			t.Errorf("secret %q: status %d, want 401", secret, code)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.Messages(77)); n != 0 {
		t.Errorf("an unauthorized call made the bot send %d messages", n)
	}
	if code := post(t, url, testSecret, textUpdate(2, 77, "/start")); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	fake.WaitFor(t, wait, func(tgfake.Call) bool { return len(fake.Messages(77)) >= 2 })
}

// TestWebhookReplicasHandleEachUpdateOnce delivers every update twice,
// to two replicas, sequentially and concurrently: each is handled once,
// and each chat's updates in order.
func TestWebhookReplicasHandleEachUpdateOnce(t *testing.T) {
	fake, reps, _ := startReplicas(t, 2)
	const chats = 12
	var wg sync.WaitGroup
	id := int64(100)
	for chat := int64(1); chat <= chats; chat++ {
		u1 := textUpdate(id, 1000+chat, "/start")
		u2 := textUpdate(id+1, 1000+chat, "/help")
		id += 2
		for _, u := range []models.Update{u1, u2} {
			// Sequentially to one replica, then concurrently to both.
			if code := post(t, reps[0].srv.URL, testSecret, u); code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			for _, r := range reps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					post(t, r.srv.URL, testSecret, u)
				}()
			}
			wg.Wait()
		}
	}
	for chat := int64(1); chat <= chats; chat++ {
		c := 1000 + chat
		fake.WaitFor(t, wait, func(tgfake.Call) bool {
			msgs := fake.Messages(c)
			return len(msgs) > 0 && strings.Contains(msgs[len(msgs)-1].Text, "/new")
		})
	}
	time.Sleep(500 * time.Millisecond) // room for a duplicate to show up
	for chat := int64(1); chat <= chats; chat++ {
		var welcome, help int
		order := ""
		for _, m := range fake.Messages(1000 + chat) {
			switch {
			case strings.Contains(m.Text, "Welcome"):
				welcome++
				order += "w"
			case strings.Contains(m.Text, "/new"):
				help++
				order += "h"
			}
		}
		if welcome != 1 || help != 1 || order != "wh" {
			t.Errorf("chat %d: welcome %d, help %d, order %q; want each once, welcome first", 1000+chat, welcome, help, order)
		}
	}
}

// slowUsers records users through next, and takes hold long over the
// user of chat slow: an update of that chat outlasts the leases.
type slowUsers struct {
	next  bot.UserToucher
	slow  int64
	hold  time.Duration
	mu    sync.Mutex
	calls int
}

func (s *slowUsers) TouchUser(ctx context.Context, u store.User) error {
	if u.ID == s.slow {
		s.mu.Lock()
		s.calls++
		s.mu.Unlock()
		select {
		case <-time.After(s.hold):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.next.TouchUser(ctx, u)
}

// TestWebhookSlowUpdateHandledOnce: with two replicas, an update that
// runs several lease lifetimes is handled once: its replica renews the
// shard's lease while it runs, so the other never takes the entry over.
func TestWebhookSlowUpdateHandledOnce(t *testing.T) {
	// Above the embedded server's clock tick (1 s), at which its keys
	// age, so that only a missed renewal can expire the lease.
	const ttl = 2 * time.Second
	const chat = 5151
	users := &slowUsers{slow: chat, hold: 2 * ttl}
	fake, reps, st := startReplicasWith(t, 2, ttl, users)
	users.next = st
	fake.WaitFor(t, wait, func(c tgfake.Call) bool { return c.Method == "setWebhook" })
	if code := post(t, reps[0].srv.URL, testSecret, textUpdate(900, chat, "/start")); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	fake.WaitFor(t, wait, func(tgfake.Call) bool { return len(fake.Messages(chat)) > 0 })
	time.Sleep(ttl) // room for a second handling to show up
	users.mu.Lock()
	calls := users.calls
	users.mu.Unlock()
	welcomes := 0
	for _, m := range fake.Messages(chat) {
		if strings.Contains(m.Text, "Welcome") {
			welcomes++
		}
	}
	if calls != 1 || welcomes != 1 {
		t.Errorf("the slow update was handled %d times and answered %d times, want once", calls, welcomes)
	}
}

func TestWebhookAnswers503WhenStoreIsDown(t *testing.T) {
	fake := tgfake.New(t)
	e, _ := testEngine(t)
	down := storetest.Down(t)
	tele, err := New(context.Background(), Options{Token: fake.Token(), APIURL: fake.URL(),
		WebhookSecret: testSecret, Inbox: down, Leases: down}, e, down, down, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tele.WebhookHandler())
	defer srv.Close()
	if code := post(t, srv.URL, testSecret, textUpdate(5, 9, "/start")); code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503 so Telegram retries", code)
	}
}

func TestSecondPollerRefused(t *testing.T) {
	fake := tgfake.New(t)
	e, st := testEngine(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ok, err := st.Lease(context.Background(), pollerLease, "someone-else", time.Minute)
	if err != nil || !ok {
		t.Fatal(err)
	}
	tele, err := New(context.Background(), Options{Token: fake.Token(), APIURL: fake.URL(),
		PollTimeout: 2 * time.Second, Leases: st, Replica: "me"}, e, st, st, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = tele.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "someone-else") || !strings.Contains(err.Error(), "webhook") {
		t.Errorf("second poller: %v; want a refusal naming the holder and webhook mode", err)
	}
	if n := len(fake.CallsTo("getUpdates")); n != 0 {
		t.Errorf("the refused poller polled %d times", n)
	}
}
