package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/prompts"
	"github.com/duijie/duijie/prompts/llmfake"
	"github.com/duijie/duijie/prompts/openaiapi"
)

// llmEngine is testEngine with the model analyzer and embeddings on a
// fake OpenAI server behind the real go-openai client.
func llmEngine(t *testing.T, opt prompts.AnalyzerOptions) (*Engine, *llmfake.Server) {
	t.Helper()
	e, st := testEngine(t)
	fake := llmfake.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	client := openaiapi.New(openaiapi.Config{BaseURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	guard := prompts.NewGuard(prompts.GuardOptions{Timeout: 300 * time.Millisecond, Sleep: func(context.Context, time.Duration) error { return nil }}, log)
	if opt.Model == "" {
		opt.Model = "test-model"
	}
	opt.Now = func() time.Time { return fixedNow }
	e.interview.analyzer = prompts.NewAnalyzer(client, guard, matcher.Default(), st, st, opt, log)
	e.interview.embedder = prompts.NewEmbeddings(client, guard, "test-embed", 0, log)
	return e, fake
}

// TestTranscriptsThroughModel runs the golden conversations with the
// model analyzer and counts the calls: one chat completion per intake
// and one embedding per publish.
func TestTranscriptsThroughModel(t *testing.T) {
	files, _ := filepath.Glob("testdata/transcripts/*.txtar")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			_, sections := readTranscript(t, file)
			e, fake := llmEngine(t, prompts.AnalyzerOptions{})
			fake.Chat = llmfake.Mirror
			e.interview.ears = transcribing{t: echoTranscriber(t, fake), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			rec := &recorder{}
			counted := &countingAnalyzer{Analyzer: e.interview.analyzer}
			e.interview.analyzer = counted
			publishes := 0
			play(t, e, rec, sections["input"], clientOf(sections["client"]), func(b dialog.Button) {
				if b.Action == "pub" { // 📣 Publish
					publishes++
				}
			})
			intakes := counted.n
			got := rec.b.String()
			for _, want := range strings.Split(strings.TrimSpace(sections["expect"]), "\n") {
				if want != "" && !strings.Contains(got, want) {
					t.Errorf("transcript lacks %q:\n%s", want, got)
				}
			}
			chats, embeds := len(fake.ChatCalls()), len(fake.EmbedCalls())
			t.Logf("%d intakes: %d chat completions; %d publishes: %d embedding requests", intakes, chats, publishes, embeds)
			if chats != intakes || embeds != publishes {
				t.Errorf("%d chat completions for %d intakes and %d embedding requests for %d publishes, want one each", chats, intakes, embeds, publishes)
			}
		})
	}
}

// countingAnalyzer counts the descriptions the dialog asks to read.
type countingAnalyzer struct {
	Analyzer
	n int
}

func (c *countingAnalyzer) Analyze(ctx context.Context, req matcher.AnalysisRequest) (matcher.Analysis, error) {
	c.n++
	return c.Analyzer.Analyze(ctx, req)
}

// step sends one input to chat 100 and returns what the user saw.
func step(t *testing.T, e *Engine, rec *recorder, in dialog.Input) string {
	t.Helper()
	n := rec.b.Len()
	if _, err := e.Handle(context.Background(), Incoming{ChatID: 100, UserID: 100, Input: in}, rec); err != nil {
		t.Fatal(err)
	}
	return rec.b.String()[n:]
}

func pressOn(t *testing.T, e *Engine, rec *recorder, label string) string {
	t.Helper()
	b, ok := rec.press(label)
	if !ok {
		t.Fatalf("no button %q on screen:\n%s", label, rec.b.String())
	}
	return step(t, e, rec, dialog.Input{Kind: dialog.InButton, Button: b})
}

