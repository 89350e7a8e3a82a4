package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/testdb"
)

// mariadbArgs are the client flags that reach the database of dsn.
func mariadbArgs(t *testing.T, dsn string) []string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--user=" + cfg.User}
	if cfg.Passwd != "" {
		args = append(args, "--password="+cfg.Passwd)
	}
	if cfg.Net == "unix" {
		args = append(args, "--socket="+cfg.Addr)
	} else {
		host, port, _ := strings.Cut(cfg.Addr, ":")
		args = append(args, "--host="+host, "--protocol=tcp")
		if port != "" {
			args = append(args, "--port="+port)
		}
	}
	return append(args, cfg.DBName)
}

// TestBackupRestoresToTheSameBalances is the README's backup and restore:
// a store with earned, refunded, spent, held, tiered and expiring points is
// dumped with mariadb-dump (one consistent snapshot), restored into a fresh
// database, passes `vafa audit` there, and a service on the restored
// database answers the same balances to the same tokens.
func TestBackupRestoresToTheSameBalances(t *testing.T) {
	dump, err := exec.LookPath("mariadb-dump")
	if err != nil {
		t.Skip("mariadb-dump is not installed (Debian: mariadb-client)")
	}
	s := startService(t)
	st := s.newStore()
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Content-Type": "application/json"}
	for _, c := range []struct{ path, body string }{
		{"/v1/admin/tiers", `{"name":"Silver","threshold":5000}`},
		{"/v1/admin/rewards", `{"kind":"fixed_discount","names":{"en":"1 off"},"points_cost":10,"value_minor":100}`},
	} {
		if r := s.do("POST", c.path, []byte(c.body), admin); r.Status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", c.path, r.Status, r.Body)
		}
	}
	if r := s.do("PATCH", "/v1/admin/program", []byte(`{"expire_months":12,"time_zone":"Asia/Tehran"}`), admin); r.Status != http.StatusOK {
		t.Fatalf("program: %d %s", r.Status, r.Body)
	}
	t0 := s.clock.Now()
	for i := int64(0); i < 6; i++ {
		s.deliver(st, "order.updated", usd(6000+i, 40+i%3, "completed", t0.Add(time.Duration(i)*time.Minute)).JSON())
	}
	refunded := usd(6001, 41, "refunded", t0.Add(time.Hour))
	refunded.Refunds = []string{"-54.00"}
	s.deliver(st, "order.updated", refunded.JSON())
	s.drain(st)
	var reward struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	s.get("/v1/admin/rewards", s.token(st, "1", auth.ScopeAdmin)).json(t, &reward)
	if status, _ := s.redeemAs(st, 40, "backup-1", `{"reward_id":"`+reward.Items[0].ID+`"}`); status != http.StatusCreated {
		t.Fatalf("redeem: %d", status)
	}
	s.drain(st)
	s.audit()
	before := map[int64]balance{}
	for c := int64(40); c <= 42; c++ {
		before[c] = s.balance(st, c)
	}

	var out bytes.Buffer
	cmd := exec.Command(dump, append([]string{"--single-transaction", "--hex-blob", "--routines", "--skip-lock-tables"}, mariadbArgs(t, s.dsn)...)...)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mariadb-dump: %v", err)
	}
	restored := testdb.DSN(t)
	load := exec.Command("mariadb", mariadbArgs(t, restored)...)
	load.Stdin, load.Stderr = &out, os.Stderr
	if err := load.Run(); err != nil {
		t.Fatalf("restore: %v", err)
	}

	r := startServiceWith(t, map[string]string{"VAFA_MYSQL_DSN": restored})
	if out, err := r.cli("audit"); err != nil {
		t.Fatalf("audit on the restored database: %v\n%s", err, out)
	}
	for c, want := range before {
		got := r.balance(st, c) // the same store keys: the same tokens work
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("customer %d after restore: %+v, want %+v", c, got, want)
		}
	}
}
