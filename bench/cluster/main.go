// Command cluster is the Galera scale-out proof (`make cluster-test`): it
// starts a 3-node MariaDB Galera cluster on loopback (Debian's galera-4,
// rsync state transfer), one `vafa serve` per node plus an accept-only
// replica, streams signed order webhooks with duplicates and shuffled
// refunds to random replicas, kills a database node and a service replica
// with SIGKILL mid-stream and brings them back, and then proves the ledger:
// every 2xx delivery applied exactly once, every order's points posted, no
// order naming a customer that does not exist, no stuck delivery, the
// balances the snapshots call for, and `vafa audit` clean on every node.
// It exits non-zero on any violation.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

type config struct {
	orders      int
	customers   int
	concurrency int
	kill        bool
	keep        bool
	provider    string
	single      bool
	throughput  int
}

func main() {
	var c config
	flag.IntVar(&c.orders, "orders", 20000, "distinct orders to stream")
	flag.IntVar(&c.customers, "customers", 2000, "distinct customers")
	flag.IntVar(&c.concurrency, "concurrency", 24, "concurrent deliveries")
	flag.BoolVar(&c.kill, "kill", true, "SIGKILL a database node and a service replica mid-stream, then bring them back")
	flag.BoolVar(&c.keep, "keep", false, "leave the cluster's files for inspection")
	flag.StringVar(&c.provider, "provider", "/usr/lib/galera/libgalera_smm.so", "the wsrep provider (galera-4)")
	flag.BoolVar(&c.single, "single-primary", false, "every replica writes through node 1 (as behind a proxy) instead of one node each")
	flag.IntVar(&c.throughput, "throughput", 6000, "after the checks, orders streamed to 1 replica and then to 3 (new stores, same cluster) to compare throughput; 0 skips")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cluster: "+format+"\n", args...)
}

// node is one MariaDB Galera node on loopback.
type node struct {
	i        int
	dir      string
	port     int
	gcomm    int
	ist      int
	sst      int
	cmd      *exec.Cmd
	done     chan error
	provider string
	peers    string
}

func (n *node) dsn(db string) string {
	return fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s?parseTime=true&multiStatements=true", n.port, db)
}

func (n *node) start(bootstrap bool) error {
	args := []string{"--no-defaults", "--datadir=" + n.dir + "/data", "--socket=" + n.dir + "/sock", "--pid-file=" + n.dir + "/pid",
		"--port=" + strconv.Itoa(n.port), "--bind-address=127.0.0.1", "--user=mysql", "--skip-grant-tables", "--skip-name-resolve",
		"--log-error=" + n.dir + "/error.log", "--innodb-buffer-pool-size=96M", "--innodb-log-file-size=48M",
		"--innodb-flush-log-at-trx-commit=1", "--max-allowed-packet=64M", "--max-connections=300",
		"--binlog-format=ROW", "--innodb-autoinc-lock-mode=2", "--default-storage-engine=InnoDB",
		"--wsrep-on=ON", "--wsrep-provider=" + n.provider, "--wsrep-cluster-name=vafa",
		"--wsrep-node-name=node" + strconv.Itoa(n.i), "--wsrep-node-address=127.0.0.1:" + strconv.Itoa(n.gcomm),
		"--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + strconv.Itoa(n.gcomm) + ";ist.recv_addr=127.0.0.1:" +
			strconv.Itoa(n.ist) + ";gcache.size=64M",
		"--wsrep-sst-method=rsync", "--wsrep-sst-receive-address=127.0.0.1:" + strconv.Itoa(n.sst), "--wsrep-slave-threads=2"}
	if bootstrap {
		args = append(args, "--wsrep-cluster-address=gcomm://", "--wsrep-new-cluster")
	} else {
		args = append(args, "--wsrep-cluster-address=gcomm://"+n.peers)
	}
	n.cmd = exec.Command("mariadbd", args...)
	n.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := n.cmd.Start(); err != nil {
		return fmt.Errorf("node %d: %w", n.i, err)
	}
	n.done = make(chan error, 1)
	go func() { n.done <- n.cmd.Wait() }()
	return n.waitReady(3 * time.Minute)
}

