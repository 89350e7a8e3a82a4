package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/httpapi"
	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/mysql"
	"github.com/vafaloyalty/vafa/internal/outbound"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
	"github.com/vafaloyalty/vafa/internal/worker"
)

// run is main without the process: tests call it with their own Env.
func run(ctx context.Context, args []string, env Env) error {
	if env.Getenv == nil {
		return errors.New("run: Env.Getenv is required")
	}
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	cfg, err := loadConfig(env.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(env.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	switch cmd {
	case "serve":
		return serve(ctx, cfg, env, log)
	case "migrate":
		db, err := openDB(ctx, cfg, env)
		if err != nil {
			return err
		}
		defer db.Close()
		fmt.Fprintln(env.Stdout, "migrations applied")
		return nil
	case "store":
		return storeCmd(ctx, cfg, env, args)
	case "audit":
		return auditCmd(ctx, cfg, env)
	case "reports":
		return reportsCmd(ctx, cfg, env, args)
	case "token":
		return tokenCmd(env, args)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "help", "-h", "--help":
		fmt.Fprintln(env.Stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage: vafa [serve | migrate | audit | token | healthcheck | reports rebuild|check | store create|add-key|revoke-key|set|connect-token] [flags]`

// openDB creates the database if needed, connects and migrates.
func openDB(ctx context.Context, cfg Config, env Env) (*mysql.DB, error) {
	if err := mysql.EnsureDatabase(ctx, cfg.DSN); err != nil {
		return nil, err
	}
	db, err := mysql.Open(ctx, cfg.DSN, cfg.MaxConns)
	if err != nil {
		return nil, err
	}
	if env.Clock != nil {
		db.SetClock(env.Clock)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// services are the storage services on one database, wired as main uses them.
type services struct {
	db          *mysql.DB
	stores      *mysql.StoreService
	keys        *mysql.KeyService
	inbox       *mysql.InboxService
	customers   *mysql.CustomerService
	orders      *mysql.OrderService
	audit       *mysql.AuditService
	privacy     *mysql.PrivacyService
	rewards     *mysql.RewardService
	redemptions *mysql.RedemptionService
	referrals   *mysql.ReferralService
	tiers       *mysql.TierService
	lots        *mysql.LotService
	rules       *mysql.RuleService
	reports     *mysql.ReportService
	bonuses     *mysql.BonusService
	outbox      *mysql.OutboxService
	campaigns   *mysql.CampaignService
}

// openServices opens the database (creating and migrating it) and its services.
func openServices(ctx context.Context, cfg Config, env Env) (*services, error) {
	db, err := openDB(ctx, cfg, env)
	if err != nil {
		return nil, err
	}
	s := &services{db: db, stores: mysql.NewStoreService(db), keys: mysql.NewKeyService(db),
		inbox: mysql.NewInboxService(db), customers: mysql.NewCustomerService(db),
		orders: mysql.NewOrderService(db), audit: mysql.NewAuditService(db), privacy: mysql.NewPrivacyService(db),
		rewards: mysql.NewRewardService(db), redemptions: mysql.NewRedemptionService(db),
		referrals: mysql.NewReferralService(db), tiers: mysql.NewTierService(db), lots: mysql.NewLotService(db),
		rules: mysql.NewRuleService(db), reports: mysql.NewReportService(db, woocommerce.Decode),
		bonuses: mysql.NewBonusService(db, woocommerce.Decode), outbox: mysql.NewOutboxService(db),
		campaigns: mysql.NewCampaignService(db)}
	if err := s.reports.Backfill(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the inbox's writers, then closes statements and the pool.
func (s *services) Close() error {
	s.inbox.Close()
	return s.db.Close()
}

// processor adapts the inbox's ProcessBatch to the worker pool with the
// WooCommerce decoder wired in.
type processor struct {
	inbox *mysql.InboxService
	batch int
}

func (p processor) ProcessBatch(ctx context.Context) (int, error) {
	return p.inbox.ProcessBatch(ctx, woocommerce.Decode, p.batch)
}

func serve(ctx context.Context, cfg Config, env Env, log *slog.Logger) error {
	log.Info("starting", "config", cfg)
	svc, err := openServices(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer svc.Close()

	ln := env.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
	}
	if !cfg.publicURLSet {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	for _, w := range svc.db.Settings().Warnings() {
		log.Warn("database setting", "warning", w)
	}
	svc.inbox.SetAcceptTimeout(cfg.AcceptTimeout)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "vafa_transaction_retries_total",
			Help: "Database transactions run again whole after a deadlock, a lock wait timeout or (Galera) a brute-force abort or failed certification."},
			func() float64 { return float64(mysql.TransactionRetries()) }))
	verifier := auth.NewVerifier(svc.keys, svc.db.Now)
	limiter := auth.NewFailureLimiter(cfg.AuthFailures, time.Minute/time.Duration(cfg.AuthFailures), svc.db.Now)
	handler := httpapi.New(httpapi.Deps{
		Stores: svc.stores, Connector: svc.keys, Keys: svc.keys, Inbox: svc.inbox, Ledger: svc.customers, Claims: svc.customers,
		Privacy: svc.privacy, Catalog: svc.rewards, Redemptions: svc.redemptions, Referrals: svc.referrals, Programs: svc.stores,
		Tiers:          svc.tiers,
		Expiry:         svc.lots,
		Rules:          svc.rules,
		Reports:        svc.reports,
		Bonuses:        svc.bonuses,
		Outbox:         svc.outbox,
		Campaigns:      svc.campaigns,
		Now:            svc.db.Now,
		Verifier:       verifier,
		Revoked:        verifier.Forget,
		Limiter:        limiter,
		TrustedProxies: cfg.TrustedProxies,
		Ready:          svc.db.Ping,
		PublicURL:      cfg.PublicURL,
		Logger:         log,
		Registry:       reg,
		MaxInFlight:    cfg.MaxInFlight,
	})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10} // tokens and WooCommerce headers are small; a huge header is an attack
	if cfg.MetricsAddr != "" {
		// Metrics on a listener of their own: keep it internal (loopback or a private network).
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listen: %w", err)
		}
		msrv := &http.Server{Handler: httpapi.MetricsHandler(reg), ReadHeaderTimeout: 5 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}

	// Workers run on their own context: on shutdown they stop claiming rows
	// but finish the one they hold.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopWorkers, stopWorkersNow := context.WithCancel(context.Background())
	poolDone := make(chan struct{})
	if cfg.Workers > 0 {
		pool := worker.NewPool(processor{svc.inbox, cfg.Batch}, svc.orders, cfg.Workers, reg, log)
		pool.MatureEvery = cfg.MatureEvery
		pool.Jobs = []worker.Job{{Name: "expire rewards", Every: cfg.MatureEvery, Run: svc.redemptions.ExpireDue},
			{Name: "approve referrals", Every: cfg.MatureEvery, Run: svc.referrals.ApproveDue},
			{Name: "mature referral commissions", Every: cfg.MatureEvery, Run: svc.referrals.MatureCommissions},
			{Name: "check tiers", Every: cfg.MatureEvery, Run: svc.tiers.CheckDue},
			{Name: "expire points", Every: cfg.MatureEvery, Run: svc.lots.ExpireDue},
			{Name: "birthdays", Every: cfg.MatureEvery, Run: svc.bonuses.BirthdaysDue},
			{Name: "anniversaries", Every: cfg.MatureEvery, Run: svc.bonuses.AnniversariesDue},
			{Name: "win-back", Every: cfg.MatureEvery, Run: svc.bonuses.WinbacksDue},
			{Name: "expiry reminders", Every: cfg.MatureEvery, Run: svc.bonuses.RemindExpiring},
			{Name: "campaigns", Every: cfg.DeliverEvery, Run: svc.campaigns.RunDue},
			{Name: "prune notices", Every: cfg.MatureEvery, Run: svc.outbox.Prune},
			{Name: "deliver notices", Every: cfg.DeliverEvery,
				Run: outbound.NewDeliverer(svc.outbox, outbound.NewClient(cfg.OutboundAllowPrivate), reg, log).Run}}
		go func() { pool.Run(stopWorkers, work); close(poolDone) }()
	} else {
		log.Info("VAFA_WORKERS=0: accepting webhooks only; another process must run the workers")
		close(poolDone)
	}
	if cfg.PprofAddr != "" {
		// Diagnostics only, on an address of its own (keep it on loopback).
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
			log.Warn("pprof listening", "addr", cfg.PprofAddr, "err", http.ListenAndServe(cfg.PprofAddr, mux))
		}()
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}

	select {
	case err := <-serveErr:
		stopWorkersNow()
		<-poolDone
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests and workers")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	httpErr := srv.Shutdown(shutdownCtx)
	stopWorkersNow()
	select {
	case <-poolDone:
	case <-shutdownCtx.Done():
		cancelWork() // give up on in-flight rows: their transactions roll back and stay pending
		<-poolDone
	}
	log.Info("stopped")
	if httpErr != nil {
		return fmt.Errorf("shutdown: %w", httpErr)
	}
	return nil
}

func storeCmd(ctx context.Context, cfg Config, env Env, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: vafa store create|add-key|revoke-key|set|connect-token [flags]")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("store "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	p := loyalty.DefaultProgram()
	var (
		name, url, kid, pubKey string
		storeID                int64
	)
	switch sub {
	case "create":
		fs.StringVar(&name, "name", "", "store name")
		fs.StringVar(&url, "url", "", "store home URL")
		programFlags(fs, &p)
	case "set":
		fs.Int64Var(&storeID, "store", 0, "store id")
		programFlags(fs, &p)
	case "add-key":
		fs.Int64Var(&storeID, "store", 0, "store id")
		fs.StringVar(&kid, "kid", "", "key id")
		fs.StringVar(&pubKey, "public-key", "", "base64 Ed25519 public key")
	case "connect-token":
		fs.Int64Var(&storeID, "store", 0, "store id")
	case "revoke-key":
		fs.Int64Var(&storeID, "store", 0, "store id")
		fs.StringVar(&kid, "kid", "", "key id to revoke")
	default:
		return fmt.Errorf("unknown store command %q", sub)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, err := openServices(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer svc.Close()

	switch sub {
	case "create":
		return createStore(ctx, svc, cfg, env, name, url, p)
	case "set":
		// Only flags given on the command line change: parse them again onto
		// the store's current program.
		st, err := svc.stores.Store(ctx, storeID)
		if err != nil {
			return err
		}
		merged := st.Program
		again := flag.NewFlagSet("store set", flag.ContinueOnError)
		again.SetOutput(io.Discard)
		again.Int64Var(&storeID, "store", storeID, "")
		programFlags(again, &merged)
		if err := again.Parse(args); err != nil {
			return err
		}
		if err := svc.stores.SetProgram(ctx, storeID, merged); err != nil {
			return err
		}
		return writeJSON(env.Stdout, map[string]any{"store_id": strconv.FormatInt(storeID, 10), "program": programJSON(merged)})
	case "add-key":
		raw, err := base64.StdEncoding.DecodeString(pubKey)
		if err != nil {
			return errors.New("--public-key must be base64")
		}
		if err := svc.keys.AddKey(ctx, storeID, kid, ed25519.PublicKey(raw)); err != nil {
			return err
		}
		return writeJSON(env.Stdout, map[string]string{"store_id": strconv.FormatInt(storeID, 10), "kid": kid})
	case "revoke-key":
		if err := svc.keys.RevokeKey(ctx, storeID, kid); err != nil {
			return err
		}
		return writeJSON(env.Stdout, map[string]any{"store_id": strconv.FormatInt(storeID, 10), "kid": kid, "revoked": true})
	case "connect-token":
		tok, err := connectToken(ctx, svc.keys, cfg, storeID)
		if err != nil {
			return err
		}
		return writeJSON(env.Stdout, map[string]string{"store_id": strconv.FormatInt(storeID, 10), "connect_token": tok})
	}
	return nil
}

// flagAliases keeps older flag names working.
var flagAliases = map[string]string{"redeem-value-minor": "redeem-value"}

// programFlags binds a flag for every program setting onto p, defaulting
// to p's values: a new setting gets its flag from its setting tag.
func programFlags(fs *flag.FlagSet, p *loyalty.Program) {
	for _, s := range p.Settings() {
		names := []string{s.Flag()}
		if alias, ok := flagAliases[s.Flag()]; ok {
			names = append(names, alias)
		}
		for _, name := range names {
			switch v := s.Value.(type) {
			case *string:
				fs.StringVar(v, name, *v, s.Usage)
			case *int:
				fs.IntVar(v, name, *v, s.Usage)
			case *int64:
				fs.Int64Var(v, name, *v, s.Usage)
			case *bool:
				fs.BoolVar(v, name, *v, s.Usage)
			default:
				panic(fmt.Sprintf("program setting %s has an unsupported type %T", s.Name, s.Value))
			}
		}
	}
}

// programJSON is the program as the API shows it: every setting by name.
func programJSON(p loyalty.Program) map[string]any {
	out := map[string]any{}
	for _, s := range p.Settings() {
		out[s.Name] = s.Value
	}
	return out
}

func connectToken(ctx context.Context, keys *mysql.KeyService, cfg Config, storeID int64) (string, error) {
	secret, err := keys.CreateConnectToken(ctx, storeID, cfg.ConnectTokenTTL)
	if err != nil {
		return "", err
	}
	return auth.ConnectToken{URL: cfg.PublicURL, StoreID: strconv.FormatInt(storeID, 10), Secret: secret}.Encode(), nil
}

// createStore creates the store and a development key pair. It prints the
// private key once; the service keeps only the public key.
func createStore(ctx context.Context, svc *services, cfg Config, env Env, name, url string, p loyalty.Program) error {
	st, err := svc.stores.CreateStore(ctx, name, url, p)
	if err != nil {
		return err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	kid := "dev" + mysql.RandomAlphanumeric(8)
	if err := svc.keys.AddKey(ctx, st.ID, kid, pub); err != nil {
		return err
	}
	tok, err := connectToken(ctx, svc.keys, cfg, st.ID)
	if err != nil {
		return err
	}
	return writeJSON(env.Stdout, map[string]any{
		"store_id":       strconv.FormatInt(st.ID, 10),
		"webhook_secret": st.WebhookSecret,
		"webhook_url":    cfg.PublicURL + "/webhooks/woocommerce/" + strconv.FormatInt(st.ID, 10),
		"kid":            kid,
		"private_key":    base64.StdEncoding.EncodeToString(priv),
		"connect_token":  tok,
		"program":        programJSON(st.Program),
	})
}

func auditCmd(ctx context.Context, cfg Config, env Env) error {
	svc, err := openServices(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer svc.Close()
	vs, err := svc.audit.Audit(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		fmt.Fprintf(env.Stdout, "VIOLATION store=%d check=%s %s\n", v.StoreID, v.Check, v.Detail)
	}
	// The report rollups must equal a recomputation from the orders.
	stores, err := svc.stores.StoreIDs(ctx)
	if err != nil {
		return err
	}
	diffs := 0
	for _, id := range stores {
		ds, err := svc.reports.CheckReports(ctx, id)
		if err != nil {
			return err
		}
		for _, d := range ds {
			fmt.Fprintf(env.Stdout, "VIOLATION store=%d check=report_rollups %s\n", id, d)
		}
		diffs += len(ds)
	}
	if n := len(vs) + diffs; n > 0 {
		return fmt.Errorf("audit found %d violations", n)
	}
	fmt.Fprintln(env.Stdout, "audit ok: every transaction sums to zero, every balance equals its entries, and the report rollups equal the orders")
	return nil
}

// reportsCmd rebuilds or checks a store's report rollups from its orders.
func reportsCmd(ctx context.Context, cfg Config, env Env, args []string) error {
	if len(args) == 0 || (args[0] != "rebuild" && args[0] != "check") {
		return fmt.Errorf("usage: vafa reports rebuild|check --store ID")
	}
	fs := flag.NewFlagSet("reports "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	store := fs.Int64("store", 0, "store id")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *store <= 0 {
		return errors.New("--store is required")
	}
	svc, err := openServices(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer svc.Close()
	if args[0] == "rebuild" {
		n, err := svc.reports.RebuildReports(ctx, *store)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "report rollups rebuilt: %d customers\n", n)
		return nil
	}
	ds, err := svc.reports.CheckReports(ctx, *store)
	if err != nil {
		return err
	}
	for _, d := range ds {
		fmt.Fprintln(env.Stdout, "DIFFERENCE", d)
	}
	if len(ds) > 0 {
		return fmt.Errorf("%d differences between the rollups and the orders", len(ds))
	}
	fmt.Fprintln(env.Stdout, "report rollups equal the orders")
	return nil
}

// tokenCmd mints a token the way the plugin does, for development and curl.
func tokenCmd(env Env, args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	store := fs.Int64("store", 0, "store id")
	sub := fs.String("sub", "", "customer id (shopper) or user id (admin)")
	scope := fs.String("scope", auth.ScopeShopper, "shopper or admin")
	kid := fs.String("kid", env.Getenv("VAFA_DEV_KID"), "key id")
	key := fs.String("key", env.Getenv("VAFA_DEV_PRIVATE_KEY"), "base64 Ed25519 private key (64 bytes)")
	ttl := fs.Duration("ttl", 5*time.Minute, "lifetime (at most 15m)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(*key)
	if err != nil || len(raw) != ed25519.PrivateKeySize {
		return errors.New("--key must be the base64 64-byte private key printed by 'store create'")
	}
	if *store <= 0 || *sub == "" || *kid == "" {
		return errors.New("--store, --sub and --kid are required")
	}
	tok, err := auth.Mint(ed25519.PrivateKey(raw), *kid, *store, *sub, *scope, time.Now(), *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, tok)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// healthcheck asks the local service's /healthz (for container healthchecks,
// where no curl exists).
func healthcheck(ctx context.Context, cfg Config) error {
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return fmt.Errorf("VAFA_ADDR: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: status %d", res.StatusCode)
	}
	return nil
}
