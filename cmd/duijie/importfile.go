package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
)

// `duijie import` of a file in the export's format (JSON Lines, CSV or
// tab-separated text with the export's columns, XLSX) streams it: rows
// are read as they come, normalized on every core while the next ones
// are read and the ones before are written to Redis in pipelined
// batches, so memory stays bounded whatever the file's size.

// importGCPercent is the collector's GOGC during an import, unless the
// environment sets one.
const importGCPercent = 400

// streamBatch is how many rows are read, normalized and stored together.
var streamBatch = 1000

// fileImport is what `duijie import` was asked to do with a file in the
// export's format.
type fileImport struct {
	dry         bool
	tag         string
	claims      string // file for the claim codes; none when empty
	concurrency int    // rows read by the model at once
}

// importBatch is a batch of rows on its way through an import.
type importBatch struct {
	rows []dataset.Row
	ps   []matcher.Profile
	ds   []matcher.Digest
	read int64 // bytes of the file read once the batch was complete
}

// importTotals is what an import did, counted as batches are stored.
type importTotals struct {
	rows, created, free int
	claims              *bot.ClaimWriter
	claimsFile          *os.File
}

// lockedWriter lets goroutines share a writer, one Write at a time, so
// that each line they print stays whole.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// importFile streams name into the store (or only checks it when dry).
func importFile(ctx context.Context, cfg Config, name string, fi fileImport, stdout, stderr io.Writer) error {
	// The reader, the normalizers and the writer all report on stderr.
	stderr = &lockedWriter{w: stderr}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	cr := &countingReader{r: f}
	br := bufio.NewReaderSize(cr, 1<<20)
	head, _ := br.Peek(64)
	format := dataset.FormatOf(name, head)

	var app *App
	if !fi.dry {
		cfg.NoDemo, cfg.noIndex = true, true
		if app, err = Open(ctx, cfg, newLogger(max(cfg.LogLevel, slog.LevelWarn))); err != nil {
			return err
		}
		defer app.Close()
		// With a model, each batch shows how its reading and embedding go.
		app.imports = importOptions{useModel: true, concurrency: fi.concurrency, progress: stderr}
	}
	if os.Getenv("GOGC") == "" {
		// What an import holds is small and bounded (the taxonomy, the
		// dictionary, a few batches) while reading makes garbage fast: a
		// heap allowed to grow to five times the live one costs about
		// 150 MB and spares the collector an eighth of the CPU.
		defer debug.SetGCPercent(debug.SetGCPercent(importGCPercent))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The reader: rows in batches, the bad ones reported as they come.
	batches := make(chan importBatch, 2)
	rejected := 0
	var readErr error
	go func() {
		defer close(batches)
		readErr = dataset.Stream(br, format, time.Now(), streamBatch, func(rows []dataset.Row, bad []dataset.RowError) error {
			for _, b := range bad {
				fmt.Fprintf(stderr, "%s: %v\n", name, b)
			}
			rows, tagBad := tagRows(rows, nil, fi.tag, name, stderr)
			rejected += len(bad) + len(tagBad)
			select {
			case batches <- importBatch{rows: rows, read: cr.n}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	if fi.dry {
		valid := 0
		for b := range batches {
			valid += len(b.rows)
		}
		if readErr != nil {
			return fmt.Errorf("%s: %w", name, readErr)
		}
		fmt.Fprintf(stdout, "%s: %d valid rows, %d rejected (dry run, nothing stored)\n", name, valid, rejected)
		return nil
	}

	// The writer: batches stored in the order of the file, so that of
	// rows with the same id the last one stays.
	var tot importTotals
	byModel := -1
	prog := newBytesProgress(stderr, "importing", size)
	toStore := make(chan importBatch, 1)
	var storeErr error
	stored := make(chan struct{})
	go func() {
		defer close(stored)
		var done int64
		for b := range toStore {
			if storeErr == nil {
				if storeErr = app.storeBatch(ctx, b, fi.claims, cfg.BotUsername, &tot); storeErr != nil {
					cancel()
				}
			}
			prog.add(int(b.read - done))
			done = b.read
		}
	}()
	// Normalizing, on every core, between the two.
	for b := range batches {
		if ctx.Err() != nil {
			continue // the writer failed: let the reader stop
		}
		var n int
		b.ps, b.ds, n = app.readRows(ctx, b.rows, func() {})
		if n >= 0 {
			byModel = max(byModel, 0) + n
		}
		toStore <- b
	}
	close(toStore)
	<-stored
	if tot.claimsFile != nil {
		if err := tot.claims.Flush(); err != nil {
			return err
		}
		if err := tot.claimsFile.Close(); err != nil {
			return err
		}
	}
	if storeErr != nil {
		return storeErr
	}
	if byModel >= 0 {
		fmt.Fprintf(stderr, "%d of %d rows read by the model, the rest offline\n", byModel, tot.rows)
	}
	fmt.Fprintf(stdout, "%s: %d imported (%d new, %d updated), %d rejected\n", name, tot.rows, tot.created, tot.rows-tot.created, rejected)
	if readErr != nil {
		return fmt.Errorf("%s: %w (the rows before were imported)", name, readErr)
	}
	claimsWritten(fi.claims, tot.free, cfg.BotUsername, stdout, stderr)
	if cfg.RedisURL == "" {
		fmt.Fprintln(stderr, "note: REDIS_URL is not set, so this import went into a temporary embedded store and is gone now")
	}
	return nil
}

// storeBatch stores a normalized batch with what is stored of its rows
// already, and writes the claim codes it gave to the claims file when
// there is one.
func (a *App) storeBatch(ctx context.Context, b importBatch, claims, username string, tot *importTotals) error {
	ids := make([]string, len(b.ps))
	for i := range b.ps {
		ids[i] = b.ps[i].ID
	}
	stamps, err := a.Store.Stamps(ctx, ids)
	if err != nil {
		return err
	}
	res, err := a.storeRows(ctx, b.ps, b.ds, stamps)
	if err != nil {
		return err
	}
	tot.rows += len(b.ps)
	tot.created += res.created
	tot.free += len(res.codes)
	if claims == "" || len(res.codes) == 0 {
		return nil
	}
	if tot.claimsFile == nil {
		if tot.claimsFile, err = os.Create(claims); err != nil {
			return err
		}
		if tot.claims, err = bot.NewClaimWriter(tot.claimsFile, username); err != nil {
			return fmt.Errorf("write %s: %w", claims, err)
		}
	}
	if err := tot.claims.Write(claimRows(b.rows, res.codes)); err != nil {
		return fmt.Errorf("write %s: %w", claims, err)
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
