// Package openaiapi is the adapter to servers speaking the OpenAI Chat
// Completions, Embeddings and audio transcription APIs (OpenAI, Azure OpenAI, DeepSeek, Qwen,
// Ollama, vLLM). It is the only package that imports go-openai: it turns
// prompts' requests into the SDK's and the SDK's answers and errors back
// into prompts' types. It must not import bot, store or Telegram packages.
package openaiapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/sashabaranov/go-openai"

	"github.com/duijie/duijie/prompts"
)

// DefaultAzureAPIVersion is the Azure OpenAI API version used when none
// is configured; json_schema needs 2024-08-01 or later.
const DefaultAzureAPIVersion = "2024-10-21"

// MaxReplyBytes caps the size of one HTTP reply read from the server.
const MaxReplyBytes = 1 << 20

// Config says how to reach an OpenAI-compatible server.
type Config struct {
	APIKey  string // empty sends no Authorization header (Ollama, vLLM)
	BaseURL string // e.g. https://api.deepseek.com/v1 or http://localhost:11434/v1; empty: OpenAI
	// Azure selects Azure OpenAI: BaseURL is the resource endpoint and
	// model names are deployment names.
	Azure      bool
	APIVersion string // Azure API version; default DefaultAzureAPIVersion
	// HTTPClient makes the calls (default: http.DefaultTransport). Its
	// replies are cut at MaxReplyBytes; timeouts come from the context.
	HTTPClient *http.Client
}

// Client is a model server speaking the OpenAI Chat Completions and
// Embeddings APIs.
type Client struct {
	c *openai.Client
}

var (
	_ prompts.Chatter  = (*Client)(nil)
	_ prompts.Embedder = (*Client)(nil)
)

// New returns a client for the server cfg names.
func New(cfg Config) *Client {
	var oc openai.ClientConfig
	if cfg.Azure {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		oc.APIVersion = cfg.APIVersion
		if oc.APIVersion == "" {
			oc.APIVersion = DefaultAzureAPIVersion
		}
		oc.AzureModelMapperFunc = func(model string) string { return model }
	} else {
		oc = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
		}
	}
	hc := http.Client{}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = limitTransport{base: base, max: MaxReplyBytes}
	oc.HTTPClient = &hc
	return &Client{c: openai.NewClientWithConfig(oc)}
}

// Chat sends one chat completion request.
func (o *Client) Chat(ctx context.Context, req prompts.ChatRequest) (prompts.ChatReply, error) {
	r := openai.ChatCompletionRequest{Model: req.Model}
	for _, m := range req.Messages {
		r.Messages = append(r.Messages, openai.ChatCompletionMessage{Role: string(m.Role), Content: m.Content})
	}
	if reasoningModel(req.Model) {
		// These models take neither max_tokens nor a temperature.
		r.MaxCompletionTokens = req.MaxTokens
	} else {
		r.MaxTokens = req.MaxTokens
		r.Temperature = req.Temperature
	}
	switch req.Format {
	case prompts.FormatSchema:
		r.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: req.SchemaName, Schema: req.Schema, Strict: true,
			},
		}
	case prompts.FormatJSON:
		r.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	res, err := o.c.CreateChatCompletion(ctx, r)
	if err != nil {
		return prompts.ChatReply{}, convertError(err, req.Format != prompts.FormatText)
	}
	if len(res.Choices) == 0 {
		return prompts.ChatReply{}, fmt.Errorf("%w: no choices", prompts.ErrBadReply)
	}
	ch := res.Choices[0]
	return prompts.ChatReply{
		Content:   ch.Message.Content,
		Refusal:   ch.Message.Refusal,
		Truncated: ch.FinishReason == openai.FinishReasonLength,
		Filtered:  ch.FinishReason == openai.FinishReasonContentFilter,
	}, nil
}

// Embed returns one vector per text, in the order of texts.
func (o *Client) Embed(ctx context.Context, model string, texts []string) ([][]float32, error) {
	res, err := o.c.CreateEmbeddings(ctx, openai.EmbeddingRequest{Input: texts, Model: openai.EmbeddingModel(model)})
	if err != nil {
		return nil, convertError(err, false)
	}
	if len(res.Data) != len(texts) {
		return nil, fmt.Errorf("%w: %d vectors for %d texts", prompts.ErrBadReply, len(res.Data), len(texts))
	}
	data := res.Data
	sort.SliceStable(data, func(i, j int) bool { return data[i].Index < data[j].Index })
	out := make([][]float32, len(data))
	for i, d := range data {
		if d.Index != i || len(d.Embedding) == 0 {
			return nil, fmt.Errorf("%w: vector %d missing", prompts.ErrBadReply, i)
		}
		out[i] = d.Embedding
	}
	return out, nil
}

// reasoningModel reports whether OpenAI's reasoning-model rules apply.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// Transcribe turns recorded speech into text through the audio
// transcription API (OpenAI's Whisper and Whisper-compatible servers).
// name is the file's name, whose extension tells the server the format
// (Telegram voice messages are .ogg); lang, when set, is the expected
// language (ISO-639-1, "zh" or "en").
func (o *Client) Transcribe(ctx context.Context, model, name string, audio []byte, lang string) (string, error) {
	resp, err := o.c.CreateTranscription(ctx, openai.AudioRequest{Model: model, FilePath: name, Reader: bytes.NewReader(audio),
		Language: lang, Format: openai.AudioResponseFormatJSON})
	if err != nil {
		return "", convertError(err, false)
	}
	return strings.TrimSpace(resp.Text), nil
}

// convertError turns the SDK's errors into StatusError and ErrBadReply;
// network and context errors pass through. RequestError is checked
// first: it may wrap an APIError that carries no status.
func convertError(err error, askedFormat bool) error {
	var se *prompts.StatusError
	var reqErr *openai.RequestError
	var apiErr *openai.APIError
	switch {
	case errors.As(err, &reqErr):
		msg := string(reqErr.Body)
		if errors.As(reqErr.Err, &apiErr) && apiErr.Message != "" {
			msg = apiErr.Message
		}
		se = &prompts.StatusError{Status: reqErr.HTTPStatusCode, Message: clipBytes(msg, 300)}
	case errors.As(err, &apiErr):
		se = &prompts.StatusError{Status: apiErr.HTTPStatusCode, Message: clipBytes(apiErr.Message, 300)}
		if apiErr.Param != nil {
			se.Param = *apiErr.Param
		}
	}
	if se != nil {
		se.FormatRejected = askedFormat && formatRejection(se)
		return se
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syn) || errors.As(err, &typ) {
		return fmt.Errorf("%w: %v", prompts.ErrBadReply, err)
	}
	return err
}

// formatRejection tells whether a 400 or 422 answer complains about the
// response format (a server without json_schema, or without JSON mode).
func formatRejection(se *prompts.StatusError) bool {
	if se.Status != http.StatusBadRequest && se.Status != http.StatusUnprocessableEntity {
		return false
	}
	text := strings.ToLower(se.Param + " " + se.Message)
	for _, w := range []string{"response_format", "json_schema", "json_object", "structured output", "response format"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// limitTransport cuts every reply body at max bytes: a reply that goes on
// fails with prompts.ErrReplyTooLarge instead of filling memory.
type limitTransport struct {
	base http.RoundTripper
	max  int64
}

func (t limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	res.Body = &limitedBody{rc: res.Body, left: t.max}
	return res, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, err := b.rc.Read(one[:]); n == 0 && err != nil {
			return 0, err // the body ended right at the limit
		}
		return 0, prompts.ErrReplyTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
