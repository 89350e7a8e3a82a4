package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

type orderRow struct {
	CustomerPK      *int64     `db:"customer_pk"`
	Status          string     `db:"status"`
	DateModified    *time.Time `db:"date_modified_gmt"`
	AppliedInboxID  int64      `db:"applied_inbox_id"`
	Deleted         bool       `db:"deleted"`
	RulePoints      *int64     `db:"rule_points"`
	RulePer         *int64     `db:"rule_per"`
	RuleExponent    *int       `db:"rule_exponent"`
	FirstPaidAt     *time.Time `db:"first_paid_at"`
	MaturesAt       *time.Time `db:"matures_at"`
	PointsPending   int64      `db:"points_pending"`
	PointsAvailable int64      `db:"points_available"`
	Revision        int        `db:"revision"`
	Currency        string     `db:"currency"`
	Total           int64      `db:"total_minor"`
	Net             int64      `db:"net_minor"`
	Refunded        int64      `db:"refunded_minor"`
	RefundSeen      bool       `db:"refund_seen"`
	Matured         bool       `db:"matured"`
}

// orderColumns are read into orderRow and written back from it whole.
const orderColumns = `customer_pk, status, date_modified_gmt, applied_inbox_id, deleted, rule_points, rule_per,
	rule_exponent, first_paid_at, matures_at, points_pending, points_available, revision, currency, total_minor,
	net_minor, refunded_minor, refund_seen, matured`

func (o orderRow) holding() loyalty.OrderHolding {
	return loyalty.OrderHolding{Pending: o.PointsPending, Available: o.PointsAvailable}
}

