package mysql

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

var _ loyalty.Stores = (*DB)(nil)
var _ loyalty.Connector = (*DB)(nil)

type storeRow struct {
	ID               int64     `db:"id"`
	Name             string    `db:"name"`
	URL              string    `db:"url"`
	WebhookSecret    string    `db:"webhook_secret"`
	Currency         string    `db:"currency"`
	CurrencyExponent int       `db:"currency_exponent"`
	EarnPoints       int64     `db:"earn_points"`
	EarnPer          int64     `db:"earn_per"`
	ReturnDays       int       `db:"return_days"`
	RedeemPoints     int64     `db:"redeem_points"`
	RedeemValueMinor int64     `db:"redeem_value_minor"`
	CreatedAt        time.Time `db:"created_at"`
	UpdatedAt        time.Time `db:"updated_at"`
}

func (r storeRow) store() loyalty.Store {
	return loyalty.Store{
		ID: r.ID, Name: r.Name, URL: r.URL, WebhookSecret: r.WebhookSecret, CreatedAt: r.CreatedAt,
		Program: loyalty.Program{
			Currency: r.Currency, CurrencyExponent: r.CurrencyExponent,
			EarnPoints: r.EarnPoints, EarnPer: r.EarnPer, ReturnDays: r.ReturnDays,
			RedeemPoints: r.RedeemPoints, RedeemValueMinor: r.RedeemValueMinor,
		},
	}
}

const storeColumns = `id, name, url, webhook_secret, currency, currency_exponent, earn_points, earn_per,
	return_days, redeem_points, redeem_value_minor, created_at, updated_at`

// CreateStore creates a store with a fresh alphanumeric webhook secret and
// the given program. EInvalid when the program or name is invalid.
func (d *DB) CreateStore(ctx context.Context, name, url string, p loyalty.Program) (loyalty.Store, error) {
	if name == "" || len(name) > 200 || len(url) > 500 {
		return loyalty.Store{}, loyalty.Errorf(loyalty.EInvalid, "store name must be 1 to 200 characters and url at most 500")
	}
	if err := p.Validate(); err != nil {
		return loyalty.Store{}, err
	}
	secret := RandomAlphanumeric(40)
	var id int64
	err := d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO stores (name, url, webhook_secret, currency, currency_exponent,
			earn_points, earn_per, return_days, redeem_points, redeem_value_minor, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, name, url, secret, p.Currency, p.CurrencyExponent,
			p.EarnPoints, p.EarnPer, p.ReturnDays, p.RedeemPoints, p.RedeemValueMinor, now, now)
		if err != nil {
			return fmt.Errorf("insert store: %w", err)
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return loyalty.Store{}, err
	}
	return d.Store(ctx, id)
}

// Store returns the store with id. ENotFound when there is none.
func (d *DB) Store(ctx context.Context, id loyalty.StoreID) (loyalty.Store, error) {
	var r storeRow
	err := d.db.GetContext(ctx, &r, `SELECT `+storeColumns+` FROM stores WHERE id = ?`, id)
	if err != nil {
		return loyalty.Store{}, notFound(err, "store %d not found", id)
	}
	return r.store(), nil
}

func (d *DB) storeTx(ctx context.Context, tx *sqlx.Tx, id loyalty.StoreID) (loyalty.Store, error) {
	var r storeRow
	if err := tx.GetContext(ctx, &r, `SELECT `+storeColumns+` FROM stores WHERE id = ?`, id); err != nil {
		return loyalty.Store{}, notFound(err, "store %d not found", id)
	}
	return r.store(), nil
}

