package matcher

import "slices"

// Concepts returns every concept in file order. The slice is a copy; the
// concepts are shared and must not be changed.
func (t *Taxonomy) Concepts() []*Concept { return slices.Clone(t.concepts) }
