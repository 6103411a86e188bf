package matcher

// EncodeBare is Encode without the profile's fields, as digests were
// written before they were kept with them.
var EncodeBare = (*Taxonomy).encodeBare
