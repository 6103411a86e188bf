package prompts

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/duijie/duijie/matcher"
)

// Limits of embedding requests.
const (
	DefaultEmbedBatch = 64   // texts per request
	MaxEmbedRunes     = 2000 // of one text
)

// Embeddings computes embedding vectors with a model, in batches, under
// the guard. Texts leave the process cleaned, without contact details and
// cut to MaxEmbedRunes.
type Embeddings struct {
	emb   Embedder
	guard *Guard
	model string
	batch int
	log   *slog.Logger
}

// NewEmbeddings returns embeddings by model on emb; batch <= 0 takes
// DefaultEmbedBatch.
func NewEmbeddings(emb Embedder, guard *Guard, model string, batch int, log *slog.Logger) *Embeddings {
	if batch <= 0 {
		batch = DefaultEmbedBatch
	}
	return &Embeddings{emb: emb, guard: guard, model: model, batch: batch, log: log}
}

// Model names the embedding model; vectors of different models are not
// comparable.
func (e *Embeddings) Model() string { return e.model }

// Embed returns one vector per text, in order, or an error if any batch
// failed.
func (e *Embeddings) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += e.batch {
		batch := texts[start:min(start+e.batch, len(texts))]
		in := make([]string, len(batch))
		for i, t := range batch {
			in[i] = clipRunes(strings.TrimSpace(matcher.RedactContacts(t)), MaxEmbedRunes)
			if in[i] == "" {
				in[i] = "-" // servers reject empty input
			}
		}
		var vs [][]float32
		err := e.guard.Do(ctx, "embed", func(ctx context.Context) error {
			var err error
			vs, err = e.emb.Embed(ctx, e.model, in)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("embed texts %d-%d of %d: %w", start+1, start+len(batch), len(texts), err)
		}
		out = append(out, vs...)
	}
	return out, nil
}