// SetProgram replaces the store's program settings. Orders already paid keep
// the rule frozen on them. EInvalid, ENotFound.
func (d *DB) SetProgram(ctx context.Context, id loyalty.StoreID, p loyalty.Program) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE stores SET currency=?, currency_exponent=?, earn_points=?, earn_per=?,
			return_days=?, redeem_points=?, redeem_value_minor=?, updated_at=? WHERE id=?`,
			p.Currency, p.CurrencyExponent, p.EarnPoints, p.EarnPer, p.ReturnDays, p.RedeemPoints, p.RedeemValueMinor, now, id)
		if err != nil {
			return fmt.Errorf("update program: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := d.storeTx(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddKey registers an Ed25519 public key for the store under kid. EInvalid
// for a malformed key, EConflict when kid is taken, ENotFound for no store.
func (d *DB) AddKey(ctx context.Context, id loyalty.StoreID, kid string, pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return loyalty.Errorf(loyalty.EInvalid, "public key must be %d bytes", ed25519.PublicKeySize)
	}
	if kid == "" || len(kid) > 64 {
		return loyalty.Errorf(loyalty.EInvalid, "key id must be 1 to 64 characters")
	}
	return d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := d.storeTx(ctx, tx, id); err != nil {
			return err
		}
		return addKeyTx(ctx, tx, id, kid, pub, now)
	})
}

func addKeyTx(ctx context.Context, tx *sqlx.Tx, id loyalty.StoreID, kid string, pub ed25519.PublicKey, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO store_keys (store_id, kid, public_key, created_at) VALUES (?,?,?,?)`,
		id, kid, []byte(pub), now)
	if isDuplicate(err, "PRIMARY") {
		return loyalty.Errorf(loyalty.EConflict, "key id %q already exists for this store", kid)
	}
	if err != nil {
		return fmt.Errorf("insert key: %w", err)
	}
	return nil
}

// PublicKey returns the store's unrevoked key with kid. ENotFound otherwise.
func (d *DB) PublicKey(ctx context.Context, id loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
	var b []byte
	err := d.db.GetContext(ctx, &b, `SELECT public_key FROM store_keys WHERE store_id=? AND kid=? AND revoked_at IS NULL`, id, kid)
	if err != nil {
		return nil, notFound(err, "key not found")
	}
	return ed25519.PublicKey(b), nil
}

// CreateConnectToken stores the hash of a fresh enrollment secret valid for
// ttl and returns the secret. ENotFound for no store.
func (d *DB) CreateConnectToken(ctx context.Context, id loyalty.StoreID, ttl time.Duration) (string, error) {
	secret := RandomAlphanumeric(32)
	h := sha256.Sum256([]byte(secret))
	err := d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := d.storeTx(ctx, tx, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO connect_tokens (store_id, secret_hash, expires_at, created_at) VALUES (?,?,?,?)`,
			id, h[:], now.Add(ttl), now)
		if err != nil {
			return fmt.Errorf("insert connect token: %w", err)
		}
		return nil
	})
	return secret, err
}

// Connect exchanges an enrollment secret, once, for registering pub. It
// returns the new key id. EUnauthorized for an unknown or expired secret,
// EConflict for one already used.
func (d *DB) Connect(ctx context.Context, id loyalty.StoreID, secret string, pub ed25519.PublicKey) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", loyalty.Errorf(loyalty.EInvalid, "public_key must be a base64 Ed25519 public key of %d bytes", ed25519.PublicKeySize)
	}
	h := sha256.Sum256([]byte(secret))
	kid := "k" + RandomAlphanumeric(15)
	err := d.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var row struct {
			Hash      []byte     `db:"secret_hash"`
			ExpiresAt time.Time  `db:"expires_at"`
			UsedAt    *time.Time `db:"used_at"`
		}
		err := tx.GetContext(ctx, &row, `SELECT secret_hash, expires_at, used_at FROM connect_tokens
			WHERE store_id=? AND secret_hash=? FOR UPDATE`, id, h[:])
		if err != nil || subtle.ConstantTimeCompare(row.Hash, h[:]) != 1 {
			return loyalty.Errorf(loyalty.EUnauthorized, "the connection token is not valid")
		}
		if row.UsedAt != nil {
			return loyalty.Errorf(loyalty.EConflict, "the connection token was already used; create a new one")
		}
		if !now.Before(row.ExpiresAt) {
			return loyalty.Errorf(loyalty.EUnauthorized, "the connection token has expired; create a new one")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE connect_tokens SET used_at=? WHERE store_id=? AND secret_hash=?`, now, id, h[:]); err != nil {
			return fmt.Errorf("use connect token: %w", err)
		}
		return addKeyTx(ctx, tx, id, kid, pub, now)
	})
	return kid, err
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// RandomAlphanumeric returns n characters from a CSPRNG. Webhook secrets are
// alphanumeric so WordPress's HTML-entity decoding never changes them.
func RandomAlphanumeric(n int) string {
	b := make([]byte, n)
	buf := make([]byte, 1)
	for i := 0; i < n; {
		if _, err := rand.Read(buf); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		// Reject bytes past the largest multiple of 62 to avoid modulo bias.
		if buf[0] >= 248 {
			continue
		}
		b[i] = alphanumeric[int(buf[0])%len(alphanumeric)]
		i++
	}
	return string(b)
}
