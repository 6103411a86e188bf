// Package dataset reads and writes lists of profiles: JSON Lines and CSV
// files as organizers exchange them. Reading reports every bad row with
// its line number and keeps the good ones.
package dataset

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/matcher"
)

// Record is one row of an import file. Only id, kind, title and
// description are required; the rest is optional.
type Record struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Org         string   `json:"org,omitempty"`
	Region      string   `json:"region,omitempty"`
	Lang        string   `json:"lang,omitempty"`
	Domains     []string `json:"domains,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
	TRL         int      `json:"trl,omitempty"`
	IP          string   `json:"ip,omitempty"`
	Modes       []string `json:"modes,omitempty"`
	Budget      string   `json:"budget,omitempty"`
	Deadline    string   `json:"deadline,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	DoNotMatch  []string `json:"do_not_match,omitempty"`
	Demo        bool     `json:"demo,omitempty"`

	// What a normalizer wrote, carried by `duijie export` so that an
	// export imported again keeps it (JSON Lines only).
	Summary        string    `json:"summary,omitempty"`
	Statement      string    `json:"statement,omitempty"`
	Concepts       []string  `json:"concepts,omitempty"`
	Success        string    `json:"success,omitempty"`
	PromptVersion  string    `json:"prompt_version,omitempty"`
	Embedding      []float32 `json:"embedding,omitempty"`
	EmbeddingModel string    `json:"embedding_model,omitempty"`
}

// Columns are the CSV header names, in the order Export writes them.
// List fields are separated by ";" or "|" inside a cell.
var Columns = []string{"id", "kind", "title", "description", "org", "region", "lang", "domains", "keywords", "trl", "ip", "modes", "budget", "deadline", "tags", "do_not_match"}

// IsChatID reports whether id has the form of the ids the bot gives
// profiles published in chat (store.NewProfileID: "p" and a number in
// base 36). No import writes such an id, so an import can never
// overwrite or take over a profile published in chat, nor the reverse.
func IsChatID(id string) bool {
	if len(id) < 2 || id[0] != 'p' {
		return false
	}
	for _, c := range id[1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// RowError is a row that could not be read or is invalid.
type RowError struct {
	Line int    // 1-based line in the file (the header is line 1 in CSV)
	ID   string // the row's id, when it has one
	Err  error
}

func (e RowError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("line %d (%s): %v", e.Line, e.ID, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

// Row is a valid record with the line it came from.
type Row struct {
	Line    int
	Sheet   string // the sheet or file the row is on, in an organizer's list
	Profile matcher.Profile
	// Contact is who to call about the row, from an organizer's list. It
	// is private: it is never shown before both sides agreed to meet.
	Contact Contact
}

// Format is a file format.
type Format string

const (
	JSONL Format = "jsonl"
	CSV   Format = "csv"
	XLSX  Format = "xlsx" // an Excel workbook; its first sheet is read
)

// FormatOf guesses the format from a file name, falling back to the content.
func FormatOf(name string, head []byte) Format {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".csv"), strings.HasSuffix(lower, ".tsv"):
		return CSV
	case strings.HasSuffix(lower, ".xlsx"):
		return XLSX
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".ndjson"), strings.HasSuffix(lower, ".json"):
		return JSONL
	}
	if t := bytes.TrimSpace(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))); len(t) > 0 && t[0] == '{' {
		return JSONL
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return XLSX // a zip archive: an Office Open XML workbook
	}
	return CSV
}

// MaxFileBytes bounds what Read accepts: a file read whole, as a list
// sent in chat is. Stream has no such bound.
const MaxFileBytes = 64 << 20

// Read parses an import file. It returns the valid rows and one RowError
// per bad row; err is set only when the file as a whole cannot be read.
// now stamps created and updated times. Of rows with the same id the
// last wins.
func Read(r io.Reader, f Format, now time.Time) (rows []Row, bad []RowError, err error) {
	seen := map[string]int{}
	err = Stream(&capReader{r: r, left: MaxFileBytes}, f, now, 1000, func(rs []Row, bs []RowError) error {
		bad = append(bad, bs...)
		for _, row := range rs {
			if prev, dup := seen[row.Profile.ID]; dup {
				rows[prev] = row // the last row with an id wins, as a re-import would
				continue
			}
			seen[row.Profile.ID] = len(rows)
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return nil, bad, err
	}
	return rows, bad, nil
}

// errTooBig is a file longer than MaxFileBytes given to Read.
var errTooBig = fmt.Errorf("file is larger than %d MB", MaxFileBytes>>20)

// capReader reads at most left bytes and fails with errTooBig when there
// are more.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if c.left -= int64(n); c.left < 0 {
		return 0, errTooBig
	}
	return n, err
}

