package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/internal/tgfake"
)

func TestOrganizerConfig(t *testing.T) {
	get := func(env map[string]string) func(string) string { return func(k string) string { return env[k] } }
	c, err := fromEnv(get(map[string]string{"ADMIN_IDS": "42, 7;42", "BROKER_MODE": "true", "BOT_USERNAME": "@duijie_bot"}))
	if err != nil || !slices.Equal(c.AdminIDs, []int64{42, 7}) || !c.Broker || c.BotUsername != "duijie_bot" {
		t.Errorf("config %+v, %v", c, err)
	}
	if !c.Admins()[7] || c.Admins()[1] || !strings.Contains(c.String(), "admins=2 broker=true") {
		t.Errorf("admins %v, %s", c.Admins(), c)
	}
	for _, env := range []map[string]string{
		{"ADMIN_IDS": "42,alice"},
		{"ADMIN_IDS": "-5"},
		{"BROKER_MODE": "true"}, // nobody to approve
		{"ADMIN_IDS": "1", "BROKER_MODE": "maybe"},
		{"BOT_USERNAME": "no spaces allowed"},
	} {
		if _, err := fromEnv(get(env)); err == nil {
			t.Errorf("%v accepted", env)
		}
	}
}

// claimList is a list with two profiles for owners to claim and one bad row.
const claimList = `id,kind,title,description,org,lang
o-pha,offer,Biodegradable PHA synthesis,"Microbial synthesis of polyhydroxyalkanoates from kitchen waste; pilot scale, 50 kg a batch.",Univ B,en
n-chip,need,Cancer diagnosis chip supplier,"We look for an integrated diagnosis-and-treatment chip to license for our clinics.",Hospital C,en
bad,offer,,"no title",X,en
`

// TestImportClaims: `duijie import --claims` writes a code and a link for
// each profile without an owner; importing again keeps the codes.
func TestImportClaims(t *testing.T) {
	mr := miniredis.RunT(t)
	url := "redis://" + mr.Addr() + "/0"
	dir := t.TempDir()
	list, claims := filepath.Join(dir, "list.csv"), filepath.Join(dir, "claims.csv")
	if err := os.WriteFile(list, []byte(claimList), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func() [][]string {
		t.Helper()
		b, err := os.ReadFile(claims)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	out, errOut, err := runCLI(t, url, "import", "--claims", claims, "--bot-username", "duijie_bot", list)
	if err != nil || !strings.Contains(out, "2 imported (2 new, 0 updated), 1 rejected") || !strings.Contains(out, "claim codes of 2 profiles written") {
		t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
	}
	first := read()
	if len(first) != 3 || strings.Join(first[0], ",") != "id,kind,title,org,code,link" || first[1][0] != "o-pha" || first[2][0] != "n-chip" {
		t.Fatalf("claim list %q", first)
	}
	for _, r := range first[1:] {
		if r[4] == "" || r[5] != "https://t.me/duijie_bot?start=claim_"+r[4] {
			t.Errorf("row %q: want a code and its link", r)
		}
	}
	if _, _, err := runCLI(t, url, "import", "--claims", claims, list); err != nil {
		t.Fatal(err)
	}
	second := read()
	for i := 1; i < len(second); i++ {
		if second[i][4] != first[i][4] || second[i][5] != "" {
			t.Errorf("re-import row %q, want the same code and no link without a username", second[i])
		}
	}
	if _, errOut, err := runCLI(t, url, "import", list); err != nil || !strings.Contains(errOut, "2 profiles have no owner yet") {
		t.Errorf("import without --claims: %v %q", err, errOut)
	}
}

// TestServeOrganizers runs `duijie serve` against a fake Telegram with an
// admin: the admin's upload is imported by the real import path, a
// stranger's is refused, and an owner claims a profile with the link from
// /claims, which names the bot Telegram reports.
func TestServeOrganizers(t *testing.T) {
	fake := tgfake.New(t)
	mr := miniredis.RunT(t)
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": fake.Token(), "TELEGRAM_API_URL": fake.URL(), "REDIS_URL": "redis://" + mr.Addr(),
		"ADMIN_IDS": "9001", "LOG_LEVEL": "error", "TELEGRAM_POLL_TIMEOUT": "2s", "METRICS_ADDR": "off",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	const wait = 15 * time.Second
	expect := func(chat int64, n int, want string) tgfake.Sent {
		t.Helper()
		var found tgfake.Sent
		fake.WaitFor(t, wait, func(tgfake.Call) bool {
			msgs := fake.Messages(chat)
			for _, m := range msgs[min(n, len(msgs)):] {
				if strings.Contains(m.Text, want) {
					found = m
					return true
				}
			}
			return false
		})
		return found
	}
	fake.WaitFor(t, wait, func(c tgfake.Call) bool { return c.Method == "getUpdates" })

	fake.SendDocument(7001, 7001, "list.csv", []byte(claimList))
	expect(7001, 0, "Only organizers can upload lists")
	fake.SendDocument(9001, 9001, "list.csv", []byte(claimList))
	sum := expect(9001, 0, "📥")
	for _, want := range []string{"3 rows read", "2 imported: 2 new, 0 updated", "1 rejected", "line 4 (bad)", "2 profiles have no owner yet"} {
		if !strings.Contains(sum.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.Text)
		}
	}

	n := len(fake.CallsTo("sendDocument"))
	fake.SendText(9001, 9001, "/claims")
	calls := fake.WaitCount(t, wait, "sendDocument", n+1)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(calls[n].Files["document"], []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("claim list %q, %v", rows, err)
	}
	var link string
	for _, r := range rows[1:] {
		if r[0] == "o-pha" {
			link = r[5]
		}
	}
	payload, ok := strings.CutPrefix(link, "https://t.me/duijie_test_bot?start=")
	if !ok {
		t.Fatalf("link %q does not name the bot", link)
	}
	// The owner opens the link: Telegram sends /start with the payload.
	fake.SendText(7002, 7002, "/start "+payload)
	card := expect(7002, 0, "Claim this profile?")
	fake.SendCallback(7002, 7002, card.MessageID, card.Buttons[0][0].Data)
	expect(7002, 0, "is yours now")
	fake.SendText(7003, 7003, "/start "+payload)
	expect(7003, 0, "already used")
	var m struct {
		Document *struct {
			FileName string `json:"file_name"`
		} `json:"document"`
	}
	if err := calls[n].Result(&m); err != nil || m.Document == nil || !strings.HasPrefix(m.Document.FileName, "duijie-claims-") {
		t.Errorf("claim list sent as %+v, %v", m.Document, err)
	}
}
