package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/vafaloyalty/vafa/internal/testdb"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

// TestCrashLosesNothing kills the service with SIGKILL while webhooks pour
// in, restarts it, and proves that every webhook answered 2xx is in the
// ledger exactly once, with the exact points, and that the audit passes.
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and kills the real binary; skipped with -short")
	}
	dsn := testdb.DSN(t)
	bin := filepath.Join(t.TempDir(), "vafa")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	port := freePort(t)
	env := append(os.Environ(), "VAFA_MYSQL_DSN="+dsn, "VAFA_ADDR=127.0.0.1:"+port, "VAFA_WORKERS=4", "VAFA_LOG_LEVEL=warn")
	create := exec.Command(bin, "store", "create", "--name", "Crash", "--url", "https://shop.test/")
	create.Env = env
	out, err := create.Output()
	if err != nil {
		t.Fatalf("store create: %v", err)
	}
	var st storeCreds
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}

	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve")
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitReady(t, "http://127.0.0.1:"+port)
		return cmd
	}
	cmd := start()

	const total = 3000
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	var accepted sync.Map // order id -> true
	var sent, ok atomic.Int64
	jobs := make(chan int64)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				body := usd(id, 1000+id%300, "completed", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)).JSON()
				req, _ := http.NewRequest("POST", "http://127.0.0.1:"+port+"/webhooks/woocommerce/"+st.StoreID, bytes.NewReader(body))
				req.Header.Set("X-WC-Webhook-Topic", "order.updated")
				req.Header.Set("X-WC-Webhook-Signature", woocommerce.Sign(st.WebhookSecret, body))
				sent.Add(1)
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				res.Body.Close()
				if res.StatusCode/100 == 2 {
					accepted.Store(id, true)
					ok.Add(1)
				}
			}
		}()
	}
	killed := make(chan struct{})
	go func() {
		// Kill once a good share has been accepted, mid-stream.
		for ok.Load() < total/3 {
			time.Sleep(2 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		close(killed)
	}()
	for id := int64(1); id <= total; id++ {
		if id == total/2 {
			<-killed // the second half goes to a dead service, then to the restarted one
			cmd = start()
		}
		jobs <- id
	}
	close(jobs)
	wg.Wait()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()

	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var pending int
		if err := db.QueryRow(`SELECT COUNT(*) FROM webhook_inbox WHERE state='pending'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows still pending", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}

	rows, err := db.Query(`SELECT t.order_id, COUNT(DISTINCT t.id), SUM(e.amount) FROM ledger_transactions t
		JOIN ledger_entries e ON e.transaction_id=t.id AND e.account='available'
		WHERE t.kind='order_earn' GROUP BY t.order_id`)
	if err != nil {
		t.Fatal(err)
	}
	posted := map[int64][2]int64{}
	for rows.Next() {
		var id, n, pts int64
		if err := rows.Scan(&id, &n, &pts); err != nil {
			t.Fatal(err)
		}
		posted[id] = [2]int64{n, pts}
	}
	rows.Close()
	missing, doubled := 0, 0
	accepted.Range(func(k, _ any) bool {
		p := posted[k.(int64)]
		if p[0] == 0 {
			missing++
		}
		return true
	})
	for id, p := range posted {
		if p[0] != 1 || p[1] != 45 {
			doubled++
			t.Errorf("order %d: %d earn transactions, %d points; want 1 and 45", id, p[0], p[1])
		}
	}
	if missing > 0 || doubled > 0 {
		t.Fatalf("%d accepted orders missing from the ledger, %d posted wrongly", missing, doubled)
	}
	if ok.Load() < total/2 {
		t.Fatalf("only %d of %d deliveries accepted: the restart did not take traffic", ok.Load(), total)
	}
	t.Logf("sent %d, accepted %d, posted %d orders (accepted before a lost answer may post too)", sent.Load(), ok.Load(), len(posted))

	audit := exec.Command(bin, "audit")
	audit.Env = env
	if out, err := audit.CombinedOutput(); err != nil {
		t.Fatalf("audit: %v\n%s", err, out)
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("service at %s not ready in 30s", base)
}