// Stream reads an import file as it comes, without holding it: yield is
// called with each batch of up to n valid rows, in the order of the
// file, and with the bad rows met meanwhile (a batch may hold bad rows
// only). Rows are not merged by id: a later row with an id updates what
// an earlier one stored, as a re-import would. The error of yield stops
// the reading and is returned; err is also set when the file cannot be
// read any further, after the rows before were yielded. An XLSX
// workbook is read whole before its first sheet is streamed (a zip
// archive lists its contents at its end).
func Stream(r io.Reader, f Format, now time.Time, n int, yield func(rows []Row, bad []RowError) error) error {
	next, err := records(r, f)
	if err != nil {
		return err
	}
	var rows []Row
	var bad []RowError
	flush := func() error {
		if len(rows) == 0 && len(bad) == 0 {
			return nil
		}
		err := yield(rows, bad)
		rows, bad = make([]Row, 0, n), nil
		return err
	}
	for {
		lr, rerr, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return err
		}
		if rerr == nil {
			var row Row
			row, rerr = lr.row(now)
			if rerr == nil {
				rows = append(rows, row)
			}
		}
		if rerr != nil {
			bad = append(bad, *rerr)
		}
		if len(rows) >= n || len(bad) >= n {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

type lineRecord struct {
	line int
	rec  Record
}

// row makes the record a valid row, or says why it is not one.
func (lr lineRecord) row(now time.Time) (Row, *RowError) {
	p, err := lr.rec.Profile(now)
	if err == nil {
		err = p.Validate()
	}
	if err == nil && IsChatID(p.ID) {
		err = fmt.Errorf("id %q has the form of the ids the bot gives profiles published in chat (p1, p2, …), which an import may not write; give the row another id", p.ID)
	}
	if err != nil {
		return Row{}, &RowError{Line: lr.line, ID: lr.rec.ID, Err: err}
	}
	return Row{Line: lr.line, Profile: p}, nil
}

// nextRecord returns the next record of a file, or a bad row, or io.EOF
// at its end, or the error that stops the reading.
type nextRecord func() (lineRecord, *RowError, error)

// records reads the records of a file one at a time.
func records(r io.Reader, f Format) (nextRecord, error) {
	switch f {
	case JSONL:
		return jsonlRecords(r), nil
	case CSV:
		return csvRecords(r)
	case XLSX:
		return xlsxRecords(r)
	}
	return nil, fmt.Errorf("unknown format %q", f)
}

func jsonlRecords(r io.Reader) nextRecord {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	n := 0
	return func() (lineRecord, *RowError, error) {
		for sc.Scan() {
			n++
			line := bytes.TrimSpace(sc.Bytes())
			if n == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			if len(line) == 0 {
				continue
			}
			var rec Record
			if err := json.NewDecoder(bytes.NewReader(line)).Decode(&rec); err != nil {
				return lineRecord{}, &RowError{Line: n, Err: fmt.Errorf("not a JSON object: %v", err)}, nil
			}
			return lineRecord{n, rec}, nil, nil
		}
		if err := sc.Err(); err != nil {
			return lineRecord{}, nil, fmt.Errorf("read: %w", err)
		}
		return lineRecord{}, nil, io.EOF
	}
}

// csvReader reads comma- or tab-separated text, the separator being the
// one the first line holds more of.
func csvReader(r io.Reader) *csv.Reader {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	head, _ := br.Peek(br.Size())
	first, _, _ := bytes.Cut(head, []byte("\n"))
	cr := csv.NewReader(br)
	if bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return cr
}

func csvRecords(r io.Reader) (nextRecord, error) {
	cr := csvReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read CSV header: %w", err)
	}
	return tableRecords(header, func() ([]string, int, error) {
		fields, err := cr.Read()
		line, _ := cr.FieldPos(0)
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, perr.Line, rowError{perr.Err}
		}
		return fields, line, err
	})
}

