package bot

import (
	"bytes"
	"context"
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
	"github.com/duijie/duijie/store"
)

// Importing in chat: an admin sends a file; a caption on it is an event
// tag for every row. An organizer's list (a CSV or XLSX file made by
// people, see Lists) is planned and previewed: "新增 X，更新 Y，其中 Z 条
// 类型改变，W 行有问题", a sample and the problems by cause, with Confirm
// and Cancel. The plan waits in the store; Confirm applies it as a
// background job under the import lease, its progress and result in one
// edited message with an Undo button (and /undo_import). A file in the
// export's format (id, kind, title, description) is stored at once by
// the Importer, as before: rows imported, new and updated, and each
// rejected row with its line and reason. Anyone else who sends a file is
// told to describe their need in words.

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
func (dk *Desk) document(ctx context.Context, s *dialog.Session, in Incoming, out Sender) error {
	l := langFor(s, in)
	f := in.Input.File
	if !dk.isAdmin(in.UserID) || f == nil {
		dk.log.Info("upload refused", "chat_id", in.ChatID)
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "upload_refused")})
	}
	o := dk.o
	files, ok := out.(Files)
	if (o.Importer == nil && o.Lists == nil) || !ok {
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
	if o.Lists != nil && IsList(f.Name, data) {
		return dk.planList(ctx, l, in, f.Name, data, out)
	}
	rows, bad, err := dataset.Read(bytes.NewReader(data), format, dk.now())
	if err != nil {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_unreadable", f.Name, err.Error())})
	}
	if len(rows) == 0 && len(bad) == 0 {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_empty", f.Name)})
	}
	if o.Importer == nil {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_export_format", f.Name)})
	}
	tag := strings.TrimSpace(in.Input.Text)
	dk.log.Info("import started", "chat_id", in.ChatID, "file", f.Name, "rows", len(rows), "rejected", len(bad))

	// An import may take longer than an update may: it gets its own deadline.
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.importTimeout())
	defer cancel()
	prog := dk.startProgress(ictx, out, in.ChatID, l, f.Name, len(rows))
	stopTyping = keepTyping(ictx, out, in.ChatID)
	res, err := o.Importer.Import(ictx, rows, tag, prog.set)
	stopTyping()
	prog.stop(err == nil)
	if err != nil {
		return fmt.Errorf("import %s: %w", f.Name, err)
	}
	res.Rejected = append(bad, res.Rejected...)
	sort.SliceStable(res.Rejected, func(i, j int) bool { return res.Rejected[i].Line < res.Rejected[j].Line })
	dk.log.Info("import done", "chat_id", in.ChatID, "file", f.Name, "created", res.Created, "updated", res.Updated, "rejected", len(res.Rejected))
	if err := out.Send(ctx, in.ChatID, importSummary(l, f.Name, tag, len(rows)+len(bad), res)); err != nil {
		return err
	}
	if len(res.Rejected) <= maxListedRejects {
		return nil
	}
	var b bytes.Buffer
	w := dataset.NewSheetCSV(&b)
	w.Write([]string{"line", "id", "reason"})
	for _, r := range res.Rejected {
		w.Write([]string{strconv.Itoa(r.Line), r.ID, r.Err.Error()})
	}
	if err := w.Flush(); err != nil {
		return err
	}
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

func (dk *Desk) startProgress(ctx context.Context, out Sender, chatID int64, l matcher.Lang, name string, total int) *importProgress {
	p := &importProgress{}
	o := dk.o
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
		dk.log.Warn("import progress not shown", "chat_id", chatID, "err", err)
		return p
	}
	edit := func(r dialog.Reply) {
		if err := ed.Edit(ctx, chatID, id, r); err != nil {
			dk.log.Warn("import progress not updated", "chat_id", chatID, "err", err)
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

// Sub-actions of aAdmin buttons on imports of organizers' lists.
const (
	subImport = "ic"   // value: pending import id; applies it
	subCancel = "ix"   // value: pending import id; drops it
	subUndo   = "undo" // value: the import's id (shown only); reverts the last import
)

// planList reads an organizer's list and answers with its preview and
// the Confirm and Cancel buttons; the plan waits in the store.
func (dk *Desk) planList(ctx context.Context, l matcher.Lang, in Incoming, name string, data []byte, out Sender) error {
	lists := dk.o.Lists
	pi, err := lists.Plan(ctx, name, data, in.Input.Text, l)
	var fe *dataset.FileError
	if errors.As(err, &fe) {
		dk.log.Info("list unreadable", "chat_id", in.ChatID, "file", name, "err", fe)
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "list_unreadable", fe.Message(l), chatLimits(l))})
	}
	if err != nil {
		return fmt.Errorf("plan %s: %w", name, err)
	}
	dk.log.Info("list planned", "chat_id", in.ChatID, "file", name, "new", pi.Plan.New, "updated", pi.Plan.Updated, "problems", pi.Plan.Problems)
	r := dialog.Reply{Text: dialog.Esc(pi.Preview(l)) + "\n\n" + chatLimits(l)}
	if len(pi.Plan.Rows) == 0 {
		return out.Send(ctx, in.ChatID, r)
	}
	id, err := lists.Keep(ctx, pi)
	if err != nil {
		return err
	}
	r.Text += "\n" + dialog.Tr(l, "list_confirm", int(PendingImportTTL/time.Minute))
	r.Buttons = [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_import"), Button: dialog.Action(aAdmin, subImport+"."+id)},
		{Label: dialog.Tr(l, "btn_cancel_import"), Button: dialog.Action(aAdmin, subCancel+"."+id)},
	}}
	return out.Send(ctx, in.ChatID, r)
}

