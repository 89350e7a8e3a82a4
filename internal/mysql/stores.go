package mysql

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The stores table: each tenant's identity and webhook secret. Its program
// settings live in programs (programs.go).

var _ loyalty.Stores = (*StoreService)(nil)

// StoreService creates stores and reads and changes them with their programs.
type StoreService struct {
	db *DB
}

// NewStoreService returns the store service on db.
func NewStoreService(db *DB) *StoreService { return &StoreService{db: db} }

type storeRow struct {
	ID            int64     `db:"id"`
	Name          string    `db:"name"`
	URL           string    `db:"url"`
	WebhookSecret string    `db:"webhook_secret"`
	CreatedAt     time.Time `db:"created_at"`
	UpdatedAt     time.Time `db:"updated_at"`
}

// randomStoreID returns a random id between 10^9 and 2^53 (exact in a
// JavaScript number, though the API sends ids as strings).
func randomStoreID() int64 {
	n, err := rand.Int(rand.Reader, big.NewInt(1<<53-1_000_000_000))
	if err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return n.Int64() + 1_000_000_000
}

// loadStore reads the store, its program, its active tiers, rules,
// promotions and currency rates, in one round trip (a statement at a time on
// Galera): the worker reads it for every batch. ENotFound when there is none.
func loadStore(ctx context.Context, q sqlx.QueryerContext, id loyalty.StoreID) (loyalty.Store, error) {
	var (
		stores  []storeRow
		p       loyalty.Program
		found   bool
		tiers   []tierRow
		rules   []ruleRow
		promos  []promotionRow
		rates   []currencyRow
		program = func(rows *sqlx.Rows) error {
			settings := p.Settings()
			dst := make([]any, len(settings))
			for i, s := range settings {
				dst[i] = s.Value
			}
			found = true
			return rows.Scan(dst...)
		}
	)
	err := selectAll(ctx, q, []selectQuery{
		{`SELECT id, name, url, webhook_secret, created_at, updated_at FROM stores WHERE id = ?`, []any{id}, structs(&stores)},
		{programSelect, []any{id}, program},
		{activeTierSelect, []any{id}, structs(&tiers)},
		{activeRuleSelect, []any{id}, structs(&rules)},
		{activePromotionSelect, []any{id}, structs(&promos)},
		{currencySelect, []any{id}, structs(&rates)},
	})
	if err != nil {
		return loyalty.Store{}, fmt.Errorf("load store %d: %w", id, err)
	}
	if len(stores) == 0 {
		return loyalty.Store{}, loyalty.Errorf(loyalty.ENotFound, "store %d not found", id)
	}
	if !found {
		return loyalty.Store{}, loyalty.Errorf(loyalty.ENotFound, "store %d has no program", id)
	}
	r := stores[0]
	st := loyalty.Store{ID: r.ID, Name: r.Name, URL: r.URL, WebhookSecret: r.WebhookSecret, CreatedAt: r.CreatedAt, Program: p}
	for _, t := range tiers {
		tier, err := t.tier()
		if err != nil {
			return loyalty.Store{}, err
		}
		st.Tiers = append(st.Tiers, tier)
	}
	loyalty.SortTiers(st.Tiers)
	for _, x := range rules {
		st.Rules = append(st.Rules, x.rule())
	}
	for _, x := range promos {
		st.Promotions = append(st.Promotions, x.promotion())
	}
	for _, x := range rates {
		st.Currencies = append(st.Currencies, x.rate())
	}
	return st, nil
}

// CreateStore creates a store with a fresh alphanumeric webhook secret and
// the given program. EInvalid when the program or name is invalid.
func (s *StoreService) CreateStore(ctx context.Context, name, url string, p loyalty.Program) (loyalty.Store, error) {
	if name == "" || len(name) > 200 || len(url) > 500 {
		return loyalty.Store{}, loyalty.Errorf(loyalty.EInvalid, "store name must be 1 to 200 characters and url at most 500")
	}
	if err := p.Validate(); err != nil {
		return loyalty.Store{}, err
	}
	secret := RandomAlphanumeric(40)
	var id int64
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for attempt := 0; ; attempt++ {
			// Random ids: a store's id (in its webhook URL) tells nothing of
			// how many stores there are, and cannot be guessed from another's.
			id = randomStoreID()
			_, err := tx.ExecContext(ctx, `INSERT INTO stores (id, name, url, webhook_secret, created_at, updated_at)
				VALUES (?,?,?,?,?,?)`, id, name, url, secret, now, now)
			if isDuplicate(err, "PRIMARY") && attempt < 5 {
				continue
			}
			if err != nil {
				return fmt.Errorf("insert store: %w", err)
			}
			break
		}
		return saveProgram(ctx, tx, id, p, now)
	})
	if err != nil {
		return loyalty.Store{}, err
	}
	return s.Store(ctx, id)
}

// Store returns the store with id. ENotFound when there is none.
func (s *StoreService) Store(ctx context.Context, id loyalty.StoreID) (loyalty.Store, error) {
	return loadStore(ctx, s.db.db, id)
}

// SetProgram replaces the store's program settings. Orders already paid keep
// the terms frozen on them. EInvalid, ENotFound.
func (s *StoreService) SetProgram(ctx context.Context, id loyalty.StoreID, p loyalty.Program) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var one int
		if err := tx.GetContext(ctx, &one, `SELECT 1 FROM stores WHERE id=? FOR UPDATE`, id); err != nil {
			return notFound(err, "store %d not found", id)
		}
		return saveProgram(ctx, tx, id, p, now)
	})
}

// rotateWebhookSecret gives the store a fresh webhook secret and returns it.
func rotateWebhookSecret(ctx context.Context, tx *sqlx.Tx, id loyalty.StoreID, now time.Time) (string, error) {
	secret := RandomAlphanumeric(40)
	if _, err := tx.ExecContext(ctx, `UPDATE stores SET webhook_secret=?, updated_at=? WHERE id=?`, secret, now, id); err != nil {
		return "", fmt.Errorf("rotate webhook secret: %w", err)
	}
	return secret, nil
}

// StoreIDs lists every store's id.
func (s *StoreService) StoreIDs(ctx context.Context) ([]loyalty.StoreID, error) {
	var ids []loyalty.StoreID
	if err := s.db.db.SelectContext(ctx, &ids, `SELECT id FROM stores ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list stores: %w", err)
	}
	return ids, nil
}
