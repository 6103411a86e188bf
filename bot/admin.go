package bot

import (
	"bytes"
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/report"
	"github.com/duijie/duijie/store"
)

// Organizers: the commands and buttons only admins may use — statistics,
// the docking report, claim codes, messages held in broker mode — and
// the import of a list sent as a file (import.go). Claiming a profile
// (claim.go) is open to whoever holds its code; its button shares the
// organizers' action name. Broker mode is in broker.go.

// Organizers configures what organizers can do. Without it
// (Engine.Organizers nil) admin commands are refused to everyone, files
// are not read and profiles cannot be claimed.
type Organizers struct {
	// Admins are the Telegram user ids of the organizers.
	Admins map[int64]bool
	// Broker holds introduction requests and new-match notices until an
	// admin approves them.
	Broker bool
	// Store holds what statistics and reports read, claim codes and held
	// messages.
	Store OrganizerStore
	// Importer stores the lists admins send; nil: lists are not imported.
	Importer Importer
	// BotUsername makes claim deep links (t.me/<name>?start=claim_<code>);
	// empty: claim lists carry codes only.
	BotUsername string
	// ProgressFrom is the number of rows from which an import shows its
	// progress in a message it edits (default 200).
	ProgressFrom int
	// ProgressEvery is the least time between two edits of that message
	// (default 3 s).
	ProgressEvery time.Duration
	// ImportTimeout bounds one import, which may outlast the deadline of
	// an update (default 30 min).
	ImportTimeout time.Duration
}

// Defaults of Organizers.
const (
	DefaultProgressFrom  = 200
	DefaultProgressEvery = 3 * time.Second
	DefaultImportTimeout = 30 * time.Minute
)

// OrganizerStore is what organizers' features need of the store.
type OrganizerStore interface {
	report.StatsSource
	report.ReportSource
	ClaimStore
	HeldStore
}

// ClaimStore keeps the claim codes of profiles without an owner (see store.ClaimCodes).
type ClaimStore interface {
	ClaimCodes(ctx context.Context, ids []string) (map[string]string, error)
	LookupClaim(ctx context.Context, code string) (string, store.ClaimState, error)
	ClaimProfile(ctx context.Context, code string, user int64, now time.Time) (matcher.Profile, store.ClaimState, error)
	AddressIntros(ctx context.Context, profileID string, owner int64, now time.Time) ([]store.Intro, error)
}

// HeldStore keeps the messages held for approval in broker mode (see store.HoldMessage).
type HeldStore interface {
	HoldMessage(ctx context.Context, h store.Held, now time.Time) (store.Held, error)
	DecideHeld(ctx context.Context, id string, approve bool) (store.Held, bool, error)
	ReopenHeld(ctx context.Context, id string) error
	PendingHeld(ctx context.Context) ([]store.Held, error)
	ForgetHeld(ctx context.Context, user int64) error
	RejectIntro(ctx context.Context, id string) error
}

var _ OrganizerStore = (*store.Store)(nil)

// AdminCommands are the organizers' commands, for their command menu.
var AdminCommands = []string{"stats", "report", "claims", "pending", "admin"}

// Sub-actions of aAdmin buttons: "<sub>.<value>".
const (
	subClaim   = "c"  // value: claim code; confirms a claim
	subApprove = "ok" // value: held message id
	subReject  = "no" // value: held message id
)

func (e *Engine) isAdmin(user int64) bool {
	return e.Organizers != nil && user != 0 && e.Organizers.Admins[user]
}

// langFor is the language to answer in: the session's, else the client's.
func langFor(s *dialog.Session, in Incoming) matcher.Lang {
	switch {
	case s.Lang != "":
		return s.Lang
	case in.Input.LangHint != "":
		return in.Input.LangHint
	}
	return matcher.LangEN
}

// adminCommand performs an organizer's command, and the claim commands.
// It reports false for commands that are neither.
func (e *Engine) adminCommand(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (bool, error) {
	cmd, arg := in.Input.Command, in.Input.Arg
	l := langFor(s, in)
	switch {
	case cmd == "start" && strings.HasPrefix(arg, claimPrefix) && e.Organizers != nil:
		return true, e.showClaim(ctx, l, in, strings.TrimPrefix(arg, claimPrefix), out)
	case cmd == "claim" && e.Organizers != nil:
		return true, e.showClaim(ctx, l, in, arg, out)
	case !isAdminCommand(cmd):
		return false, nil
	case !e.isAdmin(in.UserID):
		e.log.Info("admin command refused", "chat_id", in.ChatID, "command", cmd)
		return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "admin_only")})
	}
	e.log.Info("admin command", "chat_id", in.ChatID, "command", cmd)
	switch cmd {
	case "stats":
		return true, e.statsCommand(ctx, l, in, arg, out)
	case "report":
		return true, e.reportCommand(ctx, l, in, arg, out)
	case "claims":
		return true, e.claimsCommand(ctx, l, in, arg, out)
	case "pending":
		return true, e.pendingCommand(ctx, l, in, out)
	}
	return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "admin_help")})
}

