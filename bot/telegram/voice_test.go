package telegram

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/prompts/llmfake"
	"github.com/duijie/duijie/prompts/openaiapi"
	"github.com/duijie/duijie/store/storetest"
)

// TestVoiceTranscribed: a voice message goes to the model server's
// transcription endpoint, the transcript is shown back, and confirmed it
// becomes the description as if typed. Without a model, the user is asked
// to type; a photo's caption is read as text.
func TestVoiceTranscribed(t *testing.T) {
	llm := llmfake.New(t)
	llm.Transcript = func(audio []byte) string {
		if string(audio) != "fake opus" {
			return "wrong audio"
		}
		return "我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，次品率高。"
	}
	client := openaiapi.New(openaiapi.Config{BaseURL: llm.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	st, _ := storetest.New(t)
	e, _ := demoEngine(t, st, nil, func(o *bot.Options, _ *matcher.Index) {
		o.Transcriber = bot.TranscribeFunc(func(ctx context.Context, name string, audio []byte, lang string) (string, error) {
			return client.Transcribe(ctx, "whisper-1", name, audio, lang)
		})
	})
	h := startTelegramOn(t, e, st)
	h.say("/start", "Choose your language")
	h.press("中文", "您想做什么")
	h.press("🏭 我有技术需求", "请用自己的话描述")

	n := len(h.fake.Messages(h.chat))
	h.fake.SendVoice(h.chat, h.user, []byte("fake opus"), 7)
	heard := h.expect(n, "我听到的是")
	if !strings.Contains(heard.Text, "窑炉温度老是不稳") {
		t.Fatalf("the transcript is not shown back:\n%s", heard.Text)
	}
	calls := llm.TranscriptionCalls()
	if len(calls) != 1 || calls[0].Model != "whisper-1" || calls[0].Input[0] != "voice.ogg" || calls[0].Input[1] != "zh" {
		t.Fatalf("transcription calls: %+v", calls)
	}
	h.pressOn(heard, "✅ 就用这段", "收到（目前共")

	// A photo's caption is read as more of the description.
	n = len(h.fake.Messages(h.chat))
	h.fake.SendPhotoCaption(h.chat, h.user, "这是窑炉的照片，温差大概有三十度。")
	h.expect(n, "收到（目前共")
}

// TestVoiceWithoutModel: without a transcription model the user is told
// to type.
func TestVoiceWithoutModel(t *testing.T) {
	h := startTelegram(t)
	h.say("/start", "Choose your language")
	n := len(h.fake.Messages(h.chat))
	h.fake.SendVoice(h.chat, h.user, []byte("fake opus"), 3)
	h.expect(n, "type it instead")
}
