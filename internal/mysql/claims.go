package mysql

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The guest_claims table: one-time claim links that move a guest's
// activity to a registered customer (the service keeps only their hash).

var _ loyalty.GuestClaims = (*CustomerService)(nil)

type claimRow struct {
	CustomerPK int64      `db:"customer_pk"`
	GuestPK    int64      `db:"guest_pk"`
	ExpiresAt  time.Time  `db:"expires_at"`
	UsedAt     *time.Time `db:"used_at"`
}

// OfferClaim makes a claim token for the WooCommerce customer when the
// e-mail's guest identity has points or orders and belongs to nobody yet.
// EInvalid for a bad id or e-mail; ENotFound for no store.
func (s *CustomerService) OfferClaim(ctx context.Context, store loyalty.StoreID, customerID int64, email string) (loyalty.ClaimOffer, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if customerID <= 0 {
		return loyalty.ClaimOffer{}, loyalty.Errorf(loyalty.EInvalid, "customer_id must be a positive integer")
	}
	if email == "" || len(email) > 254 || !strings.Contains(email, "@") {
		return loyalty.ClaimOffer{}, loyalty.Errorf(loyalty.EInvalid, "email must be an e-mail address")
	}
	var offer loyalty.ClaimOffer
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := loadStore(ctx, tx, store); err != nil {
			return err
		}
		var g struct {
			customerRow
			Orders int64 `db:"orders"`
		}
		err := tx.GetContext(ctx, &g, `SELECT c.id, c.store_id, c.wc_customer_id, c.guest_email, c.merged_into, c.available, c.pending, c.held, c.lifetime,
			(SELECT COUNT(*) FROM orders o WHERE o.store_id=c.store_id AND o.customer_pk=c.id) AS orders
			FROM customers c WHERE c.store_id=? AND c.guest_email=? FOR UPDATE`, store, email)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find guest: %w", err)
		}
		if g.MergedInto != nil || (g.Available == 0 && g.Pending == 0 && g.Orders == 0) {
			return nil
		}
		customer, err := ensureCustomer(ctx, tx, store, customerID, email, now)
		if err != nil {
			return err
		}
		token := RandomAlphanumeric(32)
		h := sha256.Sum256([]byte(token))
		expires := now.Add(loyalty.ClaimTTL)
		if _, err := tx.ExecContext(ctx, `INSERT INTO guest_claims (store_id, token_hash, customer_pk, guest_pk, expires_at, created_at)
			VALUES (?,?,?,?,?,?)`, store, h[:], customer, g.ID, expires, now); err != nil {
			return fmt.Errorf("create claim: %w", err)
		}
		offer = loyalty.ClaimOffer{Token: token, Points: g.Available + g.Pending, ExpiresAt: expires}
		return nil
	})
	return offer, err
}

// Claim merges the guest activity behind token into the WooCommerce
// customer, once: points (one ledger transaction), lifetime and orders, and
// later guest orders with the e-mail follow. ENotFound for an unknown or
// expired token, EConflict for a used one, EForbidden for another
// customer's.
func (s *CustomerService) Claim(ctx context.Context, store loyalty.StoreID, customerID int64, token string) (loyalty.ClaimResult, error) {
	if token == "" || len(token) > 100 {
		return loyalty.ClaimResult{}, loyalty.Errorf(loyalty.ENotFound, "this claim link is not valid or has expired")
	}
	h := sha256.Sum256([]byte(token))
	var out loyalty.ClaimResult
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var c claimRow
		err := tx.GetContext(ctx, &c, `SELECT customer_pk, guest_pk, expires_at, used_at FROM guest_claims
			WHERE store_id=? AND token_hash=? FOR UPDATE`, store, h[:])
		if err != nil {
			return notFound(err, "this claim link is not valid or has expired")
		}
		var customer int64
		if err := tx.GetContext(ctx, &customer, `SELECT id FROM customers WHERE store_id=? AND wc_customer_id=?`, store, customerID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return loyalty.Errorf(loyalty.EForbidden, "this claim link was sent to another account")
			}
			return fmt.Errorf("find customer: %w", err)
		}
		claim := loyalty.GuestClaim{Customer: c.CustomerPK, Guest: c.GuestPK, ExpiresAt: c.ExpiresAt, Used: c.UsedAt != nil}
		if err := claim.Check(customer, now); err != nil {
			return err
		}
		moved, err := mergeGuestInto(ctx, tx, store, c.GuestPK, customer, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE guest_claims SET used_at=? WHERE store_id=? AND token_hash=?`, now, store, h[:]); err != nil {
			return fmt.Errorf("use claim: %w", err)
		}
		rows, err := lockCustomers(ctx, tx, store, customer)
		if err != nil {
			return err
		}
		out = loyalty.ClaimResult{PointsMoved: moved, Balance: rows[customer].balance()}
		return nil
	})
	return out, err
}

// mergeGuestInto moves the guest's points, lifetime and orders to the
// customer as the domain's MergeGuest decides, and returns the points moved.
// EConflict when the guest already belongs to another customer.
func mergeGuestInto(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, guest, customer int64, now time.Time) (int64, error) {
	rows, err := lockCustomers(ctx, tx, store, guest, customer)
	if err != nil {
		return 0, err
	}
	g := rows[guest].guest()
	m := loyalty.MergeGuest(g, customer, now)
	if !m.Link {
		if g.MergedInto == customer {
			return 0, nil
		}
		return 0, loyalty.Errorf(loyalty.EConflict, "%s", m.Note)
	}
	l := newLedger(tx)
	if m.Transaction != nil {
		if _, _, err := l.Post(ctx, store, *m.Transaction); err != nil {
			return 0, err
		}
	}
	if err := l.CarryLifetime(ctx, guest, customer, m.Lifetime, now); err != nil {
		return 0, err
	}
	if err := markMerged(ctx, tx, guest, customer, now); err != nil {
		return 0, err
	}
	if err := moveOrders(ctx, tx, store, guest, customer); err != nil {
		return 0, err
	}
	// The guest's orders are the customer's now: their report rollups follow.
	st, err := loadStore(ctx, tx, store)
	if err != nil {
		return 0, err
	}
	var w writes
	if err := recomputeReports(ctx, tx, st, []int64{guest, customer}, &w); err != nil {
		return 0, err
	}
	if err := w.flush(ctx, tx); err != nil {
		return 0, fmt.Errorf("report rollups after merge: %w", err)
	}
	return g.Balance.Available + g.Balance.Pending, nil
}
