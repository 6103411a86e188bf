package telegram

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/go-telegram/bot/models"
	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/report"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

// adminID is the organizer of the tests below.
const adminID = 9001

// testImporter stores rows as `duijie import` does (cmd/duijie App.Import):
// the event tag on every row, the offline normalizer, owners and creation
// times of stored profiles kept, the index fed, claim codes for profiles
// without an owner.
type testImporter struct {
	st  *store.Store
	tax *matcher.Taxonomy
	ix  *matcher.Index
}

func (ti testImporter) Import(ctx context.Context, rows []dataset.Row, tag string, progress func(done, total int)) (bot.ImportResult, error) {
	var res bot.ImportResult
	var ps []matcher.Profile
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.Profile.ID)
	}
	old, err := ti.st.Stamps(ctx, ids)
	if err != nil {
		return res, err
	}
	for i, r := range rows {
		p := r.Profile
		if tag != "" && !slices.ContainsFunc(p.Tags, func(t string) bool { return strings.EqualFold(t, tag) }) {
			p.Tags = append(slices.Clip(p.Tags), tag)
		}
		if err := p.Validate(); err != nil {
			res.Rejected = append(res.Rejected, dataset.RowError{Line: r.Line, ID: p.ID, Err: err})
			continue
		}
		an := ti.tax.Analyze(p.Kind, p.Text())
		an.Apply(&p)
		if o, ok := old[p.ID]; ok {
			p.CreatedAt = o.CreatedAt
			if o.OwnerID != 0 {
				p.OwnerID, p.Status = o.OwnerID, o.Status
			}
		}
		ps = append(ps, p)
		progress(i+1, len(rows))
	}
	created, err := ti.st.SaveProfiles(ctx, ps)
	if err != nil {
		return res, err
	}
	res.Created, res.Updated = created, len(ps)-created
	var free []string
	for _, p := range ps {
		ti.ix.Upsert(p)
		if p.OwnerID == 0 {
			free = append(free, p.ID)
		}
	}
	if _, err := ti.st.ClaimCodes(ctx, free); err != nil {
		return res, err
	}
	res.Claimable = len(free)
	return res, nil
}

// startOrganized runs the bot with adminID as organizer; set changes the
// organizers' options before it starts.
func startOrganized(t *testing.T, set func(*bot.Organizers)) *tgHarness {
	h, _ := startOrganizedEngine(t, set)
	return h
}

// startOrganizedEngine is startOrganized that also returns the engine's index.
func startOrganizedEngine(t *testing.T, set func(*bot.Organizers)) (*tgHarness, *matcher.Index) {
	t.Helper()
	st, _ := storetest.New(t)
	e, ix := demoEngine(t, st, nil, func(eo *bot.Options, ix *matcher.Index) {
		o := &bot.Organizers{Admins: map[int64]bool{adminID: true}, Store: st, BotUsername: "duijie_test_bot",
			Importer: testImporter{st: st, tax: matcher.Default(), ix: ix}}
		if set != nil {
			set(o)
		}
		eo.Organizers = o
	})
	return startTelegramOn(t, e, st), ix
}

// upload sends a file as the harness's user and waits for a reply containing want.
func (h *tgHarness) upload(name string, content []byte, want string) tgfake.Sent {
	h.t.Helper()
	n := len(h.fake.Messages(h.chat))
	h.fake.SendDocument(h.chat, h.user, name, content)
	return h.expect(n, want)
}

// documentsTo returns the files the bot sent to a chat, by name, in order.
func (h *tgHarness) documentsTo(chat int64) (names []string, files map[string]tgfake.Call) {
	files = map[string]tgfake.Call{}
	for _, c := range h.fake.CallsTo("sendDocument") {
		var m models.Message
		if c.Params["chat_id"] == fmt.Sprint(chat) && c.Result(&m) == nil && m.Document != nil {
			names = append(names, m.Document.FileName)
			files[m.Document.FileName] = c
		}
	}
	return names, files
}

