package mysql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The tiers, customer_tiers and tier_changes tables: each store's VIP
// tiers, the tier each customer holds, and every move between them. The
// decisions are loyalty.DecideTier's; this file loads what it needs (the
// customers' paid orders) and writes what it decided, under the customer's
// row lock.

var _ loyalty.Tiers = (*TierService)(nil)

// TierService keeps the tier catalog and the customers' tiers.
type TierService struct {
	db *DB
}

// NewTierService returns the tier service on db.
func NewTierService(db *DB) *TierService { return &TierService{db: db} }

type tierRow struct {
	ID            int64  `db:"id"`
	Rank          int    `db:"tier_rank"`
	Names         string `db:"names"`
	ThresholdKind string `db:"threshold_kind"`
	Threshold     int64  `db:"threshold"`
	WindowDays    int    `db:"window_days"`
	MultNum       int64  `db:"mult_num"`
	MultDen       int64  `db:"mult_den"`
	Perks         string `db:"perks"`
	Active        bool   `db:"active"`
}

const (
	tierColumns      = `id, tier_rank, names, threshold_kind, threshold, window_days, mult_num, mult_den, perks, active`
	tierSelect       = `SELECT ` + tierColumns + ` FROM tiers WHERE store_id=? LIMIT 100`
	activeTierSelect = `SELECT ` + tierColumns + ` FROM tiers WHERE store_id=? AND active=1 LIMIT 100`
)

func (r tierRow) tier() (loyalty.Tier, error) {
	t := loyalty.Tier{ID: r.ID, Rank: r.Rank, ThresholdKind: r.ThresholdKind, Threshold: r.Threshold, WindowDays: r.WindowDays,
		Multiplier: loyalty.Ratio{Num: r.MultNum, Den: r.MultDen}, Active: r.Active}
	if err := json.Unmarshal([]byte(r.Names), &t.Names); err != nil {
		return loyalty.Tier{}, fmt.Errorf("tier %d names: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Perks), &t.Perks); err != nil {
		return loyalty.Tier{}, fmt.Errorf("tier %d perks: %w", r.ID, err)
	}
	return t, nil
}

func perksJSON(p loyalty.TierPerks) string {
	if p.RewardIDs == nil {
		p.RewardIDs = []int64{}
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// loadTiers reads the store's tiers, best first; only active ones when activeOnly.
func loadTiers(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, activeOnly bool) ([]loyalty.Tier, error) {
	query := tierSelect
	if activeOnly {
		query = activeTierSelect
	}
	var rows []tierRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, store); err != nil {
		return nil, fmt.Errorf("load tiers: %w", err)
	}
	out := make([]loyalty.Tier, 0, len(rows))
	for _, r := range rows {
		t, err := r.tier()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	loyalty.SortTiers(out)
	return out, nil
}

// ListTiers returns all the store's tiers, active or not, best first.
func (s *TierService) ListTiers(ctx context.Context, store loyalty.StoreID) ([]loyalty.Tier, error) {
	if err := storeExists(ctx, s.db.db, store); err != nil {
		return nil, err
	}
	return loadTiers(ctx, s.db.db, store, false)
}

// CreateTier adds a tier and returns it with its id. EInvalid, EConflict
// (another tier has the rank), ENotFound (no store).
func (s *TierService) CreateTier(ctx context.Context, store loyalty.StoreID, t loyalty.Tier) (loyalty.Tier, error) {
	if err := t.Validate(); err != nil {
		return loyalty.Tier{}, err
	}
	t.Multiplier = normRatio(t.Multiplier)
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := storeExists(ctx, tx, store); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO tiers (store_id, tier_rank, names, threshold_kind, threshold, window_days,
			mult_num, mult_den, perks, active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			store, t.Rank, texts(t.Names), t.ThresholdKind, t.Threshold, t.WindowDays, t.Multiplier.Num, t.Multiplier.Den,
			perksJSON(t.Perks), t.Active, now, now)
		if isDuplicate(err, "tiers_rank") {
			return loyalty.Errorf(loyalty.EConflict, "another tier has rank %d", t.Rank)
		}
		if err != nil {
			return fmt.Errorf("insert tier: %w", err)
		}
		if t.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return placeAllCustomers(ctx, tx, store, now)
	})
	return t, err
}

// UpdateTier applies patch to the stored tier under a lock and saves it;
// every customer of the store is then placed again (by the CheckDue job).
// EInvalid, EConflict, ENotFound.
func (s *TierService) UpdateTier(ctx context.Context, store loyalty.StoreID, id int64, patch func(*loyalty.Tier) error) (loyalty.Tier, error) {
	var out loyalty.Tier
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var r tierRow
		if err := tx.GetContext(ctx, &r, `SELECT `+tierColumns+` FROM tiers WHERE store_id=? AND id=? FOR UPDATE`, store, id); err != nil {
			return notFound(err, "tier %d not found", id)
		}
		t, err := r.tier()
		if err != nil {
			return err
		}
		if err := patch(&t); err != nil {
			return err
		}
		t.ID = id
		if err := t.Validate(); err != nil {
			return err
		}
		t.Multiplier = normRatio(t.Multiplier)
		_, err = tx.ExecContext(ctx, `UPDATE tiers SET tier_rank=?, names=?, threshold_kind=?, threshold=?, window_days=?,
			mult_num=?, mult_den=?, perks=?, active=?, updated_at=? WHERE store_id=? AND id=?`,
			t.Rank, texts(t.Names), t.ThresholdKind, t.Threshold, t.WindowDays, t.Multiplier.Num, t.Multiplier.Den,
			perksJSON(t.Perks), t.Active, now, store, id)
		if isDuplicate(err, "tiers_rank") {
			return loyalty.Errorf(loyalty.EConflict, "another tier has rank %d", t.Rank)
		}
		if err != nil {
			return fmt.Errorf("update tier: %w", err)
		}
		out = t
		return placeAllCustomers(ctx, tx, store, now)
	})
	return out, err
}

