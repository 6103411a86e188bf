package wxchannel

import (
	"context"
	"testing"
)

// HandleStored handles what the inbox holds now, as the lease holder
// would, without waiting for more.
func (c *Channel) HandleStored(t testing.TB, ctx context.Context) {
	t.Helper()
	if err := c.st.ClaimWeChat(ctx, c.opt.Replica, 0); err != nil {
		t.Fatal(err)
	}
	for _, pending := range []bool{true, false} {
		es, err := c.st.ReadWeChat(ctx, c.opt.Replica, 1000, -1, pending)
		if err != nil {
			t.Fatal(err)
		}
		c.handleEntries(ctx, es)
	}
}