// listCSV is an organizer's list: two good rows and two bad ones (lines 4 and 5).
var listCSV = []byte(`id,kind,title,description,org,region,lang,tags
o-imp1,offer,Piston rod cladding line (university list),"Ultra-high-speed laser cladding of corrosion-resistant alloy on hydraulic piston rods replaces hard chrome plating; 1000 hours salt spray without rust. Deployed on two production lines.",Univ A,"Xi'an, Shaanxi",en,expo
n-imp1,need,Scratch detection on steel strip,"Our cold-rolled steel strip has fine scratches that inspectors miss; we need automatic surface inspection on the line.",Steel Co,Ningbo,en,expo
bad1,client,Something,"A row whose kind is neither offer nor need.",X,,en,
bad2,need,,"A row without a title.",Y,,en,
`)

// TestAdminImport: an organizer uploads a CSV with good and bad rows; the
// summary counts and lists them, the good rows are matched, progress is
// one edited message, and the same upload again only updates.
func TestAdminImport(t *testing.T) {
	h := startOrganized(t, func(o *bot.Organizers) { o.ProgressFrom, o.ProgressEvery = 1, 5*time.Millisecond })
	admin := h.as(adminID)
	sum := admin.upload("list.csv", listCSV, "📥")
	for _, want := range []string{"list.csv: 4 rows read", "2 imported: 2 new, 0 updated", "2 rejected", "line 4 (bad1):", "line 5 (bad2):", "2 profiles have no owner yet"} {
		if !strings.Contains(sum.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.Text)
		}
	}
	if calls := h.fake.CallsTo("getFile"); len(calls) != 1 {
		t.Errorf("%d getFile calls, want 1", len(calls))
	}
	// Progress: one message, edited to its final state.
	var progress []tgfake.Sent
	for _, m := range h.fake.Messages(adminID) {
		if strings.Contains(m.Text, "list.csv: all 2 rows read") || strings.Contains(m.Text, "Importing") {
			progress = append(progress, m)
		}
	}
	if len(progress) != 1 || !progress[0].Edited || !strings.Contains(progress[0].Text, "all 2 rows read") {
		t.Errorf("progress messages %+v, want one, edited to the end", progress)
	}

	// The good rows are matched like any profile.
	a := h.as(7301)
	matches := a.publish("🏭 I have a technical need", needText)
	if !strings.Contains(matches.Text, "Piston rod cladding line (university list)") {
		t.Errorf("the imported offer is not among the matches:\n%s", matches.Text)
	}
	for _, id := range []string{"bad1", "bad2"} {
		if _, err := h.st.Profile(context.Background(), id); err == nil {
			t.Errorf("rejected row %s was stored", id)
		}
	}

	count := func() int {
		n := 0
		h.st.Profiles(context.Background(), func(matcher.Profile) error { n++; return nil })
		return n
	}
	before := count()
	again := admin.upload("list.csv", listCSV, "📥")
	if !strings.Contains(again.Text, "2 imported: 0 new, 2 updated") {
		t.Errorf("re-upload summary:\n%s", again.Text)
	}
	if after := count(); after != before {
		t.Errorf("re-upload changed the number of profiles from %d to %d", before, after)
	}

	admin.upload("list.pdf", []byte("%PDF"), "is not a list I can read")
	admin.upload("empty.csv", []byte("id,kind,title,description\n"), "holds no rows")
	admin.upload("broken.xlsx", []byte("not a workbook"), "cannot be read")
}

// TestAdminRefused: every organizer's command and an upload from someone
// else are refused, and nothing is done.
func TestAdminRefused(t *testing.T) {
	h := startOrganized(t, nil)
	u := h.as(7401)
	for _, cmd := range []string{"/stats", "/stats 3", "/report", "/report expo", "/claims", "/pending", "/admin"} {
		u.say(cmd, "This command is for organizers only.")
	}
	u.upload("list.csv", listCSV, "Only organizers can upload lists")
	if calls := h.fake.CallsTo("getFile"); len(calls) != 0 {
		t.Errorf("the file of a non-organizer was fetched: %d getFile calls", len(calls))
	}
	for _, id := range []string{"o-imp1", "n-imp1"} {
		if _, err := h.st.Profile(context.Background(), id); err == nil {
			t.Errorf("%s was imported from a non-organizer's upload", id)
		}
	}
	if names, _ := h.documentsTo(u.chat); len(names) != 0 {
		t.Errorf("a non-organizer got files: %v", names)
	}
	// A forged organizer's button changes nothing.
	last, _ := h.fake.LastMessage(u.chat)
	for _, data := range []string{"a/ad/ok.1", "a/ad/no.1"} {
		_, cb := h.fake.SendCallback(u.chat, u.user, last.MessageID, data)
		c := h.fake.WaitFor(t, wait, func(c tgfake.Call) bool {
			return c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == cb
		})
		if !strings.Contains(c.Params["text"], "organizers only") {
			t.Errorf("forged %s answered %q", data, c.Params["text"])
		}
	}
	// The organizer is not refused.
	h.as(adminID).say("/admin", "Organizer commands")
}

