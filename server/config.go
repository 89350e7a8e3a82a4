package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Env is what run needs from the process, injectable for tests.
type Env struct {
	Getenv   func(string) string
	Stdout   io.Writer
	Stderr   io.Writer
	Listener net.Listener      // when set, serve uses it instead of listening on Addr
	Clock    func() time.Time  // when set, replaces the wall clock (tests)
	Ready    func(addr string) // called once serve accepts connections
}

// Config is the service's configuration, read from VAFA_* variables.
type Config struct {
	DSN             string        // VAFA_MYSQL_DSN
	Addr            string        // VAFA_ADDR
	PublicURL       string        // VAFA_PUBLIC_URL: base URL plugins deliver webhooks to
	Workers         int           // VAFA_WORKERS: inbox worker goroutines; 0 = accept only
	PprofAddr       string        // VAFA_PPROF_ADDR: serve net/http/pprof there (off when empty)
	Batch           int           // VAFA_BATCH: inbox rows a worker applies per transaction
	MaxConns        int           // VAFA_DB_MAX_CONNS
	LogLevel        slog.Level    // VAFA_LOG_LEVEL: debug, info, warn, error
	ShutdownTimeout time.Duration // VAFA_SHUTDOWN_TIMEOUT
	MatureEvery     time.Duration // VAFA_MATURE_INTERVAL
	ConnectTokenTTL time.Duration // VAFA_CONNECT_TOKEN_TTL
	MetricsAddr     string        // VAFA_METRICS_ADDR: serve /metrics there, apart from the public listener (off when empty)
	MaxInFlight     int           // VAFA_MAX_INFLIGHT: requests served at once; more get 503
	AcceptTimeout   time.Duration // VAFA_ACCEPT_TIMEOUT: how long a webhook waits for its commit before 503
	AuthFailures    int           // VAFA_AUTH_FAILURES: failed authentications per client address per minute before 429
	TrustedProxies  []string      // VAFA_TRUSTED_PROXIES: CIDRs of proxies whose X-Forwarded-For names the client
	DeliverEvery    time.Duration // VAFA_DELIVER_INTERVAL: how often notices are sent and campaigns advance
	// VAFA_OUTBOUND_ALLOW_PRIVATE=1 lets notices go to private and loopback
	// receivers (tests, single-host installs); refused by default (SSRF).
	OutboundAllowPrivate bool

	publicURLSet bool // false: PublicURL follows the address actually listened on
}

func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		DSN:             "root@tcp(127.0.0.1:3306)/vafa",
		Addr:            "127.0.0.1:8080",
		Workers:         4,
		Batch:           32,
		MaxConns:        32,
		LogLevel:        slog.LevelInfo,
		ShutdownTimeout: 20 * time.Second,
		MatureEvery:     time.Minute,
		ConnectTokenTTL: 24 * time.Hour,
		MaxInFlight:     1024,
		AcceptTimeout:   10 * time.Second,
		AuthFailures:    30,
		DeliverEvery:    2 * time.Second,
	}
	var errs []string
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	num := func(name string, dst *int) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				errs = append(errs, name+" must be a positive integer")
				return
			}
			*dst = n
		}
	}
	dur := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, name+" must be a positive duration like 30s")
				return
			}
			*dst = d
		}
	}
	str("VAFA_MYSQL_DSN", &c.DSN)
	str("VAFA_ADDR", &c.Addr)
	str("VAFA_PUBLIC_URL", &c.PublicURL)
	str("VAFA_PPROF_ADDR", &c.PprofAddr)
	str("VAFA_METRICS_ADDR", &c.MetricsAddr)
	num("VAFA_MAX_INFLIGHT", &c.MaxInFlight)
	dur("VAFA_ACCEPT_TIMEOUT", &c.AcceptTimeout)
	num("VAFA_AUTH_FAILURES", &c.AuthFailures)
	if v := getenv("VAFA_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
	}
	if v := getenv("VAFA_WORKERS"); v == "0" {
		c.Workers = 0 // an accept-only process: another process runs the workers
	} else {
		num("VAFA_WORKERS", &c.Workers)
	}
	num("VAFA_BATCH", &c.Batch)
	num("VAFA_DB_MAX_CONNS", &c.MaxConns)
	dur("VAFA_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	dur("VAFA_MATURE_INTERVAL", &c.MatureEvery)
	dur("VAFA_CONNECT_TOKEN_TTL", &c.ConnectTokenTTL)
	dur("VAFA_DELIVER_INTERVAL", &c.DeliverEvery)
	switch getenv("VAFA_OUTBOUND_ALLOW_PRIVATE") {
	case "", "0", "false":
	case "1", "true":
		c.OutboundAllowPrivate = true
	default:
		errs = append(errs, "VAFA_OUTBOUND_ALLOW_PRIVATE must be 1 or 0")
	}
	if v := getenv("VAFA_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, "VAFA_LOG_LEVEL must be debug, info, warn or error")
		}
	}
	if _, err := mysql.ParseDSN(c.DSN); err != nil {
		errs = append(errs, "VAFA_MYSQL_DSN is not a valid DSN")
	}
	c.publicURLSet = c.PublicURL != ""
	if !c.publicURLSet {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// LogValue masks the DSN's password so the configuration can be logged.
func (c Config) LogValue() slog.Value {
	dsn := c.DSN
	if cfg, err := mysql.ParseDSN(c.DSN); err == nil && cfg.Passwd != "" {
		cfg.Passwd = "****"
		dsn = cfg.FormatDSN()
	}
	return slog.GroupValue(
		slog.String("dsn", dsn), slog.String("addr", c.Addr), slog.String("public_url", c.PublicURL),
		slog.Int("workers", c.Workers), slog.Int("batch", c.Batch), slog.Int("db_max_conns", c.MaxConns),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout), slog.String("metrics_addr", c.MetricsAddr),
		slog.Int("max_inflight", c.MaxInFlight),
	)
}
