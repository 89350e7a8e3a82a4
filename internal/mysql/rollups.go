package mysql

import (
	"cmp"
	"context"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The report_customer_days and report_customers tables: the report
// rollups. They are never adjusted by deltas: whenever a customer's orders
// change, their rows are recomputed from all their orders (as the writing
// transaction holds them) and replaced, so they converge whatever the
// deliveries were, and a rebuild recomputes them the same way.

var _ loyalty.Reports = (*ReportService)(nil)

// ReportService answers the reports from the rollups.
type ReportService struct {
	db     *DB
	decode Decoder // reads order lines from stored deliveries (products rollup rebuilds); nil: none
}

// NewReportService returns the reports on db; decode (the webhook decoder)
// lets rebuilds and checks recompute the products rollup, nil skips it.
func NewReportService(db *DB, decode Decoder) *ReportService {
	return &ReportService{db: db, decode: decode}
}

// dayRow is a customer day as stored.
type dayRow struct {
	Customer int64  `db:"customer_pk"`
	Day      string `db:"day"`
	Orders   int64  `db:"orders"`
	Net      int64  `db:"net"`
	Prev     string `db:"prev"` // "" for none
	Next     string `db:"next"`
}

// loadDays reads the customers' days, ascending, as the transaction sees
// them (their customer rows are locked, so nobody else changes them).
func loadDays(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, customers []int64) (map[int64][]dayRow, error) {
	out := map[int64][]dayRow{}
	if len(customers) == 0 {
		return out, nil
	}
	var rows []dayRow
	query, args, err := sqlx.In(`SELECT customer_pk, DATE_FORMAT(day, '%Y-%m-%d') AS day, orders, net,
		COALESCE(DATE_FORMAT(prev_day, '%Y-%m-%d'), '') AS prev, COALESCE(DATE_FORMAT(next_day, '%Y-%m-%d'), '') AS next
		FROM report_customer_days WHERE store_id=? AND customer_pk IN (?) ORDER BY customer_pk, day`, store, customers)
	if err != nil {
		return nil, err
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("read customer days: %w", err)
	}
	for _, r := range rows {
		out[r.Customer] = append(out[r.Customer], r)
	}
	return out, nil
}

// rollupBuckets is how many rows each key of the shared rollups (a cohort's
// month, a product's month, a store's day of points) is spread over. Each
// transaction writes all its changes into one bucket it picks at random
// (pickBucket), so two writers meet on a row only when they pick the same
// one. On multi-primary Galera, writers on different nodes cannot wait for
// each other's locks: one is aborted at certification and retried. Spread
// by order or customer instead, a batch of twenty orders touched nearly
// every bucket, and every concurrent batch on another node collided with it.
// Reads sum the buckets; which bucket holds what does not matter.
const rollupBuckets = 16

// pickBucket is a transaction's bucket of the shared rollups.
func pickBucket() int64 { return mrand.Int64N(rollupBuckets) }

type cohortKey struct {
	store  loyalty.StoreID
	cohort string // YYYY-MM-01 of the customer's first paid day
	month  string // YYYY-MM-01 of a month they had a paid order in
	bucket int64
}

// dayWriter turns customers' days as stored and as they should be into
// the statements that make them so: the changed days upserted with their
// links (previous and next paid day), the days gone deleted, the lifetime
// rows replaced, and the cohort rollup moved by the difference. Customers
// are added in ascending order, so every statement locks rows in key order.
type dayWriter struct {
	days, sums       strings.Builder
	dayArgs, sumArgs []any
	gone             []stmt
	noSums           map[loyalty.StoreID][]int64
	cohorts          map[cohortKey]int64
	bucket           int64 // the transaction's bucket of the cohort rollup
}

// customer queues the changes from old (as stored) to days (ascending).
func (d *dayWriter) customer(store loyalty.StoreID, pk int64, old []dayRow, days []loyalty.CustomerDay) {
	kept := days[:0:0]
	for _, x := range days {
		if x.Orders > 0 {
			kept = append(kept, x)
		}
	}
	was := make(map[string]dayRow, len(old))
	for _, o := range old {
		was[o.Day] = o
	}
	for i, x := range kept {
		var prev, next string
		if i > 0 {
			prev = kept[i-1].Day
		}
		if i+1 < len(kept) {
			next = kept[i+1].Day
		}
		o, ok := was[x.Day]
		delete(was, x.Day)
		if ok && o.Orders == x.Orders && o.Net == x.Net && o.Prev == prev && o.Next == next {
			continue
		}
		if d.days.Len() > 0 {
			d.days.WriteString(",")
		}
		d.days.WriteString("(?,?,?,?,?,?,?)")
		d.dayArgs = append(d.dayArgs, store, pk, x.Day, x.Orders, x.Net, nullDay(prev), nullDay(next))
	}
	if len(was) > 0 {
		gone := make([]string, 0, len(was))
		for day := range was {
			gone = append(gone, day)
		}
		sort.Strings(gone)
		args := []any{store, pk}
		for _, day := range gone {
			args = append(args, day)
		}
		d.gone = append(d.gone, stmt{`DELETE FROM report_customer_days WHERE store_id=? AND customer_pk=? AND day IN (?` +
			strings.Repeat(",?", len(gone)-1) + `)`, args})
	}
	before := make([]loyalty.CustomerDay, 0, len(old))
	for _, o := range old {
		if o.Orders > 0 {
			before = append(before, loyalty.CustomerDay{Day: o.Day, Orders: o.Orders, Net: o.Net})
		}
	}
	bf, hadSum := loyalty.SumDays(before)
	af, hasSum := loyalty.SumDays(kept)
	switch {
	case hasSum && (!hadSum || af != bf):
		if d.sums.Len() > 0 {
			d.sums.WriteString(",")
		}
		d.sums.WriteString("(?,?,?,?,?,?)")
		d.sumArgs = append(d.sumArgs, store, pk, af.FirstDay, af.LastDay, af.Orders, af.Net)
	case !hasSum && hadSum:
		if d.noSums == nil {
			d.noSums = map[loyalty.StoreID][]int64{}
		}
		d.noSums[store] = append(d.noSums[store], pk)
	}
	if d.cohorts == nil {
		d.cohorts = map[cohortKey]int64{}
	}
	for _, k := range cohortCells(store, pk, before, d.bucket) {
		d.cohorts[k]--
	}
	for _, k := range cohortCells(store, pk, kept, d.bucket) {
		d.cohorts[k]++
	}
}

// cohortCells are the cohort rollup's cells a customer with these days
// (ascending, all paid) counts in: their first month's cohort, once for
// each month they bought in.
func cohortCells(store loyalty.StoreID, pk int64, days []loyalty.CustomerDay, bucket int64) []cohortKey {
	if len(days) == 0 {
		return nil
	}
	cohort := days[0].Day[:8] + "01"
	var out []cohortKey
	for _, x := range days {
		m := x.Day[:8] + "01"
		if len(out) == 0 || out[len(out)-1].month != m {
			out = append(out, cohortKey{store, cohort, m, bucket})
		}
	}
	return out
}

func nullDay(day string) any {
	if day == "" {
		return nil
	}
	return day
}

// render adds the queued statements to w.
func (d *dayWriter) render(w *writes) {
	if d.days.Len() > 0 {
		w.add(`INSERT INTO report_customer_days (store_id, customer_pk, day, orders, net, prev_day, next_day) VALUES `+d.days.String()+
			` ON DUPLICATE KEY UPDATE orders=VALUES(orders), net=VALUES(net), prev_day=VALUES(prev_day), next_day=VALUES(next_day)`, d.dayArgs...)
	}
	for _, g := range d.gone {
		w.add(g.query, g.args...)
	}
	if d.sums.Len() > 0 {
		w.add(`INSERT INTO report_customers (store_id, customer_pk, first_day, last_day, orders, net) VALUES `+d.sums.String()+
			` ON DUPLICATE KEY UPDATE first_day=VALUES(first_day), last_day=VALUES(last_day), orders=VALUES(orders), net=VALUES(net)`, d.sumArgs...)
	}
	for _, st := range sortedStores(d.noSums) {
		cs := d.noSums[st]
		w.add(`DELETE FROM report_customers WHERE store_id=? AND customer_pk IN (?`+strings.Repeat(",?", len(cs)-1)+`)`,
			append([]any{st}, int64sAny(cs)...)...)
	}
	keys := make([]cohortKey, 0, len(d.cohorts))
	for k, n := range d.cohorts {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b cohortKey) int {
		return cmp.Or(cmp.Compare(a.store, b.store), strings.Compare(a.cohort, b.cohort), strings.Compare(a.month, b.month), cmp.Compare(a.bucket, b.bucket))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.store, k.cohort, k.month, k.bucket, d.cohorts[k]}
	}
	addRows(w, `INSERT INTO report_cohorts (store_id, cohort, month, bucket, customers)`, rows,
		`ON DUPLICATE KEY UPDATE customers=customers+VALUES(customers)`)
	*d = dayWriter{bucket: d.bucket}
}

// reportDeltas are rollup changes queued by a batch: per customer and day,
// orders and spend to add (an order's new share less the one it had).
type reportDeltas struct {
	days      map[reportDay]*loyalty.CustomerDay
	customers map[int64]loyalty.StoreID
}

