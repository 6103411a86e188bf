package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Managing one's data: /my, /settings, /export, /delete and the buttons
// on one's profiles.

// Profiles is the use case of one's own data: /my and the buttons on
// one's profiles (their matches, edit, pause, resume, keep, delete),
// /settings, /export and /delete.
type Profiles struct {
	st       ProfileData
	ranker   Ranker
	dialog   *dialog.Dialog
	matches  *Matches
	contacts ContactBook
	held     HeldForgetter
	log      *slog.Logger
	now      func() time.Time
}

// ProfileData is what managing one's profiles and account needs of the
// store.
type ProfileData interface {
	Profile(ctx context.Context, id string) (matcher.Profile, error)
	ProfilesOf(ctx context.Context, owner int64) ([]matcher.Profile, error)
	SaveProfile(ctx context.Context, p matcher.Profile) (bool, error)
	DeleteProfile(ctx context.Context, p matcher.Profile) error
	WithdrawIntros(ctx context.Context, profileID string) error
	Settings(ctx context.Context, user int64) (store.Settings, error)
	SetNotify(ctx context.Context, user int64, mode string) error
	ExportUser(ctx context.Context, user int64) (store.UserData, error)
	DeleteUser(ctx context.Context, user int64) error
}

var _ ProfileData = (*store.Store)(nil)

// HeldForgetter forgets the messages held for a user in broker mode,
// when the user deletes their data.
type HeldForgetter interface {
	ForgetHeld(ctx context.Context, user int64) error
}

// NewProfiles builds the use case of one's own data. The dialog puts a
// profile back on its summary card for an edit; contacts gives /settings
// its contact line; held forgets what broker mode holds for a user who
// deletes their data.
func NewProfiles(st ProfileData, ranker Ranker, d *dialog.Dialog, matches *Matches, contacts ContactBook, held HeldForgetter, log *slog.Logger, now func() time.Time) *Profiles {
	return &Profiles{st: st, ranker: ranker, dialog: d, matches: matches, contacts: contacts, held: held, log: log, now: now}
}

// handles reports whether action is one of the buttons of one's data.
func (pr *Profiles) handles(action string) bool {
	switch action {
	case aMore, aBrowse, aDetails, aMatches, aEdit, aPause, aResume, aDelete, aDeleteYes, aKeep, aNotify, aLang, aDeleteMe:
		return true
	}
	return false
}

// Action performs a button of one's profiles, matches or settings, and
// the confirmation of /delete. It returns the toast for the press.
func (pr *Profiles) Action(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	l := s.Lang
	switch b.Action {
	case aMore, aBrowse:
		id, offset := b.Value, 0
		if b.Action == aMore {
			var n string
			var err error
			id, n, _ = strings.Cut(b.Value, ".")
			if offset, err = strconv.Atoi(n); err != nil || offset < 0 {
				return dialog.Tr(l, "stale_toast"), nil
			}
		}
		p, err := ownedProfile(ctx, pr.st, in.UserID, id)
		if err != nil {
			return refused(pr.log, l, err)
		}
		return "", pr.matches.page(ctx, l, p, in, out, offset)
	case aDetails:
		tok, n, _ := strings.Cut(b.Value, ".")
		offset, err := strconv.Atoi(n)
		if err != nil || offset < 0 {
			return dialog.Tr(l, "stale_toast"), nil
		}
		return pr.matches.details(ctx, l, in, tok, offset, out)
	case aMatches, aEdit, aPause, aResume, aDelete, aDeleteYes, aKeep:
		return pr.profileAction(ctx, s, in, b, out)
	case aNotify:
		if err := pr.st.SetNotify(ctx, in.UserID, b.Value); err != nil {
			return refused(pr.log, l, err)
		}
		return dialog.Tr(l, "saved"), replace(ctx, pr.log, in, out, pr.settingsReply(ctx, s, in.UserID))
	case aLang:
		s.Lang, s.LangSet = matcher.ParseLang(b.Value), true
		return dialog.Tr(s.Lang, "saved"), replace(ctx, pr.log, in, out, pr.settingsReply(ctx, s, in.UserID))
	case aDeleteMe:
		if err := pr.deleteUser(ctx, in.UserID); err != nil {
			return "", err
		}
		*s = dialog.Session{ChatID: s.ChatID, Lang: s.Lang}
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "deleted_all")})
	}
	return dialog.Tr(l, "stale_toast"), nil
}

