package matcher

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed taxonomy/*.tsv
var taxonomyFS embed.FS

// Domain is a top-level field of the docking taxonomy, such as "new materials".
type Domain struct {
	Code string
	EN   string
	ZH   string
}

// Name returns the domain's name in lang.
func (d Domain) Name(lang Lang) string {
	if lang == LangZH {
		return d.ZH
	}
	return d.EN
}

// Concept is a technical notion with its English and Chinese terms, lay
// words included. Concepts join profiles across languages and vocabularies.
type Concept struct {
	ID      string
	Domains []string
	EN      []string // lower case; EN[0] is the label
	ZH      []string // ZH[0] is the label
	Related []string // ids of closely related concepts
}

// Label returns the concept's name in lang.
func (c *Concept) Label(lang Lang) string {
	if lang == LangZH && len(c.ZH) > 0 {
		return c.ZH[0]
	}
	if len(c.EN) > 0 {
		return c.EN[0]
	}
	return c.ID
}

// Taxonomy is the bilingual vocabulary the normalizer and the ranking use.
// It is immutable after loading and safe for concurrent use.
type Taxonomy struct {
	domains  []Domain
	domainBy map[string]int
	concepts []*Concept
	byID     map[string]*Concept
	index    map[string]int32 // concept id → position in concepts
	terms    *termMatcher
	soft     *softVocab

	fpOnce sync.Once
	fp     uint64 // Fingerprint
}

var defaultTaxonomy = sync.OnceValue(func() *Taxonomy {
	t, err := LoadTaxonomy(taxonomyFS, "taxonomy")
	if err != nil {
		panic("matcher: embedded taxonomy is broken: " + err.Error())
	}
	return t
})

// Default returns the taxonomy embedded in the binary.
func Default() *Taxonomy { return defaultTaxonomy() }

// LoadTaxonomy reads domains.tsv and every concepts*.tsv file in dir.
func LoadTaxonomy(fsys fs.FS, dir string) (*Taxonomy, error) {
	t := &Taxonomy{domainBy: map[string]int{}, byID: map[string]*Concept{}}
	err := readTSV(fsys, path.Join(dir, "domains.tsv"), 3, func(line int, f []string) error {
		if _, dup := t.domainBy[f[0]]; dup {
			return fmt.Errorf("domain %q defined twice", f[0])
		}
		t.domainBy[f[0]] = len(t.domains)
		t.domains = append(t.domains, Domain{Code: f[0], EN: f[1], ZH: f[2]})
		return nil
	})
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, path.Join(dir, "concepts*.tsv"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, file := range files {
		err := readTSV(fsys, file, 5, func(line int, f []string) error {
			c := &Concept{ID: f[0], Domains: splitList(f[1], ","), EN: splitList(strings.ToLower(f[2]), "|"), ZH: splitList(f[3], "|"), Related: splitList(f[4], ",")}
			if _, dup := t.byID[c.ID]; dup {
				return fmt.Errorf("concept %q defined twice", c.ID)
			}
			if len(c.Domains) == 0 || len(c.EN) == 0 || len(c.ZH) == 0 {
				return fmt.Errorf("concept %q needs domains, English and Chinese terms", c.ID)
			}
			for _, d := range c.Domains {
				if _, ok := t.domainBy[d]; !ok {
					return fmt.Errorf("concept %q: unknown domain %q", c.ID, d)
				}
			}
			t.byID[c.ID] = c
			t.concepts = append(t.concepts, c)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Related ids that name no concept are dropped rather than failing the
	// load: the vocabulary files are edited independently.
	for _, c := range t.concepts {
		kept := c.Related[:0]
		for _, r := range c.Related {
			if _, ok := t.byID[r]; ok && r != c.ID {
				kept = append(kept, r)
			}
		}
		c.Related = kept
	}
	t.index = make(map[string]int32, len(t.concepts))
	for i, c := range t.concepts {
		t.index[c.ID] = int32(i)
	}
	t.terms = newTermMatcher(t.concepts)
	t.soft = newSoftVocab(t.concepts)
	return t, nil
}

func readTSV(fsys fs.FS, name string, cols int, row func(line int, fields []string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) < cols {
			fields = append(fields, make([]string, cols-len(fields))...)
		}
		if len(fields) != cols {
			return fmt.Errorf("%s:%d: %d fields, want %d", name, n, len(fields), cols)
		}
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if err := row(n, fields); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	return sc.Err()
}

func splitList(s, sep string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, sep) {
		p = strings.TrimSpace(p)
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Domains returns every domain in file order.
func (t *Taxonomy) Domains() []Domain { return t.domains }

// Domain returns the domain with the given code.
func (t *Taxonomy) Domain(code string) (Domain, bool) {
	i, ok := t.domainBy[code]
	if !ok {
		return Domain{}, false
	}
	return t.domains[i], true
}

// Concept returns the concept with the given id.
func (t *Taxonomy) Concept(id string) (*Concept, bool) {
	c, ok := t.byID[id]
	return c, ok
}

// Len returns the number of concepts.
func (t *Taxonomy) Len() int { return len(t.concepts) }
