// Command bench measures Vafa against raw baselines taken in the same run on
// the same machine: durable MariaDB INSERTs and INSERT+UPDATE transactions,
// and a bare Gin JSON handler. It prints ratios (make bench) and writes JSON.
//
//	go run ./bench [-quick] [-orders 100000] [-concurrency 32] [-duration 10s]
package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-sql-driver/mysql"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

type config struct {
	orders          int
	concurrency     int
	duration        time.Duration
	workers         int
	inflate         int
	out             string
	serveGin        string
	compare         string // a git revision whose webhook-to-ledger rate is measured beside this tree's
	compareOnly     bool   // measure only the comparison
	reportsOnly     bool   // measure only the reports at scale
	reportOrders    int    // orders of the store the reports are timed on
	redemptionsOnly bool   // measure only the raw baselines and redemptions
}

type result struct {
	Metric   string  `json:"metric"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Baseline string  `json:"baseline,omitempty"`
	Ratio    float64 `json:"ratio,omitempty"`
	Target   string  `json:"target,omitempty"`
	Pass     *bool   `json:"pass,omitempty"`
}

func main() {
	var c config
	quick := flag.Bool("quick", false, "small run for smoke testing (about a minute)")
	flag.IntVar(&c.orders, "orders", 100000, "orders for the webhook-to-ledger run")
	flag.IntVar(&c.concurrency, "concurrency", 32, "concurrent clients for every measurement")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "length of each rate measurement")
	flag.IntVar(&c.workers, "workers", 4, "VAFA_WORKERS for the service")
	flag.IntVar(&c.inflate, "inflate", 2_000_000, "extra ledger entries added before the second balance-read run")
	flag.StringVar(&c.out, "out", "bench/results/latest.json", "where to write the results as JSON")
	flag.StringVar(&c.serveGin, "serve-gin", "", "internal: serve the bare Gin baseline on this address")
	flag.StringVar(&c.compare, "compare", "", "also measure webhook to ledger for this git revision and this tree, each on a fresh database, in this run")
	flag.BoolVar(&c.compareOnly, "compare-only", false, "with -compare: measure only the comparison")
	flag.BoolVar(&c.reportsOnly, "reports-only", false, "measure only the reports at scale (-report-orders)")
	flag.BoolVar(&c.redemptionsOnly, "redemptions-only", false, "measure only the raw baselines and redemptions (after -orders orders)")
	flag.IntVar(&c.reportOrders, "report-orders", 1_000_000, "orders (of a fifth as many customers) of the store the reports are timed on, seeded through webhooks")
	flag.Parse()
	if c.serveGin != "" {
		serveBareGin(c.serveGin)
		return
	}
	if *quick {
		c.orders, c.duration, c.inflate = 5000, 3*time.Second, 0
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }

func serverDSN() (*mysql.Config, error) {
	dsn := os.Getenv("VAFA_BENCH_DSN")
	if dsn == "" {
		dsn = os.Getenv("MYSQL_TEST_DSN")
	}
	if dsn == "" {
		dsn = "root@tcp(127.0.0.1:3306)/"
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("bench DSN: %w", err)
	}
	cfg.InterpolateParams = true
	cfg.ParseTime = true
	return cfg, nil
}

func randName(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func run(c config) error {
	ctx := context.Background()
	base, err := serverDSN()
	if err != nil {
		return err
	}
	admin, err := sql.Open("mysql", base.FormatDSN())
	if err != nil {
		return err
	}
	defer admin.Close()
	var version string
	if err := admin.QueryRow("SELECT VERSION()").Scan(&version); err != nil {
		return fmt.Errorf("no MariaDB at %s: %w", base.Addr, err)
	}
	logf("MariaDB %s at %s, %d cores, %s, concurrency %d", version, base.Addr, runtime.NumCPU(), runtime.Version(), c.concurrency)

	var results []result
	add := func(r result) {
		results = append(results, r)
		logf("%-40s %12.0f %s", r.Metric, r.Value, r.Unit)
	}

	if c.reportsOnly {
		bin, cleanup, err := buildService("")
		if err != nil {
			return err
		}
		defer cleanup()
		rs, err := reportsAtScale(ctx, admin, base, c, bin)
		if err != nil {
			return err
		}
		for _, r := range rs {
			add(r)
		}
		printTable(results, version, c)
		return nil
	}
	if c.compareOnly && c.compare != "" {
		bin, cleanup, err := buildService("")
		if err != nil {
			return err
		}
		defer cleanup()
		rs, err := compareLedger(ctx, admin, base, c, bin)
		if err != nil {
			return err
		}
		for _, r := range rs {
			add(r)
		}
		printTable(results, version, c)
		return nil
	}

	if c.redemptionsOnly {
		return redemptionsOnly(ctx, admin, base, c, add, func() { printTable(results, version, c) })
	}

	// Baselines.
	rawIns, rawTx, rawLat, err := rawBaselines(ctx, admin, base, c)
	if err != nil {
		return err
	}
	add(result{Metric: "raw MariaDB durable INSERT", Value: rawIns, Unit: "commits/s"})
	add(result{Metric: "raw MariaDB INSERT+UPDATE transaction", Value: rawTx, Unit: "tx/s"})
	// The floor under every latency target below: a bare transaction's own
	// tail at the same concurrency on the same machine.
	add(latency("raw INSERT+UPDATE tx p50", percentile(rawLat, 50), 0))
	add(latency("raw INSERT+UPDATE tx p99", percentile(rawLat, 99), 0))
	ginRate, _, _, err := bareGin(c)
	if err != nil {
		return err
	}
	add(result{Metric: "bare Gin JSON handler", Value: ginRate, Unit: "req/s"})

	// The service, as a subprocess on a fresh database.
	svc, bin, stop, err := freshService(ctx, admin, base, c)
	if err != nil {
		return err
	}
	defer stop()

	// Accept alone: the same binary with VAFA_WORKERS=0, as an ingest-only
	// node runs; then the full service drains what it stored.
	if err := svc.restart(0); err != nil {
		return err
	}
	acc, err := acceptRate(svc, c)
	if err != nil {
		return err
	}
	add(ratio(result{Metric: "webhook accept (verify + durable insert + 2xx)", Value: acc, Unit: "req/s", Target: ">= 0.6"}, rawIns, "raw INSERT", 0.6))
	if err := svc.restart(c.workers); err != nil {
		return err
	}
	if err := svc.drain(10 * time.Minute); err != nil {
		return err
	}

	ledger, check, err := webhookToLedger(svc, c)
	if err != nil {
		return err
	}
	add(ratio(result{Metric: fmt.Sprintf("webhook to ledger (%d orders)", c.orders), Value: ledger, Unit: "orders/s", Target: ">= 0.4"}, rawTx, "raw INSERT+UPDATE tx", 0.4))
	logf("ledger check: %s", check)
	rs, err := reportLatencies(svc, svc.count("SELECT COUNT(*) FROM orders"), svc.count("SELECT COUNT(*) FROM report_customers"), "")
	if err != nil {
		return err
	}
	for _, r := range rs {
		add(r)
	}

	entries := svc.count("SELECT COUNT(*) FROM ledger_entries")
	me, p50, p99, err := balanceReads(svc, c, "/v1/me")
	if err != nil {
		return err
	}
	add(ratio(result{Metric: fmt.Sprintf("GET /v1/me at %d ledger entries", entries), Value: me, Unit: "req/s", Target: ">= 0.25"}, ginRate, "bare Gin", 0.25))
	add(latency(fmt.Sprintf("GET /v1/me p50 at %d entries", entries), p50, 0))
	add(latency(fmt.Sprintf("GET /v1/me p99 at %d entries", entries), p99, 10))
	// The storefront's one call: balance, activity, rewards, issued rewards
	// and referral summary, read side by side.
	sum, p50, p99, err := balanceReads(svc, c, storefrontSummary)
	if err != nil {
		return err
	}
	summary := ratio(result{Metric: "GET " + storefrontSummary, Value: sum, Unit: "req/s"}, ginRate, "bare Gin", 0)
	summary.Pass = nil // no target: it is measured for the storefront's cold page view
	add(summary)
	add(latency("GET /v1/me storefront summary p50", p50, 0))
	add(latency("GET /v1/me storefront summary p99", p99, 0))

	if err := measureRedemptions(svc, c, rawTx, add); err != nil {
		return err
	}

	if c.inflate > 0 {
		if err := svc.inflate(c.inflate); err != nil {
			return err
		}
		entries = svc.count("SELECT COUNT(*) FROM ledger_entries")
		me2, p50b, p99b, err := balanceReads(svc, c, "/v1/me")
		if err != nil {
			return err
		}
		add(ratio(result{Metric: fmt.Sprintf("GET /v1/me at %d ledger entries", entries), Value: me2, Unit: "req/s", Target: ">= 0.25"}, ginRate, "bare Gin", 0.25))
		add(latency(fmt.Sprintf("GET /v1/me p50 at %d entries", entries), p50b, 0))
		add(latency(fmt.Sprintf("GET /v1/me p99 at %d entries", entries), p99b, 10))
	}

	if out, err := svc.cli("audit"); err != nil {
		return fmt.Errorf("audit after the run failed: %v\n%s", err, out)
	}
	logf("audit ok")

	// Tiers: the same stream with 3 tiers active against none, each on a
	// fresh database, in one run.
	svc.stop()
	lotsTotal, lotsDue, lotRate, err := expiryRate(ctx, admin, base, c, bin)
	if err != nil {
		return err
	}
	add(result{Metric: fmt.Sprintf("expiry job: %d due lots among %d", lotsDue, lotsTotal), Value: lotRate, Unit: "lots/s"})
	if c.orders >= 100_000 { // not with -quick: seeding a million orders takes minutes
		rs, err := reportsAtScale(ctx, admin, base, c, bin)
		if err != nil {
			return err
		}
		for _, r := range rs {
			add(r)
		}
	}
	campaignCustomers, grantRate, err := campaignRate(ctx, admin, base, c, bin)
	if err != nil {
		return err
	}
	add(ratio(result{Metric: fmt.Sprintf("surprise campaign grants (%d customers, each once)", campaignCustomers), Value: grantRate, Unit: "grants/s"},
		rawTx, "raw INSERT+UPDATE tx", 0))
	plain, tiered, err := tiersLedger(ctx, admin, base, c, bin)
	if err != nil {
		return err
	}
	add(result{Metric: fmt.Sprintf("webhook to ledger, no tiers or rules (%d orders, fresh db, mean of 2)", c.orders/4), Value: plain, Unit: "orders/s"})
	add(ratio(result{Metric: fmt.Sprintf("webhook to ledger, 3 tiers and 20 earning rules (%d orders, fresh db, mean of 2)", c.orders/4), Value: tiered, Unit: "orders/s",
		Target: ">= 0.8"}, plain, "none", 0.8))

	if c.compare != "" {
		// Before and after a change, in one run on one machine: each binary
		// gets a fresh database and the same stream of orders.
		svc.stop()
		rs, err := compareLedger(ctx, admin, base, c, bin)
		if err != nil {
			return err
		}
		for _, r := range rs {
			add(r)
		}
	}

	// The plugin's cost on real storefront pages (a throwaway WordPress;
	// skipped when PHP and WordPress are not installed).
	sf, err := storefront(c)
	if err != nil {
		return err
	}
	for _, r := range sf {
		add(r)
	}

	printTable(results, version, c)
	if err := os.MkdirAll(filepath.Dir(c.out), 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(map[string]any{
		"when": time.Now().UTC().Format(time.RFC3339), "cores": runtime.NumCPU(), "go": runtime.Version(),
		"mariadb": version, "concurrency": c.concurrency, "workers": c.workers, "ledger_check": check, "results": results,
	}, "", "  ")
	return os.WriteFile(c.out, append(b, '\n'), 0o644)
}

func ratio(r result, baseline float64, name string, target float64) result {
	r.Baseline = fmt.Sprintf("%s %.0f", name, baseline)
	if baseline > 0 {
		r.Ratio = r.Value / baseline
	}
	pass := r.Ratio >= target
	r.Pass = &pass
	return r
}

func latency(metric string, d time.Duration, limitMs float64) result {
	r := result{Metric: metric, Value: float64(d.Microseconds()) / 1000, Unit: "ms"}
	if limitMs > 0 {
		r.Target = fmt.Sprintf("< %.0f ms", limitMs)
		pass := r.Value < limitMs
		r.Pass = &pass
	}
	return r
}

func printTable(rs []result, version string, c config) {
	fmt.Printf("\nVafa benchmark: %d cores, %s, MariaDB %s, concurrency %d, %d workers\n\n", runtime.NumCPU(), runtime.Version(), version, c.concurrency, c.workers)
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "metric\tvalue\tbaseline\tratio\ttarget\tresult")
	for _, r := range rs {
		ratio, pass := "", ""
		if r.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f", r.Ratio)
		}
		if r.Pass != nil {
			pass = map[bool]string{true: "PASS", false: "MISS"}[*r.Pass]
		}
		fmt.Fprintf(w, "%s\t%.1f %s\t%s\t%s\t%s\t%s\n", r.Metric, r.Value, r.Unit, r.Baseline, ratio, r.Target, pass)
	}
	w.Flush()
	fmt.Println()
}

// hammer runs fn from c.concurrency goroutines until the duration passes and
// returns successful calls per second.
func hammer(conc int, d time.Duration, fn func(worker, i int) bool) float64 {
	var ok atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	stop := start.Add(d)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				if fn(w, i) {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(ok.Load()) / time.Since(start).Seconds()
}

func rawBaselines(ctx context.Context, admin *sql.DB, base *mysql.Config, c config) (float64, float64, []time.Duration, error) {
	name := randName("vafa_bench_raw_")
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return 0, 0, nil, err
	}
	defer admin.Exec("DROP DATABASE IF EXISTS " + name)
	cfg := base.Clone()
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return 0, 0, nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(c.concurrency)
	db.SetMaxIdleConns(c.concurrency)
	for _, q := range []string{
		"CREATE TABLE ins (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, store_id BIGINT NOT NULL, received_at DATETIME(6) NOT NULL, body MEDIUMBLOB NOT NULL) ENGINE=InnoDB",
		"CREATE TABLE bal (id BIGINT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB",
		"INSERT INTO bal SELECT seq, 0 FROM seq_1_to_10000",
	} {
		if _, err := db.Exec(q); err != nil {
			return 0, 0, nil, fmt.Errorf("baseline setup: %w", err)
		}
	}
	body := orderBody(1, 1)
	ins := hammer(c.concurrency, c.duration, func(_, _ int) bool {
		_, err := db.Exec("INSERT INTO ins (store_id, received_at, body) VALUES (?, NOW(6), ?)", 1, body)
		return err == nil
	})
	lat := make([][]time.Duration, c.concurrency)
	tx := hammer(c.concurrency, c.duration, func(w, i int) bool {
		t0 := time.Now()
		defer func() { lat[w] = append(lat[w], time.Since(t0)) }()
		t, err := db.Begin()
		if err != nil {
			return false
		}
		defer t.Rollback()
		if _, err := t.Exec("INSERT INTO ins (store_id, received_at, body) VALUES (?, NOW(6), ?)", 1, body[:200]); err != nil {
			return false
		}
		// Spread over rows: one row per worker stripe, never a single hot row.
		if _, err := t.Exec("UPDATE bal SET v = v + 1 WHERE id = ?", 1+(w*7919+i)%10000); err != nil {
			return false
		}
		return t.Commit() == nil
	})
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return ins, tx, all, nil
}

// percentile of sorted durations; 0 for none.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[len(sorted)*p/100]
}

func serveBareGin(addr string) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/ping", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok", "available": 45}) })
	if err := http.ListenAndServe(addr, r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func newClient(conc int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2}}
}

func waitHTTP(url string) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer in 60s", url)
}

// bareGin runs the baseline Gin handler in its own process, like the service.
func bareGin(c config) (float64, time.Duration, time.Duration, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, 0, err
	}
	addr := freeAddr()
	cmd := exec.Command(self, "-serve-gin", addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if err := waitHTTP("http://" + addr + "/ping"); err != nil {
		return 0, 0, 0, err
	}
	client := newClient(c.concurrency)
	rate := hammer(c.concurrency, c.duration, func(_, _ int) bool {
		res, err := client.Get("http://" + addr + "/ping")
		if err != nil {
			return false
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode == 200
	})
	return rate, 0, 0, nil
}

type service struct {
	bin    string
	env    []string
	base   string
	cmd    *exec.Cmd
	db     *sql.DB
	admin  *sql.DB
	dbName string
	store  struct {
		StoreID       string `json:"store_id"`
		WebhookSecret string `json:"webhook_secret"`
		Kid           string `json:"kid"`
		PrivateKey    string `json:"private_key"`
	}
	client *http.Client
	nextID atomic.Int64
}

// buildService builds the service from this tree (rev "") or from a git
// revision checked out in a temporary worktree, and returns the binary.
func buildService(rev string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "vafa-bench")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	bin := filepath.Join(dir, "vafa")
	src := "."
	if rev != "" {
		src = filepath.Join(dir, "src")
		if out, err := exec.Command("git", "worktree", "add", "--detach", src, rev).CombinedOutput(); err != nil {
			cleanup()
			return "", nil, fmt.Errorf("checkout %s: %v\n%s", rev, err, out)
		}
		cleanup = func() {
			exec.Command("git", "worktree", "remove", "--force", src).Run()
			os.RemoveAll(dir)
		}
	}
	logf("building the service (%s)", map[bool]string{true: "this tree", false: rev}[rev == ""])
	build := exec.Command("go", "build", "-o", bin, "./server")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("build: %v\n%s", err, out)
	}
	return bin, cleanup, nil
}

// compareLedger measures webhook to ledger for the revision c.compare and
// for this tree's binary, each on a fresh database, and reports both with
// this tree's rate as a ratio of the revision's.
// tiersLedger measures webhook to ledger for a quarter of the orders on a
// store without tiers and on one with three (Bronze for everyone, Silver
// by spend in a rolling year, Gold by lifetime points), runs ordered A, B,
// B, A. The tiers multiply by 1, so the ledger check's 45 points per order
// still holds while every order is weighed for a tier.
func tiersLedger(ctx context.Context, admin *sql.DB, base *mysql.Config, c config, bin string) (float64, float64, error) {
	cc := c
	cc.orders = max(c.orders/4, 1000)
	rate := func(withTiers bool) (float64, error) {
		s, err := startService(ctx, admin, base, cc, bin)
		if err != nil {
			return 0, err
		}
		defer s.stop()
		if withTiers {
			if err := s.createTiers(); err != nil {
				return 0, err
			}
		}
		r, check, err := webhookToLedger(s, cc)
		if err == nil {
			logf("ledger check (tiers %v): %s", withTiers, check)
		}
		return r, err
	}
	var plain, tiered float64
	for i, withTiers := range []bool{false, true, true, false} {
		r, err := rate(withTiers)
		if err != nil {
			return 0, 0, fmt.Errorf("webhook to ledger with tiers %v, run %d: %w", withTiers, i+1, err)
		}
		logf("webhook to ledger run %d (tiers %v): %.0f orders/s", i+1, withTiers, r)
		if withTiers {
			tiered += r / 2
		} else {
			plain += r / 2
		}
		time.Sleep(5 * time.Second) // let the dropped database's purge settle
	}
	return plain, tiered, nil
}

// expiryRate measures the expiry job: a fresh store holds lotsTotal lots
// (made in SQL with their customers, transactions and entries, so audit
// holds), a fifth of its customers' lots old enough to lapse; expiry is
// switched on and the service's job (every 20 ms, 1,000 customers a round)
// runs until none is due. Every due lot must lapse once, and audit pass.
func expiryRate(ctx context.Context, admin *sql.DB, base *mysql.Config, c config, bin string) (int, int, float64, error) {
	customers := 100_000
	if c.orders < 100_000 { // -quick
		customers = 5_000
	}
	const perCustomer = 10
	total, due := customers*perCustomer, customers/5*perCustomer
	s, err := startService(ctx, admin, base, c, bin)
	if err != nil {
		return 0, 0, 0, err
	}
	defer s.stop()
	logf("expiry: making %d lots for %d customers", total, customers)
	store := s.store.StoreID
	const cust, txID = 10_000_000, 20_000_000
	seq := fmt.Sprintf("seq_1_to_%d", total)
	old := fmt.Sprintf("((seq-1) DIV %d) < %d", perCustomer, customers/5) // the first fifth of the customers
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO customers (id, store_id, wc_customer_id, available, pending, held, lifetime, created_at, updated_at)
			SELECT %d+seq, %s, 5000000+seq, %d, 0, 0, %d, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_1_to_%d`, cust, store, 10*perCustomer, 10*perCustomer, customers),
		fmt.Sprintf(`INSERT INTO ledger_transactions (id, store_id, idempotency_key, input_hash, kind, customer_pk, reason, actor, created_at)
			SELECT %d+seq, %s, CONCAT('bench:lot:', seq), UNHEX(SHA2(seq, 256)), 'adjustment', %d+(seq-1) DIV %d+1, 'bench', 'bench',
			IF(%s, UTC_TIMESTAMP(6) - INTERVAL 2 YEAR, UTC_TIMESTAMP(6) - INTERVAL 1 DAY) FROM %s`, txID, store, cust, perCustomer, old, seq),
		fmt.Sprintf(`INSERT INTO ledger_entries (store_id, transaction_id, account, customer_pk, amount)
			SELECT %s, %d+seq, 'available', %d+(seq-1) DIV %d+1, 10 FROM %s`, store, txID, cust, perCustomer, seq),
		fmt.Sprintf(`INSERT INTO ledger_entries (store_id, transaction_id, account, customer_pk, amount)
			SELECT %s, %d+seq, 'adjusted', NULL, -10 FROM %s`, store, txID, seq),
		fmt.Sprintf(`INSERT INTO lots (store_id, customer_pk, earned_at, amount)
			SELECT %s, %d+(seq-1) DIV %d+1, IF(%s, UTC_TIMESTAMP(6) - INTERVAL 2 YEAR, UTC_TIMESTAMP(6) - INTERVAL 1 DAY), 10 FROM %s ORDER BY seq`,
			store, cust, perCustomer, old, seq),
		`ANALYZE TABLE lots, customers, ledger_transactions, ledger_entries`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return 0, 0, 0, fmt.Errorf("expiry setup: %w", err)
		}
	}
	s.env = append(s.env, "VAFA_MATURE_INTERVAL=20ms")
	if err := s.restart(c.workers); err != nil {
		return 0, 0, 0, err
	}
	logf("expiry: %d lots due; expire_months=12", due)
	start := time.Now()
	if _, err := s.db.ExecContext(ctx, `UPDATE programs SET expire_months=12 WHERE store_id=?`, store); err != nil {
		return 0, 0, 0, err
	}
	deadline := start.Add(15 * time.Minute)
	for {
		if n := s.count("SELECT COUNT(*) FROM lots WHERE settled=0 AND earned_at < UTC_TIMESTAMP(6) - INTERVAL 1 YEAR"); n == 0 {
			break
		}
		if time.Now().After(deadline) {
			return 0, 0, 0, fmt.Errorf("expiry job did not finish in 15 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	if n := s.count("SELECT COUNT(*) FROM ledger_transactions WHERE kind='points_expire'"); n != int64(due) {
		return 0, 0, 0, fmt.Errorf("%d lapses for %d due lots", n, due)
	}
	if out, err := s.cli("audit"); err != nil {
		return 0, 0, 0, fmt.Errorf("audit after expiry failed: %v\n%s", err, out)
	}
	return total, due, float64(due) / elapsed.Seconds(), nil
}

// campaignRate measures a surprise campaign: a fresh store with customers
// made in SQL, one POST /v1/admin/campaigns, and the service's campaign job
// (every 20 ms, 500 customers a transaction) until the campaign is done.
// Every customer must hold the points once, and audit pass.
func campaignRate(ctx context.Context, admin *sql.DB, base *mysql.Config, c config, bin string) (int, float64, error) {
	customers := 100_000
	if c.orders < 100_000 { // -quick
		customers = 5_000
	}
	s, err := startService(ctx, admin, base, c, bin)
	if err != nil {
		return 0, 0, err
	}
	defer s.stop()
	store := s.store.StoreID
	logf("campaign: making %d customers", customers)
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO customers (store_id, wc_customer_id, email, created_at, updated_at)
		SELECT %s, seq, CONCAT('c', seq, '@example.com'), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_1_to_%d`, store, customers)); err != nil {
		return 0, 0, fmt.Errorf("campaign setup: %w", err)
	}
	s.env = append(s.env, "VAFA_DELIVER_INTERVAL=20ms")
	if err := s.restart(c.workers); err != nil {
		return 0, 0, err
	}
	raw, err := base64.StdEncoding.DecodeString(s.store.PrivateKey)
	if err != nil {
		return 0, 0, err
	}
	storeID, _ := strconv.ParseInt(store, 10, 64)
	tok, err := auth.Mint(ed25519.PrivateKey(raw), s.store.Kid, storeID, "1", auth.ScopeAdmin, time.Now(), 10*time.Minute)
	if err != nil {
		return 0, 0, err
	}
	req, _ := http.NewRequest("POST", s.base+"/v1/admin/campaigns", bytes.NewReader([]byte(`{"key":"bench","points":10,"message":"bench"}`)))
	req.Header.Set("Authorization", "Bearer "+tok)
	start := time.Now()
	res, err := s.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return 0, 0, fmt.Errorf("create campaign: status %d %s", res.StatusCode, body)
	}
	deadline := start.Add(15 * time.Minute)
	for s.count("SELECT COUNT(*) FROM campaigns WHERE state='done'") == 0 {
		if time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("campaign did not finish in 15 minutes")
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	if n := s.count("SELECT COUNT(DISTINCT customer_pk) FROM ledger_transactions WHERE kind='campaign_bonus'"); n != int64(customers) {
		return 0, 0, fmt.Errorf("%d customers granted of %d", n, customers)
	}
	if n := s.count("SELECT COUNT(*) FROM customers WHERE available=10"); n != int64(customers) {
		return 0, 0, fmt.Errorf("%d customers hold the points of %d", n, customers)
	}
	if out, err := s.cli("audit"); err != nil {
		return 0, 0, fmt.Errorf("audit after the campaign failed: %v\n%s", err, out)
	}
	return customers, float64(customers) / elapsed.Seconds(), nil
}

// storefront runs scripts/storefront-bench.sh and reads its results: one
// JSON object per line (metric, value, unit, target "< N ms" or "<= N").
func storefront(c config) ([]result, error) {
	cmd := exec.Command("bash", "scripts/storefront-bench.sh")
	cmd.Stderr = os.Stderr
	if c.orders < 100_000 { // -quick
		cmd.Env = append(os.Environ(), "VAFA_BENCH_REPS=8")
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("storefront bench: %w", err)
	}
	var rs []result
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		var r struct {
			Metric, Unit, Target string
			Value                float64
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("storefront bench output %q: %w", line, err)
		}
		res := result{Metric: r.Metric, Value: r.Value, Unit: r.Unit, Target: r.Target}
		var limit float64
		switch {
		case strings.HasPrefix(r.Target, "< "):
			fmt.Sscanf(r.Target, "< %f", &limit)
			pass := r.Value < limit
			res.Pass = &pass
		case strings.HasPrefix(r.Target, "<= "):
			fmt.Sscanf(r.Target, "<= %f", &limit)
			pass := r.Value <= limit
			res.Pass = &pass
		}
		rs = append(rs, res)
	}
	return rs, nil
}

// reportsAtScale times the reports of a store with c.reportOrders orders
// (1,000,000) of a fifth as many customers (200,000) over about two years,
// seeded through signed webhooks and the service's own reconciliation.
func reportsAtScale(ctx context.Context, admin *sql.DB, base *mysql.Config, c config, bin string) ([]result, error) {
	orders := int64(c.reportOrders)
	customers := max(orders/5, 1)
	s, err := startService(ctx, admin, base, c, bin)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	if err := seedHistory(s, c, orders, customers); err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE TABLE customers, report_customer_days, report_customers, order_products, report_product_months, report_points_days`); err != nil {
		return nil, err
	}
	return reportLatencies(s, orders, customers, ", seeded through webhooks")
}