func normRatio(r loyalty.Ratio) loyalty.Ratio {
	if r.Den == 0 {
		return loyalty.One
	}
	return r
}

// placeAllCustomers asks the CheckDue job to decide again the tier of every
// customer with a paid order or a tier, after the tiers changed: a new tier
// places the existing customers, a raised threshold starts their grace.
func placeAllCustomers(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_tiers (store_id, customer_pk, since, next_check, updated_at)
		SELECT DISTINCT store_id, customer_pk, ?, ?, ? FROM orders
		WHERE store_id=? AND customer_pk IS NOT NULL AND first_paid_at IS NOT NULL
		ON DUPLICATE KEY UPDATE next_check=VALUES(next_check)`, now, now, now, store); err != nil {
		return fmt.Errorf("place customers: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE customer_tiers SET next_check=? WHERE store_id=? AND tier_id IS NOT NULL`, now, store); err != nil {
		return fmt.Errorf("place customers: %w", err)
	}
	return nil
}

type customerTierRow struct {
	CustomerPK int64      `db:"customer_pk"`
	TierID     *int64     `db:"tier_id"`
	Since      time.Time  `db:"since"`
	BelowSince *time.Time `db:"below_since"`
	NextCheck  *time.Time `db:"next_check"`
}

func (r customerTierRow) customerTier() loyalty.CustomerTier {
	c := loyalty.CustomerTier{Since: r.Since.UTC()}
	if r.TierID != nil {
		c.TierID = *r.TierID
	}
	if r.BelowSince != nil {
		c.BelowSince = r.BelowSince.UTC()
	}
	if r.NextCheck != nil {
		c.NextCheck = r.NextCheck.UTC()
	}
	return c
}

