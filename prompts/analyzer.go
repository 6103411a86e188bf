package prompts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/redact"
)

// Cache keeps validated analyses by model, prompt version and the hash of
// what was asked. CachedAnalysis returns nil when it has none.
type Cache interface {
	CachedAnalysis(ctx context.Context, model, version, hash string) ([]byte, error)
	CacheAnalysis(ctx context.Context, model, version, hash string, analysis []byte) error
}

// Caps counts model calls per user and in all, per day.
type Caps interface {
	// TakeLLMCall counts one call of user (empty: counted only in all) on
	// day, unless that would pass userCap or globalCap (0: no cap). It
	// reports which caps still held; nothing is counted unless both did.
	TakeLLMCall(ctx context.Context, user, day string, userCap, globalCap int) (withinUser, withinGlobal bool, err error)
}

// AnalyzerOptions configure an Analyzer. Zero values take the defaults
// named below.
type AnalyzerOptions struct {
	Model string // the chat model (or Azure deployment); required
	// Budget bounds one analysis, retries and the re-ask included
	// (default DefaultBudget); what is not done by then is read offline.
	Budget    time.Duration
	MaxTokens int // per answer (default DefaultMaxTokens)
	// UserCap and GlobalCap are the model calls allowed per day for one
	// user and for everyone together; 0 means no cap.
	UserCap, GlobalCap int
	Now                func() time.Time // the day of the caps; default time.Now
}

// Defaults and limits of the Analyzer.
const (
	DefaultBudget    = 45 * time.Second
	DefaultMaxTokens = 1500
	// MaxInputRunes is the most of a description sent to a model.
	MaxInputRunes = 6000
	// MaxAnswerBytes is the longest answer decoded; a longer one is asked again.
	MaxAnswerBytes = 16 << 10
	// maxEchoBytes is the longest unusable answer sent back with a re-ask.
	maxEchoBytes = 4 << 10
	temperature  = 0.1
)

// Analyzer normalizes descriptions with a model. Text leaves the process
// with contact details removed and cut to MaxInputRunes; the answer is
// decoded and validated (matcher.Analysis.Validate) and asked again once
// with the problems found. When the answer is still unusable, or the
// model declines, the offline normalizer reads the text and the analysis
// carries matcher.NoticeClarify; when the server fails or the breaker is
// open, the offline reading comes without a notice; when the user's
// daily cap is reached, with matcher.NoticeCapReached. Analyze never
// returns an error. It is safe for concurrent use.
type Analyzer struct {
	chat  Chatter
	guard *Guard
	tax   *matcher.Taxonomy
	cache Cache // may be nil
	caps  Caps  // may be nil
	opt   AnalyzerOptions
	log   *slog.Logger

	schema     json.RawMessage
	schemaText string
	// format is the response format to ask for first: the server's
	// rejections move it on for good.
	format atomic.Int32
}

// NewAnalyzer returns an analyzer on chat under guard. cache and caps may
// be nil.
func NewAnalyzer(chat Chatter, guard *Guard, tax *matcher.Taxonomy, cache Cache, caps Caps, opt AnalyzerOptions, log *slog.Logger) *Analyzer {
	if opt.Budget <= 0 {
		opt.Budget = DefaultBudget
	}
	if opt.MaxTokens <= 0 {
		opt.MaxTokens = DefaultMaxTokens
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	schema := Schema(tax)
	return &Analyzer{chat: chat, guard: guard, tax: tax, cache: cache, caps: caps, opt: opt, log: log,
		schema: schema, schemaText: string(schema)}
}

// Analyze reads a description; see Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, req matcher.AnalysisRequest) (matcher.Analysis, error) {
	text := clipRunes(strings.TrimSpace(forModel(req.Text, req.Private)), MaxInputRunes)
	offline := func(n matcher.Notice, why string) (matcher.Analysis, error) {
		a.log.Info("llm analysis read offline", "why", why, "notice", n)
		an := a.tax.Analyze(req.Kind, text)
		an.Notice = n
		return an, nil
	}
	if text == "" {
		return offline("", "empty text")
	}
	hash := textHash(req.Kind, req.Lang, text)
	if an, ok := a.cached(ctx, hash); ok {
		return an, nil
	}
	if !a.guard.Ready() {
		return offline("", "breaker open")
	}
	ctx, cancel := context.WithTimeout(ctx, a.opt.Budget)
	defer cancel()

	_, user, err := RenderNormalize(NormalizePrompt{Kind: req.Kind, Lang: req.Lang, Text: text, Domains: a.tax.Domains()})
	if err != nil {
		return offline("", err.Error())
	}
	msgs := []Message{{Role: RoleUser, Content: user}}
	for round := 1; ; round++ {
		if ok, capped := a.take(ctx, req.User); !ok {
			if round == 1 && capped == "user" {
				return offline(matcher.NoticeCapReached, "user cap")
			}
			return offline(clarifyAfter(round), capped+" cap")
		}
		reply, err := a.complete(ctx, req, text, msgs)
		if err != nil {
			return offline("", err.Error())
		}
		if reply.Refusal != "" || reply.Filtered {
			return offline(matcher.NoticeClarify, "refused")
		}
		an, probs := a.read(req.Kind, text, reply)
		if len(probs) == 0 {
			a.store(ctx, hash, an)
			return an, nil
		}
		a.log.Info("llm answer unusable", "round", round, "problems", len(probs), "first", probs[0])
		if round == 2 {
			return offline(matcher.NoticeClarify, "unusable answer")
		}
		if len(reply.Content) <= maxEchoBytes {
			msgs = append(msgs, Message{Role: RoleAssistant, Content: reply.Content})
		}
		reask, err := RenderReask(ReaskPrompt{Problems: probs, Truncated: reply.Truncated})
		if err != nil {
			return offline(matcher.NoticeClarify, err.Error())
		}
		msgs = append(msgs, Message{Role: RoleUser, Content: reask})
	}
}

