package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/duijie/duijie/event"
	"github.com/duijie/duijie/wechat"
)

// cmdWeChatQR creates an event's parametric QR code on the WeChat
// Official Account: who scans it follows the account (or, following it,
// comes back) tagged with the event, as by the event's Telegram link.
func cmdWeChatQR(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wechat-qr", flag.ContinueOnError)
	days := fs.Int("days", 30, "days the code lasts, 1 to 30; 0 for a permanent code (an account has 100,000 of those)")
	out := fs.String("out", "", "write the code as a PNG picture to this file")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("wechat-qr needs one event tag, such as qxwq2026")
	}
	tag := fs.Arg(0)
	if err := event.ValidTag(tag); err != nil {
		return fmt.Errorf("event tag %q: %w", tag, err)
	}
	if *days < 0 || *days > 30 {
		return errors.New("--days must be 0 (permanent) to 30")
	}
	if !cfg.WeChatOn() {
		return errors.New("WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_TOKEN are not set")
	}
	client, err := wechat.NewClient(cfg.WeChat, newLogger(cfg.LogLevel))
	if err != nil {
		return err
	}
	qr, err := client.QR(ctx, tag, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "event %s\ncode    %s\npicture %s\n", tag, qr.URL, qr.Image)
	if !qr.Expires.IsZero() {
		fmt.Fprintf(stdout, "expires %s\n", qr.Expires.Format(time.RFC3339))
	}
	if *out != "" {
		png, err := event.QR(qr.URL, event.QRSize)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, png, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "written %s\n", *out)
	}
	return nil
}