// loadCustomerTiers reads the tiers the customers hold (customers without
// a row hold none).
func loadCustomerTiers(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, customers []int64) (map[int64]loyalty.CustomerTier, error) {
	out := map[int64]loyalty.CustomerTier{}
	if len(customers) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT customer_pk, tier_id, since, below_since, next_check FROM customer_tiers
		WHERE store_id=? AND customer_pk IN (?)`, store, customers)
	if err != nil {
		return nil, err
	}
	var rows []customerTierRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("load customer tiers: %w", err)
	}
	for _, r := range rows {
		out[r.CustomerPK] = r.customerTier()
	}
	return out, nil
}

// tierOrders are the orders of some customers that count toward tiers,
// by order id, with the customer each belongs to.
type tierOrders map[int64]struct {
	customer int64
	order    loyalty.TierOrder
}

// set replaces what the order counts with its state s (held in a batch's
// memory, newer than its row); money in another currency than the store's
// (currency) does not count toward spend.
func (o tierOrders) set(s loyalty.OrderState, currency string) {
	t, counts := s.TierOrder()
	if !counts || s.Customer <= 0 {
		delete(o, s.OrderID)
		return
	}
	t.Foreign = s.Currency != "" && !strings.EqualFold(s.Currency, currency)
	o[s.OrderID] = struct {
		customer int64
		order    loyalty.TierOrder
	}{s.Customer, t}
}

// byCustomer groups the orders by customer.
func (o tierOrders) byCustomer() map[int64][]loyalty.TierOrder {
	out := map[int64][]loyalty.TierOrder{}
	for _, x := range o {
		out[x.customer] = append(out[x.customer], x.order)
	}
	return out
}

// loadTierOrders reads what the customers' paid orders count toward tiers.
func loadTierOrders(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, currency string, customers []int64) (tierOrders, error) {
	orders, err := loadPaidOrders(ctx, q, store, customers)
	if err != nil {
		return nil, err
	}
	out := tierOrders{}
	for _, s := range orders {
		out.set(s, currency)
	}
	return out, nil
}

// decideTiers re-decides the customers' tiers at now from their orders
// (newest first from fresher, a batch's orders not written yet) and renders
// the rows that change into w: every decided customer gets a row, so with
// tiers in place a customer without one has no paid order. stored is what
// their rows say (absent: no row). The caller holds the customers' rows
// locked. It returns each customer's tier afterwards.
func decideTiers(ctx context.Context, q sqlx.QueryerContext, store loyalty.Store, customers []int64, stored map[int64]loyalty.CustomerTier,
	fresher []loyalty.OrderState, now time.Time, w *writes) (map[int64]loyalty.CustomerTier, error) {
	orders, err := loadTierOrders(ctx, q, store.ID, store.Program.Currency, customers)
	if err != nil {
		return nil, err
	}
	for _, s := range fresher {
		orders.set(s, store.Program.Currency)
	}
	byCustomer := orders.byCustomer()
	bases := loyalty.Bases(store.Tiers)
	out := make(map[int64]loyalty.CustomerTier, len(customers))
	var rows, changes strings.Builder
	var rowArgs, changeArgs []any
	var notices []pendingNotice
	tierByID := func(id int64) *loyalty.Tier {
		for i := range store.Tiers {
			if store.Tiers[i].ID == id {
				return &store.Tiers[i]
			}
		}
		return nil
	}
	for _, c := range customers {
		before, had := stored[c]
		next, change := loyalty.DecideTier(store.Tiers, before, loyalty.ComputeFigures(byCustomer[c], bases, now), store.Program.TierGraceDays, now)
		out[c] = next
		if had && next == before {
			continue
		}
		if rows.Len() > 0 {
			rows.WriteString(",")
		}
		rows.WriteString("(?,?,?,?,?,?,?)")
		rowArgs = append(rowArgs, store.ID, c, nullID(next.TierID), sinceOrNow(next.Since, now), nullTime(next.BelowSince),
			nullTime(next.NextCheck), now)
		if change != nil {
			if changes.Len() > 0 {
				changes.WriteString(",")
			}
			changes.WriteString("(?,?,?,?,?,?,?)")
			changeArgs = append(changeArgs, store.ID, c, nullID(change.From), nullID(change.To), change.Reason,
				truncate(change.Detail, 255), change.At)
			notices = append(notices, pendingNotice{store.ID, loyalty.TierNotice(c, tierByID(change.From), tierByID(change.To), change.At)})
		}
	}
	if rows.Len() > 0 {
		w.add(`INSERT INTO customer_tiers (store_id, customer_pk, tier_id, since, below_since, next_check, updated_at) VALUES `+
			rows.String()+` ON DUPLICATE KEY UPDATE tier_id=VALUES(tier_id), since=VALUES(since), below_since=VALUES(below_since),
			next_check=VALUES(next_check), updated_at=VALUES(updated_at)`, rowArgs...)
	}
	if changes.Len() > 0 {
		w.add(`INSERT INTO tier_changes (store_id, customer_pk, from_tier, to_tier, reason, detail, created_at) VALUES `+
			changes.String(), changeArgs...)
	}
	if err := renderNotices(w, notices); err != nil {
		return nil, err
	}
	return out, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func sinceOrNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

// CustomerTier is the WooCommerce customer's tier status in st: the tier as
// decided now from their orders (so a tier created a moment ago shows
// before the job writes it), what the next tier needs and, with history,
// the latest changes. Nothing is written.
func (s *TierService) CustomerTier(ctx context.Context, st loyalty.Store, wcCustomerID int64, history bool) (loyalty.TierStatus, error) {
	var out loyalty.TierStatus
	if len(st.Tiers) == 0 && !history {
		return out, nil
	}
	var pk int64
	err := s.db.db.GetContext(ctx, &pk, `SELECT id FROM customers WHERE store_id=? AND wc_customer_id=?`, st.ID, wcCustomerID)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("find customer: %w", err)
	}
	now := s.db.now()
	if len(st.Tiers) > 0 {
		tiers, err := loadCustomerTiers(ctx, s.db.db, st.ID, []int64{pk})
		if err != nil {
			return out, err
		}
		orders, err := loadTierOrders(ctx, s.db.db, st.ID, st.Program.Currency, []int64{pk})
		if err != nil {
			return out, err
		}
		f := loyalty.ComputeFigures(orders.byCustomer()[pk], loyalty.Bases(st.Tiers), now)
		out.Current, _ = loyalty.DecideTier(st.Tiers, tiers[pk], f, st.Program.TierGraceDays, now)
		for i := range st.Tiers {
			if st.Tiers[i].ID == out.Current.TierID {
				t := st.Tiers[i]
				out.Tier = &t
			}
		}
		out.Next = loyalty.NextTierFor(st.Tiers, out.Current, f)
		out.DowngradeAt = out.Current.DowngradeAt(st.Program.TierGraceDays)
	}
	if history {
		if out.History, err = tierHistory(ctx, s.db.db, st.ID, pk, 20); err != nil {
			return out, err
		}
	}
	return out, nil
}

// tierHistory is the customer's latest tier changes, newest first.
func tierHistory(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, pk int64, limit int) ([]loyalty.TierChange, error) {
	var rows []struct {
		From   *int64    `db:"from_tier"`
		To     *int64    `db:"to_tier"`
		Reason string    `db:"reason"`
		Detail string    `db:"detail"`
		At     time.Time `db:"created_at"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT from_tier, to_tier, reason, detail, created_at FROM tier_changes
		WHERE store_id=? AND customer_pk=? ORDER BY id DESC LIMIT ?`, store, pk, limit); err != nil {
		return nil, fmt.Errorf("tier history: %w", err)
	}
	out := make([]loyalty.TierChange, 0, len(rows))
	for _, r := range rows {
		c := loyalty.TierChange{Reason: r.Reason, Detail: r.Detail, At: r.At.UTC()}
		if r.From != nil {
			c.From = *r.From
		}
		if r.To != nil {
			c.To = *r.To
		}
		out = append(out, c)
	}
	return out, nil
}

// CheckDue re-decides, each under its customer's lock in its own
// transaction, the tiers whose next_check has come (rolling windows, grace
// periods, tiers edited). Several instances may run it at once: a row
// another instance just decided has moved its next_check and is skipped.
func (s *TierService) CheckDue(ctx context.Context, limit int) (int, error) {
	return s.db.eachDue(ctx, "customer tier", `SELECT store_id, customer_pk AS id FROM customer_tiers
		WHERE next_check <= ? ORDER BY next_check LIMIT ?`, []any{s.db.now(), limit},
		func(tx *sqlx.Tx, now time.Time, it dueItem) (bool, error) {
			if _, err := lockCustomers(ctx, tx, it.Store, it.ID); err != nil {
				return false, err
			}
			var due int
			if err := tx.GetContext(ctx, &due, `SELECT COUNT(*) FROM customer_tiers
				WHERE store_id=? AND customer_pk=? AND next_check <= ?`, it.Store, it.ID, now); err != nil {
				return false, fmt.Errorf("recheck customer tier: %w", err)
			}
			if due == 0 {
				return false, nil // another instance decided it first
			}
			st, err := loadStore(ctx, tx, it.Store)
			if err != nil {
				return false, err
			}
			before, err := loadCustomerTiers(ctx, tx, it.Store, []int64{it.ID})
			if err != nil {
				return false, err
			}
			var w writes
			after, err := decideTiers(ctx, tx, st, []int64{it.ID}, before, nil, now, &w)
			if err != nil {
				return false, err
			}
			if err := w.flush(ctx, tx); err != nil {
				return false, fmt.Errorf("tiers: %w", err)
			}
			if next := after[it.ID]; next == before[it.ID] {
				// decideTiers writes every decision that differs, and a due
				// row's next check always moves: this would loop.
				return false, fmt.Errorf("tier of customer %d stays due after a decision", it.ID)
			}
			return after[it.ID].TierID != before[it.ID].TierID, nil
		})
}
