package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/demo"
	"github.com/duijie/duijie/internal/lease"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/metrics"
	"github.com/duijie/duijie/prompts"
	"github.com/duijie/duijie/prompts/openaiapi"
	"github.com/duijie/duijie/store"
)

// App is Duijie wired together: the store, the match index and, once
// StartEngine is called, the dialog engine. Close releases what Open
// started.
type App struct {
	cfg      Config
	log      *slog.Logger
	embedded *store.Embedded
	rdb      io.Closer // the Redis client beneath Store
	Store    *store.Store
	Tax      *matcher.Taxonomy
	Index    *matcher.Index
	Engine   *bot.Engine // nil before StartEngine
	// Organizers configures the organizers' commands of the engine.
	Organizers *bot.Organizers
	analyzer   bot.Analyzer

	// llm reads descriptions with the model and embeddings computes
	// vectors; nil when no model server is configured.
	llm         *prompts.Analyzer
	embeddings  *prompts.Embeddings
	transcriber bot.Transcriber // voice messages; nil without a transcription model
	// imports says how importRows normalizes: offline unless useModel.
	imports importOptions

	changesFrom string // the change-stream position the index was built at
	// loaded counts the profiles LoadIndex has put in the index; ready is
	// closed once it is done.
	loaded, toLoad atomic.Int64
	ready          chan struct{}
}

// importOptions configure the normalization of imported rows.
type importOptions struct {
	useModel    bool      // read rows with the model when one is configured
	concurrency int       // rows read at once
	progress    io.Writer // where progress is shown; nil for none
}

// DefaultImportConcurrency is how many rows an import reads at once with a model.
const DefaultImportConcurrency = 4

// Open connects to Redis (or starts the embedded store with the demo
// set) and builds the match index from the stored profiles.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	var err error
	a := &App{cfg: cfg, log: log, Tax: matcher.Default(), ready: make(chan struct{})}
	if cfg.RedisURL == "" {
		e, err := store.StartEmbedded(log)
		if err != nil {
			return nil, err
		}
		rdb := e.Client()
		a.embedded, a.rdb, a.Store = e, rdb, store.New(rdb, "")
	} else {
		rdb, err := store.Connect(ctx, cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		a.rdb, a.Store = rdb, store.New(rdb, "")
	}
	a.Store.AnalyseWith(a.Tax)
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
	if cfg.noIndex {
		close(a.ready)
	} else if !cfg.lateIndex {
		if err := a.LoadIndex(ctx); err != nil {
			a.Close()
			return nil, err
		}
	}
	a.analyzer = matcher.Offline{Tax: a.Tax}
	if cfg.LLM.Enabled() {
		a.openLLM(cfg.LLM)
		a.analyzer = a.llm
	}
	a.Organizers = &bot.Organizers{Admins: cfg.Admins(), Broker: cfg.Broker, Store: a.Store, Importer: a,
		Lists: bot.NewLists(a.Store, a.Tax, nil), Replica: cfg.Replica, BotUsername: cfg.BotUsername}
	return a, nil
}

// StartEngine builds the dialog engine, which reaches other users
// through msg (nil until the engine's SetMessenger) and counts into m
// (nil for none).
func (a *App) StartEngine(msg bot.Messenger, m *metrics.Metrics) *bot.Engine {
	opt := bot.Options{Data: a.Store, Notices: a.Store, Contacts: a.Store, Organizers: a.Organizers, Transcriber: a.transcriber, Messenger: msg, Metrics: m}
	if a.embeddings != nil {
		opt.Embedder = a.embeddings
	}
	a.Engine = bot.NewEngine(a.Tax, a.Store, a.Store, a.analyzer, a.Index, a.log, opt)
	return a.Engine
}

// LoadIndex builds the match index from the stored profiles and their
// digests, on every core, logging how far it is every few seconds; a
// profile stored without a digest, or by another analysis, is read from
// its text. Ready is closed when it returns without error.
func (a *App) LoadIndex(ctx context.Context) error {
	start := time.Now()
	if n, err := a.Store.CountProfiles(ctx); err == nil {
		defer holdHeapWhileLoading(n)()
	}
	var stale atomic.Int64
	var logMu sync.Mutex
	lastLog := start
	batch := a.Index.NewBatch()
	err := a.Store.LoadProfiles(ctx, func(p matcher.Profile, d matcher.Digest) {
		if !d.Valid() {
			stale.Add(1)
		}
		batch.Add(p, d)
	}, func(done, total int) {
		a.loaded.Store(int64(done))
		a.toLoad.Store(int64(total))
		logMu.Lock()
		defer logMu.Unlock()
		if now := time.Now(); now.Sub(lastLog) >= loadLogEvery {
			lastLog = now
			a.log.Info("index loading", "profiles", done, "of", total)
		}
	})
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	batch.Commit()
	a.log.Info("index built", "profiles", a.Index.Len(), "read_from_text", stale.Load(),
		"seconds", time.Since(start).Round(time.Millisecond).Seconds())
	close(a.ready)
	return nil
}

