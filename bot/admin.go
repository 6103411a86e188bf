package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
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
// (Options.Organizers nil, organizersOff) admin commands are refused to
// everyone, files are not read, profiles cannot be claimed and messages
// are never held.
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
	// Profile returns the profile a code is for (store.ErrNotFound: gone).
	Profile(ctx context.Context, id string) (matcher.Profile, error)
}

// HeldStore keeps the messages held for approval in broker mode (see store.HoldMessage).
type HeldStore interface {
	HoldMessage(ctx context.Context, h store.Held, now time.Time) (store.Held, error)
	DecideHeld(ctx context.Context, id string, approve bool) (store.Held, bool, error)
	ReopenHeld(ctx context.Context, id string) error
	PendingHeld(ctx context.Context) ([]store.Held, error)
	ForgetHeld(ctx context.Context, user int64) error
	RejectIntro(ctx context.Context, id string) error
	// HoldIntro holds or releases an introduction request.
	HoldIntro(ctx context.Context, id string, held bool) error
	// GetUser tells who a held message is from or for.
	GetUser(ctx context.Context, id int64) (store.User, error)
}

var _ OrganizerStore = (*store.Store)(nil)

// Desk is the organizers' use case: their commands and buttons, the
// import of files they send (import.go), claims (claim.go) and broker
// mode (broker.go). It is the Broker, EventTagger and HeldForgetter of
// the other use cases.
type Desk struct {
	o         *Organizers
	ranker    Ranker
	tax       *matcher.Taxonomy
	views     *Views
	matches   *Matches
	intros    *Introductions // set once built: a claim sends the requests waiting on its profile
	messenger Messenger
	log       *slog.Logger
	now       func() time.Time
}

// organizing is what the engine and the other use cases need of the
// organizers: a Desk, or organizersOff when none are configured.
type organizing interface {
	Broker
	EventTagger
	HeldForgetter
	isAdmin(user int64) bool
	// command performs an organizer's command or a claim; false for
	// commands that are neither.
	command(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (bool, error)
	// action performs an organizer's button or a claim's confirmation.
	action(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error)
	// document handles a file sent to the bot.
	document(ctx context.Context, s *dialog.Session, in Incoming, out Sender) error
}

var (
	_ organizing = (*Desk)(nil)
	_ organizing = organizersOff{}
)

// NewDesk builds the organizers' use case on o.
func NewDesk(o *Organizers, ranker Ranker, tax *matcher.Taxonomy, views *Views, matches *Matches, messenger Messenger, log *slog.Logger, now func() time.Time) *Desk {
	return &Desk{o: o, ranker: ranker, tax: tax, views: views, matches: matches, messenger: messenger, log: log, now: now}
}

// ForgetHeld forgets the messages held for or from a user.
func (dk *Desk) ForgetHeld(ctx context.Context, user int64) error {
	return dk.o.Store.ForgetHeld(ctx, user)
}

// organizersOff stands for the organizers when none are configured:
// organizers' commands are refused, files are not read, nothing is
// claimed or held, and messages go straight to the messenger.
type organizersOff struct {
	messenger Messenger
	log       *slog.Logger
}

func (organizersOff) isAdmin(int64) bool { return false }

func (off organizersOff) command(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (bool, error) {
	if !isAdminCommand(in.Input.Command) {
		return false, nil
	}
	off.log.Info("admin command refused", "chat_id", in.ChatID, "command", in.Input.Command)
	return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(langFor(s, in), "admin_only")})
}

func (organizersOff) action(_ context.Context, s *dialog.Session, in Incoming, _ dialog.Button, _ Sender) (string, error) {
	return dialog.Tr(langFor(s, in), "stale_toast"), nil
}

func (off organizersOff) document(ctx context.Context, s *dialog.Session, in Incoming, out Sender) error {
	off.log.Info("upload refused", "chat_id", in.ChatID)
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(langFor(s, in), "upload_refused")})
}

func (organizersOff) Brokered() bool { return false }