type reportDay struct {
	store    loyalty.StoreID
	customer int64
	day      string
}

// change queues the difference between an order's share before and after.
func (r *reportDeltas) change(st loyalty.Store, before, after loyalty.OrderState) {
	loc := st.Program.Location()
	bc, bs, bok := before.ReportShare(st.Program.Currency, loc)
	ac, as, aok := after.ReportShare(st.Program.Currency, loc)
	if bok == aok && bc == ac && bs == as {
		return // a duplicate, or a change that moves no report figure
	}
	if r.days == nil {
		r.days, r.customers = map[reportDay]*loyalty.CustomerDay{}, map[int64]loyalty.StoreID{}
	}
	add := func(c int64, d loyalty.CustomerDay, sign int64) {
		k := reportDay{st.ID, c, d.Day}
		x := r.days[k]
		if x == nil {
			x = &loyalty.CustomerDay{Day: d.Day}
			r.days[k] = x
		}
		x.Orders += sign * d.Orders
		x.Net += sign * d.Net
		r.customers[c] = st.ID
	}
	if bok {
		add(bc, bs, -1)
	}
	if aok {
		add(ac, as, 1)
	}
}

// render reads the changed customers' days (one query per store) and adds
// to w the statements that apply the queued changes to them.
func (r *reportDeltas) render(ctx context.Context, q sqlx.QueryerContext, w *writes, bucket int64) error {
	if len(r.customers) == 0 {
		return nil
	}
	byStore := map[loyalty.StoreID][]int64{}
	for c, st := range r.customers {
		byStore[st] = append(byStore[st], c)
	}
	changes := map[int64][]reportDay{}
	for k := range r.days {
		changes[k.customer] = append(changes[k.customer], k)
	}
	dw := dayWriter{bucket: bucket}
	for _, st := range sortedStores(byStore) {
		cs := byStore[st]
		sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
		stored, err := loadDays(ctx, q, st, cs)
		if err != nil {
			return err
		}
		for _, c := range cs {
			old := stored[c]
			byDay := map[string]loyalty.CustomerDay{}
			for _, o := range old {
				byDay[o.Day] = loyalty.CustomerDay{Day: o.Day, Orders: o.Orders, Net: o.Net}
			}
			for _, k := range changes[c] {
				if k.store != st {
					continue
				}
				x := r.days[k]
				d := byDay[k.day]
				d.Day, d.Orders, d.Net = k.day, d.Orders+x.Orders, d.Net+x.Net
				byDay[k.day] = d
			}
			days := make([]loyalty.CustomerDay, 0, len(byDay))
			for _, d := range byDay {
				days = append(days, d)
			}
			sort.Slice(days, func(i, j int) bool { return days[i].Day < days[j].Day })
			dw.customer(st, c, old, days)
		}
	}
	dw.render(w)
	clear(r.days)
	clear(r.customers)
	return nil
}