// reportLatencies times each report endpoint, 50 requests one after
// another, on the rollups the webhook-to-ledger run left (its orders and
// customers, posted by the service itself).
func reportLatencies(s *service, orders, customers int64, note string) ([]result, error) {
	raw, err := base64.StdEncoding.DecodeString(s.store.PrivateKey)
	if err != nil {
		return nil, err
	}
	storeID, _ := strconv.ParseInt(s.store.StoreID, 10, 64)
	admin, err := auth.Mint(ed25519.PrivateKey(raw), s.store.Kid, storeID, "1", auth.ScopeAdmin, time.Now(), 10*time.Minute)
	if err != nil {
		return nil, err
	}
	var out []result
	// The last twelve months, as the dashboard opens.
	today := time.Now().UTC()
	year := "from=" + today.AddDate(0, 0, -364).Format(time.DateOnly) + "&to=" + today.Format(time.DateOnly)
	for _, r := range []struct{ name, path string }{
		{"summary", "/v1/admin/reports/summary?" + year},
		// Cohorts as the dashboard asks: ten years, every cohort there is.
		{"cohorts", "/v1/admin/reports/cohorts?from=" + today.AddDate(-10, 0, 0).Format(time.DateOnly) + "&to=" + today.Format(time.DateOnly)},
		{"churn", "/v1/admin/reports/churn?state=lapsed"},
		{"rfm", "/v1/admin/reports/rfm?segment=champions"},
		{"points", "/v1/admin/reports/points?" + year},
		{"products", "/v1/admin/reports/products?" + year},
		{"value", "/v1/admin/reports/value"},
	} {
		var lat []time.Duration
		for i := 0; i < 50; i++ {
			req, _ := http.NewRequest("GET", s.base+r.path, nil)
			req.Header.Set("Authorization", "Bearer "+admin)
			t0 := time.Now()
			res, err := s.client.Do(req)
			if err != nil {
				return nil, err
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("report %s: status %d", r.name, res.StatusCode)
			}
			lat = append(lat, time.Since(t0))
			if i == 0 {
				if err := reportHasFigures(r.name, body); err != nil {
					return nil, err
				}
			}
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		out = append(out, latency(fmt.Sprintf("report %s p50 (%d orders, %d customers%s)", r.name, orders, customers, note), percentile(lat, 50), 0),
			latency(fmt.Sprintf("report %s p95 (%d orders, %d customers%s)", r.name, orders, customers, note), percentile(lat, 95), 300))
	}
	return out, nil
}

// createTiers adds three tiers and 20 earning rules to the service's store
// through the admin API.
func (s *service) createTiers() error {
	raw, err := base64.StdEncoding.DecodeString(s.store.PrivateKey)
	if err != nil {
		return err
	}
	storeID, _ := strconv.ParseInt(s.store.StoreID, 10, 64)
	admin, err := auth.Mint(ed25519.PrivateKey(raw), s.store.Kid, storeID, "1", auth.ScopeAdmin, time.Now(), 10*time.Minute)
	if err != nil {
		return err
	}
	type call struct{ path, body string }
	calls := []call{
		{"/v1/admin/tiers", `{"name":"Bronze","threshold":0}`},
		{"/v1/admin/tiers", `{"name":"Silver","threshold":10000,"window_days":365,"perks":{"free_shipping":true}}`},
		{"/v1/admin/tiers", `{"name":"Gold","threshold_kind":"points","threshold":500}`},
		// The bench's product (15) earns 1x by its own rule, so the check's 45 points hold.
		{"/v1/admin/earning-rules", `{"on":"product","target_id":"15","multiplier":"1"}`},
	}
	for i := 0; i < 19; i++ {
		switch i % 3 {
		case 0:
			calls = append(calls, call{"/v1/admin/earning-rules", fmt.Sprintf(`{"on":"category","target_id":"%d","multiplier":"1.5"}`, 100+i)})
		case 1:
			calls = append(calls, call{"/v1/admin/earning-rules", fmt.Sprintf(`{"on":"product","target_id":"%d","action":"exclude"}`, 1000+i)})
		default:
			calls = append(calls, call{"/v1/admin/earning-rules", fmt.Sprintf(`{"on":"category","target_id":"%d","action":"fixed","points":5}`, 100+i)})
		}
	}
	for _, c := range calls {
		req, _ := http.NewRequest("POST", s.base+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/json")
		res, err := s.client.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST %s %s: status %d", c.path, c.body, res.StatusCode)
		}
	}
	return nil
}

func compareLedger(ctx context.Context, admin *sql.DB, base *mysql.Config, c config, current string) ([]result, error) {
	old, cleanup, err := buildService(c.compare)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	rate := func(bin string) (float64, error) {
		s, err := startService(ctx, admin, base, c, bin)
		if err != nil {
			return 0, err
		}
		defer s.stop()
		r, check, err := webhookToLedger(s, c)
		if err == nil {
			logf("ledger check (%s): %s", filepath.Base(filepath.Dir(bin)), check)
		}
		return r, err
	}
	// A, B, B, A: each binary runs once first and once after the other, so
	// neither gains from the order (a dropped database's background purge,
	// a warmer cache); the figure is each binary's mean.
	var before, after float64
	for i, bin := range []string{old, current, current, old} {
		r, err := rate(bin)
		if err != nil {
			return nil, fmt.Errorf("webhook to ledger, run %d: %w", i+1, err)
		}
		logf("webhook to ledger run %d (%s): %.0f orders/s", i+1, map[bool]string{true: c.compare, false: "this tree"}[bin == old], r)
		if bin == old {
			before += r / 2
		} else {
			after += r / 2
		}
		time.Sleep(5 * time.Second) // let the dropped database's purge settle
	}
	return []result{
		{Metric: fmt.Sprintf("webhook to ledger at %s (%d orders, fresh db, mean of 2)", c.compare, c.orders), Value: before, Unit: "orders/s"},
		ratio(result{Metric: fmt.Sprintf("webhook to ledger, this tree (%d orders, fresh db, mean of 2)", c.orders), Value: after, Unit: "orders/s", Target: ">= 0.95"},
			before, c.compare, 0.95),
	}, nil
}

// freshService builds this tree's service and starts it on a fresh
// database; stop ends it and removes the binary.
func freshService(ctx context.Context, admin *sql.DB, base *mysql.Config, c config) (*service, string, func(), error) {
	bin, cleanup, err := buildService("")
	if err != nil {
		return nil, "", nil, err
	}
	svc, err := startService(ctx, admin, base, c, bin)
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return svc, bin, func() { svc.stop(); cleanup() }, nil
}

func startService(ctx context.Context, admin *sql.DB, base *mysql.Config, c config, bin string) (*service, error) {
	s := &service{bin: bin, admin: admin, dbName: randName("vafa_bench_svc_"), client: newClient(c.concurrency)}
	cfg := base.Clone()
	cfg.DBName = s.dbName
	cfg.InterpolateParams = false
	addr := freeAddr()
	s.base = "http://" + addr
	s.env = append(os.Environ(), "VAFA_MYSQL_DSN="+cfg.FormatDSN(), "VAFA_ADDR="+addr,
		"VAFA_WORKERS="+strconv.Itoa(c.workers), "VAFA_LOG_LEVEL=warn")
	out, err := s.cli("store", "create", "--name", "Bench", "--url", "https://bench.example/")
	if err != nil {
		return nil, fmt.Errorf("store create: %v\n%s", err, out)
	}
	if err := json.Unmarshal(out, &s.store); err != nil {
		return nil, fmt.Errorf("store create output: %w", err)
	}
	if err := s.start(c.workers); err != nil {
		return nil, err
	}
	cfg.InterpolateParams = true
	if s.db, err = sql.Open("mysql", cfg.FormatDSN()); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *service) start(workers int) error {
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env = append(append([]string(nil), s.env...), "VAFA_WORKERS="+strconv.Itoa(workers))
	s.cmd.Stderr = os.Stderr
	if err := s.cmd.Start(); err != nil {
		return err
	}
	return waitHTTP(s.base + "/readyz")
}

// restart stops the service gracefully and starts it with another worker count.
func (s *service) restart(workers int) error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	return s.start(workers)
}

