package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Broker mode, the "technology broker" organizers want: introduction
// requests and new-match notices wait in the admins' chats with
// [Approve] [Reject] before their recipient sees anything. Approval
// sends the message as it would have gone; rejection tells no one. The
// waiting messages are kept in the store, so a restart keeps them, and
// /pending shows them again. A rejected introduction request is closed:
// it cannot be answered, and a later request either way is a new request,
// held again. Two owners who ask for each other while the first request
// waits are connected at once: both asked.

// Kinds of messages broker mode holds.
const (
	HeldIntro = "intro" // an introduction request
	HeldMatch = "match" // a new-match notice
)

// Outgoing is a message for a user other than the one acting.
type Outgoing struct {
	Kind  string // HeldIntro or HeldMatch
	From  int64  // the user whose action caused it; 0 for none
	To    int64  // the recipient's chat
	Key   string // the Messenger's key: the message goes once per key
	Ref   string // HeldIntro: the introduction's id
	Reply dialog.Reply
	// Note tells organizers what the message is about (who asks whom);
	// only they see it.
	Note string
}

// Deliver sends an introduction request or a new-match notice to its
// recipient through the Messenger — or, in broker mode, holds it and
// shows it to every admin with [Approve] [Reject]; only approval sends
// it. It reports whether the message was held. Every introduction
// request and new-match notice goes through Deliver (through
// organizersOff.Deliver without organizers), so that broker mode sees
// them all.
func (dk *Desk) Deliver(ctx context.Context, m Outgoing) (held bool, err error) {
	if !dk.Brokered() {
		return false, dk.messenger.Notify(ctx, m.To, m.Key, m.Reply)
	}
	data, err := json.Marshal(m.Reply)
	if err != nil {
		return false, fmt.Errorf("hold %s: %w", m.Key, err)
	}
	h, err := dk.o.Store.HoldMessage(ctx, store.Held{Kind: m.Kind, From: m.From, To: m.To, Key: m.Key, Ref: m.Ref, Message: data, Note: m.Note}, dk.now())
	if err != nil {
		return false, err
	}
	dk.log.Info("message held for approval", "held_id", h.ID, "kind", m.Kind)
	for _, admin := range dk.adminIDs() {
		l := dk.views.langOf(ctx, admin, matcher.LangEN)
		if err := dk.messenger.Notify(ctx, admin, "held:"+h.ID, dk.heldCard(l, h, m.Reply)); err != nil {
			dk.log.Warn("held message not shown to admin", "held_id", h.ID, "chat_id", admin, "err", err)
		}
	}
	return true, nil
}

// Brokered reports whether broker mode holds messages for approval.
func (dk *Desk) Brokered() bool {
	return dk.o.Broker
}

