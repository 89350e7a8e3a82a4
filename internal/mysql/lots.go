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

// The lots table: credits to customers' available points, for expiry. The
// ledger writer inserts them (ledger.go); this file runs the expiry job and
// answers what lapses next. The rules are loyalty's (expiry.go).

var _ loyalty.Expiry = (*LotService)(nil)

// LotService runs points expiry.
type LotService struct {
	db *DB
}

// NewLotService returns the expiry service on db.
func NewLotService(db *DB) *LotService { return &LotService{db: db} }

// openLots reads the customer's lots the balance may still cover, newest
// first (uncovered lots are settled, and older than every covered one).
func openLots(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, customer int64) ([]loyalty.Lot, error) {
	var rows []struct {
		ID       int64     `db:"id"`
		EarnedAt time.Time `db:"earned_at"`
		Amount   int64     `db:"amount"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, earned_at, amount FROM lots
		WHERE store_id=? AND customer_pk=? AND settled=0 ORDER BY id DESC`, store, customer); err != nil {
		return nil, fmt.Errorf("read lots: %w", err)
	}
	out := make([]loyalty.Lot, len(rows))
	for i, r := range rows {
		out[i] = loyalty.Lot{ID: r.ID, EarnedAt: r.EarnedAt.UTC(), Amount: r.Amount}
	}
	return out, nil
}

type expiryProgram struct {
	Store    int64  `db:"store_id"`
	Months   int    `db:"expire_months"`
	Inactive int    `db:"expire_inactive_months"`
	TimeZone string `db:"time_zone"`
}

func (p expiryProgram) location() *time.Location {
	return loyalty.Program{TimeZone: p.TimeZone}.Location()
}

