package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Managing one's data: /my, /settings, /export, /delete and the buttons
// on one's profiles.

// ProfileData is what managing one's profiles needs of the store.
type ProfileData interface {
	Profile(ctx context.Context, id string) (matcher.Profile, error)
	ProfilesOf(ctx context.Context, owner int64) ([]matcher.Profile, error)
	SaveProfile(ctx context.Context, p matcher.Profile) (bool, error)
	DeleteProfile(ctx context.Context, p matcher.Profile) error
	WithdrawIntros(ctx context.Context, profileID string) error
	IntrosOf(ctx context.Context, profileID string) ([]store.Intro, error)
}

// AccountStore is what a user's account needs of the store: who they are,
// their settings, their data to export or delete, and the counts of what
// they did.
type AccountStore interface {
	GetUser(ctx context.Context, id int64) (store.User, error)
	Settings(ctx context.Context, user int64) (store.Settings, error)
	SetNotify(ctx context.Context, user int64, mode string) error
	ExportUser(ctx context.Context, user int64) (store.UserData, error)
	DeleteUser(ctx context.Context, user int64) error
	CountBy(ctx context.Context, name string, n int64, now time.Time) error
}

// command performs the commands that act on stored data. It reports false
// for commands the dialog handles.
func (e *Engine) command(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (bool, error) {
	if e.data == nil {
		return false, nil
	}
	if handled, err := e.adminCommand(ctx, s, in, out); handled {
		return true, err
	}
	l := s.Lang
	switch in.Input.Command {
	case "my":
		ps, err := e.data.ProfilesOf(ctx, in.UserID)
		if err != nil {
			return true, err
		}
		if len(ps) == 0 {
			return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "my_none")})
		}
		for _, p := range ps {
			if err := out.Send(ctx, in.ChatID, e.profileCard(l, p)); err != nil {
				return true, err
			}
		}
		return true, nil
	case "connections":
		text, err := e.connections(ctx, l, in.UserID)
		if err != nil {
			return true, err
		}
		return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: text})
	case "settings":
		return true, out.Send(ctx, in.ChatID, e.settingsReply(ctx, s, in.UserID))
	case "export":
		d, err := e.data.ExportUser(ctx, in.UserID)
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

// connections lists every connection of a user's profiles, each with
// the other side's contact card.
func (e *Engine) connections(ctx context.Context, l matcher.Lang, user int64) (string, error) {
	ps, err := e.data.ProfilesOf(ctx, user)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, p := range ps {
		intros, err := e.data.IntrosOf(ctx, p.ID)
		if err != nil {
			return "", err
		}
		for _, in := range intros {
			if in.State != store.IntroAccepted {
				continue
			}
			otherID := in.To
			if otherID == p.ID {
				otherID = in.From
			}
			other, err := e.data.Profile(ctx, otherID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return "", err
			}
			card, err := e.contactCard(ctx, l, other)
			if err != nil {
				return "", err
			}
			parts = append(parts, dialog.Tr(l, "connection_for", p.Title, in.Decided.Format("2006-01-02"))+"\n"+card)
		}
	}
	if len(parts) == 0 {
		return dialog.Tr(l, "connections_none"), nil
	}
	return "<b>" + dialog.Tr(l, "connections_title", len(parts)) + "</b>\n\n" + strings.Join(parts, "\n\n"), nil
}

// profileCard shows one of the user's profiles with what they can do to it.
func (e *Engine) profileCard(l matcher.Lang, p matcher.Profile) dialog.Reply {
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
func (e *Engine) profileAction(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	l := s.Lang
	p, err := e.ownedProfile(ctx, in.UserID, b.Value)
	if err != nil {
		return e.refused(l, err)
	}
	switch b.Action {
	case aMatches:
		return "", e.showMatches(ctx, l, p, in.ChatID, out)
	case aEdit:
		// The profile goes back on the summary card; Publish stores it under
		// the same id, Edit takes a new description.
		return "", out.Send(ctx, in.ChatID, e.dialog.Edit(s, p))
	case aPause, aResume, aKeep:
		p.Status = matcher.StatusPaused
		if b.Action != aPause {
			p.Status = matcher.StatusActive
		}
		p.UpdatedAt = e.now().UTC()
		if _, err := e.data.SaveProfile(ctx, p); err != nil {
			return "", err
		}
		e.ranker.Upsert(p)
		return dialog.Tr(l, "saved"), e.replace(ctx, in, out, e.profileCard(l, p))
	case aDelete:
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "delete_profile_confirm", p.Title), Buttons: [][]dialog.Choice{{
			{Label: dialog.Tr(l, "btn_delete_yes"), Button: dialog.Action(aDeleteYes, p.ID)},
		}}})
	case aDeleteYes:
		if err := e.data.WithdrawIntros(ctx, p.ID); err != nil {
			return "", err
		}
		if err := e.data.DeleteProfile(ctx, p); err != nil {
			return "", err
		}
		e.ranker.Remove(p.ID)
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "profile_deleted", p.Title)})
	}
	return dialog.Tr(l, "stale_toast"), nil
}