// describe starts a need in English and sends the description.
func describe(t *testing.T, e *Engine, rec *recorder, text string) string {
	t.Helper()
	step(t, e, rec, dialog.Input{Kind: dialog.InCommand, Command: "start", LangHint: matcher.LangEN})
	pressOn(t, e, rec, "🏭 I have a technical need")
	step(t, e, rec, dialog.Input{Kind: dialog.InText, Text: text})
	return pressOn(t, e, rec, "✅ Done")
}

const pumpNeed = "Water pumps in our chemical plant in Nanjing break down without warning and stop production for days."

// TestModelFailuresInTheDialog: whatever the server does, the intake
// goes on to the questions and the card; an unusable answer brings the
// clarifying question, a user over the cap a polite note, and a server
// that hangs or fails changes nothing the user sees.
func TestModelFailuresInTheDialog(t *testing.T) {
	bad := llmfake.Reply{Content: "Sorry, I cannot produce JSON today."}
	for _, tc := range []struct {
		name    string
		replies []llmfake.Reply
		opt     prompts.AnalyzerOptions
		capUsed bool     // the day's calls are used up by an earlier description
		want    []string // in what the user sees after Done
		notWant []string
	}{
		{name: "unusable twice", replies: []llmfake.Reply{bad, bad},
			want: []string{"Question 1 of", "what exactly should a solution do"}},
		{name: "refusal", replies: []llmfake.Reply{{Refusal: "no"}}, want: []string{"what exactly should a solution do"}},
		{name: "server down", replies: []llmfake.Reply{llmfake.Error(500, "x", ""), llmfake.Error(500, "x", ""), llmfake.Error(500, "x", "")},
			want: []string{"Question 1 of"}, notWant: []string{"what exactly", "limit"}},
		{name: "server hangs", replies: []llmfake.Reply{{Hang: true}, {Hang: true}, {Hang: true}},
			want: []string{"Question 1 of"}, notWant: []string{"what exactly", "limit"}},
		{name: "over the cap", opt: prompts.AnalyzerOptions{UserCap: 1}, capUsed: true,
			want: []string{"today's limit of detailed readings", "Question 1 of"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, fake := llmEngine(t, tc.opt)
			if tc.capUsed {
				fake.Chat = llmfake.Mirror
				if _, err := e.interview.analyzer.Analyze(context.Background(), matcher.AnalysisRequest{Kind: matcher.KindNeed, Text: "Our motors overheat in summer.", User: "100"}); err != nil {
					t.Fatal(err)
				}
			}
			fake.Push(tc.replies...)
			rec := &recorder{}
			start := time.Now()
			seen := describe(t, e, rec, pumpNeed)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the intake waited %v", d)
			}
			for _, w := range tc.want {
				if !strings.Contains(seen, w) {
					t.Errorf("the user did not see %q:\n%s", w, seen)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(seen, w) {
					t.Errorf("the user saw %q:\n%s", w, seen)
				}
			}
			// The conversation is not stuck: skipping every question reaches the card.
			for range dialog.DefaultMaxQuestions {
				if _, ok := rec.press("Skip"); !ok {
					break
				}
				pressOn(t, e, rec, "Skip")
			}
			if !strings.Contains(rec.b.String(), "Your need — please check") {
				t.Errorf("no summary card:\n%s", rec.b.String())
			}
		})
	}
}

// TestClarifyingAnswer: the answer to the clarifying question becomes the
// profile's summary, and the profile publishes.
func TestClarifyingAnswer(t *testing.T) {
	e, fake := llmEngine(t, prompts.AnalyzerOptions{})
	fake.Push(llmfake.Reply{Content: "no"}, llmfake.Reply{Content: "no"})
	rec := &recorder{}
	describe(t, e, rec, pumpNeed)
	step(t, e, rec, dialog.Input{Kind: dialog.InText, Text: "Predict bearing failures of centrifugal pumps from vibration."})
	for range dialog.DefaultMaxQuestions {
		if _, ok := rec.press("Skip"); !ok {
			break
		}
		pressOn(t, e, rec, "Skip")
	}
	s := loadSession(t, e)
	if s.Draft == nil || s.Draft.Summary != "Predict bearing failures of centrifugal pumps from vibration" {
		t.Fatalf("draft summary = %+v", s.Draft)
	}
	if out := pressOn(t, e, rec, "📣 Publish"); !strings.Contains(out, "Published") {
		t.Errorf("not published:\n%s", out)
	}
}

