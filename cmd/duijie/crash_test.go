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

// TestFinding2IntroSurvivesSIGKILL kills `duijie serve` with SIGKILL at
// each step of an introduction, right after the store recorded the
// change and before its messages were queued, and starts it again: the
// messages the change owed arrive (the sweep sends them), to both sides
// or neither, never one.
func TestFinding2IntroSurvivesSIGKILL(t *testing.T) {
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
	var need, offer matcher.Profile
	for _, p := range ps {
		switch {
		case p.Kind == matcher.KindNeed && need.ID == "":
			need = p
		case p.Kind == matcher.KindOffer && offer.ID == "":
			offer = p
		}
	}
	need.OwnerID, offer.OwnerID = needOwner, offerOwner
	if _, err := st.SaveProfiles(ctx, []matcher.Profile{need, offer}); err != nil {
		t.Fatal(err)
	}
	toks, err := st.MatchTokens(ctx, need.ID, []string{offer.ID})
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
	killAt := func(pattern string, step func()) {
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
	killAt("intro:", func() { fake.SendCallback(needOwner, needOwner, 1, "a/ri/"+toks[0]) })
	if has(offerOwner, request) {
		t.Fatal("B was told of the request before the kill")
	}
	restarted := startServe(t, env)
	fake.WaitFor(t, 2*time.Minute, func(tgfake.Call) bool { return has(offerOwner, request) })
	t.Log("request step: B told after the restart")
	restarted.Process.Kill()
	restarted.Wait()
	var accept string
	for _, m := range fake.Messages(offerOwner) {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "a/ia/") {
					accept = b.Data
				}
			}
		}
	}
	if accept == "" {
		t.Fatal("the request has no Accept button")
	}

	// Step 2: the accept. Killed before either side gets contacts; after
	// the restart both do.
	killAt("connected:", func() { fake.SendCallback(offerOwner, offerOwner, 1, accept) })
	if has(needOwner, contact) || has(offerOwner, contact) {
		t.Fatal("contacts went out before the kill")
	}
	startServe(t, env)
	fake.WaitFor(t, 2*time.Minute, func(tgfake.Call) bool { return has(needOwner, contact) && has(offerOwner, contact) })
	t.Log("accept step: both sides told after the restart")
}
