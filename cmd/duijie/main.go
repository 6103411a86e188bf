// Command duijie is the Duijie (对接) technology matchmaker: a Telegram
// bot, a console dialog and the data tools around them.
//
// Usage:
//
//	duijie serve                 run the Telegram bot (long polling) and/or the WeChat channel
//	duijie chat                  the same dialog on this terminal
//	duijie import FILE           load profiles from JSONL, CSV or Excel
//	duijie export [FILE]         write every profile as JSONL (or CSV by extension)
//	duijie match --profile ID    rank the counterparts of one profile
//
// Settings come from the environment (see README); flags override them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `duijie — technology matchmaking between enterprises' needs and universities' results

Usage:
  duijie serve                              run the bot (needs TELEGRAM_BOT_TOKEN, WECHAT_APP_ID… or both)
  duijie chat [--no-demo]                   talk to the bot on this terminal
  duijie import [--dry-run] [--concurrency N] [--tag EVENT] [--claims FILE] FILE
                                            load profiles from a .jsonl, .csv or .xlsx file
  duijie export [FILE]                      write all profiles (.jsonl, or .csv by extension; stdout without FILE)
  duijie match --profile ID [--top N] [--json]
                                            rank the counterparts of a stored profile
  duijie eval --profiles FILE --qrels FILE [--json]
                                            measure ranking quality on a labelled set
  duijie stats [--days N] [--lang zh|en]    users, profiles, matches and introductions, per day and in total
  duijie report [--since DATE] [--tag EVENT] [--out DIR] [--lang zh|en]
                                            docking report of the needs: report.md and report.csv
  duijie wechat-qr [--days N] [--out FILE.png] EVENT
                                            the event's WeChat QR code (带参数二维码); needs WECHAT_APP_ID…

Environment: REDIS_URL (unset: embedded, non-durable store with demo data),
TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_TOKEN,
WECHAT_AES_KEY, WECHAT_TEMPLATE_MATCH, LOG_LEVEL, ADMIN_IDS, BROKER_MODE, OPENAI_API_KEY,
OPENAI_BASE_URL, OPENAI_MODEL (see README). Run "duijie CMD -h" for flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if errors.Is(err, errUsage) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "duijie:", err)
		os.Exit(1)
	}
}

// run executes one subcommand; it is main without the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cfg, err := fromEnv(getenv)
	if err != nil {
		return err
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, cfg, rest, stderr)
	case "chat":
		return cmdChat(ctx, cfg, rest, stdin, stdout, stderr)
	case "import":
		return cmdImport(ctx, cfg, rest, stdout, stderr)
	case "export":
		return cmdExport(ctx, cfg, rest, stdout, stderr)
	case "match":
		return cmdMatch(ctx, cfg, rest, stdout, stderr)
	case "eval":
		return cmdEval(ctx, cfg, rest, stdout, stderr)
	case "stats":
		return cmdStats(ctx, cfg, rest, stdout, stderr)
	case "report":
		return cmdReport(ctx, cfg, rest, stdout, stderr)
	case "wechat-qr":
		return cmdWeChatQR(ctx, cfg, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