// Command performs /my, /settings, /export and /delete. It reports
// false for other commands.
func (pr *Profiles) Command(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (bool, error) {
	l := s.Lang
	switch in.Input.Command {
	case "my":
		ps, err := pr.st.ProfilesOf(ctx, in.UserID)
		if err != nil {
			return true, err
		}
		if len(ps) == 0 {
			return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "my_none")})
		}
		for _, p := range ps {
			if err := out.Send(ctx, in.ChatID, profileCard(l, p)); err != nil {
				return true, err
			}
		}
		return true, nil
	case "settings":
		return true, out.Send(ctx, in.ChatID, pr.settingsReply(ctx, s, in.UserID))
	case "export":
		d, err := pr.st.ExportUser(ctx, in.UserID)
		if err != nil {
			return true, err
		}
		b, err := exportJSON(d)
		if err != nil {
			return true, err
		}
		if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: exportSummary(l, d)}); err != nil {
			return true, err
		}
		return true, out.SendDocument(ctx, in.ChatID, Document{Name: "duijie-export.json", Data: b, Caption: dialog.Tr(l, "export_caption")})
	case "delete":
		return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "delete_confirm"), Buttons: [][]dialog.Choice{{
			{Label: dialog.Tr(l, "btn_delete_all"), Button: dialog.Action(aDeleteMe, "")},
		}}})
	}
	return false, nil
}

// profileCard shows one of the user's profiles with what they can do to it.
func profileCard(l matcher.Lang, p matcher.Profile) dialog.Reply {
	status := dialog.Tr(l, dialog.Msg("status_"+string(p.Status)))
	text := fmt.Sprintf("<b>%s</b>\n%s · %s", dialog.Esc(p.Title), kindLabel(l, p.Kind), status)
	row := []dialog.Choice{{Label: dialog.Tr(l, "btn_matches"), Button: dialog.Action(aMatches, p.ID)}, {Label: dialog.Tr(l, "btn_edit"), Button: dialog.Action(aEdit, p.ID)}}
	if p.Status == matcher.StatusActive {
		row = append(row, dialog.Choice{Label: dialog.Tr(l, "btn_pause"), Button: dialog.Action(aPause, p.ID)})
	} else {
		row = append(row, dialog.Choice{Label: dialog.Tr(l, "btn_resume"), Button: dialog.Action(aResume, p.ID)})
	}
	row = append(row, dialog.Choice{Label: dialog.Tr(l, "btn_delete"), Button: dialog.Action(aDelete, p.ID)})
	return dialog.Reply{Text: text, Buttons: [][]dialog.Choice{row}}
}

func kindLabel(l matcher.Lang, k matcher.Kind) string {
	if k == matcher.KindOffer {
		return dialog.Tr(l, "kind_offer")
	}
	return dialog.Tr(l, "kind_need")
}

// profileAction performs the buttons of a profile card.
func (pr *Profiles) profileAction(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	l := s.Lang
	p, err := ownedProfile(ctx, pr.st, in.UserID, b.Value)
	if err != nil {
		return refused(pr.log, l, err)
	}
	switch b.Action {
	case aMatches:
		return "", pr.matches.show(ctx, l, p, in.ChatID, out)
	case aEdit:
		// The profile goes back on the summary card; Publish stores it under
		// the same id, Edit takes a new description.
		return "", out.Send(ctx, in.ChatID, pr.dialog.Edit(s, p))
	case aPause, aResume, aKeep:
		p.Status = matcher.StatusPaused
		if b.Action != aPause {
			p.Status = matcher.StatusActive
		}
		p.UpdatedAt = pr.now().UTC()
		if _, err := pr.st.SaveProfile(ctx, p); err != nil {
			return "", err
		}
		pr.ranker.Upsert(p)
		return dialog.Tr(l, "saved"), replace(ctx, pr.log, in, out, profileCard(l, p))
	case aDelete:
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "delete_profile_confirm", p.Title), Buttons: [][]dialog.Choice{{
			{Label: dialog.Tr(l, "btn_delete_yes"), Button: dialog.Action(aDeleteYes, p.ID)},
		}}})
	case aDeleteYes:
		if err := pr.st.WithdrawIntros(ctx, p.ID); err != nil {
			return "", err
		}
		if err := pr.st.DeleteProfile(ctx, p); err != nil {
			return "", err
		}
		pr.ranker.Remove(p.ID)
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "profile_deleted", p.Title)})
	}
	return dialog.Tr(l, "stale_toast"), nil
}