// claimCodes reads the claim list the bot sent to the admin: id → code,
// checking each link.
func claimCodes(t *testing.T, h *tgHarness) map[string]string {
	t.Helper()
	names, files := h.documentsTo(adminID)
	if len(names) == 0 || !strings.HasPrefix(names[len(names)-1], "duijie-claims") {
		t.Fatalf("no claim list among %v", names)
	}
	b := files[names[len(names)-1]].Files["document"]
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Error("the claim list has no byte order mark; Chinese Excel would show mojibake")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) < 2 || strings.Join(rows[0], ",") != strings.Join(bot.ClaimColumns, ",") {
		t.Fatalf("claim list %v, %v", rows, err)
	}
	out := map[string]string{}
	for _, r := range rows[1:] {
		r[4] = strings.TrimPrefix(r[4], "'") // a code starting with "-" is kept from spreadsheets' formulas
		out[r[0]] = r[4]
		if want := "https://t.me/duijie_test_bot?start=claim_" + r[4]; r[5] != want {
			t.Errorf("link %q, want %q", r[5], want)
		}
		if len("claim_"+r[4]) > 64 {
			t.Errorf("deep-link payload of %s longer than 64 characters", r[0])
		}
	}
	return out
}

// TestClaimFlow: an imported offer gets an intro request while nobody
// owns it; its owner claims it by deep link, confirms, and gets the
// waiting request; wrong and reused codes are refused.
func TestClaimFlow(t *testing.T) {
	h := startOrganized(t, nil)
	admin := h.as(adminID)
	admin.upload("list.csv", listCSV, "📥")

	a, b, c := h.as(7501), h.as(7502), h.as(7503)
	matches := a.publish("🏭 I have a technical need", needText)
	a.pressOn(matches, introButtonFor(t, matches, "Piston rod cladding line"), "has not joined Duijie yet")

	n := len(h.fake.Messages(adminID))
	h.fake.SendText(adminID, adminID, "/claims")
	h.fake.WaitFor(t, wait, func(tgfake.Call) bool { return len(h.fake.Messages(adminID)) > n })
	codes := claimCodes(t, h)
	code := codes["o-imp1"]
	if code == "" || codes["n-imp1"] == "" || len(codes) != 2 {
		t.Fatalf("claim codes %v, want one for each imported row", codes)
	}

	b.say("/start claim_"+strings.Repeat("x", len(code)), "not valid")
	b.say("/claim nonsense", "not valid")
	b.say("/claim", "Send /claim followed by the code")
	card := b.say("/start claim_"+code, "Claim this profile?")
	if !strings.Contains(card.Text, "Piston rod cladding line") || !strings.Contains(card.Text, "Univ A") {
		t.Errorf("claim card:\n%s", card.Text)
	}
	b.pressOn(card, "✅ Confirm, it is mine", "is yours now")
	b.expect(0, "1 introduction requests were waiting")
	req := b.expect(0, "Someone would like to talk")
	b.expect(0, "Enterprises that need your technology") // its matches
	// Confirming again changes nothing and sends nothing.
	n = len(h.fake.Messages(b.chat))
	b.pressOn(card, "✅ Confirm, it is mine", "")
	if got := len(h.fake.Messages(b.chat)); got != n {
		t.Errorf("a second Confirm sent %d messages", got-n)
	}
	if cb := h.fake.CallsTo("answerCallbackQuery"); !strings.Contains(cb[len(cb)-1].Params["text"], "already yours") {
		t.Errorf("second Confirm answered %q", cb[len(cb)-1].Params["text"])
	}
	b.say("/my", "Piston rod cladding line")
	c.say("/claim "+code, "already used")
	b.say("/start claim_"+code, "is already yours")

	// The waiting request works like any other.
	b.pressOn(req, "✅ Accept", "")
	toA := a.expect(0, "Connected")
	if !strings.Contains(toA.Text, "@user7502") || !strings.Contains(toA.Text, "Univ A") {
		t.Errorf("A did not get B's contact:\n%s", toA.Text)
	}
	if p, _ := h.st.Profile(context.Background(), "o-imp1"); p.OwnerID != b.user {
		t.Errorf("owner of o-imp1 = %d", p.OwnerID)
	}

	// A re-import keeps the claimed profile's owner, and only the unclaimed one still has a code.
	admin.upload("list.csv", listCSV, "1 profiles have no owner yet")
	if p, _ := h.st.Profile(context.Background(), "o-imp1"); p.OwnerID != b.user {
		t.Errorf("re-import changed the owner of o-imp1 to %d", p.OwnerID)
	}
	n = len(h.fake.Messages(adminID))
	h.fake.SendText(adminID, adminID, "/claims expo")
	h.fake.WaitFor(t, wait, func(tgfake.Call) bool { return len(h.fake.Messages(adminID)) > n })
	if codes := claimCodes(t, h); len(codes) != 1 || codes["n-imp1"] == "" {
		t.Errorf("claim list after the claim: %v", codes)
	}
}

