package mysql

import (
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

// The orders table: each order's loyalty.OrderState (the snapshot applied,
// the frozen terms and the points it holds).

type orderRow struct {
	OrderID         int64      `db:"order_id"`
	CustomerPK      *int64     `db:"customer_pk"`
	Status          string     `db:"status"`
	DateModified    *time.Time `db:"date_modified_gmt"`
	AppliedInboxID  int64      `db:"applied_inbox_id"`
	Deleted         bool       `db:"deleted"`
	Restored        bool       `db:"restored"`
	RulePoints      *int64     `db:"rule_points"`
	RulePer         *int64     `db:"rule_per"`
	RuleExponent    *int       `db:"rule_exponent"`
	RuleMultNum     *int64     `db:"rule_mult_num"`
	RuleMultDen     *int64     `db:"rule_mult_den"`
	RuleSetID       *int64     `db:"rule_set_id"`
	BonusPoints     int64      `db:"bonus_points"`
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
const orderColumns = `order_id, customer_pk, status, date_modified_gmt, applied_inbox_id, deleted, restored, rule_points, rule_per,
	rule_exponent, first_paid_at, matures_at, points_pending, points_available, revision, currency, total_minor,
	net_minor, refunded_minor, refund_seen, matured, rule_mult_num, rule_mult_den, rule_set_id, bonus_points`

func (r orderRow) state() loyalty.OrderState {
	s := loyalty.OrderState{
		OrderID: r.OrderID, Status: r.Status, Currency: r.Currency, Total: r.Total, Net: r.Net, Refunded: r.Refunded,
		AppliedDelivery: r.AppliedInboxID, Deleted: r.Deleted, Restored: r.Restored, RefundSeen: r.RefundSeen, Matured: r.Matured,
		Revision: r.Revision, Holding: loyalty.OrderHolding{Pending: r.PointsPending, Available: r.PointsAvailable},
	}
	if r.CustomerPK != nil {
		s.Customer = *r.CustomerPK
	}
	if r.DateModified != nil {
		s.DateModified = r.DateModified.UTC()
	}
	if r.RulePoints != nil && r.RulePer != nil && r.RuleExponent != nil {
		t := &loyalty.OrderTerms{Rule: loyalty.EarnRule{Points: *r.RulePoints, Per: *r.RulePer, Exponent: *r.RuleExponent, Multiplier: loyalty.One}}
		if r.RuleMultNum != nil && r.RuleMultDen != nil {
			t.Rule.Multiplier = loyalty.Ratio{Num: *r.RuleMultNum, Den: *r.RuleMultDen}
		}
		if r.RuleSetID != nil {
			t.RuleSetID = *r.RuleSetID // attachRuleSets fills Rules
		}
		t.Bonus = r.BonusPoints
		if r.FirstPaidAt != nil {
			t.FirstPaidAt = r.FirstPaidAt.UTC()
		}
		if r.MaturesAt != nil {
			t.MaturesAt = r.MaturesAt.UTC()
		}
		s.Terms = t
	}
	return s
}

// orderValues are the columns of orderColumns for s, in order.
func orderValues(s loyalty.OrderState) []any {
	var customer, modified, rulePoints, rulePer, ruleExp, paid, matures, multNum, multDen, ruleSet any
	var bonus int64
	if s.Customer > 0 {
		customer = s.Customer
	}
	if !s.DateModified.IsZero() {
		modified = s.DateModified
	}
	if t := s.Terms; t != nil {
		rulePoints, rulePer, ruleExp, paid, matures = t.Rule.Points, t.Rule.Per, t.Rule.Exponent, t.FirstPaidAt, t.MaturesAt
		if m := t.Rule.Multiplier; !m.IsOne() {
			multNum, multDen = m.Num, m.Den
		}
		if t.RuleSetID > 0 {
			ruleSet = t.RuleSetID
		}
		bonus = t.Bonus
	}
	return []any{s.OrderID, customer, s.Status, modified, s.AppliedDelivery, s.Deleted, s.Restored, rulePoints, rulePer, ruleExp,
		paid, matures, s.Holding.Pending, s.Holding.Available, s.Revision, s.Currency, s.Total, s.Net, s.Refunded,
		s.RefundSeen, s.Matured, multNum, multDen, ruleSet, bonus}
}

// lockOrder locks the order's row, creating it when missing. A read comes
// first because most deliveries are about orders already seen; a concurrent
// first insert of the same order is settled by the duplicate key and a re-read.
func lockOrder(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, orderID int64, now time.Time) (loyalty.OrderState, error) {
	const sel = `SELECT ` + orderColumns + ` FROM orders WHERE store_id=? AND order_id=? FOR UPDATE`
	var o orderRow
	err := tx.GetContext(ctx, &o, sel, store, orderID)
	if err == nil {
		return o.state(), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return loyalty.OrderState{}, fmt.Errorf("lock order %d: %w", orderID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO orders (store_id, order_id, status, updated_at) VALUES (?,?,?,?)`,
		store, orderID, "new", now)
	if isDuplicate(err, "PRIMARY") {
		if err := tx.GetContext(ctx, &o, sel, store, orderID); err != nil {
			return loyalty.OrderState{}, fmt.Errorf("lock order %d after race: %w", orderID, err)
		}
		return o.state(), nil
	}
	if err != nil {
		return loyalty.OrderState{}, fmt.Errorf("create order row: %w", err)
	}
	return loyalty.NewOrderState(orderID), nil
}

// lockOrCreateOrders locks the orders ids in one set query (ascending, the
// order every worker locks in), creates the missing rows in one INSERT and
// returns every order's state. A concurrent first insert is errRaced.
func lockOrCreateOrders(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, ids []int64, now time.Time) (map[int64]loyalty.OrderState, error) {
	out := map[int64]loyalty.OrderState{}
	if len(ids) == 0 {
		return out, nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	q, args, err := sqlx.In(`SELECT `+orderColumns+`
		FROM orders WHERE store_id=? AND order_id IN (?) ORDER BY order_id FOR UPDATE`, store, ids)
	if err != nil {
		return nil, fmt.Errorf("lock orders: %w", err)
	}
	var rows []orderRow
	if err := tx.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("lock orders: %w", err)
	}
	for _, r := range rows {
		out[r.OrderID] = r.state()
	}
	var ins strings.Builder
	var insArgs []any
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		if ins.Len() > 0 {
			ins.WriteString(",")
		}
		ins.WriteString("(?,?,'new',?)")
		insArgs = append(insArgs, store, id, now)
		out[id] = loyalty.NewOrderState(id)
	}
	if ins.Len() == 0 {
		return out, nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO orders (store_id, order_id, status, updated_at) VALUES `+ins.String(), insArgs...)
	if isDuplicate(err, "PRIMARY") {
		return nil, fmt.Errorf("create orders: %w", errRaced)
	}
	if err != nil {
		return nil, fmt.Errorf("create orders: %w", err)
	}
	return out, nil
}

// renderOrders adds to w one statement writing back every state in
// states. Every row exists and is locked by this transaction: this is an
// UPDATE of many rows in one statement.
func renderOrders(w *writes, store func(i int) loyalty.StoreID, states []loyalty.OrderState, now time.Time) {
	if len(states) == 0 {
		return
	}
	var q strings.Builder
	var args []any
	q.WriteString(`INSERT INTO orders (store_id, ` + orderColumns + `, updated_at) VALUES `)
	for i, s := range states {
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
		args = append(append(append(args, store(i)), orderValues(s)...), now)
	}
	q.WriteString(` ON DUPLICATE KEY UPDATE customer_pk=VALUES(customer_pk), status=VALUES(status),
		date_modified_gmt=VALUES(date_modified_gmt), applied_inbox_id=VALUES(applied_inbox_id), deleted=VALUES(deleted), restored=VALUES(restored),
		rule_points=VALUES(rule_points), rule_per=VALUES(rule_per), rule_exponent=VALUES(rule_exponent),
		first_paid_at=VALUES(first_paid_at), matures_at=VALUES(matures_at), points_pending=VALUES(points_pending),
		points_available=VALUES(points_available), revision=VALUES(revision), currency=VALUES(currency),
		total_minor=VALUES(total_minor), net_minor=VALUES(net_minor), refunded_minor=VALUES(refunded_minor),
		refund_seen=VALUES(refund_seen), matured=VALUES(matured), rule_mult_num=VALUES(rule_mult_num),
		rule_mult_den=VALUES(rule_mult_den), rule_set_id=VALUES(rule_set_id), bonus_points=VALUES(bonus_points),
		updated_at=VALUES(updated_at)`)
	w.add(q.String(), args...)
}

// moveOrders gives a merged guest's orders to the customer.
func moveOrders(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, from, to int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET customer_pk=? WHERE store_id=? AND customer_pk=?`, to, store, from); err != nil {
		return fmt.Errorf("move guest orders: %w", err)
	}
	// The customer's tier counts the guest's orders now: the CheckDue job
	// decides it again.
	now := time.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_tiers (store_id, customer_pk, since, next_check, updated_at)
		VALUES (?,?,?,?,?) ON DUPLICATE KEY UPDATE next_check=VALUES(next_check)`, store, to, now, now, now); err != nil {
		return fmt.Errorf("recheck tier after merge: %w", err)
	}
	return nil
}

// OrderService runs the jobs over orders (return-window maturity).
type OrderService struct {
	db *DB
}

// NewOrderService returns the order service on db.
func NewOrderService(db *DB) *OrderService { return &OrderService{db: db} }

// MatureDue moves the pending points of orders whose return window has
// passed into available, up to limit orders, each in its own transaction.
// It returns how many orders matured; a failing order is reported and the
// rest still mature.
func (s *OrderService) MatureDue(ctx context.Context, limit int) (int, error) {
	return s.db.eachDue(ctx, "order", `SELECT store_id, order_id AS id FROM orders WHERE matured=0 AND matures_at <= ?
		ORDER BY matures_at LIMIT ?`, []any{s.db.now(), limit}, func(tx *sqlx.Tx, now time.Time, o dueItem) (bool, error) {
		state, err := lockOrder(ctx, tx, o.Store, o.ID, now)
		if err != nil {
			return false, err
		}
		out := loyalty.MatureOrder(state, now)
		if !out.Changed {
			return false, nil
		}
		if len(out.Transactions) > 0 {
			if _, err := lockCustomers(ctx, tx, o.Store, state.Customer); err != nil {
				return false, err
			}
		}
		l := newLedger(tx)
		for _, t := range out.Transactions {
			if _, _, err := l.Post(ctx, o.Store, t); err != nil {
				return false, err
			}
		}
		var w writes
		renderOrders(&w, func(int) loyalty.StoreID { return o.Store }, []loyalty.OrderState{out.Order}, now)
		return len(out.Transactions) > 0, w.flush(ctx, tx)
	})
}

// loadPaidOrders reads the orders of the customers that were ever paid,
// with what tiers and reports count (status, currency, trash, first
// payment, money, points held), by order id.
func loadPaidOrders(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, customers []int64) (map[int64]loyalty.OrderState, error) {
	out := map[int64]loyalty.OrderState{}
	if len(customers) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT order_id, customer_pk, status, currency, deleted, first_paid_at, net_minor, total_minor,
		refunded_minor, points_pending, points_available FROM orders
		WHERE store_id=? AND customer_pk IN (?) AND first_paid_at IS NOT NULL`, store, customers)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("load paid orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s := loyalty.OrderState{Terms: &loyalty.OrderTerms{}}
		if err := rows.Scan(&s.OrderID, &s.Customer, &s.Status, &s.Currency, &s.Deleted, &s.Terms.FirstPaidAt, &s.Net, &s.Total,
			&s.Refunded, &s.Holding.Pending, &s.Holding.Available); err != nil {
			return nil, fmt.Errorf("load paid orders: %w", err)
		}
		s.Terms.FirstPaidAt = s.Terms.FirstPaidAt.UTC()
		out[s.OrderID] = s
	}
	return out, rows.Err()
}