func sortedStores[T any](m map[loyalty.StoreID]T) []loyalty.StoreID {
	out := make([]loyalty.StoreID, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func int64sAny(xs []int64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// recomputeReports replaces the customers' rollups with what their orders
// add up to (a guest merge, a rebuild).
func recomputeReports(ctx context.Context, tx *sqlx.Tx, st loyalty.Store, customers []int64, w *writes) error {
	if len(customers) == 0 {
		return nil
	}
	orders, err := loadPaidOrders(ctx, tx, st.ID, customers)
	if err != nil {
		return err
	}
	cs := append([]int64(nil), customers...)
	sort.Slice(cs, func(i, j int) bool { return cs[i] < cs[j] })
	stored, err := loadDays(ctx, tx, st.ID, cs)
	if err != nil {
		return err
	}
	byCustomer := map[int64][]loyalty.OrderState{}
	for _, o := range orders {
		byCustomer[o.Customer] = append(byCustomer[o.Customer], o)
	}
	loc := st.Program.Location()
	dw := dayWriter{bucket: pickBucket()}
	for i, c := range cs {
		if i > 0 && c == cs[i-1] {
			continue
		}
		dw.customer(st.ID, c, stored[c], loyalty.ReportDays(byCustomer[c], st.Program.Currency, loc))
	}
	dw.render(w)
	return nil
}

// RebuildReports recomputes every rollup of the store from its orders, a
// thousand customers a transaction, after removing rows of customers who
// have no paid order any more. It returns how many customers it wrote.
func (s *ReportService) RebuildReports(ctx context.Context, store loyalty.StoreID) (int, error) {
	st, err := loadStore(ctx, s.db.db, store)
	if err != nil {
		return 0, err
	}
	var customers []int64
	if err := s.db.db.SelectContext(ctx, &customers, `SELECT DISTINCT customer_pk FROM orders
		WHERE store_id=? AND customer_pk IS NOT NULL AND first_paid_at IS NOT NULL ORDER BY customer_pk`, store); err != nil {
		return 0, fmt.Errorf("customers to rebuild: %w", err)
	}
	if _, err := s.db.db.ExecContext(ctx, `DELETE FROM report_customer_days WHERE store_id=? AND customer_pk NOT IN
		(SELECT customer_pk FROM orders WHERE store_id=? AND customer_pk IS NOT NULL AND first_paid_at IS NOT NULL)`, store, store); err != nil {
		return 0, fmt.Errorf("drop stale rollups: %w", err)
	}
	if _, err := s.db.db.ExecContext(ctx, `DELETE FROM report_customers WHERE store_id=? AND customer_pk NOT IN
		(SELECT customer_pk FROM orders WHERE store_id=? AND customer_pk IS NOT NULL AND first_paid_at IS NOT NULL)`, store, store); err != nil {
		return 0, fmt.Errorf("drop stale rollups: %w", err)
	}
	for len(customers) > 0 {
		n := min(1000, len(customers))
		chunk := customers[:n]
		customers = customers[n:]
		if err := s.db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
			if _, err := lockCustomers(ctx, tx, store, chunk...); err != nil {
				return err
			}
			var w writes
			if err := recomputeReports(ctx, tx, st, chunk, &w); err != nil {
				return err
			}
			return w.flush(ctx, tx)
		}); err != nil {
			return 0, err
		}
	}
	if err := s.rebuildCohorts(ctx, st.ID); err != nil {
		return 0, err
	}
	if err := s.rebuildPoints(ctx, st); err != nil {
		return 0, err
	}
	if err := s.rebuildProducts(ctx, st); err != nil {
		return 0, err
	}
	var n int
	err = s.db.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM report_customers WHERE store_id=?`, store)
	return n, err
}

// CheckReports compares the store's rollups with a recomputation from its
// orders and describes every difference (none: the rollups are exact).
func (s *ReportService) CheckReports(ctx context.Context, store loyalty.StoreID) ([]string, error) {
	st, err := loadStore(ctx, s.db.db, store)
	if err != nil {
		return nil, err
	}
	var customers []int64
	if err := s.db.db.SelectContext(ctx, &customers, `SELECT customer_pk FROM orders WHERE store_id=? AND customer_pk IS NOT NULL
		AND first_paid_at IS NOT NULL UNION SELECT customer_pk FROM report_customer_days WHERE store_id=?`, store, store); err != nil {
		return nil, fmt.Errorf("customers to check: %w", err)
	}
	orders, err := loadPaidOrders(ctx, s.db.db, store, customers)
	if err != nil {
		return nil, err
	}
	want := map[string]loyalty.CustomerDay{}
	links := map[string][2]string{} // each day's previous and next paid day ("" for none)
	wantSums := map[int64]loyalty.CustomerFigures{}
	byCustomer := map[int64][]loyalty.OrderState{}
	for _, o := range orders {
		byCustomer[o.Customer] = append(byCustomer[o.Customer], o)
	}
	for c, os := range byCustomer {
		ds := loyalty.ReportDays(os, st.Program.Currency, st.Program.Location())
		for i, d := range ds {
			k := fmt.Sprintf("%d/%s", c, d.Day)
			want[k] = d
			var l [2]string
			if i > 0 {
				l[0] = ds[i-1].Day
			}
			if i+1 < len(ds) {
				l[1] = ds[i+1].Day
			}
			links[k] = l
		}
		if f, ok := loyalty.SumDays(ds); ok {
			wantSums[c] = f
		}
	}
	var rows []struct {
		Customer int64     `db:"customer_pk"`
		Day      time.Time `db:"day"`
		Orders   int64     `db:"orders"`
		Net      int64     `db:"net"`
		Prev     string    `db:"prev"`
		Next     string    `db:"next"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT customer_pk, day, orders, net, COALESCE(DATE_FORMAT(prev_day, '%Y-%m-%d'), '') AS prev,
		COALESCE(DATE_FORMAT(next_day, '%Y-%m-%d'), '') AS next FROM report_customer_days WHERE store_id=?`, store); err != nil {
		return nil, fmt.Errorf("read rollups: %w", err)
	}
	var diffs []string
	for _, r := range rows {
		k := fmt.Sprintf("%d/%s", r.Customer, r.Day.Format("2006-01-02"))
		w, ok := want[k]
		delete(want, k)
		if !ok || w.Orders != r.Orders || w.Net != r.Net {
			diffs = append(diffs, fmt.Sprintf("customer day %s holds %d orders and %d, the orders say %d and %d", k, r.Orders, r.Net, w.Orders, w.Net))
		} else if l := links[k]; l != [2]string{r.Prev, r.Next} {
			diffs = append(diffs, fmt.Sprintf("customer day %s links to %q and %q, the orders say %q and %q", k, r.Prev, r.Next, l[0], l[1]))
		}
	}
	for k, w := range want {
		diffs = append(diffs, fmt.Sprintf("customer day %s is missing (%d orders, %d)", k, w.Orders, w.Net))
	}
	var sums []struct {
		Customer int64     `db:"customer_pk"`
		First    time.Time `db:"first_day"`
		Last     time.Time `db:"last_day"`
		Orders   int64     `db:"orders"`
		Net      int64     `db:"net"`
	}
	if err := s.db.db.SelectContext(ctx, &sums, `SELECT customer_pk, first_day, last_day, orders, net FROM report_customers WHERE store_id=?`, store); err != nil {
		return nil, fmt.Errorf("read customer rollups: %w", err)
	}
	for _, r := range sums {
		got := loyalty.CustomerFigures{FirstDay: r.First.Format("2006-01-02"), LastDay: r.Last.Format("2006-01-02"), Orders: r.Orders, Net: r.Net}
		w, ok := wantSums[r.Customer]
		delete(wantSums, r.Customer)
		if !ok || w != got {
			diffs = append(diffs, fmt.Sprintf("customer %d holds %+v, the orders say %+v", r.Customer, got, w))
		}
	}
	for c, w := range wantSums {
		diffs = append(diffs, fmt.Sprintf("customer %d is missing (%+v)", c, w))
	}
	ledger, err := pointsFromLedger(ctx, s.db.db, st)
	if err != nil {
		return nil, err
	}
	held, err := pointsRollup(ctx, s.db.db, store)
	if err != nil {
		return nil, err
	}
	for day, m := range ledger {
		if held[day] != m {
			diffs = append(diffs, fmt.Sprintf("points on %s: the rollup holds %+v, the ledger says %+v", day, held[day], m))
		}
		delete(held, day)
	}
	for day, m := range held {
		if m != (loyalty.PointsMovement{}) {
			diffs = append(diffs, fmt.Sprintf("points on %s: the rollup holds %+v, the ledger has nothing", day, m))
		}
	}
	pd, err := s.checkProducts(ctx, st)
	if err != nil {
		return nil, err
	}
	diffs = append(diffs, pd...)
	co, err := s.checkCohorts(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	diffs = append(diffs, co...)
	pm, err := s.checkProductMonths(ctx, st)
	if err != nil {
		return nil, err
	}
	diffs = append(diffs, pm...)
	sort.Strings(diffs)
	return diffs, nil
}

// productRow is one row of order_products, as stored or recomputed.
type productRow struct {
	Order    int64  `db:"order_id"`
	Product  int64  `db:"product_id"`
	Day      string `db:"day"`
	Quantity int64  `db:"quantity"`
	Net      int64  `db:"net"`
}

// eachProductChunk recomputes the products rollup from the deliveries
// applied to the store's paid orders, a thousand orders at a time in order
// id order, and hands each chunk's rows, its order id range and the orders
// whose delivery no longer holds their lines (erased for privacy: their
// rows cannot be recomputed and are left as they are) to fn.
func (s *ReportService) eachProductChunk(ctx context.Context, st loyalty.Store, fn func(from, to int64, rows []productRow, unknown map[int64]bool) error) error {
	if s.decode == nil {
		return nil
	}
	loc := st.Program.Location()
	after := int64(0)
	for {
		var orders []struct {
			ID       int64     `db:"order_id"`
			Customer int64     `db:"customer_pk"`
			Status   string    `db:"status"`
			Currency string    `db:"currency"`
			Deleted  bool      `db:"deleted"`
			Paid     time.Time `db:"first_paid_at"`
			Net      int64     `db:"net_minor"`
			Total    int64     `db:"total_minor"`
			Refunded int64     `db:"refunded_minor"`
			Topic    string    `db:"topic"`
			Body     []byte    `db:"body"`
		}
		if err := s.db.db.SelectContext(ctx, &orders, `SELECT o.order_id, o.customer_pk, o.status, o.currency, o.deleted, o.first_paid_at,
			o.net_minor, o.total_minor, o.refunded_minor, i.topic, i.body FROM orders o JOIN webhook_inbox i ON i.id=o.applied_inbox_id
			WHERE o.store_id=? AND o.order_id > ? AND o.first_paid_at IS NOT NULL AND o.customer_pk IS NOT NULL
			ORDER BY o.order_id LIMIT 1000`, st.ID, after); err != nil {
			return fmt.Errorf("orders for the products rollup: %w", err)
		}
		if len(orders) == 0 {
			return nil
		}
		var rows []productRow
		unknown := map[int64]bool{}
		for _, o := range orders {
			state := loyalty.OrderState{OrderID: o.ID, Customer: o.Customer, Status: o.Status, Currency: o.Currency, Deleted: o.Deleted,
				Net: o.Net, Total: o.Total, Refunded: o.Refunded, Terms: &loyalty.OrderTerms{FirstPaidAt: o.Paid.UTC()}}
			ev := s.decode(o.Topic, o.Body, st.Exponent)
			if ev.Kind != loyalty.EventOrder {
				unknown[o.ID] = true
				continue
			}
			day, lines, ok := loyalty.ProductShares(state, ev.Order, st.Program.Currency, loc)
			if !ok {
				continue
			}
			for _, l := range lines {
				rows = append(rows, productRow{o.ID, l.ProductID, day, l.Quantity, l.Net})
			}
		}
		from, to := after+1, orders[len(orders)-1].ID
		if err := fn(from, to, rows, unknown); err != nil {
			return err
		}
		after = to
	}
}

// rebuildProducts replaces the store's products rollup with a
// recomputation from the stored deliveries (rows of orders whose delivery
// was erased stay).
func (s *ReportService) rebuildProducts(ctx context.Context, st loyalty.Store) error {
	if s.decode == nil {
		return nil
	}
	last := int64(0)
	err := s.eachProductChunk(ctx, st, func(from, to int64, rows []productRow, unknown map[int64]bool) error {
		last = to
		return s.db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
			keep := []any{int64(0)}
			for id := range unknown {
				keep = append(keep, id)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM order_products WHERE store_id=? AND order_id BETWEEN ? AND ? AND order_id NOT IN (?`+
				strings.Repeat(",?", len(keep)-1)+`)`, append([]any{st.ID, from, to}, keep...)...); err != nil {
				return fmt.Errorf("clear products rollup: %w", err)
			}
			if len(rows) == 0 {
				return nil
			}
			var q strings.Builder
			args := make([]any, 0, 6*len(rows))
			for i, r := range rows {
				if i > 0 {
					q.WriteString(",")
				}
				q.WriteString("(?,?,?,?,?,?)")
				args = append(args, st.ID, r.Order, r.Product, r.Day, r.Quantity, r.Net)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO order_products (store_id, order_id, product_id, day, quantity, net) VALUES `+q.String(), args...)
			return err
		})
	})
	if err != nil {
		return err
	}
	if _, err := s.db.db.ExecContext(ctx, `DELETE FROM order_products WHERE store_id=? AND order_id > ?`, st.ID, last); err != nil {
		return fmt.Errorf("clear products rollup: %w", err)
	}
	return s.db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_product_months WHERE store_id=?`, st.ID); err != nil {
			return fmt.Errorf("clear product months: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_product_months (store_id, month, product_id, bucket, quantity, net, orders) `+
			productMonthsSQL, st.ID); err != nil {
			return fmt.Errorf("sum product months: %w", err)
		}
		return nil
	})
}

// cohortsSQL counts a store's cohort cells from its customer days.
const cohortsSQL = `SELECT d.store_id, f.cohort, d.day - INTERVAL (DAYOFMONTH(d.day) - 1) DAY AS month, d.customer_pk % 8 AS bucket,
	COUNT(DISTINCT d.customer_pk) AS customers
	FROM report_customer_days d JOIN (SELECT customer_pk, MIN(day) - INTERVAL (DAYOFMONTH(MIN(day)) - 1) DAY AS cohort
		FROM report_customer_days WHERE store_id=? AND orders > 0 GROUP BY customer_pk) f ON f.customer_pk = d.customer_pk
	WHERE d.store_id=? AND d.orders > 0 GROUP BY 1, 2, 3, 4`

// rebuildCohorts recounts the store's cohort rollup from its customer days.
func (s *ReportService) rebuildCohorts(ctx context.Context, store loyalty.StoreID) error {
	return s.db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_cohorts WHERE store_id=?`, store); err != nil {
			return fmt.Errorf("clear cohorts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_cohorts (store_id, cohort, month, bucket, customers) `+cohortsSQL, store, store); err != nil {
			return fmt.Errorf("count cohorts: %w", err)
		}
		return nil
	})
}

