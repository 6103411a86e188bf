package matcher

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"math"
	"slices"
)

// A Digest is a profile as the index reads it — its lexical terms with
// their counts, its concepts and soft concepts, its domains, modes and
// province — analysed once, when the profile is written, and kept with it,
// so that an index is built from stored profiles without reading their
// text again. Its encoding names the analysis it came from (Fingerprint):
// after the vocabulary or the analysis changes, a stored digest no longer
// decodes and the profile is read from its text.
type Digest struct{ d *digest }

// digest is the part of an analysis the index keeps.
type digest struct {
	length int32
	terms  []string // lexical terms, sorted; or, when decoded, in arena
	// arena holds the decoded terms one after the other, ends[i] where the
	// i-th ends: looked up by their bytes, known terms cost no string.
	arena    []byte
	ends     []int32
	counts   []int32   // by term
	concepts []posting // concept index and occurrences, by concept
	soft     []posting // concept index and soft weight, by concept
	domains  uint32
	modes    uint8
	province int8

	// card and embed are the profile's fields, when the digest was
	// decoded from an encoding that holds them.
	card  *card
	embed []float32
}

// analysisVersion names the reading of text. Raise it whenever a change to
// the tokenizer, the lexicon bridge, the concept or soft matching or the
// place names changes what analyze returns for some text; the taxonomy and
// the lexicon are fingerprinted on their own.
const analysisVersion = 1

// ErrStaleDigest is returned for a digest written by another analysis
// (another vocabulary or version), or one that does not decode.
var ErrStaleDigest = errors.New("matcher: digest from another analysis")

// Digest analyses p as Index.Upsert would.
func (t *Taxonomy) Digest(p *Profile) Digest {
	return Digest{t.analyze(p).digest()}
}

// Valid reports whether d holds an analysis.
func (d Digest) Valid() bool { return d.d != nil }

// Profile returns the fields of the profile an index keeps (those Get
// returns), when d was decoded from an encoding that holds them.
func (d Digest) Profile() (Profile, bool) {
	if d.d == nil || d.d.card == nil {
		return Profile{}, false
	}
	return d.d.card.profile(), true
}

// Fingerprint identifies the analysis: the taxonomy's domains and
// concepts, the lexicon and analysisVersion.
func (t *Taxonomy) Fingerprint() uint64 {
	t.fpOnce.Do(func() {
		h := fnv.New64a()
		put := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
		h.Write([]byte{analysisVersion})
		for _, d := range t.domains {
			put(d.Code)
		}
		for _, c := range t.concepts {
			put(c.ID)
			for _, l := range [][]string{c.Domains, c.EN, c.ZH} {
				for _, s := range l {
					put(s)
				}
				put("|")
			}
		}
		h.Write(cedictGz)
		t.fp = h.Sum64()
	})
	return t.fp
}

// digest keeps what the index needs of a.
func (a *analysis) digest() *digest {
	d := &digest{length: int32(a.length), terms: a.keys, counts: make([]int32, len(a.keys)),
		domains: a.domains, modes: a.modes, province: a.province}
	for i, tok := range a.keys {
		d.counts[i] = int32(a.tokens[tok])
	}
	d.concepts = make([]posting, 0, len(a.concepts))
	for ci, n := range a.concepts {
		d.concepts = append(d.concepts, pack(ci, n))
	}
	sortPostings(d.concepts)
	d.soft = make([]posting, 0, len(a.soft))
	for _, cw := range a.soft {
		d.soft = append(d.soft, pack(cw.c, int(math.Round(float64(cw.w)*maxPacked))))
	}
	sortPostings(d.soft)
	return d
}

// term returns the i-th decoded term.
func (d *digest) term(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = d.ends[i-1]
	}
	return d.arena[start:d.ends[i]]
}

func sortPostings(ps []posting) {
	slices.SortFunc(ps, func(a, b posting) int { return int(a.id()) - int(b.id()) })
}

// An encoded digest starts with cardMagic, or with digestMagic when
// written before the profile's fields were kept with it; the fingerprint
// follows.
const (
	digestMagic = 'D'
	cardMagic   = 'C'
)