// settingsReply shows the settings with buttons to change them.
func (pr *Profiles) settingsReply(ctx context.Context, s *dialog.Session, user int64) dialog.Reply {
	l := s.Lang
	st, err := pr.st.Settings(ctx, user)
	if err != nil {
		st = store.Settings{Notify: store.NotifyInstant}
	}
	text := dialog.Tr(l, "settings_text", dialog.Tr(l, dialog.Msg("notify_"+st.Notify)))
	r := dialog.Reply{Text: text, Buttons: [][]dialog.Choice{
		{{Label: "中文", Button: dialog.Action(aLang, "zh")}, {Label: "English", Button: dialog.Action(aLang, "en")}},
		{
			{Label: dialog.Tr(l, "notify_instant"), Button: dialog.Action(aNotify, store.NotifyInstant)},
			{Label: dialog.Tr(l, "notify_digest"), Button: dialog.Action(aNotify, store.NotifyDigest)},
			{Label: dialog.Tr(l, "notify_off"), Button: dialog.Action(aNotify, store.NotifyOff)},
		},
	}}
	if line, row := pr.contacts.Setting(ctx, l, user); line != "" {
		r.Text += "\n" + line
		r.Buttons = append(r.Buttons, row)
	}
	return r
}

// deleteUser removes everything about a user and takes their profiles
// out of the index.
func (pr *Profiles) deleteUser(ctx context.Context, user int64) error {
	ps, err := pr.st.ProfilesOf(ctx, user)
	if err != nil {
		return err
	}
	if err := pr.st.DeleteUser(ctx, user); err != nil {
		return err
	}
	if err := pr.held.ForgetHeld(ctx, user); err != nil {
		return err
	}
	for _, p := range ps {
		pr.ranker.Remove(p.ID)
	}
	pr.log.Info("user deleted their data", "profiles", len(ps))
	return nil
}

// exportJSON is the document /export sends: indented, with text as
// written (no \u escapes).
func exportJSON(d store.UserData) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// exportSummary says in words what /export's file holds: the profiles
// with their status, the introductions and connections, the settings.
func exportSummary(l matcher.Lang, d store.UserData) string {
	var b strings.Builder
	b.WriteString("<b>" + dialog.Tr(l, "export_title") + "</b>\n")
	b.WriteString("\n" + dialog.Tr(l, "export_profiles", len(d.Profiles)))
	for _, p := range d.Profiles {
		b.WriteString("\n• " + dialog.Esc(p.Title) + " (" + kindLabel(l, p.Kind) + dialog.Tr(l, "list_sep") + dialog.Tr(l, dialog.Msg("status_"+string(p.Status))) + ")")
	}
	connected := 0
	for _, in := range d.Intros {
		if in.State == store.IntroAccepted {
			connected++
		}
	}
	b.WriteString("\n\n" + dialog.Tr(l, "export_intros", len(d.Intros), connected))
	lang := d.Settings.Lang
	if lang == "" {
		lang = l
	}
	notify := d.Settings.Notify
	if notify == "" {
		notify = store.NotifyInstant
	}
	b.WriteString("\n" + dialog.Tr(l, "export_settings", dialog.Tr(l, dialog.Msg("notify_"+notify)), dialog.Tr(lang, "lang_name")))
	b.WriteString("\n\n" + dialog.Tr(l, "export_file_hint"))
	return b.String()
}