// loadLogEvery is how often LoadIndex says how far it is.
const loadLogEvery = 2 * time.Second

// Loading returns nil once the index is built, and otherwise an error
// saying how far loading is, which /healthz shows: serve's readiness check.
func (a *App) Loading(context.Context) error {
	select {
	case <-a.ready:
		return nil
	default:
		return metrics.Shown(fmt.Sprintf("loading: %d of %d profiles indexed", a.loaded.Load(), a.toLoad.Load()))
	}
}

// openLLM connects the model server: the analyzer with the store as its
// cache and caps, and embeddings when a model for them is named.
func (a *App) openLLM(c LLMConfig) {
	client := openaiapi.New(openaiapi.Config{APIKey: c.APIKey, BaseURL: c.BaseURL, Azure: c.Azure, APIVersion: c.APIVersion})
	guard := prompts.NewGuard(prompts.GuardOptions{Timeout: c.Timeout}, a.log)
	a.llm = prompts.NewAnalyzer(client, guard, a.Tax, a.Store, a.Store, prompts.AnalyzerOptions{
		Model: c.Model, Budget: c.Budget(), UserCap: c.UserCap, GlobalCap: c.GlobalCap,
	}, a.log)
	if c.EmbeddingModel != "" {
		a.embeddings = prompts.NewEmbeddings(client, guard, c.EmbeddingModel, 0, a.log)
	}
	if model := c.TranscriptionModel; model != "" {
		a.transcriber = bot.TranscribeFunc(func(ctx context.Context, name string, audio []byte, lang string) (string, error) {
			return client.Transcribe(ctx, model, name, audio, lang)
		})
	}
	a.log.Info("llm normalizer on", "llm", c.String(), "prompt_version", prompts.Version)
}

// readWithModel normalizes rows with the model, imports.concurrency at a
// time, into ps, calling done after each row, and returns how many the
// model read. Rows the model cannot read are read offline by the
// analyzer itself.
func (a *App) readWithModel(ctx context.Context, rows []dataset.Row, ps []matcher.Profile, ds []matcher.Digest, done func()) int {
	prog := newProgress(a.imports.progress, "normalizing", len(rows))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var byModel atomic.Int64
	for range max(1, a.imports.concurrency) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := rows[i].Profile
				an, err := a.llm.Analyze(ctx, matcher.AnalysisRequest{Kind: p.Kind, Lang: p.Lang, Text: p.Text()})
				if err != nil {
					an = a.Tax.Analyze(p.Kind, p.Text())
				}
				if an.PromptVersion != "" {
					byModel.Add(1)
				}
				an.Notice = ""
				an.Apply(&p)
				ps[i], ds[i] = p, a.Tax.Digest(&p)
				prog.add(1)
				done()
			}
		}()
	}
	for i := range rows {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	a.log.Info("import normalized", "rows", len(rows), "by_model", byModel.Load())
	return int(byModel.Load())
}

// embed computes the embeddings of ps in batches; profiles whose batch
// fails are stored without one.
func (a *App) embed(ctx context.Context, ps []matcher.Profile) {
	prog := newProgress(a.imports.progress, "embedding", len(ps))
	failed := 0
	for start := 0; start < len(ps); start += prompts.DefaultEmbedBatch {
		batch := ps[start:min(start+prompts.DefaultEmbedBatch, len(ps))]
		texts := make([]string, len(batch))
		for i := range batch {
			texts[i] = batch[i].EmbeddingText()
		}
		vs, err := a.embeddings.Embed(ctx, texts)
		if err != nil {
			failed += len(batch)
			a.log.Warn("import embeddings failed; profiles stored without", "rows", len(batch), "err", err)
		} else {
			for i := range batch {
				batch[i].Embedding, batch[i].EmbeddingModel = vs[i], a.embeddings.Model()
			}
		}
		prog.add(len(batch))
	}
	if failed > 0 && a.imports.progress != nil {
		fmt.Fprintf(a.imports.progress, "%d profiles stored without an embedding\n", failed)
	}
}

// FollowChanges keeps the index current with profiles other processes
// store, until ctx ends.
func (a *App) FollowChanges(ctx context.Context) {
	a.Store.Follow(ctx, a.changesFrom, a.Index, a.log)
}

// WatchNewMatches sends the new-match notices of the profiles stored
// since the last watcher stopped (or, on a first start, since the index
// was built), until ctx ends, while replica holds the notices lease.
func (a *App) WatchNewMatches(ctx context.Context, replica string) {
	seq := a.changesFrom
	if saved, err := a.Store.Cursor(ctx, bot.WatcherCursor); err == nil && saved != "" {
		if gap, err := a.Store.Trimmed(ctx, saved); err == nil && gap {
			a.log.Warn("new-match watcher: the change stream no longer holds where the last watcher stopped; profiles stored in the gap are not announced", "seq", saved)
		}
	}
	l := lease.Lease{Store: a.Store, Name: noticesLease, Holder: replica, Log: a.log}
	l.Hold(ctx, func(lctx context.Context) {
		seq = a.Engine.WatchNewMatches(lctx, a.Store, seq)
	})
}

