// Package storetest gives tests a store: on the Redis named by
// DUIJIE_TEST_REDIS_URL when it is set (one server or a Cluster), else on
// an embedded server. Each store has its own key prefix, and its keys are
// removed when the test ends.
//
// It also holds what tests outside store need to inject Redis faults, so
// that no package but store and storetest imports go-redis: a store on a
// client with given retries (OnAddr), a store whose Redis has gone away
// (Down), a redis-server that can be killed and restarted (StartServer),
// and a count of a client's round trips (CountRoundTrips).
package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/store"
)

// URLEnv names the environment variable with the Redis URL for tests.
const URLEnv = "DUIJIE_TEST_REDIS_URL"

// New returns a store for the test t and the client beneath it.
func New(t testing.TB) (*store.Store, redis.UniversalClient) {
	t.Helper()
	var rdb redis.UniversalClient
	if url := os.Getenv(URLEnv); url != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := store.Connect(ctx, url)
		if err != nil {
			t.Fatalf("%s=%s: %v", URLEnv, url, err)
		}
		rdb = c
	} else {
		e, err := store.StartEmbedded(slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Close)
		rdb = e.Client()
	}
	prefix := fmt.Sprintf("djtest%d", time.Now().UnixNano())
	st := store.New(rdb, prefix)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := st.DeleteAll(ctx); err != nil {
			t.Errorf("clean up test keys: %v", err)
		}
		rdb.Close()
	})
	return st, rdb
}