// TestStatsAndReportInChat: /stats and /report deliver what the report
// package computes from the same store, with the scenario's counts.
func TestStatsAndReportInChat(t *testing.T) {
	h, ix := startOrganizedEngine(t, nil)
	admin := h.as(adminID)
	admin.upload("list.csv", listCSV, "📥")
	a, b := h.as(7701), h.as(7702)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", needText)
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "was sent")
	b.pressOn(b.expect(0, "Someone would like to talk"), "✅ Accept", "")
	a.expect(0, "Connected")

	ctx := context.Background()
	st := admin.say("/stats", "Users")
	want, err := report.CollectStats(ctx, h.st, fixedNow, report.DefaultDays)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Text; got != strings.TrimSpace(want.Text(matcher.Default(), matcher.LangEN)) && got != want.Text(matcher.Default(), matcher.LangEN) {
		t.Errorf("/stats says\n%s\nwant\n%s", got, want.Text(matcher.Default(), matcher.LangEN))
	}
	// Three users wrote to the bot; two profiles were published in chat, two imported.
	if want.Users != 3 || want.Total.IntrosRequested != 1 || want.Total.Connections != 1 {
		t.Errorf("scenario counts: users %d, requested %d, connections %d", want.Users, want.Total.IntrosRequested, want.Total.Connections)
	}
	admin.say("/stats 3", "Last 3 days")
	admin.say("/stats many", "number of days from 1 to 90")

	n := len(h.fake.CallsTo("sendDocument"))
	h.fake.SendText(adminID, adminID, "/report expo")
	h.fake.WaitCount(t, wait, "sendDocument", n+1)
	names, files := h.documentsTo(adminID)
	bookName := "duijie-report-expo-2026-11-20.xlsx"
	if !slices.Contains(names, bookName) {
		t.Fatalf("report files %v", names)
	}
	r, err := bot.OrganizerReport(ctx, h.st, ix, matcher.Default(), report.Options{Tag: "expo", Lang: matcher.LangEN, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(h.fake.Messages(adminID), func(m tgfake.Sent) bool { return m.Text == r.Summary() }) {
		t.Errorf("no message with the report's summary:\n%s", r.Summary())
	}
	photos := h.fake.CallsTo("sendPhoto")
	if len(photos) != 1 || !bytes.HasPrefix(photos[0].Files["photo"], []byte("\x89PNG")) {
		t.Fatalf("want one PNG chart, got %d pictures", len(photos))
	}
	if got := photos[0].Params["caption"]; got != r.Caption() || !strings.Contains(got, "needs 1 ·") {
		t.Errorf("caption %q, want %q (one need tagged expo)", got, r.Caption())
	}
	bk, err := excelize.OpenReader(bytes.NewReader(files[bookName].Files["document"]))
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	if sheets := bk.GetSheetList(); len(sheets) < 5 {
		t.Errorf("workbook sheets %v", sheets)
	}

	// An unknown event is answered in words, with no files.
	n, np := len(h.fake.CallsTo("sendDocument")), len(photos)
	admin.say("/report 千校万企", "千校万企")
	if len(h.fake.CallsTo("sendDocument")) != n || len(h.fake.CallsTo("sendPhoto")) != np {
		t.Error("files sent for an unknown event")
	}
}

// TestBrokerMode: with BROKER_MODE, new-match notices and introduction
// requests reach the admins first; nothing reaches their recipient before
// an approval, a rejection reaches no one, and approval delivers the
// message as it would have gone.
func TestBrokerMode(t *testing.T) {
	h := startOrganized(t, func(o *bot.Organizers) {
		o.Broker = true
		o.Admins[9002] = true
	})
	admin, admin2 := h.as(adminID), h.as(9002)
	a, b := h.as(7601), h.as(7602)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", needText)

	// A's new need is a new match for B's offer: held.
	matchCard := admin.expect(0, "Waiting for approval: new match")
	admin2.expect(0, "Waiting for approval: new match")
	if !strings.Contains(matchCard.Text, "@user7601") || !strings.Contains(matchCard.Text, "@user7602") {
		t.Errorf("the organizer's card does not say who is matched with whom:\n%s", matchCard.Text)
	}

	// A asks B for an introduction: held; A is told it is reviewed.
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "The organizer reviews introductions")
	introCard := admin.expect(0, "Waiting for approval: introduction request")
	if !strings.Contains(introCard.Text, "Someone would like to talk") {
		t.Errorf("the card does not show the message:\n%s", introCard.Text)
	}
	bSeen := func() []string {
		var out []string
		for _, m := range h.fake.Messages(b.chat) {
			if strings.Contains(m.Text, "New match") || strings.Contains(m.Text, "Someone would like") || strings.Contains(m.Text, "Connected") {
				out = append(out, m.Text)
			}
		}
		return out
	}
	if got := bSeen(); len(got) != 0 {
		t.Fatalf("B saw messages before any approval: %q", got)
	}

	// Rejected: nobody hears of it; the second organizer's press is too late.
	nA, nB := len(h.fake.Messages(a.chat)), len(h.fake.Messages(b.chat))
	admin.pressOn(introCard, "✖ Reject", "rejected; nobody was told")
	admin2Card := admin2.expect(0, "Waiting for approval: introduction request")
	admin2.pressOn(admin2Card, "✅ Approve", "")
	if cb := h.fake.CallsTo("answerCallbackQuery"); !strings.Contains(cb[len(cb)-1].Params["text"], "Already rejected") {
		t.Errorf("late approval answered %q", cb[len(cb)-1].Params["text"])
	}
	if got := len(h.fake.Messages(a.chat)); got != nA {
		t.Errorf("A got %d messages after the rejection", got-nA)
	}
	if got := len(h.fake.Messages(b.chat)); got != nB {
		t.Errorf("B got %d messages after the rejection", got-nB)
	}

	// Only an organizer decides.
	_, cb := h.fake.SendCallback(b.chat, b.user, matchCard.MessageID, matchCard.Buttons[0][0].Data)
	c := h.fake.WaitFor(t, wait, func(c tgfake.Call) bool {
		return c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == cb
	})
	if !strings.Contains(c.Params["text"], "organizers only") || len(bSeen()) != 0 {
		t.Errorf("B approved their own notice: %q, %q", c.Params["text"], bSeen())
	}

	// /pending shows what still waits: the new-match notice.
	admin.say("/pending", "1 messages wait for approval")

	// Approved: B gets the notice as it would have gone, and can act on it.
	admin.pressOn(matchCard, "✅ Approve", "approved and sent")
	notice := b.expect(0, "New match for your")
	if len(notice.Buttons) == 0 {
		t.Fatalf("the approved notice lost its buttons: %+v", notice)
	}
	// B asks A in turn: the rejected request does not make it a connection; it waits as a new request.
	b.pressOn(notice, "🤝 Request intro", "The organizer reviews introductions")
	for _, m := range h.fake.Messages(a.chat) {
		if strings.Contains(m.Text, "Someone would like") || strings.Contains(m.Text, "Connected") || strings.Contains(m.Text, "@user7602") {
			t.Errorf("A learned of B before an approval: %s", m.Text)
		}
	}
	n := len(h.fake.Messages(adminID))
	admin.say("/pending", "1 messages wait for approval")
	card := admin.expect(n, "Waiting for approval: introduction request")
	admin.pressOn(card, "✅ Approve", "approved and sent")
	req := a.expect(0, "Someone would like to talk")
	a.pressOn(req, "✅ Accept", "")
	b.expect(0, "Connected")
}

