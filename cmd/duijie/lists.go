package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Organizers' lists on the command line: `duijie import` reads a CSV or
// XLSX list whose header is not the export's (id, kind, title,
// description) as an organizer's list (dataset.ReadList), shows the plan
// and applies it; `--undo` reverts the last such import and
// `--template FILE` writes the template workbook.

// importList plans an organizer's list against the store, prints the
// preview, and unless dry applies it.
func importList(ctx context.Context, app *App, name string, data []byte, lo listImport, stdout, stderr io.Writer) error {
	lists := bot.NewLists(app.Store, app.Tax, nil)
	pi, err := lists.Plan(ctx, name, data, lo.tag, lo.lang)
	var fe *dataset.FileError
	if errors.As(err, &fe) {
		fmt.Fprintf(stderr, "%s: %s\n", name, fe.Message(lo.lang))
		return errUsage
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, pi.Preview(lo.lang))
	if lo.dry {
		return nil
	}
	res, err := lists.Apply(ctx, pi, lo.replica)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d new, %d updated (import %s; `duijie import --undo` reverts it)\n", name, res.Record.New, res.Record.Updated, orDefault(res.Record.ID, "-"))
	return writeClaims(lo.claims, res.Claims, lo.username, stdout, stderr)
}

// undoImport reverts the last import of an organizer's list.
func undoImport(ctx context.Context, app *App, stdout io.Writer) error {
	res, err := bot.NewLists(app.Store, app.Tax, nil).Undo(ctx)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintln(stdout, "no import to undo")
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "import %s of %s undone: %d restored, %d removed, %d kept by their owners\n",
		res.Import.ID, res.Import.List, res.Restored, res.Removed, len(res.Kept))
	return nil
}

// writeTemplate writes the template workbook to file.
func writeTemplate(file string, stdout io.Writer) error {
	b, err := dataset.Template()
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "template written to %s\n", file)
	return nil
}

// listImport is what `duijie import` was asked to do with an
// organizer's list.
type listImport struct {
	undo, dry bool
	tag       string
	lang      matcher.Lang
	claims    string // file for the claim codes; none when empty
	username  string // the bot's, for claim links
	replica   string // this process, holding the import lease
}

// importOrganizerList runs `duijie import --undo`, or imports name when
// it is an organizer's list; done is false when name is for the export
// format's import.
func importOrganizerList(ctx context.Context, cfg Config, name string, lo listImport, stdout, stderr io.Writer) (done bool, err error) {
	var data []byte
	if !lo.undo {
		// A text file is told by its header: a large export is not read
		// whole here, but streamed by importFile.
		head, err := readHead(name)
		if err != nil {
			return true, err
		}
		if dataset.FormatOf(name, head) != dataset.XLSX && !bot.IsList(name, head) {
			return false, nil
		}
		if data, err = readLimited(name); err != nil {
			return true, err
		}
		if !bot.IsList(name, data) {
			return false, nil
		}
	}
	if err := cfg.setBotUsername(lo.username); err != nil {
		fmt.Fprintln(stderr, err)
		return true, errUsage
	}
	lo.username, lo.tag, lo.replica = cfg.BotUsername, strings.TrimSpace(lo.tag), cfg.Replica
	cfg.NoDemo, cfg.noIndex = true, true
	app, err := Open(ctx, cfg, newLogger(max(cfg.LogLevel, slog.LevelWarn)))
	if err != nil {
		return true, err
	}
	defer app.Close()
	if lo.undo {
		return true, undoImport(ctx, app, stdout)
	}
	return true, importList(ctx, app, name, data, lo, stdout, stderr)
}

// readHead reads the first 64 KB of a file.
func readHead(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

// readLimited reads a file of at most dataset.MaxFileBytes.
func readLimited(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, dataset.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}
