package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/report"
)

// Files `duijie report` writes in its --out directory.
const (
	reportMarkdownFile = "report.md"
	reportCSVFile      = "report.csv"
	reportXLSXFile     = "report.xlsx"
	reportChartFile    = "report.png"
)

func cmdStats(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	cfg.flags(fs)
	days := fs.Int("days", report.DefaultDays, fmt.Sprintf("days shown one by one (at most %d)", report.MaxDays))
	lang := fs.String("lang", "en", "language: zh or en")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 0 || *days < 1 || *days > report.MaxDays {
		fmt.Fprintf(stderr, "usage: duijie stats [--days N (1-%d)] [--lang zh|en]\n", report.MaxDays)
		return errUsage
	}
	cfg.noIndex = true
	app, err := Open(ctx, cfg, newLogger(max(cfg.LogLevel, slog.LevelWarn)))
	if err != nil {
		return err
	}
	defer app.Close()
	s, err := report.CollectStats(ctx, app.Store, time.Now(), *days)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, s.Text(app.Tax, matcher.ParseLang(*lang)))
	return err
}

func cmdReport(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	cfg.flags(fs)
	since := fs.String("since", "", "only needs created on or after this day (YYYY-MM-DD, UTC)")
	tag := fs.String("tag", "", "only needs carrying this event tag")
	out := fs.String("out", ".", "directory to write "+reportMarkdownFile+" and "+reportCSVFile+" to")
	lang := fs.String("lang", "en", "language: zh or en")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	opts := report.Options{Tag: *tag, Lang: matcher.ParseLang(*lang), Now: time.Now()}
	if *since != "" {
		d, err := time.Parse(time.DateOnly, *since)
		if err != nil {
			fmt.Fprintf(stderr, "--since %q: want a day as YYYY-MM-DD\n", *since)
			return errUsage
		}
		opts.Since = d
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: duijie report [--since YYYY-MM-DD] [--tag EVENT] [--out DIR] [--lang zh|en]")
		return errUsage
	}
	app, err := Open(ctx, cfg, newLogger(max(cfg.LogLevel, slog.LevelWarn)))
	if err != nil {
		return err
	}
	defer app.Close()
	r, err := bot.OrganizerReport(ctx, app.Store, app.Index, app.Tax, opts)
	if errors.Is(err, bot.ErrUnknownEvent) {
		fmt.Fprintln(stdout, r.UnknownTagText())
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	mdPath, csvPath := filepath.Join(*out, reportMarkdownFile), filepath.Join(*out, reportCSVFile)
	if err := writeFile(mdPath, r.WriteMarkdown); err != nil {
		return err
	}
	if err := writeFile(csvPath, r.WriteCSV); err != nil {
		return err
	}
	xlsxPath, chartPath := filepath.Join(*out, reportXLSXFile), filepath.Join(*out, reportChartFile)
	book, chart := r.Workbook, r.Chart
	if err := os.WriteFile(xlsxPath, book, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(chartPath, chart, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, r.Caption())
	fmt.Fprintf(stdout, "written to %s, %s, %s and %s\n\n%s\n", mdPath, csvPath, xlsxPath, chartPath, r.Summary())
	return nil
}

// writeFile creates name and fills it with write.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}

// tagRows adds an event tag to every row of file name that lacks it (rows
// keep their own tags). A row the tag would make invalid is rejected and
// reported on stderr.
func tagRows(rows []dataset.Row, bad []dataset.RowError, tag, name string, stderr io.Writer) ([]dataset.Row, []dataset.RowError) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return rows, bad
	}
	kept := rows[:0]
	for _, r := range rows {
		if !slices.ContainsFunc(r.Profile.Tags, func(t string) bool { return strings.EqualFold(t, tag) }) {
			r.Profile.Tags = append(slices.Clip(r.Profile.Tags), tag)
		}
		if err := r.Profile.Validate(); err != nil {
			e := dataset.RowError{Line: r.Line, ID: r.Profile.ID, Err: err}
			fmt.Fprintf(stderr, "%s: %v\n", name, e)
			bad = append(bad, e)
			continue
		}
		kept = append(kept, r)
	}
	return kept, bad
}
