package telegram

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/store/storetest"
)

// BenchmarkFlood is the flood load test: one chat, whose replies Telegram
// holds for 300 ms each, sends 1,000 messages at once while 50 others each write 10 descriptions, each after the answer
// to the one before, through the fake Bot API into the bot (long polling
// into the inbox, the per-user limit, per-chat queues, the engine) on the
// Redis named by DUIJIE_TEST_REDIS_URL (else embedded). It reports the
// 99th percentile and the median of the others' reply times, how many
// limit notices the flooder got in all (one a minute at most) and how
// many of its messages reached the dialog in the round.
func BenchmarkFlood(b *testing.B) {
	const others, perChat, flood = 50, 10, 1000
	const flooder = 80000
	st, _ := storetest.New(b)
	lim := &countingLimiter{Limiter: st, key: limitKey(flooder)}
	h := startTelegramWith(b, testEngineOn(b, st), st, func(o *Options) {
		o.Limiter = lim
		// Telegram holds each reply to the flooder, as it does to a chat
		// it throttles.
		o.HTTPClient = &http.Client{Timeout: 5 * time.Second,
			Transport: slowChat{chat: strconv.Itoa(flooder), delay: 300 * time.Millisecond, next: http.DefaultTransport}}
	})
	bringToDescribe(b, h, st, others)
	notice := adapterText["rate_limited"][0]
	for b.Loop() {
		allowed := lim.allowed.Load()
		for i := range flood {
			h.fake.SendText(flooder, flooder, fmt.Sprintf("Flood %d: our pumps fail without warning.", i))
		}
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for c := range int64(others) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				chat := 90000 + c
				for i := range perChat {
					n := len(h.fake.Messages(chat))
					sent := time.Now()
					h.fake.SendText(chat, chat, fmt.Sprintf("Line %d: our pumps fail without warning and production stops.", i))
					for deadline := sent.Add(time.Minute); len(h.fake.Messages(chat)) <= n; {
						if time.Now().After(deadline) {
							b.Errorf("chat %d: no answer to message %d within a minute", chat, i)
							return
						}
						time.Sleep(10 * time.Millisecond)
					}
					mu.Lock()
					lat = append(lat, time.Since(sent))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		time.Sleep(8 * time.Second) // the flooder's last answers, 300 ms each
		// One notice a minute at most: a later round within the minute
		// gets none.
		notices := 0
		for _, m := range h.fake.Messages(flooder) {
			if m.Text == notice {
				notices++
			}
		}
		if notices == 0 {
			b.Errorf("the flooder was not told about the limit")
		}
		if len(lat) == 0 {
			b.Fatal("no replies measured")
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "others-p99-ms")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "others-p50-ms")
		b.ReportMetric(float64(notices), "flooder-notices")
		b.ReportMetric(float64(lim.allowed.Load()-allowed), "flooder-handled")
	}
}
