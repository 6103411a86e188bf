package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
)

// evalReport is the output of `duijie eval --json`.
type evalReport struct {
	Profiles    int                 `json:"profiles"`
	Judgements  int                 `json:"judgements"`
	NeedToOffer matcher.EvalSummary `json:"need_to_offer"`
	OfferToNeed matcher.EvalSummary `json:"offer_to_need"`
}

func cmdEval(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	profiles := fs.String("profiles", "", "labelled profiles (.jsonl or .csv)")
	qrels := fs.String("qrels", "", "graded pairs: need_id<TAB>offer_id<TAB>grade")
	asJSON := fs.Bool("json", false, "print JSON with every query's ranking")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *profiles == "" || *qrels == "" {
		fmt.Fprintln(stderr, "usage: duijie eval --profiles FILE --qrels FILE [--json]")
		return errUsage
	}
	rows, _, err := readProfilesFile(*profiles, stderr)
	if err != nil {
		return err
	}
	qf, err := os.Open(*qrels)
	if err != nil {
		return err
	}
	defer qf.Close()
	judged, err := dataset.ReadQrels(qf)
	if err != nil {
		return err
	}
	// A fresh embedded store, whatever REDIS_URL says: evaluation must not
	// touch real data.
	cfg.RedisURL, cfg.NoDemo = "", true
	app, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer app.Close()
	if _, err := app.importRows(ctx, rows, nil); err != nil {
		return err
	}
	// The queries are the profiles as stored, normalized like any import.
	var stored []matcher.Profile
	if err := app.Store.Profiles(ctx, func(p matcher.Profile) error {
		stored = append(stored, p)
		return nil
	}); err != nil {
		return err
	}
	rep := evalReport{Profiles: len(rows), Judgements: len(judged),
		NeedToOffer: matcher.Evaluate(app.Index, stored, judged, matcher.KindNeed),
		OfferToNeed: matcher.Evaluate(app.Index, stored, judged, matcher.KindOffer)}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "%d profiles, %d judged pairs\n", rep.Profiles, rep.Judgements)
	for _, d := range []struct {
		name string
		s    matcher.EvalSummary
	}{{"need → offer", rep.NeedToOffer}, {"offer → need", rep.OfferToNeed}} {
		fmt.Fprintf(stdout, "\n%-24s %8s %8s %10s\n", d.name, "queries", "NDCG@5", "recall@10")
		row := func(name string, g matcher.EvalGroup) {
			fmt.Fprintf(stdout, "%-24s %8d %8.3f %10.3f\n", name, g.Queries, g.NDCG5, g.Recall)
		}
		row("all", d.s.EvalGroup)
		for _, by := range []struct {
			name string
			m    map[string]matcher.EvalGroup
		}{{"languages", d.s.ByPair}, {"need's domain", d.s.ByScope}} {
			keys := make([]string, 0, len(by.m))
			for k := range by.m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				row("  "+by.name+" "+k, by.m[k])
			}
		}
	}
	return nil
}
