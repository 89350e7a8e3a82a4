// Package mysql is Vafa's storage on MySQL/MariaDB with sqlx: it loads,
// locks and writes; the domain (internal/loyalty) decides. Each table has
// one owning file (stores, programs, keys, inbox, customers, orders,
// ledger); ledger.go holds the only code that writes ledger rows or balance
// columns, and batch.go the worker's unit of work (buffering and
// prefetching). Per-entity services (StoreService, InboxService, ...) share
// one *DB, as in Ben Johnson's WTF Dial.
package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/migrations"
)

// MySQL error numbers translated at this boundary.
const (
	errDuplicate    = 1062
	errDeadlock     = 1213
	errLockWaitTime = 1205
)

// DB is the service's database pool, shared by the services. Its clock is
// injectable so tests control time.
type DB struct {
	db             *sqlx.DB
	now            func() time.Time
	idStep         int64 // auto_increment_increment when one INSERT's ids are consecutive, else 0
	consecutiveIDs bool  // one multi-row INSERT gets consecutive ids, one apart
	insertBytes    int   // body bytes one multi-row INSERT may carry, from max_allowed_packet
	settings       ServerSettings
	stmts          sync.Map // query text -> *sqlx.Stmt (prepared.go)
}

// ServerSettings are the server variables the service's promises depend on.
type ServerSettings struct {
	FlushLogAtCommit int   // innodb_flush_log_at_trx_commit: 1 makes a commit durable ("2xx means stored")
	MaxAllowedPacket int64 // max_allowed_packet: bounds one statement, so multi-row INSERTs are sized from it
}

// Warnings says what in the server's settings weakens a promise the service makes.
func (s ServerSettings) Warnings() []string {
	var out []string
	if s.FlushLogAtCommit != 1 {
		out = append(out, fmt.Sprintf("innodb_flush_log_at_trx_commit=%d: a committed webhook can be lost in a crash, so a 2xx no longer means durable; set it to 1", s.FlushLogAtCommit))
	}
	if s.MaxAllowedPacket < 16<<20 {
		out = append(out, fmt.Sprintf("max_allowed_packet=%d: webhook and sync INSERTs are made smaller to fit; 16 MiB or more is recommended", s.MaxAllowedPacket))
	}
	return out
}

// Settings returns the server settings read at Open.
func (d *DB) Settings() ServerSettings { return d.settings }

// Open connects to dsn (go-sql-driver format). It forces parseTime and UTC so
// DATETIME columns round-trip as UTC times.
func Open(ctx context.Context, dsn string, maxConns int) (*DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse mysql dsn: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	// A stalled server must not hold requests and workers forever; the DSN
	// may set its own (readTimeout, writeTimeout, timeout).
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 60 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 60 * time.Second
	}
	// Client-side interpolation: one round trip per statement instead of
	// prepare + execute + close. Safe: the connection charset is utf8mb4.
	cfg.InterpolateParams = true
	// Several write statements per round trip (see writes): the inbox
	// workers' cost is round trips, not work. No statement is ever built
	// from input text; values are always parameters.
	cfg.MultiStatements = true
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	// Read committed: fewer gap locks between concurrent postings; every
	// read that decides a write is a locking read anyway.
	cfg.Params["transaction_isolation"] = "'READ-COMMITTED'"
	cfg.Params["time_zone"] = "'+00:00'"
	db, err := sqlx.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	if maxConns <= 0 {
		maxConns = 32
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxLifetime(30 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		// MariaDB before 11.1 knows the variable as tx_isolation.
		if isUnknownVariable(err) {
			delete(cfg.Params, "transaction_isolation")
			cfg.Params["tx_isolation"] = "'READ-COMMITTED'"
			db.Close()
			if db, err = sqlx.Open("mysql", cfg.FormatDSN()); err != nil {
				return nil, fmt.Errorf("open mysql: %w", err)
			}
			db.SetMaxOpenConns(maxConns)
			db.SetMaxIdleConns(maxConns)
			db.SetConnMaxLifetime(30 * time.Minute)
			err = db.PingContext(ctx)
		}
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("ping mysql: %w", err)
		}
	}
	// Lock mode 2 interleaves auto-increment ids of concurrent statements;
	// modes 0 and 1 give one INSERT consecutive ids, auto_increment_increment apart.
	var ai struct {
		LockMode  int   `db:"lock_mode"`
		Increment int64 `db:"increment"`
		Flush     int   `db:"flush"`
		Packet    int64 `db:"packet"`
		Wsrep     int   `db:"wsrep"`
	}
	if err := db.GetContext(ctx, &ai, `SELECT @@innodb_autoinc_lock_mode AS lock_mode, @@auto_increment_increment AS increment,
		@@innodb_flush_log_at_trx_commit AS flush, @@max_allowed_packet AS packet, `+wsrepOn(ctx, db)+` AS wsrep`); err != nil {
		db.Close()
		return nil, fmt.Errorf("read server settings: %w", err)
	}
	// On Galera a transaction can be aborted by the cluster (a brute-force
	// abort by a replicated write, or a failed certification) while it runs.
	// The statements of a multi-statement batch that follow the abort then
	// run on their own, each committed at once: a batch that lost its
	// ledger transaction row still inserted its entries and its orders row.
	// So on Galera every statement goes in its own round trip: the first
	// one after an abort fails with a deadlock and the whole transaction is
	// retried, never a statement inside an aborted one.
	oneStatementAtATime.Store(ai.Wsrep == 1)
	d := &DB{db: db, now: func() time.Time { return time.Now().UTC() },
		settings: ServerSettings{FlushLogAtCommit: ai.Flush, MaxAllowedPacket: ai.Packet}}
	// A quarter of the packet for bodies leaves room for escaping (binary
	// bodies may double) and the other columns; never above 4 MiB.
	d.insertBytes = int(min(ai.Packet/4, 4<<20))
	if ai.LockMode != 2 {
		d.idStep = ai.Increment
	}
	d.consecutiveIDs = ai.LockMode != 2 && ai.Increment == 1
	return d, nil
}

