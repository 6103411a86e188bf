package dataset

import (
	"encoding/csv"
	"io"
	"strings"
)

// SafeCell keeps a spreadsheet from reading a cell as a formula: a cell
// beginning with = + - @, a tab or a carriage return gets a leading
// apostrophe, which spreadsheet programs show as text.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// unescapeCell undoes SafeCell.
func unescapeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// SheetCSV writes CSV for spreadsheet programs: a UTF-8 byte order mark
// first, so that Chinese Excel reads the text as UTF-8, and every cell
// through SafeCell.
type SheetCSV struct {
	w       *csv.Writer
	started bool
	out     io.Writer
	row     []string
}

// NewSheetCSV returns a SheetCSV writing to w.
func NewSheetCSV(w io.Writer) *SheetCSV { return &SheetCSV{w: csv.NewWriter(w), out: w} }

// Write writes one row.
func (s *SheetCSV) Write(cells []string) error {
	if !s.started {
		s.started = true
		if _, err := io.WriteString(s.out, "\ufeff"); err != nil {
			return err
		}
	}
	s.row = s.row[:0]
	for _, c := range cells {
		s.row = append(s.row, SafeCell(c))
	}
	return s.w.Write(s.row)
}

// Flush writes what is buffered and returns the first error.
func (s *SheetCSV) Flush() error {
	if !s.started {
		if _, err := io.WriteString(s.out, "\ufeff"); err != nil {
			return err
		}
		s.started = true
	}
	s.w.Flush()
	return s.w.Error()
}