// IsExport reports whether a CSV file, given by its first bytes (its
// header line at least), has the export's columns and so reads with
// Read and Stream.
func IsExport(head []byte) bool {
	header, err := csvReader(bytes.NewReader(head)).Read()
	if err != nil {
		return false
	}
	_, err = tableColumns(header)
	return err == nil
}

// xlsxRecords reads the first sheet of an Excel workbook like a CSV
// file: the first row names the columns. It unpacks no more than an
// organizer's list may (MaxUnzipBytes), so a zip bomb is refused.
func xlsxRecords(r io.Reader) (nextRecord, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: MaxUnzipBytes, UnzipXMLSizeLimit: MaxUnzipXMLBytes})
	if err != nil {
		return nil, fmt.Errorf("read Excel workbook: %w", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errors.New("the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read sheet %q: %w", sheets[0], err)
	}
	line := 0
	closed := false
	end := func(err error) ([]string, int, error) {
		if !closed {
			closed = true
			rows.Close()
			f.Close()
		}
		return nil, line, err
	}
	next := func() ([]string, int, error) {
		if closed {
			return nil, line, io.EOF
		}
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return end(err)
			}
			return end(io.EOF)
		}
		line++
		cols, err := rows.Columns()
		return cols, line, err
	}
	header, _, err := next()
	if err != nil {
		end(nil)
		return nil, fmt.Errorf("read sheet %q header: %w", sheets[0], err)
	}
	recs, err := tableRecords(header, next)
	if err != nil {
		end(nil)
	}
	return recs, err
}

// rowError marks a row that could not be read, as opposed to a file that
// cannot be read any further.
type rowError struct{ err error }

func (e rowError) Error() string { return e.err.Error() }

// tableColumns maps the lower-cased column names of a header to their
// positions; the export's four required columns must be there.
func tableColumns(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, req := range []string{"id", "kind", "title", "description"} {
		if _, ok := col[req]; !ok {
			return nil, fmt.Errorf("the header lacks the %q column (have %s)", req, strings.Join(header, ","))
		}
	}
	return col, nil
}

// tableRecords turns rows under a header into records. next returns the
// next row and its line, io.EOF at the end, or a rowError for one bad row.
func tableRecords(header []string, next func() ([]string, int, error)) (nextRecord, error) {
	col, err := tableColumns(header)
	if err != nil {
		return nil, err
	}
	return func() (lineRecord, *RowError, error) {
		for {
			fields, line, err := next()
			var rerr rowError
			if errors.As(err, &rerr) {
				return lineRecord{}, &RowError{Line: line, Err: rerr.err}, nil
			}
			if errors.Is(err, io.EOF) {
				return lineRecord{}, nil, io.EOF
			}
			if err != nil {
				return lineRecord{}, nil, fmt.Errorf("read line %d: %w", line, err)
			}
			get := func(name string) string {
				if i, ok := col[name]; ok && i < len(fields) {
					return strings.TrimSpace(unescapeCell(fields[i]))
				}
				return ""
			}
			if strings.TrimSpace(strings.Join(fields, "")) == "" {
				continue
			}
			rec := Record{ID: get("id"), Kind: get("kind"), Title: get("title"), Description: get("description"),
				Org: get("org"), Region: get("region"), Lang: get("lang"), Domains: splitCell(get("domains")),
				Keywords: splitCell(get("keywords")), IP: get("ip"), Modes: splitCell(get("modes")),
				Budget: get("budget"), Deadline: get("deadline"), Tags: splitCell(get("tags")), DoNotMatch: splitCell(get("do_not_match"))}
			if t := get("trl"); t != "" {
				n, err := strconv.Atoi(t)
				if err != nil {
					return lineRecord{}, &RowError{Line: line, ID: rec.ID, Err: fmt.Errorf("trl %q is not a number", t)}, nil
				}
				rec.TRL = n
			}
			return lineRecord{line, rec}, nil, nil
		}
	}, nil
}

