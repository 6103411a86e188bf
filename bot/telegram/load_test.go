package telegram

import (
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

// BenchmarkLoad drives many chats through the fake Bot API server into
// the real bot client (long polling, per-chat queues, the engine, the
// store) and reports sustained updates per second, the 99th percentile
// of the time from an update's arrival at the fake server to the bot's
// answer, and Redis round trips per update. Each chat is first brought
// to the description step; the measured updates are description
// messages, each answered with one message. Normalization is offline.
// On the Redis named by DUIJIE_TEST_REDIS_URL when set, else embedded.
func BenchmarkLoad(b *testing.B) {
	const chats, perChat = 200, 20
	st, rdb := storetest.New(b)
	rt := storetest.CountRoundTrips(rdb)
	h := startTelegramOn(b, testEngineOn(b, st), st)
	bringToDescribe(b, h, st, chats)
	for b.Loop() {
		r := loadRun(b, h, rt, chats, perChat, 0)
		r.report(b)
	}
}

// BenchmarkLoadLatency offers updates at a steady rate below what the bot
// sustains and reports the time from arrival to answer: handling latency
// under load rather than the queueing of a burst.
func BenchmarkLoadLatency(b *testing.B) {
	const chats, perChat, rate = 200, 10, 400 // updates per second offered
	st, rdb := storetest.New(b)
	rt := storetest.CountRoundTrips(rdb)
	h := startTelegramOn(b, testEngineOn(b, st), st)
	bringToDescribe(b, h, st, chats)
	for b.Loop() {
		r := loadRun(b, h, rt, chats, perChat, rate)
		r.report(b)
	}
}

func bringToDescribe(b *testing.B, h *tgHarness, st *store.Store, chats int) {
	for c := range int64(chats) {
		u := &tgHarness{t: b, fake: h.fake, chat: 90000 + c, user: 90000 + c, st: st}
		u.say("/start", "Choose your language")
		u.press("English", "What would you like to do?")
		u.press("🏭 I have a technical need", "Describe your technical problem")
	}
}

// loadResult is what one load run measured.
type loadResult struct {
	updates int
	elapsed time.Duration
	lat     []time.Duration // sorted
	trips   int64
}

func (r loadResult) report(b *testing.B) {
	b.ReportMetric(float64(r.updates)/r.elapsed.Seconds(), "updates/s")
	if len(r.lat) > 0 {
		b.ReportMetric(float64(r.lat[len(r.lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(r.lat[len(r.lat)/2].Microseconds())/1000, "p50-ms")
	}
	b.ReportMetric(float64(r.trips)/float64(r.updates), "redis-trips/update")
}

// loadRun sends perChat description messages in each chat — all at once
// when rate is 0, else at rate updates per second — and waits for every
// answer.
func loadRun(b *testing.B, h *tgHarness, rt *storetest.RoundTrips, chats, perChat, rate int) loadResult {
	before := len(h.fake.CallsTo("sendMessage"))
	trips := rt.Count()
	sent := map[string]time.Time{}
	start := time.Now()
	n := 0
	for i := range perChat {
		for c := range int64(chats) {
			if rate > 0 {
				if wait := time.Until(start.Add(time.Duration(n) * time.Second / time.Duration(rate))); wait > 0 {
					time.Sleep(wait)
				}
			}
			text := fmt.Sprintf("Line %d: our pumps fail without warning and production stops.", i)
			sent[strconv.FormatInt(90000+c, 10)+"/"+strconv.Itoa(i)] = time.Now()
			h.fake.SendText(90000+c, 90000+c, text)
			n++
		}
	}
	total := chats * perChat
	h.fake.WaitCount(b, 2*time.Minute, "sendMessage", before+total)
	r := loadResult{updates: total, elapsed: time.Since(start), trips: rt.Count() - trips}
	// The k-th answer in a chat answers its k-th update.
	seen := map[string]int{}
	for _, c := range h.fake.CallsTo("sendMessage")[before:] {
		chat := c.Params["chat_id"]
		k := seen[chat]
		seen[chat]++
		if at, ok := sent[chat+"/"+strconv.Itoa(k)]; ok {
			r.lat = append(r.lat, c.At.Sub(at))
		}
	}
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r
}
