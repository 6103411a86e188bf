package bench

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/duijie/duijie/matcher"
)

// mixedAnalyzer reads Chinese and English in one field: bleve's "en"
// analyzer (possessives, lower case, English stop words, Porter stemmer)
// with the "cjk" analyzer's width folding and Han bigrams.
const mixedAnalyzer = "zh_en"

// Baseline is a bleve index over the title and description of profiles,
// kept in memory (scorch without a path).
type Baseline struct {
	idx bleve.Index
}

// baselineDoc is what the baseline indexes of a profile.
type baselineDoc struct {
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// NewBaseline indexes ps.
func NewBaseline(ps []matcher.Profile) (*Baseline, error) {
	m := bleve.NewIndexMapping()
	err := m.AddCustomAnalyzer(mixedAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{cjk.WidthName, en.PossessiveName, lowercase.Name, en.StopName, porter.Name, cjk.BigramName},
	})
	if err != nil {
		return nil, fmt.Errorf("baseline analyzer: %w", err)
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = mixedAnalyzer
	text.Store = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false
	kind := bleve.NewKeywordFieldMapping()
	kind.Analyzer = keyword.Name
	kind.Store = false
	kind.IncludeInAll = false
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("kind", kind)
	doc.AddFieldMappingsAt("title", text)
	doc.AddFieldMappingsAt("description", text)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = mixedAnalyzer

	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("baseline index: %w", err)
	}
	const batchSize = 1000
	for start := 0; start < len(ps); start += batchSize {
		b := idx.NewBatch()
		for _, p := range ps[start:min(start+batchSize, len(ps))] {
			if err := b.Index(p.ID, baselineDoc{Kind: string(p.Kind), Title: p.Title, Description: p.Description}); err != nil {
				return nil, fmt.Errorf("baseline index %s: %w", p.ID, err)
			}
		}
		if err := idx.Batch(b); err != nil {
			return nil, fmt.Errorf("baseline batch: %w", err)
		}
	}
	return &Baseline{idx: idx}, nil
}

// Top returns the ids of the k best counterparts of p: profiles of the
// other kind whose title or description matches p's words.
func (b *Baseline) Top(p matcher.Profile, k int) ([]string, error) {
	kind := query.NewTermQuery(string(p.Kind.Counterpart()))
	kind.SetField("kind")
	text := p.Title + "\n" + p.Description
	title := query.NewMatchQuery(text)
	title.SetField("title")
	desc := query.NewMatchQuery(text)
	desc.SetField("description")
	q := query.NewBooleanQuery([]query.Query{kind}, []query.Query{title, desc}, nil)
	q.SetMinShould(1)
	req := bleve.NewSearchRequestOptions(q, k+1, 0, false)
	res, err := b.idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("baseline search %s: %w", p.ID, err)
	}
	ids := make([]string, 0, k)
	for _, h := range res.Hits {
		if h.ID != p.ID && len(ids) < k {
			ids = append(ids, h.ID)
		}
	}
	return ids, nil
}

// Close releases the index.
func (b *Baseline) Close() error { return b.idx.Close() }
