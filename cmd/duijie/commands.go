package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/bot/notify"
	"github.com/duijie/duijie/bot/telegram"
	"github.com/duijie/duijie/bot/wxchannel"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/metrics"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/wechat"
)

// parseFlags parses a subcommand's flags; -h and bad flags print its
// usage (the flag package does) and return errUsage.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	return nil
}

// readProfilesFile reads an import file (format by extension or content)
// and reports each rejected row on stderr.
func readProfilesFile(name string, stderr io.Writer) ([]dataset.Row, []dataset.RowError, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(64)
	rows, bad, err := dataset.Read(br, dataset.FormatOf(name, head), time.Now())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, b := range bad {
		fmt.Fprintf(stderr, "%s: %v\n", name, b)
	}
	return rows, bad, nil
}

// beforeLoad runs as serve starts loading the index; tests hold it there.
var beforeLoad = func(context.Context) error { return nil }

func cmdServe(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.flags(fs)
	fs.StringVar(&cfg.TelegramAPIURL, "telegram-api", cfg.TelegramAPIURL, "Bot API server URL (env TELEGRAM_API_URL)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if cfg.TelegramToken == "" && !cfg.WeChatOn() {
		return errors.New("neither TELEGRAM_BOT_TOKEN nor WECHAT_APP_ID is set; get a token from @BotFather, configure a WeChat Official Account, or try `duijie chat` on this terminal")
	}
	log := newLogger(cfg.LogLevel)
	log.Info("duijie serve starting", "config", cfg.String())
	cfg.lateIndex = true // loaded below, once /healthz can say so
	app, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	m := metrics.New()
	m.Gauge("duijie_index_profiles", "Profiles in the match index.", func() float64 { return float64(app.Index.Len()) })
	m.Gauge("duijie_outbox_backlog", "Notifications waiting in the outbox.", func() float64 {
		n, _ := app.Store.OutboxLen(context.Background())
		return float64(n)
	})
	// Notifications (new matches, introductions, contacts) go through the
	// durable outbox and one paced broadcast sender, to each user by
	// their channel; direct replies do not wait behind them.
	var route wxchannel.Router
	if cfg.TelegramToken != "" {
		api, err := telegram.NewBotAPI(cfg.TelegramToken, cfg.TelegramAPIURL, nil)
		if err != nil {
			return err
		}
		route.Telegram = api
	}
	app.StartEngine(notify.OutboxMessenger{Outbox: app.Store, Metrics: m}, m)
	var wx *wxchannel.Channel
	var wxHandler http.Handler
	if cfg.WeChatOn() {
		if wx, wxHandler, err = openWeChat(cfg, app, log); err != nil {
			return err
		}
		route.WeChat = wx
	}
	bc := notify.NewBroadcaster(route, app.Store, notify.BroadcasterOptions{Metrics: m}, log)
	var tele *telegram.Bot
	if cfg.TelegramToken != "" {
		tele, err = telegram.New(ctx, telegram.Options{Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIURL, PollTimeout: cfg.PollTimeout,
			WebhookURL: cfg.WebhookURL, WebhookSecret: cfg.WebhookSecret, Inbox: app.Store, Leases: app.Store, Limiter: app.Store, Metrics: m, Broadcasts: bc, Replica: cfg.Replica,
			Admins: cfg.AdminIDs},
			app.Engine, app.Store, bot.NewCachedUsers(app.Store), log)
		if err != nil {
			return err
		}
	}
	app.imports = importOptions{useModel: true, concurrency: DefaultImportConcurrency}
	if tele != nil {
		if name, err := tele.Username(ctx); err == nil {
			app.Organizers.BotUsername = name // claim links name the bot that serves them
		} else if app.Organizers.BotUsername == "" {
			log.Warn("bot username unknown; claim lists carry codes without links", "err", err)
		}
	}
	follow, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	// A stable consumer name lets a restarted replica take back at once what
	// it had in hand when it stopped.
	notifier := notify.NewNotifier(app.Store, bc, notify.NotifierOptions{Consumer: cfg.Replica, Leases: app.Store, Metrics: m}, log)
	notified := make(chan struct{})
	go func() {
		defer close(notified)
		if err := notifier.Run(follow); err != nil {
			log.Error("notifier stopped", "err", err)
		}
	}()
	// The notifier records what it sent before the store closes.
	defer func() {
		stopFollow()
		<-notified
	}()

	var servers []*http.Server
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, srv := range servers {
			srv.Shutdown(sctx)
		}
	}()
	if cfg.MetricsAddr != "" {
		health := &metrics.Health{Log: log}
		health.Add("redis", app.Store.Ping)
		health.Add("index", app.Loading)
		if tele != nil {
			health.Add("telegram", tele.Alive)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		mux.Handle("GET /healthz", health)
		srv, err := listen(cfg.MetricsAddr, "METRICS_ADDR", mux, log)
		if err != nil {
			return err
		}
		servers = append(servers, srv)
	}
	webhook := tele != nil && cfg.WebhookURL != ""
	if webhook || wxHandler != nil {
		mux := http.NewServeMux()
		if webhook {
			u, err := url.Parse(cfg.WebhookURL)
			if err != nil {
				return fmt.Errorf("WEBHOOK_URL: %w", err)
			}
			mux.Handle("POST "+orDefault(u.Path, "/"), tele.WebhookHandler())
		}
		if wxHandler != nil {
			mux.Handle(WeChatPath, wxHandler)
		}
		srv, err := listen(cfg.HTTPAddr, "HTTP_ADDR", mux, log)
		if err != nil {
			return err
		}
		servers = append(servers, srv)
	}
	// Updates that arrive while the index loads wait: in the inbox (the
	// webhooks take them) or at Telegram (polling has not started).
	if err = beforeLoad(ctx); err == nil {
		err = app.LoadIndex(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while loading
		}
		return err
	}
	// The limit follows the live heap, which the index now fills.
	if err := limitMemory(ctx, os.Getenv("MEMORY_LIMIT"), log); err != nil {
		return err
	}
	go app.FollowChanges(follow)
	go app.WatchNewMatches(follow, cfg.Replica)
	// The jobs start once the index is loaded: the expiry sweep takes its
	// candidates from it.
	go runJobs(follow, app.Engine, app.Store, cfg.Replica, cfg.ProfileTTL, log)
	// Both channels run side by side; serve returns when both are done.
	wxDone := make(chan struct{})
	go func() {
		defer close(wxDone)
		if wx != nil {
			wx.Run(ctx)
		}
	}()
	switch {
	case webhook:
		err = tele.RunWebhook(ctx)
	case tele != nil:
		err = tele.Run(ctx)
	default:
		<-ctx.Done()
	}
	<-wxDone
	// An import an organizer confirmed finishes, so that it is never half applied.
	app.Organizers.Wait()
	return err
}