// fileRecorder is a recorder whose chat can carry files.
type fileRecorder struct {
	recorder
	files   map[string][]byte
	fetched int
}

func (f *fileRecorder) Fetch(_ context.Context, id string, max int64) ([]byte, error) {
	f.fetched++
	b, ok := f.files[id]
	if !ok {
		return nil, fmt.Errorf("no file %s", id)
	}
	if int64(len(b)) > max {
		return nil, bot.ErrFileTooBig
	}
	return b, nil
}

// TestImportDetails covers what the chat cannot easily send: a caption
// (the event tag), sizes above the limit, many bad rows, a chat that
// carries no files, and the refusal in Chinese.
func TestImportDetails(t *testing.T) {
	st, _ := storetest.New(t)
	e, _ := demoEngine(t, st, nil, func(o *bot.Options, ix *matcher.Index) {
		o.Organizers = &bot.Organizers{Admins: map[int64]bool{1: true}, Store: st, Importer: testImporter{st: st, tax: matcher.Default(), ix: ix}}
	})
	ctx := context.Background()
	var bad strings.Builder
	bad.WriteString("id,kind,title,description\n")
	for i := range 25 {
		fmt.Fprintf(&bad, "b%d,client,T,D\n", i)
	}
	out := &fileRecorder{files: map[string][]byte{"list": listCSV, "bad": []byte(bad.String()), "huge": make([]byte, bot.MaxFetchBytes+1)}}
	doc := func(user int64, f dialog.FileRef, caption string, lang matcher.Lang) string {
		t.Helper()
		out.b.Reset()
		_, err := e.Handle(ctx, bot.Incoming{ChatID: user, UserID: user, Input: dialog.Input{Kind: dialog.InDocument, Text: caption, File: &f, LangHint: lang}}, out)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		return out.b.String()
	}

	got := doc(1, dialog.FileRef{ID: "list", Name: "list.csv", Size: int64(len(listCSV))}, " Expo-2026 ", "")
	if !strings.Contains(got, "Event tag: Expo-2026") || !strings.Contains(got, "2 imported: 2 new") {
		t.Errorf("import with a caption:\n%s", got)
	}
	if p, _ := st.Profile(ctx, "o-imp1"); !slices.Equal(p.Tags, []string{"expo", "Expo-2026"}) {
		t.Errorf("tags %q, want the row's and the caption's", p.Tags)
	}

	fetched := out.fetched
	if got := doc(1, dialog.FileRef{ID: "huge", Name: "big.xlsx", Size: 25 << 20}, "", ""); !strings.Contains(got, "big.xlsx has 25.0 MB; a bot can fetch at most 20 MB") {
		t.Errorf("oversized file:\n%s", got)
	}
	if out.fetched != fetched {
		t.Error("a file announced above the limit was fetched")
	}
	if got := doc(1, dialog.FileRef{ID: "huge", Name: "big.csv"}, "", ""); !strings.Contains(got, "a bot can fetch at most 20 MB") {
		t.Errorf("file found too big while fetching:\n%s", got)
	}

	got = doc(1, dialog.FileRef{ID: "bad", Name: "bad.csv", Size: int64(bad.Len())}, "", "")
	if !strings.Contains(got, "25 rejected") || !strings.Contains(got, "and 5 more") || !strings.Contains(got, "[document bad-rejected.csv") {
		t.Errorf("many bad rows:\n%s", got)
	}
	if n := strings.Count(got, "must be offer or need"); n != 20 {
		t.Errorf("summary lists %d rows, want 20 (the rest go in the file)", n)
	}

	if got := doc(5, dialog.FileRef{ID: "list", Name: "list.csv"}, "", matcher.LangZH); !strings.Contains(got, "只有组织方可以上传档案清单") {
		t.Errorf("refusal in Chinese:\n%s", got)
	}

	// A chat without files (the console).
	rec := &recorder{}
	if _, err := e.Handle(ctx, bot.Incoming{ChatID: 1, UserID: 1, Input: dialog.Input{Kind: dialog.InDocument, File: &dialog.FileRef{ID: "list", Name: "list.csv"}}}, rec); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.b.String(), "Files cannot be imported here") {
		t.Errorf("console upload:\n%s", rec.b.String())
	}
	// Admin commands work on any chat: the console's user is an admin here.
	rec.b.Reset()
	e.Handle(ctx, bot.Incoming{ChatID: 1, UserID: 1, Input: dialog.Input{Kind: dialog.InCommand, Command: "report"}}, rec)
	if !strings.Contains(rec.b.String(), "[document duijie-report-2026-11-20.png") || !strings.Contains(rec.b.String(), "[document duijie-report-2026-11-20.xlsx") {
		t.Errorf("/report on the console:\n%s", rec.b.String())
	}
}

