// Package prompts is everything Duijie asks a language model: the prompt
// templates (embedded, parsed once, one typed render function each), the
// JSON schema of the answer, the Chatter and Embedder a model server is
// reached through (implemented by openaiapi), and the Analyzer that turns
// a description into a validated matcher.Analysis with retries, a circuit
// breaker, a cache, daily caps and the offline normalizer as fallback.
//
// No SDK types live here. Validation of what a model returns
// lives in matcher (Analysis.Validate); this package decodes and asks
// again. It must not import bot, store or Telegram packages.
package prompts

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/duijie/duijie/matcher"
)

//go:embed *.tmpl
var templateFS embed.FS

// templates holds every prompt, parsed once; a parse failure is a bug.
var templates = template.Must(template.New("").Option("missingkey=error").Funcs(template.FuncMap{
	"langName": langName,
}).ParseFS(templateFS, "*.tmpl"))

// revision is raised when the answer's schema or its decoding changes;
// edits of the templates change Version by themselves.
const revision = 1

// Version identifies the prompts and the answer schema. It is part of
// every cache key and is stored with each profile a model normalized.
var Version = func() string {
	h := sha256.New()
	entries, err := templateFS.ReadDir(".")
	if err != nil {
		panic("prompts: " + err.Error())
	}
	for _, e := range entries {
		b, err := templateFS.ReadFile(e.Name())
		if err != nil {
			panic("prompts: " + err.Error())
		}
		fmt.Fprintf(h, "%s\x00%s\x00", e.Name(), b)
	}
	return fmt.Sprintf("n%d-%s", revision, hex.EncodeToString(h.Sum(nil))[:8])
}()

func langName(l matcher.Lang) string {
	if l == matcher.LangZH {
		return "Chinese"
	}
	return "English"
}

// NormalizePrompt is the data of the normalize prompt.
type NormalizePrompt struct {
	Kind    matcher.Kind
	Lang    matcher.Lang // the user's language: title and summary are written in it
	Text    string       // the description, cleaned and with contact details removed
	Domains []matcher.Domain
	// Schema, when set, is written into the system message for servers
	// that do not enforce a schema themselves (JSON mode).
	Schema string
}

// delimiter matches the tags that enclose the description, so that a
// description cannot close them early.
var delimiter = regexp.MustCompile(`(?i)<\s*/?\s*description\s*>`)

// RenderNormalize returns the system and user messages that ask for the
// analysis of one description. The description goes into the user
// message as delimited data.
func RenderNormalize(p NormalizePrompt) (system, user string, err error) {
	p.Text = strings.TrimSpace(delimiter.ReplaceAllString(p.Text, " "))
	data := struct {
		NormalizePrompt
		Need     bool
		TextLang matcher.Lang
	}{p, p.Kind == matcher.KindNeed, matcher.DetectLang(p.Text)}
	if system, err = render("normalize_system.tmpl", data); err != nil {
		return "", "", err
	}
	if user, err = render("normalize_user.tmpl", data); err != nil {
		return "", "", err
	}
	return system, user, nil
}

// ReaskPrompt is the data of the message that asks again after an
// unusable answer.
type ReaskPrompt struct {
	Problems  []string
	Truncated bool // the answer was cut off at the length limit
}

// RenderReask returns the follow-up message listing what was wrong.
func RenderReask(p ReaskPrompt) (string, error) {
	return render("reask.tmpl", p)
}

func render(name string, data any) (string, error) {
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render prompt %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()) + "\n", nil
}
