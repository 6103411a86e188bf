package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// progress reports how far a long job has come: on a terminal a bar
// redrawn in place, elsewhere a plain line at every tenth.
type progress struct {
	w     io.Writer
	label string
	total int
	tty   bool
	bytes bool // done and total count bytes, shown in MB

	mu   sync.Mutex
	done int
	last int // the last tenth (plain) or percent (bar) written
}

const barWidth = 30

func newProgress(w io.Writer, label string, total int) *progress {
	return startProgress(&progress{w: w, label: label, total: total, last: -1})
}

// newBytesProgress counts bytes, shown in MB.
func newBytesProgress(w io.Writer, label string, total int64) *progress {
	return startProgress(&progress{w: w, label: label, total: int(total), last: -1, bytes: true})
}

func startProgress(p *progress) *progress {
	if f, ok := p.w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	p.add(0)
	return p
}

// add counts n more items done.
func (p *progress) add(n int) {
	if p == nil || p.w == nil || p.total == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	pct := p.done * 100 / p.total
	if p.tty {
		if pct == p.last && p.done != p.total {
			return
		}
		p.last = pct
		filled := p.done * barWidth / p.total
		fmt.Fprintf(p.w, "\r%s [%s%s] %s %3d%%", p.label, strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), p.amount(), pct)
		if p.done == p.total {
			fmt.Fprintln(p.w)
		}
		return
	}
	if tenth := pct / 10; tenth != p.last && (tenth > p.last || p.done == p.total) {
		p.last = tenth
		if p.done > 0 {
			fmt.Fprintf(p.w, "%s: %s (%d%%)\n", p.label, p.amount(), pct)
		}
	}
}

// amount is how much of the total is done.
func (p *progress) amount() string {
	if p.bytes && p.total >= 1<<20 {
		return fmt.Sprintf("%.1f/%.1f MB", float64(p.done)/(1<<20), float64(p.total)/(1<<20))
	}
	if p.bytes {
		return fmt.Sprintf("%d/%d KB", (p.done+1023)>>10, (p.total+1023)>>10)
	}
	return fmt.Sprintf("%d/%d", p.done, p.total)
}