// openWeChat wires the WeChat channel: the API client, the push handler
// storing into the store's inbox, and the channel that handles them.
func openWeChat(cfg Config, app *App, log *slog.Logger) (*wxchannel.Channel, http.Handler, error) {
	client, err := wechat.NewClient(cfg.WeChat, log)
	if err != nil {
		return nil, nil, err
	}
	h, err := wechat.NewHandler(cfg.WeChat, app.Store, log)
	if err != nil {
		return nil, nil, err
	}
	ch := wxchannel.New(app.Store, wechat.NewSender(client), app.Engine,
		wxchannel.Options{Replica: cfg.Replica, Users: bot.NewCachedUsers(app.Store), Limiter: app.Store}, log)
	log.Info("wechat channel on", "path", WeChatPath)
	return ch, h, nil
}

// listen serves h on addr (named by setting in errors) until the returned
// server is shut down.
func listen(addr, setting string, h http.Handler, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s %s: %w", setting, addr, err)
	}
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Info("http serving", "setting", setting, "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server failed", "setting", setting, "err", err)
		}
	}()
	return srv, nil
}

func cmdChat(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	cfg.flags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	// The console is for people: only warnings reach the terminal.
	level := max(cfg.LogLevel, slog.LevelWarn)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	app, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	fmt.Fprintln(stdout, "Duijie console — type a number to press a button, /help for commands, /quit or Ctrl-D to leave.")
	e := app.StartEngine(nil, nil)
	console := bot.NewConsole(e, stdin, stdout)
	e.SetMessenger(bot.DirectMessenger{Sender: console})
	app.imports = importOptions{useModel: true, concurrency: DefaultImportConcurrency}
	// New-match notices are sent by the serving replicas, which follow
	// the change stream; the console sends none of its own.
	return console.Run(ctx)
}