func (s *service) cli(args ...string) ([]byte, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.env
	return cmd.CombinedOutput()
}

// stop ends the service and drops its database; a second call does nothing.
func (s *service) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		s.cmd.Wait()
		s.cmd = nil
	}
	if s.db != nil {
		s.db.Close()
		s.db = nil
		s.admin.Exec("DROP DATABASE IF EXISTS " + s.dbName)
	}
}

func (s *service) count(q string) int64 {
	var n int64
	s.db.QueryRow(q).Scan(&n)
	return n
}

func (s *service) drain(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if s.count("SELECT COUNT(*) FROM webhook_inbox WHERE state='pending'") == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("inbox not drained after %v", limit)
}

// orderBody is a realistic REST v3 paid order: 54.00 USD, 4.00 tax, 5.00 shipping = 45 points.
func orderBody(id, customer int64) []byte {
	return []byte(fmt.Sprintf(`{"id":%d,"parent_id":0,"status":"processing","currency":"USD","version":"10.0.2","prices_include_tax":false,"date_created":"2026-11-20T10:00:00","date_modified":"2026-11-20T10:00:05","discount_total":"0.00","discount_tax":"0.00","shipping_total":"5.00","shipping_tax":"0.00","cart_tax":"4.00","total":"54.00","total_tax":"4.00","customer_id":%d,"order_key":"wc_order_%d","billing":{"first_name":"Sara","last_name":"Ahmadi","company":"","address_1":"12 Valiasr St","address_2":"","city":"Tehran","state":"","postcode":"","country":"IR","email":"c%d@example.com","phone":""},"shipping":{"first_name":"Sara","last_name":"Ahmadi","address_1":"12 Valiasr St","city":"Tehran","country":"IR"},"payment_method":"cod","payment_method_title":"Cash on delivery","transaction_id":"","customer_ip_address":"127.0.0.1","customer_user_agent":"Mozilla\/5.0","created_via":"checkout","customer_note":"","date_completed":null,"date_paid":"2026-11-20T10:00:05","cart_hash":"c0ffee","number":"%d","meta_data":[{"id":501,"key":"_wc_order_attribution_source_type","value":"typein"}],"line_items":[{"id":1,"name":"Saffron \u0632\u0639\u0641\u0631\u0627\u0646","product_id":15,"variation_id":0,"quantity":1,"tax_class":"","subtotal":"45.00","subtotal_tax":"4.00","total":"45.00","total_tax":"4.00","taxes":[{"id":1,"total":"4","subtotal":"4"}],"meta_data":[],"sku":"SAF-1","price":45,"image":{"id":"","src":""},"parent_name":null}],"tax_lines":[],"shipping_lines":[{"id":2,"method_title":"Flat rate","method_id":"flat_rate","instance_id":"1","total":"5.00","total_tax":"0.00","taxes":[],"meta_data":[]}],"fee_lines":[],"coupon_lines":[],"refunds":[],"date_created_gmt":"2026-11-20T10:00:00","date_modified_gmt":"2026-11-20T10:00:05","date_completed_gmt":null,"date_paid_gmt":"2026-11-20T10:00:05","currency_symbol":"$"}`,
		id, customer, id, customer, id))
}