func (off organizersOff) Deliver(ctx context.Context, m Outgoing) (bool, error) {
	return false, off.messenger.Notify(ctx, m.To, m.Key, m.Reply)
}

func (organizersOff) Note(context.Context, matcher.Profile, matcher.Profile) string { return "" }

func (organizersOff) ListContact(context.Context, matcher.Lang, matcher.Profile) string { return "" }

func (organizersOff) ContactGiven(context.Context, matcher.Profile, matcher.Profile) {}

func (organizersOff) EventTag(context.Context, *matcher.Profile, int64) func(context.Context) {
	return func(context.Context) {}
}

func (organizersOff) ForgetHeld(context.Context, int64) error { return nil }

// AdminCommands are the organizers' commands, for their command menu.
var AdminCommands = []string{"stats", "report", "event", "template", "undo_import", "claims", "pending", "admin"}

// Sub-actions of aAdmin buttons: "<sub>.<value>".
const (
	subClaim   = "c"  // value: claim code; confirms a claim
	subApprove = "ok" // value: held message id
	subReject  = "no" // value: held message id
)

// isAdmin reports whether user is an organizer.
func (dk *Desk) isAdmin(user int64) bool {
	return user != 0 && dk.o.Admins[user]
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

// command performs an organizer's command, and the claim commands.
// It reports false for commands that are neither.
func (dk *Desk) command(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (bool, error) {
	cmd, arg := in.Input.Command, in.Input.Arg
	l := langFor(s, in)
	switch {
	case cmd == "start" && strings.HasPrefix(arg, claimPrefix):
		return true, dk.showClaim(ctx, l, in, strings.TrimPrefix(arg, claimPrefix), out)
	case cmd == "start":
		if tag, ok := event.ParsePayload(arg); ok {
			// The arrival is counted; the greeting is the dialog's, as for any /start.
			if err := dk.o.Store.ArriveByEvent(ctx, tag, in.UserID); err != nil {
				dk.log.Warn("event arrival not recorded", "chat_id", in.ChatID, "event", tag, "err", err)
			}
		}
		return false, nil
	case cmd == "claim":
		return true, dk.showClaim(ctx, l, in, arg, out)
	case !isAdminCommand(cmd):
		return false, nil
	case !dk.isAdmin(in.UserID):
		dk.log.Info("admin command refused", "chat_id", in.ChatID, "command", cmd)
		return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "admin_only")})
	}
	dk.log.Info("admin command", "chat_id", in.ChatID, "command", cmd)
	switch cmd {
	case "stats":
		return true, dk.statsCommand(ctx, l, in, arg, out)
	case "report":
		return true, dk.reportCommand(ctx, l, in, arg, out)
	case "claims":
		return true, dk.claimsCommand(ctx, l, in, arg, out)
	case "pending":
		return true, dk.pendingCommand(ctx, l, in, out)
	case "event":
		return true, dk.eventCommand(ctx, l, in, arg, out)
	case "template":
		return true, dk.templateCommand(ctx, l, in, out)
	case "undo_import":
		return true, dk.undoImport(ctx, l, in, out)
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

// action performs an organizer's button, or the confirmation of a
// claim.
func (dk *Desk) action(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	l := langFor(s, in)
	sub, value, _ := strings.Cut(b.Value, ".")
	switch {
	case value == "":
	case sub == subClaim:
		return dk.confirmClaim(ctx, l, in, value, out)
	case sub != subApprove && sub != subReject && sub != subImport && sub != subCancel && sub != subUndo:
	case !dk.isAdmin(in.UserID):
		dk.log.Info("admin button refused", "chat_id", in.ChatID)
		return dialog.Tr(l, "admin_only_toast"), nil
	case sub == subImport || sub == subCancel || sub == subUndo:
		return dk.importAction(ctx, l, in, sub, value, out)
	default:
		return dk.decideHeld(ctx, l, in, value, sub == subApprove, out)
	}
	return dialog.Tr(l, "stale_toast"), nil
}

// statsCommand sends the statistics: /stats [DAYS].
func (dk *Desk) statsCommand(ctx context.Context, l matcher.Lang, in Incoming, arg string, out Sender) error {
	days := report.DefaultDays
	if arg != "" {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 || n > report.MaxDays {
			return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "stats_usage", report.MaxDays)})
		}
		days = n
	}
	st, err := report.CollectStats(ctx, dk.o.Store, dk.now(), days)
	if err != nil {
		return err
	}
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Esc(st.Text(dk.tax, l))})
}