// Encode returns the fields of p an index keeps (those Get returns, and
// the embedding) and d, the digest of p, in a compact binary form: the
// fingerprint of t, then strings with their lengths and varints, terms
// sharing a prefix with the one before them written as what differs. An
// index is built from it (Decode, then UpsertDigest or Batch.Add) without
// reading the profile itself.
func (t *Taxonomy) Encode(p *Profile, d Digest) []byte {
	x := d.d
	c := cardOf(p)
	embed := unit(p.Embedding)
	b := make([]byte, 0, 64+len(p.Title)+len(p.Org)+len(p.Region)+4*len(embed)+len(x.terms)*8+len(x.concepts)*3+len(x.soft)*3)
	b = append(b, cardMagic)
	b = binary.LittleEndian.AppendUint64(b, t.Fingerprint())
	b = appendCard(b, &c, embed)
	return appendDigest(b, x)
}

// HoldsProfile reports whether b, the start of an encoded digest (its
// first 9 bytes at least), is of this analysis and holds the profile's
// fields.
func (t *Taxonomy) HoldsProfile(b []byte) bool {
	return len(b) >= 9 && b[0] == cardMagic && binary.LittleEndian.Uint64(b[1:9]) == t.Fingerprint()
}

// encodeBare is Encode without the profile's fields, as digests were
// written before they were kept with them.
func (t *Taxonomy) encodeBare(d Digest) []byte {
	b := binary.LittleEndian.AppendUint64([]byte{digestMagic}, t.Fingerprint())
	return appendDigest(b, d.d)
}

// appendDigest writes x after b.
func appendDigest(b []byte, x *digest) []byte {
	b = binary.AppendUvarint(b, uint64(x.length))
	b = binary.AppendUvarint(b, uint64(len(x.terms)))
	prev := ""
	for i, term := range x.terms {
		shared := commonPrefix(prev, term)
		b = binary.AppendUvarint(b, uint64(shared))
		b = binary.AppendUvarint(b, uint64(len(term)-shared))
		b = append(b, term[shared:]...)
		b = binary.AppendUvarint(b, uint64(x.counts[i]))
		prev = term
	}
	for _, ps := range [][]posting{x.concepts, x.soft} {
		b = binary.AppendUvarint(b, uint64(len(ps)))
		last := int32(0)
		for _, p := range ps {
			b = binary.AppendUvarint(b, uint64(p.id()-last))
			b = append(b, byte(p.val()))
			last = p.id()
		}
	}
	b = binary.AppendUvarint(b, uint64(x.domains))
	return append(b, x.modes, byte(x.province))
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b), 255)
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// Decode reads a digest Encode wrote with this taxonomy, with the
// profile's fields (Digest.Profile), or one written without them. It
// returns ErrStaleDigest for one of another analysis or one that does not
// decode.
func (t *Taxonomy) Decode(b []byte) (Digest, error) {
	if len(b) < 9 || b[0] != digestMagic && b[0] != cardMagic || binary.LittleEndian.Uint64(b[1:9]) != t.Fingerprint() {
		return Digest{}, ErrStaleDigest
	}
	r := digestReader{b: b[9:]}
	d := &digest{}
	if b[0] == cardMagic {
		c, embed := r.card()
		d.card, d.embed = &c, embed
	}
	d.length = int32(r.uvarint())
	n := r.count()
	d.ends, d.counts = make([]int32, n), make([]int32, n)
	d.arena = make([]byte, 0, len(r.b))
	start := 0
	for i := range n {
		shared, rest := int(r.uvarint()), r.bytes()
		if shared > len(d.arena)-start {
			return Digest{}, ErrStaleDigest
		}
		next := len(d.arena)
		d.arena = append(d.arena, d.arena[start:start+shared]...)
		d.arena = append(d.arena, rest...)
		d.ends[i], d.counts[i] = int32(len(d.arena)), int32(r.uvarint())
		start = next
	}
	for _, ps := range []*[]posting{&d.concepts, &d.soft} {
		n := r.count()
		*ps = make([]posting, n)
		last := int32(0)
		for i := range n {
			id := last + int32(r.uvarint())
			if id >= int32(len(t.concepts)) {
				r.bad = true
				break
			}
			(*ps)[i] = pack(id, int(r.byte()))
			last = id
		}
	}
	d.domains = uint32(r.uvarint())
	d.modes, d.province = r.byte(), int8(r.byte())
	if r.bad || len(r.b) != 0 {
		return Digest{}, ErrStaleDigest
	}
	return Digest{d}, nil
}

// digestReader reads the parts of an encoded digest; bad is set once it
// runs past the end.
type digestReader struct {
	b   []byte
	bad bool
}

func (r *digestReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length, bounded by what is left to read.
func (r *digestReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return 0
	}
	return int(n)
}

func (r *digestReader) bytes() []byte {
	n := r.count()
	if r.bad {
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *digestReader) byte() uint8 {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}
