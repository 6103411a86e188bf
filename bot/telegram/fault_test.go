package telegram

import (
	"testing"
	"time"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store/storetest"
)

// TestRedisRestartMidConversation kills Redis in the middle of an
// interview and starts it again from its append-only file: the
// conversation goes on where it was.
func TestRedisRestartMidConversation(t *testing.T) {
	r := storetest.StartServer(t)
	st := storetest.OnAddr(t, r.Addr(), storetest.ClientOptions{MaxRetries: 5, MinRetryBackoff: 50 * time.Millisecond, MaxRetryBackoff: time.Second})
	h := startTelegramOn(t, testEngineOn(t, st), st)

	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	h.press("🏭 I have a technical need", "Describe your technical problem")
	h.say(needText, "Add more")

	r.Kill()
	r.Start()

	// The description typed before the restart is still there: Done goes on to the questions.
	h.press("✅ Done", "Question 1 of")
}

// TestTelegramErrorsRecover: a 5xx on a reply loses that reply but not
// the conversation, and a 429 on a reply is waited out and sent.
func TestTelegramErrorsRecover(t *testing.T) {
	h := startTelegram(t)
	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")

	h.fake.FailNext("sendMessage", tgfake.Failure{Code: 502})
	h.fake.SendText(h.chat, h.user, "/help")
	h.fake.WaitFor(t, wait, func(c tgfake.Call) bool { return c.Method == "sendMessage" && !c.OK() })
	// The state survived: the role buttons still work.
	h.press("🏭 I have a technical need", "Describe your technical problem")

	h.fake.FailNext("sendMessage", tgfake.Failure{Code: 429, RetryAfter: 1})
	start := time.Now()
	h.say(needText, "Add more")
	if d := time.Since(start); d < time.Second {
		t.Errorf("answered %v after a 429 with retry_after 1s", d)
	}
}