// reportCommand sends the docking report: /report [EVENT] [YYYY-MM-DD];
// the date is the earliest creation day of the needs reported. The
// summary is a message, the chart a picture and the workbook a file; an
// event nobody used is answered in words.
func (dk *Desk) reportCommand(ctx context.Context, l matcher.Lang, in Incoming, arg string, out Sender) error {
	opts := report.Options{Lang: l, Now: dk.now()}
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
	r, err := OrganizerReport(ctx, dk.o.Store, dk.ranker, dk.tax, opts)
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
func (dk *Desk) eventCommand(ctx context.Context, l matcher.Lang, in Incoming, tag string, out Sender) error {
	tag = strings.TrimSpace(tag)
	if event.ValidTag(tag) != nil {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "event_usage", event.TagHelp(l))})
	}
	if dk.o.BotUsername == "" {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "event_no_username")})
	}
	link, err := event.Link(dk.o.BotUsername, tag)
	if err != nil {
		return err
	}
	png, err := event.QR(link, event.QRSize)
	if err != nil {
		return err
	}
	if err := dk.o.Store.NoteEvent(ctx, tag); err != nil {
		return err
	}
	if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "event_link", tag, link)}); err != nil {
		return err
	}
	return sendPicture(ctx, out, in.ChatID, Document{Name: "event-" + tag + ".png", Data: png, Caption: dialog.Esc(link)})
}

// templateCommand sends the template workbook of organizers' lists.
func (dk *Desk) templateCommand(ctx context.Context, l matcher.Lang, in Incoming, out Sender) error {
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

// EventTag adds to p the tag of the event by whose link its owner
// arrived; the returned func records p under the event once stored.
func (dk *Desk) EventTag(ctx context.Context, p *matcher.Profile, owner int64) (stored func(context.Context)) {
	stored = func(context.Context) {}
	if owner == 0 {
		return stored
	}
	st := dk.o.Store
	tag, err := st.UserEvent(ctx, owner)
	if err != nil || tag == "" {
		if err != nil {
			dk.log.Warn("event of user not read", "err", err)
		}
		return stored
	}
	if !hasTag(*p, tag) {
		p.Tags = append(p.Tags, tag)
	}
	return func(ctx context.Context) {
		if err := st.EventProfile(ctx, tag, p.ID); err != nil {
			dk.log.Warn("event profile not recorded", "profile_id", p.ID, "event", tag, "err", err)
		}
	}
}

// claimsCommand sends the claim codes and links of the profiles nobody
// owns (demo profiles aside) as CSV: /claims [EVENT].
func (dk *Desk) claimsCommand(ctx context.Context, l matcher.Lang, in Incoming, tag string, out Sender) error {
	var ps []matcher.Profile
	err := dk.o.Store.Profiles(ctx, func(p matcher.Profile) error {
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
	codes, err := dk.o.Store.ClaimCodes(ctx, ids)
	if err != nil {
		return err
	}
	rows := make([]ClaimRow, len(ps))
	for i, p := range ps {
		rows[i] = ClaimRow{Profile: p, Code: codes[p.ID]}
	}
	var b bytes.Buffer
	if err := WriteClaims(&b, rows, dk.o.BotUsername); err != nil {
		return err
	}
	name := "duijie-claims"
	if tag != "" {
		name += "-" + fileSafe(tag)
	}
	name += "-" + dk.now().UTC().Format(time.DateOnly) + ".csv"
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