func cmdImport(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	cfg.flags(fs)
	dry := fs.Bool("dry-run", false, "check the file and report, store nothing")
	concurrency := fs.Int("concurrency", DefaultImportConcurrency, "rows read by the model at once (with OPENAI_API_KEY or OPENAI_BASE_URL)")
	tag := fs.String("tag", "", "add this event tag to every row")
	claims := fs.String("claims", "", "write the claim codes and links of the profiles without an owner to this CSV file")
	username := fs.String("bot-username", cfg.BotUsername, "the bot's username, for the claim links (env BOT_USERNAME)")
	undo := fs.Bool("undo", false, "revert the last import of an organizer's list")
	template := fs.String("template", "", "write the template workbook for organizers' lists to this .xlsx file")
	lang := fs.String("lang", "en", "language of an organizer's list preview: zh or en")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *template != "" {
		return writeTemplate(*template, stdout)
	}
	if *undo || fs.NArg() == 1 {
		lo := listImport{undo: *undo, tag: *tag, lang: matcher.ParseLang(*lang), dry: *dry, claims: *claims, username: *username}
		if done, err := importOrganizerList(ctx, cfg, fs.Arg(0), lo, stdout, stderr); done {
			return err
		}
	}
	if err := cfg.setBotUsername(*username); fs.NArg() != 1 || *concurrency < 1 || err != nil {
		if err != nil {
			fmt.Fprintln(stderr, err)
		}
		fmt.Fprintln(stderr, "usage: duijie import [--dry-run] [--concurrency N] [--tag EVENT] [--claims FILE.csv [--bot-username NAME]] FILE.jsonl|FILE.csv|FILE.xlsx")
		return errUsage
	}
	return importFile(ctx, cfg, fs.Arg(0), fileImport{dry: *dry, tag: *tag, claims: *claims, concurrency: *concurrency}, stdout, stderr)
}

// writeClaims writes the claim list of an import to file (none when
// file is empty), in the order of the rows.
func writeClaims(file string, list []bot.ClaimRow, username string, stdout, stderr io.Writer) error {
	if len(list) > 0 && file != "" {
		if err := writeFile(file, func(w io.Writer) error { return bot.WriteClaims(w, list, username) }); err != nil {
			return err
		}
	}
	claimsWritten(file, len(list), username, stdout, stderr)
	return nil
}

// claimsWritten says where the claim codes of the n profiles without an
// owner an import gave are: in file, or to be asked for.
func claimsWritten(file string, n int, username string, stdout, stderr io.Writer) {
	switch {
	case n == 0:
	case file == "":
		fmt.Fprintf(stderr, "%d profiles have no owner yet; --claims FILE writes their claim codes (or send /claims to the bot)\n", n)
	default:
		fmt.Fprintf(stdout, "claim codes of %d profiles written to %s\n", n, file)
		if username == "" {
			fmt.Fprintln(stderr, "note: without BOT_USERNAME (or --bot-username) the list has codes but no links; owners send /claim CODE to the bot")
		}
	}
}

// claimRows pairs the rows that have a claim code with it.
func claimRows(rows []dataset.Row, codes map[string]string) []bot.ClaimRow {
	var list []bot.ClaimRow
	for _, r := range rows {
		if code := codes[r.Profile.ID]; code != "" {
			list = append(list, bot.ClaimRow{Profile: r.Profile, Code: code})
		}
	}
	return list
}

