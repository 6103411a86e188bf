package telegram

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store"
)

// redisProcess is a redis-server run by a test, with an append-only file
// in a temporary directory, so it can be killed and restarted with its data.
type redisProcess struct {
	t    *testing.T
	port int
	dir  string
	cmd  *exec.Cmd
}

// startRedisAOF starts redis-server, or skips the test when it is not
// installed (CI installs it).
func startRedisAOF(t *testing.T) *redisProcess {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	r := &redisProcess{t: t, port: port, dir: t.TempDir()}
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *redisProcess) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

func (r *redisProcess) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.addr()})
	defer c.Close()
	for range 100 {
		if c.Ping(context.Background()).Err() == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatal("redis-server did not start")
}

// kill stops the server the hard way: SIGKILL, no chance to save.
func (r *redisProcess) kill() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		r.cmd = nil
	}
}

// TestRedisRestartMidConversation kills Redis in the middle of an
// interview and starts it again from its append-only file: the
// conversation goes on where it was.
func TestRedisRestartMidConversation(t *testing.T) {
	r := startRedisAOF(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: 5, MinRetryBackoff: 50 * time.Millisecond, MaxRetryBackoff: time.Second})
	t.Cleanup(func() { rdb.Close() })
	st := store.New(rdb, "")
	h := startTelegramOn(t, testEngineOn(t, st), st)

	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	h.press("🏭 I have a technical need", "Describe your technical problem")
	h.say(needText, "Add more")

	r.kill()
	r.start()

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
