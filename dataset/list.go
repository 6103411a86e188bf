package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/matcher"
)

// Organizers' lists: the spreadsheets and CSV files people make for a
// docking conference. ReadList finds the header under any title rows,
// knows the usual Chinese and English column names, takes the kind from
// a column, the sheet's name or the file's name, detects the text
// encoding, and gives every row an id in the import namespace.

// Limits on an organizer's list, stated to the organizer.
const (
	MaxListRows = 20_000 // data rows in one file, all sheets together
	// MaxUnzipBytes bounds what an XLSX file may unpack to, and
	// MaxUnzipXMLBytes one sheet or the shared strings held in memory.
	MaxUnzipBytes    = 128 << 20
	MaxUnzipXMLBytes = 16 << 20
	maxColumns       = 100 // cells read per row
	headerScan       = 10  // rows searched for the header
	maxMergeFill     = 10_000
)

// ImportPrefix starts the id of every profile an organizer's list
// brings in. Ids the bot gives profiles published in chat never contain
// a dot, so the two namespaces never meet.
const ImportPrefix = "i."

// IsImportID reports whether id is in the import namespace.
func IsImportID(id string) bool { return strings.HasPrefix(id, ImportPrefix) }

// Contact is the person to call about an imported profile.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// IsZero reports whether c holds nothing.
func (c Contact) IsZero() bool { return c == Contact{} }

// List is what ReadList read from a file.
type List struct {
	Name     string   // the file's name
	Encoding Encoding // of a text file; empty for XLSX
	Rows     []Row
	Problems []Problem
	// Read counts the data rows found, good and bad.
	Read int
}

// Cause is why a row was not taken.
type Cause string

const (
	CauseNoTitle       Cause = "no_title"
	CauseNoDescription Cause = "no_description"
	CauseNoKind        Cause = "no_kind"
	CauseTooLong       Cause = "too_long"
	CauseInvalid       Cause = "invalid"
	CauseUnreadable    Cause = "unreadable"
)

// Problem is a row that was not taken.
type Problem struct {
	Sheet  string
	Line   int // the spreadsheet's row number, or the line in a CSV file
	Cause  Cause
	Detail string // valid UTF-8, short: what was found
}

// FileError is a list that cannot be read at all.
type FileError struct {
	Cause  string // one of the fileCause constants
	Detail string // valid UTF-8, short
}

// Causes of a FileError.
const (
	FileTooBig      = "too_big"
	FileTooManyRows = "too_many_rows"
	FileNoHeader    = "no_header"
	FileUnreadable  = "unreadable"
	FileFormat      = "format"
)

func (e *FileError) Error() string { return e.Message(matcher.LangEN) }

// Message says what is wrong in the organizer's language.
func (e *FileError) Message(l matcher.Lang) string {
	switch e.Cause {
	case FileTooBig:
		return word(l, "file_too_big", MaxFileBytes>>20)
	case FileTooManyRows:
		return word(l, "file_too_many_rows", MaxListRows)
	case FileNoHeader:
		return word(l, "file_no_header", headerScan)
	case FileFormat:
		return word(l, "file_format", e.Detail)
	}
	return word(l, "file_unreadable", e.Detail)
}

// ListOptions say how to read a list.
type ListOptions struct {
	// List names the list for the ids of rows without an id column; the
	// file's name without its extension when empty. The same list read
	// again under the same name gives its rows the same ids.
	List string
	Now  time.Time
}

// table is one sheet: its rows and their row numbers.
type table struct {
	name  string
	rows  [][]string
	lines []int
}

// ReadList reads an organizer's list: CSV or tab-separated text in any
// of the encodings DecodeText knows, or an XLSX workbook (every sheet
// with a header). A file that cannot be read at all gives a *FileError.
func ReadList(name string, data []byte, opt ListOptions) (*List, error) {
	if len(data) > MaxFileBytes {
		return nil, &FileError{Cause: FileTooBig}
	}
	l := &List{Name: name}
	var tables []table
	var err error
	switch FormatOf(name, data) {
	case XLSX:
		tables, err = xlsxTables(data)
	case CSV:
		var text []byte
		text, l.Encoding = DecodeText(data)
		tables, err = textTables(strings.TrimSuffix(path.Base(name), path.Ext(name)), text)
	default:
		return nil, &FileError{Cause: FileFormat, Detail: clean(path.Ext(name))}
	}
	if err != nil {
		return nil, err
	}
	list := opt.List
	if list == "" {
		list = strings.TrimSuffix(path.Base(name), path.Ext(name))
	}
	r := rowReader{list: list, file: name, now: opt.Now, seen: map[string]int{}, ids: map[string]int{}}
	found := false
	for _, t := range tables {
		ok := r.table(t, l)
		found = found || ok
	}
	if !found {
		return nil, &FileError{Cause: FileNoHeader}
	}
	return l, nil
}