// noticesLease makes one replica the sender of new-match notices.
const noticesLease = "notices"

// Close disconnects from Redis and stops the embedded store.
func (a *App) Close() {
	if a.rdb != nil {
		a.rdb.Close()
	}
	if a.embedded != nil {
		a.embedded.Close()
	}
}

// importResult is what importRows did.
type importResult struct {
	created int
	// codes are the claim codes of the stored profiles without an owner, by id.
	codes map[string]string
}

// importRows normalizes imported rows, stores them, adds them to the
// index and gives each profile without an owner a claim code. A profile
// already stored keeps its creation time, and once claimed its owner and
// status: an import refreshes what the list says, not who holds the
// profile. progress, when not nil, hears how many rows are read.
func (a *App) importRows(ctx context.Context, rows []dataset.Row, progress func(done, total int)) (importResult, error) {
	// What is stored already (creation time, owner) is read while the rows
	// are being read: Redis and the CPU work side by side.
	type stampsResult struct {
		stamps map[string]store.Stamp
		err    error
	}
	stampsc := make(chan stampsResult, 1)
	go func() {
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.Profile.ID
		}
		st, err := a.Store.Stamps(ctx, ids)
		stampsc <- stampsResult{st, err}
	}()
	var read atomic.Int64
	ps, ds, byModel := a.readRows(ctx, rows, func() {
		n := read.Add(1)
		if progress != nil {
			progress(int(n), len(rows))
		}
	})
	if byModel >= 0 && a.imports.progress != nil {
		fmt.Fprintf(a.imports.progress, "%d of %d rows read by the model, the rest offline\n", byModel, len(rows))
	}
	sr := <-stampsc
	if sr.err != nil {
		return importResult{}, sr.err
	}
	return a.storeRows(ctx, ps, ds, sr.stamps)
}

// readRows normalizes rows and makes the digest of each, calling done
// after each row: with the model when one is configured and the import
// asks for it, else offline on every core. byModel is how many rows the
// model read, -1 without a model.
func (a *App) readRows(ctx context.Context, rows []dataset.Row, done func()) (ps []matcher.Profile, ds []matcher.Digest, byModel int) {
	ps = make([]matcher.Profile, len(rows))
	ds = make([]matcher.Digest, len(rows)) // what the index reads of each, stored with it
	byModel = -1
	if a.imports.useModel && a.llm != nil {
		byModel = a.readWithModel(ctx, rows, ps, ds, done)
	} else {
		// The offline reading is pure and CPU-bound: one worker per core.
		var wg sync.WaitGroup
		var next atomic.Int64
		for range min(runtime.GOMAXPROCS(0), len(rows)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < len(rows); i = int(next.Add(1)) - 1 {
					p := rows[i].Profile
					ds[i] = a.Tax.Read(&p)
					ps[i] = p
					done()
				}
			}()
		}
		wg.Wait()
	}
	if a.imports.useModel && a.embeddings != nil {
		a.embed(ctx, ps)
	}
	return ps, ds, byModel
}

// storeRows stores normalized rows with their digests, each keeping the
// creation time, owner and status stored says it has, adds them to the
// index when there is one, and gives each profile without an owner a
// claim code.
func (a *App) storeRows(ctx context.Context, ps []matcher.Profile, ds []matcher.Digest, stored map[string]store.Stamp) (importResult, error) {
	var res importResult
	var free []string
	for i := range ps {
		if old, ok := stored[ps[i].ID]; ok {
			ps[i].CreatedAt = old.CreatedAt
			if old.OwnerID != 0 {
				ps[i].OwnerID, ps[i].Status = old.OwnerID, old.Status
			}
		}
		if ps[i].OwnerID == 0 {
			free = append(free, ps[i].ID)
		}
	}
	var err error
	res.created, err = a.Store.SaveDigested(ctx, ps, ds)
	if err != nil {
		return res, err
	}
	if !a.cfg.noIndex {
		for i, p := range ps {
			a.Index.UpsertDigest(p, ds[i])
		}
	}
	res.codes, err = a.Store.ClaimCodes(ctx, free)
	return res, err
}

// Import stores a list an admin sent in chat (bot.Importer): the rows are
// tagged, normalized and stored as `duijie import` does.
func (a *App) Import(ctx context.Context, rows []dataset.Row, tag string, progress func(done, total int)) (bot.ImportResult, error) {
	rows, bad := tagRows(rows, nil, tag, "", io.Discard)
	res, err := a.importRows(ctx, rows, progress)
	if err != nil {
		return bot.ImportResult{Rejected: bad}, err
	}
	return bot.ImportResult{Created: res.created, Updated: len(rows) - res.created, Rejected: bad, Claimable: len(res.codes)}, nil
}

var _ bot.Importer = (*App)(nil)
