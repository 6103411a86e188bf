package bot

import "context"

// Organizers: the commands and buttons only admins may use.

// adminCommand performs an organizer's command. It reports false for
// commands that are not organizers'.
func (e *Engine) adminCommand(ctx context.Context, s *Session, in Incoming, out Sender) (bool, error) {
	return false, nil
}

// adminAction performs an organizer's button.
func (e *Engine) adminAction(ctx context.Context, s *Session, in Incoming, b Button, out Sender) (string, error) {
	return tr(s.Lang, "stale_toast"), nil
}