// checkCohorts compares the cohort rollup, summed over its buckets, with a
// recount from the days (cells counting nobody are as good as absent).
func (s *ReportService) checkCohorts(ctx context.Context, store loyalty.StoreID) ([]string, error) {
	type cell struct {
		Cohort    string `db:"cohort"`
		Month     string `db:"month"`
		Customers int64  `db:"customers"`
	}
	var held, want []cell
	if err := s.db.db.SelectContext(ctx, &held, `SELECT DATE_FORMAT(cohort, '%Y-%m-%d') AS cohort, DATE_FORMAT(month, '%Y-%m-%d') AS month,
		SUM(customers) AS customers FROM report_cohorts WHERE store_id=? GROUP BY cohort, month HAVING SUM(customers) <> 0`, store); err != nil {
		return nil, fmt.Errorf("read cohorts: %w", err)
	}
	if err := s.db.db.SelectContext(ctx, &want, `SELECT DATE_FORMAT(cohort, '%Y-%m-%d') AS cohort, DATE_FORMAT(month, '%Y-%m-%d') AS month,
		SUM(customers) AS customers FROM (`+cohortsSQL+`) x GROUP BY cohort, month`, store, store); err != nil {
		return nil, fmt.Errorf("count cohorts: %w", err)
	}
	w := map[[2]string]int64{}
	for _, c := range want {
		w[[2]string{c.Cohort, c.Month}] = c.Customers
	}
	var diffs []string
	for _, c := range held {
		k := [2]string{c.Cohort, c.Month}
		if w[k] != c.Customers {
			diffs = append(diffs, fmt.Sprintf("cohort %s in %s: the rollup holds %d customers, the days say %d", c.Cohort, c.Month, c.Customers, w[k]))
		}
		delete(w, k)
	}
	for k, n := range w {
		diffs = append(diffs, fmt.Sprintf("cohort %s in %s is missing (%d customers)", k[0], k[1], n))
	}
	return diffs, nil
}

// productMonthsSQL sums a store's order_products into the rows of
// report_product_months.
const productMonthsSQL = `SELECT store_id, day - INTERVAL (DAYOFMONTH(day) - 1) DAY AS month, product_id, order_id % 8 AS bucket,
	SUM(quantity) AS quantity, SUM(net) AS net, COUNT(*) AS orders FROM order_products WHERE store_id=? GROUP BY 1, 2, 3, 4`

// checkProductMonths compares the month rollup, summed over its buckets,
// with the sums of the products rollup (rows summing to nothing are as good
// as absent).
func (s *ReportService) checkProductMonths(ctx context.Context, st loyalty.Store) ([]string, error) {
	type row struct {
		Month    string `db:"month"`
		Product  int64  `db:"product_id"`
		Quantity int64  `db:"quantity"`
		Net      int64  `db:"net"`
		Orders   int64  `db:"orders"`
	}
	var held, want []row
	if err := s.db.db.SelectContext(ctx, &held, `SELECT DATE_FORMAT(month, '%Y-%m-%d') AS month, product_id,
		SUM(quantity) AS quantity, SUM(net) AS net, SUM(orders) AS orders FROM report_product_months WHERE store_id=?
		GROUP BY month, product_id HAVING SUM(quantity) <> 0 OR SUM(net) <> 0 OR SUM(orders) <> 0`, st.ID); err != nil {
		return nil, fmt.Errorf("read product months: %w", err)
	}
	if err := s.db.db.SelectContext(ctx, &want, `SELECT DATE_FORMAT(month, '%Y-%m-%d') AS month, product_id,
		SUM(quantity) AS quantity, SUM(net) AS net, SUM(orders) AS orders FROM (`+productMonthsSQL+`) x GROUP BY month, product_id`, st.ID); err != nil {
		return nil, fmt.Errorf("sum product months: %w", err)
	}
	w := map[[2]any]row{}
	for _, r := range want {
		w[[2]any{r.Month, r.Product}] = r
	}
	var diffs []string
	for _, r := range held {
		k := [2]any{r.Month, r.Product}
		if x, ok := w[k]; !ok || x != r {
			diffs = append(diffs, fmt.Sprintf("product %d in %s: the month rollup holds %+v, the products rollup says %+v", r.Product, r.Month, r, x))
		}
		delete(w, k)
	}
	for _, x := range w {
		diffs = append(diffs, fmt.Sprintf("product %d in %s is missing from the month rollup (%+v)", x.Product, x.Month, x))
	}
	return diffs, nil
}

// checkProducts compares the products rollup with the recomputation.
func (s *ReportService) checkProducts(ctx context.Context, st loyalty.Store) ([]string, error) {
	if s.decode == nil {
		return nil, nil
	}
	var diffs []string
	last := int64(0)
	compare := func(from, to int64, want []productRow, unknown map[int64]bool) error {
		var held []productRow
		if err := s.db.db.SelectContext(ctx, &held, `SELECT order_id, product_id, DATE_FORMAT(day, '%Y-%m-%d') AS day, quantity, net
			FROM order_products WHERE store_id=? AND order_id BETWEEN ? AND ?`, st.ID, from, to); err != nil {
			return fmt.Errorf("read products rollup: %w", err)
		}
		w := map[[2]int64]productRow{}
		for _, r := range want {
			w[[2]int64{r.Order, r.Product}] = r
		}
		for _, r := range held {
			if unknown[r.Order] {
				continue
			}
			k := [2]int64{r.Order, r.Product}
			if x, ok := w[k]; !ok || x != r {
				diffs = append(diffs, fmt.Sprintf("order %d product %d: the rollup holds %+v, the deliveries say %+v", r.Order, r.Product, r, x))
			}
			delete(w, k)
		}
		for _, x := range w {
			diffs = append(diffs, fmt.Sprintf("order %d product %d is missing (%+v)", x.Order, x.Product, x))
		}
		last = to
		return nil
	}
	if err := s.eachProductChunk(ctx, st, compare); err != nil {
		return nil, err
	}
	var stray int
	if err := s.db.db.GetContext(ctx, &stray, `SELECT COUNT(*) FROM order_products WHERE store_id=? AND order_id > ?`, st.ID, last); err != nil {
		return nil, fmt.Errorf("read products rollup: %w", err)
	}
	if stray > 0 {
		diffs = append(diffs, fmt.Sprintf("%d product rows of orders that do not count", stray))
	}
	return diffs, nil
}

// Backfill fills the rollups that came after a store's history (the
// points and products rollups), for stores that have history and none of
// them yet. It runs when the service's storage opens.
func (s *ReportService) Backfill(ctx context.Context) error {
	var ids []int64
	if err := s.db.db.SelectContext(ctx, &ids, `SELECT s.id FROM stores s WHERE NOT EXISTS (SELECT 1 FROM order_products p WHERE p.store_id=s.id)
		AND EXISTS (SELECT 1 FROM orders o WHERE o.store_id=s.id AND o.first_paid_at IS NOT NULL AND o.customer_pk IS NOT NULL)`); err != nil {
		return fmt.Errorf("stores to backfill: %w", err)
	}
	for _, id := range ids {
		st, err := loadStore(ctx, s.db.db, id)
		if err != nil {
			return err
		}
		if err := s.rebuildProducts(ctx, st); err != nil {
			return fmt.Errorf("backfill products of store %d: %w", id, err)
		}
	}
	return nil
}

// pointsFromLedger recomputes the points rollup from the ledger: the
// entries on the store's issued, redeemed and expired accounts, summed in
// SQL per quarter hour (every time zone's day starts on one) and placed on
// the store's days here.
func pointsFromLedger(ctx context.Context, q sqlx.QueryerContext, st loyalty.Store) (map[string]loyalty.PointsMovement, error) {
	var rows []struct {
		Slot    int64  `db:"slot"`
		Account string `db:"account"`
		Amount  int64  `db:"amount"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT FLOOR(UNIX_TIMESTAMP(t.created_at)/900) AS slot, e.account, SUM(e.amount) AS amount
		FROM ledger_entries e JOIN ledger_transactions t ON t.id=e.transaction_id
		WHERE e.store_id=? AND e.account IN ('issued','redeemed','expired') GROUP BY slot, e.account`, st.ID); err != nil {
		return nil, fmt.Errorf("points from the ledger: %w", err)
	}
	loc := st.Program.Location()
	out := map[string]loyalty.PointsMovement{}
	for _, r := range rows {
		day := loyalty.LocalDay(time.Unix(r.Slot*900, 0), loc).Format(time.DateOnly)
		m := out[day]
		switch r.Account {
		case loyalty.AccountIssued:
			m.Issued -= r.Amount
		case loyalty.AccountRedeemed:
			m.Redeemed += r.Amount
		case loyalty.AccountExpired:
			m.Expired += r.Amount
		}
		out[day] = m
	}
	for day, m := range out {
		if m == (loyalty.PointsMovement{}) {
			delete(out, day)
		}
	}
	return out, nil
}

