package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/prompts"
	"github.com/duijie/duijie/wechat"
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
	ProfileTTL     time.Duration // PROFILE_TTL: a profile expires this long after its last update; default 90 days
	WebhookURL     string        // WEBHOOK_URL: public https URL Telegram posts updates to; empty: long polling
	WebhookSecret  string        // WEBHOOK_SECRET: MinWebhookSecretLen-256 of A-Z a-z 0-9 _ -; required with WEBHOOK_URL; never logged
	HTTPAddr       string        // HTTP_ADDR: the webhook; default DefaultHTTPAddr with a webhook, else none
	MetricsAddr    string        // METRICS_ADDR: /metrics and /healthz, apart from the public webhook; default DefaultMetricsAddr (loopback); "off": none
	Replica        string        // DUIJIE_REPLICA: this process's name among replicas, stable across its restarts; default the host name
	AdminIDs       []int64       // ADMIN_IDS: Telegram user ids of the organizers, comma-separated; none by default (the console's user is 1)
	Broker         bool          // BROKER_MODE: introduction requests and new-match notices wait for an admin's approval; needs ADMIN_IDS
	BotUsername    string        // BOT_USERNAME: the bot's username, for the claim links of `duijie import --claims`; serve asks Telegram
	LLM            LLMConfig
	// WeChat is the WeChat Official Account channel: WECHAT_APP_ID,
	// WECHAT_APP_SECRET, WECHAT_TOKEN, WECHAT_AES_KEY (never logged),
	// WECHAT_TEMPLATE_MATCH and WECHAT_API_URL (default WeChat's API;
	// tests point it at a fake). Off unless WECHAT_APP_ID is set.
	WeChat wechat.Config

	// noIndex: the command does not rank (import, export, stats), so the
	// match index is neither built nor kept; a running serve learns of
	// imports through the change stream.
	noIndex bool
}

// WeChatPath is where serve receives WeChat's pushes on HTTP_ADDR: the
// account's server URL is https://<host>/wechat.
const WeChatPath = "/wechat"

// DefaultHTTPAddr is where serve listens in webhook mode, or with WeChat,
// when HTTP_ADDR is unset.
const DefaultHTTPAddr = ":8080"

// DefaultMetricsAddr is where /metrics and /healthz are served when
// METRICS_ADDR is unset: loopback only, for a local scraper or probe.
const DefaultMetricsAddr = "127.0.0.1:9090"

// MinWebhookSecretLen is the shortest WEBHOOK_SECRET accepted: the secret
// is all that tells Telegram's posts from anyone's.
const MinWebhookSecretLen = 16

// LLMConfig says which model server normalizes descriptions. With no key
// and no base URL, descriptions are read offline.
type LLMConfig struct {
	APIKey         string // OPENAI_API_KEY; never logged
	BaseURL        string // OPENAI_BASE_URL: any server speaking the Chat Completions API; empty: OpenAI
	Model          string // OPENAI_MODEL; default DefaultLLMModel (with Azure: the deployment name)
	EmbeddingModel string // OPENAI_EMBEDDING_MODEL; empty: no embeddings
	// TranscriptionModel transcribes voice messages (OPENAI_TRANSCRIPTION_MODEL,
	// e.g. whisper-1); empty: users are asked to type.
	TranscriptionModel string
	Azure              bool          // OPENAI_API_TYPE=azure
	APIVersion         string        // OPENAI_API_VERSION, Azure only; default openaiapi.DefaultAzureAPIVersion
	Timeout            time.Duration // LLM_TIMEOUT, one call; default prompts.DefaultTimeout
	UserCap            int           // LLM_DAILY_USER_CAP, model calls per user and day; default DefaultLLMUserCap; 0: no cap
	GlobalCap          int           // LLM_DAILY_GLOBAL_CAP, model calls per day in all; default DefaultLLMGlobalCap; 0: no cap
}

// Defaults of LLMConfig.
const (
	DefaultLLMModel     = "gpt-4o-mini"
	DefaultLLMUserCap   = 30
	DefaultLLMGlobalCap = 5000
)

// Enabled reports whether a model server is configured.
func (c LLMConfig) Enabled() bool { return c.APIKey != "" || c.BaseURL != "" }

// Budget is how long one analysis may take, retries and the re-ask
// included: two calls and some backoff, which stays within the bot's
// time for one update with the default timeout.
func (c LLMConfig) Budget() time.Duration { return 2*c.Timeout + 5*time.Second }

