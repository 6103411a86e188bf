package bot

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/duijie/duijie/demo"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/prompts/llmfake"
	"github.com/duijie/duijie/prompts/openaiapi"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// recorder is a Sender that writes a transcript and remembers the
// buttons on screen, as a user would see them. Texts are checked as
// Telegram checks parse mode HTML and recorded as the user sees them.
type recorder struct {
	b       strings.Builder
	buttons map[int][]dialog.Choice // by message
	msgs    int                     // messages sent; the last is message msgs
	btnMsg  int                     // the message of the button pressed last
}

func (r *recorder) Send(_ context.Context, _ int64, rep dialog.Reply) error {
	r.msgs++
	r.show(rep, r.msgs)
	return nil
}

// SendTracked sends rep and returns its message number.
func (r *recorder) SendTracked(ctx context.Context, chatID int64, rep dialog.Reply) (int, error) {
	r.Send(ctx, chatID, rep)
	return r.msgs, nil
}

// Edit shows rep in place of message id.
func (r *recorder) Edit(_ context.Context, _ int64, id int, rep dialog.Reply) error {
	fmt.Fprintf(&r.b, "  (edits message %d)\n", id)
	delete(r.buttons, id) // an edit without buttons removes them
	r.show(rep, id)
	return nil
}

func (r *recorder) show(rep dialog.Reply, id int) {
	text, err := tgfake.VisibleHTML(rep.Text)
	if err != nil {
		text = "!! Telegram refuses it: " + err.Error() + "\n" + rep.Text
	}
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(&r.b, "< %s\n", line)
	}
	if len(rep.Buttons) > 0 {
		if r.buttons == nil {
			r.buttons = map[int][]dialog.Choice{}
		}
		r.buttons[id] = nil
		for _, row := range rep.Buttons {
			var cells []string
			for _, c := range row {
				r.buttons[id] = append(r.buttons[id], c)
				cells = append(cells, "["+c.Label+"]")
			}
			fmt.Fprintf(&r.b, "  %s\n", strings.Join(cells, " "))
		}
	}
}

func (r *recorder) Typing(context.Context, int64) { r.b.WriteString("  (typing)\n") }

func (r *recorder) SendDocument(_ context.Context, _ int64, d Document) error {
	fmt.Fprintf(&r.b, "< [document %s, %d bytes] %s\n", d.Name, len(d.Data), d.Caption)
	return nil
}

// press finds the button with the given label among those on screen,
// the latest message's first, and notes its message.
func (r *recorder) press(label string) (dialog.Button, bool) {
	for id := r.msgs; id > 0; id-- {
		for _, c := range r.buttons[id] {
			if c.Label == label {
				r.btnMsg = id
				return c.Button, true
			}
		}
	}
	return dialog.Button{}, false
}

// testEngine returns an engine on a test store (see storetest) holding
// the demo set; opts change its options before it is built.
func testEngine(t *testing.T, opts ...func(*Options)) (*Engine, *store.Store) {
	t.Helper()
	st, _ := storetest.New(t)
	return testEngineOn(t, st, opts...), st
}

// withOrganizers gives the engine organizers without admins.
func withOrganizers(o *Options) { o.Organizers = &Organizers{Store: o.Data.(*store.Store)} }

// testEngineOn returns an engine on st, which it fills with the demo set.
func testEngineOn(t testing.TB, st *store.Store, opts ...func(*Options)) *Engine {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
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
	opt := Options{Now: func() time.Time { return fixedNow }, Data: st, Notices: st}
	for _, f := range opts {
		f(&opt)
	}
	return NewEngine(tax, st, st, matcher.Offline{Tax: tax}, ix, log, opt)
}

var fixedNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// TestTranscripts runs each conversation in testdata/transcripts through
// the engine and compares what the user sees with the golden transcript.
// Input lines: "[label]" presses a button on screen, anything else is
// sent as a message. The "expect" section lists lines the transcript
// must contain whatever the golden file says. An optional "client"
// section sets what Telegram tells of the user and chat: "lang zh" (the
// client's language), "group" (a group chat).
func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/transcripts/*.txtar")
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, sections := readTranscript(t, file)
			fake := llmfake.New(t)
			e, _ := testEngine(t, withOrganizers, func(o *Options) { o.Transcriber = echoTranscriber(t, fake) })
			rec := &recorder{}
			e.SetMessenger(DirectMessenger{rec})
			play(t, e, rec, sections["input"], clientOf(sections["client"]), nil)
			got := rec.b.String()
			for _, want := range strings.Split(strings.TrimSpace(sections["expect"]), "\n") {
				if want != "" && !strings.Contains(got, want) {
					t.Errorf("transcript lacks %q", want)
				}
			}
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "transcript" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if sections["transcript"] == "" && !hasSection(ar, "transcript") {
					ar.Files = append(ar.Files, txtar.File{Name: "transcript", Data: []byte(got)})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(sections["transcript"], got); diff != "" {
				t.Errorf("transcript differs (-golden +got); run go test ./bot -run TestTranscripts -update if the change is intended:\n%s", diff)
			}
		})
	}
}

// echoTranscriber transcribes through the fake model server, which hears
// in a voice message the text it was recorded from.
func echoTranscriber(t *testing.T, fake *llmfake.Server) Transcriber {
	fake.Transcript = func(audio []byte) string { return string(audio) }
	client := openaiapi.New(openaiapi.Config{BaseURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	return TranscribeFunc(func(ctx context.Context, name string, audio []byte, lang string) (string, error) {
		return client.Transcribe(ctx, "whisper-1", name, audio, lang)
	})
}

// Fetch serves a voice message's audio: the text it was recorded from.
func (r *recorder) Fetch(_ context.Context, fileID string, _ int64) ([]byte, error) {
	return []byte(fileID), nil
}

// readTranscript reads a transcript archive and its sections by name.
func readTranscript(t *testing.T, file string) (*txtar.Archive, map[string]string) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]string{}
	for _, f := range ar.Files {
		sections[f.Name] = string(f.Data)
	}
	return ar, sections
}

// clientOf reads a transcript's "client" section into the fields of an
// input that Telegram fills in.
func clientOf(section string) dialog.Input {
	var in dialog.Input
	for _, line := range strings.Split(section, "\n") {
		switch f := strings.Fields(line); {
		case len(f) == 2 && f[0] == "lang":
			in.LangHint = matcher.ParseLang(f[1])
		case len(f) == 1 && f[0] == "group":
			in.Group = true
		}
	}
	return in
}

// play sends a transcript's input lines to chat 100, recording what the
// user sees in rec: "[label]" presses a button on screen, "/cmd" is a
// command, "(voice) text" a voice message saying text, anything else a
// message; client gives each input its language
// hint and chat type. pressed, if set, hears of each press.
func play(t *testing.T, e *Engine, rec *recorder, input string, client dialog.Input, pressed func(dialog.Button)) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimRight(input, "\n"), "\n") {
		fmt.Fprintf(&rec.b, "> %s\n", line)
		in := dialog.Input{Kind: dialog.InText, Text: line}
		msg := 0
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			b, ok := rec.press(strings.Trim(line, "[]"))
			if !ok {
				t.Fatalf("no button %s on screen; transcript so far:\n%s", line, rec.b.String())
			}
			in, msg = dialog.Input{Kind: dialog.InButton, Button: b}, rec.btnMsg
			if pressed != nil {
				pressed(b)
			}
		} else if said, ok := strings.CutPrefix(line, "(voice) "); ok {
			in = dialog.Input{Kind: dialog.InVoice, File: &dialog.FileRef{ID: said, Size: int64(len(said))}}
		} else if cmd, arg, ok := dialog.ParseCommand(line); ok {
			in = dialog.Input{Kind: dialog.InCommand, Command: cmd, Arg: arg}
		}
		in.LangHint, in.Group = client.LangHint, client.Group
		res, err := e.Handle(context.Background(), Incoming{ChatID: 100, UserID: 100, Input: in, MessageID: msg}, rec)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if res.Toast != "" {
			fmt.Fprintf(&rec.b, "  (toast: %s)\n", res.Toast)
		}
	}
}

func hasSection(ar *txtar.Archive, name string) bool {
	for _, f := range ar.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}
