package mysql

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The referral_codes, customer_fingerprints and referrals tables. The rules
// (checks, states, rewards) are loyalty's; this file loads, locks and writes.

// ReferralService serves referral codes, referrals and their approval.
type ReferralService struct{ db *DB }

// NewReferralService returns the referral service on db.
func NewReferralService(db *DB) *ReferralService { return &ReferralService{db: db} }

type referralRow struct {
	ID         int64        `db:"id"`
	Referrer   int64        `db:"referrer_pk"`
	Friend     int64        `db:"friend_pk"`
	FriendName string       `db:"friend_name"`
	Code       string       `db:"code"`
	OrderID    int64        `db:"order_id"`
	State      string       `db:"state"`
	Reason     string       `db:"reason"`
	MaturesAt  time.Time    `db:"matures_at"`
	DecidedAt  sql.NullTime `db:"decided_at"`
	DecidedBy  string       `db:"decided_by"`
	CreatedAt  time.Time    `db:"created_at"`
}

const referralColumns = `id, referrer_pk, friend_pk, friend_name, code, order_id, state, reason, matures_at, decided_at, decided_by, created_at`

func (r referralRow) referral() loyalty.Referral {
	out := loyalty.Referral{ID: r.ID, Referrer: r.Referrer, Friend: r.Friend, Code: r.Code, OrderID: r.OrderID, State: r.State,
		Reason: r.Reason, MaturesAt: r.MaturesAt.UTC(), DecidedBy: r.DecidedBy, CreatedAt: r.CreatedAt.UTC()}
	if r.DecidedAt.Valid {
		out.DecidedAt = r.DecidedAt.Time.UTC()
	}
	return out
}

// maskName keeps a first name's first letter: "Sara" -> "S***".
func maskName(name string) string {
	r, size := utf8.DecodeRuneInString(strings.TrimSpace(name))
	if size == 0 || r == utf8.RuneError {
		return ""
	}
	return string(r) + "***"
}

// codeFor returns the customer's referral code, making one the first time.
func codeFor(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, pk int64, now time.Time) (string, error) {
	var code string
	err := tx.GetContext(ctx, &code, `SELECT code FROM referral_codes WHERE store_id=? AND customer_pk=?`, store, pk)
	if err == nil {
		return code, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read referral code: %w", err)
	}
	random := make([]byte, loyalty.ReferralCodeLength)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("referral code: %w", err)
	}
	code = loyalty.NewReferralCode(random)
	if _, err := tx.ExecContext(ctx, `INSERT INTO referral_codes (store_id, customer_pk, code, created_at) VALUES (?,?,?,?)`,
		store, pk, code, now); err != nil {
		if isDuplicate(err, "referral_codes_code") || isDuplicate(err, "PRIMARY") {
			return "", errRaced // another code of that value, or a concurrent first request: run again
		}
		return "", fmt.Errorf("save referral code: %w", err)
	}
	return code, nil
}