func llmFromEnv(getenv func(string) string) (LLMConfig, error) {
	c := LLMConfig{
		APIKey:             strings.TrimSpace(getenv("OPENAI_API_KEY")),
		BaseURL:            strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		Model:              strings.TrimSpace(orDefault(getenv("OPENAI_MODEL"), DefaultLLMModel)),
		EmbeddingModel:     strings.TrimSpace(getenv("OPENAI_EMBEDDING_MODEL")),
		TranscriptionModel: strings.TrimSpace(getenv("OPENAI_TRANSCRIPTION_MODEL")),
		APIVersion:         strings.TrimSpace(getenv("OPENAI_API_VERSION")),
		Timeout:            prompts.DefaultTimeout,
		UserCap:            DefaultLLMUserCap,
		GlobalCap:          DefaultLLMGlobalCap,
	}
	switch t := strings.ToLower(strings.TrimSpace(getenv("OPENAI_API_TYPE"))); t {
	case "", "openai":
	case "azure":
		c.Azure = true
		if c.BaseURL == "" || c.APIKey == "" {
			return c, errors.New("OPENAI_API_TYPE=azure needs OPENAI_BASE_URL (the resource endpoint) and OPENAI_API_KEY")
		}
	default:
		return c, fmt.Errorf("OPENAI_API_TYPE %q must be openai or azure", t)
	}
	if v := getenv("LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return c, fmt.Errorf("LLM_TIMEOUT %q must be a duration of at least 1s", v)
		}
		c.Timeout = d
	}
	for _, v := range []struct {
		name string
		to   *int
	}{{"LLM_DAILY_USER_CAP", &c.UserCap}, {"LLM_DAILY_GLOBAL_CAP", &c.GlobalCap}} {
		if s := strings.TrimSpace(getenv(v.name)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return c, fmt.Errorf("%s %q must be a whole number, 0 for no cap", v.name, s)
			}
			*v.to = n
		}
	}
	return c, nil
}

// String describes the model configuration without the key.
func (c LLMConfig) String() string {
	if !c.Enabled() {
		return "offline"
	}
	server := "openai"
	if c.BaseURL != "" {
		server = redactURL(c.BaseURL)
	}
	if c.Azure {
		server = "azure:" + server
	}
	return fmt.Sprintf("%s model=%s embeddings=%s key_set=%t", server, c.Model, orDefault(c.EmbeddingModel, "off"), c.APIKey != "")
}

// fromEnv reads the environment through getenv.
func fromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		TelegramToken:  strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN")),
		TelegramAPIURL: strings.TrimSpace(getenv("TELEGRAM_API_URL")),
		RedisURL:       strings.TrimSpace(getenv("REDIS_URL")),
		WebhookURL:     strings.TrimSpace(getenv("WEBHOOK_URL")),
		WebhookSecret:  strings.TrimSpace(getenv("WEBHOOK_SECRET")),
		HTTPAddr:       strings.TrimSpace(getenv("HTTP_ADDR")),
		MetricsAddr:    strings.TrimSpace(orDefault(getenv("METRICS_ADDR"), DefaultMetricsAddr)),
		Replica:        strings.TrimSpace(getenv("DUIJIE_REPLICA")),
	}
	switch {
	case strings.EqualFold(c.MetricsAddr, "off"):
		c.MetricsAddr = ""
	case !validAddr(c.MetricsAddr):
		return c, fmt.Errorf("METRICS_ADDR %q must be host:port (such as %s) or off", c.MetricsAddr, DefaultMetricsAddr)
	}
	if c.Replica == "" {
		c.Replica, _ = os.Hostname()
	}
	if c.WebhookURL != "" {
		if !strings.HasPrefix(c.WebhookURL, "https://") {
			return c, errors.New("WEBHOOK_URL must be an https:// URL")
		}
		if !validSecret(c.WebhookSecret) {
			return c, fmt.Errorf("WEBHOOK_SECRET must be set with WEBHOOK_URL: %d to 256 characters of A-Z a-z 0-9 _ -", MinWebhookSecretLen)
		}
		if c.HTTPAddr == "" {
			c.HTTPAddr = DefaultHTTPAddr
		}
	}
	if err := c.wechatFromEnv(getenv); err != nil {
		return c, err
	}
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	c.ProfileTTL = bot.DefaultProfileTTL
	if v := getenv("PROFILE_TTL"); v != "" {
		d, err := parseDays(v)
		if err != nil || d < 8*24*time.Hour {
			return c, fmt.Errorf("PROFILE_TTL %q must be a duration such as 90d or 2160h, at least 8d", v)
		}
		c.ProfileTTL = d
	}
	if v := getenv("TELEGRAM_POLL_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return c, fmt.Errorf("TELEGRAM_POLL_TIMEOUT %q must be a duration of at least 1s", v)
		}
		c.PollTimeout = d
	}
	if err := c.organizersFromEnv(getenv); err != nil {
		return c, err
	}
	llm, err := llmFromEnv(getenv)
	if err != nil {
		return c, err
	}
	c.LLM = llm
	return c, nil
}

