package telegram

import (
	"net/http"
	"testing"
	"time"

	"github.com/duijie/duijie/internal/tgfake"
)

// TestTransientSendFailure: a 502 from Telegram on a reply is
// tried again and the reply arrives; when every try fails, the user is
// told once that the answer did not get through, and nothing loops.
func TestTransientSendFailure(t *testing.T) {
	h := startTelegram(t)
	h.fake.FailNext("sendMessage", tgfake.Failure{Code: http.StatusBadGateway})
	h.say("/start", "Choose your language")

	h.fake.FailNext("sendMessage", tgfake.Failure{Code: http.StatusBadGateway}, tgfake.Failure{Code: http.StatusBadGateway},
		tgfake.Failure{Code: http.StatusBadGateway})
	n := len(h.fake.Messages(h.chat))
	h.fake.SendText(h.chat, h.user, "/help")
	h.expect(n, adapterText["reply_lost"][0])
	time.Sleep(time.Second) // anything more the bot would send
	if got := len(h.fake.Messages(h.chat)) - n; got != 1 {
		t.Errorf("after the lost reply the chat got %d messages, want the one notice", got)
	}
}
