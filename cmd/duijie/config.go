package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// Config is every setting of Duijie. Each comes from an environment
// variable and can be overridden by a flag of the same meaning.
type Config struct {
	TelegramToken  string        // TELEGRAM_BOT_TOKEN; required by serve
	TelegramAPIURL string        // TELEGRAM_API_URL; default api.telegram.org
	RedisURL       string        // REDIS_URL; empty starts an embedded, non-durable store
	LogLevel       slog.Level    // LOG_LEVEL: debug, info (default), warn, error
	NoDemo         bool          // --no-demo: the embedded store starts empty
	PollTimeout    time.Duration // TELEGRAM_POLL_TIMEOUT; default 30s
}

// fromEnv reads the environment through getenv.
func fromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		TelegramToken:  strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN")),
		TelegramAPIURL: strings.TrimSpace(getenv("TELEGRAM_API_URL")),
		RedisURL:       strings.TrimSpace(getenv("REDIS_URL")),
	}
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	if v := getenv("TELEGRAM_POLL_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return c, fmt.Errorf("TELEGRAM_POLL_TIMEOUT %q must be a duration of at least 1s", v)
		}
		c.PollTimeout = d
	}
	return c, nil
}

func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// flags registers the common overrides on fs.
func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.RedisURL, "redis", c.RedisURL, "Redis URL (env REDIS_URL); empty: embedded, non-durable store")
	fs.BoolVar(&c.NoDemo, "no-demo", c.NoDemo, "start the embedded store without the demo profiles")
	fs.TextVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn, error (env LOG_LEVEL)")
}

// String describes the configuration without secrets.
func (c Config) String() string {
	redis := "embedded"
	if c.RedisURL != "" {
		redis = redactURL(c.RedisURL)
	}
	return fmt.Sprintf("redis=%s telegram_api=%s token_set=%t", redis, orDefault(c.TelegramAPIURL, "default"), c.TelegramToken != "")
}

// redactURL hides the password of a URL such as redis://user:pw@host.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "<set>"
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "***@" + rest[at+1:]
	}
	return scheme + "://" + rest
}

var errUsage = errors.New("usage")

func newLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
