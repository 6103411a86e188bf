package telegram

import (
	"context"
	"strings"
	"testing"

	"github.com/duijie/duijie/internal/tgfake"
)

// TestConcurrentConfirm: two holders of one claim code press
// Confirm at the same moment; exactly one is told the profile is theirs
// and owns it, the other is told the code was used. Repeated a few times
// on fresh codes, since the order of the two presses is up to the bot.
func TestConcurrentConfirm(t *testing.T) {
	h := startOrganized(t, nil)
	admin := h.as(adminID)
	admin.upload("list.csv", listCSV, "📥")
	n := len(h.fake.Messages(adminID))
	h.fake.SendText(adminID, adminID, "/claims")
	h.fake.WaitFor(t, wait, func(tgfake.Call) bool { return len(h.fake.Messages(adminID)) > n })
	codes := claimCodes(t, h)

	for i, id := range []string{"o-imp1", "n-imp1"} {
		b, c := h.as(int64(7601+2*i)), h.as(int64(7602+2*i))
		cardB := b.say("/start claim_"+codes[id], "Claim this profile?")
		cardC := c.say("/start claim_"+codes[id], "Claim this profile?")
		nb, nc := len(h.fake.Messages(b.chat)), len(h.fake.Messages(c.chat))
		// Both presses go in before either is answered.
		_, cbB := h.fake.SendCallback(b.chat, b.user, cardB.MessageID, cardB.Buttons[0][0].Data)
		_, cbC := h.fake.SendCallback(c.chat, c.user, cardC.MessageID, cardC.Buttons[0][0].Data)
		for _, cb := range []string{cbB, cbC} {
			h.fake.WaitFor(t, wait, func(x tgfake.Call) bool {
				return x.Method == "answerCallbackQuery" && x.Params["callback_query_id"] == cb
			})
		}
		wonB, wonC := claimAnswer(t, b, nb), claimAnswer(t, c, nc)
		if wonB == wonC {
			t.Fatalf("%s: B won %v, C won %v; want exactly one", id, wonB, wonC)
		}
		winner := b
		if wonC {
			winner = c
		}
		p, err := h.st.Profile(context.Background(), id)
		if err != nil || p.OwnerID != winner.user {
			t.Errorf("%s: owner %d, %v; want the winner %d", id, p.OwnerID, err, winner.user)
		}
	}
}

// claimAnswer waits for the answer to a Confirm after the first n
// messages of u's chat: true for "is yours now", false for "already used".
func claimAnswer(t *testing.T, u *tgHarness, n int) bool {
	t.Helper()
	won := false
	u.fake.WaitFor(t, wait, func(tgfake.Call) bool {
		msgs := u.fake.Messages(u.chat)
		for _, m := range msgs[min(n, len(msgs)):] {
			switch {
			case strings.Contains(m.Text, "is yours now"):
				won = true
				return true
			case strings.Contains(m.Text, "already used"):
				return true
			}
		}
		return false
	})
	return won
}
