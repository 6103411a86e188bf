package telegram

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store/storetest"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestForgedButtonsQuiet: button data the bot never wrote, or
// wrote for something that is not there, is answered as a stale button
// and logged at debug level only: it is a user's doing, not a fault.
func TestForgedButtonsQuiet(t *testing.T) {
	st, _ := storetest.New(t)
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_, ix := demoEngine(t, st, nil, nil)
	tax := matcher.Default()
	e := bot.NewEngine(tax, st, st, matcher.Offline{Tax: tax}, ix, log, bot.Options{Now: func() time.Time { return fixedNow }, Data: st, Notices: st})
	h := startTelegramWith(t, e, st, nil)
	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	for i, data := range []string{"a/ia/1", "a/id/AAAAAAAAAAAAAAAA", "a/ri/bogus", "a/nr/bogus", "a/nx/bogus.wrong_field",
		"a/mm/nope", "a/me/nope", "a/mp/nope", "a/mx/nope", "a/mk/nope", "a/sn/sometimes", "a/sl/xx", "a/ad/zz", "a/zz/1",
		"garbage", "99:zz:1", "a/dx/"} {
		_, cb := h.fake.SendCallback(h.chat, h.user, 1, data)
		h.fake.WaitFor(t, 10*time.Second, func(c tgfake.Call) bool {
			return c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == cb
		})
		_ = i
	}
	for _, line := range bytes.Split([]byte(logs.String()), []byte("\n")) {
		var rec struct {
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}
		if json.Unmarshal(line, &rec) == nil && rec.Level != "DEBUG" && rec.Level != "INFO" {
			t.Errorf("logged at %s: %s", rec.Level, line)
		}
	}
}

// TestBlankDescriptionRefused: a description of zero-width and
// bidi characters only is refused as empty.
func TestBlankDescriptionRefused(t *testing.T) {
	h := startTelegram(t)
	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	h.press("🏭 I have a technical need", "Describe your technical problem")
	h.say("\u200b\u200d\u2060\u202e\ufeff", "That message is empty")
	h.say("Our steel strip has scratches the line camera misses.", "")
}