// oneStatementAtATime is set when the server is a Galera node (see Open):
// write batches and multi-result reads are then sent a statement at a time.
// One process talks to one kind of server, so it is process-wide.
var oneStatementAtATime atomic.Bool

// wsrepOn is the SQL expression for whether the server runs Galera: the
// variable exists only on servers built with wsrep.
func wsrepOn(ctx context.Context, db *sqlx.DB) string {
	var n int
	if err := db.GetContext(ctx, &n, `SELECT COUNT(*) FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME='WSREP_ON'`); err != nil || n == 0 {
		return "0"
	}
	return "@@wsrep_on"
}

// transactionRetries counts transactions run again after a deadlock, a
// lock wait timeout or, on Galera, a brute-force abort or failed
// certification (all reported as deadlocks); exported as a metric.
var transactionRetries atomic.Uint64

// TransactionRetries is how many transactions were retried whole.
func TransactionRetries() uint64 { return transactionRetries.Load() }

func isUnknownVariable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1193
}

// SetClock replaces the clock (tests).
func (d *DB) SetClock(now func() time.Time) { d.now = func() time.Time { return now().UTC() } }

// Now returns the database layer's current time.
func (d *DB) Now() time.Time { return d.now() }

// Close closes the pool. Close the services that hold statements or
// queues first.
func (d *DB) Close() error {
	d.closeStmts()
	return d.db.Close()
}

// Ping checks that the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Migrate applies every pending migration.
func (d *DB) Migrate(ctx context.Context) error {
	goose.SetBaseFS(migrations.FS)
	goose.SetLogger(goose.NopLogger())
	if err := goose.SetDialect("mysql"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := goose.UpContext(ctx, d.db.DB, "."); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return d.backfillPoints(ctx)
}

// backfillPoints fills the points rollup (migration 00034) of stores whose
// ledger predates it. SQL alone cannot place entries on a store's days
// (time zone tables may be missing), so it runs here, once per such store.
func (d *DB) backfillPoints(ctx context.Context) error {
	var ids []int64
	if err := d.db.SelectContext(ctx, &ids, `SELECT s.id FROM stores s WHERE NOT EXISTS (SELECT 1 FROM report_points_days r WHERE r.store_id=s.id)
		AND EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.store_id=s.id)`); err != nil {
		return fmt.Errorf("stores to backfill: %w", err)
	}
	r := NewReportService(d, nil)
	for _, id := range ids {
		st, err := loadStore(ctx, d.db, id)
		if err != nil {
			return err
		}
		if err := r.rebuildPoints(ctx, st); err != nil {
			return fmt.Errorf("backfill points of store %d: %w", id, err)
		}
	}
	return nil
}

// inTx runs fn in a transaction, committing when it returns nil. Deadlocks
// and lock wait timeouts are retried a bounded number of times: InnoDB rolls
// the whole transaction back, so running fn again is safe.
func (d *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx, now time.Time) error) error {
	return d.retry(ctx, func() error { return d.tryTx(ctx, fn) })
}