// pointsRollup reads the store's points rollup per day.
func pointsRollup(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID) (map[string]loyalty.PointsMovement, error) {
	var rows []struct {
		Day      time.Time `db:"day"`
		Issued   int64     `db:"issued"`
		Redeemed int64     `db:"redeemed"`
		Expired  int64     `db:"expired"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT day, SUM(issued) AS issued, SUM(redeemed) AS redeemed, SUM(expired) AS expired
		FROM report_points_days WHERE store_id=? GROUP BY day`, store); err != nil {
		return nil, fmt.Errorf("read points rollup: %w", err)
	}
	out := map[string]loyalty.PointsMovement{}
	for _, r := range rows {
		out[r.Day.Format(time.DateOnly)] = loyalty.PointsMovement{Issued: r.Issued, Redeemed: r.Redeemed, Expired: r.Expired}
	}
	return out, nil
}

// rebuildPoints replaces the store's points rollup with the ledger's
// (after a time zone change, or for history from before the rollup).
func (s *ReportService) rebuildPoints(ctx context.Context, st loyalty.Store) error {
	return s.db.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		days, err := pointsFromLedger(ctx, tx, st)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_points_days WHERE store_id=?`, st.ID); err != nil {
			return fmt.Errorf("clear points rollup: %w", err)
		}
		var d pointsDeltas
		for day, m := range days {
			t, _ := time.Parse(time.DateOnly, day)
			d.add(st.ID, t, 0, m)
		}
		var w writes
		d.render(&w)
		return w.flush(ctx, tx)
	})
}

// ReportSummary counts the period's figures from the rollups: index-only
// counts over the customer days (each knowing the customer's previous and
// next paid day), run side by side, none over the ledger or the orders.
//
// With W1 the churn window before the period and W2 the one ending on its
// last day: a customer is active at the start when one of their days is in
// W1 (counted once, by their last day there: its next day is on or after
// From), active at the end likewise in W2, and a buyer of the period by
// their first day in it (its previous day is before From).
func (s *ReportService) ReportSummary(ctx context.Context, st loyalty.Store, period loyalty.Period) (loyalty.Summary, error) {
	churn := st.Program.Churn()
	var c loyalty.SummaryCounts
	var endAll, retained int64
	q := s.db.db
	w1From, w2After := loyalty.DayBefore(period.From, churn), loyalty.DayBefore(period.To, churn)
	// The customers active at the end: their last day in W2.
	const atEnd = `SELECT customer_pk FROM report_customer_days FORCE INDEX (report_days_day)
		WHERE store_id=? AND day > ? AND day <= ? AND (next_day IS NULL OR next_day > ?)`
	endArgs := []any{st.ID, w2After, period.To, period.To}
	err := parallel(ctx,
		func(ctx context.Context) error {
			var err error
			c.Customers, c.New, err = firstPaidCounts(ctx, q, st.ID, period)
			return err
		},
		func(ctx context.Context) error {
			err := q.GetContext(ctx, &c.AtStart, `SELECT COUNT(*) FROM report_customer_days FORCE INDEX (report_days_day)
				WHERE store_id=? AND day >= ? AND day < ? AND (next_day IS NULL OR next_day >= ?)`, st.ID, w1From, period.From, period.From)
			return wrap(err, "report active at start")
		},
		func(ctx context.Context) error {
			return wrap(q.GetContext(ctx, &endAll, `SELECT COUNT(*) FROM (`+atEnd+`) e`, endArgs...), "report active at end")
		},
		func(ctx context.Context) error {
			// Retained: active at the start and at the end.
			err := q.GetContext(ctx, &retained, `SELECT COUNT(*) FROM report_customer_days a FORCE INDEX (report_days_day)
				WHERE a.store_id=? AND a.day >= ? AND a.day < ? AND (a.next_day IS NULL OR a.next_day >= ?) AND a.customer_pk IN (`+atEnd+`)`,
				append([]any{st.ID, w1From, period.From, period.From}, endArgs...)...)
			return wrap(err, "report retained")
		},
		func(ctx context.Context) error {
			err := q.GetContext(ctx, &c.NewAtEnd, `SELECT COUNT(*) FROM report_customers r WHERE r.store_id=? AND r.first_day BETWEEN ? AND ?
				AND r.customer_pk IN (`+atEnd+`)`, append([]any{st.ID, period.From, period.To}, endArgs...)...)
			return wrap(err, "report new at end")
		},
		func(ctx context.Context) error {
			// A buyer's first day in the period has its previous day before
			// it; one who bought once has no next day in it either.
			var singles int64
			err := q.QueryRowxContext(ctx, `SELECT COALESCE(SUM(prev_day IS NULL OR prev_day < ?),0),
				COALESCE(SUM((prev_day IS NULL OR prev_day < ?) AND orders = 1 AND (next_day IS NULL OR next_day > ?)),0),
				COALESCE(SUM(orders),0), COALESCE(SUM(net),0)
				FROM report_customer_days FORCE INDEX (report_days_day) WHERE store_id=? AND day BETWEEN ? AND ?`,
				period.From, period.From, period.To, st.ID, period.From, period.To).Scan(&c.Buyers, &singles, &c.Orders, &c.Net)
			c.RepeatBuyers = c.Buyers - singles
			return wrap(err, "report buyers")
		},
		func(ctx context.Context) error {
			var err error
			c.OutstandingPoint, err = outstandingPoints(ctx, q, st.ID)
			return err
		},
	)
	if err != nil {
		return loyalty.Summary{}, err
	}
	// Active at the end and new, or active at both ends; the rest came back.
	c.AtEnd = retained + c.NewAtEnd
	c.WonBack = endAll - c.AtEnd
	return loyalty.Summarize(st.Program, period, churn, c), nil
}

// firstPaidCounts counts the customers first paid on or before the
// period's last day, and those of them first paid in it. Whole months come
// from the cohort rollup (a customer counts once, in their cohort's own
// month); the days of the period's first and last months from
// report_customers' first-day index.
func firstPaidCounts(ctx context.Context, q *sqlx.DB, store loyalty.StoreID, period loyalty.Period) (customers, fresh int64, err error) {
	fm, tm := period.From[:8]+"01", period.To[:8]+"01"
	first, _ := time.Parse(time.DateOnly, fm)
	fmEnd := first.AddDate(0, 1, -1).Format(time.DateOnly)
	// Whole cohort months before the last: before From's month, From's
	// month, and between.
	var before, fromMonth, between int64
	if err := q.QueryRowxContext(ctx, `SELECT COALESCE(SUM(IF(cohort < ?, customers, 0)),0), COALESCE(SUM(IF(cohort = ?, customers, 0)),0),
		COALESCE(SUM(IF(cohort > ?, customers, 0)),0) FROM report_cohorts WHERE store_id=? AND month = cohort AND cohort < ?`,
		fm, fm, fm, store, tm).Scan(&before, &fromMonth, &between); err != nil {
		return 0, 0, wrap(err, "report customers")
	}
	// The last month up to To, and From's month from From.
	var lastPart, fromPart int64
	fmTo := min(fmEnd, period.To)
	if err := q.QueryRowxContext(ctx, `SELECT COALESCE(SUM(first_day BETWEEN ? AND ?),0), COALESCE(SUM(first_day BETWEEN ? AND ?),0)
		FROM report_customers WHERE store_id=? AND (first_day BETWEEN ? AND ? OR first_day BETWEEN ? AND ?)`,
		tm, period.To, period.From, fmTo, store, fm, fmTo, tm, period.To).Scan(&lastPart, &fromPart); err != nil {
		return 0, 0, wrap(err, "report customers")
	}
	if fm == tm {
		return before + lastPart, fromPart, nil
	}
	return before + fromMonth + between + lastPart, fromPart + between + lastPart, nil
}

// outstandingPoints is what the store's customers hold available, read
// from the balances index alone.
func outstandingPoints(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID) (int64, error) {
	var n int64
	err := sqlx.GetContext(ctx, q, &n, `SELECT COALESCE(SUM(available),0) FROM customers FORCE INDEX (customers_balances)
		WHERE store_id=? AND merged_into IS NULL AND available > 0`, store)
	return n, wrap(err, "report outstanding points")
}

// parallel runs the report's queries side by side, each on its own
// connection, and returns the first error.
func parallel(ctx context.Context, fns ...func(context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, fn := range fns {
		g.Go(func() error { return fn(ctx) })
	}
	return g.Wait()
}

// wrap adds what was being read to err (nil stays nil).
func wrap(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// ReportCohorts reads, from the cohort rollup, for the customers first
// paid in the period's months, how many of each month's cohort had a paid
// order in each month up to the period's last.
func (s *ReportService) ReportCohorts(ctx context.Context, st loyalty.Store, period loyalty.Period) ([]loyalty.Cohort, error) {
	var counts []struct {
		Cohort    string `db:"cohort"`
		Month     string `db:"month"`
		Customers int64  `db:"customers"`
	}
	// Cohorts are whole months: those of the period's first and last days
	// and every month between.
	if err := s.db.db.SelectContext(ctx, &counts, `SELECT DATE_FORMAT(cohort, '%Y-%m') AS cohort, DATE_FORMAT(month, '%Y-%m') AS month,
		SUM(customers) AS customers FROM report_cohorts WHERE store_id=? AND cohort BETWEEN ? AND ? AND month <= ?
		GROUP BY cohort, month HAVING customers > 0`, st.ID, period.From[:8]+"01", period.To[:8]+"01", period.To[:8]+"01"); err != nil {
		return nil, fmt.Errorf("report cohorts: %w", err)
	}
	in := make([]loyalty.CohortCount, len(counts))
	for i, c := range counts {
		in[i] = loyalty.CohortCount{Cohort: c.Cohort, Month: c.Month, Customers: c.Customers}
	}
	return loyalty.Cohorts(in, period.To[:7]), nil
}

// churnStateSQL is loyalty.ChurnState in SQL over report_customers (r), at
// the day and churn days given as the first, second, third and fourth
// arguments: lapsed after churn days silent; at risk when silent more than
// three times the customer's usual gap.
const churnStateSQL = `CASE WHEN DATEDIFF(?, r.last_day) >= ? THEN 'lapsed'
	WHEN r.orders >= 2 AND DATEDIFF(?, r.last_day) * (r.orders - 1) > 3 * DATEDIFF(r.last_day, r.first_day) THEN 'at_risk'
	ELSE 'active' END`

// ReportChurn classifies the customers with a paid order by day and lists
// up to limit of those in state (limit 0: all), the longest silent first.
func (s *ReportService) ReportChurn(ctx context.Context, st loyalty.Store, day, state string, limit int) (loyalty.ChurnReport, error) {
	churn := st.Program.Churn()
	if limit <= 0 {
		limit = 1 << 30
	}
	out := loyalty.ChurnReport{Day: day, Counts: map[string]int64{loyalty.ChurnActive: 0, loyalty.ChurnAtRisk: 0, loyalty.ChurnLapsed: 0}}
	var counts []struct {
		State string `db:"state"`
		N     int64  `db:"n"`
	}
	if err := s.db.db.SelectContext(ctx, &counts, `SELECT `+churnStateSQL+` AS state, COUNT(*) AS n FROM report_customers r
		WHERE r.store_id=? AND r.first_day <= ? GROUP BY state`, day, churn, day, st.ID, day); err != nil {
		return out, fmt.Errorf("report churn counts: %w", err)
	}
	for _, c := range counts {
		out.Counts[c.State] = c.N
	}
	var rows []struct {
		WCID   *int64    `db:"wc_customer_id"`
		Email  *string   `db:"email"`
		First  time.Time `db:"first_day"`
		Last   time.Time `db:"last_day"`
		Orders int64     `db:"orders"`
		Net    int64     `db:"net"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT c.wc_customer_id, c.email, r.first_day, r.last_day, r.orders, r.net
		FROM report_customers r JOIN customers c ON c.id=r.customer_pk AND c.store_id=r.store_id
		WHERE r.store_id=? AND r.first_day <= ? AND `+churnStateSQL+` = ? ORDER BY r.last_day, r.customer_pk LIMIT ?`,
		st.ID, day, day, churn, day, state, limit); err != nil {
		return out, fmt.Errorf("report churn list: %w", err)
	}
	for _, r := range rows {
		c := loyalty.ChurnCustomer{State: state, Figures: loyalty.CustomerFigures{FirstDay: r.First.Format("2006-01-02"),
			LastDay: r.Last.Format("2006-01-02"), Orders: r.Orders, Net: r.Net}}
		if r.WCID != nil {
			c.WCCustomerID = *r.WCID
		}
		if r.Email != nil {
			c.Email = *r.Email
		}
		out.Items = append(out.Items, c)
	}
	return out, nil
}

// rfmSQL scores the store's customers in quintiles (5 best: the latest,
// the most orders, the most spend; ties broken by customer id so the
// scores are stable).
const rfmSQL = `SELECT r.customer_pk, r.first_day, r.last_day, r.orders, r.net,
	NTILE(5) OVER (ORDER BY r.last_day, r.customer_pk) AS rs,
	NTILE(5) OVER (ORDER BY r.orders, r.customer_pk) AS fs,
	NTILE(5) OVER (ORDER BY r.net, r.customer_pk) AS ms
	FROM report_customers r WHERE r.store_id=?`

// rfmRow is a customer's lifetime figures with their quintile scores (rfmSQL).
type rfmRow struct {
	Customer int64     `db:"customer_pk"`
	First    time.Time `db:"first_day"`
	Last     time.Time `db:"last_day"`
	Orders   int64     `db:"orders"`
	Net      int64     `db:"net"`
	R        int       `db:"rs"`
	F        int       `db:"fs"`
	M        int       `db:"ms"`
}

// ReportRFM scores every customer and counts them per segment; it lists
// up to limit customers of segment (limit 0: all of them), the largest
// spend first. The scores are NTILE(5)'s (as rfmSQL's): each quintile's
// first customer is found on the rollup's indexes, then one pass scores
// and counts everyone against those four starts per measure.
func (s *ReportService) ReportRFM(ctx context.Context, st loyalty.Store, segment string, limit int) (loyalty.RFMReport, error) {
	out := loyalty.RFMReport{Counts: map[string]int64{}}
	for _, sg := range loyalty.Segments() {
		out.Counts[sg] = 0
	}
	q := s.db.db
	var n int64
	if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM report_customers WHERE store_id=?`, st.ID); err != nil {
		return out, fmt.Errorf("report rfm: %w", err)
	}
	if n == 0 {
		return out, nil
	}
	var rq, fq, mq quintiles
	if err := parallel(ctx,
		func(ctx context.Context) (err error) { rq, err = quintileStarts(ctx, q, st.ID, "last_day", n); return },
		func(ctx context.Context) (err error) { fq, err = quintileStarts(ctx, q, st.ID, "orders", n); return },
		func(ctx context.Context) (err error) { mq, err = quintileStarts(ctx, q, st.ID, "net", n); return },
	); err != nil {
		return out, err
	}
	rs, rArgs := rq.score("last_day")
	fs, fArgs := fq.score("orders")
	ms, mArgs := mq.score("net")
	var in strings.Builder
	var inArgs []any
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			if loyalty.RFMSegment(r, f) == segment {
				if in.Len() > 0 {
					in.WriteString(",")
				}
				in.WriteString("(?,?)")
				inArgs = append(inArgs, r, f)
			}
		}
	}
	if limit <= 0 {
		limit = 1 << 30
	}
	var counts []struct {
		R int   `db:"rs"`
		F int   `db:"fs"`
		N int64 `db:"n"`
	}
	var rows []rfmRow
	scored := `SELECT customer_pk, first_day, last_day, orders, net, ` + rs + ` AS rs, ` + fs + ` AS fs, ` + ms + ` AS ms
		FROM report_customers WHERE store_id=?`
	scoredArgs := append(append(append(append([]any{}, rArgs...), fArgs...), mArgs...), st.ID)
	if err := parallel(ctx,
		func(ctx context.Context) error {
			err := q.SelectContext(ctx, &counts, `SELECT `+rs+` AS rs, `+fs+` AS fs, COUNT(*) AS n FROM report_customers
				WHERE store_id=? GROUP BY 1, 2`, append(append(append([]any{}, rArgs...), fArgs...), st.ID)...)
			return wrap(err, "report rfm counts")
		},
		func(ctx context.Context) error {
			if in.Len() == 0 {
				return nil
			}
			err := q.SelectContext(ctx, &rows, `SELECT * FROM (`+scored+`) x WHERE (rs, fs) IN (`+in.String()+`)
				ORDER BY net DESC, customer_pk LIMIT ?`, append(append(scoredArgs, inArgs...), limit)...)
			return wrap(err, "report rfm list")
		},
	); err != nil {
		return out, err
	}
	for _, c := range counts {
		out.Counts[loyalty.RFMSegment(c.R, c.F)] += c.N
	}
	picked := make([]int64, 0, len(rows))
	items := map[int64]loyalty.RFMCustomer{}
	for _, r := range rows {
		picked = append(picked, r.Customer)
		items[r.Customer] = loyalty.RFMCustomer{Segment: segment, R: r.R, F: r.F, M: r.M, Figures: loyalty.CustomerFigures{
			FirstDay: r.First.Format("2006-01-02"), LastDay: r.Last.Format("2006-01-02"), Orders: r.Orders, Net: r.Net}}
	}
	if len(picked) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT id, wc_customer_id, email FROM customers WHERE store_id=? AND id IN (?)`, st.ID, picked)
	if err != nil {
		return out, err
	}
	var who []struct {
		ID    int64   `db:"id"`
		WCID  *int64  `db:"wc_customer_id"`
		Email *string `db:"email"`
	}
	if err := s.db.db.SelectContext(ctx, &who, query, args...); err != nil {
		return out, fmt.Errorf("report rfm customers: %w", err)
	}
	for _, w := range who {
		it := items[w.ID]
		if w.WCID != nil {
			it.WCCustomerID = *w.WCID
		}
		if w.Email != nil {
			it.Email = *w.Email
		}
		items[w.ID] = it
	}
	for _, pk := range picked {
		out.Items = append(out.Items, items[pk])
	}
	return out, nil
}

// quintiles are where NTILE(5)'s quintiles 2 to 5 start in the order of a
// measure then customer: the measure's value (as text) and the customer.
type quintiles []struct {
	V  string `db:"v"`
	PK int64  `db:"customer_pk"`
}

// rfmIndexes are report_customers' index on each measure.
var rfmIndexes = map[string]string{"last_day": "report_customers_last", "orders": "report_customers_orders", "net": "report_customers_net"}

// quintileStarts finds the first customer of each quintile of the store's n
// customers ordered by col, customer_pk, walking the col index (which
// holds the customer after the value) up to each start.
func quintileStarts(ctx context.Context, q *sqlx.DB, store loyalty.StoreID, col string, n int64) (quintiles, error) {
	var out quintiles
	size, extra := n/5, n%5 // NTILE gives the first n%5 quintiles one more
	for k := int64(1); k < 5; k++ {
		at := k*size + min(k, extra)
		if at >= n {
			break
		}
		var row []struct {
			V  string `db:"v"`
			PK int64  `db:"customer_pk"`
		}
		if err := q.SelectContext(ctx, &row, `SELECT CAST(`+col+` AS CHAR) AS v, customer_pk FROM report_customers FORCE INDEX (`+rfmIndexes[col]+`)
			WHERE store_id=? ORDER BY `+col+`, customer_pk LIMIT 1 OFFSET ?`, store, at); err != nil {
			return nil, fmt.Errorf("report rfm %s quintiles: %w", col, err)
		}
		out = append(out, row...)
	}
	return out, nil
}

// score is the SQL of a customer's quintile of col: one more than the
// quintile starts at or before them.
func (qs quintiles) score(col string) (string, []any) {
	var b strings.Builder
	b.WriteString("(1")
	args := make([]any, 0, 2*len(qs))
	for _, s := range qs {
		b.WriteString(" + ((" + col + ", customer_pk) >= (?, ?))")
		args = append(args, s.V, s.PK)
	}
	b.WriteString(")")
	return b.String(), args
}

// ReportTop ranks the store's customers by spend (the rollups) or by
// lifetime points (the balance rows), the largest first.
func (s *ReportService) ReportTop(ctx context.Context, st loyalty.Store, by string, limit int) ([]loyalty.TopCustomer, error) {
	order := "r.net DESC, c.id"
	if by == "points" {
		order = "c.lifetime DESC, c.id"
	}
	var rows []struct {
		WCID     *int64  `db:"wc_customer_id"`
		Email    *string `db:"email"`
		Orders   int64   `db:"orders"`
		Net      int64   `db:"net"`
		Lifetime int64   `db:"lifetime"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT c.wc_customer_id, c.email, COALESCE(r.orders,0) AS orders, COALESCE(r.net,0) AS net, c.lifetime
		FROM customers c LEFT JOIN report_customers r ON r.store_id=c.store_id AND r.customer_pk=c.id
		WHERE c.store_id=? AND c.merged_into IS NULL ORDER BY `+order+` LIMIT ?`, st.ID, limit); err != nil {
		return nil, fmt.Errorf("report top customers: %w", err)
	}
	out := make([]loyalty.TopCustomer, 0, len(rows))
	for _, r := range rows {
		t := loyalty.TopCustomer{Orders: r.Orders, SpendMinor: r.Net, Lifetime: r.Lifetime}
		if r.WCID != nil {
			t.WCCustomerID = *r.WCID
		}
		if r.Email != nil {
			t.Email = *r.Email
		}
		out = append(out, t)
	}
	return out, nil
}

type pointsKey struct {
	store  loyalty.StoreID
	day    time.Time
	bucket int64
}

// pointsDeltas are changes to report_points_days queued by a ledger writer.
type pointsDeltas map[pointsKey]*loyalty.PointsMovement

func (d *pointsDeltas) add(store loyalty.StoreID, day time.Time, bucket int64, m loyalty.PointsMovement) {
	if *d == nil {
		*d = pointsDeltas{}
	}
	k := pointsKey{store, day, bucket}
	x := (*d)[k]
	if x == nil {
		x = &loyalty.PointsMovement{}
		(*d)[k] = x
	}
	x.Issued += m.Issued
	x.Redeemed += m.Redeemed
	x.Expired += m.Expired
}

// render adds one upsert of the queued changes, in key order (so writers
// lock rows in one order), and forgets them.
func (d *pointsDeltas) render(w *writes) {
	keys := make([]pointsKey, 0, len(*d))
	for k := range *d {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b pointsKey) int {
		return cmp.Or(cmp.Compare(a.store, b.store), a.day.Compare(b.day), cmp.Compare(a.bucket, b.bucket))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		m := (*d)[k]
		rows[i] = []any{k.store, k.day.Format(time.DateOnly), k.bucket, m.Issued, m.Redeemed, m.Expired}
	}
	addRows(w, `INSERT INTO report_points_days (store_id, day, bucket, issued, redeemed, expired)`, rows,
		`ON DUPLICATE KEY UPDATE issued=issued+VALUES(issued), redeemed=redeemed+VALUES(redeemed), expired=expired+VALUES(expired)`)
	clear(*d)
}

// ReportReferrals reads the referrals made in the period (store-local
// days) with their state now, on the referrals' made-at index.
func (s *ReportService) ReportReferrals(ctx context.Context, st loyalty.Store, period loyalty.Period) ([]loyalty.ReferralDay, error) {
	loc := st.Program.Location()
	from, _ := time.ParseInLocation(time.DateOnly, period.From, loc)
	to, _ := time.ParseInLocation(time.DateOnly, period.To, loc)
	var rows []struct {
		At    time.Time `db:"created_at"`
		State string    `db:"state"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT created_at, state FROM referrals FORCE INDEX (referrals_made)
		WHERE store_id=? AND created_at >= ? AND created_at < ?`, st.ID, from.UTC(), to.AddDate(0, 0, 1).UTC()); err != nil {
		return nil, fmt.Errorf("report referrals: %w", err)
	}
	made := make([]time.Time, len(rows))
	states := make([]string, len(rows))
	for i, r := range rows {
		made[i], states[i] = r.At, r.State
	}
	return loyalty.ReferralDays(made, states, loc), nil
}

// ReportPoints reads the points rollup of the period, summed over buckets.
func (s *ReportService) ReportPoints(ctx context.Context, st loyalty.Store, period loyalty.Period) ([]loyalty.PointsDay, error) {
	var rows []struct {
		Day      time.Time `db:"day"`
		Issued   int64     `db:"issued"`
		Redeemed int64     `db:"redeemed"`
		Expired  int64     `db:"expired"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT day, SUM(issued) AS issued, SUM(redeemed) AS redeemed, SUM(expired) AS expired
		FROM report_points_days WHERE store_id=? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day`, st.ID, period.From, period.To); err != nil {
		return nil, fmt.Errorf("points rollup: %w", err)
	}
	out := make([]loyalty.PointsDay, 0, len(rows))
	for _, r := range rows {
		if r.Issued == 0 && r.Redeemed == 0 && r.Expired == 0 {
			continue
		}
		out = append(out, loyalty.PointsDay{Day: r.Day.Format(time.DateOnly),
			PointsMovement: loyalty.PointsMovement{Issued: r.Issued, Redeemed: r.Redeemed, Expired: r.Expired}})
	}
	return out, nil
}

// renderProducts adds to w the best-selling products rollup's changes for
// the orders the flush writes: an order with a new snapshot has its rows
// replaced by its lines' shares; one that no longer counts loses them. The
// month rollup moves by the difference, in one upsert in key order, from
// the replaced rows as read here. Only an order that counted as last
// written (b.loaded) has rows to replace, so an order's first payment costs
// its INSERT alone.
func (b *batch) renderProducts(ctx context.Context, w *writes, dirty []orderKey, states []loyalty.OrderState) error {
	del := map[loyalty.StoreID][]int64{}
	var months productMonths
	var rows strings.Builder
	var args []any
	for i, k := range dirty {
		st, ok := b.stores[k.store]
		if !ok {
			continue
		}
		loc := st.Program.Location()
		_, _, hadRows := b.loaded[k].ReportShare(st.Program.Currency, loc)
		snap, has := b.snaps[k]
		delete(b.snaps, k)
		if !has {
			if _, _, counts := states[i].ReportShare(st.Program.Currency, loc); counts || !hadRows {
				continue // no new lines: the rows stand (or there are none)
			}
			del[k.store] = append(del[k.store], k.order)
			continue
		}
		if hadRows {
			del[k.store] = append(del[k.store], k.order)
		}
		day, lines, counts := loyalty.ProductShares(states[i], snap, st.Program.Currency, loc)
		if !counts {
			continue
		}
		for _, l := range lines {
			if rows.Len() > 0 {
				rows.WriteString(",")
			}
			rows.WriteString("(?,?,?,?,?,?)")
			args = append(args, k.store, k.order, l.ProductID, day, l.Quantity, l.Net)
			months.add(productMonth{k.store, day[:8] + "01", l.ProductID, b.ledger.bucket}, l.Quantity, l.Net, 1)
		}
	}
	for _, id := range sortedStores(del) {
		ids := del[id]
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		in := strings.Repeat(",?", len(ids)-1)
		args := append([]any{id}, int64sAny(ids)...)
		var old []productRow
		if err := sqlx.SelectContext(ctx, b.tx, &old, `SELECT order_id, product_id, DATE_FORMAT(day, '%Y-%m-%d') AS day, quantity, net
			FROM order_products WHERE store_id=? AND order_id IN (?`+in+`)`, args...); err != nil {
			return fmt.Errorf("read replaced product rows: %w", err)
		}
		for _, r := range old {
			months.add(productMonth{id, r.Day[:8] + "01", r.Product, b.ledger.bucket}, -r.Quantity, -r.Net, -1)
		}
		w.add(`DELETE FROM order_products WHERE store_id=? AND order_id IN (?`+in+`)`, args...)
	}
	if rows.Len() > 0 {
		w.add(`INSERT INTO order_products (store_id, order_id, product_id, day, quantity, net) VALUES `+rows.String(), args...)
	}
	months.render(w)
	return nil
}

type productMonth struct {
	store   loyalty.StoreID
	month   string // YYYY-MM-01
	product int64
	bucket  int64
}

// productMonths are additions to report_product_months.
type productMonths map[productMonth]*[3]int64 // quantity, net, orders

func (m *productMonths) add(k productMonth, quantity, net, orders int64) {
	if *m == nil {
		*m = productMonths{}
	}
	x := (*m)[k]
	if x == nil {
		x = &[3]int64{}
		(*m)[k] = x
	}
	x[0] += quantity
	x[1] += net
	x[2] += orders
}

// render adds one upsert of the additions, in key order.
func (m productMonths) render(w *writes) {
	keys := make([]productMonth, 0, len(m))
	for k, x := range m {
		if *x != [3]int64{} {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b productMonth) int {
		return cmp.Or(cmp.Compare(a.store, b.store), strings.Compare(a.month, b.month), cmp.Compare(a.product, b.product), cmp.Compare(a.bucket, b.bucket))
	})
	rows := make([][]any, len(keys))
	for i, k := range keys {
		x := m[k]
		rows[i] = []any{k.store, k.month, k.product, k.bucket, x[0], x[1], x[2]}
	}
	addRows(w, `INSERT INTO report_product_months (store_id, month, product_id, bucket, quantity, net, orders)`, rows,
		`ON DUPLICATE KEY UPDATE quantity=quantity+VALUES(quantity), net=net+VALUES(net), orders=orders+VALUES(orders)`)
}

// addRows adds one multi-row INSERT of rows (each as many values as the
// insert names columns) followed by suffix; nothing for no rows.
func addRows(w *writes, insert string, rows [][]any, suffix string) {
	if len(rows) == 0 {
		return
	}
	var q strings.Builder
	q.WriteString(insert)
	q.WriteString(" VALUES ")
	args := make([]any, 0, len(rows)*len(rows[0]))
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(rows[0])), ",") + ")"
	for i, r := range rows {
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString(row)
		args = append(args, r...)
	}
	q.WriteString(" ")
	q.WriteString(suffix)
	w.add(q.String(), args...)
}

// ReportProducts ranks the products sold in the period (orders first paid
// then, as they stand now) by net sales, the largest first.
func (s *ReportService) ReportProducts(ctx context.Context, st loyalty.Store, period loyalty.Period, limit int) ([]loyalty.ProductSales, error) {
	var rows []struct {
		Product  int64 `db:"product_id"`
		Quantity int64 `db:"quantity"`
		Net      int64 `db:"net"`
		Orders   int64 `db:"orders"`
	}
	// The period's whole months come from the month rollup, the days
	// before and after them from order_products' covering day index.
	from, _ := time.Parse(time.DateOnly, period.From)
	to, _ := time.Parse(time.DateOnly, period.To)
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !first.Equal(from) {
		first = first.AddDate(0, 1, 0)
	}
	end := time.Date(to.Year(), to.Month()+1, 1, 0, 0, 0, 0, time.UTC) // the month after the last whole one
	if !end.AddDate(0, 0, -1).Equal(to) {
		end = end.AddDate(0, -1, 0)
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	monthsFrom, monthsTo := day(first), day(end.AddDate(0, -1, 0))
	headTo, tailFrom := day(first.AddDate(0, 0, -1)), day(end)
	if !first.Before(end) { // no whole month: the days alone
		monthsFrom, monthsTo, headTo, tailFrom = "9999-12-01", "0001-01-01", period.To, "9999-12-31"
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT product_id, SUM(q) AS quantity, SUM(n) AS net, SUM(o) AS orders FROM (
			SELECT product_id, quantity AS q, net AS n, orders AS o FROM report_product_months WHERE store_id=? AND month BETWEEN ? AND ?
			UNION ALL
			SELECT product_id, quantity, net, 1 FROM order_products FORCE INDEX (order_products_day)
			WHERE store_id=? AND (day BETWEEN ? AND ? OR day BETWEEN ? AND ?)
		) x GROUP BY product_id HAVING orders > 0 ORDER BY net DESC, quantity DESC, product_id LIMIT ?`,
		st.ID, monthsFrom, monthsTo, st.ID, period.From, headTo, tailFrom, period.To, limit); err != nil {
		return nil, fmt.Errorf("products rollup: %w", err)
	}
	out := make([]loyalty.ProductSales, len(rows))
	for i, r := range rows {
		out[i] = loyalty.ProductSales{ProductID: r.Product, Quantity: r.Quantity, Net: r.Net, Orders: r.Orders}
	}
	return out, nil
}

