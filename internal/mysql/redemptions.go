package mysql

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The redemptions table: rewards issued to customers, each a single-use
// coupon code holding points until it is used, released or expires.

var _ loyalty.Redemptions = (*RedemptionService)(nil)

// RedemptionService issues, lists, releases and expires redemptions.
type RedemptionService struct {
	db *DB
}

// NewRedemptionService returns the redemption service on db.
func NewRedemptionService(db *DB) *RedemptionService { return &RedemptionService{db: db} }

type redemptionRow struct {
	ID         int64     `db:"id"`
	CustomerPK int64     `db:"customer_pk"`
	RewardID   int64     `db:"reward_id"`
	Kind       string    `db:"kind"`
	Code       string    `db:"code"`
	Key        string    `db:"idempotency_key"`
	Points     int64     `db:"points"`
	ValueMinor int64     `db:"value_minor"`
	Percent    int       `db:"percent"`
	ProductID  int64     `db:"product_id"`
	State      string    `db:"state"`
	OrderID    *int64    `db:"order_id"`
	IssuedAt   time.Time `db:"issued_at"`
	ExpiresAt  time.Time `db:"expires_at"`
}

const redemptionColumns = `id, customer_pk, reward_id, kind, code, idempotency_key, points, value_minor, percent, product_id,
	state, order_id, issued_at, expires_at`

func (r redemptionRow) redemption() loyalty.Redemption {
	out := loyalty.Redemption{ID: r.ID, Customer: r.CustomerPK, RewardID: r.RewardID, Kind: r.Kind, Code: r.Code,
		Points: r.Points, ValueMinor: r.ValueMinor, Percent: r.Percent, ProductID: r.ProductID, State: r.State,
		IssuedAt: r.IssuedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
	if r.OrderID != nil {
		out.OrderID = *r.OrderID
	}
	return out
}

// codeAlphabet has no look-alike characters (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newCode returns a coupon code: VAFA- and 10 random characters.
func newCode() string {
	// Rejection sampling over one read of random bytes: every character of
	// the alphabet equally likely (256 is not a multiple of its length).
	const n = 10
	limit := byte(256 - 256%len(codeAlphabet))
	b := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(b) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		for _, x := range buf {
			if x < limit && len(b) < n {
				b = append(b, codeAlphabet[int(x)%len(codeAlphabet)])
			}
		}
	}
	return "VAFA-" + string(b)
}

// Redeem issues a reward to the WooCommerce customer, holding its points,
// under the request's idempotency key. The customer's row is locked first,
// so concurrent redemptions never overdraw, and the key is unique per
// customer, so the same key never issues twice: a repeated key fails the
// insert, and the earlier redemption is answered instead (replayed). EInvalid,
// EInsufficient, EConflict (inactive reward, or the key used for another
// request), ENotFound (store or reward).
func (s *RedemptionService) Redeem(ctx context.Context, store loyalty.StoreID, customerID int64, in loyalty.RedeemInput) (loyalty.Redemption, bool, error) {
	if in.Key == "" || len(in.Key) > 150 {
		return loyalty.Redemption{}, false, loyalty.Errorf(loyalty.EInvalid, "an Idempotency-Key header of 1 to 150 characters is required")
	}
	if customerID <= 0 {
		return loyalty.Redemption{}, false, loyalty.Errorf(loyalty.EInvalid, "the token's subject is not a customer")
	}
	program := in.Program // the caller's recently read copy saves two reads
	if program == nil {
		st, err := loadStore(ctx, s.db.db, store)
		if err != nil {
			return loyalty.Redemption{}, false, err
		}
		program, in.Tiers = &st.Program, st.Tiers
	}
	out, err := s.hold(ctx, store, customerID, *program, in)
	if errors.Is(err, errNewCustomer) {
		// A customer the service has not seen yet: its row (balance zero)
		// first, then the redemption answers why not.
		if err = s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
			_, err := ensureCustomer(ctx, tx, store, customerID, "", now)
			return err
		}); err != nil {
			return loyalty.Redemption{}, false, err
		}
		out, err = s.hold(ctx, store, customerID, *program, in)
	}
	if err == nil {
		return out, false, nil
	}
	var le *loyalty.Error
	if !isDuplicate(err, "redemptions_key") && !errors.As(err, &le) {
		return loyalty.Redemption{}, false, err
	}
	// The key was used (the insert says so), or the request is refused,
	// which a repeat of a request that succeeded is (its points are held
	// now): the earlier redemption under the key, if any, is the answer.
	prev, perr := earlierRedemption(ctx, s.db.db, store, customerID, in.Key)
	switch {
	case perr != nil:
		return loyalty.Redemption{}, false, perr
	case prev == nil && le != nil:
		return loyalty.Redemption{}, false, err
	case prev == nil:
		return loyalty.Redemption{}, false, fmt.Errorf("redemption key %q is taken but unreadable: %w", in.Key, err)
	case prev.RewardID != in.RewardID || (prev.Kind == loyalty.RewardPointsDiscount && prev.Points != in.Points):
		return loyalty.Redemption{}, false, loyalty.Errorf(loyalty.EConflict, "idempotency key was already used with different inputs")
	}
	return prev.redemption(), true, nil
}

