package mysql

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

var _ loyalty.CustomerLedger = (*DB)(nil)

// post appends t and its entries and updates the balance rows of every
// customer it touches, all inside tx. The caller must hold the customers'
// rows locked (lockCustomers) so balances move with their entries. A replay
// of t.Key with the same inputs returns the first transaction's id and
// replayed=true; with other inputs it is EConflict.
func post(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, t loyalty.Transaction) (id int64, replayed bool, err error) {
	entries, err := t.Entries()
	if err != nil {
		return 0, false, err
	}
	hash := t.InputHash()
	var customer, order any
	if t.Customer > 0 {
		customer = t.Customer
	}
	if t.OrderID > 0 {
		order = t.OrderID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO ledger_transactions
		(store_id, idempotency_key, input_hash, kind, customer_pk, order_id, reason, actor, created_at)
		VALUES (?,?,?,?,?,?,?,?,?)`, store, t.Key, hash[:], t.Kind, customer, order, t.Reason, t.Actor, t.At)
	if isDuplicate(err, "ledger_tx_key") {
		var prev struct {
			ID   int64  `db:"id"`
			Hash []byte `db:"input_hash"`
		}
		if err := tx.GetContext(ctx, &prev, `SELECT id, input_hash FROM ledger_transactions
			WHERE store_id=? AND idempotency_key=?`, store, t.Key); err != nil {
			return 0, false, fmt.Errorf("read replayed transaction: %w", err)
		}
		if !bytes.Equal(prev.Hash, hash[:]) {
			return 0, false, loyalty.Errorf(loyalty.EConflict, "idempotency key was already used with different inputs")
		}
		return prev.ID, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("insert transaction: %w", err)
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, false, fmt.Errorf("transaction id: %w", err)
	}

	var q strings.Builder
	q.WriteString(`INSERT INTO ledger_entries (store_id, transaction_id, account, customer_pk, amount) VALUES `)
	args := make([]any, 0, 5*len(entries))
	for i, e := range entries {
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString("(?,?,?,?,?)")
		var c any
		if e.Account.Customer > 0 {
			c = e.Account.Customer
		}
		args = append(args, store, id, e.Account.Kind, c, e.Amount)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return 0, false, fmt.Errorf("insert entries: %w", err)
	}

	for _, c := range touchedCustomers(t.Postings) {
		d := loyalty.Balance{}.Apply(c, t.Postings)
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET available = available + ?, pending = pending + ?,
			lifetime = lifetime + ?, updated_at = ? WHERE id = ?`,
			d.Available, d.Pending, d.Lifetime, t.At, c); err != nil {
			return 0, false, fmt.Errorf("update balance: %w", err)
		}
	}
	return id, false, nil
}

// writes collects statements that need no answer, to send them in one round
// trip at the end of a unit of work (the connection allows multiple
// statements; every value still goes through the driver's escaping).
type writes struct {
	q    strings.Builder
	args []any
}

func (w *writes) add(query string, args ...any) {
	if w.q.Len() > 0 {
		w.q.WriteString(";\n")
	}
	w.q.WriteString(query)
	w.args = append(w.args, args...)
}

