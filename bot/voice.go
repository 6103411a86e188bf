package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/duijie/duijie/bot/dialog"
)

// Voice messages: with a model server that transcribes speech, a voice
// message is turned into text and shown back; the user confirms it before
// it is used as if typed. Without one, the user is asked to type.

// Transcriber turns recorded speech into text (a Whisper-compatible
// server through prompts/openaiapi). name is the file's name, whose
// extension gives the format; lang is "zh", "en" or empty.
type Transcriber interface {
	Transcribe(ctx context.Context, name string, audio []byte, lang string) (string, error)
}

// TranscribeFunc is a function that is a Transcriber.
type TranscribeFunc func(ctx context.Context, name string, audio []byte, lang string) (string, error)

// Transcribe calls f.
func (f TranscribeFunc) Transcribe(ctx context.Context, name string, audio []byte, lang string) (string, error) {
	return f(ctx, name, audio, lang)
}

// MaxVoiceBytes bounds the voice messages transcribed (about ten minutes
// of Telegram's Opus voice).
const MaxVoiceBytes = 5 << 20

// aHeard confirms ("use") or drops ("drop") the transcript of a voice
// message kept in the session.
const aHeard = "vh"

// ears hear a voice message: transcribed and shown back for the user to
// confirm, or, without a model, answered with a request to type.
type ears interface {
	hear(ctx context.Context, s *dialog.Session, in Incoming, out Sender) error
}

// typeInstead are the ears without a model: the user is asked to type.
type typeInstead struct{}

func (typeInstead) hear(ctx context.Context, s *dialog.Session, in Incoming, out Sender) error {
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(langFor(s, in), "voice_no_model")})
}

// transcribing are the ears with a model that transcribes speech.
type transcribing struct {
	t   Transcriber
	log *slog.Logger
}

// hear transcribes a voice message and asks the user to confirm it. A
// chat that carries no files is asked to type.
func (tr transcribing) hear(ctx context.Context, s *dialog.Session, in Incoming, out Sender) error {
	l := langFor(s, in)
	files, ok := out.(Files)
	f := in.Input.File
	if !ok || f == nil {
		return typeInstead{}.hear(ctx, s, in, out)
	}
	if f.Size > MaxVoiceBytes {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "voice_too_long")})
	}
	stop := keepTyping(ctx, out, in.ChatID)
	defer stop()
	audio, err := files.Fetch(ctx, f.ID, MaxVoiceBytes)
	if errors.Is(err, ErrFileTooBig) {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "voice_too_long")})
	}
	if err != nil {
		return err
	}
	name := f.Name
	if name == "" {
		name = "voice.ogg"
	}
	actx, cancel := reserve(ctx, analyzeReserve)
	text, err := tr.t.Transcribe(actx, name, audio, string(s.Lang))
	cancel()
	if err != nil {
		tr.log.Warn("transcription failed", "chat_id", in.ChatID, "err", err)
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "voice_failed")})
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "voice_empty")})
	}
	s.Heard = text
	if s.UserID == 0 {
		s.UserID = in.UserID
	}
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "voice_heard", text), Buttons: [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_voice_use"), Button: dialog.Action(aHeard, "use")},
		{Label: dialog.Tr(l, "btn_voice_drop"), Button: dialog.Action(aHeard, "drop")},
	}}})
}

// confirmHeard turns the press that confirms a transcript into the
// transcript as typed text; it reports false for every other input.
func confirmHeard(s *dialog.Session, in Incoming) (dialog.Input, bool) {
	b := in.Input.Button
	if in.Input.Kind != dialog.InButton || !b.IsAction() || b.Action != aHeard || b.Value != "use" || s.Heard == "" {
		return dialog.Input{}, false
	}
	text := s.Heard
	s.Heard = ""
	return dialog.Input{Kind: dialog.InText, Text: text, LangHint: in.Input.LangHint}, true
}
