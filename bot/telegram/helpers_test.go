package telegram

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/demo"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

var fixedNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// testEngine returns an engine on a test store (see storetest) holding the demo set.
func testEngine(t *testing.T) (*bot.Engine, *store.Store) {
	t.Helper()
	st, _ := storetest.New(t)
	return testEngineOn(t, st), st
}

// testEngineOn returns an engine on st, which it fills with the demo set.
func testEngineOn(t testing.TB, st *store.Store) *bot.Engine {
	t.Helper()
	e, _ := demoEngine(t, st, nil, nil)
	return e
}

// demoEngine returns an engine on st, which it fills with the demo set,
// and the engine's index. A nil analyzer is the offline normalizer; set,
// when not nil, changes the engine's options, given its index.
func demoEngine(t testing.TB, st *store.Store, analyzer bot.Analyzer, set func(*bot.Options, *matcher.Index)) (*bot.Engine, *matcher.Index) {
	t.Helper()
	tax := matcher.Default()
	ix := matcher.NewIndex(tax)
	ps, err := demo.Profiles(fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveProfiles(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		ix.Upsert(p)
	}
	if analyzer == nil {
		analyzer = matcher.Offline{Tax: tax}
	}
	o := bot.Options{Now: func() time.Time { return fixedNow }, Data: st, Notices: st}
	if set != nil {
		set(&o, ix)
	}
	return bot.NewEngine(tax, st, st, analyzer, ix, slog.New(slog.NewTextHandler(io.Discard, nil)), o), ix
}

// recorder is a Sender that writes what a user would see.
type recorder struct {
	b strings.Builder
}

func (r *recorder) Send(_ context.Context, _ int64, rep dialog.Reply) error {
	for _, line := range strings.Split(rep.Text, "\n") {
		fmt.Fprintf(&r.b, "< %s\n", line)
	}
	return nil
}

func (r *recorder) Typing(context.Context, int64) {}

func (r *recorder) SendDocument(_ context.Context, _ int64, d bot.Document) error {
	fmt.Fprintf(&r.b, "< [document %s, %d bytes] %s\n", d.Name, len(d.Data), d.Caption)
	return nil
}
