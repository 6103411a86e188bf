package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Connect returns a client for the Redis named by url and checks that it
// answers. One server: "redis://[user:password@]host:port/db" or
// "rediss://…". A Redis Cluster: "redis+cluster://[user:password@]host:port,host:port,…"
// (or "rediss+cluster://…"), naming one or more of its nodes.
func Connect(ctx context.Context, url string) (redis.UniversalClient, error) {
	var rdb redis.UniversalClient
	var where string
	if scheme, rest, ok := strings.Cut(url, "+cluster://"); ok {
		opt, err := parseClusterURL(scheme, rest)
		if err != nil {
			return nil, err
		}
		opt.ContextTimeoutEnabled = true
		rdb, where = redis.NewClusterClient(opt), strings.Join(opt.Addrs, ",")
	} else {
		opt, err := redis.ParseURL(url)
		if err != nil {
			return nil, fmt.Errorf("parse REDIS_URL: %w", err)
		}
		opt.ContextTimeoutEnabled = true
		rdb, where = redis.NewClient(opt), opt.Addr
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("connect to redis at %s: %w", where, err)
	}
	return rdb, nil
}

// parseClusterURL reads "host:port,host:port…[?options]" after a
// "redis+cluster://" or "rediss+cluster://" scheme.
func parseClusterURL(scheme, rest string) (*redis.ClusterOptions, error) {
	if scheme != "redis" && scheme != "rediss" {
		return nil, fmt.Errorf("parse REDIS_URL: unknown scheme %q+cluster", scheme)
	}
	hostPart, query, _ := strings.Cut(rest, "?")
	userinfo := ""
	if at := strings.LastIndex(hostPart, "@"); at >= 0 {
		userinfo, hostPart = hostPart[:at+1], hostPart[at+1:]
	}
	hosts := strings.Split(strings.TrimSuffix(hostPart, "/"), ",")
	u := scheme + "://" + userinfo + hosts[0]
	var params []string
	for _, h := range hosts[1:] {
		if h = strings.TrimSpace(h); h != "" {
			params = append(params, "addr="+h)
		}
	}
	if query != "" {
		params = append(params, query)
	}
	if len(params) > 0 {
		u += "?" + strings.Join(params, "&")
	}
	opt, err := redis.ParseClusterURL(u)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	return opt, nil
}

// Embedded is an in-process Redis server for runs without REDIS_URL. Its
// data lives in memory only and is lost when the process ends.
type Embedded struct {
	srv  *miniredis.Miniredis
	stop chan struct{}
	done sync.WaitGroup
}

// embeddedTick is how often the embedded server's clock is advanced, so
// that TTLs expire there as they would on a real server.
const embeddedTick = time.Second

// StartEmbedded starts an embedded Redis server on a free loopback port.
func StartEmbedded(log *slog.Logger) (*Embedded, error) {
	srv := miniredis.NewMiniRedis()
	if err := srv.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	e := &Embedded{srv: srv, stop: make(chan struct{})}
	e.done.Add(1)
	go e.advanceClock()
	log.Warn("store embedded: data is kept in memory only and is lost on exit; set REDIS_URL for durable storage, or use `duijie export` to keep a copy",
		"addr", srv.Addr())
	return e, nil
}

// advanceClock moves the server's TTL clock with real time. The embedded
// server does not count TTLs down on its own.
func (e *Embedded) advanceClock() {
	defer e.done.Done()
	t := time.NewTicker(embeddedTick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-e.stop:
			return
		case now := <-t.C:
			e.srv.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Client returns a client connected to the embedded server.
func (e *Embedded) Client() redis.UniversalClient {
	return redis.NewClient(&redis.Options{Addr: e.srv.Addr(), ContextTimeoutEnabled: true})
}

// Addr is the embedded server's address, for clients in other processes.
func (e *Embedded) Addr() string { return e.srv.Addr() }

// FastForward advances the embedded server's clock by d (for tests).
func (e *Embedded) FastForward(d time.Duration) { e.srv.FastForward(d) }

// Close stops the server; its data is gone.
func (e *Embedded) Close() {
	close(e.stop)
	e.done.Wait()
	e.srv.Close()
}

// DeleteAll removes every key of this store's prefix, on every master of
// a Cluster. It is for tests and for retiring a deployment.
func (s *Store) DeleteAll(ctx context.Context) error {
	return s.deleteMatching(ctx, []string{s.k.prefix + ":*"})
}
