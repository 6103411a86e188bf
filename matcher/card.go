package matcher

import (
	"encoding/binary"
	"math"
	"sync"
	"time"
)

// card is what the index keeps of a profile besides its analysis: the
// fields ranking and display read, in about a quarter of a Profile's
// room. Strings that repeat across profiles (organisation, region,
// budget, deadline, domains, tags) are interned, the rarer fields and the
// lists share one slice, kind, status, language and IP are codes, the
// modes are packed and the times are Unix nanoseconds. The field names
// are a Profile's, so that code reading d.p.ID or d.p.Org reads either.
type card struct {
	ID, Title, Org, Region string

	OwnerID int64
	created int64 // Unix nanoseconds, UTC; 0 for the zero time
	updated int64

	// lists holds the budget and deadline (when nHead is 2), then the
	// domains, the tags and the do-not-match list.
	lists    []string
	modes    uint32 // the modes in their order, 3 bits each: index in Modes + 1
	nHead    uint8
	nDomains uint8
	nTags    uint8
	TRL      int8
	Demo     bool
	kind     uint8 // kindIndex
	status   uint8 // index in statuses
	code     uint8 // language, index in langs, and IP, index in ipStatuses, 4 bits each
}

// The values a card keeps as codes: an unknown one is kept as the first,
// the empty value.
var (
	statuses   = []Status{"", StatusDraft, StatusActive, StatusPaused, StatusExpired}
	langs      = []Lang{"", LangZH, LangEN}
	ipStatuses = []IPStatus{IPUnknown, IPNone, IPPending, IPGranted, IPSoftware, IPKnowHow}
)

// codeOf returns the index of v in vs, or 0.
func codeOf[T comparable](vs []T, v T) uint8 {
	for i, x := range vs {
		if x == v {
			return uint8(i)
		}
	}
	return 0
}

// valueOf returns vs[code], or the first for a code out of range.
func valueOf[T any](vs []T, code uint8) T {
	if int(code) < len(vs) {
		return vs[code]
	}
	return vs[0]
}

// cardOf keeps the fields of p that ranking and display use.
func cardOf(p *Profile) card {
	c := card{ID: p.ID, Title: p.Title, Org: intern(p.Org), Region: intern(p.Region),
		OwnerID: p.OwnerID, created: unixNano(p.CreatedAt), updated: unixNano(p.UpdatedAt),
		TRL: int8(p.TRL), Demo: p.Demo, kind: uint8(kindIndex(p.Kind)), status: codeOf(statuses, p.Status),
		code: codeOf(langs, p.Lang) | codeOf(ipStatuses, p.IP)<<4}
	var head []string
	if p.Budget != "" || p.Deadline != "" {
		head = []string{p.Budget, p.Deadline}
	}
	c.setLists(head, p.Domains, p.Tags, p.DoNotMatch)
	for i, m := range p.Modes[:min(len(p.Modes), maxCardModes)] {
		c.modes |= uint32(modeIndex(m)+1) << (3 * i)
	}
	return c
}

// setLists puts head (none, or the budget and deadline), the domains,
// tags and do-not-match list in c.lists, interned.
func (c *card) setLists(head, domains, tags, dnm []string) {
	c.nHead = uint8(len(head))
	c.nDomains, c.nTags = uint8(min(len(domains), math.MaxUint8)), uint8(min(len(tags), math.MaxUint8))
	n := len(head) + int(c.nDomains) + int(c.nTags) + len(dnm)
	if n == 0 {
		return
	}
	c.lists = make([]string, 0, n)
	for _, l := range [][]string{head, domains[:c.nDomains], tags[:c.nTags], dnm} {
		for _, s := range l {
			c.lists = append(c.lists, intern(s))
		}
	}
}

// Kind returns the kind of profile c keeps.
func (c *card) Kind() Kind {
	if c.kind == 1 {
		return KindNeed
	}
	return KindOffer
}

// profile returns the card as a Profile: the fields it keeps, the others empty.
func (c *card) profile() Profile {
	p := Profile{ID: c.ID, Kind: c.Kind(), OwnerID: c.OwnerID, Status: valueOf(statuses, c.status), Demo: c.Demo,
		Title: c.Title, Lang: valueOf(langs, c.code&15), Org: c.Org, Region: c.Region, TRL: int(c.TRL),
		IP: valueOf(ipStatuses, c.code>>4), Domains: c.list(0), Tags: c.list(1), DoNotMatch: c.list(2),
		CreatedAt: fromUnixNano(c.created), UpdatedAt: fromUnixNano(c.updated)}
	if c.nHead == 2 {
		p.Budget, p.Deadline = c.lists[0], c.lists[1]
	}
	for m := c.modes; m != 0; m >>= 3 {
		if i := int(m&7) - 1; i >= 0 && i < len(Modes) {
			p.Modes = append(p.Modes, Modes[i])
		}
	}
	return p
}