func cmdExport(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	cfg.flags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	cfg.noIndex = true
	log := newLogger(max(cfg.LogLevel, slog.LevelWarn))
	app, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	var ps []matcher.Profile
	if err := app.Store.Profiles(ctx, func(p matcher.Profile) error {
		ps = append(ps, p)
		return nil
	}); err != nil {
		return err
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	w, name := stdout, ""
	if fs.NArg() > 0 {
		name = fs.Arg(0)
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		err = dataset.WriteCSV(bw, ps)
	} else {
		err = dataset.WriteJSONL(bw, ps)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if name != "" {
		fmt.Fprintf(stderr, "%d profiles written to %s\n", len(ps), name)
	}
	return nil
}

// matchJSON is one line of `duijie match --json`.
type matchJSON struct {
	Rank      int           `json:"rank"`
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Org       string        `json:"org,omitempty"`
	Score     float64       `json:"score"`
	Percent   int           `json:"percent"` // the number users see (Match.Percent)
	Band      matcher.Band  `json:"band"`    // strong, good, possible or weak
	Reason    string        `json:"reason"`
	Fit       []string      `json:"fit,omitempty"`
	Concepts  []string      `json:"concepts,omitempty"`
	Related   []string      `json:"related,omitempty"`
	Terms     []string      `json:"terms,omitempty"`
	FitDetail []matcher.Fit `json:"fit_detail,omitempty"`
}

func cmdMatch(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	cfg.flags(fs)
	id := fs.String("profile", "", "id of the stored profile whose counterparts to rank")
	top := fs.Int("top", matcher.DefaultLimit, "number of counterparts")
	asJSON := fs.Bool("json", false, "print JSON")
	lang := fs.String("lang", "", "language of the reasons: zh or en (default: the profile's)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *id == "" {
		fmt.Fprintln(stderr, "usage: duijie match --profile ID [--top N] [--json]")
		return errUsage
	}
	log := newLogger(max(cfg.LogLevel, slog.LevelWarn))
	app, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	p, err := app.Store.Profile(ctx, *id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no profile %q", *id)
	}
	if err != nil {
		return err
	}
	l := p.Lang
	if *lang != "" {
		l = matcher.ParseLang(*lang)
	}
	q, err := matcher.ShownQuery(ctx, app.Store, p, *top)
	if err != nil {
		return err
	}
	matches := app.Index.Rank(q)
	team, hasTeam := app.Index.Team(q)
	if *asJSON {
		out := make([]matchJSON, len(matches))
		for i, m := range matches {
			ex := app.Tax.Explain(m, p.Kind, l)
			out[i] = matchJSON{Rank: i + 1, ID: m.Profile.ID, Title: m.Profile.Title, Org: m.Profile.Org, Score: round3(m.Score),
				Percent: m.Percent(), Band: m.Band(),
				Reason: ex.Reason, Fit: ex.Fit, Concepts: m.Concepts, Related: m.Related, Terms: m.Terms, FitDetail: m.Fit}
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		res := map[string]any{"profile": p.ID, "kind": p.Kind, "title": p.Title, "matches": out}
		if hasTeam {
			res["team"] = teamJSON(app.Tax, team, l)
		}
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "%s [%s] %s\n", p.ID, p.Kind, p.Title)
	if len(matches) == 0 {
		fmt.Fprintln(stdout, "  no counterparts")
	}
	for i, m := range matches {
		ex := app.Tax.Explain(m, p.Kind, l)
		fmt.Fprintf(stdout, "%2d. %-10s %3d%% %-8s %.3f  %s\n    %s\n", i+1, m.Profile.ID, m.Percent(), m.Band(), m.Score, m.Profile.Title, ex.Reason)
		if len(ex.Fit) > 0 {
			fmt.Fprintf(stdout, "    %s\n", strings.Join(ex.Fit, " · "))
		}
	}
	if hasTeam {
		fmt.Fprintf(stdout, "linkage team: covers %d of %d facets (best single offer %d)\n", team.Covered, team.Facets, team.Best)
		for _, m := range team.Members {
			fmt.Fprintf(stdout, "  %-10s %s\n    covers: %s\n", m.Profile.ID, m.Profile.Title, strings.Join(app.Tax.ConceptLabels(m.Facets, l, len(m.Facets)), ", "))
		}
	}
	return nil
}

// teamJSON is a linkage team as `duijie match --json` prints it.
func teamJSON(tax *matcher.Taxonomy, t matcher.Team, l matcher.Lang) map[string]any {
	var members []map[string]any
	for _, m := range t.Members {
		members = append(members, map[string]any{"id": m.Profile.ID, "title": m.Profile.Title,
			"facets": m.Facets, "covers": tax.ConceptLabels(m.Facets, l, len(m.Facets))})
	}
	return map[string]any{"covered": t.Covered, "facets": t.Facets, "best_single": t.Best, "members": members}
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
