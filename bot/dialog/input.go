package dialog

import (
	"strconv"
	"strings"

	"github.com/duijie/duijie/matcher"
)

// InputKind tells what happened in a chat.
type InputKind int

const (
	InText        InputKind = iota + 1 // a text message
	InCommand                          // a /command, with Command and Arg
	InButton                           // a button press, with Button
	InUnsupported                      // a sticker, photo, voice… anything not text
	InAnalyzed                         // the engine's answer to Effects.Analyze
	InPublished                        // the engine's answer to Effects.Publish
	InDocument                         // a file, with File; Text holds its caption
	InSearched                         // the engine's answer to Effects.Search: Text the query, Matches
	InVoice                            // a voice message, with File
)

// String names the kind, for logs and metrics.
func (k InputKind) String() string {
	switch k {
	case InText:
		return "text"
	case InCommand:
		return "command"
	case InButton:
		return "button"
	case InUnsupported:
		return "unsupported"
	case InAnalyzed:
		return "analyzed"
	case InPublished:
		return "published"
	case InDocument:
		return "document"
	case InSearched:
		return "searched"
	case InVoice:
		return "voice"
	}
	return "other"
}

// Input is one event for the dialog: from the user, or the result of an
// effect the engine performed.
type Input struct {
	Kind     InputKind
	Text     string
	Command  string // without the slash, lower case: "start"
	Arg      string // text after the command: the deep-link payload of /start
	Button   Button
	LangHint matcher.Lang // the user's client language, when known
	// Group is set for a message or press in a group chat: the bot works
	// in private chats only and keeps nothing of groups.
	Group bool
	File  *FileRef // InDocument: the file sent

	Analysis *matcher.Analysis // InAnalyzed
	Profile  *matcher.Profile  // InPublished: the stored profile
	Matches  []matcher.Match   // InPublished: its counterparts
	Team     *matcher.Team     // InPublished: a linkage team, when one adds coverage
	// MatchButtons are the action buttons of Matches, one row each.
	MatchButtons [][]Choice
}

// FileRef is a file a user sent: its id for fetching it, its name and
// its size in bytes as the chat reported them.
type FileRef struct {
	ID   string
	Name string
	Size int64
}

// Button is a pressed button: the nonce it was shown with, an action and
// an optional value.
type Button struct {
	Nonce  int
	Action string
	Value  string
}

// ActionNonce marks an action button: it acts on stored data (a match,
// an introduction, a profile) rather than on an interview, and stays
// valid as long as that data does.
const ActionNonce = -1

// Action returns an action button.
func Action(action, value string) Button {
	return Button{Nonce: ActionNonce, Action: action, Value: value}
}

// IsAction reports whether b is an action button.
func (b Button) IsAction() bool { return b.Nonce == ActionNonce }

// Encode returns the button as callback data: "nonce:action[:value]" for
// an interview's buttons, "a/action/value" for action buttons; both stay
// well below Telegram's 64-byte limit.
func (b Button) Encode() string {
	if b.IsAction() {
		return "a/" + b.Action + "/" + b.Value
	}
	s := strconv.Itoa(b.Nonce) + ":" + b.Action
	if b.Value != "" {
		s += ":" + b.Value
	}
	return s
}

// ParseButton decodes callback data written by Encode.
func ParseButton(data string) (Button, bool) {
	if len(data) == 0 || len(data) > 64 {
		return Button{}, false
	}
	if rest, ok := strings.CutPrefix(data, "a/"); ok {
		action, value, ok := strings.Cut(rest, "/")
		if !ok || action == "" {
			return Button{}, false
		}
		return Action(action, value), true
	}
	parts := strings.SplitN(data, ":", 3)
	if len(parts) < 2 || parts[1] == "" {
		return Button{}, false
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 0 {
		return Button{}, false
	}
	b := Button{Nonce: n, Action: parts[1]}
	if len(parts) == 3 {
		b.Value = parts[2]
	}
	return b, true
}

// ParseCommand splits "/start payload" into ("start", "payload"). It
// accepts "/cmd@botname" and what a Chinese keyboard types in full width
// ("／start"). ok is false for text that is not a command.
func ParseCommand(text string) (cmd, arg string, ok bool) {
	text = matcher.NormalizeInput(text)
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", "", false
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	head, _, _ = strings.Cut(head, "@")
	if head == "" || strings.ContainsAny(head, "/\n") {
		return "", "", false
	}
	return strings.ToLower(head), strings.TrimSpace(rest), true
}

// Reply is a message for the user, with optional rows of buttons.
type Reply struct {
	Text    string
	Buttons [][]Choice
}

// Choice is a button on offer: its label and what pressing it sends.
type Choice struct {
	Label  string
	Button Button
}

// Effects is what one step asks the engine to do, in order: send the
// replies, then analyze or publish. The engine feeds the outcome of an
// analysis or a publication back into the dialog as a new Input.
type Effects struct {
	Replies []Reply
	Toast   string           // a short notice on the pressed button, if any
	Stale   bool             // the pressed button is from an earlier step: its keyboard can go
	Analyze *AnalyzeRequest  // read the description into a profile
	Publish *matcher.Profile // store this profile and rank its counterparts
	Search  *SearchRequest   // rank the counterparts some words describe
}

// SearchRequest asks for the counterparts of a profile of Kind that the
// words of Query describe; the engine answers with InSearched.
type SearchRequest struct {
	Query string
	Kind  matcher.Kind
}

// AnalyzeRequest asks for a description to be normalized.
type AnalyzeRequest struct {
	Kind matcher.Kind
	Lang matcher.Lang
	Text string
}