// Summary returns the WooCommerce customer's code (made on first use),
// their referrals counted by state, the points referrals earned them and
// their latest friends with masked names.
func (s *ReferralService) Summary(ctx context.Context, store loyalty.StoreID, wcID int64) (loyalty.ReferralSummary, error) {
	if wcID <= 0 {
		return loyalty.ReferralSummary{}, loyalty.Errorf(loyalty.EInvalid, "the token's subject is not a customer")
	}
	out := loyalty.ReferralSummary{Counts: map[string]int64{loyalty.ReferralPending: 0, loyalty.ReferralApproved: 0, loyalty.ReferralRejected: 0}}
	// Every storefront page asks for this: a customer who has a code is read
	// without a transaction (and without locking their row, which orders
	// lock to post); only the first request makes the code.
	var known struct {
		PK   int64  `db:"id"`
		Code string `db:"code"`
	}
	err := s.db.db.GetContext(ctx, &known, `SELECT c.id, r.code FROM customers c
		JOIN referral_codes r ON r.store_id=c.store_id AND r.customer_pk=c.id
		WHERE c.store_id=? AND c.wc_customer_id=?`, store, wcID)
	switch {
	case err == nil:
		out.Code = known.Code
	case errors.Is(err, sql.ErrNoRows):
		err = s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
			var err error
			if known.PK, err = ensureCustomer(ctx, tx, store, wcID, "", now); err != nil {
				return err
			}
			out.Code, err = codeFor(ctx, tx, store, known.PK, now)
			return err
		})
		if err != nil {
			return loyalty.ReferralSummary{}, err
		}
	default:
		return loyalty.ReferralSummary{}, fmt.Errorf("read referral code: %w", err)
	}
	pk := known.PK
	var (
		counts []struct {
			State string `db:"state"`
			N     int64  `db:"n"`
		}
		g errgroup.Group
	)
	g.Go(func() error {
		if err := s.db.db.SelectContext(ctx, &counts, `SELECT state, COUNT(*) AS n FROM referrals WHERE store_id=? AND referrer_pk=? GROUP BY state`,
			store, pk); err != nil {
			return fmt.Errorf("count referrals: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		if err := s.db.db.GetContext(ctx, &out.PointsEarned, `SELECT COALESCE(SUM(e.amount),0) FROM ledger_transactions t
		JOIN ledger_entries e ON e.store_id=t.store_id AND e.transaction_id=t.id AND e.customer_pk=t.customer_pk AND e.account='available'
		WHERE t.store_id=? AND t.customer_pk=? AND t.kind=?`, store, pk, loyalty.KindReferralReward); err != nil {
			return fmt.Errorf("sum referral points: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		out.Friends, err = s.list(ctx, store, "", pk, 0, 20)
		return err
	})
	if err := g.Wait(); err != nil {
		return loyalty.ReferralSummary{}, err
	}
	for _, c := range counts {
		out.Counts[c.State] = c.N
	}
	return out, nil
}

// CodeValid reports whether code is a customer's referral code at the store.
func (s *ReferralService) CodeValid(ctx context.Context, store loyalty.StoreID, code string) (bool, error) {
	norm, ok := loyalty.NormalizeReferralCode(code)
	if !ok {
		return false, nil
	}
	var n int
	if err := s.db.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM referral_codes WHERE store_id=? AND code=?`, store, norm); err != nil {
		return false, fmt.Errorf("find referral code: %w", err)
	}
	return n > 0, nil
}

// List returns the store's referrals, newest first, optionally of one state
// and one referrer (a WooCommerce customer id), before a cursor id.
func (s *ReferralService) List(ctx context.Context, store loyalty.StoreID, state string, referrerWC, before int64, limit int) ([]loyalty.ReferralView, error) {
	var referrer int64
	if referrerWC > 0 {
		err := s.db.db.GetContext(ctx, &referrer, `SELECT id FROM customers WHERE store_id=? AND wc_customer_id=?`, store, referrerWC)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("find referrer: %w", err)
		}
	}
	return s.list(ctx, store, state, referrer, before, limit)
}

func (s *ReferralService) list(ctx context.Context, store loyalty.StoreID, state string, referrer, before int64, limit int) ([]loyalty.ReferralView, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	q := `SELECT r.id, r.referrer_pk, r.friend_pk, r.friend_name, r.code, r.order_id, r.state, r.reason, r.matures_at, r.decided_at,
		r.decided_by, r.created_at, COALESCE(a.wc_customer_id, 0) AS referrer_wc, COALESCE(f.wc_customer_id, 0) AS friend_wc
		FROM referrals r JOIN customers a ON a.id=r.referrer_pk JOIN customers f ON f.id=r.friend_pk
		WHERE r.store_id=? AND r.id < ?`
	args := []any{store, before}
	if state != "" {
		q += ` AND r.state=?`
		args = append(args, state)
	}
	if referrer > 0 {
		q += ` AND r.referrer_pk=?`
		args = append(args, referrer)
	}
	q += ` ORDER BY r.id DESC LIMIT ?`
	args = append(args, limit)
	var rows []struct {
		referralRow
		ReferrerWC int64 `db:"referrer_wc"`
		FriendWC   int64 `db:"friend_wc"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("list referrals: %w", err)
	}
	out := make([]loyalty.ReferralView, 0, len(rows))
	for _, r := range rows {
		out = append(out, loyalty.ReferralView{Referral: r.referral(), ReferrerWC: r.ReferrerWC, FriendWC: r.FriendWC, FriendName: r.FriendName})
	}
	return out, nil
}

// Decide approves or rejects a pending referral by hand; the actor is
// recorded on the referral and its ledger transactions. An approval posts
// the rewards at once, even inside the return window (the admin's call).
func (s *ReferralService) Decide(ctx context.Context, store loyalty.StoreID, id int64, approve bool, actor string) (loyalty.Referral, error) {
	var out loyalty.Referral
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		st, err := loadStore(ctx, tx, store)
		if err != nil {
			return err
		}
		r, err := lockReferral(ctx, tx, store, id)
		if err != nil {
			return err
		}
		if approve {
			out, err = approveReferral(ctx, tx, store, st.Program, r, actor, now)
			return err
		}
		if out, err = loyalty.RejectReferral(r, loyalty.ReasonRejectedByHand, actor, now); err != nil {
			return err
		}
		return writeReferral(ctx, tx, store, out, now)
	})
	return out, err
}

// ApproveDue approves pending referrals whose order is past the return
// window, each in its own transaction, up to limit; safe on several
// instances at once (the row lock and the state decide; each reward's ledger
// key is unique). A referral whose order no longer qualifies (refunded in
// full or cancelled, and the delivery that said so missed) is rejected.
func (s *ReferralService) ApproveDue(ctx context.Context, limit int) (int, error) {
	return s.db.eachDue(ctx, "referral", `SELECT store_id, id FROM referrals WHERE state='pending' AND matures_at <= ?
		ORDER BY matures_at LIMIT ?`, []any{s.db.now(), limit}, func(tx *sqlx.Tx, now time.Time, d dueItem) (bool, error) {
		r, err := lockReferral(ctx, tx, d.Store, d.ID)
		if err != nil {
			return false, err
		}
		if r.State != loyalty.ReferralPending || now.Before(r.MaturesAt) {
			return false, nil // another instance got there first
		}
		var order struct {
			Status   string `db:"status"`
			Total    int64  `db:"total_minor"`
			Refunded int64  `db:"refunded_minor"`
		}
		if err := tx.GetContext(ctx, &order, `SELECT status, total_minor, refunded_minor FROM orders WHERE store_id=? AND order_id=?`,
			d.Store, r.OrderID); err != nil {
			return false, fmt.Errorf("read referral order: %w", err)
		}
		if loyalty.ReferralOrderFailed(loyalty.OrderSnapshot{Status: order.Status, Total: order.Total, Refunded: order.Refunded}) {
			rej, err := loyalty.RejectReferral(r, loyalty.ReasonOrderRefunded, loyalty.ActorSystem, now)
			if err != nil {
				return false, err
			}
			return true, writeReferral(ctx, tx, d.Store, rej, now)
		}
		st, err := loadStore(ctx, tx, d.Store)
		if err != nil {
			return false, err
		}
		_, err = approveReferral(ctx, tx, d.Store, st.Program, r, loyalty.ActorSystem, now)
		return err == nil, err
	})
}

func approveReferral(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, p loyalty.Program, r loyalty.Referral, actor string, now time.Time) (loyalty.Referral, error) {
	next, txns, err := loyalty.ApproveReferral(r, p, actor, now)
	if err != nil {
		return r, err
	}
	if _, err := lockCustomers(ctx, tx, store, r.Referrer, r.Friend); err != nil {
		return r, err
	}
	l := newLedger(tx)
	for _, t := range txns {
		if _, _, err := l.Post(ctx, store, t); err != nil {
			return r, err
		}
	}
	return next, writeReferral(ctx, tx, store, next, now)
}

func lockReferral(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, id int64) (loyalty.Referral, error) {
	var row referralRow
	if err := tx.GetContext(ctx, &row, `SELECT `+referralColumns+` FROM referrals WHERE store_id=? AND id=? FOR UPDATE`, store, id); err != nil {
		return loyalty.Referral{}, notFound(err, "referral %d not found", id)
	}
	return row.referral(), nil
}

func writeReferral(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, r loyalty.Referral, now time.Time) error {
	var decided any
	if !r.DecidedAt.IsZero() {
		decided = r.DecidedAt
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET state=?, reason=?, decided_at=?, decided_by=?, updated_at=? WHERE store_id=? AND id=?`,
		r.State, r.Reason, decided, r.DecidedBy, now, store, r.ID); err != nil {
		return fmt.Errorf("update referral: %w", err)
	}
	return nil
}

// Fingerprint kinds in customer_fingerprints.
const (
	fpMailbox = "m"
	fpPhone   = "p"
	fpAddress = "a"
)

// saveFingerprints records what the self-referral checks compare of a
// customer's order; each value once.
func saveFingerprints(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, p loyalty.Party, now time.Time) error {
	var q strings.Builder
	var args []any
	add := func(kind string, fps [][]byte) {
		for _, fp := range fps {
			if len(fp) == 0 {
				continue
			}
			if q.Len() > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?,?,?)")
			args = append(args, store, p.Customer, kind, fp, now)
		}
	}
	add(fpMailbox, p.Mailboxes)
	add(fpPhone, p.Phones)
	add(fpAddress, p.Addresses)
	if len(args) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT IGNORE INTO customer_fingerprints (store_id, customer_pk, kind, fp, created_at) VALUES `+q.String(),
		args...); err != nil {
		return fmt.Errorf("save fingerprints: %w", err)
	}
	return nil
}

// loadFingerprints returns every fingerprint recorded for the customer.
func loadFingerprints(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, pk int64) (loyalty.Party, error) {
	var rows []struct {
		Kind string `db:"kind"`
		FP   []byte `db:"fp"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT kind, fp FROM customer_fingerprints WHERE store_id=? AND customer_pk=?`, store, pk); err != nil {
		return loyalty.Party{}, fmt.Errorf("read fingerprints: %w", err)
	}
	p := loyalty.Party{Customer: pk}
	for _, r := range rows {
		switch r.Kind {
		case fpMailbox:
			p.Mailboxes = append(p.Mailboxes, r.FP)
		case fpPhone:
			p.Phones = append(p.Phones, r.FP)
		case fpAddress:
			p.Addresses = append(p.Addresses, r.FP)
		}
	}
	return p, nil
}

func one(fp []byte) [][]byte {
	if len(fp) == 0 {
		return nil
	}
	return [][]byte{fp}
}

// applyReferral runs after an order snapshot was reconciled, for stores
// with referrals on. It records the customer's fingerprints; on the order's
// first payment with a referral code it creates the referral (pending, or
// rejected by a check); a pending referral whose order was refunded in full
// or cancelled is rejected; and the referrer's commission on the order, in
// the recurring mode, follows the order's points.
func applyReferral(ctx context.Context, b *batch, store loyalty.Store, snap loyalty.OrderSnapshot, customer int64, firstPaid bool, out loyalty.Outcome) error {
	if customer <= 0 {
		return nil
	}
	r, created, err := referralFor(ctx, b, store, snap, customer, firstPaid, out)
	if err != nil || r == nil {
		return err
	}
	if created {
		// The friend's other orders may have been reconciled before this one
		// (deliveries arrive in any order): their commissions start now.
		if err := catchUpCommissions(ctx, b, store, *r); err != nil {
			return err
		}
	}
	return reconcileCommission(ctx, b, store, *r, snap.OrderID, out.Order)
}

// referralFor records the friend's fingerprints and returns their referral:
// the existing one (rejected now when its order was refunded in full or
// cancelled), or a new one when this is the first payment of an order with
// a code, or nil.
func referralFor(ctx context.Context, b *batch, store loyalty.Store, snap loyalty.OrderSnapshot, customer int64, firstPaid bool, out loyalty.Outcome) (*loyalty.Referral, bool, error) {
	friend := loyalty.Party{Customer: customer, Mailboxes: one(loyalty.Fingerprint(store.ID, loyalty.NormalizeMailbox(snap.Email))),
		Phones: one(loyalty.Fingerprint(store.ID, snap.Phone)), Addresses: one(loyalty.Fingerprint(store.ID, snap.Address))}
	if err := saveFingerprints(ctx, b.tx, store.ID, friend, b.now); err != nil {
		return nil, false, err
	}
	var row referralRow
	err := b.tx.GetContext(ctx, &row, `SELECT `+referralColumns+` FROM referrals WHERE store_id=? AND friend_pk=? FOR UPDATE`, store.ID, customer)
	switch {
	case err == nil:
		r := row.referral()
		if r.State == loyalty.ReferralPending && r.OrderID == snap.OrderID && loyalty.ReferralOrderFailed(snap) {
			rej, err := loyalty.RejectReferral(r, loyalty.ReasonOrderRefunded, loyalty.ActorSystem, b.now)
			if err != nil {
				return nil, false, err
			}
			return &rej, false, writeReferral(ctx, b.tx, store.ID, rej, b.now)
		}
		return &r, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, fmt.Errorf("find referral: %w", err)
	}
	code, ok := loyalty.NormalizeReferralCode(snap.Meta[loyalty.ReferralOrderMeta])
	if !firstPaid || !ok || out.Order.Terms == nil {
		return nil, false, nil
	}
	// The checks read other orders and customers: write what the batch holds first.
	if err := b.flush(ctx); err != nil {
		return nil, false, err
	}
	var referrerPK int64
	err = b.tx.GetContext(ctx, &referrerPK, `SELECT customer_pk FROM referral_codes WHERE store_id=? AND code=? FOR UPDATE`,
		store.ID, code) // one referral at a time per referrer: the monthly cap holds
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil // not a code of this store: an old link or a typo
	}
	if err != nil {
		return nil, false, fmt.Errorf("find referrer: %w", err)
	}
	referrer, err := loadFingerprints(ctx, b.tx, store.ID, referrerPK)
	if err != nil {
		return nil, false, err
	}
	var email sql.NullString
	if err := b.tx.GetContext(ctx, &email, `SELECT email FROM customers WHERE id=?`, referrerPK); err != nil {
		return nil, false, fmt.Errorf("read referrer: %w", err)
	}
	if fp := loyalty.Fingerprint(store.ID, loyalty.NormalizeMailbox(email.String)); fp != nil {
		referrer.Mailboxes = append(referrer.Mailboxes, fp)
	}
	facts := loyalty.ReferralFacts{OrderID: snap.OrderID, OrderNet: snap.Net(), FirstPaidAt: out.Order.Terms.FirstPaidAt,
		OrderMaturesAt: out.Order.Terms.MaturesAt}
	if err := b.tx.GetContext(ctx, &facts.OrderedBefore, `SELECT COUNT(*) > 0 FROM orders WHERE store_id=? AND customer_pk=? AND order_id<>?
		AND first_paid_at IS NOT NULL AND first_paid_at <= ?`, store.ID, customer, snap.OrderID, facts.FirstPaidAt); err != nil {
		return nil, false, fmt.Errorf("read friend's orders: %w", err)
	}
	month := time.Date(b.now.Year(), b.now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if err := b.tx.GetContext(ctx, &facts.ReferrerMonth, `SELECT COUNT(*) FROM referrals WHERE store_id=? AND referrer_pk=?
		AND state<>'rejected' AND created_at >= ?`, store.ID, referrerPK, month); err != nil {
		return nil, false, fmt.Errorf("count referrer's month: %w", err)
	}
	r := loyalty.NewReferral(store.Program, code, referrer, friend, facts, b.now)
	var decided any
	if !r.DecidedAt.IsZero() {
		decided = r.DecidedAt
	}
	res, err := b.tx.ExecContext(ctx, `INSERT INTO referrals (store_id, referrer_pk, friend_pk, friend_name, code, order_id, state, reason,
		matures_at, decided_at, decided_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		store.ID, r.Referrer, r.Friend, maskName(snap.FirstName), r.Code, r.OrderID, r.State, r.Reason, r.MaturesAt, decided, r.DecidedBy,
		b.now, b.now)
	if err != nil {
		return nil, false, fmt.Errorf("save referral: %w", err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return nil, false, fmt.Errorf("referral id: %w", err)
	}
	return &r, true, nil
}

type commissionRow struct {
	OrderID   int64     `db:"order_id"`
	Referral  int64     `db:"referral_id"`
	Referrer  int64     `db:"referrer_pk"`
	Percent   int       `db:"percent"`
	MaturesAt time.Time `db:"matures_at"`
	Pending   int64     `db:"points_pending"`
	Available int64     `db:"points_available"`
	Revision  int       `db:"revision"`
}

const commissionColumns = `order_id, referral_id, referrer_pk, percent, matures_at, points_pending, points_available, revision`

func (c commissionRow) commission() loyalty.Commission {
	return loyalty.Commission{OrderID: c.OrderID, Referral: c.Referral, Referrer: c.Referrer, Percent: c.Percent,
		MaturesAt: c.MaturesAt.UTC(), Holding: loyalty.OrderHolding{Pending: c.Pending, Available: c.Available}, Revision: c.Revision}
}

func saveCommission(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, c loyalty.Commission, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO referral_commissions (store_id, order_id, referral_id, referrer_pk, percent, matures_at,
		points_pending, points_available, revision, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)
		ON DUPLICATE KEY UPDATE points_pending=VALUES(points_pending), points_available=VALUES(points_available),
		revision=VALUES(revision), updated_at=VALUES(updated_at)`,
		store, c.OrderID, c.Referral, c.Referrer, c.Percent, c.MaturesAt, c.Holding.Pending, c.Holding.Available, c.Revision, now); err != nil {
		return fmt.Errorf("save commission: %w", err)
	}
	return nil
}

// reconcileCommission keeps the referrer's commission on the order at the
// frozen percent of the points the order holds, for orders that pay one.
func reconcileCommission(ctx context.Context, b *batch, store loyalty.Store, r loyalty.Referral, orderID int64, order loyalty.OrderState) error {
	var row commissionRow
	err := b.tx.GetContext(ctx, &row, `SELECT `+commissionColumns+` FROM referral_commissions WHERE store_id=? AND order_id=? FOR UPDATE`,
		store.ID, orderID)
	var c loyalty.Commission
	switch {
	case err == nil:
		c = row.commission()
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("find commission: %w", err)
	case order.Terms == nil || !loyalty.CommissionApplies(store.Program, r, orderID, order.Terms.FirstPaidAt):
		return nil
	default:
		c = loyalty.Commission{OrderID: orderID, Referral: r.ID, Referrer: r.Referrer, Percent: store.Program.ReferrerPercent,
			MaturesAt: order.Terms.MaturesAt}
	}
	next, t := loyalty.ReconcileCommission(c, order.Holding.Total(), b.now)
	if t == nil {
		if err == nil {
			return nil
		}
		return saveCommission(ctx, b.tx, store.ID, next, b.now) // frozen at first payment, even at 0 points
	}
	// The ledger writer needs the referrer's row locked: write what the batch
	// holds first (its customers were locked in id order), then lock it.
	if err := b.flush(ctx); err != nil {
		return err
	}
	if _, err := lockCustomers(ctx, b.tx, store.ID, r.Referrer); err != nil {
		return err
	}
	if err := b.post(ctx, store.ID, *t); err != nil {
		return err
	}
	return saveCommission(ctx, b.tx, store.ID, next, b.now)
}

// catchUpCommissions starts the commissions of the friend's orders that
// were paid (and reconciled) before their referral was created.
func catchUpCommissions(ctx context.Context, b *batch, store loyalty.Store, r loyalty.Referral) error {
	if store.Program.ReferrerPercent <= 0 || r.State == loyalty.ReferralRejected {
		return nil
	}
	var rows []struct {
		OrderID   int64     `db:"order_id"`
		PaidAt    time.Time `db:"first_paid_at"`
		MaturesAt time.Time `db:"matures_at"`
		Pending   int64     `db:"points_pending"`
		Available int64     `db:"points_available"`
	}
	if err := b.tx.SelectContext(ctx, &rows, `SELECT order_id, first_paid_at, COALESCE(matures_at, first_paid_at) AS matures_at,
		points_pending, points_available FROM orders WHERE store_id=? AND customer_pk=? AND order_id<>? AND first_paid_at IS NOT NULL
		ORDER BY order_id FOR UPDATE`, store.ID, r.Friend, r.OrderID); err != nil {
		return fmt.Errorf("read friend's orders: %w", err)
	}
	for _, o := range rows {
		s := loyalty.OrderState{OrderID: o.OrderID, Terms: &loyalty.OrderTerms{FirstPaidAt: o.PaidAt.UTC(), MaturesAt: o.MaturesAt.UTC()},
			Holding: loyalty.OrderHolding{Pending: o.Pending, Available: o.Available}}
		if err := reconcileCommission(ctx, b, store, r, o.OrderID, s); err != nil {
			return err
		}
	}
	return nil
}

// MatureCommissions makes commissions available once their order's return
// window has passed, each in its own transaction, up to limit; safe on
// several instances at once.
func (s *ReferralService) MatureCommissions(ctx context.Context, limit int) (int, error) {
	return s.db.eachDue(ctx, "commission of order", `SELECT store_id, order_id AS id FROM referral_commissions
		WHERE points_pending > 0 AND matures_at <= ? ORDER BY matures_at LIMIT ?`, []any{s.db.now(), limit},
		func(tx *sqlx.Tx, now time.Time, d dueItem) (bool, error) {
			var row commissionRow
			if err := tx.GetContext(ctx, &row, `SELECT `+commissionColumns+` FROM referral_commissions WHERE store_id=? AND order_id=? FOR UPDATE`,
				d.Store, d.ID); err != nil {
				return false, fmt.Errorf("lock commission: %w", err)
			}
			next, t := loyalty.MatureCommission(row.commission(), now)
			if t == nil {
				return false, nil // another instance got there first
			}
			if _, err := lockCustomers(ctx, tx, d.Store, row.Referrer); err != nil {
				return false, err
			}
			if _, _, err := newLedger(tx).Post(ctx, d.Store, *t); err != nil {
				return false, err
			}
			return true, saveCommission(ctx, tx, d.Store, next, now)
		})
}

// eraseReferralData forgets what referrals kept of the customers with the
// e-mail: their fingerprints and their masked name on referrals. The
// referrals themselves stay: the ledger's referral transactions name them.
func eraseReferralData(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, email string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE f FROM customer_fingerprints f JOIN customers c ON c.id=f.customer_pk
		WHERE c.store_id=? AND f.store_id=? AND (c.email=? OR c.guest_email=?)`, store, store, email, email); err != nil {
		return fmt.Errorf("erase fingerprints: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referrals r JOIN customers c ON c.id=r.friend_pk SET r.friend_name='', r.updated_at=?
		WHERE c.store_id=? AND r.store_id=? AND (c.email=? OR c.guest_email=?)`, now, store, store, email, email); err != nil {
		return fmt.Errorf("erase referral names: %w", err)
	}
	return nil
}

// Welcome issues the store's welcome reward to the WooCommerce customer who
// arrived with a referral code, once per customer (a repeated request
// returns the same reward, replayed=true). Nothing is held: the reward
// costs no points. The referral itself is still decided by the first paid
// order.
func (s *ReferralService) Welcome(ctx context.Context, store loyalty.StoreID, wcID int64, code string) (loyalty.Redemption, loyalty.Reward, bool, error) {
	if wcID <= 0 {
		return loyalty.Redemption{}, loyalty.Reward{}, false, loyalty.Errorf(loyalty.EInvalid, "the token's subject is not a customer")
	}
	norm, _ := loyalty.NormalizeReferralCode(code)
	var out loyalty.Redemption
	var reward loyalty.Reward
	var replayed bool
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		replayed = false
		st, err := loadStore(ctx, tx, store)
		if err != nil {
			return err
		}
		if !st.Program.ReferralEnabled || st.Program.RefereeRewardID == 0 {
			return loyalty.Errorf(loyalty.ENotFound, "the store gives no welcome reward")
		}
		if reward, err = loadReward(ctx, tx, store, st.Program.RefereeRewardID, false); err != nil {
			return err
		}
		cust, err := lockCustomerByWC(ctx, tx, store, wcID, now)
		if err != nil {
			return err
		}
		var prev redemptionRow
		err = tx.GetContext(ctx, &prev, `SELECT `+redemptionColumns+` FROM redemptions WHERE store_id=? AND customer_pk=? AND idempotency_key=?`,
			store, cust.ID, loyalty.WelcomeKey)
		if err == nil {
			out, replayed = prev.redemption(), true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find welcome reward: %w", err)
		}
		var f loyalty.WelcomeFacts
		var owner int64
		err = tx.GetContext(ctx, &owner, `SELECT customer_pk FROM referral_codes WHERE store_id=? AND code=?`, store, norm)
		switch {
		case err == nil:
			f.CodeValid, f.OwnCode = true, owner == cust.ID
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("find referral code: %w", err)
		}
		if err := tx.GetContext(ctx, &f.PaidOrders, `SELECT COUNT(*) FROM orders WHERE store_id=? AND customer_pk=? AND first_paid_at IS NOT NULL`,
			store, cust.ID); err != nil {
			return fmt.Errorf("count paid orders: %w", err)
		}
		red, err := loyalty.PlanWelcome(st.Program, reward, cust.ID, newCode(), f, now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO redemptions (store_id, customer_pk, reward_id, kind, code, idempotency_key,
			points, value_minor, percent, product_id, state, issued_at, expires_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			store, cust.ID, red.RewardID, red.Kind, red.Code, loyalty.WelcomeKey, 0, red.ValueMinor, red.Percent, red.ProductID,
			red.State, red.IssuedAt, red.ExpiresAt, now)
		if isDuplicate(err, "redemptions_code") {
			return errRaced
		}
		if err != nil {
			return fmt.Errorf("save welcome reward: %w", err)
		}
		if red.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("welcome reward id: %w", err)
		}
		out = red
		return emit(ctx, tx, store, loyalty.RewardNotice(red, reward.Name("en"), "welcome", now))
	})
	return out, reward, replayed, err
}