// importAction performs the Confirm, Cancel and Undo buttons of imports.
func (dk *Desk) importAction(ctx context.Context, l matcher.Lang, in Incoming, sub, value string, out Sender) (string, error) {
	lists := dk.o.Lists
	if lists == nil {
		return dialog.Tr(l, "stale_toast"), nil
	}
	if sub == subUndo {
		return "", dk.undoImport(ctx, l, in, out)
	}
	pi, err := lists.Take(ctx, value)
	if errors.Is(err, store.ErrNotFound) {
		return dialog.Tr(l, "import_expired_toast"), nil
	}
	if err != nil {
		return "", err
	}
	if sub == subCancel {
		return dialog.Tr(l, "import_cancelled_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_cancelled", pi.Plan.List)})
	}
	dk.startImport(ctx, l, in.ChatID, pi, out)
	return dialog.Tr(l, "import_started_toast"), nil
}

// startImport applies a confirmed import as a background job, never in
// the chat's worker: its progress and result are one message, edited
// when the Sender can.
func (dk *Desk) startImport(ctx context.Context, l matcher.Lang, chatID int64, pi PlannedImport, out Sender) {
	o := dk.o
	name := pi.Plan.List
	started := dialog.Reply{Text: dialog.Tr(l, "list_importing", name, len(pi.Plan.Rows))}
	show := func(ctx context.Context, r dialog.Reply) error { return out.Send(ctx, chatID, r) }
	if ed, ok := out.(Editor); ok {
		if id, err := ed.SendTracked(ctx, chatID, started); err == nil {
			show = func(ctx context.Context, r dialog.Reply) error { return ed.Edit(ctx, chatID, id, r) }
		} else {
			dk.log.Warn("import progress not shown", "chat_id", chatID, "err", err)
		}
	}
	jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.importTimeout())
	o.jobs.Add(1)
	go func() {
		defer o.jobs.Done()
		defer cancel()
		res, err := o.Lists.Apply(jctx, pi, o.replica())
		var r dialog.Reply
		switch {
		case errors.Is(err, ErrImportBusy):
			r = dialog.Reply{Text: dialog.Tr(l, "list_busy", name)}
			if id, kerr := o.Lists.Keep(jctx, pi); kerr == nil {
				r.Buttons = [][]dialog.Choice{{{Label: dialog.Tr(l, "btn_import"), Button: dialog.Action(aAdmin, subImport+"."+id)}}}
			}
		case err != nil:
			dk.log.Error("import failed", "chat_id", chatID, "file", name, "err", err)
			r = dialog.Reply{Text: dialog.Tr(l, "list_failed", name)}
		default:
			dk.log.Info("import applied", "chat_id", chatID, "file", name, "import", res.Record.ID, "new", res.Record.New, "updated", res.Record.Updated)
			r = listResult(l, name, pi.Tag, res)
		}
		if err := show(jctx, r); err != nil {
			dk.log.Warn("import result not shown", "chat_id", chatID, "err", err)
		}
	}()
}

// listResult says what an applied import did, with its Undo button.
func listResult(l matcher.Lang, name, tag string, res ListImported) dialog.Reply {
	text := dialog.Tr(l, "list_done", name, res.Record.New, res.Record.Updated)
	if tag != "" {
		text += "\n" + dialog.Tr(l, "import_tag", tag)
	}
	if n := len(res.Claims); n > 0 {
		text += "\n\n" + dialog.Tr(l, "import_claimable", n)
	}
	text += "\n\n" + dialog.Tr(l, "list_undo_hint", int(store.ImportUndoTTL/(24*time.Hour)))
	return dialog.Reply{Text: text, Buttons: [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_undo_import"), Button: dialog.Action(aAdmin, subUndo+"."+orDash(res.Record.ID))},
	}}}
}

// undoImport reverts the last import of an organizer's list: /undo_import.
func (dk *Desk) undoImport(ctx context.Context, l matcher.Lang, in Incoming, out Sender) error {
	if dk.o.Lists == nil {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "import_unavailable")})
	}
	res, err := dk.o.Lists.Undo(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "undo_none")})
	}
	if err != nil {
		return err
	}
	dk.log.Info("import undone", "chat_id", in.ChatID, "import", res.Import.ID, "restored", res.Restored, "removed", res.Removed)
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "undo_done", res.Import.List, res.Restored, res.Removed, len(res.Kept))})
}

// chatLimits states the limits of a list sent in chat: Telegram lets a
// bot fetch less than a list may hold (dataset.Limits).
func chatLimits(l matcher.Lang) string {
	return dialog.Tr(l, "list_limits", min(MaxFetchBytes, dataset.MaxFileBytes)>>20, dataset.MaxListRows)
}

// orDash is s, or "-" when empty (a button's value is never empty).
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
