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
	idStep    int64 // auto-increment step when one INSERT's ids are consecutive; 0 when not
	orders    map[orderKey]*orderRow
	customers map[customerKey]int64

	// Buffered writes, rendered as a few set statements by flush.
	txns     []pendingTxn
	balances map[int64]*loyalty.Balance // customer id -> delta
	dirtyO   []orderKey
	isDirty  map[orderKey]bool
	inbox    []inboxUpdate
}

type pendingTxn struct {
	store   loyalty.StoreID
	t       loyalty.Transaction
	entries []loyalty.Entry
	hash    [32]byte
}

type inboxUpdate struct {
	id    int64
	state string
	note  string
}

func newUnit(tx *sqlx.Tx, now time.Time, idStep int64) *unit {
	return &unit{tx: tx, now: now, idStep: idStep, orders: map[orderKey]*orderRow{}, customers: map[customerKey]int64{},
		balances: map[int64]*loyalty.Balance{}, isDirty: map[orderKey]bool{}}
}

// post queues a transaction whose key cannot repeat, because the caller holds
// the lock that numbers it (an order's revision): a duplicate fails the flush.
func (u *unit) post(store loyalty.StoreID, t loyalty.Transaction) error {
	entries, err := t.Entries()
	if err != nil {
		return err
	}
	u.txns = append(u.txns, pendingTxn{store: store, t: t, entries: entries, hash: t.InputHash()})
	for _, c := range touchedCustomers(t.Postings) {
		d := loyalty.Balance{}.Apply(c, t.Postings)
		b := u.balances[c]
		if b == nil {
			b = &loyalty.Balance{}
			u.balances[c] = b
		}
		b.Available += d.Available
		b.Pending += d.Pending
		b.Lifetime += d.Lifetime
	}
	return nil
}

// dirty marks a cached order row to be written back by flush.
func (u *unit) dirty(store loyalty.StoreID, order int64) {
	k := orderKey{store, order}
	if !u.isDirty[k] {
		u.isDirty[k] = true
		u.dirtyO = append(u.dirtyO, k)
	}
}

// done queues the inbox row's final state.
func (u *unit) done(id int64, state, note string) {
	u.inbox = append(u.inbox, inboxUpdate{id, state, note})
}