// retry runs attempt until it succeeds, fails for good or has failed 12
// times with a deadlock, lock wait timeout or errRaced.
func (d *DB) retry(ctx context.Context, attempt func() error) error {
	const attempts = 12
	var err error
	for i := 0; i < attempts; i++ {
		err = attempt()
		if !isRetryable(err) {
			return err
		}
		transactionRetries.Add(1)
		// Jittered, growing pause so the transactions that collided do not
		// collide again in lockstep.
		pause := time.Duration(mrand.Int64N(int64(time.Millisecond)*int64(2<<min(i, 6)))) + time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
	return err
}

// dueItem is one row a background job acts on.
type dueItem struct {
	Store int64 `db:"store_id"`
	ID    int64 `db:"id"`
}

// eachDue runs a background job's step (maturity, expiry, approvals) for
// every row the query finds, each in its own transaction. A failing row
// does not hold back the others: every failure is reported and the row is
// tried again next round. It returns how many steps did something; it stops
// when ctx ends. Steps must decide from the row they lock, so several
// instances may run the job at once.
func (d *DB) eachDue(ctx context.Context, what, query string, args []any, step func(tx *sqlx.Tx, now time.Time, it dueItem) (bool, error)) (int, error) {
	var due []dueItem
	if err := d.db.SelectContext(ctx, &due, query, args...); err != nil {
		return 0, fmt.Errorf("find due %s: %w", what, err)
	}
	n := 0
	var errs []error
	for _, it := range due {
		did := false
		err := d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
			var err error
			did, err = step(tx, now, it)
			return err
		})
		switch {
		case err == nil && did:
			n++
		case err != nil && ctx.Err() != nil:
			return n, ctx.Err()
		case err != nil:
			errs = append(errs, fmt.Errorf("%s %d of store %d: %w", what, it.ID, it.Store, err))
		}
	}
	return n, errors.Join(errs...)
}

func (d *DB) tryTx(ctx context.Context, fn func(tx *sqlx.Tx, now time.Time) error) error {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx, d.now()); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func isRetryable(err error) bool {
	if errors.Is(err, errRaced) {
		return true
	}
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == errDeadlock || me.Number == errLockWaitTime)
}

// isDuplicate reports a duplicate-key error on the named unique key.
func isDuplicate(err error, key string) bool {
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != errDuplicate {
		return false
	}
	return key == "" || containsKey(me.Message, key)
}

func containsKey(msg, key string) bool {
	// MariaDB: "Duplicate entry '1-x' for key 'ledger_tx_key'"; MySQL 8 prefixes the table name.
	for i := 0; i+len(key) <= len(msg); i++ {
		if msg[i:i+len(key)] == key {
			return true
		}
	}
	return false
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return loyalty.Errorf(loyalty.ENotFound, format, args...)
	}
	return err
}

// EnsureDatabase creates the database named in dsn when it does not exist,
// so a fresh server needs no manual step.
func EnsureDatabase(ctx context.Context, dsn string) error {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return fmt.Errorf("parse mysql dsn: %w", err)
	}
	name := cfg.DBName
	if name == "" {
		return fmt.Errorf("mysql dsn names no database")
	}
	for _, r := range name {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("database name %q: only letters, digits, - and _ are supported", name)
		}
	}
	cfg.DBName = ""
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return fmt.Errorf("open mysql: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// selectQuery is one SELECT of a selectAll round trip: its rows are
// handed, one at a time, to scan.
type selectQuery struct {
	query string
	args  []any
	scan  func(rows *sqlx.Rows) error
}

// structs scans each row into a new element of *dest (a slice of structs).
func structs[T any](dest *[]T) func(rows *sqlx.Rows) error {
	return func(rows *sqlx.Rows) error {
		var v T
		if err := rows.StructScan(&v); err != nil {
			return err
		}
		*dest = append(*dest, v)
		return nil
	}
}

// selectAll runs the SELECTs in one round trip (one statement after another
// with several result sets), or on Galera one at a time.
func selectAll(ctx context.Context, q sqlx.QueryerContext, qs []selectQuery) error {
	scanAll := func(rows *sqlx.Rows, s selectQuery) error {
		// A fresh wrapper per result set: sqlx.Rows keeps the column
		// mapping of the first StructScan.
		set := &sqlx.Rows{Rows: rows.Rows, Mapper: rows.Mapper}
		for set.Next() {
			if err := s.scan(set); err != nil {
				return err
			}
		}
		return set.Err()
	}
	if oneStatementAtATime.Load() {
		for _, s := range qs {
			rows, err := q.QueryxContext(ctx, s.query, s.args...)
			if err != nil {
				return err
			}
			err = scanAll(rows, s)
			rows.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	var joined strings.Builder
	var args []any
	for i, s := range qs {
		if i > 0 {
			joined.WriteString(";\n")
		}
		joined.WriteString(s.query)
		args = append(args, s.args...)
	}
	rows, err := q.QueryxContext(ctx, joined.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for i, s := range qs {
		if i > 0 && !rows.NextResultSet() {
			if err := rows.Err(); err != nil {
				return err
			}
			return fmt.Errorf("result set %d of %d missing", i+1, len(qs))
		}
		if err := scanAll(rows, s); err != nil {
			return err
		}
	}
	return rows.Close()
}
