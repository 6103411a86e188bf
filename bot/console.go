package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/duijie/duijie/bot/dialog"
)

// Console runs the dialog on a terminal: replies are printed, buttons
// become numbered choices, and a typed number presses one.
type Console struct {
	engine *Engine
	in     io.Reader
	out    io.Writer
	// ChatID and UserID identify the console user in the store.
	ChatID, UserID int64

	choices []dialog.Button // the numbered choices on screen
}

// NewConsole returns a console dialog on in and out.
func NewConsole(e *Engine, in io.Reader, out io.Writer) *Console {
	return &Console{engine: e, in: in, out: out, ChatID: 1, UserID: 1}
}

var _ Sender = (*Console)(nil)

// Run holds the conversation until the input ends, /quit is typed or ctx
// is cancelled. It starts as /start would.
func (c *Console) Run(ctx context.Context) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	c.handle(ctx, dialog.Input{Kind: dialog.InCommand, Command: "start"})
	for {
		c.prompt()
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(c.out)
				return <-errc
			}
			if strings.TrimSpace(line) == "/quit" {
				return nil
			}
			c.handle(ctx, c.parse(line))
		}
	}
}

func (c *Console) prompt() { fmt.Fprint(c.out, "> ") }

// parse turns a typed line into an input.
func (c *Console) parse(line string) dialog.Input {
	t := strings.TrimSpace(line)
	if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(c.choices) {
		return dialog.Input{Kind: dialog.InButton, Button: c.choices[n-1]}
	}
	if cmd, arg, ok := dialog.ParseCommand(t); ok {
		return dialog.Input{Kind: dialog.InCommand, Command: cmd, Arg: arg}
	}
	return dialog.Input{Kind: dialog.InText, Text: line}
}

func (c *Console) handle(ctx context.Context, in dialog.Input) {
	res, err := c.engine.Handle(ctx, Incoming{ChatID: c.ChatID, UserID: c.UserID, Input: in}, c)
	if res.Toast != "" {
		fmt.Fprintf(c.out, "(%s)\n", res.Toast)
	}
	_ = err // already shown to the user and logged by the engine
}

// Send prints a reply and numbers its buttons.
func (c *Console) Send(_ context.Context, _ int64, r dialog.Reply) error {
	fmt.Fprintln(c.out)
	fmt.Fprintln(c.out, dialog.PlainText(r.Text))
	if len(r.Buttons) > 0 {
		c.choices = c.choices[:0]
		for _, row := range r.Buttons {
			var cells []string
			for _, ch := range row {
				c.choices = append(c.choices, ch.Button)
				cells = append(cells, fmt.Sprintf("[%d] %s", len(c.choices), ch.Label))
			}
			fmt.Fprintln(c.out, "  "+strings.Join(cells, "   "))
		}
	}
	return nil
}

// Typing does nothing on a console: answers come at once.
func (c *Console) Typing(context.Context, int64) {}

// SendDocument prints the file's name and size, then its content.
func (c *Console) SendDocument(_ context.Context, _ int64, d Document) error {
	fmt.Fprintf(c.out, "\n📎 %s (%d bytes) %s\n%s\n", d.Name, len(d.Data), dialog.PlainText(d.Caption), d.Data)
	return nil
}
