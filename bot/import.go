package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
)

// Importing in chat: an admin sends a list of profiles as a CSV, JSON
// Lines or Excel file; the bot fetches it, reads it with the rules of
// `duijie import` (a caption on the file is an event tag for every row),
// stores the valid rows and answers with what it did: rows imported, new
// and updated, and each rejected row with its line and reason. Sending
// the same file again updates the same profiles. A long import shows its
// progress in one message it edits. Anyone else who sends a file is told
// to describe their need in words.

// Importer stores the rows of a list an admin sends.
type Importer interface {
	// Import adds tag (when not empty) to every row, normalizes the rows
	// as `duijie import` does, stores them and gives the profiles
	// without an owner a claim code. progress, when not nil, is called as
	// rows are read, possibly from several goroutines at once. Rows the
	// tag makes invalid come back in Rejected. An error means nothing, or
	// not everything, was stored.
	Import(ctx context.Context, rows []dataset.Row, tag string, progress func(done, total int)) (ImportResult, error)
}

// ImportResult is what an import did.
type ImportResult struct {
	Created, Updated int
	Rejected         []dataset.RowError
	// Claimable counts the stored profiles without an owner, which now
	// have a claim code.
	Claimable int
}

// maxListedRejects is how many rejected rows the summary lists; all of
// them go in a file when there are more.
const maxListedRejects = 20

// importFormat is the format of a file by its name: only what `duijie
// import` reads.
func importFormat(name string) (dataset.Format, bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return dataset.CSV, true
	case ".jsonl", ".ndjson", ".json":
		return dataset.JSONL, true
	case ".xlsx":
		return dataset.XLSX, true
	}
	return "", false
}

// document handles a file sent to the bot: an admin's list is imported,
// anyone else is told to write.
func (e *Engine) document(ctx context.Context, s *dialog.Session, in Incoming, out Sender) error {
	l := langFor(s, in)
	f := in.Input.File
	if !e.isAdmin(in.UserID) || f == nil {
		e.log.Info("upload refused", "chat_id", in.ChatID)
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "upload_refused")})
	}
	o := e.Organizers
	files, ok := out.(Files)
	if o.Importer == nil || !ok {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_unavailable")})
	}
	format, ok := importFormat(f.Name)
	if !ok {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_format", f.Name)})
	}
	tooBig := dialog.Reply{Text: dialog.Tr(l, "import_too_big", f.Name, float64(f.Size)/(1<<20), MaxFetchBytes>>20)}
	if f.Size > MaxFetchBytes {
		return out.Send(ctx, in.ChatID, tooBig)
	}
	stopTyping := keepTyping(ctx, out, in.ChatID)
	data, err := files.Fetch(ctx, f.ID, MaxFetchBytes)
	stopTyping()
	if errors.Is(err, ErrFileTooBig) {
		return out.Send(ctx, in.ChatID, tooBig)
	}
	if err != nil {
		return fmt.Errorf("fetch %s: %w", f.Name, err)
	}
	rows, bad, err := dataset.Read(bytes.NewReader(data), format, e.now())
	if err != nil {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_unreadable", f.Name, err.Error())})
	}
	if len(rows) == 0 && len(bad) == 0 {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_empty", f.Name)})
	}
	tag := strings.TrimSpace(in.Input.Text)
	e.log.Info("import started", "chat_id", in.ChatID, "file", f.Name, "rows", len(rows), "rejected", len(bad))

	// An import may take longer than an update may: it gets its own deadline.
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.importTimeout())
	defer cancel()
	prog := e.startProgress(ictx, out, in.ChatID, l, f.Name, len(rows))
	stopTyping = keepTyping(ictx, out, in.ChatID)
	res, err := o.Importer.Import(ictx, rows, tag, prog.set)
	stopTyping()
	prog.stop(err == nil)
	if err != nil {
		return fmt.Errorf("import %s: %w", f.Name, err)
	}
	res.Rejected = append(bad, res.Rejected...)
	sort.SliceStable(res.Rejected, func(i, j int) bool { return res.Rejected[i].Line < res.Rejected[j].Line })
	e.log.Info("import done", "chat_id", in.ChatID, "file", f.Name, "created", res.Created, "updated", res.Updated, "rejected", len(res.Rejected))
	if err := out.Send(ctx, in.ChatID, importSummary(l, f.Name, tag, len(rows)+len(bad), res)); err != nil {
		return err
	}
	if len(res.Rejected) <= maxListedRejects {
		return nil
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"line", "id", "reason"})
	for _, r := range res.Rejected {
		w.Write([]string{strconv.Itoa(r.Line), r.ID, r.Err.Error()})
	}
	w.Flush()
	name := strings.TrimSuffix(f.Name, path.Ext(f.Name)) + "-rejected.csv"
	return out.SendDocument(ctx, in.ChatID, Document{Name: name, Data: b.Bytes(), Caption: dialog.Tr(l, "import_rejected_file", len(res.Rejected))})
}