func isAdminCommand(cmd string) bool {
	for _, c := range AdminCommands {
		if c == cmd {
			return true
		}
	}
	return false
}

// adminAction performs an organizer's button, or the confirmation of a
// claim.
func (e *Engine) adminAction(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	l := langFor(s, in)
	sub, value, _ := strings.Cut(b.Value, ".")
	switch {
	case e.Organizers == nil || value == "":
	case sub == subClaim:
		return e.confirmClaim(ctx, l, in, value, out)
	case sub != subApprove && sub != subReject:
	case !e.isAdmin(in.UserID):
		e.log.Info("admin button refused", "chat_id", in.ChatID)
		return dialog.Tr(l, "admin_only_toast"), nil
	default:
		return e.decideHeld(ctx, l, in, value, sub == subApprove, out)
	}
	return dialog.Tr(l, "stale_toast"), nil
}

// statsCommand sends the statistics: /stats [DAYS].
func (e *Engine) statsCommand(ctx context.Context, l matcher.Lang, in Incoming, arg string, out Sender) error {
	days := report.DefaultDays
	if arg != "" {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > report.MaxDays {
			return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "stats_usage", report.MaxDays)})
		}
		days = n
	}
	st, err := report.CollectStats(ctx, e.Organizers.Store, e.now(), days)
	if err != nil {
		return err
	}
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: st.Text(e.dialog.Tax, l)})
}

// reportCommand sends the docking report as Markdown and CSV:
// /report [EVENT] [YYYY-MM-DD]; the date is the earliest creation day of
// the needs reported.
func (e *Engine) reportCommand(ctx context.Context, l matcher.Lang, in Incoming, arg string, out Sender) error {
	opts := report.Options{Lang: l, Now: e.now()}
	var tag []string
	for _, f := range strings.Fields(arg) {
		if d, err := time.Parse(time.DateOnly, f); err == nil {
			opts.Since = d
			continue
		}
		tag = append(tag, f)
	}
	opts.Tag = strings.Join(tag, " ")
	stop := keepTyping(ctx, out, in.ChatID)
	r, err := report.Build(ctx, e.Organizers.Store, e.ranker, e.dialog.Tax, opts)
	stop()
	if err != nil {
		return err
	}
	var md, csv bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		return err
	}
	if err := r.WriteCSV(&csv); err != nil {
		return err
	}
	if err := out.SendDocument(ctx, in.ChatID, Document{Name: r.FileName("md"), Data: md.Bytes(), Caption: r.Caption()}); err != nil {
		return err
	}
	return out.SendDocument(ctx, in.ChatID, Document{Name: r.FileName("csv"), Data: csv.Bytes()})
}

// claimsCommand sends the claim codes and links of the profiles nobody
// owns (demo profiles aside) as CSV: /claims [EVENT].
func (e *Engine) claimsCommand(ctx context.Context, l matcher.Lang, in Incoming, tag string, out Sender) error {
	var ps []matcher.Profile
	err := e.Organizers.Store.Profiles(ctx, func(p matcher.Profile) error {
		if p.OwnerID == 0 && !p.Demo && (tag == "" || hasTag(p, tag)) {
			ps = append(ps, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claims_none")})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	codes, err := e.Organizers.Store.ClaimCodes(ctx, ids)
	if err != nil {
		return err
	}
	rows := make([]ClaimRow, len(ps))
	for i, p := range ps {
		rows[i] = ClaimRow{Profile: p, Code: codes[p.ID]}
	}
	var b bytes.Buffer
	if err := WriteClaims(&b, rows, e.Organizers.BotUsername); err != nil {
		return err
	}
	name := "duijie-claims"
	if tag != "" {
		name += "-" + fileSafe(tag)
	}
	name += "-" + e.now().UTC().Format(time.DateOnly) + ".csv"
	return out.SendDocument(ctx, in.ChatID, Document{Name: name, Data: b.Bytes(), Caption: dialog.Tr(l, "claims_caption", len(rows))})
}

// hasTag reports whether p carries the event tag, in any letter case.
func hasTag(p matcher.Profile, tag string) bool {
	for _, t := range p.Tags {
		if strings.EqualFold(strings.TrimSpace(t), strings.TrimSpace(tag)) {
			return true
		}
	}
	return false
}

// fileSafe makes s usable in a file name.
func fileSafe(s string) string {
	return strings.Map(func(c rune) rune {
		if c == '/' || c == '\\' || c == ' ' || c < 0x20 {
			return '_'
		}
		return c
	}, s)
}
