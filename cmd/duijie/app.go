package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/demo"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// App is Duijie wired together: the store, the match index and the
// dialog engine. Close releases what Open started.
type App struct {
	cfg      Config
	log      *slog.Logger
	embedded *store.Embedded
	rdb      redis.UniversalClient
	Store    *store.Store
	Tax      *matcher.Taxonomy
	Index    *matcher.Index
	Engine   *bot.Engine

	changesFrom string // the change-stream position the index was built at
}

// Open connects to Redis (or starts the embedded store with the demo
// set) and builds the match index from the stored profiles.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	var err error
	a := &App{cfg: cfg, log: log, Tax: matcher.Default()}
	if cfg.RedisURL == "" {
		e, err := store.StartEmbedded(log)
		if err != nil {
			return nil, err
		}
		a.embedded, a.rdb = e, e.Client()
	} else {
		rdb, err := store.Connect(ctx, cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		a.rdb = rdb
	}
	a.Store = store.New(a.rdb, "")
	if a.embedded != nil && !cfg.NoDemo {
		ps, err := demo.Profiles(time.Now())
		if err != nil {
			a.Close()
			return nil, err
		}
		if _, err := a.Store.SaveProfiles(ctx, ps); err != nil {
			a.Close()
			return nil, fmt.Errorf("load demo set: %w", err)
		}
		log.Info("store demo set loaded", "profiles", len(ps))
	}
	// Changes after this point reach the index through Follow.
	a.changesFrom, err = a.Store.LastChange(ctx)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Index = matcher.NewIndex(a.Tax)
	if err := a.Store.Profiles(ctx, func(p matcher.Profile) error {
		a.Index.Upsert(p)
		return nil
	}); err != nil {
		a.Close()
		return nil, fmt.Errorf("build index: %w", err)
	}
	log.Info("index built", "profiles", a.Index.Len())
	a.Engine = bot.NewEngine(a.Tax, a.Store, a.Store, matcher.Offline{Tax: a.Tax}, a.Index, log, nil)
	return a, nil
}

// FollowChanges keeps the index current with profiles other processes
// store, until ctx ends.
func (a *App) FollowChanges(ctx context.Context) {
	a.Store.Follow(ctx, a.changesFrom, a.Index, a.log)
}

// Close disconnects from Redis and stops the embedded store.
func (a *App) Close() {
	if a.rdb != nil {
		a.rdb.Close()
	}
	if a.embedded != nil {
		a.embedded.Close()
	}
}

// importRows normalizes imported rows, stores them and adds them to the
// index. It returns how many were new.
func (a *App) importRows(ctx context.Context, rows []dataset.Row) (int, error) {
	ps := make([]matcher.Profile, len(rows))
	for i, r := range rows {
		p := r.Profile
		an := a.Tax.Analyze(p.Kind, p.Text())
		an.Apply(&p)
		ps[i] = p
	}
	created, err := a.Store.SaveProfiles(ctx, ps)
	if err != nil {
		return created, err
	}
	for _, p := range ps {
		a.Index.Upsert(p)
	}
	return created, nil
}
