// Package testdb gives each test a brand-new MariaDB/MySQL database.
package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// DSN creates an empty database for t and returns its DSN; the database is
// dropped in t.Cleanup. The server is MYSQL_TEST_DSN when set, otherwise
// root@127.0.0.1:3306.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("MYSQL_TEST_DSN")
	if base == "" {
		base = "root@tcp(127.0.0.1:3306)/"
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("testdb: MYSQL_TEST_DSN: %v", err)
	}
	cfg.DBName = ""
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	if err := admin.Ping(); err != nil {
		t.Fatalf("testdb: no MariaDB at %s (%v); run the tests with `make test`, which provides one", cfg.Addr, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "vafa_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Errorf("testdb: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE IF EXISTS `" + name + "`"); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	cfg.DBName = name
	cfg.MultiStatements = true
	return cfg.FormatDSN()
}