// showMatches ranks a stored profile's counterparts, without the ones
// its owner declined, and shows them with their buttons.
func (e *Engine) showMatches(ctx context.Context, l matcher.Lang, p matcher.Profile, chatID int64, out Sender) error {
	q, err := e.shownQuery(ctx, p, e.matchLimit)
	if err != nil {
		return err
	}
	ms := e.ranker.Rank(q)
	rows, err := e.matchButtons(ctx, p.ID, ms, l)
	if err != nil {
		return err
	}
	if err := e.data.CountBy(ctx, store.CountMatchesShown, int64(len(ms)), e.now()); err != nil {
		e.log.Warn("count matches shown failed", "err", err)
	}
	return out.Send(ctx, chatID, dialog.Reply{Text: dialog.RenderMatches(e.dialog.Tax, l, p.Kind, e.publicMatches(ctx, ms, l)), Buttons: rows})
}

// showPage shows a page of a stored profile's matches from offset, weak
// ones included, in place of the message whose button asked for it.
func (e *Engine) showPage(ctx context.Context, l matcher.Lang, p matcher.Profile, in Incoming, out Sender, offset int) error {
	q, err := e.shownQuery(ctx, p, e.pageSize())
	if err != nil {
		return err
	}
	q.Offset = offset
	ms := e.ranker.Rank(q)
	if len(ms) == 0 {
		return e.replace(ctx, in, out, dialog.Reply{Text: dialog.Tr(l, "no_more_matches")})
	}
	rows, err := e.pageButtons(ctx, p.ID, ms, l, offset, true)
	if err != nil {
		return err
	}
	if err := e.data.CountBy(ctx, store.CountMatchesShown, int64(len(ms)), e.now()); err != nil {
		e.log.Warn("count matches shown failed", "err", err)
	}
	return e.replace(ctx, in, out, dialog.Reply{Text: dialog.RenderPage(e.dialog.Tax, l, p.Kind, e.publicMatches(ctx, ms, l), offset), Buttons: rows})
}

// replace shows r in place of the message whose button was pressed when
// the adapter can edit it, else — or when the edit is refused (a message
// too old, or not the bot's) — as a new message.
func (e *Engine) replace(ctx context.Context, in Incoming, out Sender, r dialog.Reply) error {
	if ed, ok := out.(Editor); ok && in.MessageID != 0 {
		err := ed.Edit(ctx, in.ChatID, in.MessageID, r)
		if err == nil || ctx.Err() != nil {
			return err
		}
		e.log.Info("edit refused; sending anew", "chat_id", in.ChatID, "err", err)
	}
	return out.Send(ctx, in.ChatID, r)
}

// settingsReply shows the settings with buttons to change them.
func (e *Engine) settingsReply(ctx context.Context, s *dialog.Session, user int64) dialog.Reply {
	l := s.Lang
	st, err := e.data.Settings(ctx, user)
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
	if line, row := e.contactSetting(ctx, s, user); line != "" {
		r.Text += "\n" + line
		r.Buttons = append(r.Buttons, row)
	}
	return r
}

// deleteUser removes everything about a user and takes their profiles
// out of the index.
func (e *Engine) deleteUser(ctx context.Context, user int64) error {
	ps, err := e.data.ProfilesOf(ctx, user)
	if err != nil {
		return err
	}
	if err := e.data.DeleteUser(ctx, user); err != nil {
		return err
	}
	if e.organizers != nil {
		if err := e.organizers.Store.ForgetHeld(ctx, user); err != nil {
			return err
		}
	}
	for _, p := range ps {
		e.ranker.Remove(p.ID)
	}
	e.log.Info("user deleted their data", "profiles", len(ps))
	return nil
}