// TestAdminMenu: the public menu has no organizers' commands; each
// admin's chat gets a menu with them.
func TestAdminMenu(t *testing.T) {
	fake := tgfake.New(t)
	e, st := testEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	tele, err := New(ctx, Options{Token: fake.Token(), APIURL: fake.URL(), PollTimeout: 2 * time.Second,
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, ShutdownGrace: 5 * time.Second, Admins: []int64{adminID}},
		e, st, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		tele.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	calls := fake.WaitCount(t, wait, "setMyCommands", 5)
	scoped := 0
	for _, c := range calls {
		admin := strings.Contains(c.Params["commands"], `"stats"`)
		if c.Params["scope"] == "" {
			if admin {
				t.Errorf("the public menu (%q) lists organizers' commands", c.Params["language_code"])
			}
			continue
		}
		scoped++
		if !admin || !strings.Contains(c.Params["scope"], `"chat_id":9001`) || !strings.Contains(c.Params["commands"], `"new"`) {
			t.Errorf("admin menu %s: %s", c.Params["scope"], c.Params["commands"])
		}
	}
	if scoped != 2 {
		t.Errorf("%d admin menus, want 2 (English, Chinese)", scoped)
	}
}

// TestBrokerHoldsMutualRequests: in broker mode, the other side asking
// back while the first request waits for approval connects nobody; the
// organizer's approval lets the request through, and an Accept connects.
func TestBrokerHoldsMutualRequests(t *testing.T) {
	h := startOrganized(t, func(o *bot.Organizers) { o.Broker = true })
	admin := h.as(adminID)
	a, b := h.as(7701), h.as(7702)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", needText)
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "The organizer reviews introductions")
	card := admin.expect(0, "Waiting for approval: introduction request")

	// B finds A's need among the matches of B's offer and asks back.
	b.say("/my", "active")
	myCard, _ := h.fake.LastMessage(b.chat)
	b.pressOn(myCard, "Matches", "Enterprises that need your technology")
	bMatches, _ := h.fake.LastMessage(b.chat)
	b.pressOn(bMatches, introButtonFor(t, bMatches, "Corrosion-resistant surface without electroplating"), "The organizer reviews introductions")
	for _, chat := range []int64{a.chat, b.chat} {
		for _, m := range h.fake.Messages(chat) {
			if strings.Contains(m.Text, "Connected") || strings.Contains(m.Text, "Contact:") {
				t.Fatalf("chat %d connected before any approval: %s", chat, m.Text)
			}
		}
	}

	admin.pressOn(card, "✅ Approve", "")
	req := b.expect(0, "Someone would like to talk")
	b.pressOn(req, "✅ Accept", "")
	a.expect(0, "Connected")
	b.expect(0, "Connected")
}

// TestImportNotifiesOwners: a need an organizer uploads is a new match for
// an offer a user published, and its owner hears of it, as if the need
// had been published in the chat.
func TestImportNotifiesOwners(t *testing.T) {
	h := startOrganized(t, nil)
	owner := h.as(7310)
	owner.publish("🎓 I offer a technology", offerText)
	n := len(h.fake.Messages(owner.chat))
	list := "id,kind,title,description,org,region,lang,tags\n" +
		`n-rods,need,Piston rods rust near the sea,"` + needText + `",Port Works,Ningbo,en,expo` + "\n"
	h.as(adminID).upload("rods.csv", []byte(list), "1 imported")
	notice := owner.expect(n, "New match for your")
	if !strings.Contains(notice.Text, "Piston rods rust near the sea") {
		t.Errorf("the notice does not name the imported need:\n%s", notice.Text)
	}
}