func textTables(name string, text []byte) ([]table, error) {
	first, _, _ := bytes.Cut(text, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(text))
	if bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	t := table{name: name}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				line = perr.Line
			}
			t.rows = append(t.rows, nil)
			t.lines = append(t.lines, -line) // a row that could not be read
			continue
		}
		if len(t.rows) >= MaxListRows+headerScan {
			return nil, &FileError{Cause: FileTooManyRows}
		}
		t.rows = append(t.rows, rec[:min(len(rec), maxColumns)])
		t.lines = append(t.lines, line)
	}
	return []table{t}, nil
}

// xlsxTables reads every sheet of a workbook with explicit unzip limits;
// cells merged down a column give their value to every row they cover.
func xlsxTables(data []byte) ([]table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: MaxUnzipBytes, UnzipXMLSizeLimit: MaxUnzipXMLBytes})
	if err != nil {
		return nil, &FileError{Cause: FileUnreadable, Detail: clean(err.Error())}
	}
	defer f.Close()
	var out []table
	total, sheets := 0, f.GetSheetList()
	maxRows := MaxListRows + headerScan*len(sheets)
	for _, sheet := range sheets {
		t := table{name: sheet}
		fill := map[[2]int]string{}
		if merges, err := f.GetMergeCells(sheet); err == nil {
			for _, m := range merges {
				c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
				c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
				if err1 != nil || err2 != nil || (c2-c1+1)*(r2-r1+1) > maxMergeFill || len(fill) > maxMergeFill {
					continue
				}
				for r := r1; r <= r2; r++ {
					for c := c1; c <= c2; c++ {
						fill[[2]int{r, c}] = m.GetCellValue()
					}
				}
			}
		}
		rows, err := f.Rows(sheet)
		if err != nil {
			return nil, &FileError{Cause: FileUnreadable, Detail: clean(err.Error())}
		}
		for n := 1; rows.Next(); n++ {
			if total++; total > maxRows {
				rows.Close()
				return nil, &FileError{Cause: FileTooManyRows}
			}
			cols, err := rows.Columns()
			if err != nil {
				t.rows, t.lines = append(t.rows, nil), append(t.lines, -n)
				continue
			}
			cols = cols[:min(len(cols), maxColumns)]
			for c := 1; c <= maxColumns; c++ {
				v, ok := fill[[2]int{n, c}]
				if !ok {
					continue
				}
				for len(cols) < c {
					cols = append(cols, "")
				}
				cols[c-1] = v
			}
			t.rows, t.lines = append(t.rows, cols), append(t.lines, n)
		}
		err = rows.Error()
		rows.Close()
		if err != nil {
			return nil, &FileError{Cause: FileUnreadable, Detail: clean(err.Error())}
		}
		out = append(out, t)
	}
	return out, nil
}

// rowReader turns the rows of tables into profiles.
type rowReader struct {
	list, file string
	now        time.Time
	seen       map[string]int // content keys of rows without an id, for repeats
	ids        map[string]int // ids given, to the index in List.Rows
	data       int
}

// header finds a table's header among its first rows: the first row
// naming a title column and at least one more known column.
func header(t table) (at int, cols map[field]int, hint matcher.Kind) {
	for i := 0; i < min(len(t.rows), headerScan); i++ {
		cols, hint = map[field]int{}, ""
		for j, h := range t.rows[i] {
			if f, ok := fieldOf(h); ok {
				if _, dup := cols[f]; !dup {
					cols[f] = j
				}
				if k, ok := kindHints[normHeader(h)]; ok && hint == "" {
					hint = k
				}
			}
		}
		if _, ok := cols[fTitle]; ok && len(cols) >= 2 {
			return i, cols, hint
		}
	}
	return -1, nil, ""
}

