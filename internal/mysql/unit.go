package mysql

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// errRaced marks a conflict with a concurrent first insert of the same key:
// the whole transaction is rolled back and run again.
var errRaced = errors.New("concurrent insert of the same row")

type orderKey struct {
	store loyalty.StoreID
	order int64
}

type customerKey struct {
	store loyalty.StoreID
	wcID  int64
}

// unit is one worker transaction. It remembers the order and customer rows
// it holds locked, so a batch of deliveries locks them with a few set
// queries instead of a round trip each, and it buffers writes until flush.
// Every read that may depend on buffered writes flushes them first.
type unit struct {
	tx        *sqlx.Tx
	now       time.Time
	w         writes
	orders    map[orderKey]*orderRow
	customers map[customerKey]int64
}

func newUnit(tx *sqlx.Tx, now time.Time) *unit {
	return &unit{tx: tx, now: now, orders: map[orderKey]*orderRow{}, customers: map[customerKey]int64{}}
}

// flush sends the buffered writes.
func (u *unit) flush(ctx context.Context) error { return u.w.flush(ctx, u.tx) }

// forget drops cached rows after a write that may change them behind the cache's back.
func (u *unit) forget() {
	clear(u.orders)
	clear(u.customers)
}

// order returns the locked row of the order, creating it when missing.
// The pointer stays valid for the transaction: callers update it as they write.
func (u *unit) order(ctx context.Context, store loyalty.StoreID, id int64) (*orderRow, error) {
	k := orderKey{store, id}
	if o, ok := u.orders[k]; ok {
		return o, nil
	}
	if err := u.flush(ctx); err != nil {
		return nil, err
	}
	o, err := lockOrder(ctx, u.tx, store, id, u.now)
	if err != nil {
		return nil, err
	}
	u.orders[k] = &o
	return &o, nil
}

// customer returns the locked customer row's id for a WooCommerce customer.
func (u *unit) customer(ctx context.Context, store loyalty.StoreID, wcID int64, email string) (int64, error) {
	k := customerKey{store, wcID}
	if id, ok := u.customers[k]; ok {
		return id, nil
	}
	if err := u.flush(ctx); err != nil {
		return 0, err
	}
	id, err := ensureCustomer(ctx, u.tx, store, wcID, email, u.now)
	if err != nil {
		return 0, err
	}
	u.customers[k] = id
	return id, nil
}

// guest returns the customer id a guest e-mail resolves to.
func (u *unit) guest(ctx context.Context, store loyalty.StoreID, email string) (int64, error) {
	if err := u.flush(ctx); err != nil {
		return 0, err
	}
	return ensureGuest(ctx, u.tx, store, email, u.now)
}

// prefetch locks, in two set queries per table, every order and registered
// customer the events name, creating the missing rows, in ascending key
// order (the order every worker locks in).
func (u *unit) prefetch(ctx context.Context, store loyalty.StoreID, evs []loyalty.Event) error {
	var orderIDs, wcIDs []int64
	emails := map[int64]string{}
	seenO, seenC := map[int64]bool{}, map[int64]bool{}
	for _, ev := range evs {
		id := ev.OrderID
		if ev.Kind == loyalty.EventOrder {
			id = ev.Order.OrderID
			if c := ev.Order.CustomerID; c > 0 && !seenC[c] {
				seenC[c] = true
				wcIDs = append(wcIDs, c)
				emails[c] = ev.Order.Email
			}
		}
		if id > 0 && !seenO[id] && (ev.Kind == loyalty.EventOrder || ev.Kind == loyalty.EventOrderDeleted || ev.Kind == loyalty.EventOrderRefunded) {
			seenO[id] = true
			orderIDs = append(orderIDs, id)
		}
	}
	if err := u.prefetchOrders(ctx, store, orderIDs); err != nil {
		return err
	}
	return u.prefetchCustomers(ctx, store, wcIDs, emails)
}

func (u *unit) prefetchOrders(ctx context.Context, store loyalty.StoreID, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	q, args, err := sqlx.In(`SELECT order_id, customer_pk, status, date_modified_gmt, applied_inbox_id, deleted,
		rule_points, rule_per, rule_exponent, first_paid_at, matures_at, points_pending, points_available, revision
		FROM orders WHERE store_id=? AND order_id IN (?) ORDER BY order_id FOR UPDATE`, store, ids)
	if err != nil {
		return fmt.Errorf("prefetch orders: %w", err)
	}
	var rows []struct {
		OrderID int64 `db:"order_id"`
		orderRow
	}
	if err := u.tx.SelectContext(ctx, &rows, q, args...); err != nil {
		return fmt.Errorf("prefetch orders: %w", err)
	}
	for i := range rows {
		o := rows[i].orderRow
		u.orders[orderKey{store, rows[i].OrderID}] = &o
	}
	var ins strings.Builder
	var insArgs []any
	for _, id := range ids {
		if _, ok := u.orders[orderKey{store, id}]; ok {
			continue
		}
		if ins.Len() > 0 {
			ins.WriteString(",")
		}
		ins.WriteString("(?,?,'new',?)")
		insArgs = append(insArgs, store, id, u.now)
		u.orders[orderKey{store, id}] = &orderRow{Status: "new"}
	}
	if ins.Len() == 0 {
		return nil
	}
	_, err = u.tx.ExecContext(ctx, `INSERT INTO orders (store_id, order_id, status, updated_at) VALUES `+ins.String(), insArgs...)
	if isDuplicate(err, "PRIMARY") {
		return fmt.Errorf("prefetch orders: %w", errRaced)
	}
	if err != nil {
		return fmt.Errorf("create orders: %w", err)
	}
	return nil
}

func (u *unit) prefetchCustomers(ctx context.Context, store loyalty.StoreID, ids []int64, emails map[int64]string) error {
	if len(ids) == 0 {
		return nil
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
		if err := u.tx.SelectContext(ctx, &rows, q, args...); err != nil {
			return err
		}
		for _, r := range rows {
			u.customers[customerKey{store, r.WCID}] = r.ID
		}
		return nil
	}
	if err := read(true, ids); err != nil {
		return fmt.Errorf("prefetch customers: %w", err)
	}
	var missing []int64
	var ins strings.Builder
	var insArgs []any
	for _, id := range ids {
		if _, ok := u.customers[customerKey{store, id}]; ok {
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
		insArgs = append(insArgs, store, id, em, u.now, u.now)
	}
	if len(missing) == 0 {
		return nil
	}
	_, err := u.tx.ExecContext(ctx, `INSERT INTO customers (store_id, wc_customer_id, email, created_at, updated_at) VALUES `+ins.String(), insArgs...)
	if isDuplicate(err, "customers_wc") {
		return fmt.Errorf("prefetch customers: %w", errRaced)
	}
	if err != nil {
		return fmt.Errorf("create customers: %w", err)
	}
	// The inserted rows are ours (locked by the insert); read their ids.
	if err := read(false, missing); err != nil {
		return fmt.Errorf("read new customers: %w", err)
	}
	return nil
}
