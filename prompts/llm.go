package prompts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Role is the author of a chat message.
type Role string

const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one message of a chat.
type Message struct {
	Role    Role
	Content string
}

// Format is how a reply is asked to be shaped. Servers that reject a
// format get the next one.
type Format int32

const (
	FormatSchema Format = iota // structured output with a strict JSON schema
	FormatJSON                 // JSON mode; the schema is written into the prompt
	FormatText                 // no response format; the schema is in the prompt
)

func (f Format) String() string {
	switch f {
	case FormatSchema:
		return "json_schema"
	case FormatJSON:
		return "json_object"
	}
	return "text"
}

// ChatRequest is one chat completion request.
type ChatRequest struct {
	Model       string
	Messages    []Message
	Format      Format
	SchemaName  string
	Schema      json.RawMessage // FormatSchema only
	MaxTokens   int
	Temperature float32 // 0 leaves the server's default
}

// ChatReply is the first choice of a chat completion.
type ChatReply struct {
	Content   string
	Refusal   string // the model declined (structured outputs)
	Truncated bool   // stopped at the token limit
	Filtered  bool   // stopped by the server's content filter
}

// Chatter sends chat completion requests. Errors are *StatusError for an
// error answer, ErrBadReply or ErrReplyTooLarge for an unreadable one,
// or the network's or context's error.
type Chatter interface {
	Chat(ctx context.Context, req ChatRequest) (ChatReply, error)
}

// Embedder computes embedding vectors, one per text, in order. Errors
// are as Chatter's.
type Embedder interface {
	Embed(ctx context.Context, model string, texts []string) ([][]float32, error)
}

// StatusError is an error answer of the model server.
type StatusError struct {
	Status  int // HTTP status
	Message string
	Param   string
	// FormatRejected: the server does not support the response format asked for.
	FormatRejected bool
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("model server answered %d: %s", e.Status, e.Message)
}

var (
	// ErrBadReply is a reply that is not a readable completion.
	ErrBadReply = errors.New("unreadable reply from the model server")
	// ErrReplyTooLarge is a reply longer than the adapter reads.
	ErrReplyTooLarge = errors.New("reply from the model server too large")
	// ErrBreakerOpen is returned without a call while the circuit breaker
	// keeps the server at rest after repeated failures.
	ErrBreakerOpen = errors.New("model server resting after repeated failures")
)
