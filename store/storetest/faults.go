package storetest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/store"
)

// ClientOptions says how the client beneath a store made by OnAddr
// retries and dials; the fields mean what they mean in go-redis, and a
// zero field takes go-redis's default.
type ClientOptions struct {
	MaxRetries      int // -1: never retry
	MinRetryBackoff time.Duration
	MaxRetryBackoff time.Duration
	DialTimeout     time.Duration
}

// OnAddr returns a store without key prefix on the Redis server at addr,
// on a client of its own made with o. The client is closed when the
// test ends; the keys are left alone.
func OnAddr(t testing.TB, addr string, o ClientOptions) *store.Store {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: o.MaxRetries,
		MinRetryBackoff: o.MinRetryBackoff, MaxRetryBackoff: o.MaxRetryBackoff, DialTimeout: o.DialTimeout})
	t.Cleanup(func() { rdb.Close() })
	return store.New(rdb, "")
}

// Down returns a store on a Redis that has gone away: nothing listens at
// its address any more, and its client never retries and gives up
// dialing after 200 ms, so every call fails soon.
func Down(t testing.TB) *store.Store {
	t.Helper()
	mr := miniredis.RunT(t)
	addr := mr.Addr()
	mr.Close()
	return OnAddr(t, addr, ClientOptions{MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
}

// Server is a redis-server run by a test, with an append-only file
// written on every command in a temporary directory, so it can be killed
// and started again with its data.
type Server struct {
	t    testing.TB
	port int
	dir  string
	cmd  *exec.Cmd
}

// StartServer starts redis-server and kills it when the test ends, or
// skips the test when redis-server is not installed.
func StartServer(t testing.TB) *Server {
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
	s := &Server{t: t, port: port, dir: t.TempDir()}
	s.Start()
	t.Cleanup(s.Kill)
	return s
}

// Addr is the server's host:port, the same across restarts.
func (s *Server) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// Start starts the server from its append-only file and waits until it
// answers.
func (s *Server) Start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", fmt.Sprint(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer c.Close()
	for range 100 {
		if c.Ping(context.Background()).Err() == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatal("redis-server did not start")
}

// Kill stops the server the hard way: SIGKILL, no chance to save.
func (s *Server) Kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// RoundTrips counts the requests a Redis client makes: a command or a
// whole pipeline is one round trip.
type RoundTrips struct{ n atomic.Int64 }

// CountRoundTrips starts counting the round trips of rdb, a client from
// New.
func CountRoundTrips(rdb redis.UniversalClient) *RoundTrips {
	r := &RoundTrips{}
	rdb.AddHook(tripHook{&r.n})
	return r
}

// Count returns the round trips made since counting began.
func (r *RoundTrips) Count() int64 { return r.n.Load() }

// tripHook adds one to n for each command or pipeline sent.
type tripHook struct{ n *atomic.Int64 }

func (h tripHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h tripHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h tripHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}
