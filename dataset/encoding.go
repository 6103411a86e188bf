package dataset

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Encoding names a text encoding a list was written in.
type Encoding string

const (
	EncUTF8    Encoding = "UTF-8"
	EncUTF16LE Encoding = "UTF-16LE"
	EncUTF16BE Encoding = "UTF-16BE"
	EncGB18030 Encoding = "GB18030" // a superset of GBK and GB2312
)

// DecodeText turns the bytes of a text file into UTF-8 and says what they
// were: a byte order mark decides when there is one, then UTF-16 is
// recognized by its zero bytes, then valid UTF-8 is taken as it is, and
// anything else is read as GB18030 (what Chinese Excel writes as "CSV").
// Bytes that are invalid in the chosen encoding become U+FFFD, so the
// result is always valid UTF-8.
func DecodeText(b []byte) ([]byte, Encoding) {
	switch {
	case bytes.HasPrefix(b, []byte("\xef\xbb\xbf")):
		return bytes.ToValidUTF8(b[3:], []byte("\uFFFD")), EncUTF8
	case bytes.HasPrefix(b, []byte("\xff\xfe")):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), b[2:]), EncUTF16LE
	case bytes.HasPrefix(b, []byte("\xfe\xff")):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), b[2:]), EncUTF16BE
	}
	if e, ok := utf16WithoutBOM(b); ok {
		if e == EncUTF16LE {
			return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), b), e
		}
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), b), e
	}
	if utf8.Valid(b) {
		return b, EncUTF8
	}
	return decodeWith(simplifiedchinese.GB18030, b), EncGB18030
}

func decodeWith(e encoding.Encoding, b []byte) []byte {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		// The decoders replace what they cannot read; an error here means
		// a truncated sequence at the end, which the replacement covers.
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return bytes.ToValidUTF8(out, []byte("\uFFFD"))
}

// utf16WithoutBOM recognizes UTF-16 text without a byte order mark: text
// in Latin letters, digits and punctuation has a zero in every other byte.
func utf16WithoutBOM(b []byte) (Encoding, bool) {
	n := min(len(b), 2048) &^ 1
	if n < 4 {
		return "", false
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*10 >= pairs*3 && even*10 < pairs:
		return EncUTF16LE, true
	case even*10 >= pairs*3 && odd*10 < pairs:
		return EncUTF16BE, true
	}
	return "", false
}
