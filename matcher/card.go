package matcher

import (
	"encoding/binary"
	"math"
	"time"
	"unique"
)

// card is what the index keeps of a profile besides its analysis: the
// fields ranking and display read, in about a third of a Profile's room.
// Strings that repeat across profiles (organisation, region, budget,
// deadline, domains, tags) are interned, the lists share one slice, the
// modes are bits and the times Unix nanoseconds. The field names are a
// Profile's, so that code reading d.p.ID or d.p.Org reads either.
type card struct {
	ID, Title, Org, Region, Budget, Deadline string

	OwnerID int64
	created int64 // Unix nanoseconds, UTC; 0 for the zero time
	updated int64

	Kind   Kind
	Status Status
	Lang   Lang
	IP     IPStatus

	lists    []string // Domains, then Tags, then DoNotMatch
	nDomains uint8
	nTags    uint8
	TRL      int8
	Demo     bool
	modes    uint32 // the modes in their order, 3 bits each: index in Modes + 1
}

// cardOf keeps the fields of p that ranking and display use.
func cardOf(p *Profile) card {
	c := card{ID: p.ID, Title: p.Title, Org: intern(p.Org), Region: intern(p.Region),
		Budget: intern(p.Budget), Deadline: intern(p.Deadline), OwnerID: p.OwnerID,
		created: unixNano(p.CreatedAt), updated: unixNano(p.UpdatedAt),
		Kind: Kind(intern(string(p.Kind))), Status: Status(intern(string(p.Status))),
		Lang: Lang(intern(string(p.Lang))), IP: IPStatus(intern(string(p.IP))),
		TRL: int8(p.TRL), Demo: p.Demo}
	n := len(p.Domains) + len(p.Tags) + len(p.DoNotMatch)
	if n > 0 {
		c.lists = make([]string, 0, n)
		for _, l := range [][]string{p.Domains, p.Tags, p.DoNotMatch} {
			for _, s := range l {
				c.lists = append(c.lists, intern(s))
			}
		}
	}
	c.nDomains, c.nTags = uint8(min(len(p.Domains), math.MaxUint8)), uint8(min(len(p.Tags), math.MaxUint8))
	for i, m := range p.Modes[:min(len(p.Modes), maxCardModes)] {
		c.modes |= uint32(modeIndex(m)+1) << (3 * i)
	}
	return c
}

// profile returns the card as a Profile: the fields it keeps, the others empty.
func (c *card) profile() Profile {
	p := Profile{ID: c.ID, Kind: c.Kind, OwnerID: c.OwnerID, Status: c.Status, Demo: c.Demo,
		Title: c.Title, Lang: c.Lang, Org: c.Org, Region: c.Region, TRL: int(c.TRL), IP: c.IP,
		Budget: c.Budget, Deadline: c.Deadline, Tags: c.tags(), DoNotMatch: c.doNotMatch(),
		CreatedAt: fromUnixNano(c.created), UpdatedAt: fromUnixNano(c.updated)}
	if c.nDomains > 0 {
		p.Domains = c.lists[:c.nDomains:c.nDomains]
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

func (c *card) tags() []string {
	if c.nTags == 0 {
		return nil
	}
	return c.lists[c.nDomains : c.nDomains+c.nTags : c.nDomains+c.nTags]
}

// doNotMatch returns the organisations and ids c must never be paired with.
func (c *card) doNotMatch() []string {
	if start := int(c.nDomains) + int(c.nTags); start < len(c.lists) {
		return c.lists[start:]
	}
	return nil
}

// intern returns s, or the same text already held by another profile.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
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
	for _, s := range []string{c.ID, c.Title, c.Org, c.Region, c.Budget, c.Deadline,
		string(c.Kind), string(c.Status), string(c.Lang), string(c.IP)} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, c.OwnerID)
	b = binary.AppendVarint(b, c.created)
	b = binary.AppendVarint(b, c.updated)
	b = append(b, c.nDomains, c.nTags, byte(c.TRL))
	b = binary.AppendUvarint(b, uint64(c.modes))
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
	for _, s := range []*string{&c.Org, &c.Region, &c.Budget, &c.Deadline} {
		*s = r.interned()
	}
	c.Kind, c.Status, c.Lang, c.IP = Kind(r.interned()), Status(r.interned()), Lang(r.interned()), IPStatus(r.interned())
	c.OwnerID, c.created, c.updated = r.varint(), r.varint(), r.varint()
	c.nDomains, c.nTags, c.TRL = r.byte(), r.byte(), int8(r.byte())
	if c.modes = uint32(r.uvarint()); c.modes >= 1<<(3*maxCardModes) {
		r.bad = true
	}
	c.Demo = r.byte() == 1
	if n := r.count(); n > 0 {
		c.lists = make([]string, n)
		for i := range c.lists {
			c.lists[i] = r.interned()
		}
	}
	if int(c.nDomains)+int(c.nTags) > len(c.lists) {
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
	return intern(string(r.bytes()))
}

// varint reads what binary.AppendVarint wrote (zig-zag).
func (r *digestReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}
