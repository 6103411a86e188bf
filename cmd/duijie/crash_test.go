package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/demo"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// cutProxy stands between serve and Redis. Armed with a pattern, it
// holds back the first command that queues a notification whose key
// contains the pattern, and reports it: the test kills serve at that
// moment, after the change and before its messages.
type cutProxy struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	pattern  string
	cut      chan struct{}
	cutOnce  *sync.Once
}

func startCutProxy(t *testing.T, upstream string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, upstream: upstream}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

// arm makes the proxy cut at the next queued notification whose key
// contains pattern; the returned channel closes when it does.
func (p *cutProxy) arm(pattern string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pattern, p.cut, p.cutOnce = pattern, make(chan struct{}), new(sync.Once)
	return p.cut
}

func (p *cutProxy) disarm() {
	p.mu.Lock()
	p.pattern = ""
	p.mu.Unlock()
}

func (p *cutProxy) serve(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	go io.Copy(c, up)
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		chunk := buf[:n]
		p.mu.Lock()
		if p.pattern != "" && bytes.Contains(chunk, []byte("{outbox}:pair:")) && bytes.Contains(chunk, []byte(p.pattern)) {
			// Held back, and so are retries, until serve is killed.
			p.cutOnce.Do(func() { close(p.cut) })
			p.mu.Unlock()
			io.Copy(io.Discard, c)
			return
		}
		p.mu.Unlock()
		if _, err := up.Write(chunk); err != nil {
			return
		}
	}
}

// TestIntroSurvivesSIGKILL kills `duijie serve` with SIGKILL at
// each step of an introduction, right after the store recorded the
// change and before its messages were queued, and starts it again: the
// messages the change owed arrive (the sweep sends them), to both sides
// or neither, never one.
func TestIntroSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the program several times and waits for the sweep")
	}
	fake := tgfake.New(t)
	emb, err := store.StartEmbedded(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	rdb := emb.Client()
	defer rdb.Close()
	st := store.New(rdb, "")
	ctx := context.Background()
	const needOwner, offerOwner = 7001, 7002
	ps, err := demo.Profiles(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Two pairs: one introduced directly, one in broker mode.
	const need2Owner, offer2Owner, admin = 7003, 7004, 9001
	var needs, offers []matcher.Profile
	for _, p := range ps {
		if p.Kind == matcher.KindNeed {
			needs = append(needs, p)
		} else {
			offers = append(offers, p)
		}
	}
	needs[0].OwnerID, offers[0].OwnerID = needOwner, offerOwner
	needs[1].OwnerID, offers[1].OwnerID = need2Owner, offer2Owner
	if _, err := st.SaveProfiles(ctx, []matcher.Profile{needs[0], offers[0], needs[1], offers[1]}); err != nil {
		t.Fatal(err)
	}
	toks, err := st.MatchTokens(ctx, needs[0].ID, []string{offers[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	toks2, err := st.MatchTokens(ctx, needs[1].ID, []string{offers[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	proxy := startCutProxy(t, emb.Addr())
	env := []string{"TELEGRAM_BOT_TOKEN=" + fake.Token(), "TELEGRAM_API_URL=" + fake.URL(), "REDIS_URL=redis://" + proxy.addr(),
		"DUIJIE_REPLICA=replica-1", "LOG_LEVEL=error", "TELEGRAM_POLL_TIMEOUT=2s", "METRICS_ADDR=off"}
	has := func(chat int64, text string) bool {
		for _, m := range fake.Messages(chat) {
			if strings.Contains(m.Text, text) {
				return true
			}
		}
		return false
	}
	// killAt starts serve, arms the proxy, does the step and kills serve
	// when the step's first message is about to be queued.
	killAt := func(env []string, pattern string, step func()) {
		t.Helper()
		child := startServe(t, env)
		cut := proxy.arm(pattern)
		step()
		select {
		case <-cut:
		case <-time.After(time.Minute):
			t.Fatalf("no notification %q was queued", pattern)
		}
		child.Process.Kill()
		child.Wait()
		proxy.disarm()
	}
	const request, contact = "Someone would like to talk", "Contact:"

	// Step 1: the request. Killed before B is told; after the restart B is.
	killAt(env, ":intro:", func() { fake.SendCallback(needOwner, needOwner, 1, "a/ri/"+toks[0]) })
	if has(offerOwner, request) {
		t.Fatal("B was told of the request before the kill")
	}
	restarted := startServe(t, env)
	fake.WaitFor(t, 2*time.Minute, func(tgfake.Call) bool { return has(offerOwner, request) })
	t.Log("request step: B told after the restart")
	restarted.Process.Kill()
	restarted.Wait()
	button := func(chat int64, prefix string) string {
		for _, m := range fake.Messages(chat) {
			for _, row := range m.Buttons {
				for _, b := range row {
					if strings.HasPrefix(b.Data, prefix) {
						return b.Data
					}
				}
			}
		}
		return ""
	}
	accept := button(offerOwner, "a/ia/")
	if accept == "" {
		t.Fatal("the request has no Accept button")
	}

	// Step 2: the accept. Killed before either side gets contacts; after
	// the restart both do.
	killAt(env, ":connected:", func() { fake.SendCallback(offerOwner, offerOwner, 1, accept) })
	if has(needOwner, contact) || has(offerOwner, contact) {
		t.Fatal("contacts went out before the kill")
	}
	restarted = startServe(t, env)
	fake.WaitFor(t, 2*time.Minute, func(tgfake.Call) bool { return has(needOwner, contact) && has(offerOwner, contact) })
	t.Log("accept step: both sides told after the restart")
	time.Sleep(time.Second) // room for a duplicate to show
	for _, chat := range []int64{needOwner, offerOwner} {
		n := 0
		for _, m := range fake.Messages(chat) {
			if strings.Contains(m.Text, contact) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("chat %d got the contacts %d times, want once", chat, n)
		}
	}
	restarted.Process.Kill()
	restarted.Wait()

	// Broker mode. Step 1: the request, killed before the organizer sees
	// it; after the restart the organizer does (the sweep holds it again).
	broker := append(append([]string(nil), env...), "ADMIN_IDS=9001", "BROKER_MODE=true")
	killAt(broker, ":held:", func() { fake.SendCallback(need2Owner, need2Owner, 1, "a/ri/"+toks2[0]) })
	restarted = startServe(t, broker)
	fake.WaitFor(t, 2*time.Minute, func(tgfake.Call) bool { return button(admin, "a/ad/ok.") != "" })
	t.Log("broker request step: the organizer told after the restart")
	restarted.Process.Kill()
	restarted.Wait()
	if button(offer2Owner, "a/ia/") != "" {
		t.Fatal("B was told before the organizer approved")
	}
	// Step 2: the approval, killed before B is told; after the restart B is.
	killAt(broker, ":intro:", func() { fake.SendCallback(admin, admin, 1, button(admin, "a/ad/ok.")) })
	if button(offer2Owner, "a/ia/") != "" {
		t.Fatal("B was told of the approved request before the kill")
	}
	restarted = startServe(t, broker)
	fake.WaitFor(t, 2*time.Minute, func(tgfake.Call) bool { return button(offer2Owner, "a/ia/") != "" })
	t.Log("broker approve step: B told after the restart")
}
