package mysql

import (
	"context"
	"errors"
	"fmt"
	"sort"
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

// batch is one worker transaction's unit of work: it buffers and prefetches,
// nothing else. It remembers the order and customer rows it holds locked, so
// a batch of deliveries locks them with a few set queries instead of a round
// trip each, and it buffers writes (ledger, orders, inbox states) until
// flush sends them in one round trip. Every read that may depend on
// buffered writes flushes them first.
type batch struct {
	tx        *sqlx.Tx
	pool      *sqlx.DB // for what must commit on its own (shared rule sets)
	now       time.Time
	ledger    *ledger // batched mode
	orders    map[orderKey]loyalty.OrderState
	customers map[customerKey]int64

	dirty   []orderKey
	isDirty map[orderKey]bool
	inbox   []inboxUpdate

	// Tiers, for stores that have them: the tier each customer holds as
	// decided before this batch's orders changed it, and the customers whose
	// orders changed since (decided again before one of their orders is
	// first paid, and at the end of the batch).
	tierOf     map[int64]loyalty.CustomerTier
	tierStored map[int64]loyalty.CustomerTier // as its row will be after flush; absent: no row
	tierDirty  map[int64]loyalty.StoreID
	// The report rollups: each order's state as last read or written (its
	// share is in the rollups), the stores (time zone, currency) and the
	// rollup changes the batch's orders make.
	loaded  map[orderKey]loyalty.OrderState
	stores  map[int64]loyalty.Store
	reports reportDeltas
	// Writes decided from the batch's outcome (tiers, report rollups),
	// sent with the next flush.
	settleWrites writes
	granted      map[string]bool // bonus keys queued by this batch
	// The latest snapshot of each order the batch reconciled since the last
	// flush: its lines feed the best-selling products rollup.
	snaps map[orderKey]loyalty.OrderSnapshot
}

func newBatch(tx *sqlx.Tx, now time.Time, idStep int64) *batch {
	return &batch{tx: tx, now: now, ledger: newBatchLedger(tx, idStep), orders: map[orderKey]loyalty.OrderState{},
		customers: map[customerKey]int64{}, isDirty: map[orderKey]bool{}, tierOf: map[int64]loyalty.CustomerTier{},
		tierStored: map[int64]loyalty.CustomerTier{}, tierDirty: map[int64]loyalty.StoreID{}, loaded: map[orderKey]loyalty.OrderState{}, granted: map[string]bool{},
		snaps: map[orderKey]loyalty.OrderSnapshot{}}
}

// post queues a transaction with the ledger writer.
func (b *batch) post(ctx context.Context, store loyalty.StoreID, t loyalty.Transaction) error {
	_, _, err := b.ledger.Post(ctx, store, t)
	return err
}

// setOrder replaces the cached state of an order; flush writes it back.
func (b *batch) setOrder(store loyalty.StoreID, s loyalty.OrderState) {
	k := orderKey{store, s.OrderID}
	b.orders[k] = s
	if !b.isDirty[k] {
		b.isDirty[k] = true
		b.dirty = append(b.dirty, k)
	}
}

// done queues the inbox row's final state.
func (b *batch) done(id int64, state, note string) {
	b.inbox = append(b.inbox, inboxUpdate{id, state, note})
}

// flush writes everything buffered in one round trip: the ledger's
// transactions, entries and balances, one upsert for all changed orders and
// one UPDATE for the inbox rows.
func (b *batch) flush(ctx context.Context) error {
	var w writes
	if err := b.ledger.render(&w); err != nil {
		return err
	}
	states := make([]loyalty.OrderState, len(b.dirty))
	for i, k := range b.dirty {
		states[i] = b.orders[k]
	}
	dirty := b.dirty
	if err := b.renderProducts(ctx, &w, dirty, states); err != nil { // before loaded moves on: it tells which orders have rows
		return err
	}
	for i, k := range dirty {
		b.reports.change(b.stores[k.store], b.loaded[k], states[i])
		b.loaded[k] = states[i]
	}
	renderOrders(&w, func(i int) loyalty.StoreID { return dirty[i].store }, states, b.now)
	renderInboxStates(&w, b.inbox, b.now)
	w.addAll(&b.settleWrites)
	if err := b.reports.render(ctx, b.tx, &w, b.ledger.bucket); err != nil {
		return err
	}
	b.dirty, b.inbox = b.dirty[:0], b.inbox[:0]
	clear(b.isDirty)
	return w.flush(ctx, b.tx)
}

// order returns the locked state of the order, creating its row when missing.
func (b *batch) order(ctx context.Context, store loyalty.StoreID, id int64) (loyalty.OrderState, error) {
	k := orderKey{store, id}
	if o, ok := b.orders[k]; ok {
		return o, nil
	}
	if err := b.flush(ctx); err != nil {
		return loyalty.OrderState{}, err
	}
	o, err := lockOrder(ctx, b.tx, store, id, b.now)
	if err != nil {
		return loyalty.OrderState{}, err
	}
	b.orders[k], b.loaded[k] = o, o
	return o, nil
}

// customer returns the locked customer row's id for a WooCommerce customer.
func (b *batch) customer(ctx context.Context, store loyalty.StoreID, wcID int64, email string) (int64, error) {
	k := customerKey{store, wcID}
	if id, ok := b.customers[k]; ok {
		return id, nil
	}
	if err := b.flush(ctx); err != nil {
		return 0, err
	}
	id, err := ensureCustomer(ctx, b.tx, store, wcID, email, b.now)
	if err != nil {
		return 0, err
	}
	b.customers[k] = id
	return id, nil
}

// guest returns the customer id a guest e-mail resolves to.
func (b *batch) guest(ctx context.Context, store loyalty.StoreID, email string) (int64, error) {
	if err := b.flush(ctx); err != nil {
		return 0, err
	}
	return ensureGuest(ctx, b.tx, store, email, b.now)
}

// prefetch locks, in two set queries per table, every order and registered
// customer the events name, creating the missing rows, in ascending key
// order (the order every worker locks in).
func (b *batch) prefetch(ctx context.Context, store loyalty.StoreID, evs []loyalty.Event) error {
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
	orders, err := lockOrCreateOrders(ctx, b.tx, store, orderIDs, b.now)
	if err != nil {
		return err
	}
	for id, o := range orders {
		b.orders[orderKey{store, id}], b.loaded[orderKey{store, id}] = o, o
	}
	customers, err := lockOrCreateCustomers(ctx, b.tx, store, wcIDs, emails, b.now)
	if err != nil {
		return err
	}
	for wc, id := range customers {
		b.customers[customerKey{store, wc}] = id
	}
	return nil
}

// prefetchTiers reads, in one set query, the tiers stored for the store's
// customers the batch has locked, before any of its orders changes them.
func (b *batch) prefetchTiers(ctx context.Context, st loyalty.Store) error {
	if len(st.Tiers) == 0 {
		return nil
	}
	var pks []int64
	for k, id := range b.customers {
		if k.store == st.ID {
			pks = append(pks, id)
		}
	}
	return b.loadTiers(ctx, st, pks)
}

// loadTiers learns the stored tiers of the customers not known yet. A
// customer without a row has no paid order (decideTiers gives every
// customer it decides a row), so their tier is the one of zero figures.
func (b *batch) loadTiers(ctx context.Context, st loyalty.Store, pks []int64) error {
	var missing []int64
	for _, pk := range pks {
		if _, ok := b.tierOf[pk]; !ok {
			missing = append(missing, pk)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	stored, err := loadCustomerTiers(ctx, b.tx, st.ID, missing)
	if err != nil {
		return err
	}
	for _, pk := range missing {
		if t, ok := stored[pk]; ok {
			b.tierStored[pk], b.tierOf[pk] = t, t
			continue
		}
		b.tierOf[pk], _ = loyalty.DecideTier(st.Tiers, loyalty.CustomerTier{}, loyalty.Figures{}, st.Program.TierGraceDays, b.now)
	}
	return nil
}

// decideTiers decides the customers' tiers from their orders as this batch
// has them (written or not) and queues the rows that change for flush.
func (b *batch) decideTiers(ctx context.Context, st loyalty.Store, pks []int64) error {
	if len(pks) == 0 {
		return nil
	}
	sort.Slice(pks, func(i, j int) bool { return pks[i] < pks[j] })
	if err := b.loadTiers(ctx, st, pks); err != nil {
		return err
	}
	var fresher []loyalty.OrderState
	for k, o := range b.orders {
		if k.store == st.ID {
			fresher = append(fresher, o)
		}
	}
	decided, err := decideTiers(ctx, b.tx, st, pks, b.tierStored, fresher, b.now, &b.settleWrites)
	if err != nil {
		return err
	}
	for pk, t := range decided {
		b.tierOf[pk], b.tierStored[pk] = t, t
		delete(b.tierDirty, pk)
	}
	return nil
}

// tierMultiplier is the earn multiplier of the tier the customer (locked)
// holds now, with every earlier order of the batch counted.
func (b *batch) tierMultiplier(ctx context.Context, st loyalty.Store, pk int64) (loyalty.Ratio, error) {
	if len(st.Tiers) == 0 || pk <= 0 {
		return loyalty.One, nil
	}
	if b.tierDirty[pk] != 0 {
		if err := b.decideTiers(ctx, st, []int64{pk}); err != nil {
			return loyalty.Ratio{}, err
		}
	} else if err := b.loadTiers(ctx, st, []int64{pk}); err != nil {
		return loyalty.Ratio{}, err
	}
	return b.tierOf[pk].Multiplier(st.Tiers), nil
}

// orderChanged notes that a customer's tier figures may have moved.
func (b *batch) orderChanged(st loyalty.Store, pk int64) {
	if pk > 0 && len(st.Tiers) > 0 {
		b.tierDirty[pk] = st.ID
	}
}

// settleTiers decides again the tiers of every customer whose orders the
// batch changed, once per store; flush writes them with everything else.
func (b *batch) settleTiers(ctx context.Context, stores map[int64]loyalty.Store) error {
	byStore := map[int64][]int64{}
	for pk, store := range b.tierDirty {
		byStore[store] = append(byStore[store], pk)
	}
	for store, pks := range byStore {
		if err := b.decideTiers(ctx, stores[store], pks); err != nil {
			return err
		}
	}
	return nil
}

// firstPaidOrder reports whether none of the customer's orders but this
// one was ever paid: the batch's own orders first (newer than their rows),
// then the table.
func (b *batch) firstPaidOrder(ctx context.Context, store loyalty.StoreID, customer, orderID int64) (bool, error) {
	for k, o := range b.orders {
		if k.store == store && o.OrderID != orderID && o.Customer == customer && o.Terms != nil {
			return false, nil
		}
	}
	var n int
	if err := b.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM orders WHERE store_id=? AND customer_pk=? AND first_paid_at IS NOT NULL
		AND order_id <> ?`, store, customer, orderID); err != nil {
		return false, fmt.Errorf("earlier paid orders: %w", err)
	}
	return n == 0, nil
}