// ExpireDue runs both expiry rules for every store that has one: lots
// whose months have passed, and whole balances after months without
// activity. Each customer is decided under their row lock in a transaction
// of its own, and every lapse has its own idempotency key, so several
// instances may run it at once. It returns how many customers lost points.
func (s *LotService) ExpireDue(ctx context.Context, limit int) (int, error) {
	var programs []expiryProgram
	if err := s.db.db.SelectContext(ctx, &programs, `SELECT store_id, expire_months, expire_inactive_months, time_zone
		FROM programs WHERE expire_months > 0 OR expire_inactive_months > 0`); err != nil {
		return 0, fmt.Errorf("find stores with expiry: %w", err)
	}
	total := 0
	var errs []error
	for _, p := range programs {
		now := s.db.now()
		if p.Months > 0 {
			// Lots earned more than Months ago (a day of margin for time
			// zones; the rule decides the instant).
			bound := now.AddDate(0, -p.Months, 1)
			n, err := s.db.eachDue(ctx, "lots", `SELECT DISTINCT store_id, customer_pk AS id FROM lots
				WHERE store_id=? AND settled=0 AND earned_at <= ? LIMIT ?`, []any{p.Store, bound, limit},
				func(tx *sqlx.Tx, now time.Time, it dueItem) (bool, error) {
					return expireCustomer(ctx, tx, p, it.ID, now, s.db.idStep)
				})
			total += n
			if err != nil {
				errs = append(errs, err)
			}
		}
		if p.Inactive > 0 {
			bound := now.AddDate(0, -p.Inactive, 1)
			n, err := s.db.eachDue(ctx, "inactive customer", `SELECT store_id, id FROM customers
				WHERE store_id=? AND available > 0 AND merged_into IS NULL AND updated_at <= ? LIMIT ?`, []any{p.Store, bound, limit},
				func(tx *sqlx.Tx, now time.Time, it dueItem) (bool, error) {
					return expireCustomer(ctx, tx, p, it.ID, now, s.db.idStep)
				})
			total += n
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	return total, errors.Join(errs...)
}

// expireCustomer locks the customer, posts what lapses at now under either
// rule, and settles the lots the balance no longer covers.
//
// The customer's lock and the settled flag keep a lapse from being posted
// twice (another instance waiting on the lock finds the lots settled), so
// the lapses go out with the batched ledger writer, in one round trip with
// the settling.
func expireCustomer(ctx context.Context, tx *sqlx.Tx, p expiryProgram, customer int64, now time.Time, idStep int64) (bool, error) {
	var c struct {
		Available int64     `db:"available"`
		UpdatedAt time.Time `db:"updated_at"`
	}
	if err := tx.GetContext(ctx, &c, `SELECT available, updated_at FROM customers WHERE store_id=? AND id=? FOR UPDATE`, p.Store, customer); err != nil {
		return false, notFound(err, "customer %d not found", customer)
	}
	lots, err := openLots(ctx, tx, p.Store, customer)
	if err != nil {
		return false, err
	}
	loc := p.location()
	txns := loyalty.ExpireLots(customer, lots, c.Available, p.Months, loc, now)
	left := c.Available
	for _, t := range txns {
		left -= t.Postings[0].Amount
	}
	if t := loyalty.ExpireInactive(customer, left, c.UpdatedAt.UTC(), p.Inactive, loc, now); t != nil {
		txns = append(txns, *t)
		left = 0
	}
	l := newBatchLedger(tx, idStep)
	l.zones[p.Store] = loc // the points rollup's days, without asking the database
	for _, t := range txns {
		if _, _, err := l.Post(ctx, p.Store, t); err != nil {
			return false, fmt.Errorf("expire points of customer %d: %w", customer, err)
		}
	}
	var w writes
	if err := l.render(&w); err != nil {
		return false, err
	}
	if settle := loyalty.UncoveredLots(lots, left); len(settle) > 0 {
		q, args, err := sqlx.In(`UPDATE lots SET settled=1 WHERE store_id=? AND id IN (?)`, p.Store, settle)
		if err != nil {
			return false, err
		}
		w.add(q, args...)
	}
	if err := w.flush(ctx, tx); err != nil {
		return false, fmt.Errorf("expire points of customer %d: %w", customer, err)
	}
	posted := len(txns) > 0
	return posted, nil
}

// Expiring is the customer's next lapse: the oldest lot the balance covers
// under the months rule, or the whole balance under the inactivity rule,
// whichever comes first. Nil when the store expires nothing or the customer
// has nothing to lose.
func (s *LotService) Expiring(ctx context.Context, st loyalty.Store, wcCustomerID int64) (*loyalty.Expiring, error) {
	if st.Program.ExpireMonths <= 0 && st.Program.ExpireInactiveMonths <= 0 {
		return nil, nil
	}
	var pk int64
	err := s.db.db.GetContext(ctx, &pk, `SELECT id FROM customers WHERE store_id=? AND wc_customer_id=?`, st.ID, wcCustomerID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read customer: %w", err)
	}
	return s.expiring(ctx, s.db.db, st, pk)
}

// expiring is Expiring for the customer with internal id pk.
func (s *LotService) expiring(ctx context.Context, q sqlx.QueryerContext, st loyalty.Store, pk int64) (*loyalty.Expiring, error) {
	p := st.Program
	if p.ExpireMonths <= 0 && p.ExpireInactiveMonths <= 0 {
		return nil, nil
	}
	var c struct {
		ID        int64     `db:"id"`
		Available int64     `db:"available"`
		UpdatedAt time.Time `db:"updated_at"`
	}
	err := sqlx.GetContext(ctx, q, &c, `SELECT id, available, updated_at FROM customers WHERE store_id=? AND id=?`, st.ID, pk)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && c.Available <= 0) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read customer: %w", err)
	}
	loc := p.Location()
	var next *loyalty.Expiring
	if p.ExpireMonths > 0 {
		lots, err := openLots(ctx, q, st.ID, c.ID)
		if err != nil {
			return nil, err
		}
		next = loyalty.NextExpiry(lots, c.Available, p.ExpireMonths, loc)
	}
	if p.ExpireInactiveMonths > 0 {
		at := loyalty.LotExpiresAt(c.UpdatedAt.UTC(), p.ExpireInactiveMonths, loc)
		if next == nil || at.Before(next.At) {
			next = &loyalty.Expiring{Points: c.Available, At: at}
		}
	}
	return next, nil
}