// lockOrder locks the order's row, creating it when missing. A read comes
// first because most deliveries are about orders already seen; a concurrent
// first insert of the same order is settled by the duplicate key and a re-read.
func lockOrder(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, orderID int64, now time.Time) (orderRow, error) {
	const sel = `SELECT ` + orderColumns + ` FROM orders WHERE store_id=? AND order_id=? FOR UPDATE`
	var o orderRow
	err := tx.GetContext(ctx, &o, sel, store, orderID)
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return orderRow{}, fmt.Errorf("lock order %d: %w", orderID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO orders (store_id, order_id, status, updated_at) VALUES (?,?,?,?)`,
		store, orderID, "new", now)
	if isDuplicate(err, "PRIMARY") {
		if err := tx.GetContext(ctx, &o, sel, store, orderID); err != nil {
			return orderRow{}, fmt.Errorf("lock order %d after race: %w", orderID, err)
		}
		return o, nil
	}
	if err != nil {
		return orderRow{}, fmt.Errorf("create order row: %w", err)
	}
	return orderRow{Status: "new", Matured: true}, nil
}

// applyResult says what processing an event did, for the inbox row's note.
type applyResult struct {
	note string
}

// reconcileOrder brings the ledger's holding for the order to what the
// snapshot says it should have earned, posting only the difference. Older
// snapshots than the applied one are ignored; on a tie of date_modified_gmt
// the later-received (higher inbox id) wins.
func reconcileOrder(ctx context.Context, u *unit, store loyalty.Store, inboxID int64, snap loyalty.OrderSnapshot, restored bool) (applyResult, error) {
	now := u.now
	op, err := u.order(ctx, store.ID, snap.OrderID)
	if err != nil {
		return applyResult{}, err
	}
	o := *op
	if stale, why := isStale(o, inboxID, snap, restored); stale {
		return applyResult{note: why}, nil
	}

	var customer int64
	switch {
	case snap.CustomerID > 0:
		customer, err = u.customer(ctx, store.ID, snap.CustomerID, snap.Email)
	case snap.Email != "":
		customer, err = u.guest(ctx, store.ID, snap.Email)
	}
	if err != nil {
		return applyResult{}, err
	}

	// Freeze the earn rule and start the return window when first paid.
	if o.RulePoints == nil && snap.Paid() {
		r := store.Program.EarnRule()
		o.RulePoints, o.RulePer, o.RuleExponent = &r.Points, &r.Per, &r.Exponent
		paidAt := now
		if !snap.DatePaid.IsZero() && snap.DatePaid.Before(now) {
			paidAt = snap.DatePaid
		}
		mat := store.Program.MaturesAt(paidAt)
		o.FirstPaidAt, o.MaturesAt = &paidAt, &mat
	}
	var target int64
	if o.RulePoints != nil && customer > 0 {
		target = snap.Points(loyalty.EarnRule{Points: *o.RulePoints, Per: *o.RulePer, Exponent: *o.RuleExponent})
	}
	inWindow := o.MaturesAt != nil && now.Before(*o.MaturesAt)

	held := o.holding()
	prev := int64(0)
	if o.CustomerPK != nil {
		prev = *o.CustomerPK
	}
	// ensureCustomer locked the customer's row; a previous owner of the
	// order (rare: the order changed hands) is locked too.
	if prev > 0 && prev != customer {
		if err := u.flush(ctx); err != nil {
			return applyResult{}, err
		}
		if _, err := lockCustomers(ctx, u.tx, store.ID, prev); err != nil {
			return applyResult{}, err
		}
	}

	var postings []loyalty.Posting
	if prev > 0 && prev != customer && held.Total() != 0 {
		// The order changed hands: take everything back from the previous
		// customer; the new one earns from zero below.
		var back []loyalty.Posting
		back, held = loyalty.PlanOrder(held, 0, inWindow, prev)
		postings = append(postings, back...)
		if held.Total() != 0 { // negative holding cannot be planned back to zero by PlanOrder
			return applyResult{}, fmt.Errorf("order %d: cannot move holding %+v", snap.OrderID, held)
		}
	}
	if customer > 0 {
		more, h := loyalty.PlanOrder(held, target, inWindow, customer)
		postings, held = append(postings, more...), h
	}

	o.Revision++
	if len(postings) > 0 {
		kind := loyalty.KindOrderEarn
		if target < o.holding().Total() || (prev > 0 && prev != customer) {
			kind = loyalty.KindOrderReversal
		}
		owner := customer
		if owner == 0 {
			owner = prev
		}
		if err := u.post(store.ID, loyalty.Transaction{
			Key: fmt.Sprintf("order:%d:rev:%d", snap.OrderID, o.Revision), Kind: kind, Customer: owner,
			OrderID: snap.OrderID, Actor: "system", Postings: postings, At: now,
		}); err != nil {
			return applyResult{}, err
		}
	}

	if !snap.DateModified.IsZero() {
		dm := snap.DateModified
		o.DateModified = &dm
	}
	o.CustomerPK = nil
	if customer > 0 {
		c := customer
		o.CustomerPK = &c
	}
	o.Status, o.Currency, o.Total, o.Net, o.Refunded = snap.Status, snap.Currency, snap.Total, snap.Net(), snap.Refunded
	o.AppliedInboxID, o.Deleted, o.RefundSeen, o.Matured = inboxID, false, false, held.Pending == 0
	o.PointsPending, o.PointsAvailable = held.Pending, held.Available
	*op = o
	u.dirty(store.ID, snap.OrderID)
	if customer == 0 {
		return applyResult{note: "order has no customer id or e-mail: nothing to earn"}, nil
	}
	return applyResult{}, nil
}

// isStale reports whether a snapshot must not be applied over the order's
// current state, and why.
func isStale(o orderRow, inboxID int64, snap loyalty.OrderSnapshot, restored bool) (bool, string) {
	if o.Deleted && !restored {
		// Trash sends only {"id":N}; a snapshot that is not clearly newer
		// than the last one applied may have been built before the trash.
		if o.DateModified == nil || snap.DateModified.IsZero() || !snap.DateModified.After(*o.DateModified) {
			return true, "order was deleted; only order.restored, the sync or a newer snapshot brings it back"
		}
	}
	if o.DateModified == nil || snap.DateModified.IsZero() {
		// Nothing to compare: receipt order decides.
		if inboxID < o.AppliedInboxID {
			return true, "older delivery than the one applied"
		}
		return false, ""
	}
	switch snap.DateModified.Compare(*o.DateModified) {
	case -1:
		return true, "stale snapshot: older date_modified_gmt than the one applied"
	case 0:
		if inboxID < o.AppliedInboxID {
			return true, "stale snapshot: same date_modified_gmt, received earlier"
		}
	}
	return false, ""
}

// deleteOrder applies order.deleted: the order earns nothing until a newer
// snapshot or order.restored arrives.
func deleteOrder(ctx context.Context, u *unit, store loyalty.Store, inboxID, orderID int64) (applyResult, error) {
	now := u.now
	o, err := u.order(ctx, store.ID, orderID)
	if err != nil {
		return applyResult{}, err
	}
	held := o.holding()
	o.Revision++
	if o.CustomerPK != nil && held.Total() != 0 {
		// The customer's row is locked by the balance UPDATE itself: the
		// order's row lock already serializes everything about this order.
		var postings []loyalty.Posting
		postings, held = loyalty.PlanOrder(held, 0, true, *o.CustomerPK)
		if err := u.post(store.ID, loyalty.Transaction{
			Key: fmt.Sprintf("order:%d:rev:%d", orderID, o.Revision), Kind: loyalty.KindOrderReversal,
			Customer: *o.CustomerPK, OrderID: orderID, Actor: "system", Postings: postings, At: now,
		}); err != nil {
			return applyResult{}, err
		}
	}
	applied := max(o.AppliedInboxID, inboxID)
	o.Status, o.Deleted, o.AppliedInboxID, o.Matured = "trash", true, applied, true
	o.PointsPending, o.PointsAvailable = held.Pending, held.Available
	u.dirty(store.ID, orderID)
	return applyResult{}, nil
}

// markRefunded records that a refund happened; the order's next snapshot
// (order.updated always follows a refund) reconciles the points.
func markRefunded(ctx context.Context, u *unit, store loyalty.Store, orderID int64) (applyResult, error) {
	o, err := u.order(ctx, store.ID, orderID)
	if err != nil {
		return applyResult{}, err
	}
	o.RefundSeen = true
	u.dirty(store.ID, orderID)
	return applyResult{note: "refund noted; the next order snapshot settles the points"}, nil
}

// mergeGuest moves a guest's points and orders to the registered customer
// with the same e-mail, once; later guest orders with that e-mail follow.
func mergeGuest(ctx context.Context, u *unit, store loyalty.Store, wcID int64, email string) (applyResult, error) {
	// Rare and touching many rows: run directly, and let later rows of the
	// batch re-read what it changed.
	if err := u.flush(ctx); err != nil {
		return applyResult{}, err
	}
	defer u.forget()
	tx, now := u.tx, u.now
	customer, err := ensureCustomer(ctx, tx, store.ID, wcID, email, now)
	if err != nil {
		return applyResult{}, err
	}
	if email == "" {
		return applyResult{note: "customer without e-mail: nothing to merge"}, nil
	}
	// Claim the guest identity for the customer even when no guest order has
	// arrived yet: deliveries are unordered, and a guest order delivered
	// after this must still land on the customer.
	res, err := tx.ExecContext(ctx, `INSERT INTO customers (store_id, guest_email, email, merged_into, created_at, updated_at)
		VALUES (?,?,?,?,?,?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)`, store.ID, email, email, customer, now, now)
	if err != nil {
		return applyResult{}, fmt.Errorf("claim guest e-mail: %w", err)
	}
	guest, err := res.LastInsertId()
	if err != nil {
		return applyResult{}, err
	}
	var mergedInto *int64
	if err := tx.GetContext(ctx, &mergedInto, `SELECT merged_into FROM customers WHERE id=? FOR UPDATE`, guest); err != nil {
		return applyResult{}, fmt.Errorf("read guest: %w", err)
	}
	if mergedInto != nil {
		if *mergedInto != customer {
			return applyResult{note: "guest e-mail already belongs to another customer"}, nil
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return applyResult{note: "no guest activity yet; later guest orders with this e-mail go to the customer"}, nil
		}
		return applyResult{}, nil
	}
	rows, err := lockCustomers(ctx, tx, store.ID, guest, customer)
	if err != nil {
		return applyResult{}, err
	}
	g := rows[guest]
	var postings []loyalty.Posting
	move := func(kind string, amount int64) {
		from, to := loyalty.CustomerAccount(kind, guest), loyalty.CustomerAccount(kind, customer)
		if amount < 0 {
			from, to, amount = to, from, -amount
		}
		if amount > 0 {
			postings = append(postings, loyalty.Posting{From: from, To: to, Amount: amount})
		}
	}
	move(loyalty.AccountPending, g.Pending)
	move(loyalty.AccountAvailable, g.Available)
	if len(postings) > 0 {
		if _, _, err := post(ctx, tx, store.ID, loyalty.Transaction{
			Key: fmt.Sprintf("merge:%d:%d", guest, customer), Kind: loyalty.KindMerge, Customer: customer,
			Actor: "system", Reason: "guest orders linked to the new account", Postings: postings, At: now,
		}); err != nil {
			return applyResult{}, err
		}
	}
	// Lifetime is a statistic, not an account: carry it over with the points.
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET lifetime = lifetime + ? WHERE id=?`, g.Lifetime, customer); err != nil {
		return applyResult{}, fmt.Errorf("merge lifetime: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customers SET merged_into=?, lifetime=0, updated_at=? WHERE id=?`, customer, now, guest); err != nil {
		return applyResult{}, fmt.Errorf("mark guest merged: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET customer_pk=? WHERE store_id=? AND customer_pk=?`, customer, store.ID, guest); err != nil {
		return applyResult{}, fmt.Errorf("move guest orders: %w", err)
	}
	return applyResult{}, nil
}

// MatureDue moves the pending points of orders whose return window has
// passed into available, up to limit orders, each in its own transaction.
// It returns how many orders matured.
func (d *DB) MatureDue(ctx context.Context, limit int) (int, error) {
	var due []struct {
		Store int64 `db:"store_id"`
		Order int64 `db:"order_id"`
	}
	if err := d.db.SelectContext(ctx, &due, `SELECT store_id, order_id FROM orders
		WHERE matured=0 AND matures_at <= ? ORDER BY matures_at LIMIT ?`, d.now(), limit); err != nil {
		return 0, fmt.Errorf("find maturing orders: %w", err)
	}
	n := 0
	for _, o := range due {
		err := d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
			row, err := lockOrder(ctx, tx, o.Store, o.Order, now)
			if err != nil {
				return err
			}
			if row.MaturesAt == nil || now.Before(*row.MaturesAt) || row.CustomerPK == nil {
				return nil
			}
			if row.PointsPending > 0 {
				if _, err := lockCustomers(ctx, tx, o.Store, *row.CustomerPK); err != nil {
					return err
				}
				row.Revision++
				if _, _, err := post(ctx, tx, o.Store, loyalty.Transaction{
					Key: fmt.Sprintf("order:%d:rev:%d", o.Order, row.Revision), Kind: loyalty.KindOrderMature,
					Customer: *row.CustomerPK, OrderID: o.Order, Actor: "system", At: now,
					Postings: []loyalty.Posting{{
						From:   loyalty.CustomerAccount(loyalty.AccountPending, *row.CustomerPK),
						To:     loyalty.CustomerAccount(loyalty.AccountAvailable, *row.CustomerPK),
						Amount: row.PointsPending,
					}},
				}); err != nil {
					return err
				}
				n++
			}
			_, err = tx.ExecContext(ctx, `UPDATE orders SET points_available = points_available + points_pending,
				points_pending = 0, matured = 1, revision=?, updated_at=? WHERE store_id=? AND order_id=?`, row.Revision, now, o.Store, o.Order)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("mature order %d: %w", o.Order, err)
		}
	}
	return n, nil
}
