package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/prompts"
	"github.com/duijie/duijie/prompts/llmfake"
	"github.com/duijie/duijie/store"
)

func TestLLMConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    LLMConfig
		wantErr string
	}{
		{name: "nothing: offline", env: nil, want: LLMConfig{Model: DefaultLLMModel, Timeout: prompts.DefaultTimeout, UserCap: DefaultLLMUserCap, GlobalCap: DefaultLLMGlobalCap}},
		{name: "local server", env: map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_MODEL": "qwen2.5:7b", "LLM_TIMEOUT": "40s",
			"LLM_DAILY_USER_CAP": "0", "LLM_DAILY_GLOBAL_CAP": "100", "OPENAI_EMBEDDING_MODEL": "bge-m3"},
			want: LLMConfig{BaseURL: "http://127.0.0.1:11434/v1", Model: "qwen2.5:7b", EmbeddingModel: "bge-m3", Timeout: 40 * time.Second, UserCap: 0, GlobalCap: 100}},
		{name: "azure", env: map[string]string{"OPENAI_API_TYPE": "azure", "OPENAI_BASE_URL": "https://x.openai.azure.com", "OPENAI_API_KEY": "k", "OPENAI_MODEL": "dep", "OPENAI_API_VERSION": "2024-10-21"},
			want: LLMConfig{APIKey: "k", BaseURL: "https://x.openai.azure.com", Model: "dep", Azure: true, APIVersion: "2024-10-21", Timeout: prompts.DefaultTimeout, UserCap: DefaultLLMUserCap, GlobalCap: DefaultLLMGlobalCap}},
		{name: "azure without endpoint", env: map[string]string{"OPENAI_API_TYPE": "azure", "OPENAI_API_KEY": "k"}, wantErr: "OPENAI_BASE_URL"},
		{name: "unknown type", env: map[string]string{"OPENAI_API_TYPE": "bedrock"}, wantErr: "OPENAI_API_TYPE"},
		{name: "bad timeout", env: map[string]string{"LLM_TIMEOUT": "5ms"}, wantErr: "LLM_TIMEOUT"},
		{name: "bad cap", env: map[string]string{"LLM_DAILY_USER_CAP": "-3"}, wantErr: "LLM_DAILY_USER_CAP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := fromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, c.LLM); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
	c, _ := fromEnv(func(k string) string {
		return map[string]string{"OPENAI_API_KEY": "sk-secret-123", "OPENAI_BASE_URL": "https://user:pw@api.example.com/v1"}[k]
	})
	if s := c.String(); strings.Contains(s, "sk-secret-123") || strings.Contains(s, "pw@") || !strings.Contains(s, "key_set=true") {
		t.Errorf("Config.String() = %q: leaks a secret or hides the model setup", s)
	}
}

// answerFor is a model that answers any description with a fixed, valid
// analysis whose title repeats the description's first words.
func answerFor(c llmfake.Call) llmfake.Reply {
	b, _ := json.Marshal(map[string]any{
		"title": "Normalized by the model", "summary": "s", "statement": "A technical statement in English.",
		"domains": []string{"materials"}, "concepts_en": []string{"laser cladding"}, "concepts_zh": []string{"激光熔覆"},
		"keywords_en": []string{}, "keywords_zh": []string{}, "trl": 0, "ip": "unknown", "modes": []string{},
		"region": "", "budget": "", "deadline": "", "missing": []string{}, "remarks": []string{},
	})
	return llmfake.Reply{Content: string(b)}
}

// TestImportWithModel imports through a model server: every row is read
// by the model, four at a time, with progress lines; embeddings are
// computed in batches and stored with the profiles.
func TestImportWithModel(t *testing.T) {
	fake := llmfake.New(t)
	fake.Chat = answerFor
	mr := miniredis.RunT(t)
	url := "redis://" + mr.Addr() + "/0"
	dir := t.TempDir()
	file := filepath.Join(dir, "list.jsonl")
	var lines []string
	for i := range 12 {
		lines = append(lines, `{"id":"o`+string(rune('a'+i))+`","kind":"offer","title":"Offer `+string(rune('A'+i))+`","description":"Corrosion-resistant cladding variant `+string(rune('A'+i))+`; contact 13800138000.","lang":"en"}`)
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"REDIS_URL": url, "LOG_LEVEL": "warn", "OPENAI_BASE_URL": fake.URL(), "OPENAI_MODEL": "m", "OPENAI_EMBEDDING_MODEL": "e"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"import", "--concurrency", "4", file}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "12 imported (12 new") {
		t.Errorf("import summary = %q", out.String())
	}
	for _, want := range []string{"normalizing: 12/12 (100%)", "12 of 12 rows read by the model", "embedding: 12/12 (100%)"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("import progress lacks %q:\n%s", want, errOut.String())
		}
	}
	if n := len(fake.ChatCalls()); n != 12 {
		t.Errorf("%d chat completions for 12 rows, want 12", n)
	}
	if n := len(fake.EmbedCalls()); n != 1 {
		t.Errorf("%d embedding requests for 12 rows, want 1 batch", n)
	}
	for _, c := range fake.Calls() {
		if strings.Contains(string(c.Body), "13800138000") {
			t.Errorf("a request to %s carries the phone number", c.Path)
		}
	}
	rdb, err := store.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	p, err := store.New(rdb, "").Profile(ctx, "oa")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Offer A" || p.Statement == "" || p.PromptVersion != prompts.Version || len(p.Embedding) == 0 || p.EmbeddingModel != "e" ||
		len(p.Domains) == 0 || p.Domains[0] != "materials" {
		t.Errorf("imported profile = %+v", p)
	}
}

// TestChatWithModel holds a console intake with a model server: one
// call, and the user sees the same dialog.
func TestChatWithModel(t *testing.T) {
	fake := llmfake.New(t)
	fake.Chat = answerFor
	env := map[string]string{"OPENAI_BASE_URL": fake.URL(), "OPENAI_API_KEY": "sk-test"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The model finds nothing missing: Done leads straight to the card.
	script := strings.Join([]string{"2", "1", "Our hydraulic piston rods rust within months near the sea and the chrome plating peels off.", "1", "1"}, "\n") + "\n"
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"chat"}, func(k string) string { return env[k] }, strings.NewReader(script), &out, &errOut); err != nil {
		t.Fatalf("chat: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"Title: Normalized by the model", "Published", "Best technologies for your need"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
	if n := len(fake.ChatCalls()); n != 1 {
		t.Errorf("%d chat completions, want 1", n)
	}
	if got := fake.ChatCalls()[0].Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization = %q", got)
	}
}
