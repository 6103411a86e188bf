package prompts_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/prompts"
	"github.com/duijie/duijie/prompts/llmfake"
	"github.com/duijie/duijie/prompts/openaiapi"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

// testLog sends logs to t.Log.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// clock is a settable clock for the breaker and the caps.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is the real go-openai client against a fake server, with the
// sleeps of the backoff recorded instead of slept.
type harness struct {
	fake   *llmfake.Server
	an     *prompts.Analyzer
	guard  *prompts.Guard
	clock  *clock
	mu     sync.Mutex
	sleeps []time.Duration
}

type setup struct {
	guard    prompts.GuardOptions
	analyzer prompts.AnalyzerOptions
	cache    prompts.Cache
	caps     prompts.Caps
}

func newHarness(t *testing.T, s setup) *harness {
	t.Helper()
	h := &harness{fake: llmfake.New(t), clock: &clock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}}
	g := s.guard
	if g.Timeout == 0 {
		g.Timeout = 2 * time.Second
	}
	g.Now = h.clock.Now
	g.Jitter = func() float64 { return 0.5 }
	g.Sleep = func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.sleeps = append(h.sleeps, d)
		return ctx.Err()
	}
	log := testLog(t)
	h.guard = prompts.NewGuard(g, log)
	opt := s.analyzer
	if opt.Model == "" {
		opt.Model = "test-model"
	}
	if opt.Budget == 0 {
		opt.Budget = 10 * time.Second
	}
	opt.Now = h.clock.Now
	client := openaiapi.New(openaiapi.Config{APIKey: "sk-test", BaseURL: h.fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	h.an = prompts.NewAnalyzer(client, h.guard, matcher.Default(), s.cache, s.caps, opt, log)
	return h
}

func (h *harness) analyze(t *testing.T, kind matcher.Kind, lang matcher.Lang, text, user string) matcher.Analysis {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, err := h.an.Analyze(ctx, matcher.AnalysisRequest{Kind: kind, Lang: lang, Text: text, User: user})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	if err := a.Validate(matcher.Default()); err != nil {
		t.Errorf("the analysis does not pass validation: %v", err)
	}
	return a
}

const stripNeed = "我们厂生产冷轧钢带，表面有划痕和压痕，生产线速度每分钟300米，质检工人根本看不过来，漏检导致客户退货。"

// goodAnswer is a valid answer for stripNeed.
func goodAnswer() map[string]any {
	return map[string]any{
		"title":       "冷轧带钢表面缺陷在线检测",
		"summary":     "冷轧钢带生产线需要在线检测表面划痕和压痕，替代人工目检，减少漏检和客户退货。",
		"statement":   "On-line surface defect inspection of cold-rolled steel strip at production line speed (300 m/min), replacing manual visual inspection.",
		"domains":     []string{"manufacturing", "ai"},
		"concepts_en": []string{"surface defect detection", "machine vision"},
		"concepts_zh": []string{"表面缺陷检测", "机器视觉"},
		"keywords_en": []string{"cold-rolled strip", "scratches"},
		"keywords_zh": []string{"冷轧带钢", "划痕"},
		"trl":         0,
		"ip":          "unknown",
		"modes":       []string{},
		"region":      "",
		"budget":      "",
		"deadline":    "",
		"missing":     []string{"trl", "region", "budget", "deadline"},
		"remarks":     []string{"benefit_unquantified"},
	}
}

func encode(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func with(change func(m map[string]any)) string {
	m := goodAnswer()
	change(m)
	return encode(m)
}

var good = llmfake.Reply{Content: encode(goodAnswer())}

// TestFailures runs one description against each odd reply a server can
// give and checks what the user ends up with and how many calls it took.
func TestFailures(t *testing.T) {
	huge := `{"title":"` + strings.Repeat("划痕", 25_000) + `"}`
	for _, tc := range []struct {
		name       string
		replies    []llmfake.Reply
		setup      setup
		calls      int
		fromModel  bool           // the analysis is the model's, else offline
		notice     matcher.Notice // what the user is told
		sleeps     int            // backoff waits
		reaskHas   string         // the re-ask (second call's last message) contains this
		formatSeen []string
	}{
		{name: "valid", replies: []llmfake.Reply{good}, calls: 1, fromModel: true},
		{name: "invalid JSON, then valid", replies: []llmfake.Reply{{Content: `{"title": "冷轧`}, good},
			calls: 2, fromModel: true, reaskHas: "not valid JSON"},
		{name: "invalid JSON twice", replies: []llmfake.Reply{{Content: "I think this is about steel."}, {Content: "{]"}},
			calls: 2, notice: matcher.NoticeClarify},
		{name: "truncated, then valid", replies: []llmfake.Reply{{Content: encode(goodAnswer())[:80], FinishReason: "length"}, good},
			calls: 2, fromModel: true, reaskHas: "cut off"},
		{name: "wrong types, then valid", replies: []llmfake.Reply{{Content: with(func(m map[string]any) { m["trl"] = "six"; m["domains"] = "ai" })}, good},
			calls: 2, fromModel: true, reaskHas: "must be"},
		{name: "unknown codes, then valid", replies: []llmfake.Reply{{Content: with(func(m map[string]any) { m["domains"] = []string{"robotics"}; m["modes"] = []string{"partnership"} })}, good},
			calls: 2, fromModel: true, reaskHas: `domain "robotics" is not one of the domain codes`},
		{name: "extra fields are ignored", replies: []llmfake.Reply{{Content: with(func(m map[string]any) { m["score"] = 10; m["contact"] = "+86 138 0013 8000" })}},
			calls: 1, fromModel: true},
		{name: "code fences and reasoning", replies: []llmfake.Reply{{Content: "<think>The user has strip defects.</think>\n```json\n" + encode(goodAnswer()) + "\n```"}},
			calls: 1, fromModel: true},
		{name: "contacts in the answer, twice", replies: []llmfake.Reply{
			{Content: with(func(m map[string]any) { m["summary"] = "请联系 13800138000 或访问 https://example.com" })},
			{Content: with(func(m map[string]any) { m["title"] = "write to boss@example.com" })}},
			calls: 2, notice: matcher.NoticeClarify, reaskHas: "summary contains a URL"},
		{name: "statement not in English, then valid", replies: []llmfake.Reply{{Content: with(func(m map[string]any) { m["statement"] = "冷轧带钢表面缺陷在线检测" })}, good},
			calls: 2, fromModel: true, reaskHas: "statement must be in English"},
		{name: "refusal", replies: []llmfake.Reply{{Refusal: "I can't help with that."}}, calls: 1, notice: matcher.NoticeClarify},
		{name: "content filter", replies: []llmfake.Reply{{Content: "", FinishReason: "content_filter"}}, calls: 1, notice: matcher.NoticeClarify},
		{name: "50 KB answer twice", replies: []llmfake.Reply{{Content: huge}, {Content: huge}}, calls: 2, notice: matcher.NoticeClarify},
		{name: "50 KB answer, then valid", replies: []llmfake.Reply{{Content: huge}, good}, calls: 2, fromModel: true, reaskHas: "bytes long"},
		{name: "429 then success", replies: []llmfake.Reply{llmfake.Error(429, "Rate limit reached", ""), good},
			calls: 2, fromModel: true, sleeps: 1},
		{name: "500 every time", replies: []llmfake.Reply{llmfake.Error(500, "oops", ""), llmfake.Error(502, "bad gateway", ""), llmfake.Error(503, "overloaded", "")},
			calls: 3, sleeps: 2},
		{name: "500 then success", replies: []llmfake.Reply{llmfake.Error(500, "oops", ""), good}, calls: 2, fromModel: true, sleeps: 1},
		{name: "hang past the deadline", replies: []llmfake.Reply{{Hang: true}, {Hang: true}, {Hang: true}},
			setup: setup{guard: prompts.GuardOptions{Timeout: 150 * time.Millisecond}}, calls: 3, sleeps: 2},
		{name: "400 is not retried", replies: []llmfake.Reply{llmfake.Error(400, "bad request", "messages")}, calls: 1},
		{name: "401 is not retried", replies: []llmfake.Reply{llmfake.Error(401, "Incorrect API key provided", "")}, calls: 1},
		{name: "404 is not retried", replies: []llmfake.Reply{llmfake.Error(404, "The model does not exist", "model")}, calls: 1},
		{name: "unreadable body", replies: []llmfake.Reply{{Body: "<html>gateway</html>"}}, calls: 1},
		{name: "error body not JSON", replies: []llmfake.Reply{{Status: 503, Body: "upstream connect error"}, good}, calls: 2, fromModel: true, sleeps: 1},
		{name: "json_schema rejected: JSON mode", replies: []llmfake.Reply{llmfake.Error(400, "This response_format type is unavailable now", "response_format"), good},
			calls: 2, fromModel: true, formatSeen: []string{"json_schema", "json_object"}},
		{name: "JSON mode rejected too: plain text", replies: []llmfake.Reply{
			llmfake.Error(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", "response_format"),
			llmfake.Error(422, "response_format.type: Input should be 'text'", ""), good},
			calls: 3, fromModel: true, formatSeen: []string{"json_schema", "json_object", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.setup)
			h.fake.Push(tc.replies...)
			start := time.Now()
			a := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1")
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			calls := h.fake.ChatCalls()
			if len(calls) != tc.calls {
				t.Errorf("%d calls, want %d", len(calls), tc.calls)
			}
			if got := a.PromptVersion != ""; got != tc.fromModel {
				t.Errorf("from model = %v, want %v (analysis %+v)", got, tc.fromModel, a)
			}
			if a.Notice != tc.notice {
				t.Errorf("notice = %q, want %q", a.Notice, tc.notice)
			}
			if len(h.sleeps) != tc.sleeps {
				t.Errorf("%d backoff waits (%v), want %d", len(h.sleeps), h.sleeps, tc.sleeps)
			}
			if tc.fromModel {
				if a.Statement == "" || a.Title != "冷轧带钢表面缺陷在线检测" {
					t.Errorf("analysis lacks the model's reading: %+v", a)
				}
				if !contains(a.Concepts, "surface-defect-inspection") && len(a.Concepts) == 0 {
					t.Errorf("no concepts found in the model's terms: %v", a.Concepts)
				}
			} else if a.Title == "" {
				t.Errorf("offline analysis without a title: %+v", a)
			}
			if tc.reaskHas != "" {
				if len(calls) < 2 {
					t.Fatal("no re-ask")
				}
				msgs := calls[1].Messages
				if last := msgs[len(msgs)-1]; last.Role != "user" || !strings.Contains(last.Content, tc.reaskHas) {
					t.Errorf("re-ask %q lacks %q", last.Content, tc.reaskHas)
				}
			}
			if tc.formatSeen != nil {
				var seen []string
				for _, c := range calls {
					seen = append(seen, c.Format)
				}
				if diff := cmp.Diff(tc.formatSeen, seen); diff != "" {
					t.Errorf("response formats (-want +got):\n%s", diff)
				}
				if last := calls[len(calls)-1]; !strings.Contains(last.System(), `"additionalProperties":false`) {
					t.Errorf("the schema is not in the prompt of JSON mode:\n%s", last.System())
				}
			}
			for _, f := range []string{a.Title, a.Summary, a.Statement, a.Region, a.Budget, a.Deadline} {
				if k, ok := matcher.FindContact(f); ok {
					t.Errorf("analysis carries %s: %q", k, f)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestFormatFallbackSticks: once a server rejected json_schema, later
// analyses ask in JSON mode straight away.
func TestFormatFallbackSticks(t *testing.T) {
	h := newHarness(t, setup{})
	h.fake.RejectSchema = true
	h.fake.Chat = func(llmfake.Call) llmfake.Reply { return good }
	h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1")
	h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed+"还有压痕。", "u1")
	var formats []string
	for _, c := range h.fake.ChatCalls() {
		formats = append(formats, c.Format)
	}
	if diff := cmp.Diff([]string{"json_schema", "json_object", "json_object"}, formats); diff != "" {
		t.Errorf("formats (-want +got):\n%s", diff)
	}
}

// TestRequestShape checks what goes over the wire: the model, the strict
// schema, the key, a token limit, and the description only as data.
func TestRequestShape(t *testing.T) {
	h := newHarness(t, setup{analyzer: prompts.AnalyzerOptions{Model: "qwen-plus"}})
	h.fake.Push(good)
	h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed+" 联系我：13912345678，微信 zhang_san88，@zhangsan_factory", "u1")
	c := h.fake.ChatCalls()[0]
	var body struct {
		Model          string `json:"model"`
		MaxTokens      int    `json:"max_tokens"`
		ResponseFormat struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name   string          `json:"name"`
				Strict bool            `json:"strict"`
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Model != "qwen-plus" || body.MaxTokens != prompts.DefaultMaxTokens || !body.ResponseFormat.JSONSchema.Strict ||
		body.ResponseFormat.JSONSchema.Name != prompts.SchemaName || len(body.ResponseFormat.JSONSchema.Schema) < 100 {
		t.Errorf("request = %s", c.Body)
	}
	if got := c.Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization = %q", got)
	}
	if len(c.Messages) != 2 || c.Messages[0].Role != "system" || c.Messages[1].Role != "user" {
		t.Fatalf("messages = %+v", c.Messages)
	}
	if strings.Contains(c.System(), "钢带") {
		t.Error("the description leaked into the system message")
	}
	for _, secret := range []string{"13912345678", "zhang_san88", "zhangsan_factory"} {
		if strings.Contains(string(c.Body), secret) {
			t.Errorf("request carries %q", secret)
		}
	}
}

// TestBreaker: after repeated failures the server is left alone and the
// offline reading is used at once; after the cooldown one probe goes out,
// and a good answer closes the breaker.
func TestBreaker(t *testing.T) {
	h := newHarness(t, setup{guard: prompts.GuardOptions{Attempts: 1, BreakerFailures: 2, BreakerCooldown: time.Minute}})
	h.fake.Push(llmfake.Error(503, "down", ""), llmfake.Error(503, "down", ""), llmfake.Error(503, "still down", ""))
	calls := func() int { return len(h.fake.ChatCalls()) }
	for i, want := range []int{1, 2, 2} {
		a := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1")
		if a.PromptVersion != "" || a.Notice != "" || calls() != want {
			t.Fatalf("analysis %d: from model %v, notice %q, %d calls; want offline, silent, %d calls", i+1, a.PromptVersion != "", a.Notice, calls(), want)
		}
	}
	h.clock.Advance(time.Minute)
	h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1") // the probe fails
	if calls() != 3 {
		t.Fatalf("%d calls after the first probe, want 3", calls())
	}
	h.clock.Advance(time.Minute) // the cooldown doubled
	h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1")
	if calls() != 3 {
		t.Fatalf("%d calls before the doubled cooldown ended, want 3", calls())
	}
	h.clock.Advance(time.Minute)
	h.fake.Push(good, good)
	if a := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1"); a.PromptVersion == "" {
		t.Fatal("the probe's good answer was not used")
	}
	if a := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed+"！", "u1"); a.PromptVersion == "" || calls() != 5 {
		t.Fatalf("breaker not closed after a good probe: %d calls", calls())
	}
}

// redisStore is the store for the cache and caps: on the test Redis
// when one is given, else embedded.
func redisStore(t *testing.T) *store.Store {
	t.Helper()
	st, _ := storetest.New(t)
	return st
}

// TestCache: the same text twice makes one call; another model, another
// kind or another text makes its own.
func TestCache(t *testing.T) {
	st := redisStore(t)
	h := newHarness(t, setup{cache: st})
	h.fake.Chat = func(llmfake.Call) llmfake.Reply { return good }
	first := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1")
	again := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u2")
	if n := len(h.fake.ChatCalls()); n != 1 {
		t.Errorf("%d calls for the same text twice, want 1", n)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("cached analysis differs (-first +again):\n%s", diff)
	}
	h.analyze(t, matcher.KindOffer, matcher.LangZH, stripNeed, "u1")
	h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed+"另外还有边裂。", "u1")
	if n := len(h.fake.ChatCalls()); n != 3 {
		t.Errorf("%d calls, want 3 (another kind and another text are not the same question)", n)
	}
	// Unusable answers are not cached.
	h2 := newHarness(t, setup{cache: st, analyzer: prompts.AnalyzerOptions{Model: "other-model"}})
	h2.fake.Push(llmfake.Reply{Content: "no"}, llmfake.Reply{Content: "no"}, good)
	h2.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1")
	if a := h2.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed, "u1"); a.PromptVersion == "" || len(h2.fake.ChatCalls()) != 3 {
		t.Errorf("after an unusable answer: from model %v, %d calls; want a fresh call", a.PromptVersion != "", len(h2.fake.ChatCalls()))
	}
}

// TestCaps: a user over the daily cap gets the offline reading and a
// notice, without a call; others go on until the global cap; the next
// day counts afresh.
func TestCaps(t *testing.T) {
	st := redisStore(t)
	h := newHarness(t, setup{caps: st, analyzer: prompts.AnalyzerOptions{UserCap: 2, GlobalCap: 3}})
	h.fake.Chat = func(llmfake.Call) llmfake.Reply { return good }
	type res struct {
		Model  bool
		Notice matcher.Notice
	}
	var got []res
	for i, user := range []string{"u1", "u1", "u1", "u2", "u2"} {
		a := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed+strings.Repeat("。", i), user)
		got = append(got, res{a.PromptVersion != "", a.Notice})
	}
	want := []res{{true, ""}, {true, ""}, {false, matcher.NoticeCapReached}, {true, ""}, {false, ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("analyses (-want +got):\n%s", diff)
	}
	if n := len(h.fake.ChatCalls()); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
	h.clock.Advance(24 * time.Hour)
	if a := h.analyze(t, matcher.KindNeed, matcher.LangZH, stripNeed+"？", "u1"); a.PromptVersion == "" {
		t.Error("the next day's first call was refused")
	}
}

func TestEmbeddings(t *testing.T) {
	fake := llmfake.New(t)
	guard := prompts.NewGuard(prompts.GuardOptions{Timeout: 2 * time.Second}, testLog(t))
	emb := prompts.NewEmbeddings(openaiapi.New(openaiapi.Config{BaseURL: fake.URL()}), guard, "bge-m3", 2, testLog(t))
	texts := []string{"laser cladding", "激光熔覆 联系 13800138000", "vibration sensors", "振动传感器", ""}
	vs, err := emb.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	calls := fake.EmbedCalls()
	if len(calls) != 3 {
		t.Errorf("%d embedding requests for 5 texts in batches of 2, want 3", len(calls))
	}
	var sent []string
	for _, c := range calls {
		if c.Model != "bge-m3" {
			t.Errorf("model %q", c.Model)
		}
		if c.Header.Get("Authorization") != "" {
			t.Error("an empty key sent an Authorization header")
		}
		sent = append(sent, c.Input...)
	}
	want := []string{"laser cladding", "激光熔覆 联系 [removed]", "vibration sensors", "振动传感器", "-"}
	if diff := cmp.Diff(want, sent); diff != "" {
		t.Errorf("texts sent (-want +got):\n%s", diff)
	}
	for i, v := range vs {
		if diff := cmp.Diff(llmfake.Vector(want[i]), v); diff != "" {
			t.Errorf("vector %d out of order (-want +got):\n%s", i, diff)
		}
	}
	fake.EmbedFail = 500
	if _, err := emb.Embed(context.Background(), texts[:1]); err == nil {
		t.Error("a failing server gave no error")
	}
}