func loadSession(t *testing.T, e *Engine) dialog.Session {
	t.Helper()
	s, err := e.interview.load(context.Background(), Incoming{ChatID: 100, UserID: 100})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRemarkQuestions: quality remarks add at most two questions, asked
// in the dialog's order, and the benefit answer joins the success line.
func TestRemarkQuestions(t *testing.T) {
	d := &dialog.Dialog{Tax: matcher.Default()}
	s := &dialog.Session{Lang: matcher.LangEN, LangSet: true, State: dialog.StateDescribe, Kind: matcher.KindNeed, Texts: []string{pumpNeed}}
	a := &matcher.Analysis{Title: "Pump failure prediction", Domains: []string{"manufacturing"}, TRL: 6, Modes: []matcher.Mode{matcher.ModeJointRD},
		Region: "Nanjing, Jiangsu", Budget: "1M CNY", Deadline: "2027",
		Remarks: []matcher.Remark{matcher.RemarkBenefit, matcher.RemarkSuccess, matcher.RemarkStage}}
	e := d.Step(s, dialog.Input{Kind: dialog.InAnalyzed, Analysis: a}, fixedNow)
	if want := []matcher.Field{matcher.FieldSuccess, matcher.FieldBenefit}; fmt.Sprint(s.Questions) != fmt.Sprint(want) {
		t.Fatalf("questions = %v, want %v", s.Questions, want)
	}
	if len(e.Replies) != 1 || !strings.Contains(e.Replies[0].Text, "Question 1 of 2") {
		t.Fatalf("replies = %+v", e.Replies)
	}
	d.Step(s, dialog.Input{Kind: dialog.InText, Text: "No pump stops unannounced for a year"}, fixedNow)
	e = d.Step(s, dialog.Input{Kind: dialog.InText, Text: "3 days of lost production a month"}, fixedNow)
	if s.State != dialog.StateReview || s.Draft.Success != "No pump stops unannounced for a year; 3 days of lost production a month" {
		t.Errorf("state %s, success %q", s.State, s.Draft.Success)
	}
	if !strings.Contains(e.Replies[0].Text, "Success means: No pump stops") {
		t.Errorf("card = %s", e.Replies[0].Text)
	}
}

// TestPublishEmbedding: a published profile carries its embedding; when
// the embedding fails it is published without one.
func TestPublishEmbedding(t *testing.T) {
	for _, fail := range []bool{false, true} {
		e, fake := llmEngine(t, prompts.AnalyzerOptions{})
		fake.Chat = llmfake.Mirror
		if fail {
			fake.EmbedFail = 503
		}
		rec := &recorder{}
		describe(t, e, rec, pumpNeed+" We need a solution rated TRL 7 by 2027, budget 500k CNY, as a joint R&D project.")
		for range dialog.DefaultMaxQuestions {
			if _, ok := rec.press("Skip"); !ok {
				break
			}
			pressOn(t, e, rec, "Skip")
		}
		if out := pressOn(t, e, rec, "📣 Publish"); !strings.Contains(out, "Published") {
			t.Fatalf("fail=%v: not published:\n%s", fail, out)
		}
		p, err := e.intros.st.Profile(context.Background(), loadSession(t, e).Published)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(p.Embedding) > 0 && p.EmbeddingModel == "test-embed"; got == fail {
			t.Errorf("fail=%v: embedding %d numbers by %q", fail, len(p.Embedding), p.EmbeddingModel)
		}
	}
}
