package bot

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Claiming: a profile imported without an owner (a university's released
// achievement) is claimed by its owner with the code the organizer hands
// out — by the deep link t.me/<bot>?start=claim_<code> or by /claim
// <code>. The bot shows the profile and asks to confirm; on Confirm the
// code is used, the profile is theirs, the introductions asked of it
// while nobody owned it reach them, and they see its matches.

// claimPrefix starts the deep-link payload of a claim.
const claimPrefix = "claim_"

// ClaimLink is the deep link that opens the bot and claims a profile; ""
// without the bot's username.
func ClaimLink(botUsername, code string) string {
	if botUsername == "" || code == "" {
		return ""
	}
	return "https://t.me/" + strings.TrimPrefix(botUsername, "@") + "?start=" + claimPrefix + code
}

// ClaimRow is one line of a claim list: a profile without an owner and
// its code.
type ClaimRow struct {
	Profile matcher.Profile
	Code    string
}

// ClaimColumns are the columns of a claim list.
var ClaimColumns = []string{"id", "kind", "title", "org", "code", "link"}

// WriteClaims writes a claim list as CSV with ClaimColumns; the link is
// empty without the bot's username.
func WriteClaims(w io.Writer, rows []ClaimRow, botUsername string) error {
	cw, err := NewClaimWriter(w, botUsername)
	if err != nil {
		return err
	}
	if err := cw.Write(rows); err != nil {
		return err
	}
	return cw.Flush()
}

// ClaimWriter writes a claim list as its rows come, as WriteClaims does
// at once.
type ClaimWriter struct {
	cw       *dataset.SheetCSV
	username string
}

// NewClaimWriter writes the header of a claim list to w.
func NewClaimWriter(w io.Writer, botUsername string) (*ClaimWriter, error) {
	cw := dataset.NewSheetCSV(w)
	return &ClaimWriter{cw: cw, username: botUsername}, cw.Write(ClaimColumns)
}

// Write writes rows of the claim list.
func (c *ClaimWriter) Write(rows []ClaimRow) error {
	for _, r := range rows {
		p := r.Profile
		if err := c.cw.Write([]string{p.ID, string(p.Kind), p.Title, p.Org, r.Code, ClaimLink(c.username, r.Code)}); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes what is buffered.
func (c *ClaimWriter) Flush() error { return c.cw.Flush() }

// showClaim shows the profile a claim code is for, with Confirm.
func (dk *Desk) showClaim(ctx context.Context, l matcher.Lang, in Incoming, code string, out Sender) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_usage")})
	}
	id, st, err := dk.o.Store.LookupClaim(ctx, code)
	if err != nil {
		return err
	}
	if st == store.ClaimUnknown {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_wrong")})
	}
	p, err := dk.o.Store.Profile(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_gone")})
	}
	if err != nil {
		return err
	}
	switch {
	case p.OwnerID == in.UserID:
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_already_yours", p.Title)})
	case p.OwnerID != 0:
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_used")})
	}
	// An open code, or a used one whose profile never got its owner (an
	// interrupted claim): the holder may confirm.
	text := dialog.Tr(l, "claim_card") + "\n\n" + kindLabel(l, p.Kind) + dialog.Tr(l, "colon") + dialog.Esc(p.Title)
	if p.Org != "" {
		text += "\n" + dialog.Tr(l, "org_line", p.Org)
	}
	if s := firstRunes(orStr(p.Summary, p.Description), 300); s != "" {
		text += "\n" + dialog.Esc(s)
	}
	text += "\n\n" + dialog.Tr(l, "claim_confirm_hint")
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: text, Buttons: [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_claim"), Button: dialog.Action(aAdmin, subClaim+"."+code)},
	}}})
}

// confirmClaim uses the code and gives the profile to the user in one
// step (store.ClaimProfile): of two holders pressing at once, one gets
// it and the other is told it is taken. Pressed again, or after a
// failure, it finishes what is left: the introductions waiting on it.
func (dk *Desk) confirmClaim(ctx context.Context, l matcher.Lang, in Incoming, code string, out Sender) (string, error) {
	now := dk.now().UTC()
	p, st, err := dk.o.Store.ClaimProfile(ctx, code, in.UserID, now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_gone")})
	case err != nil:
		return "", err
	case st == store.ClaimUnknown:
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_wrong")})
	case st == store.ClaimUsed:
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_used")})
	}
	dk.ranker.Upsert(p)
	if st == store.ClaimOpen {
		dk.log.Info("profile claimed", "profile_id", p.ID, "chat_id", in.ChatID)
		if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "claim_done", p.Title)}); err != nil {
			return "", err
		}
	}
	intros, err := dk.o.Store.AddressIntros(ctx, p.ID, in.UserID, now)
	if err != nil {
		return "", err
	}
	if st == store.ClaimYours && len(intros) == 0 {
		return dialog.Tr(l, "claim_already_yours_toast"), nil
	}
	if len(intros) > 0 {
		key := dialog.Msg("claim_waiting")
		if dk.o.Broker {
			key = "claim_waiting_held"
		}
		if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, key, len(intros))}); err != nil {
			return "", err
		}
	}
	for _, intro := range intros {
		from, err := dk.o.Store.Profile(ctx, intro.From)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := dk.intros.sendIntroRequest(ctx, from, p, intro); err != nil {
			return "", err
		}
	}
	return dialog.Tr(l, "saved"), dk.matches.show(ctx, l, p, in.ChatID, out)
}

// Contacts from lists: the contact (联系人/电话/邮箱) an organizer's list
// gave a profile is private. It is shown once both sides accepted an
// introduction, under the other side's card; for a profile nobody has
// claimed, nobody can accept, so the requester gets it at once and the
// organizers are told, so they can follow up and hand out the claim code.

// ListContact is the contact lines a list gave p, in l; "" for none.
func (dk *Desk) ListContact(ctx context.Context, l matcher.Lang, p matcher.Profile) string {
	if !dataset.IsImportID(p.ID) {
		return ""
	}
	c, err := dk.o.Store.Contact(ctx, p.ID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			dk.log.Warn("list contact not read", "profile_id", p.ID, "err", err)
		}
		return ""
	}
	var lines []string
	for _, f := range []struct {
		msg dialog.Msg
		v   string
	}{{"list_contact_name", c.Name}, {"list_contact_phone", c.Phone}, {"list_contact_email", c.Email}} {
		if f.v != "" {
			lines = append(lines, dialog.Tr(l, f.msg, f.v))
		}
	}
	return strings.Join(lines, "\n")
}

// ContactGiven tells the organizers that the requester from mine got the
// list contact of theirs, so they can follow up and hand out its claim
// code.
func (dk *Desk) ContactGiven(ctx context.Context, mine, theirs matcher.Profile) {
	for admin := range dk.o.Admins {
		al := dk.views.langOf(ctx, admin, matcher.LangZH)
		text := dialog.Tr(al, "org_contact_given", theirs.Title, theirs.ID, mine.Title)
		if err := dk.messenger.Notify(ctx, admin, "listcontact:"+mine.ID+"|"+theirs.ID, dialog.Reply{Text: text}); err != nil {
			dk.log.Warn("organizer not told of a list contact", "admin", admin, "err", err)
		}
	}
}
