package bot

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/event"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/redact"
	"github.com/duijie/duijie/report"
	"github.com/duijie/duijie/store"
)

// Organizers: the commands and buttons only admins may use — statistics,
// the docking report, claim codes, messages held in broker mode — and
// the import of a list sent as a file (import.go). Claiming a profile
// (claim.go) is open to whoever holds its code; its button shares the
// organizers' action name. Broker mode is in broker.go.

// Organizers configures what organizers can do. Without it
// (Options.Organizers nil) admin commands are refused to everyone, files
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
	// Importer stores the files in the export's format admins send; nil:
	// those are not imported.
	Importer Importer
	// Lists plans and applies organizers' lists (CSV or XLSX made by
	// people) that admins send, after their confirmation; nil: those are
	// not imported.
	Lists *Lists
	// Replica names this process among replicas, as the holder of the
	// import lease (default "bot").
	Replica string
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

	jobs sync.WaitGroup // imports running in the background
}

// Wait returns once the imports running in the background are done.
func (o *Organizers) Wait() { o.jobs.Wait() }

func (o *Organizers) replica() string {
	if o.Replica == "" {
		return "bot"
	}
	return o.Replica
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
	EventStore
}

// EventStore counts who arrived by an event's link and what they
// published (see store.ArriveByEvent).
type EventStore interface {
	ArriveByEvent(ctx context.Context, tag string, user int64) error
	UserEvent(ctx context.Context, user int64) (string, error)
	EventProfile(ctx context.Context, tag, profileID string) error
	NoteEvent(ctx context.Context, tag string) error
	KnownEvent(ctx context.Context, tag string) (bool, error)
	EventCountsOf(ctx context.Context, tag string) (store.EventCounts, error)
}

// ClaimStore keeps the claim codes of profiles without an owner (see store.ClaimCodes).
type ClaimStore interface {
	ClaimCodes(ctx context.Context, ids []string) (map[string]string, error)
	LookupClaim(ctx context.Context, code string) (string, store.ClaimState, error)
	ClaimProfile(ctx context.Context, code string, user int64, now time.Time) (matcher.Profile, store.ClaimState, error)
	AddressIntros(ctx context.Context, profileID string, owner int64, now time.Time) ([]store.Intro, error)
	// Contact is the private contact a list gave a profile (store.ErrNotFound: none).
	Contact(ctx context.Context, profileID string) (dataset.Contact, error)
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
var AdminCommands = []string{"stats", "report", "event", "template", "undo_import", "claims", "pending", "admin"}

// Sub-actions of aAdmin buttons: "<sub>.<value>".
const (
	subClaim   = "c"  // value: claim code; confirms a claim
	subApprove = "ok" // value: held message id
	subReject  = "no" // value: held message id
)

func (e *Engine) isAdmin(user int64) bool {
	return e.organizers != nil && user != 0 && e.organizers.Admins[user]
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
	case cmd == "start" && strings.HasPrefix(arg, claimPrefix) && e.organizers != nil:
		return true, e.showClaim(ctx, l, in, strings.TrimPrefix(arg, claimPrefix), out)
	case cmd == "start" && e.organizers != nil:
		if tag, ok := event.ParsePayload(arg); ok {
			// The arrival is counted; the greeting is the dialog's, as for any /start.
			if err := e.organizers.Store.ArriveByEvent(ctx, tag, in.UserID); err != nil {
				e.log.Warn("event arrival not recorded", "chat_id", in.ChatID, "event", tag, "err", err)
			}
		}
		return false, nil
	case cmd == "claim" && e.organizers != nil:
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
	case "event":
		return true, e.eventCommand(ctx, l, in, arg, out)
	case "template":
		return true, e.templateCommand(ctx, l, in, out)
	case "undo_import":
		return true, e.undoImport(ctx, l, in, out)
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
	case e.organizers == nil || value == "":
	case sub == subClaim:
		return e.confirmClaim(ctx, l, in, value, out)
	case sub != subApprove && sub != subReject && sub != subImport && sub != subCancel && sub != subUndo:
	case !e.isAdmin(in.UserID):
		e.log.Info("admin button refused", "chat_id", in.ChatID)
		return dialog.Tr(l, "admin_only_toast"), nil
	case sub == subImport || sub == subCancel || sub == subUndo:
		return e.importAction(ctx, l, in, sub, value, out)
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
	st, err := report.CollectStats(ctx, e.organizers.Store, e.now(), days)
	if err != nil {
		return err
	}
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Esc(st.Text(e.dialog.Tax, l))})
}

// reportCommand sends the docking report: /report [EVENT] [YYYY-MM-DD];
// the date is the earliest creation day of the needs reported. The
// summary is a message, the chart a picture and the workbook a file; an
// event nobody used is answered in words.
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
	r, err := OrganizerReport(ctx, e.organizers.Store, e.ranker, e.dialog.Tax, opts)
	stop()
	if errors.Is(err, ErrUnknownEvent) {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Esc(r.UnknownTagText())})
	}
	if err != nil {
		return err
	}
	if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Esc(r.Summary())}); err != nil {
		return err
	}
	if err := sendPicture(ctx, out, in.ChatID, Document{Name: r.FileName("png"), Data: r.Chart, Caption: dialog.Esc(r.Caption())}); err != nil {
		return err
	}
	return out.SendDocument(ctx, in.ChatID, Document{Name: r.FileName("xlsx"), Data: r.Workbook, Caption: dialog.Tr(l, "report_workbook")})
}

// ErrUnknownEvent is returned by OrganizerReport for a tag that no
// profile, list or link ever carried.
var ErrUnknownEvent = errors.New("unknown event")

