// Package llmfake is an OpenAI-compatible server for tests: it records
// every request and answers chat completions and embeddings with scripted
// replies, on a loopback port.
package llmfake

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer.
type Reply struct {
	Status       int    // HTTP status; 0 is 200
	Content      string // the message content of a chat completion
	Refusal      string
	FinishReason string // default "stop"
	Body         string // a raw body sent instead of a completion
	// Hang holds the request until the client gives up (or MaxHang passes).
	Hang bool
}

// Error returns a reply with an OpenAI-style error body.
func Error(status int, message, param string) Reply {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": "invalid_request_error", "param": param, "code": nil,
	}})
	return Reply{Status: status, Body: string(b)}
}

// Message is a chat message as the server received it.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Call is one request the server received.
type Call struct {
	Path     string
	Header   http.Header
	Body     []byte
	Model    string
	Messages []Message // chat completions
	Format   string    // response_format.type of a chat completion; "" when none
	Input    []string  // embeddings
}

// User returns the content of the first user message.
func (c Call) User() string {
	for _, m := range c.Messages {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

// System returns the content of the system message.
func (c Call) System() string {
	for _, m := range c.Messages {
		if m.Role == "system" {
			return m.Content
		}
	}
	return ""
}

// MaxHang bounds how long a hanging reply holds a request.
const MaxHang = 10 * time.Second

// Server is a fake OpenAI-compatible server.
type Server struct {
	srv *httptest.Server

	mu    sync.Mutex
	calls []Call
	queue []Reply
	// Chat answers chat completions when no scripted reply is queued;
	// nil answers "{}".
	Chat func(Call) Reply
	// RejectSchema answers json_schema requests with a 400, as servers
	// without structured output do.
	RejectSchema bool
	// EmbedFail answers embeddings with this status when non-zero.
	EmbedFail int
	// Transcript answers audio transcriptions given the audio's bytes;
	// nil answers "(no speech)".
	Transcript func(audio []byte) string
	stop       chan struct{}
}

// New starts a server; it stops when the test ends.
func New(t testing.TB) *Server {
	s := &Server{stop: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.stop)
		s.srv.Close()
	})
	return s
}

// URL is the base URL to configure, ending in /v1.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Push queues replies for the next chat completions, in order.
func (s *Server) Push(rs ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, rs...)
}

// Calls returns every request received so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// ChatCalls returns the chat completion requests received so far.
func (s *Server) ChatCalls() []Call { return s.callsTo("/chat/completions") }

// TranscriptionCalls returns the audio transcription requests received
// so far; a call's Body is the audio, Input its file name and language.
func (s *Server) TranscriptionCalls() []Call { return s.callsTo("/audio/transcriptions") }

// transcribe answers an audio transcription: a multipart form with the
// file, the model and optionally the language and response format.
func (s *Server) transcribe(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		write(w, Error(http.StatusBadRequest, "not a multipart form: "+err.Error(), ""))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		write(w, Error(http.StatusBadRequest, "no file", "file"))
		return
	}
	audio, _ := io.ReadAll(f)
	f.Close()
	model := r.FormValue("model")
	c := Call{Path: r.URL.Path, Header: r.Header.Clone(), Body: audio, Model: model, Input: []string{hdr.Filename, r.FormValue("language")}}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	answer := s.Transcript
	s.mu.Unlock()
	if model == "" {
		write(w, Error(http.StatusBadRequest, "model is required", "model"))
		return
	}
	text := "(no speech)"
	if answer != nil {
		text = answer(audio)
	}
	b, _ := json.Marshal(map[string]any{"text": text})
	write(w, Reply{Body: string(b)})
}

// EmbedCalls returns the embedding requests received so far.
func (s *Server) EmbedCalls() []Call { return s.callsTo("/embeddings") }

func (s *Server) callsTo(suffix string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if strings.HasSuffix(c.Path, suffix) {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/audio/transcriptions") {
		s.transcribe(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := Call{Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	var req struct {
		Model          string                 `json:"model"`
		Messages       []Message              `json:"messages"`
		ResponseFormat *struct{ Type string } `json:"response_format"`
		Input          json.RawMessage        `json:"input"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		write(w, Error(http.StatusBadRequest, "body is not JSON: "+err.Error(), ""))
		return
	}
	c.Model, c.Messages = req.Model, req.Messages
	if req.ResponseFormat != nil {
		c.Format = req.ResponseFormat.Type
	}
	var one string
	if json.Unmarshal(req.Input, &c.Input) != nil && json.Unmarshal(req.Input, &one) == nil {
		c.Input = []string{one}
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()

	switch {
	case strings.HasSuffix(r.URL.Path, "/chat/completions"):
		s.chat(r.Context(), w, c)
	case strings.HasSuffix(r.URL.Path, "/embeddings"):
		s.embed(w, c)
	default:
		write(w, Error(http.StatusNotFound, "no such endpoint "+r.URL.Path, ""))
	}
}

func (s *Server) chat(ctx context.Context, w http.ResponseWriter, c Call) {
	if s.RejectSchema && c.Format == "json_schema" {
		write(w, Error(http.StatusBadRequest, "This response_format type is unavailable now", "response_format"))
		return
	}
	s.mu.Lock()
	var rep Reply
	switch {
	case len(s.queue) > 0:
		rep, s.queue = s.queue[0], s.queue[1:]
	case s.Chat != nil:
		s.mu.Unlock()
		rep = s.Chat(c)
		s.mu.Lock()
	default:
		rep = Reply{Content: "{}"}
	}
	s.mu.Unlock()
	if rep.Hang {
		select {
		case <-ctx.Done():
		case <-s.stop:
		case <-time.After(MaxHang):
		}
		return
	}
	if rep.Body == "" && rep.Status == 0 {
		finish := rep.FinishReason
		if finish == "" {
			finish = "stop"
		}
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": c.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": finish, "message": map[string]any{
				"role": "assistant", "content": rep.Content, "refusal": rep.Refusal,
			}}},
			"usage": map[string]int{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
		})
		rep.Body = string(b)
	}
	write(w, rep)
}

// Vector is the embedding the server computes for a text: 8 numbers from
// a hash of it, so equal texts get equal vectors.
func Vector(text string) []float32 {
	v := make([]float32, 8)
	for i := range v {
		h := fnv.New32a()
		fmt.Fprintf(h, "%d:%s", i, text)
		v[i] = float32(h.Sum32()%1000)/1000 - 0.5
	}
	return v
}

func (s *Server) embed(w http.ResponseWriter, c Call) {
	if s.EmbedFail != 0 {
		write(w, Error(s.EmbedFail, "embedding failed", ""))
		return
	}
	data := make([]any, len(c.Input))
	// Answered in reverse order: clients must sort by index.
	for i := range c.Input {
		j := len(c.Input) - 1 - i
		data[i] = map[string]any{"object": "embedding", "index": j, "embedding": Vector(c.Input[j])}
	}
	b, _ := json.Marshal(map[string]any{"object": "list", "data": data, "model": c.Model,
		"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
	write(w, Reply{Body: string(b)})
}

func write(w http.ResponseWriter, r Reply) {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, r.Body)
}