// table reads one table's rows into l; it reports whether it had a header.
func (r *rowReader) table(t table, l *List) bool {
	at, cols, hint := header(t)
	if at < 0 {
		return false
	}
	sheetKind, sheetHasKind := kindIn(t.name)
	if !sheetHasKind {
		sheetKind, sheetHasKind = kindIn(path.Base(r.file))
	}
	for i := at + 1; i < len(t.rows); i++ {
		line, cells := t.lines[i], t.rows[i]
		if line < 0 {
			l.Read++
			l.Problems = append(l.Problems, Problem{Sheet: t.name, Line: -line, Cause: CauseUnreadable})
			continue
		}
		get := func(f field) string {
			if j, ok := cols[f]; ok && j < len(cells) {
				return strings.TrimSpace(strings.ToValidUTF8(cells[j], "\uFFFD"))
			}
			return ""
		}
		filled := 0
		for f, j := range cols {
			if f != fSeq && j < len(cells) && strings.TrimSpace(cells[j]) != "" {
				filled++
			}
		}
		if filled <= 1 && get(fTitle) == "" {
			continue // blank, or a note or title row inside the sheet
		}
		l.Read++
		p, prob := r.profile(get, sheetKind, sheetHasKind, hint)
		if prob != "" {
			l.Problems = append(l.Problems, Problem{Sheet: t.name, Line: line, Cause: prob.cause(), Detail: prob.detail()})
			continue
		}
		row := Row{Line: line, Sheet: t.name, Profile: p,
			Contact: Contact{Name: get(fContact), Phone: get(fPhone), Email: get(fEmail)}}
		if prev, dup := r.ids[p.ID]; dup {
			l.Rows[prev] = row // the last row with an id wins, as a re-import would
			continue
		}
		r.ids[p.ID] = len(l.Rows)
		l.Rows = append(l.Rows, row)
	}
	return true
}

// problem is a cause and what was found, as "cause" or "cause\x00detail".
type problem string

func (p problem) cause() Cause { c, _, _ := strings.Cut(string(p), "\x00"); return Cause(c) }
func (p problem) detail() string {
	_, d, _ := strings.Cut(string(p), "\x00")
	return d
}

func problemOf(c Cause, detail string) problem { return problem(string(c) + "\x00" + clean(detail)) }

func (r *rowReader) profile(get func(field) string, sheetKind matcher.Kind, sheetHasKind bool, hint matcher.Kind) (matcher.Profile, problem) {
	var kind matcher.Kind
	if k := get(fKind); k != "" {
		var ok bool
		if kind, ok = kindOf(k); !ok {
			return matcher.Profile{}, problemOf(CauseNoKind, k)
		}
	} else if sheetHasKind {
		kind = sheetKind
	} else if hint != "" {
		kind = hint
	} else {
		return matcher.Profile{}, problemOf(CauseNoKind, "")
	}
	p := matcher.Profile{Kind: kind, Status: matcher.StatusActive, Title: get(fTitle), Description: get(fDescription),
		Org: get(fOrg), Region: get(fRegion), Budget: get(fBudget), Deadline: get(fDeadline),
		IP: ipOf(get(fIP)), Modes: modesOf(get(fModes)), Keywords: splitTerms(get(fField) + ";" + get(fKeywords)),
		Tags: splitCell(get(fTags)), CreatedAt: r.now.UTC(), UpdatedAt: r.now.UTC()}
	if p.Title == "" {
		return p, problemOf(CauseNoTitle, "")
	}
	if p.Description == "" {
		return p, problemOf(CauseNoDescription, p.Title)
	}
	if m := get(fMaturity); m != "" {
		if n, ok := trlOf(m); ok {
			p.TRL = n
		} else if len(p.Keywords) < matcher.MaxTermsPerList {
			p.Keywords = append(p.Keywords, m)
		}
	}
	for name, v := range map[string]struct {
		s   string
		max int
	}{"title": {p.Title, matcher.MaxTitleRunes}, "description": {p.Description, matcher.MaxTextRunes},
		"org": {p.Org, matcher.MaxOrgRunes}, "region": {p.Region, matcher.MaxRegionRunes}} {
		if utf8.RuneCountInString(v.s) > v.max {
			return p, problemOf(CauseTooLong, name)
		}
	}
	switch strings.ToLower(get(fLang)) {
	case "zh", "cn", "中文":
		p.Lang = matcher.LangZH
	case "en", "英文", "english":
		p.Lang = matcher.LangEN
	default:
		p.Lang = matcher.DetectLang(p.Title + " " + p.Description)
	}
	p.ID = r.id(get(fID), p)
	if err := p.Validate(); err != nil {
		return p, problemOf(CauseInvalid, err.Error())
	}
	return p, ""
}

