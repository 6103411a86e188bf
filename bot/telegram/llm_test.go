package telegram

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/prompts"
	"github.com/duijie/duijie/prompts/llmfake"
	"github.com/duijie/duijie/prompts/openaiapi"
	"github.com/duijie/duijie/store/storetest"
)

// TestNoIdentityInPrompts drives an intake over Telegram with the model
// analyzer and checks every request the model server received: no
// Telegram id, username or name of the user (even where the user typed
// their id or @username), and none of the contact details the user typed.
func TestNoIdentityInPrompts(t *testing.T) {
	fake := tgfake.New(t)
	llm := llmfake.New(t)
	llm.Chat = llmfake.Mirror
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, _ := storetest.New(t)
	client := openaiapi.New(openaiapi.Config{BaseURL: llm.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	guard := prompts.NewGuard(prompts.GuardOptions{Timeout: 300 * time.Millisecond, Sleep: func(context.Context, time.Duration) error { return nil }}, log)
	an := prompts.NewAnalyzer(client, guard, matcher.Default(), st, st, prompts.AnalyzerOptions{Model: "test-model", Now: func() time.Time { return fixedNow }}, log)
	e, _ := demoEngine(t, st, an, func(o *bot.Options, _ *matcher.Index) {
		o.Embedder = prompts.NewEmbeddings(client, guard, "test-embed", 0, log)
	})
	ctx, cancel := context.WithCancel(context.Background())
	tele, err := New(ctx, Options{
		Token: fake.Token(), APIURL: fake.URL(), PollTimeout: 2 * time.Second,
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, ShutdownGrace: 5 * time.Second,
	}, e, st, st, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := tele.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	const id = 918273645
	h := &tgHarness{t: t, fake: fake, chat: id, user: id}
	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	h.press("🏭 I have a technical need", "Describe your technical problem")
	h.say("I am @user918273645, chat 918273645. Our hydraulic piston rods rust within months near the sea.", "Add more")
	h.say("Call me on +86 139 1234 5678 or 13912345678, mail test.user@example.com, WeChat: testuser_918, see https://factory.example.com", "Add more")
	h.press("✅ Done", "Question 1 of")
	for range dialog.DefaultMaxQuestions {
		last, _ := h.fake.LastMessage(h.chat)
		if strings.Contains(last.Text, "please check") {
			break
		}
		h.press("Skip", "")
		h.fake.WaitFor(t, wait, func(tgfake.Call) bool {
			m, _ := h.fake.LastMessage(h.chat)
			return m.MessageID != last.MessageID
		})
	}
	h.press("📣 Publish", "Published")

	calls := llm.Calls()
	if len(llm.ChatCalls()) != 1 || len(llm.EmbedCalls()) != 1 {
		t.Fatalf("%d chat and %d embedding requests, want 1 and 1", len(llm.ChatCalls()), len(llm.EmbedCalls()))
	}
	for _, c := range calls {
		body := string(c.Body)
		var decoded any
		if err := json.Unmarshal(c.Body, &decoded); err == nil {
			b, _ := json.Marshal(decoded) // \u escapes undone
			body += string(b)
		}
		for _, secret := range []string{"918273645", "user918273645", "Test User", "139 1234 5678", "13912345678", "test.user@example.com", "testuser_918", "factory.example.com"} {
			if strings.Contains(body, secret) {
				t.Errorf("a request to %s carries %q", c.Path, secret)
			}
		}
		if !strings.Contains(body, "piston rods rust") {
			t.Errorf("a request to %s lacks the description", c.Path)
		}
	}
}
