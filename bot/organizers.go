package bot

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/internal/lease"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Lists is the organizers' import use case: an organizer's list (a CSV or
// XLSX file made by people, dataset.ReadList) is read and planned against
// the store, the plan is kept until the organizer confirms it, then
// applied under a lease so that one replica applies it, and the last
// import can be undone. `duijie import` and a file sent in chat both use
// it.
type Lists struct {
	store ListStore
	tax   *matcher.Taxonomy
	now   func() time.Time
}

// ListStore is what importing organizers' lists needs of the store.
type ListStore interface {
	lease.Store
	ImportStored(ctx context.Context, ids []string) (map[string]dataset.Stored, error)
	ApplyImport(ctx context.Context, pl dataset.Plan, now time.Time) (store.ImportRecord, error)
	UndoLastImport(ctx context.Context) (store.UndoResult, error)
	NoteEvent(ctx context.Context, tag string) error
	ClaimCodes(ctx context.Context, ids []string) (map[string]string, error)
	SavePendingImport(ctx context.Context, id string, plan []byte, ttl time.Duration) error
	TakePendingImport(ctx context.Context, id string) ([]byte, error)
}

var _ ListStore = (*store.Store)(nil)

// PendingImportTTL is how long a planned import waits for its confirmation.
const PendingImportTTL = time.Hour

// importLease is the lease an import is applied under: one import at a
// time across replicas.
const importLease = "import"

// ErrImportBusy is returned by Apply while another import is being applied.
var ErrImportBusy = errors.New("another import is being applied")

// NewLists builds the import use case; now may be nil for the wall clock.
func NewLists(st ListStore, tax *matcher.Taxonomy, now func() time.Time) *Lists {
	if now == nil {
		now = time.Now
	}
	return &Lists{store: st, tax: tax, now: now}
}

// IsList reports whether a file is an organizer's list: a CSV or XLSX
// file that the export's format (dataset.Read) does not read.
// A CSV file is told by its header, so data may be its first bytes only.
func IsList(name string, data []byte) bool {
	switch dataset.FormatOf(name, data) {
	case dataset.JSONL:
		return false
	case dataset.CSV:
		return !dataset.IsExport(data)
	}
	_, _, err := dataset.Read(bytes.NewReader(data), dataset.XLSX, time.Now())
	return err != nil
}

// PlannedImport is a list read and planned, waiting to be applied.
type PlannedImport struct {
	Plan dataset.Plan
	// Tag is the event tag added to every row; empty for none.
	Tag string
	// Problems are the rows not taken, grouped by cause with their row
	// numbers, in the organizer's language.
	Problems []string
	// Free are the rows that will have no owner, which get claim codes
	// once applied; unchanged rows too, so their codes can be handed out.
	Free []matcher.Profile
}

// Preview is the message the organizer confirms.
func (pi PlannedImport) Preview(l matcher.Lang) string { return pi.Plan.Preview(l, pi.Problems) }

// Plan reads a list and compares it with the store; nothing is written.
// A file that cannot be read gives a *dataset.FileError, whose Message
// says why in the organizer's language.
func (ls *Lists) Plan(ctx context.Context, name string, data []byte, tag string, l matcher.Lang) (PlannedImport, error) {
	list, err := dataset.ReadList(name, data, dataset.ListOptions{Now: ls.now()})
	if err != nil {
		return PlannedImport{}, err
	}
	tag = strings.TrimSpace(tag)
	ids := make([]string, len(list.Rows))
	for i := range list.Rows {
		p := &list.Rows[i].Profile
		an := ls.tax.Analyze(p.Kind, p.Text())
		an.Apply(p)
		if tag != "" && !slices.ContainsFunc(p.Tags, func(t string) bool { return strings.EqualFold(t, tag) }) {
			p.Tags = append(p.Tags, tag)
		}
		ids[i] = p.ID
	}
	stored, err := ls.store.ImportStored(ctx, ids)
	if err != nil {
		return PlannedImport{}, err
	}
	pi := PlannedImport{
		Plan:     dataset.PlanImport(filepath.Base(name), list.Rows, len(list.Problems), stored),
		Tag:      tag,
		Problems: list.Summary(l),
	}
	for _, r := range list.Rows {
		if p, ok := stored[r.Profile.ID]; !ok || p.Profile.OwnerID == 0 {
			pi.Free = append(pi.Free, r.Profile)
		}
	}
	return pi, nil
}

// Keep stores a planned import until it is confirmed, for
// PendingImportTTL, and returns the id that Take finds it by.
func (ls *Lists) Keep(ctx context.Context, pi PlannedImport) (string, error) {
	b, err := json.Marshal(pi)
	if err != nil {
		return "", fmt.Errorf("encode planned import: %w", err)
	}
	var id [6]byte
	rand.Read(id[:])
	key := hex.EncodeToString(id[:])
	return key, ls.store.SavePendingImport(ctx, key, b, PendingImportTTL)
}

// Take returns the planned import kept under id and forgets it, so that
// it is applied once; store.ErrNotFound when it expired or was taken.
func (ls *Lists) Take(ctx context.Context, id string) (PlannedImport, error) {
	b, err := ls.store.TakePendingImport(ctx, id)
	if err != nil {
		return PlannedImport{}, err
	}
	var pi PlannedImport
	if err := json.Unmarshal(b, &pi); err != nil {
		return PlannedImport{}, fmt.Errorf("decode planned import %s: %w", id, err)
	}
	return pi, nil
}

// ListImported is what an applied import did.
type ListImported struct {
	Record store.ImportRecord
	// Claims are the imported profiles without an owner with their claim codes.
	Claims []ClaimRow
}

// Apply writes a planned import under the import lease, held by holder
// (this replica); ErrImportBusy while another import is being applied.
func (ls *Lists) Apply(ctx context.Context, pi PlannedImport, holder string) (ListImported, error) {
	var res ListImported
	var err error
	l := lease.Lease{Store: ls.store, Name: importLease, Holder: holder}
	held, lerr := l.Do(ctx, func(ctx context.Context) { res, err = ls.apply(ctx, pi) })
	switch {
	case lerr != nil:
		return res, lerr
	case !held:
		return res, ErrImportBusy
	}
	return res, err
}

func (ls *Lists) apply(ctx context.Context, pi PlannedImport) (ListImported, error) {
	rec, err := ls.store.ApplyImport(ctx, pi.Plan, ls.now())
	if err != nil {
		return ListImported{}, err
	}
	if pi.Tag != "" {
		if err := ls.store.NoteEvent(ctx, pi.Tag); err != nil {
			return ListImported{Record: rec}, err
		}
	}
	ids := make([]string, len(pi.Free))
	for i, p := range pi.Free {
		ids[i] = p.ID
	}
	codes, err := ls.store.ClaimCodes(ctx, ids)
	res := ListImported{Record: rec}
	for _, p := range pi.Free {
		if c := codes[p.ID]; c != "" {
			res.Claims = append(res.Claims, ClaimRow{Profile: p, Code: c})
		}
	}
	return res, err
}

// Undo reverts the last import; store.ErrNotFound when there is none.
func (ls *Lists) Undo(ctx context.Context) (store.UndoResult, error) {
	return ls.store.UndoLastImport(ctx)
}