// ReportValue reads the lifetime-value report from the rollups: the
// customers' lifetime rows split by membership (points ever earned, or
// some held now), the last two years' days, the points rollup's redeemed
// points and the points customers hold.
func (s *ReportService) ReportValue(ctx context.Context, st loyalty.Store, today string) (loyalty.Value, error) {
	q := s.db.db
	type group struct {
		Customers int64 `db:"customers"`
		Orders    int64 `db:"orders"`
		Net       int64 `db:"net"`
		Repeaters int64 `db:"repeaters"`
		Span      int64 `db:"span"`
	}
	const sums = `COUNT(*) AS customers, COALESCE(SUM(r.orders),0) AS orders, COALESCE(SUM(r.net),0) AS net,
		COALESCE(SUM(r.orders >= 2),0) AS repeaters, COALESCE(SUM(DATEDIFF(r.last_day, r.first_day)),0) AS span`
	var all, nonMembers group
	var y loyalty.YearCounts
	var redeemed, outstanding int64
	yearFrom, priorFrom, priorTo := loyalty.DayBefore(today, 364), loyalty.DayBefore(today, 729), loyalty.DayBefore(today, 365)
	err := parallel(ctx,
		func(ctx context.Context) error {
			return wrap(q.GetContext(ctx, &all, `SELECT `+sums+` FROM report_customers r WHERE r.store_id=?`, st.ID), "report value customers")
		},
		func(ctx context.Context) error {
			// Members hold or have held points; the others, found on the
			// balances index, are few wherever buying earns points.
			err := q.GetContext(ctx, &nonMembers, `SELECT `+sums+` FROM customers c FORCE INDEX (customers_balances)
				JOIN report_customers r ON r.store_id=c.store_id AND r.customer_pk=c.id
				WHERE c.store_id=? AND c.merged_into IS NULL AND c.available = 0 AND c.lifetime <= 0 AND c.held <= 0`, st.ID)
			return wrap(err, "report value non-members")
		},
		func(ctx context.Context) error {
			// The last year's buyers: their first day in it.
			err := q.QueryRowxContext(ctx, `SELECT COALESCE(SUM(prev_day IS NULL OR prev_day < ?),0), COALESCE(SUM(orders),0), COALESCE(SUM(net),0)
				FROM report_customer_days FORCE INDEX (report_days_day) WHERE store_id=? AND day BETWEEN ? AND ?`,
				yearFrom, st.ID, yearFrom, today).Scan(&y.Customers, &y.Orders, &y.Net)
			return wrap(err, "report value year")
		},
		func(ctx context.Context) error {
			// The year before's buyers, by their last day in it; churned when
			// that day has no next day up to today.
			err := q.QueryRowxContext(ctx, `SELECT COUNT(*), COALESCE(SUM(next_day IS NULL OR next_day > ?),0)
				FROM report_customer_days FORCE INDEX (report_days_day) WHERE store_id=? AND day BETWEEN ? AND ? AND (next_day IS NULL OR next_day > ?)`,
				today, st.ID, priorFrom, priorTo, priorTo).Scan(&y.PriorCustomers, &y.Churned)
			return wrap(err, "report value churn")
		},
		func(ctx context.Context) error {
			return wrap(q.GetContext(ctx, &redeemed, `SELECT COALESCE(SUM(redeemed),0) FROM report_points_days WHERE store_id=?`, st.ID), "report value redeemed")
		},
		func(ctx context.Context) error {
			var err error
			outstanding, err = outstandingPoints(ctx, q, st.ID)
			return err
		},
	)
	if err != nil {
		return loyalty.Value{}, err
	}
	others := loyalty.GroupCounts{Customers: nonMembers.Customers, Orders: nonMembers.Orders, Net: nonMembers.Net,
		Repeaters: nonMembers.Repeaters, SpanDays: nonMembers.Span}
	members := loyalty.GroupCounts{Customers: all.Customers - others.Customers, Orders: all.Orders - others.Orders, Net: all.Net - others.Net,
		Repeaters: all.Repeaters - others.Repeaters, SpanDays: all.Span - others.SpanDays}
	return loyalty.ValueReport(st.Program, members, others, y, redeemed, outstanding), nil
}