// maxCardModes is how many modes a card keeps, in their order.
const maxCardModes = 10

// modeIndex returns the index of m in Modes; an unknown mode counts as ModeOther.
func modeIndex(m Mode) int {
	for i, x := range Modes {
		if x == m {
			return i
		}
	}
	return len(Modes) - 1
}

// list returns the domains (0), the tags (1) or the do-not-match list (2).
func (c *card) list(which int) []string {
	start, end := int(c.nHead), int(c.nHead)+int(c.nDomains)
	if which > 0 {
		start, end = end, end+int(c.nTags)
	}
	if which > 1 {
		start, end = end, len(c.lists)
	}
	if start >= end || end > len(c.lists) {
		return nil
	}
	return c.lists[start:end:end]
}

// doNotMatch returns the organisations and ids c must never be paired with.
func (c *card) doNotMatch() []string { return c.list(2) }

// interned holds the strings intern gave out, up to maxInterned: the
// organisations, regions, budgets, deadlines, domains and tags of the
// indexed profiles, which repeat. A value past the limit is kept as is.
var interned = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const maxInterned = 1 << 18

// intern returns s, or the same text already held by another profile.
func intern(s string) string {
	if s == "" {
		return ""
	}
	interned.RLock()
	v, ok := interned.m[s]
	interned.RUnlock()
	if ok {
		return v
	}
	return internNew(s)
}

// internBytes is intern for text in b, which it copies only when new.
func internBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	interned.RLock()
	v, ok := interned.m[string(b)] // no string is made for the lookup
	interned.RUnlock()
	if ok {
		return v
	}
	return internNew(string(b))
}

func internNew(s string) string {
	interned.Lock()
	defer interned.Unlock()
	if v, ok := interned.m[s]; ok {
		return v
	}
	if len(interned.m) < maxInterned {
		interned.m[s] = s
	}
	return s
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// appendCard writes c after b: strings with their lengths, numbers as varints.
func appendCard(b []byte, c *card, embed []float32) []byte {
	for _, s := range []string{c.ID, c.Title, c.Org, c.Region} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, c.OwnerID)
	b = binary.AppendVarint(b, c.created)
	b = binary.AppendVarint(b, c.updated)
	b = binary.AppendUvarint(b, uint64(c.modes))
	b = append(b, c.nHead, c.nDomains, c.nTags, byte(c.TRL), c.kind, c.status, c.code)
	if c.Demo {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(c.lists)))
	for _, s := range c.lists {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(embed)))
	for _, x := range embed {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// card reads what appendCard wrote, with the embedding.
func (r *digestReader) card() (card, []float32) {
	var c card
	c.ID, c.Title = string(r.bytes()), string(r.bytes())
	c.Org, c.Region = r.interned(), r.interned()
	c.OwnerID, c.created, c.updated = r.varint(), r.varint(), r.varint()
	if c.modes = uint32(r.uvarint()); c.modes >= 1<<(3*maxCardModes) {
		r.bad = true
	}
	c.nHead, c.nDomains, c.nTags, c.TRL, c.kind, c.status, c.code = r.byte(), r.byte(), r.byte(), int8(r.byte()), r.byte(), r.byte(), r.byte()
	c.Demo = r.byte() == 1
	if n := r.count(); n > 0 {
		c.lists = make([]string, n)
		for i := range c.lists {
			c.lists[i] = r.interned()
		}
	}
	if c.nHead != 0 && c.nHead != 2 || int(c.nHead)+int(c.nDomains)+int(c.nTags) > len(c.lists) || c.kind > 1 {
		r.bad = true
	}
	var embed []float32
	if n := r.count(); n > 0 && !r.bad {
		if n*4 > len(r.b) {
			r.bad = true
			return c, nil
		}
		embed = make([]float32, n)
		for i := range embed {
			embed[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[i*4:]))
		}
		r.b = r.b[n*4:]
	}
	return c, embed
}

func (r *digestReader) interned() string {
	return internBytes(r.bytes())
}

// varint reads what binary.AppendVarint wrote (zig-zag).
func (r *digestReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}
