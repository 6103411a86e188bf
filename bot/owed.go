package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// An introduction's change (a request, an accept, a decline) and the
// messages it owes are two steps: the store's script marks what the change
// owes, the messages go to the outbox, and only then is the mark cleared
// (store.IntroDelivered). A crash between the two leaves the mark; a
// retried button finishes the change (store.Resume), and so does
// FinishOwedIntros, which a periodic job runs over the marks left behind.
// The outbox sends each message once per key, so finishing twice sends
// once.

// IntroLedger is what finishing introductions needs of the store.
type IntroLedger interface {
	IntroDelivered(ctx context.Context, in store.Intro) error
	OwedIntros(ctx context.Context, before time.Time) ([]store.Intro, error)
}

var _ IntroLedger = (*store.Store)(nil)

// noLedger is the IntroLedger of a store that keeps no owed marks: every
// change is taken as delivered.
type noLedger struct{}

func (noLedger) IntroDelivered(context.Context, store.Intro) error            { return nil }
func (noLedger) OwedIntros(context.Context, time.Time) ([]store.Intro, error) { return nil, nil }

// delivered clears what intro owed once its messages are in the outbox.
// A failure only leaves the mark, and the sweep sends once more, which
// the outbox's keys absorb.
func (it *Introductions) delivered(ctx context.Context, intro store.Intro) {
	if intro.Owed == "" {
		return
	}
	if err := it.ledger.IntroDelivered(ctx, intro); err != nil {
		it.log.Warn("intro delivered mark failed; the sweep finishes it", "intro_id", intro.ID, "err", err)
	}
}

// tellDeclined tells the requester that their request was declined.
func (it *Introductions) tellDeclined(ctx context.Context, intro store.Intro) error {
	to, err := it.st.Profile(ctx, intro.To)
	if errors.Is(err, store.ErrNotFound) {
		it.delivered(ctx, intro) // the profile is gone: nothing to name
		return nil
	}
	if err != nil {
		return err
	}
	l := it.views.langOf(ctx, intro.FromOwner, matcher.LangEN)
	if err := it.messenger.Notify(ctx, intro.FromOwner, "declined:"+intro.ID, dialog.Reply{Text: dialog.Tr(l, "intro_declined_notice", it.views.public(ctx, to, l).Title)}); err != nil {
		return err
	}
	it.delivered(ctx, intro)
	return nil
}

// FinishOwed sends the messages still owed by introduction changes
// made before the given time, and reports how many it finished. An
// introduction whose profiles are gone owes nothing more.
func (it *Introductions) FinishOwed(ctx context.Context, before time.Time) (int, error) {
	owed, err := it.ledger.OwedIntros(ctx, before)
	if err != nil {
		return 0, err
	}
	done := 0
	for _, in := range owed {
		if err := it.finishIntro(ctx, in); err != nil {
			it.log.Warn("owed intro not finished", "intro_id", in.ID, "owed", in.Owed, "err", err)
			continue
		}
		done++
	}
	return done, nil
}

func (it *Introductions) finishIntro(ctx context.Context, in store.Intro) error {
	from, err1 := it.st.Profile(ctx, in.From)
	to, err2 := it.st.Profile(ctx, in.To)
	if in.Owed != store.OwedDecline && (err1 != nil || err2 != nil) {
		it.delivered(ctx, in) // a side is gone: nothing can be told
		return nil
	}
	switch in.Owed {
	case store.OwedRequest:
		if to.OwnerID == 0 {
			it.delivered(ctx, in)
			return nil
		}
		if _, err := it.sendIntroRequest(ctx, from, to, in); err != nil {
			return err
		}
		it.delivered(ctx, in)
		return nil
	case store.OwedConnect:
		return it.connect(ctx, in, from, to)
	case store.OwedDecline:
		return it.tellDeclined(ctx, in)
	}
	return fmt.Errorf("intro %s owes %q", in.ID, in.Owed)
}