// errNewCustomer says the redeeming customer has no row yet.
var errNewCustomer = errors.New("customer has no row yet")

// hold decides and writes a redemption in one transaction: in two round
// trips (a pipe), or on Galera a statement at a time.
func (s *RedemptionService) hold(ctx context.Context, store loyalty.StoreID, customerID int64, program loyalty.Program, in loyalty.RedeemInput) (loyalty.Redemption, error) {
	var out loyalty.Redemption
	if oneStatementAtATime.Load() {
		err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
			reads, err := readForRedeemApart(ctx, tx, store, in.RewardID, customerID, len(in.Tiers) > 0)
			if err != nil {
				return err
			}
			if !reads.customerFound {
				return errNewCustomer
			}
			red, w, err := s.planHold(ctx, store, customerID, program, in, reads, now)
			if err != nil {
				return err
			}
			res, err := w.exec(ctx, tx)
			if err != nil {
				return redemptionWriteError(err)
			}
			if red.ID, err = res.LastInsertId(); err != nil || red.ID <= 0 {
				return fmt.Errorf("redemption id: %d, %v", red.ID, err)
			}
			out = red
			return nil
		})
		return out, err
	}
	err := s.db.inPipe(ctx, func(p *pipe, now time.Time) error {
		reads, err := readForRedeem(ctx, p, store, in.RewardID, customerID, len(in.Tiers) > 0)
		if err != nil {
			return err
		}
		if !reads.customerFound {
			return errNewCustomer
		}
		red, w, err := s.planHold(ctx, store, customerID, program, in, reads, now)
		if err != nil {
			return err
		}
		ids, err := p.commit(ctx, w)
		if err != nil {
			return redemptionWriteError(err)
		}
		if red.ID = ids[len(ids)-1]; red.ID <= 0 {
			return fmt.Errorf("redemption id: %d", red.ID)
		}
		out = red
		return nil
	})
	return out, err
}