// id gives a row its id in the import namespace: from the list's own id
// column when it has one, else from the list's name and what the row is
// (kind, title, organization), so the same row read again gets the same
// id and a repeated row gets its own.
func (r *rowReader) id(given string, p matcher.Profile) string {
	if given != "" {
		if len(given) <= matcher.MaxIDLen-len(ImportPrefix) && plainID(given) {
			return ImportPrefix + given
		}
		return ImportPrefix + digest(r.list, "id", given)
	}
	key := digest(r.list, string(p.Kind), strings.ToLower(p.Title), strings.ToLower(p.Org))
	r.seen[key]++
	if n := r.seen[key]; n > 1 {
		key = digest(key, strconv.Itoa(n))
	}
	return ImportPrefix + key
}

func plainID(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// digest is a short, stable name for parts.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return idEncoding.EncodeToString(h.Sum(nil)[:10])
}

// splitTerms splits a cell of terms on the separators lists use.
func splitTerms(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == '；' || r == '、' || r == ',' || r == '，' || r == '|' || r == '/'
	}) {
		if t = strings.TrimSpace(t); t != "" && len(out) < matcher.MaxTermsPerList && utf8.RuneCountInString(t) <= matcher.MaxTermRunes {
			out = append(out, t)
		}
	}
	return out
}

// clean makes text from a file safe to quote in a message: valid UTF-8,
// without control characters, at most 40 characters.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			r = ' '
		}
		if n++; n > 40 {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Summary lists the problems grouped by cause, each with its rows, in l's
// language: "第 3、5、7–9 行：缺少名称".
func (l *List) Summary(lang matcher.Lang) []string {
	type group struct {
		sheet  string
		cause  Cause
		lines  []int
		sample string
	}
	var groups []*group
	by := map[string]*group{}
	sheets := map[string]bool{}
	for _, p := range l.Problems {
		sheets[p.Sheet] = true
	}
	for _, p := range l.Problems {
		k := p.Sheet + "\x00" + string(p.Cause)
		g := by[k]
		if g == nil {
			g = &group{sheet: p.Sheet, cause: p.Cause}
			by[k] = g
			groups = append(groups, g)
		}
		g.lines = append(g.lines, p.Line)
		if g.sample == "" {
			g.sample = p.Detail
		}
	}
	var out []string
	for _, g := range groups {
		ranges, rest := lineRanges(g.lines, lang)
		rows, sheetRows := "rows", "sheet_rows"
		if len(g.lines) == 1 {
			rows, sheetRows = "row", "sheet_row"
		}
		where := word(lang, rows, ranges)
		if len(sheets) > 1 {
			where = word(lang, sheetRows, clean(g.sheet), ranges)
		}
		if rest > 0 {
			where += word(lang, "more_rows", len(g.lines), rest)
		}
		what := word(lang, "cause_"+string(g.cause))
		if g.cause == CauseTooLong {
			what = word(lang, "cause_too_long", word(lang, "field_"+g.sample))
		} else if g.sample != "" && g.cause != CauseNoDescription {
			what += word(lang, "sample", g.sample)
		}
		out = append(out, where+word(lang, "colon")+what)
	}
	return out
}

// lineRanges writes line numbers as ranges, "3, 5, 7–9", the first
// twelve of them; rest counts the lines left out.
func lineRanges(lines []int, lang matcher.Lang) (ranges string, rest int) {
	sep := ", "
	if lang == matcher.LangZH {
		sep = "、"
	}
	var parts []string
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", lines[i], lines[j]))
		} else {
			parts = append(parts, strconv.Itoa(lines[i]))
		}
		i = j + 1
		if len(parts) == 12 && i < len(lines) {
			rest = len(lines) - i
			break
		}
	}
	return strings.Join(parts, sep), rest
}
