package mysql

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

var _ loyalty.Privacy = (*PrivacyService)(nil)

// PrivacyService exports and erases a person's data by e-mail, for
// WordPress's personal-data tools. It owns no table: customers.go and
// inbox.go do the writing.
type PrivacyService struct {
	db *DB
}

// NewPrivacyService returns the privacy service on db.
func NewPrivacyService(db *DB) *PrivacyService { return &PrivacyService{db: db} }

// exportActivityLimit bounds one identity's exported ledger.
const exportActivityLimit = 10000

// Export returns every customer identity of the store with the e-mail,
// with balances and ledger. EInvalid for a malformed e-mail.
func (s *PrivacyService) Export(ctx context.Context, store loyalty.StoreID, email string) ([]loyalty.CustomerRecord, error) {
	email, err := loyalty.NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	rows, err := customersByEmail(ctx, s.db.db, store, email)
	if err != nil {
		return nil, err
	}
	out := make([]loyalty.CustomerRecord, 0, len(rows))
	for _, r := range rows {
		acts, err := readActivity(ctx, s.db.db, store, byPK(r.ID), 0, exportActivityLimit)
		if err != nil {
			return nil, err
		}
		rec := loyalty.CustomerRecord{Email: email, Balance: r.balance(), Activity: acts}
		if r.WCID != nil {
			rec.CustomerID = *r.WCID
		}
		out = append(out, rec)
	}
	return out, nil
}

// Erase removes the e-mail from the store's customers (with what the
// referral checks kept of them and their masked name on referrals) and
// replaces the processed deliveries that name it. EInvalid for a malformed e-mail.
func (s *PrivacyService) Erase(ctx context.Context, store loyalty.StoreID, email string) (loyalty.Erasure, error) {
	email, err := loyalty.NormalizeEmail(email)
	if err != nil {
		return loyalty.Erasure{}, err
	}
	var out loyalty.Erasure
	err = s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := eraseReferralData(ctx, tx, store, email, now); err != nil {
			return err
		}
		n, err := eraseEmail(ctx, tx, store, email, now)
		if err != nil {
			return err
		}
		out.Customers = n
		out.Deliveries, err = redactDeliveries(ctx, tx, store, email)
		return err
	})
	return out, err
}

// likePattern matches s anywhere, with LIKE's wildcards in s escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// redactDeliveries replaces the bodies of the store's processed deliveries
// that contain email (pending ones are kept until applied).
func redactDeliveries(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, email string) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE webhook_inbox SET body=? WHERE store_id=? AND state<>'pending'
		AND CONVERT(body USING utf8mb4) LIKE ?`, []byte(`{"erased":true}`), store, likePattern(email))
	if err != nil {
		return 0, fmt.Errorf("redact deliveries: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