// planHold decides the redemption and renders its writes: the ledger's
// hold (the ledger writer's batched rendering: the code is new, so the
// transaction's key cannot repeat) and, last, the redemption, whose id is
// then the last statement's insert id.
func (s *RedemptionService) planHold(ctx context.Context, store loyalty.StoreID, customerID int64, program loyalty.Program,
	in loyalty.RedeemInput, reads redeemReads, now time.Time) (loyalty.Redemption, *writes, error) {
	pk := reads.customer.ID
	held := reads.tierID
	if held < 0 {
		// No tier row: no paid order yet (decideTiers gives every customer
		// it decides a row), so the tier of zero figures.
		held = 0
		if t := loyalty.QualifiedTier(in.Tiers, loyalty.Figures{}); t != nil {
			held = t.ID
		}
	}
	red, err := loyalty.PlanRedemption(program, loyalty.RedeemRequest{Reward: reads.reward, Points: in.Points,
		CartSubtotal: in.CartSubtotal, Code: newCode(), Tiers: in.Tiers, TierID: held}, pk, reads.customer.Available, now)
	if err != nil {
		return red, nil, err
	}
	l := newBatchLedger(nil, s.db.idStep)
	if _, _, err := l.Post(ctx, store, loyalty.HoldTransaction(red, "shopper:"+strconv.FormatInt(customerID, 10))); err != nil {
		return red, nil, err
	}
	l.notice(store, loyalty.RewardNotice(red, reads.reward.Name("en"), "redeemed", now))
	w := &writes{}
	if err := l.render(w); err != nil {
		return red, nil, err
	}
	w.add(`INSERT INTO redemptions (store_id, customer_pk, reward_id, kind, code, idempotency_key,
		points, value_minor, percent, product_id, state, issued_at, expires_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		store, pk, red.RewardID, red.Kind, red.Code, in.Key, red.Points, red.ValueMinor, red.Percent, red.ProductID,
		red.State, red.IssuedAt, red.ExpiresAt, now)
	return red, w, nil
}

// redemptionWriteError makes a code collision a retry with a new code;
// a taken key stays itself (Redeem answers the earlier redemption).
func redemptionWriteError(err error) error {
	if isDuplicate(err, "redemptions_code") {
		return errRaced
	}
	return fmt.Errorf("write redemption: %w", err)
}

// earlierRedemption is the customer's redemption under key, or nil.
func earlierRedemption(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, wcID int64, key string) (*redemptionRow, error) {
	p := &redemptionRow{}
	err := sqlx.GetContext(ctx, q, p, `SELECT `+redemptionColumns+` FROM redemptions
		WHERE store_id=? AND customer_pk=(SELECT id FROM customers WHERE store_id=? AND wc_customer_id=?) AND idempotency_key=?`,
		store, store, wcID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read earlier redemption: %w", err)
	}
	return p, nil
}

// redeemReads is what a redemption decides on.
type redeemReads struct {
	reward        loyalty.Reward
	customer      customerRow
	customerFound bool
	tierID        int64 // the stored tier (0 = none, -1 = no row), when the store has tiers
}

const (
	// The reward is read unlocked: it is a row every redeeming shopper
	// shares, and locking it would queue them all. Only the columns the
	// decision needs (not the names and descriptions): every result set
	// sends its column list, and this runs for every redemption.
	readRewardForRedeem = `SELECT kind, points_cost, value_minor, percent, product_id, min_subtotal_minor, active, valid_days
		FROM rewards WHERE store_id=? AND id=?`
	// The customer's row lock keeps concurrent redemptions from overdrawing.
	lockCustomerForRedeem = `SELECT id, available FROM customers WHERE store_id=? AND wc_customer_id=? FOR UPDATE`
	// With tiers, the tier the customer holds comes along (rewards may be
	// reserved to some tiers).
	lockCustomerTierForRedeem = `SELECT c.id, c.available, COALESCE(t.tier_id, IF(t.customer_pk IS NULL, -1, 0)) FROM customers c
		LEFT JOIN customer_tiers t ON t.store_id=c.store_id AND t.customer_pk=c.id
		WHERE c.store_id=? AND c.wc_customer_id=? FOR UPDATE`
)

// lockForRedeem is the customer lock's query and where it scans to.
func lockForRedeem(withTier bool, out *redeemReads) (string, []any) {
	c := &out.customer
	if withTier {
		return lockCustomerTierForRedeem, []any{&c.ID, &c.Available, &out.tierID}
	}
	return lockCustomerForRedeem, []any{&c.ID, &c.Available}
}

// readForRedeem reads the reward and locks the customer's row with the
// pipe's first round trip. ENotFound when the reward is not the store's.
func readForRedeem(ctx context.Context, p *pipe, store loyalty.StoreID, rewardID, wcID int64, withTier bool) (redeemReads, error) {
	var out redeemReads
	lock, dest := lockForRedeem(withTier, &out)
	rows, err := p.query(ctx, readRewardForRedeem+";\n"+lock, store, rewardID, store, wcID)
	if err != nil {
		return out, fmt.Errorf("read for redemption: %w", err)
	}
	defer rows.Close()
	rw := &out.reward
	found := false
	for rows.Next() {
		found = true
		if err := rows.Scan(&rw.Kind, &rw.PointsCost, &rw.ValueMinor, &rw.Percent, &rw.ProductID, &rw.MinSubtotalMinor,
			&rw.Active, &rw.ValidDays); err != nil {
			return out, fmt.Errorf("read reward: %w", err)
		}
		rw.ID = rewardID
	}
	if !found {
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("read reward: %w", err)
		}
		return out, loyalty.Errorf(loyalty.ENotFound, "reward %d not found", rewardID)
	}
	if !rows.NextResultSet() {
		return out, fmt.Errorf("lock customer: %w", rows.Err())
	}
	for rows.Next() {
		out.customerFound = true
		if err := rows.Scan(dest...); err != nil {
			return out, fmt.Errorf("lock customer: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("lock customer: %w", err)
	}
	return out, rows.Close()
}

// readForRedeemApart is readForRedeem a statement at a time (Galera).
func readForRedeemApart(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, rewardID, wcID int64, withTier bool) (redeemReads, error) {
	var out redeemReads
	rw := &out.reward
	err := tx.QueryRowxContext(ctx, readRewardForRedeem, store, rewardID).Scan(&rw.Kind, &rw.PointsCost, &rw.ValueMinor, &rw.Percent, &rw.ProductID,
		&rw.MinSubtotalMinor, &rw.Active, &rw.ValidDays)
	if err != nil {
		return out, notFound(err, "reward %d not found", rewardID)
	}
	rw.ID = rewardID
	lock, dest := lockForRedeem(withTier, &out)
	switch err := tx.QueryRowxContext(ctx, lock, store, wcID).Scan(dest...); {
	case err == nil:
		out.customerFound = true
	case !errors.Is(err, sql.ErrNoRows):
		return out, fmt.Errorf("lock customer: %w", err)
	}
	return out, nil
}

// CustomerRedemptions lists the WooCommerce customer's redemptions, newest first.
func (s *RedemptionService) CustomerRedemptions(ctx context.Context, store loyalty.StoreID, customerID int64, before int64, limit int) ([]loyalty.Redemption, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	var rows []redemptionRow
	err := sqlx.SelectContext(ctx, s.db.prepared(), &rows, `SELECT r.id, r.customer_pk, r.reward_id, r.kind, r.code, r.idempotency_key, r.points,
		r.value_minor, r.percent, r.product_id, r.state, r.order_id, r.issued_at, r.expires_at
		FROM redemptions r JOIN customers c ON c.id=r.customer_pk
		WHERE c.store_id=? AND c.wc_customer_id=? AND r.store_id=? AND r.id < ? ORDER BY r.id DESC LIMIT ?`,
		store, customerID, store, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list redemptions: %w", err)
	}
	out := make([]loyalty.Redemption, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.redemption())
	}
	return out, nil
}

// settle moves a locked redemption to state with its ledger transaction
// and writes it back.
func settle(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, r loyalty.Redemption, state string, orderID int64, now time.Time) (loyalty.Redemption, error) {
	next, t, err := loyalty.SettleRedemption(r, state, orderID, now)
	if err != nil {
		return r, err
	}
	if t != nil {
		if _, err := lockCustomers(ctx, tx, store, r.Customer); err != nil {
			return r, err
		}
		if _, _, err := newLedger(tx).Post(ctx, store, *t); err != nil {
			return r, err
		}
	}
	if err := writeRedemption(ctx, tx, store, next, now); err != nil {
		return r, err
	}
	return next, nil
}

// Release gives back the points of the customer's redemption that is not
// on an order yet (the shopper removed the reward from the cart). Releasing
// a released one changes nothing. ENotFound; EConflict when applied or settled.
func (s *RedemptionService) Release(ctx context.Context, store loyalty.StoreID, customerID int64, id int64) (loyalty.Redemption, error) {
	var out loyalty.Redemption
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var row redemptionRow
		err := tx.GetContext(ctx, &row, `SELECT r.id, r.customer_pk, r.reward_id, r.kind, r.code, r.idempotency_key, r.points,
			r.value_minor, r.percent, r.product_id, r.state, r.order_id, r.issued_at, r.expires_at
			FROM redemptions r JOIN customers c ON c.id=r.customer_pk
			WHERE r.store_id=? AND r.id=? AND c.store_id=? AND c.wc_customer_id=? FOR UPDATE`, store, id, store, customerID)
		if err != nil {
			return notFound(err, "redemption %d not found", id)
		}
		r := row.redemption()
		if r.State == loyalty.RedemptionApplied {
			return loyalty.Errorf(loyalty.EConflict, "this reward is on order %d; it is released if that order fails or is cancelled", r.OrderID)
		}
		out, err = settle(ctx, tx, store, r, loyalty.RedemptionReleased, 0, now)
		return err
	})
	return out, err
}

// ExpireDue releases issued redemptions past their expiry, up to limit,
// each in its own transaction; safe to run on several instances at once
// (the row lock and the state decide, and each step's ledger key is unique).
// It returns how many expired; a failing one is reported and the rest go on.
func (s *RedemptionService) ExpireDue(ctx context.Context, limit int) (int, error) {
	return s.db.eachDue(ctx, "redemption", `SELECT store_id, id FROM redemptions WHERE state='issued' AND expires_at <= ?
		ORDER BY expires_at LIMIT ?`, []any{s.db.now(), limit}, func(tx *sqlx.Tx, now time.Time, d dueItem) (bool, error) {
		var row redemptionRow
		if err := tx.GetContext(ctx, &row, `SELECT `+redemptionColumns+` FROM redemptions WHERE store_id=? AND id=? FOR UPDATE`,
			d.Store, d.ID); err != nil {
			return false, fmt.Errorf("lock redemption: %w", err)
		}
		r := row.redemption()
		if r.State != loyalty.RedemptionIssued || now.Before(r.ExpiresAt) {
			return false, nil // another instance got there first
		}
		_, err := settle(ctx, tx, d.Store, r, loyalty.RedemptionExpired, 0, now)
		return err == nil, err
	})
}

// lockRedemptionsByCode locks the store's redemptions with the codes and
// returns them by code.
func lockRedemptionsByCode(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, codes []string) (map[string]loyalty.Redemption, error) {
	out := map[string]loyalty.Redemption{}
	if len(codes) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT `+redemptionColumns+` FROM redemptions WHERE store_id=? AND code IN (?) ORDER BY id FOR UPDATE`, store, codes)
	if err != nil {
		return nil, fmt.Errorf("lock redemptions: %w", err)
	}
	var rows []redemptionRow
	if err := tx.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("lock redemptions: %w", err)
	}
	for _, r := range rows {
		out[r.Code] = r.redemption()
	}
	return out, nil
}

// writeRedemption saves a redemption's state and order.
func writeRedemption(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, r loyalty.Redemption, now time.Time) error {
	var order any
	if r.OrderID > 0 {
		order = r.OrderID
	}
	if _, err := tx.ExecContext(ctx, `UPDATE redemptions SET state=?, order_id=?, updated_at=? WHERE store_id=? AND id=?`,
		r.State, order, now, store, r.ID); err != nil {
		return fmt.Errorf("update redemption: %w", err)
	}
	return nil
}