const customers = 10000

func (s *service) send(id int64) bool {
	body := orderBody(id, 1+id%customers)
	req, _ := http.NewRequest("POST", s.base+"/webhooks/woocommerce/"+s.store.StoreID, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-WC-Webhook-Topic", "order.updated")
	req.Header.Set("X-WC-Webhook-Signature", woocommerce.Sign(s.store.WebhookSecret, body))
	req.Header.Set("User-Agent", "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)")
	res, err := s.client.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode/100 == 2
}

func acceptRate(s *service, c config) (float64, error) {
	logf("webhook accept for %v (accept-only process: VAFA_WORKERS=0)", c.duration)
	rate := hammer(c.concurrency, c.duration, func(_, _ int) bool {
		return s.send(10_000_000 + s.nextID.Add(1))
	})
	return rate, nil
}

func webhookToLedger(s *service, c config) (float64, string, error) {
	logf("webhook to ledger: %d orders, 10%% of them delivered twice", c.orders)
	before := s.count("SELECT COUNT(*) FROM ledger_transactions WHERE kind='order_earn'")
	jobs := make(chan int64, c.concurrency)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				if !s.send(id) {
					failed.Add(1)
				}
			}
		}()
	}
	for i := 1; i <= c.orders; i++ {
		jobs <- int64(i)
		if i%10 == 0 {
			jobs <- int64(i - 5) // a duplicate delivery of a recent order
		}
	}
	close(jobs)
	wg.Wait()
	if err := s.drain(10 * time.Minute); err != nil {
		return 0, "", err
	}
	elapsed := time.Since(start)
	if n := failed.Load(); n > 0 {
		return 0, "", fmt.Errorf("%d deliveries were not answered 2xx", n)
	}
	var posted, distinct, wrong int64
	s.db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT order_id) FROM ledger_transactions WHERE kind='order_earn' AND order_id <= ?`, c.orders).Scan(&posted, &distinct)
	s.db.QueryRow(`SELECT COUNT(*) FROM (SELECT t.order_id FROM ledger_transactions t JOIN ledger_entries e
		ON e.store_id=t.store_id AND e.transaction_id=t.id AND e.account='available'
		WHERE t.order_id <= ? GROUP BY t.order_id HAVING SUM(e.amount) <> 45) x`, c.orders).Scan(&wrong)
	check := fmt.Sprintf("%d orders sent (+%d duplicates), %d earn transactions for %d distinct orders, %d with wrong points (%d earn transactions before)",
		c.orders, c.orders/10, posted, distinct, wrong, before)
	if posted != int64(c.orders) || distinct != int64(c.orders) || wrong != 0 {
		return 0, check, fmt.Errorf("lost or double-posted orders: %s", check)
	}
	return float64(c.orders) / elapsed.Seconds(), check, nil
}

// storefrontSummary is what the plugin asks for on a storefront page: one
// call for every box the page shows.
const storefrontSummary = "/v1/me?include=activity,rewards,redemptions,referral"

// balanceReads GETs path (/v1/me, or the storefront summary) as the
// ledger's customers from c.concurrency workers for c.duration.
func balanceReads(s *service, c config, path string) (float64, time.Duration, time.Duration, error) {
	raw, err := base64.StdEncoding.DecodeString(s.store.PrivateKey)
	if err != nil {
		return 0, 0, 0, err
	}
	storeID, _ := strconv.ParseInt(s.store.StoreID, 10, 64)
	tokens := make([]string, 1000)
	for i := range tokens {
		// Each token is used many times, as a shopper's page views reuse the plugin's token.
		if tokens[i], err = auth.Mint(ed25519.PrivateKey(raw), s.store.Kid, storeID, strconv.Itoa(1+i*7%customers), auth.ScopeShopper, time.Now(), 10*time.Minute); err != nil {
			return 0, 0, 0, err
		}
	}
	logf("GET %s for %v", path, c.duration)
	lat := make([][]time.Duration, c.concurrency)
	rate := hammer(c.concurrency, c.duration, func(w, i int) bool {
		req, _ := http.NewRequest("GET", s.base+path, nil)
		req.Header.Set("Authorization", "Bearer "+tokens[(w*31+i)%len(tokens)])
		t0 := time.Now()
		res, err := s.client.Do(req)
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		lat[w] = append(lat[w], time.Since(t0))
		return res.StatusCode == 200 && bytes.Contains(body, []byte(`"available":`))
	})
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return 0, 0, 0, fmt.Errorf("no balance reads succeeded")
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return rate, all[len(all)/2], all[len(all)*99/100], nil
}

// redemptions creates a reward and lets the customers of the ledger run
// redeem it concurrently, each request with its own Idempotency-Key, until
// the measurement ends: issued (201) and refused for too few points (409)
// both count as answered. Then no balance may be negative (no overdraft)
// and held points must equal the open rewards (audit, after the run).
func redemptions(s *service, c config) (float64, time.Duration, time.Duration, string, error) {
	raw, err := base64.StdEncoding.DecodeString(s.store.PrivateKey)
	if err != nil {
		return 0, 0, 0, "", err
	}
	priv := ed25519.PrivateKey(raw)
	storeID, _ := strconv.ParseInt(s.store.StoreID, 10, 64)
	admin, err := auth.Mint(priv, s.store.Kid, storeID, "1", auth.ScopeAdmin, time.Now(), 10*time.Minute)
	if err != nil {
		return 0, 0, 0, "", err
	}
	req, _ := http.NewRequest("POST", s.base+"/v1/admin/rewards", strings.NewReader(`{"kind":"fixed_discount","names":{"en":"Bench"},"points_cost":10,"value_minor":100}`))
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := s.client.Do(req)
	if err != nil {
		return 0, 0, 0, "", err
	}
	var reward struct {
		ID string `json:"id"`
	}
	json.NewDecoder(res.Body).Decode(&reward)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || reward.ID == "" {
		return 0, 0, 0, "", fmt.Errorf("create reward: status %d", res.StatusCode)
	}
	tokens := make([]string, customers)
	for i := range tokens {
		if tokens[i], err = auth.Mint(priv, s.store.Kid, storeID, strconv.Itoa(1+i), auth.ScopeShopper, time.Now(), 10*time.Minute); err != nil {
			return 0, 0, 0, "", err
		}
	}
	body := []byte(`{"reward_id":"` + reward.ID + `"}`)
	logf("redemptions for %v", c.duration)
	lat := make([][]time.Duration, c.concurrency)
	var issued, refused atomic.Int64
	rate := hammer(c.concurrency, c.duration, func(w, i int) bool {
		req, _ := http.NewRequest("POST", s.base+"/v1/me/redemptions", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokens[(w*7919+i*31)%len(tokens)])
		req.Header.Set("Idempotency-Key", fmt.Sprintf("b%d-%d", w, i))
		req.Header.Set("Content-Type", "application/json")
		t0 := time.Now()
		res, err := s.client.Do(req)
		if err != nil {
			return false
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		lat[w] = append(lat[w], time.Since(t0))
		switch res.StatusCode {
		case http.StatusCreated:
			issued.Add(1)
			return true
		case http.StatusConflict:
			refused.Add(1)
			return true
		}
		return false
	})
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return 0, 0, 0, "", fmt.Errorf("no redemption answered")
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	negative := s.count("SELECT COUNT(*) FROM customers WHERE available < 0 OR held < 0")
	held := s.count("SELECT COALESCE(SUM(held),0) FROM customers")
	open := s.count("SELECT COALESCE(SUM(points),0) FROM redemptions WHERE state='issued'")
	check := fmt.Sprintf("%d issued, %d refused for too few points, %d overdrawn balances, held %d = open rewards %d",
		issued.Load(), refused.Load(), negative, held, open)
	if negative != 0 || held != open {
		return 0, 0, 0, check, fmt.Errorf("redemption check failed: %s", check)
	}
	return rate, all[len(all)/2], all[len(all)*99/100], check, nil
}

// inflate adds ledger history for other customers directly with SQL, to show
// that balance reads do not depend on ledger size.
func (s *service) inflate(entries int) error {
	logf("adding about %d ledger entries for other customers", entries)
	storeID := s.store.StoreID
	const chunk = 100_000
	var maxCustomer int64
	s.db.QueryRow("SELECT COALESCE(MAX(id),0) FROM customers").Scan(&maxCustomer)
	for done := 0; done < entries; done += 2 * chunk {
		q := []string{
			fmt.Sprintf(`INSERT INTO customers (store_id, wc_customer_id, available, lifetime, created_at, updated_at)
				SELECT %s, 5000000 + %d + seq, 10, 10, NOW(6), NOW(6) FROM seq_1_to_%d`, storeID, done, chunk),
			fmt.Sprintf(`INSERT INTO ledger_transactions (store_id, idempotency_key, input_hash, kind, customer_pk, created_at)
				SELECT %s, CONCAT('bench:', %d + seq), UNHEX(SHA2(seq, 256)), 'adjustment', c.id, NOW(6)
				FROM seq_1_to_%d JOIN customers c ON c.store_id=%s AND c.wc_customer_id = 5000000 + %d + seq`, storeID, done, chunk, storeID, done),
			fmt.Sprintf(`INSERT INTO ledger_entries (store_id, transaction_id, account, customer_pk, amount)
				SELECT t.store_id, t.id, 'available', t.customer_pk, 10 FROM ledger_transactions t
				WHERE t.store_id=%s AND t.idempotency_key LIKE 'bench:%%' AND t.id > COALESCE((SELECT MAX(transaction_id) FROM ledger_entries WHERE account='adjusted'),0)
				UNION ALL SELECT t.store_id, t.id, 'adjusted', NULL, -10 FROM ledger_transactions t
				WHERE t.store_id=%s AND t.idempotency_key LIKE 'bench:%%' AND t.id > COALESCE((SELECT MAX(transaction_id) FROM ledger_entries WHERE account='adjusted'),0)`, storeID, storeID),
			// Each credit is a lot, as the ledger writer would record it.
			fmt.Sprintf(`INSERT INTO lots (store_id, customer_pk, earned_at, amount)
				SELECT %s, c.id, NOW(6), 10 FROM seq_1_to_%d JOIN customers c ON c.store_id=%s AND c.wc_customer_id = 5000000 + %d + seq`, storeID, chunk, storeID, done),
		}
		for _, stmt := range q {
			if _, err := s.db.Exec(stmt); err != nil {
				return fmt.Errorf("inflate: %w", err)
			}
		}
	}
	_ = maxCustomer
	return nil
}

// redemptionsOnly measures the raw transaction and redemptions alone, on a
// store whose customers earned from -orders orders.
func redemptionsOnly(ctx context.Context, admin *sql.DB, base *mysql.Config, c config, add func(result), print func()) error {
	_, rawTx, rawLat, err := rawBaselines(ctx, admin, base, c)
	if err != nil {
		return err
	}
	add(result{Metric: "raw MariaDB INSERT+UPDATE transaction", Value: rawTx, Unit: "tx/s"})
	add(latency("raw INSERT+UPDATE tx p50", percentile(rawLat, 50), 0))
	add(latency("raw INSERT+UPDATE tx p99", percentile(rawLat, 99), 0))
	svc, _, stop, err := freshService(ctx, admin, base, c)
	if err != nil {
		return err
	}
	defer stop()
	if _, _, err := webhookToLedger(svc, c); err != nil {
		return err
	}
	if err := measureRedemptions(svc, c, rawTx, add); err != nil {
		return err
	}
	print()
	return nil
}

// measureRedemptions adds the redemption rate, as a ratio to the raw
// transaction rate, and its p50 and p99.
func measureRedemptions(svc *service, c config, rawTx float64, add func(result)) error {
	red, rp50, rp99, check, err := redemptions(svc, c)
	if err != nil {
		return err
	}
	add(ratio(result{Metric: fmt.Sprintf("redemptions (%d customers)", customers), Value: red, Unit: "req/s", Target: ">= 0.3"}, rawTx, "raw INSERT+UPDATE tx", 0.3))
	add(latency("redemption p50", rp50, 0))
	add(latency("redemption p99", rp99, 25))
	logf("redemption check: %s", check)
	return nil
}

// reportHasFigures refuses a report answer with nothing in it: a timing of
// an empty report says nothing.
func reportHasFigures(name string, body []byte) error {
	var r struct {
		Customers int64             `json:"customers"`
		Cohorts   []json.RawMessage `json:"cohorts"`
		Items     []json.RawMessage `json:"items"`
		Counts    map[string]int64  `json:"counts"`
		Series    []json.RawMessage `json:"series"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("report %s: %w", name, err)
	}
	var total int64
	for _, n := range r.Counts {
		total += n
	}
	// RFM lists the champions: a store of identical customers (the -quick
	// ledger) may have none, which is still an answer with figures.
	ok := map[string]bool{"summary": r.Customers > 0, "cohorts": len(r.Cohorts) > 0, "churn": total > 0, "rfm": total > 0 && (len(r.Items) > 0 || r.Counts["champions"] == 0),
		"points": len(r.Series) > 0, "products": len(r.Items) > 0, "value": len(body) > 100}[name]
	if !ok {
		return fmt.Errorf("report %s answered no figures: %.300s", name, body)
	}
	return nil
}