func splitCell(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Profile converts a record to an active profile. The language is taken
// from the text when the record does not give it.
func (r Record) Profile(now time.Time) (matcher.Profile, error) {
	p := matcher.Profile{
		ID: strings.TrimSpace(r.ID), Kind: matcher.Kind(strings.ToLower(strings.TrimSpace(r.Kind))), Status: matcher.StatusActive,
		Demo: r.Demo, Title: strings.TrimSpace(r.Title), Description: strings.TrimSpace(r.Description),
		Org: r.Org, Region: r.Region, Domains: r.Domains, Keywords: r.Keywords, TRL: r.TRL,
		IP: matcher.IPStatus(r.IP), Budget: r.Budget, Deadline: r.Deadline, Tags: r.Tags, DoNotMatch: r.DoNotMatch,
		Summary: r.Summary, Statement: r.Statement, Concepts: r.Concepts, Success: r.Success,
		PromptVersion: r.PromptVersion, Embedding: r.Embedding, EmbeddingModel: r.EmbeddingModel,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
	}
	switch strings.ToLower(strings.TrimSpace(r.Lang)) {
	case "":
		p.Lang = matcher.DetectLang(p.Title + " " + p.Description)
	case "zh", "zh-cn", "zh-hans", "cn":
		p.Lang = matcher.LangZH
	case "en", "en-us", "en-gb":
		p.Lang = matcher.LangEN
	default:
		return p, fmt.Errorf("lang %q must be zh or en", r.Lang)
	}
	for _, m := range r.Modes {
		p.Modes = append(p.Modes, matcher.Mode(strings.ToLower(strings.TrimSpace(m))))
	}
	return p, nil
}

// RecordOf is the inverse of Record.Profile, for export.
func RecordOf(p matcher.Profile) Record {
	r := Record{ID: p.ID, Kind: string(p.Kind), Title: p.Title, Description: p.Description, Org: p.Org,
		Region: p.Region, Lang: string(p.Lang), Domains: p.Domains, Keywords: p.Keywords, TRL: p.TRL,
		IP: string(p.IP), Budget: p.Budget, Deadline: p.Deadline, Tags: p.Tags, DoNotMatch: p.DoNotMatch, Demo: p.Demo,
		Summary: p.Summary, Statement: p.Statement, Concepts: p.Concepts, Success: p.Success,
		PromptVersion: p.PromptVersion, Embedding: p.Embedding, EmbeddingModel: p.EmbeddingModel}
	for _, m := range p.Modes {
		r.Modes = append(r.Modes, string(m))
	}
	return r
}

// WriteJSONL writes full profiles, one JSON object per line; the output
// reads back with Read(JSONL) as records, and holds every stored field.
func WriteJSONL(w io.Writer, ps []matcher.Profile) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, p := range ps {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes records with the Columns header, for spreadsheets: a
// byte order mark first and cells that cannot run as formulas (SheetCSV);
// Read undoes the escaping.
func WriteCSV(w io.Writer, ps []matcher.Profile) error {
	cw := NewSheetCSV(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, p := range ps {
		r := RecordOf(p)
		trl := ""
		if r.TRL > 0 {
			trl = strconv.Itoa(r.TRL)
		}
		if err := cw.Write([]string{r.ID, r.Kind, r.Title, r.Description, r.Org, r.Region, r.Lang,
			strings.Join(r.Domains, ";"), strings.Join(r.Keywords, ";"), trl, r.IP, strings.Join(r.Modes, ";"),
			r.Budget, r.Deadline, strings.Join(r.Tags, ";"), strings.Join(r.DoNotMatch, ";")}); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// ReadQrels reads graded pairs: tab-separated need id, offer id, grade;
// blank lines and lines starting with # are skipped.
func ReadQrels(r io.Reader) ([]matcher.Judgement, error) {
	var out []matcher.Judgement
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("qrels line %d: want need_id, offer_id, grade", n)
		}
		g, err := strconv.Atoi(f[2])
		if err != nil || g < 0 {
			return nil, fmt.Errorf("qrels line %d: grade %q is not a non-negative number", n, f[2])
		}
		out = append(out, matcher.Judgement{Need: f[0], Offer: f[1], Grade: g})
	}
	return out, sc.Err()
}