// ReportStore is what an organizer's report reads.
type ReportStore interface {
	report.ReportSource
	KnownEvent(ctx context.Context, tag string) (bool, error)
	EventCountsOf(ctx context.Context, tag string) (store.EventCounts, error)
	ClaimCodes(ctx context.Context, ids []string) (map[string]string, error)
}

// BuiltReport is an organizer's report with its chart and workbook.
type BuiltReport struct {
	*report.Report
	Chart    []byte // PNG
	Workbook []byte // XLSX
}

// OrganizerReport builds the report of opts with the event's arrivals,
// its chart and its workbook, where the profiles introductions wait on
// carry their claim codes. For an unknown tag the error is
// ErrUnknownEvent and the report says so (UnknownTagText).
func OrganizerReport(ctx context.Context, st ReportStore, ranker report.Matcher, tax *matcher.Taxonomy, opts report.Options) (BuiltReport, error) {
	r, err := report.Build(ctx, publicSource{st, redact.Options{Lang: opts.Lang}}, publicRanker{ranker, redact.Options{Lang: opts.Lang}}, tax, opts)
	if err != nil {
		return BuiltReport{}, err
	}
	br := BuiltReport{Report: r}
	if r.Tag != "" {
		known, err := st.KnownEvent(ctx, r.Tag)
		if err != nil {
			return br, err
		}
		if r.TagUnknown() && !known {
			return br, ErrUnknownEvent
		}
		counts, err := st.EventCountsOf(ctx, r.Tag)
		if err != nil {
			return br, err
		}
		r.Arrivals = &counts
	}
	waiting := make([]string, len(r.Waiting))
	for i, w := range r.Waiting {
		waiting[i] = w.Profile.ID
	}
	codes, err := st.ClaimCodes(ctx, waiting)
	if err != nil {
		return br, err
	}
	if br.Workbook, err = r.Workbook(codes); err != nil {
		return br, err
	}
	br.Chart, err = r.Chart()
	return br, err
}

// eventCommand answers /event TAG with the event's deep link and its QR
// code picture; users who arrive by it, and what they publish, carry
// the tag.
func (e *Engine) eventCommand(ctx context.Context, l matcher.Lang, in Incoming, tag string, out Sender) error {
	tag = strings.TrimSpace(tag)
	if event.ValidTag(tag) != nil {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "event_usage", event.TagHelp(l))})
	}
	if e.organizers.BotUsername == "" {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "event_no_username")})
	}
	link, err := event.Link(e.organizers.BotUsername, tag)
	if err != nil {
		return err
	}
	png, err := event.QR(link, event.QRSize)
	if err != nil {
		return err
	}
	if err := e.organizers.Store.NoteEvent(ctx, tag); err != nil {
		return err
	}
	if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "event_link", tag, link)}); err != nil {
		return err
	}
	return sendPicture(ctx, out, in.ChatID, Document{Name: "event-" + tag + ".png", Data: png, Caption: dialog.Esc(link)})
}

// templateCommand sends the template workbook of organizers' lists.
func (e *Engine) templateCommand(ctx context.Context, l matcher.Lang, in Incoming, out Sender) error {
	b, err := dataset.Template()
	if err != nil {
		return err
	}
	return out.SendDocument(ctx, in.ChatID, Document{Name: dialog.Tr(l, "template_file"), Data: b,
		Caption: dialog.Tr(l, "template_caption") + "\n" + chatLimits(l)})
}

// Pictures is a Sender that can send a picture shown in the chat
// (Telegram's sendPhoto). Senders without it send the file as a document.
type Pictures interface {
	SendPhoto(ctx context.Context, chatID int64, d Document) error
}

// sendPicture sends a PNG as a picture, or as a file when out cannot.
func sendPicture(ctx context.Context, out Sender, chatID int64, d Document) error {
	if p, ok := out.(Pictures); ok {
		return p.SendPhoto(ctx, chatID, d)
	}
	return out.SendDocument(ctx, chatID, d)
}

// eventTag adds to p the tag of the event by whose link its owner
// arrived; the returned func records p under the event once stored.
func (e *Engine) eventTag(ctx context.Context, p *matcher.Profile, owner int64) (stored func(context.Context)) {
	stored = func(context.Context) {}
	if e.organizers == nil || owner == 0 {
		return stored
	}
	st := e.organizers.Store
	tag, err := st.UserEvent(ctx, owner)
	if err != nil || tag == "" {
		if err != nil {
			e.log.Warn("event of user not read", "err", err)
		}
		return stored
	}
	if !hasTag(*p, tag) {
		p.Tags = append(p.Tags, tag)
	}
	return func(ctx context.Context) {
		if err := st.EventProfile(ctx, tag, p.ID); err != nil {
			e.log.Warn("event profile not recorded", "profile_id", p.ID, "event", tag, "err", err)
		}
	}
}

// claimsCommand sends the claim codes and links of the profiles nobody
// owns (demo profiles aside) as CSV: /claims [EVENT].
func (e *Engine) claimsCommand(ctx context.Context, l matcher.Lang, in Incoming, tag string, out Sender) error {
	var ps []matcher.Profile
	err := e.organizers.Store.Profiles(ctx, func(p matcher.Profile) error {
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
	codes, err := e.organizers.Store.ClaimCodes(ctx, ids)
	if err != nil {
		return err
	}
	rows := make([]ClaimRow, len(ps))
	for i, p := range ps {
		rows[i] = ClaimRow{Profile: p, Code: codes[p.ID]}
	}
	var b bytes.Buffer
	if err := WriteClaims(&b, rows, e.organizers.BotUsername); err != nil {
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
