package mysql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The customers table: identity (a WooCommerce customer id or a guest
// e-mail) and the materialized balance columns, which only the ledger
// writer (ledger.go) changes.

var _ loyalty.CustomerLedger = (*CustomerService)(nil)

// CustomerService reads customers' balances and activity and posts manual
// adjustments.
type CustomerService struct {
	db *DB
}

// NewCustomerService returns the customer service on db.
func NewCustomerService(db *DB) *CustomerService { return &CustomerService{db: db} }

// customerColumns are read into customerRow.
const customerColumns = `id, store_id, wc_customer_id, guest_email, merged_into, available, pending, held, lifetime`

type customerRow struct {
	ID         int64   `db:"id"`
	StoreID    int64   `db:"store_id"`
	WCID       *int64  `db:"wc_customer_id"`
	GuestEmail *string `db:"guest_email"`
	MergedInto *int64  `db:"merged_into"`
	Available  int64   `db:"available"`
	Pending    int64   `db:"pending"`
	Held       int64   `db:"held"`
	Lifetime   int64   `db:"lifetime"`
}

func (r customerRow) balance() loyalty.Balance {
	return loyalty.Balance{Available: r.Available, Pending: r.Pending, Held: r.Held, Lifetime: r.Lifetime}
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
		if err := tx.GetContext(ctx, &r, `SELECT `+customerColumns+` FROM customers WHERE id=? FOR UPDATE`, id); err != nil {
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

// lockCustomerByWC locks the WooCommerce customer's row (creating it when
// missing) and returns it with its balances, in one read when it exists.
func lockCustomerByWC(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, wcID int64, now time.Time) (customerRow, error) {
	var r customerRow
	err := tx.GetContext(ctx, &r, `SELECT `+customerColumns+` FROM customers WHERE store_id=? AND wc_customer_id=? FOR UPDATE`, store, wcID)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return customerRow{}, fmt.Errorf("lock customer: %w", err)
	}
	id, err := ensureCustomer(ctx, tx, store, wcID, "", now)
	if err != nil {
		return customerRow{}, err
	}
	rows, err := lockCustomers(ctx, tx, store, id)
	if err != nil {
		return customerRow{}, err
	}
	return rows[id], nil
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

// lockOrCreateCustomers locks the rows of the WooCommerce customers ids in
// two set queries (ascending, the order every worker locks in), creating
// the missing ones with the e-mails given, and returns internal ids by
// WooCommerce id. A concurrent first insert of one of them is errRaced.
func lockOrCreateCustomers(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, ids []int64, emails map[int64]string, now time.Time) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	read := func(lock bool, ids []int64) error {
		q := `SELECT id, wc_customer_id FROM customers WHERE store_id=? AND wc_customer_id IN (?) ORDER BY wc_customer_id`
		if lock {
			q += ` FOR UPDATE`
		}
		q, args, err := sqlx.In(q, store, ids)
		if err != nil {
			return err
		}
		var rows []struct {
			ID   int64 `db:"id"`
			WCID int64 `db:"wc_customer_id"`
		}
		if err := tx.SelectContext(ctx, &rows, q, args...); err != nil {
			return err
		}
		for _, r := range rows {
			out[r.WCID] = r.ID
		}
		return nil
	}
	if err := read(true, ids); err != nil {
		return nil, fmt.Errorf("lock customers: %w", err)
	}
	var missing []int64
	var ins strings.Builder
	var insArgs []any
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		missing = append(missing, id)
		if ins.Len() > 0 {
			ins.WriteString(",")
		}
		ins.WriteString("(?,?,?,?,?)")
		var em any
		if e := emails[id]; e != "" {
			em = e
		}
		insArgs = append(insArgs, store, id, em, now, now)
	}
	if len(missing) == 0 {
		return out, nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO customers (store_id, wc_customer_id, email, created_at, updated_at) VALUES `+ins.String(), insArgs...)
	if isDuplicate(err, "customers_wc") {
		return nil, fmt.Errorf("create customers: %w", errRaced)
	}
	if err != nil {
		return nil, fmt.Errorf("create customers: %w", err)
	}
	// The inserted rows are ours (locked by the insert); read their ids.
	if err := read(false, missing); err != nil {
		return nil, fmt.Errorf("read new customers: %w", err)
	}
	return out, nil
}

// guest returns the row as the domain sees a guest identity.
func (r customerRow) guest() loyalty.Guest {
	g := loyalty.Guest{ID: r.ID, Balance: r.balance()}
	if r.MergedInto != nil {
		g.MergedInto = *r.MergedInto
	}
	return g
}

// markMerged records that the guest's activity belongs to customer now.
func markMerged(ctx context.Context, tx *sqlx.Tx, guest, customer int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET merged_into=?, updated_at=? WHERE id=?`, customer, now, guest); err != nil {
		return fmt.Errorf("mark guest merged: %w", err)
	}
	return nil
}

// Balance returns the WooCommerce customer's balance; zeros for a customer
// the ledger has not seen.
func (s *CustomerService) Balance(ctx context.Context, store loyalty.StoreID, customerID int64) (loyalty.Balance, error) {
	// The storefront's hottest read: prepared, and a plain Scan, no reflection.
	var b loyalty.Balance
	err := s.db.prepared().QueryRowxContext(ctx, `SELECT available, pending, held, lifetime FROM customers WHERE store_id=? AND wc_customer_id=?`,
		store, customerID).Scan(&b.Available, &b.Pending, &b.Held, &b.Lifetime)
	if errors.Is(err, sql.ErrNoRows) {
		return loyalty.Balance{}, nil
	}
	if err != nil {
		return loyalty.Balance{}, fmt.Errorf("read balance: %w", err)
	}
	return b, nil
}

// Activity returns the customer's transactions, newest first, with ids
// below before (0 for the newest), at most limit.
// A customer the store has not seen has none.
func (s *CustomerService) Activity(ctx context.Context, store loyalty.StoreID, customerID int64, before int64, limit int) ([]loyalty.Activity, error) {
	return activityWithTiers(ctx, s.db.prepared(), store, byWC(customerID), before, limit)
}

// activityWithTiers is a page of the customer's ledger activity with the
// tier changes that happened within its span: after the page's oldest
// transaction (or ever, on the last page) and up to the transaction the
// cursor names (or now, on the first page). The two reads run side by side
// (the storefront shows this page on every cold view): the tier changes are
// the newest up to the cursor, cut to the page's span once both are in.
func activityWithTiers(ctx context.Context, db sqlx.QueryerContext, store loyalty.StoreID, who customerRef, before int64, limit int) ([]loyalty.Activity, error) {
	cust, custArgs := who.match("c.customer_pk", store)
	query := `SELECT c.id, c.to_tier, c.reason, c.created_at, t.names FROM tier_changes c LEFT JOIN tiers t ON t.store_id=c.store_id AND t.id=c.to_tier
		WHERE c.store_id=? AND ` + cust
	args := append([]any{store}, custArgs...)
	if before > 0 {
		query += ` AND c.created_at <= (SELECT created_at FROM ledger_transactions WHERE store_id=? AND id=?)`
		args = append(args, store, before)
	}
	var (
		page []loyalty.Activity
		rows []struct {
			ID     int64     `db:"id"`
			To     *int64    `db:"to_tier"`
			Reason string    `db:"reason"`
			At     time.Time `db:"created_at"`
			Names  *string   `db:"names"`
		}
		g errgroup.Group
	)
	g.Go(func() (err error) {
		page, err = readActivity(ctx, db, store, who, before, limit)
		return err
	})
	g.Go(func() error {
		if err := sqlx.SelectContext(ctx, db, &rows, query+` ORDER BY c.id DESC LIMIT 100`, args...); err != nil {
			return fmt.Errorf("read tier changes: %w", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	changes := make([]loyalty.Activity, 0, len(rows))
	for _, r := range rows {
		if len(page) == limit && limit > 0 && !r.At.After(page[len(page)-1].CreatedAt) {
			continue // older than the page: it belongs to a later one
		}
		a := loyalty.Activity{Kind: loyalty.KindTierChange, Reason: r.Reason, CreatedAt: r.At.UTC()}
		if r.To != nil && r.Names != nil {
			if err := json.Unmarshal([]byte(*r.Names), &a.TierNames); err != nil {
				return nil, fmt.Errorf("tier %d names: %w", *r.To, err)
			}
		}
		changes = append(changes, a)
	}
	return loyalty.MergeTierChanges(page, changes), nil
}

// Customer returns the WooCommerce customer's balance and latest activity. ENotFound.
func (s *CustomerService) Customer(ctx context.Context, store loyalty.StoreID, customerID int64, before int64, limit int) (loyalty.CustomerDetail, error) {
	var r struct {
		customerRow
		Email *string `db:"email"`
	}
	err := s.db.db.GetContext(ctx, &r, `SELECT `+customerColumns+`, email
		FROM customers WHERE store_id=? AND wc_customer_id=?`, store, customerID)
	if err != nil {
		return loyalty.CustomerDetail{}, notFound(err, "customer %d not found", customerID)
	}
	acts, err := activityWithTiers(ctx, s.db.prepared(), store, byPK(r.ID), before, limit)
	if err != nil {
		return loyalty.CustomerDetail{}, err
	}
	out := loyalty.CustomerDetail{Balance: r.balance(), Activity: acts}
	if r.Email != nil {
		out.Email = *r.Email
	}
	return out, nil
}

// Adjust posts a manual adjustment to the customer's available points
// under its idempotency key. EInvalid, EConflict, ENotFound for no store.
func (s *CustomerService) Adjust(ctx context.Context, store loyalty.StoreID, a loyalty.Adjustment) (loyalty.Activity, loyalty.Balance, error) {
	if err := a.Validate(); err != nil {
		return loyalty.Activity{}, loyalty.Balance{}, err
	}
	var act loyalty.Activity
	var bal loyalty.Balance
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := loadStore(ctx, tx, store); err != nil {
			return err
		}
		pk, err := ensureCustomer(ctx, tx, store, a.CustomerID, "", now)
		if err != nil {
			return err
		}
		id, _, err := newLedger(tx).Post(ctx, store, a.Transaction(pk, now))
		if err != nil {
			return err
		}
		acts, err := readActivity(ctx, tx, store, byPK(pk), id+1, 1)
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
		bal = rows[pk].balance()
		return nil
	})
	return act, bal, err
}

// customersByEmail returns the store's customer rows with the e-mail, as a
// registered customer's address or a guest identity.
func customersByEmail(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, email string) ([]customerRow, error) {
	var rows []customerRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+customerColumns+`
		FROM customers WHERE store_id=? AND (email=? OR guest_email=?) ORDER BY id`, store, email, email); err != nil {
		return nil, fmt.Errorf("find customers by e-mail: %w", err)
	}
	return rows, nil
}

// eraseEmail removes the e-mail from the store's customers (a guest
// identity keeps its id, ledger and orders, anonymous) and returns how many
// rows named it.
func eraseEmail(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, email string, now time.Time) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE customers SET email=NULL, guest_email=NULL, updated_at=?
		WHERE store_id=? AND (email=? OR guest_email=?)`, now, store, email, email)
	if err != nil {
		return 0, fmt.Errorf("erase e-mail: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