func (w *writes) flush(ctx context.Context, tx *sqlx.Tx) error {
	if w.q.Len() == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, w.q.String(), w.args...)
	w.q.Reset()
	w.args = w.args[:0]
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func touchedCustomers(ps []loyalty.Posting) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, p := range ps {
		for _, a := range []loyalty.Account{p.From, p.To} {
			if a.Customer > 0 && !seen[a.Customer] {
				seen[a.Customer] = true
				out = append(out, a.Customer)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

type customerRow struct {
	ID         int64   `db:"id"`
	StoreID    int64   `db:"store_id"`
	WCID       *int64  `db:"wc_customer_id"`
	GuestEmail *string `db:"guest_email"`
	MergedInto *int64  `db:"merged_into"`
	Available  int64   `db:"available"`
	Pending    int64   `db:"pending"`
	Lifetime   int64   `db:"lifetime"`
}

// lockCustomers locks customer rows in ascending id order (the fixed lock
// order that keeps concurrent postings free of deadlocks) and returns them.
func lockCustomers(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, ids ...int64) (map[int64]customerRow, error) {
	ids = append([]int64(nil), ids...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := map[int64]customerRow{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		// By primary key only: with "AND store_id=?" the optimizer may pick
		// the (store_id, ...) index and lock a range of other customers.
		var r customerRow
		if err := tx.GetContext(ctx, &r, `SELECT id, store_id, wc_customer_id, guest_email, merged_into, available, pending, lifetime
			FROM customers WHERE id=? FOR UPDATE`, id); err != nil {
			return nil, fmt.Errorf("lock customer %d: %w", id, err)
		}
		if r.StoreID != store {
			return nil, fmt.Errorf("customer %d belongs to store %d, not %d", id, r.StoreID, store)
		}
		out[id] = r
	}
	return out, nil
}

// ensureCustomer returns the internal id of the WooCommerce customer,
// creating the row when missing, and leaves the row locked. It reads before
// inserting: INSERT ... ON DUPLICATE KEY takes next-key locks that deadlock
// concurrent first postings of neighbouring customers.
func ensureCustomer(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, wcID int64, email string, now time.Time) (int64, error) {
	var em any
	if email != "" {
		em = email
	}
	return ensureRow(ctx, tx,
		`SELECT id FROM customers WHERE store_id=? AND wc_customer_id=? FOR UPDATE`, []any{store, wcID},
		`INSERT INTO customers (store_id, wc_customer_id, email, created_at, updated_at) VALUES (?,?,?,?,?)`,
		[]any{store, wcID, em, now, now}, "customers_wc")
}

// ensureGuest returns the internal id for a guest e-mail, following a merge
// into a registered customer when there was one.
func ensureGuest(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, email string, now time.Time) (int64, error) {
	id, err := ensureRow(ctx, tx,
		`SELECT id FROM customers WHERE store_id=? AND guest_email=? FOR UPDATE`, []any{store, email},
		`INSERT INTO customers (store_id, guest_email, email, created_at, updated_at) VALUES (?,?,?,?,?)`,
		[]any{store, email, email, now, now}, "customers_guest")
	if err != nil {
		return 0, err
	}
	var merged *int64
	if err := tx.GetContext(ctx, &merged, `SELECT merged_into FROM customers WHERE id=?`, id); err != nil {
		return 0, fmt.Errorf("read guest: %w", err)
	}
	if merged != nil {
		return *merged, nil
	}
	return id, nil
}

// ensureRow selects a row's id for update, inserting it when missing; a
// concurrent insert of the same key is resolved by selecting again.
func ensureRow(ctx context.Context, tx *sqlx.Tx, sel string, selArgs []any, ins string, insArgs []any, key string) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, sel, selArgs...)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find customer: %w", err)
	}
	res, err := tx.ExecContext(ctx, ins, insArgs...)
	if isDuplicate(err, key) {
		if err := tx.GetContext(ctx, &id, sel, selArgs...); err != nil {
			return 0, fmt.Errorf("find customer after race: %w", err)
		}
		return id, nil
	}
	if err != nil {
		return 0, fmt.Errorf("insert customer: %w", err)
	}
	return res.LastInsertId()
}

// Balance returns the WooCommerce customer's balance; zeros for a customer
// the ledger has not seen.
func (d *DB) Balance(ctx context.Context, store loyalty.StoreID, customerID int64) (loyalty.Balance, error) {
	// The storefront's hottest read: a prepared statement (parsed once per
	// connection) and a plain Scan, no reflection.
	stmt, err := d.balanceQuery(ctx)
	if err != nil {
		return loyalty.Balance{}, err
	}
	var b loyalty.Balance
	err = stmt.QueryRowContext(ctx, store, customerID).Scan(&b.Available, &b.Pending, &b.Lifetime)
	if errors.Is(err, sql.ErrNoRows) {
		return loyalty.Balance{}, nil
	}
	if err != nil {
		return loyalty.Balance{}, fmt.Errorf("read balance: %w", err)
	}
	return b, nil
}

type activityRow struct {
	ID        int64     `db:"id"`
	Kind      string    `db:"kind"`
	OrderID   *int64    `db:"order_id"`
	Reason    string    `db:"reason"`
	CreatedAt time.Time `db:"created_at"`
	Available int64     `db:"available_delta"`
	Pending   int64     `db:"pending_delta"`
}

func (r activityRow) activity() loyalty.Activity {
	return loyalty.Activity{ID: r.ID, Kind: r.Kind, OrderID: r.OrderID, Reason: r.Reason, CreatedAt: r.CreatedAt,
		AvailableDelta: r.Available, PendingDelta: r.Pending}
}

// Activity returns the customer's transactions, newest first, with ids
// below before (0 for the newest), at most limit.
func (d *DB) Activity(ctx context.Context, store loyalty.StoreID, customerID int64, before int64, limit int) ([]loyalty.Activity, error) {
	var pk int64
	err := d.db.GetContext(ctx, &pk, `SELECT id FROM customers WHERE store_id=? AND wc_customer_id=?`, store, customerID)
	if errors.Is(err, sql.ErrNoRows) {
		return []loyalty.Activity{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find customer: %w", err)
	}
	return activityOf(ctx, d.db, store, pk, before, limit)
}

func activityOf(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, pk, before int64, limit int) ([]loyalty.Activity, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	var rows []activityRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT t.id, t.kind, t.order_id, t.reason, t.created_at,
		COALESCE(SUM(CASE WHEN e.account='available' AND e.customer_pk=t.customer_pk THEN e.amount END), 0) AS available_delta,
		COALESCE(SUM(CASE WHEN e.account='pending' AND e.customer_pk=t.customer_pk THEN e.amount END), 0) AS pending_delta
		FROM ledger_transactions t JOIN ledger_entries e ON e.store_id=t.store_id AND e.transaction_id=t.id
		WHERE t.store_id=? AND t.customer_pk=? AND t.id < ?
		GROUP BY t.id, t.kind, t.order_id, t.reason, t.created_at
		ORDER BY t.id DESC LIMIT ?`, store, pk, before, limit)
	if err != nil {
		return nil, fmt.Errorf("read activity: %w", err)
	}
	out := make([]loyalty.Activity, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.activity())
	}
	return out, nil
}

// Adjust posts a manual adjustment (positive or negative points) to the
// customer's available account under key. EInvalid, EConflict.
func (d *DB) Adjust(ctx context.Context, store loyalty.StoreID, customerID int64, points int64, reason, key, actor string) (loyalty.Activity, loyalty.Balance, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case customerID <= 0:
		return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "customer id must be a positive integer")
	case points == 0:
		return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "points must not be zero")
	case points > 1e12 || points < -1e12:
		return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "points out of range")
	case reason == "" || len(reason) > 500:
		return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "a reason of 1 to 500 characters is required")
	case key == "" || len(key) > 150:
		return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "an Idempotency-Key header of 1 to 150 characters is required")
	}
	var act loyalty.Activity
	var bal loyalty.Balance
	err := d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := d.storeTx(ctx, tx, store); err != nil {
			return err
		}
		pk, err := ensureCustomer(ctx, tx, store, customerID, "", now)
		if err != nil {
			return err
		}
		if _, err := lockCustomers(ctx, tx, store, pk); err != nil {
			return err
		}
		p := loyalty.Posting{From: loyalty.SystemAccount(loyalty.AccountAdjusted), To: loyalty.CustomerAccount(loyalty.AccountAvailable, pk), Amount: points}
		if points < 0 {
			p = loyalty.Posting{From: p.To, To: p.From, Amount: -points}
		}
		id, _, err := post(ctx, tx, store, loyalty.Transaction{Key: "adjust:" + key, Kind: loyalty.KindAdjustment,
			Customer: pk, Reason: reason, Actor: actor, Postings: []loyalty.Posting{p}, At: now})
		if err != nil {
			return err
		}
		acts, err := activityOf(ctx, tx, store, pk, id+1, 1)
		if err != nil {
			return err
		}
		if len(acts) != 1 || acts[0].ID != id {
			return fmt.Errorf("adjustment %d not readable", id)
		}
		act = acts[0]
		rows, err := lockCustomers(ctx, tx, store, pk)
		if err != nil {
			return err
		}
		bal = loyalty.Balance{Available: rows[pk].Available, Pending: rows[pk].Pending, Lifetime: rows[pk].Lifetime}
		return nil
	})
	return act, bal, err
}

// Customer returns the WooCommerce customer's balance and latest activity. ENotFound.
func (d *DB) Customer(ctx context.Context, store loyalty.StoreID, customerID int64, before int64, limit int) (loyalty.CustomerDetail, error) {
	var r struct {
		ID        int64   `db:"id"`
		Email     *string `db:"email"`
		Available int64   `db:"available"`
		Pending   int64   `db:"pending"`
		Lifetime  int64   `db:"lifetime"`
	}
	err := d.db.GetContext(ctx, &r, `SELECT id, email, available, pending, lifetime FROM customers WHERE store_id=? AND wc_customer_id=?`, store, customerID)
	if err != nil {
		return loyalty.CustomerDetail{}, notFound(err, "customer %d not found", customerID)
	}
	acts, err := activityOf(ctx, d.db, store, r.ID, before, limit)
	if err != nil {
		return loyalty.CustomerDetail{}, err
	}
	out := loyalty.CustomerDetail{Balance: loyalty.Balance{Available: r.Available, Pending: r.Pending, Lifetime: r.Lifetime}, Activity: acts}
	if r.Email != nil {
		out.Email = *r.Email
	}
	return out, nil
}