// importSummary says what an import did, listing the first rejected rows.
func importSummary(l matcher.Lang, name, tag string, read int, res ImportResult) dialog.Reply {
	var b strings.Builder
	b.WriteString(dialog.Tr(l, "import_summary", name, read))
	if tag != "" {
		b.WriteString("\n" + dialog.Tr(l, "import_tag", tag))
	}
	b.WriteString("\n" + dialog.Tr(l, "import_stored", res.Created+res.Updated, res.Created, res.Updated))
	if n := len(res.Rejected); n > 0 {
		b.WriteString("\n" + dialog.Tr(l, "import_rejected", n))
		for _, r := range res.Rejected[:min(n, maxListedRejects)] {
			id := ""
			if r.ID != "" {
				id = " (" + r.ID + ")"
			}
			b.WriteString("\n" + dialog.Tr(l, "import_row", r.Line, id, r.Err.Error()))
		}
		if n > maxListedRejects {
			b.WriteString("\n" + dialog.Tr(l, "import_more", n-maxListedRejects))
		}
	}
	if res.Claimable > 0 {
		b.WriteString("\n\n" + dialog.Tr(l, "import_claimable", res.Claimable))
	}
	return dialog.Reply{Text: b.String()}
}

func (o *Organizers) importTimeout() time.Duration {
	if o.ImportTimeout > 0 {
		return o.ImportTimeout
	}
	return DefaultImportTimeout
}

// importProgress shows how far an import has come in one message, which
// it edits at most every ProgressEvery. Without an Editor, or for a
// short list, it shows nothing.
type importProgress struct {
	done  atomic.Int64
	quit  chan struct{}
	wg    sync.WaitGroup
	final func(ok bool)
}

// set records that done of the rows are read; safe from any goroutine.
func (p *importProgress) set(done, _ int) {
	for {
		old := p.done.Load()
		if int64(done) <= old || p.done.CompareAndSwap(old, int64(done)) {
			return
		}
	}
}

// stop ends the edits and writes the final state.
func (p *importProgress) stop(ok bool) {
	if p.quit == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
	p.final(ok)
}

func (e *Engine) startProgress(ctx context.Context, out Sender, chatID int64, l matcher.Lang, name string, total int) *importProgress {
	p := &importProgress{}
	o := e.Organizers
	from, every := o.ProgressFrom, o.ProgressEvery
	if from <= 0 {
		from = DefaultProgressFrom
	}
	if every <= 0 {
		every = DefaultProgressEvery
	}
	ed, ok := out.(Editor)
	if !ok || total < from {
		return p
	}
	text := func(done int) dialog.Reply {
		return dialog.Reply{Text: dialog.Tr(l, "import_progress", name, done, total, done*100/total)}
	}
	id, err := ed.SendTracked(ctx, chatID, text(0))
	if err != nil {
		e.log.Warn("import progress not shown", "chat_id", chatID, "err", err)
		return p
	}
	edit := func(r dialog.Reply) {
		if err := ed.Edit(ctx, chatID, id, r); err != nil {
			e.log.Warn("import progress not updated", "chat_id", chatID, "err", err)
		}
	}
	p.quit = make(chan struct{})
	p.final = func(ok bool) {
		if ok {
			edit(dialog.Reply{Text: dialog.Tr(l, "import_progress_done", name, total)})
		} else {
			edit(dialog.Reply{Text: dialog.Tr(l, "import_progress_failed", name, int(p.done.Load()), total)})
		}
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		shown := int64(0)
		for {
			select {
			case <-p.quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if d := p.done.Load(); d != shown {
					shown = d
					edit(text(int(d)))
				}
			}
		}
	}()
	return p
}