// clarifyAfter is the notice when the calls stop in round: after an
// unusable answer the user gets the clarifying question.
func clarifyAfter(round int) matcher.Notice {
	if round > 1 {
		return matcher.NoticeClarify
	}
	return ""
}

// complete asks the model, in the response format the server accepts.
func (a *Analyzer) complete(ctx context.Context, req matcher.AnalysisRequest, text string, msgs []Message) (ChatReply, error) {
	for {
		f := Format(a.format.Load())
		p := NormalizePrompt{Kind: req.Kind, Lang: req.Lang, Text: text, Domains: a.tax.Domains()}
		if f != FormatSchema {
			p.Schema = a.schemaText
		}
		system, _, err := RenderNormalize(p)
		if err != nil {
			return ChatReply{}, err
		}
		cr := ChatRequest{
			Model: a.opt.Model, Messages: append([]Message{{Role: RoleSystem, Content: system}}, msgs...),
			Format: f, SchemaName: schemaName, MaxTokens: a.opt.MaxTokens, Temperature: temperature,
		}
		if f == FormatSchema {
			cr.Schema = a.schema
		}
		var reply ChatReply
		err = a.guard.Do(ctx, "chat", func(ctx context.Context) error {
			var err error
			reply, err = a.chat.Chat(ctx, cr)
			return err
		})
		var se *StatusError
		if errors.As(err, &se) && se.FormatRejected && f < FormatText {
			if a.format.CompareAndSwap(int32(f), int32(f+1)) {
				a.log.Warn("llm server rejects the response format; using the next", "from", f, "to", f+1, "status", se.Status)
			}
			continue
		}
		return reply, err
	}
}

// read decodes and validates an answer; problems are for the re-ask.
func (a *Analyzer) read(kind matcher.Kind, text string, reply ChatReply) (matcher.Analysis, []string) {
	if reply.Truncated {
		return matcher.Analysis{}, []string{"the answer was cut off at the length limit before the JSON object was complete"}
	}
	if n := len(reply.Content); n > MaxAnswerBytes {
		return matcher.Analysis{}, []string{fmt.Sprintf("the answer is %d bytes long, more than %d; keep every field short", n, MaxAnswerBytes)}
	}
	ans, probs, ok := decodeAnswer(reply.Content)
	if !ok {
		return matcher.Analysis{}, probs
	}
	an := ans.analysis(a.tax, kind, text)
	an.PromptVersion = Version
	var verr *matcher.ValidationError
	if err := an.Validate(a.tax); errors.As(err, &verr) {
		probs = append(probs, verr.Problems...)
	}
	return an, probs
}

// take counts a model call against the caps; capped names the cap that
// stopped it ("user" or "global").
func (a *Analyzer) take(ctx context.Context, user string) (ok bool, capped string) {
	if a.caps == nil || a.opt.UserCap <= 0 && a.opt.GlobalCap <= 0 {
		return true, ""
	}
	day := a.opt.Now().UTC().Format(time.DateOnly)
	withinUser, withinGlobal, err := a.caps.TakeLLMCall(ctx, user, day, a.opt.UserCap, a.opt.GlobalCap)
	switch {
	case err != nil:
		// Without the count the cost is unbounded: read offline.
		a.log.Warn("llm caps unreadable", "err", err)
		return false, "unknown"
	case !withinUser:
		return false, "user"
	case !withinGlobal:
		a.log.Warn("llm global daily cap reached", "day", day, "cap", a.opt.GlobalCap)
		return false, "global"
	}
	return true, ""
}

func (a *Analyzer) cached(ctx context.Context, hash string) (matcher.Analysis, bool) {
	if a.cache == nil {
		return matcher.Analysis{}, false
	}
	b, err := a.cache.CachedAnalysis(ctx, a.opt.Model, Version, hash)
	if err != nil {
		a.log.Warn("llm cache unreadable", "err", err)
		return matcher.Analysis{}, false
	}
	if b == nil {
		return matcher.Analysis{}, false
	}
	var an matcher.Analysis
	if err := json.Unmarshal(b, &an); err != nil || an.Validate(a.tax) != nil {
		return matcher.Analysis{}, false // written by another version of the domain; ask again
	}
	an.Notice = ""
	return an, true
}

func (a *Analyzer) store(ctx context.Context, hash string, an matcher.Analysis) {
	if a.cache == nil {
		return
	}
	b, err := json.Marshal(an)
	if err == nil {
		err = a.cache.CacheAnalysis(ctx, a.opt.Model, Version, hash, b)
	}
	if err != nil {
		a.log.Warn("llm cache not written", "err", err)
	}
}

// textHash identifies what is asked: the kind, the user's language and
// the text as sent.
func textHash(kind matcher.Kind, lang matcher.Lang, text string) string {
	h := sha256.Sum256([]byte(string(kind) + "\x00" + string(lang) + "\x00" + text))
	return hex.EncodeToString(h[:])
}

// forModel is user text as a model may read it: contact details, and
// the words in private that identify the user, replaced by
// matcher.Redacted. User text is data; the prompt still delimits it.
func forModel(text string, private []string) string {
	t, _ := redact.Text(text, redact.Options{Names: private, Replace: matcher.Redacted})
	return t
}

func clipRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}