// wechatFromEnv reads the WeChat channel's settings; with any of them
// set, the channel is on and all it needs must be.
func (c *Config) wechatFromEnv(getenv func(string) string) error {
	c.WeChat = wechat.Config{
		AppID:         strings.TrimSpace(getenv("WECHAT_APP_ID")),
		AppSecret:     strings.TrimSpace(getenv("WECHAT_APP_SECRET")),
		Token:         strings.TrimSpace(getenv("WECHAT_TOKEN")),
		AESKey:        strings.TrimSpace(getenv("WECHAT_AES_KEY")),
		TemplateMatch: strings.TrimSpace(getenv("WECHAT_TEMPLATE_MATCH")),
		APIBase:       strings.TrimSpace(getenv("WECHAT_API_URL")),
	}
	w := c.WeChat
	if w.AppID == "" && w.AppSecret == "" && w.Token == "" && w.AESKey == "" && w.TemplateMatch == "" {
		return nil
	}
	if err := w.Validate(); err != nil {
		return fmt.Errorf("WeChat: %w", err)
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = DefaultHTTPAddr
	}
	return nil
}

// WeChatOn reports whether the WeChat channel is configured.
func (c Config) WeChatOn() bool { return c.WeChat.AppID != "" }

// organizersFromEnv reads ADMIN_IDS, BROKER_MODE and BOT_USERNAME.
func (c *Config) organizersFromEnv(getenv func(string) string) error {
	for _, f := range strings.FieldsFunc(getenv("ADMIN_IDS"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("ADMIN_IDS: %q is not a Telegram user id (a positive number; ask @userinfobot for yours)", f)
		}
		if !slices.Contains(c.AdminIDs, id) {
			c.AdminIDs = append(c.AdminIDs, id)
		}
	}
	if v := strings.TrimSpace(getenv("BROKER_MODE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("BROKER_MODE %q must be true or false", v)
		}
		c.Broker = b
	}
	if c.Broker && len(c.AdminIDs) == 0 {
		return errors.New("BROKER_MODE=true needs ADMIN_IDS: someone must approve what waits")
	}
	return c.setBotUsername(getenv("BOT_USERNAME"))
}

// setBotUsername checks and keeps a bot's username, with or without "@".
func (c *Config) setBotUsername(v string) error {
	v = strings.TrimPrefix(strings.TrimSpace(v), "@")
	if v == "" {
		return nil
	}
	if len(v) < 5 || len(v) > 32 || strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}) >= 0 {
		return fmt.Errorf("BOT_USERNAME %q is not a Telegram username (5-32 of A-Z a-z 0-9 _)", v)
	}
	c.BotUsername = v
	return nil
}

// Admins is AdminIDs as a set.
func (c Config) Admins() map[int64]bool {
	m := make(map[int64]bool, len(c.AdminIDs))
	for _, id := range c.AdminIDs {
		m[id] = true
	}
	return m
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
	mode := "polling"
	if c.WebhookURL != "" {
		mode = "webhook"
	}
	wx := "off"
	if c.WeChatOn() {
		wx = fmt.Sprintf("app_id=%s aes=%t template=%t", c.WeChat.AppID, c.WeChat.AESKey != "", c.WeChat.TemplateMatch != "")
	}
	return fmt.Sprintf("redis=%s telegram_api=%s token_set=%t mode=%s http=%s metrics=%s admins=%d broker=%t llm=%s wechat=%s", redis, orDefault(c.TelegramAPIURL, "default"),
		c.TelegramToken != "", mode, orDefault(c.HTTPAddr, "off"), orDefault(c.MetricsAddr, "off"), len(c.AdminIDs), c.Broker, c.LLM, wx)
}

// parseDays reads a duration that may be given in days ("90d").
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(strings.TrimSpace(v), "d"); ok {
		days, err := strconv.Atoi(n)
		return time.Duration(days) * 24 * time.Hour, err
	}
	return time.ParseDuration(v)
}

// validAddr checks a listen address: host:port with a port number.
func validAddr(a string) bool {
	_, port, err := net.SplitHostPort(a)
	n, perr := strconv.Atoi(port)
	return err == nil && perr == nil && n >= 0 && n <= 65535
}

// validSecret checks a webhook secret against Telegram's rules and our
// shortest length.
func validSecret(s string) bool {
	if len(s) < MinWebhookSecretLen || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
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

// newLogger logs JSON lines to stderr. At info level a line names an
// event and ids (chat_id, profile_id, update_id); no message text or
// contact details.
func newLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