// flush writes everything buffered in one round trip: the transactions and
// their entries as two multi-row INSERTs, one UPDATE for all balances, one
// upsert for all changed orders and one UPDATE for the inbox rows.
func (u *unit) flush(ctx context.Context) error {
	var w writes
	u.renderTxns(&w)
	if len(u.balances) > 0 {
		ids := make([]int64, 0, len(u.balances))
		for id := range u.balances {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		var av, pe, li strings.Builder
		var aArgs, pArgs, lArgs, inArgs []any
		var in strings.Builder
		for i, id := range ids {
			b := u.balances[id]
			av.WriteString(" WHEN ? THEN ?")
			pe.WriteString(" WHEN ? THEN ?")
			li.WriteString(" WHEN ? THEN ?")
			aArgs = append(aArgs, id, b.Available)
			pArgs = append(pArgs, id, b.Pending)
			lArgs = append(lArgs, id, b.Lifetime)
			if i > 0 {
				in.WriteString(",")
			}
			in.WriteString("?")
			inArgs = append(inArgs, id)
		}
		args := append(append(append(aArgs, pArgs...), lArgs...), u.now)
		w.add(`UPDATE customers SET available = available + CASE id`+av.String()+` END, pending = pending + CASE id`+pe.String()+
			` END, lifetime = lifetime + CASE id`+li.String()+` END, updated_at = ? WHERE id IN (`+in.String()+`)`, append(args, inArgs...)...)
	}
	if len(u.dirtyO) > 0 {
		var q strings.Builder
		var args []any
		q.WriteString(`INSERT INTO orders (store_id, order_id, ` + orderColumns + `, updated_at) VALUES `)
		for i, k := range u.dirtyO {
			o := u.orders[k]
			if i > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			args = append(args, k.store, k.order, o.CustomerPK, o.Status, o.DateModified, o.AppliedInboxID, o.Deleted,
				o.RulePoints, o.RulePer, o.RuleExponent, o.FirstPaidAt, o.MaturesAt, o.PointsPending, o.PointsAvailable,
				o.Revision, o.Currency, o.Total, o.Net, o.Refunded, o.RefundSeen, o.Matured, u.now)
		}
		// Every row exists and is locked by this transaction: this is an
		// UPDATE of many rows in one statement.
		q.WriteString(` ON DUPLICATE KEY UPDATE customer_pk=VALUES(customer_pk), status=VALUES(status),
			date_modified_gmt=VALUES(date_modified_gmt), applied_inbox_id=VALUES(applied_inbox_id), deleted=VALUES(deleted),
			rule_points=VALUES(rule_points), rule_per=VALUES(rule_per), rule_exponent=VALUES(rule_exponent),
			first_paid_at=VALUES(first_paid_at), matures_at=VALUES(matures_at), points_pending=VALUES(points_pending),
			points_available=VALUES(points_available), revision=VALUES(revision), currency=VALUES(currency),
			total_minor=VALUES(total_minor), net_minor=VALUES(net_minor), refunded_minor=VALUES(refunded_minor),
			refund_seen=VALUES(refund_seen), matured=VALUES(matured), updated_at=VALUES(updated_at)`)
		w.add(q.String(), args...)
	}
	if len(u.inbox) > 0 {
		var st, le, in strings.Builder
		var sArgs, lArgs, inArgs []any
		for i, r := range u.inbox {
			st.WriteString(" WHEN ? THEN ?")
			le.WriteString(" WHEN ? THEN ?")
			sArgs = append(sArgs, r.id, r.state)
			lArgs = append(lArgs, r.id, nullable(r.note))
			if i > 0 {
				in.WriteString(",")
			}
			in.WriteString("?")
			inArgs = append(inArgs, r.id)
		}
		args := append(append(sArgs, lArgs...), u.now)
		w.add(`UPDATE webhook_inbox SET state = CASE id`+st.String()+` END, last_error = CASE id`+le.String()+
			` END, attempts = attempts + 1, processed_at = ? WHERE id IN (`+in.String()+`)`, append(args, inArgs...)...)
	}
	u.txns, u.dirtyO, u.inbox = u.txns[:0], u.dirtyO[:0], u.inbox[:0]
	clear(u.balances)
	clear(u.isDirty)
	return w.flush(ctx, u.tx)
}

// renderTxns adds the queued transactions and their entries to w. When one
// INSERT's auto-increment ids are consecutive (the default lock mode), all
// transactions go in one INSERT and entries name them as @vafa_first + k*step;
// otherwise each transaction is inserted on its own.
func (u *unit) renderTxns(w *writes) {
	if len(u.txns) == 0 {
		return
	}
	txnRow := func(p pendingTxn) []any {
		var customer, order any
		if p.t.Customer > 0 {
			customer = p.t.Customer
		}
		if p.t.OrderID > 0 {
			order = p.t.OrderID
		}
		return []any{p.store, p.t.Key, p.hash[:], p.t.Kind, customer, order, p.t.Reason, p.t.Actor, p.t.At}
	}
	const insTxn = `INSERT INTO ledger_transactions (store_id, idempotency_key, input_hash, kind, customer_pk, order_id, reason, actor, created_at) VALUES `
	entryRows := func(q *strings.Builder, args *[]any, p pendingTxn, txnRef string, first bool) {
		for i, e := range p.entries {
			if !first || i > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?," + txnRef + ",?,?,?)")
			var c any
			if e.Account.Customer > 0 {
				c = e.Account.Customer
			}
			*args = append(*args, p.store, e.Account.Kind, c, e.Amount)
		}
	}
	const insEntries = `INSERT INTO ledger_entries (store_id, transaction_id, account, customer_pk, amount) VALUES `
	if u.idStep <= 0 {
		for _, p := range u.txns {
			w.add(insTxn+"(?,?,?,?,?,?,?,?,?)", txnRow(p)...)
			w.add(`SET @vafa_tx = LAST_INSERT_ID()`)
			var q strings.Builder
			var args []any
			q.WriteString(insEntries)
			entryRows(&q, &args, p, "@vafa_tx", true)
			w.add(q.String(), args...)
		}
		return
	}
	var q strings.Builder
	var args []any
	q.WriteString(insTxn)
	for i, p := range u.txns {
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString("(?,?,?,?,?,?,?,?,?)")
		args = append(args, txnRow(p)...)
	}
	w.add(q.String(), args...)
	w.add(`SET @vafa_first = LAST_INSERT_ID()`)
	q.Reset()
	args = args[:0]
	q.WriteString(insEntries)
	for i, p := range u.txns {
		entryRows(&q, &args, p, fmt.Sprintf("@vafa_first + %d", int64(i)*u.idStep), i == 0)
	}
	w.add(q.String(), args...)
}

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
	q, args, err := sqlx.In(`SELECT order_id, `+orderColumns+`
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
		u.orders[orderKey{store, id}] = &orderRow{Status: "new", Matured: true}
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