// adminIDs lists the admins in a stable order.
func (dk *Desk) adminIDs() []int64 {
	var ids []int64
	for id, ok := range dk.o.Admins {
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// heldCard shows a held message to an admin: what it is, the note, the
// message as its recipient would see it, and the decision buttons.
func (dk *Desk) heldCard(l matcher.Lang, h store.Held, r dialog.Reply) dialog.Reply {
	kind := dialog.Tr(l, "held_kind_match")
	if h.Kind == HeldIntro {
		kind = dialog.Tr(l, "held_kind_intro")
	}
	text := dialog.Tr(l, "held_card", kind, h.ID)
	if h.Note != "" {
		text += "\n" + dialog.Esc(h.Note)
	}
	text += "\n\n" + r.Text
	return dialog.Reply{Text: text, Buttons: [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_approve"), Button: dialog.Action(aAdmin, subApprove+"."+h.ID)},
		{Label: dialog.Tr(l, "btn_reject"), Button: dialog.Action(aAdmin, subReject+"."+h.ID)},
	}}}
}

// decideHeld approves (sends) or rejects (drops) a held message. The
// first admin's decision counts; later presses are told it was made.
func (dk *Desk) decideHeld(ctx context.Context, l matcher.Lang, in Incoming, id string, approve bool, out Sender) (string, error) {
	h, changed, err := dk.o.Store.DecideHeld(ctx, id, approve)
	if err != nil {
		return "", err
	}
	if !changed {
		switch h.State {
		case store.HeldApproved:
			// A press again finishes an approval whose message a crash
			// held back; the outbox sends each key once.
			if err := dk.releaseHeld(ctx, h); err != nil {
				return "", err
			}
			return dialog.Tr(l, "held_was_approved"), nil
		case store.HeldRejected:
			return dialog.Tr(l, "held_was_rejected"), nil
		}
		return dialog.Tr(l, "gone_toast"), nil
	}
	dk.log.Info("held message decided", "held_id", h.ID, "approved", approve, "chat_id", in.ChatID)
	if !approve {
		if h.Kind == HeldIntro && h.Ref != "" {
			if err := dk.o.Store.RejectIntro(ctx, h.Ref); err != nil {
				return "", err
			}
		}
		return dialog.Tr(l, "held_rejected_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "held_rejected", h.ID)})
	}
	if err := dk.releaseHeld(ctx, h); err != nil {
		// Back to pending, so that an admin can approve it again.
		if rerr := dk.o.Store.ReopenHeld(ctx, h.ID); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return "", err
	}
	return dialog.Tr(l, "held_approved_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "held_approved", h.ID)})
}

// releaseHeld sends an approved message to its recipient; for an
// introduction, asking back connects the two from then on.
func (dk *Desk) releaseHeld(ctx context.Context, h store.Held) error {
	var r dialog.Reply
	if err := json.Unmarshal(h.Message, &r); err != nil {
		return fmt.Errorf("decode held %s: %w", h.ID, err)
	}
	if h.Kind == HeldIntro && h.Ref != "" {
		if err := dk.o.Store.HoldIntro(ctx, h.Ref, false); err != nil {
			return err
		}
	}
	if err := dk.messenger.Notify(ctx, h.To, h.Key, r); err != nil {
		return fmt.Errorf("deliver held %s: %w", h.ID, err)
	}
	return nil
}

// pendingCommand shows the messages waiting for a decision: /pending.
func (dk *Desk) pendingCommand(ctx context.Context, l matcher.Lang, in Incoming, out Sender) error {
	hs, err := dk.o.Store.PendingHeld(ctx)
	if err != nil {
		return err
	}
	if len(hs) == 0 {
		key := dialog.Msg("pending_none")
		if !dk.o.Broker {
			key = "pending_none_off"
		}
		return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, key)})
	}
	if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "pending_count", len(hs))}); err != nil {
		return err
	}
	for _, h := range hs {
		var r dialog.Reply
		if err := json.Unmarshal(h.Message, &r); err != nil {
			return fmt.Errorf("decode held %s: %w", h.ID, err)
		}
		if err := out.Send(ctx, in.ChatID, dk.heldCard(l, h, r)); err != nil {
			return err
		}
	}
	return nil
}

// Note tells organizers who asks whom in an introduction request
// (or whose new profile matches whose); "" outside broker mode.
func (dk *Desk) Note(ctx context.Context, from, to matcher.Profile) string {
	if !dk.Brokered() {
		return ""
	}
	side := func(p matcher.Profile) string {
		p = dk.views.public(ctx, p, p.Lang)
		s := "“" + p.Title + "”"
		if p.Org != "" {
			s += " · " + p.Org
		}
		if p.OwnerID != 0 {
			s += " · " + dk.contactOf(ctx, p.OwnerID)
		}
		return s
	}
	return side(from) + "\n→ " + side(to)
}

// contactOf is how to reach a user: their @username, else a tg:// link.
func (dk *Desk) contactOf(ctx context.Context, user int64) string {
	if u, err := dk.o.Store.GetUser(ctx, user); err == nil && u.Username != "" {
		return "@" + u.Username
	}
	return fmt.Sprintf("tg://user?id=%d", user)
}