// waitReady waits until the node serves queries and has joined the cluster.
func (n *node) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-n.done:
			return fmt.Errorf("node %d exited: %v (see %s/error.log)", n.i, err, n.dir)
		default:
		}
		db, err := sql.Open("mysql", n.dsn(""))
		if err == nil {
			var name, ready string
			err = db.QueryRow("SHOW STATUS LIKE 'wsrep_ready'").Scan(&name, &ready)
			db.Close()
			if err == nil && ready == "ON" {
				return nil
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("node %d not ready after %v (see %s/error.log)", n.i, limit, n.dir)
}

func (n *node) kill() {
	if n.cmd != nil && n.cmd.Process != nil {
		syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
		<-n.done
	}
}

// replica is one `vafa serve` process.
type replica struct {
	name    string
	bin     string
	env     []string
	addr    string
	cmd     *exec.Cmd
	done    chan error
	logPath string
	exited  bool // the process ended and done was read
}

func (r *replica) start() error {
	logf, err := os.OpenFile(r.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	r.cmd = exec.Command(r.bin, "serve")
	r.cmd.Env = r.env
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	if err := r.cmd.Start(); err != nil {
		return err
	}
	r.done, r.exited = make(chan error, 1), false
	go func() { r.done <- r.cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + r.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		select {
		case err := <-r.done:
			r.exited = true
			return fmt.Errorf("%s exited: %v (see %s)", r.name, err, r.logPath)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not start (see %s)", r.name, r.logPath)
}

// kill and stop end the process once; a second call (the deferred
// cleanup after a phase stopped it) does nothing.
func (r *replica) kill() {
	if r.cmd != nil && r.cmd.Process != nil && !r.exited {
		r.cmd.Process.Signal(syscall.SIGKILL)
		<-r.done
		r.exited = true
	}
}

func (r *replica) stop() {
	if r.cmd != nil && r.cmd.Process != nil && !r.exited {
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
			r.exited = true
		case <-time.After(20 * time.Second):
			r.kill()
		}
	}
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type storeCreds struct {
	StoreID       string `json:"store_id"`
	WebhookSecret string `json:"webhook_secret"`
}

// delivery is one webhook to send: an order snapshot.
type delivery struct {
	order    int64
	customer int64
	refunded int64 // minor units refunded in this snapshot
	modified time.Time
}

func (d delivery) body() []byte {
	mod := d.modified.UTC().Format("2006-01-02T15:04:05")
	refunds := "[]"
	if d.refunded > 0 {
		refunds = fmt.Sprintf(`[{"id":%d,"reason":"","total":"-%d.%02d"}]`, 90000+d.order, d.refunded/100, d.refunded%100)
	}
	return []byte(fmt.Sprintf(`{"id":%d,"parent_id":0,"status":"completed","currency":"USD","version":"10.0.2","prices_include_tax":false,`+
		`"date_created":"%[2]s","date_created_gmt":"%[2]s","date_modified":"%[2]s","date_modified_gmt":"%[2]s","discount_total":"0.00",`+
		`"shipping_total":"5.00","shipping_tax":"0.00","cart_tax":"4.00","total":"54.00","total_tax":"4.00","customer_id":%[3]d,`+
		`"billing":{"first_name":"Sara","email":"c%[3]d@example.com","phone":"","address_1":"12 Valiasr St","city":"Tehran","country":"IR"},`+
		`"payment_method":"cod","date_paid":"%[2]s","date_paid_gmt":"%[2]s","meta_data":[],"line_items":[{"id":1,"product_id":15,`+
		`"quantity":1,"subtotal":"45.00","subtotal_tax":"4.00","total":"45.00","total_tax":"4.00"}],"coupon_lines":[],"refunds":%[4]s}`,
		d.order, mod, d.customer, refunds))
}

// points is what a snapshot earns at 1 point per 1.00: net 45.00 of a
// 54.00 total, in proportion to what is not refunded (rounded down).
func (d delivery) points() int64 {
	return 4500 * (5400 - d.refunded) / 5400 / 100
}

func run(c config) error {
	if _, err := os.Stat(c.provider); err != nil {
		return fmt.Errorf("no wsrep provider at %s: install galera-4 (scripts/cluster-test.sh does)", c.provider)
	}
	root, err := os.MkdirTemp("", "vafa-cluster-")
	if err != nil {
		return err
	}
	// The nodes run as the mysql user: rsync state transfer refuses to
	// write a root-owned data directory.
	if err := os.Chmod(root, 0o755); err != nil {
		return err
	}
	owner, err := user.Lookup("mysql")
	if err != nil {
		return fmt.Errorf("no mysql user (Debian's mariadb-server package makes it): %w", err)
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	var nodes []*node
	var replicas []*replica
	defer func() {
		for _, r := range replicas {
			r.stop()
		}
		for _, n := range nodes {
			n.kill()
		}
		if !c.keep {
			os.RemoveAll(root)
		} else {
			logf("files kept in %s", root)
		}
	}()

	// Three nodes: the first bootstraps the cluster, the others join by
	// state transfer (rsync).
	gcomm := []int{freePort(), freePort(), freePort()}
	var peers []string
	for _, p := range gcomm {
		peers = append(peers, "127.0.0.1:"+strconv.Itoa(p))
	}
	for i := 0; i < 3; i++ {
		dir := filepath.Join(root, "node"+strconv.Itoa(i+1))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
		n := &node{i: i + 1, dir: dir, port: freePort(), gcomm: gcomm[i], ist: freePort(), sst: freePort(), provider: c.provider,
			peers: strings.Join(peers, ",")}
		out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+dir+"/data", "--user=mysql",
			"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
		if err != nil {
			return fmt.Errorf("install node %d: %v\n%s", i+1, err, out)
		}
		nodes = append(nodes, n)
	}
	t0 := time.Now()
	for i, n := range nodes {
		if err := n.start(i == 0); err != nil {
			return err
		}
	}
	logf("3-node Galera cluster up in %v", time.Since(t0).Round(time.Millisecond))

	// The service: migrate and create a store through node 1.
	bin := filepath.Join(root, "vafa")
	if out, err := exec.Command("go", "build", "-o", bin, "./server").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	admin, err := sql.Open("mysql", nodes[0].dsn(""))
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE vafa"); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	env := func(n *node, extra ...string) []string {
		return append(append(os.Environ(), "VAFA_MYSQL_DSN="+fmt.Sprintf("root@tcp(127.0.0.1:%d)/vafa", n.port),
			"VAFA_LOG_LEVEL=warn", "VAFA_MATURE_INTERVAL=1s"), extra...)
	}
	cli := func(n *node, args ...string) ([]byte, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env(n)
		return cmd.Output()
	}
	if out, err := cli(nodes[0], "migrate"); err != nil {
		return fmt.Errorf("migrate: %v\n%s", err, out)
	}
	out, err := cli(nodes[0], "store", "create", "--name", "Cluster", "--url", "https://cluster.example/")
	if err != nil {
		return fmt.Errorf("store create: %v\n%s", err, out)
	}
	var store storeCreds
	if err := json.Unmarshal(out, &store); err != nil {
		return fmt.Errorf("store create output: %w", err)
	}
	for i, n := range nodes {
		if c.single {
			n = nodes[0]
		}
		addr := "127.0.0.1:" + strconv.Itoa(freePort())
		r := &replica{name: "replica" + strconv.Itoa(i+1), bin: bin, addr: addr, logPath: filepath.Join(root, "replica"+strconv.Itoa(i+1)+".log"),
			env: env(n, "VAFA_ADDR="+addr, "VAFA_WORKERS=4")}
		replicas = append(replicas, r)
	}
	acceptAddr := "127.0.0.1:" + strconv.Itoa(freePort())
	replicas = append(replicas, &replica{name: "accept-only", bin: bin, addr: acceptAddr, logPath: filepath.Join(root, "accept.log"),
		env: env(nodes[1], "VAFA_ADDR="+acceptAddr, "VAFA_WORKERS=0")})
	for _, r := range replicas {
		if err := r.start(); err != nil {
			return err
		}
	}
	logf("%d service replicas up (one per node, and an accept-only one)", len(replicas))

	// The deliveries: every order once, 10 percent of them twice, and a
	// partial refund for every fifth order, all shuffled; refunds are
	// newer snapshots (date_modified), so whichever arrives last, the
	// newest wins.
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	var ds []delivery
	final := map[int64]delivery{}
	for i := 0; i < c.orders; i++ {
		id := int64(100000 + i)
		d := delivery{order: id, customer: int64(1 + i%c.customers), modified: base.Add(time.Duration(i) * time.Second)}
		ds = append(ds, d)
		final[id] = d
		if i%10 == 0 {
			ds = append(ds, d)
		}
		if i%5 == 0 {
			r := d
			r.refunded, r.modified = 1800, d.modified.Add(time.Hour)
			ds = append(ds, r)
			final[id] = r
		}
	}
	rand.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
	logf("streaming %d deliveries of %d orders to random replicas, concurrency %d", len(ds), c.orders, c.concurrency)

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.concurrency * 2}}
	var sent, accepted, refused atomic.Int64
	var next atomic.Int64
	var killOnce sync.Once
	var alive sync.Map // replica index -> bool
	for i := range replicas {
		alive.Store(i, true)
	}
	killAt := int64(len(ds) / 3)
	backAt := int64(len(ds) / 2)
	var backOnce sync.Once
	var chaosErr error
	var chaosMu sync.Mutex
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < c.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := next.Add(1) - 1
				if k >= int64(len(ds)) {
					return
				}
				if c.kill && k == killAt {
					killOnce.Do(func() {
						logf("SIGKILL node 3 and replica 2 at delivery %d", k)
						alive.Store(1, false)
						replicas[1].kill()
						nodes[2].kill()
						alive.Store(2, false) // replica 3 talks to node 3
					})
				}
				if c.kill && k == backAt {
					backOnce.Do(func() {
						go func() {
							logf("bringing node 3 and replica 2 back")
							err := nodes[2].start(false)
							if err == nil {
								alive.Store(2, true)
								err = replicas[1].start()
								if err == nil {
									alive.Store(1, true)
								}
							}
							if err != nil {
								chaosMu.Lock()
								chaosErr = err
								chaosMu.Unlock()
							}
						}()
					})
				}
				d := ds[k]
				body := d.body()
				// A delivery that fails (a replica down, or every node pausing
				// writes while the cluster changes membership) is retried on
				// another replica, as a load balancer would, for up to a minute
				// with a growing pause; WooCommerce itself does not retry, so
				// only a 2xx counts as delivered. Twenty quick attempts were not
				// enough: they could all fall inside one membership change.
				pause := 20 * time.Millisecond
				for until := time.Now().Add(time.Minute); time.Now().Before(until); {
					i := rand.IntN(len(replicas))
					if up, _ := alive.Load(i); up != true {
						continue
					}
					sent.Add(1)
					if ok, _ := deliver(ctx, client, replicas[i].addr, store, body); ok {
						accepted.Add(1)
						break
					}
					refused.Add(1)
					time.Sleep(pause)
					pause = min(2*pause, time.Second)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	logf("delivered: %d accepted (2xx) of %d deliveries in %v (%.0f/s); %d refused or failed attempts retried elsewhere",
		accepted.Load(), len(ds), elapsed.Round(time.Millisecond), float64(accepted.Load())/elapsed.Seconds(), refused.Load())
	if c.kill {
		// Wait for the node and replica to come back (the goroutine started above).
		deadline := time.Now().Add(4 * time.Minute)
		for time.Now().Before(deadline) {
			up1, _ := alive.Load(1)
			up2, _ := alive.Load(2)
			chaosMu.Lock()
			e := chaosErr
			chaosMu.Unlock()
			if e != nil {
				return e
			}
			if up1 == true && up2 == true {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	if accepted.Load() != int64(len(ds)) {
		return fmt.Errorf("%d of %d deliveries were never accepted", int64(len(ds))-accepted.Load(), len(ds))
	}

	// Let every replica drain the inbox, then prove the ledger.
	db, err := sql.Open("mysql", nodes[0].dsn("vafa")+"&wsrep_sync_wait=1")
	if err != nil {
		return err
	}
	defer db.Close()
	count := func(q string, args ...any) int64 {
		var n int64
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			logf("query %q: %v", q, err)
			return -1
		}
		return n
	}
	// Wait while the replicas make progress: multi-primary on one small
	// host drains at tens of orders a second (every write is certified
	// against the other nodes' and many are retried), so a fixed deadline
	// fails a slow run that is still draining. A minute without progress, or
	// 20 minutes in all, ends the wait; the checks below then say what is left.
	deadline, stalled := time.Now().Add(20*time.Minute), time.Now().Add(time.Minute)
	for last := int64(-1); time.Now().Before(deadline) && time.Now().Before(stalled); {
		n := count("SELECT COUNT(*) FROM webhook_inbox WHERE state='pending'")
		if n == 0 {
			break
		}
		if n != last {
			last, stalled = n, time.Now().Add(time.Minute)
		}
		time.Sleep(500 * time.Millisecond)
	}
	drained := time.Since(start)
	logf("inbox drained %v after the first delivery (%.0f orders/s end to end)", drained.Round(time.Millisecond),
		float64(c.orders)/drained.Seconds())

	var violations []string
	check := func(name string, got, want int64) {
		status := "ok"
		if got != want {
			status = "VIOLATION"
			violations = append(violations, fmt.Sprintf("%s: %d, want %d", name, got, want))
		}
		logf("  %-9s %s: %d", status, name, got)
	}
	// A delivery whose answer was lost with a killed replica was sent again
	// elsewhere, so the inbox may hold more rows than deliveries, never fewer.
	stored := count("SELECT COUNT(*) FROM webhook_inbox WHERE store_id=?", store.StoreID)
	check("deliveries accepted but not stored", max(0, int64(len(ds))-stored), 0)
	check("stuck deliveries (pending or dead)", count("SELECT COUNT(*) FROM webhook_inbox WHERE state IN ('pending','dead')"), 0)
	check("flagged deliveries", count("SELECT COUNT(*) FROM webhook_inbox WHERE state='flagged'"), 0)
	check("orders", count("SELECT COUNT(*) FROM orders WHERE store_id=?", store.StoreID), int64(c.orders))
	check("orders holding points with no posting", count(`SELECT COUNT(*) FROM orders o WHERE o.points_pending + o.points_available <> 0
		AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.store_id=o.store_id AND t.order_id=o.order_id)`), 0)
	check("orders naming a customer that does not exist", count(`SELECT COUNT(*) FROM orders o WHERE o.customer_pk IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id=o.customer_pk)`), 0)
	check("orders whose points differ from their last snapshot", ordersOff(db, final), 0)
	var want int64
	for _, d := range final {
		want += d.points()
	}
	check("points held by customers", count("SELECT COALESCE(SUM(available+pending),0) FROM customers WHERE store_id=?", store.StoreID), want)
	check("customers", count("SELECT COUNT(*) FROM customers WHERE store_id=?", store.StoreID), int64(min(c.customers, c.orders)))
	for _, n := range nodes {
		// A node that only applied replicated rows may still plan with the
		// statistics of empty tables (they are recomputed in the background):
		// the audit's joins then take minutes. Refresh them first.
		if ndb, err := sql.Open("mysql", n.dsn("vafa")); err == nil {
			ndb.Exec("ANALYZE TABLE orders, customers, ledger_transactions, ledger_entries, redemptions")
			ndb.Close()
		}
		// A node applies the others' commits shortly after they certify:
		// the audit waits for them (wsrep_sync_wait) so it reads one state.
		cmd := exec.Command(bin, "audit")
		cmd.Env = append(os.Environ(), "VAFA_MYSQL_DSN="+fmt.Sprintf("root@tcp(127.0.0.1:%d)/vafa?wsrep_sync_wait=1", n.port), "VAFA_LOG_LEVEL=warn")
		out, err := cmd.CombinedOutput()
		status := int64(0)
		if err != nil {
			status = 1
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			logf("audit on node %d: %v, %d lines, the first: \n%s", n.i, err, len(lines), strings.Join(lines[:min(8, len(lines))], "\n"))
		}
		check(fmt.Sprintf("audit violations on node %d (exit status)", n.i), status, 0)
	}
	for _, r := range replicas {
		b, _ := os.ReadFile(r.logPath)
		if n := strings.Count(string(b), "Duplicate entry"); n > 0 {
			logf("  note     %s logged %d duplicate-key errors (retried)", r.name, n)
		}
	}
	if len(violations) > 0 {
		return errors.New(strings.Join(violations, "; "))
	}
	logf("all checks passed")
	if c.throughput > 0 {
		for _, r := range replicas {
			r.stop()
		}
		replicas = replicas[:0]
		var rates [2]float64
		for k, n := range []int{1, 3} {
			out, err := cli(nodes[0], "store", "create", "--name", fmt.Sprintf("Throughput %d", n), "--url", "https://cluster.example/")
			if err != nil {
				return fmt.Errorf("store create: %v\n%s", err, out)
			}
			var st storeCreds
			if err := json.Unmarshal(out, &st); err != nil {
				return err
			}
			var set []*replica
			for i := 0; i < n; i++ {
				node := nodes[i]
				if c.single {
					node = nodes[0]
				}
				addr := "127.0.0.1:" + strconv.Itoa(freePort())
				r := &replica{name: fmt.Sprintf("throughput%d-%d", n, i+1), bin: bin, addr: addr,
					logPath: filepath.Join(root, fmt.Sprintf("throughput%d-%d.log", n, i+1)), env: env(node, "VAFA_ADDR="+addr, "VAFA_WORKERS=4")}
				if err := r.start(); err != nil {
					return err
				}
				set = append(set, r)
				replicas = append(replicas, r)
			}
			rate, err := throughput(db, client, set, st, c, int64(1_000_000*(k+1)))
			if err != nil {
				return err
			}
			rates[k] = rate
			writes := "one node each (multi-primary)"
			if c.single || n == 1 {
				writes = "all writing to node 1"
			}
			logf("throughput with %d replica(s), %s: %.0f orders/s (%d orders, accepted and posted)", n, writes, rate, c.throughput)
			for _, r := range set {
				r.stop()
			}
		}
		logf("throughput: 3 replicas / 1 replica = %.2f", rates[1]/rates[0])
	}
	return nil
}

// throughput streams c.throughput distinct orders to the replicas (at
// random, c.concurrency at once) for a fresh store and returns the orders
// per second from the first delivery until the store's inbox is drained.
func throughput(db *sql.DB, client *http.Client, set []*replica, st storeCreds, c config, firstID int64) (float64, error) {
	ctx := context.Background()
	base := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	var next atomic.Int64
	var failed atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < c.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(c.throughput) {
					return
				}
				d := delivery{order: firstID + i, customer: 1 + i%int64(c.customers), modified: base.Add(time.Duration(i) * time.Second)}
				for attempt := 0; ; attempt++ {
					ok, err := deliver(ctx, client, set[rand.IntN(len(set))].addr, st, d.body())
					if ok {
						break
					}
					if attempt > 20 {
						failed.Add(1)
						logf("delivery of order %d failed: %v", d.order, err)
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return 0, fmt.Errorf("%d deliveries were never accepted", n)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var pending int64
		if err := db.QueryRow(`SELECT COUNT(*) FROM webhook_inbox WHERE store_id=? AND state='pending'`, st.StoreID).Scan(&pending); err != nil {
			return 0, err
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("the inbox did not drain in 5 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	var posted int64
	if err := db.QueryRow(`SELECT COUNT(DISTINCT order_id) FROM ledger_transactions WHERE store_id=? AND kind='order_earn'`, st.StoreID).Scan(&posted); err != nil {
		return 0, err
	}
	if posted != int64(c.throughput) {
		return 0, fmt.Errorf("%d of %d orders posted", posted, c.throughput)
	}
	return float64(c.throughput) / elapsed.Seconds(), nil
}

// ordersOff counts orders whose held points are not what their final
// snapshot earns.
func ordersOff(db *sql.DB, final map[int64]delivery) int64 {
	rows, err := db.Query("SELECT order_id, points_pending + points_available FROM orders")
	if err != nil {
		logf("read orders: %v", err)
		return -1
	}
	defer rows.Close()
	var off int64
	for rows.Next() {
		var id, pts int64
		rows.Scan(&id, &pts)
		if d, ok := final[id]; !ok || d.points() != pts {
			off++
		}
	}
	return off
}

// deliver posts one signed webhook; true on 2xx.
func deliver(ctx context.Context, client *http.Client, addr string, store storeCreds, body []byte) (bool, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/webhooks/woocommerce/"+store.StoreID, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-WC-Webhook-Topic", "order.updated")
	req.Header.Set("X-WC-Webhook-Signature", woocommerce.Sign(store.WebhookSecret, body))
	req.Header.Set("User-Agent", "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)")
	res, err := client.Do(req)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode/100 == 2, nil
}
