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

// The store_keys and connect_tokens tables: the public keys plugins sign
// tokens with, and the one-time enrollment secrets that register them.

var (
	_ loyalty.Keys      = (*KeyService)(nil)
	_ loyalty.Connector = (*KeyService)(nil)
)

// Who registered a key.
const (
	keyByOperator = "operator"
	keyByPlugin   = "plugin"
)

// KeyService registers and finds stores' public keys and connection tokens.
type KeyService struct {
	db *DB
}

// NewKeyService returns the key service on db.
func NewKeyService(db *DB) *KeyService { return &KeyService{db: db} }

// storeExists returns ENotFound when the store does not exist.
func storeExists(ctx context.Context, q sqlx.QueryerContext, id loyalty.StoreID) error {
	var one int
	if err := sqlx.GetContext(ctx, q, &one, `SELECT 1 FROM stores WHERE id=?`, id); err != nil {
		return notFound(err, "store %d not found", id)
	}
	return nil
}

// AddKey registers an Ed25519 public key for the store under kid. EInvalid
// for a malformed key, EConflict when kid is taken, ENotFound for no store.
func (s *KeyService) AddKey(ctx context.Context, id loyalty.StoreID, kid string, pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return loyalty.Errorf(loyalty.EInvalid, "public key must be %d bytes", ed25519.PublicKeySize)
	}
	if kid == "" || len(kid) > 64 {
		return loyalty.Errorf(loyalty.EInvalid, "key id must be 1 to 64 characters")
	}
	return s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := storeExists(ctx, tx, id); err != nil {
			return err
		}
		return addKeyTx(ctx, tx, id, kid, pub, keyByOperator, now)
	})
}

// RegisterKey adds a key for the store's plugin beside the ones it has
// (rotation: both work until the old one is revoked) and returns its kid.
// EInvalid for a malformed key, ENotFound for no store.
func (s *KeyService) RegisterKey(ctx context.Context, id loyalty.StoreID, pub ed25519.PublicKey) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", loyalty.Errorf(loyalty.EInvalid, "public_key must be a base64 Ed25519 public key of %d bytes", ed25519.PublicKeySize)
	}
	kid := "k" + RandomAlphanumeric(15)
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := storeExists(ctx, tx, id); err != nil {
			return err
		}
		return addKeyTx(ctx, tx, id, kid, pub, keyByPlugin, now)
	})
	return kid, err
}

// RevokeKey revokes the store's key kid: tokens it signed stop verifying
// (at once on this replica, within the verifier's key cache TTL on others).
// Revoking a revoked key changes nothing. ENotFound for no such key.
func (s *KeyService) RevokeKey(ctx context.Context, id loyalty.StoreID, kid string) error {
	return s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE store_keys SET revoked_at=COALESCE(revoked_at, ?) WHERE store_id=? AND kid=?`, now, id, kid)
		if err != nil {
			return fmt.Errorf("revoke key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			if err := tx.GetContext(ctx, &one, `SELECT 1 FROM store_keys WHERE store_id=? AND kid=?`, id, kid); err != nil {
				return notFound(err, "key not found")
			}
		}
		return nil
	})
}

func addKeyTx(ctx context.Context, tx *sqlx.Tx, id loyalty.StoreID, kid string, pub ed25519.PublicKey, source string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO store_keys (store_id, kid, public_key, source, created_at) VALUES (?,?,?,?,?)`,
		id, kid, []byte(pub), source, now)
	if isDuplicate(err, "PRIMARY") {
		return loyalty.Errorf(loyalty.EConflict, "key id %q already exists for this store", kid)
	}
	if err != nil {
		return fmt.Errorf("insert key: %w", err)
	}
	return nil
}

// PublicKey returns the store's unrevoked key with kid. ENotFound otherwise.
func (s *KeyService) PublicKey(ctx context.Context, id loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
	var b []byte
	err := s.db.db.GetContext(ctx, &b, `SELECT public_key FROM store_keys WHERE store_id=? AND kid=? AND revoked_at IS NULL`, id, kid)
	if err != nil {
		return nil, notFound(err, "key not found")
	}
	return ed25519.PublicKey(b), nil
}

// CreateConnectToken stores the hash of a fresh enrollment secret valid for
// ttl and returns the secret. ENotFound for no store.
func (s *KeyService) CreateConnectToken(ctx context.Context, id loyalty.StoreID, ttl time.Duration) (string, error) {
	secret := RandomAlphanumeric(32)
	h := sha256.Sum256([]byte(secret))
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := storeExists(ctx, tx, id); err != nil {
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

// Connect exchanges an enrollment secret, once, for registering pub. The
// plugin's earlier keys are revoked (a copy of an old key must not keep
// minting tokens) and the store's webhook secret is rotated; both new
// values are returned. EUnauthorized for an unknown or expired secret,
// EConflict for one already used, EInvalid for a malformed key.
func (s *KeyService) Connect(ctx context.Context, id loyalty.StoreID, secret string, pub ed25519.PublicKey) (loyalty.Connection, error) {
	if len(pub) != ed25519.PublicKeySize {
		return loyalty.Connection{}, loyalty.Errorf(loyalty.EInvalid, "public_key must be a base64 Ed25519 public key of %d bytes", ed25519.PublicKeySize)
	}
	h := sha256.Sum256([]byte(secret))
	conn := loyalty.Connection{KID: "k" + RandomAlphanumeric(15)}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
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
		if _, err := tx.ExecContext(ctx, `UPDATE store_keys SET revoked_at=? WHERE store_id=? AND source=? AND revoked_at IS NULL`,
			now, id, keyByPlugin); err != nil {
			return fmt.Errorf("revoke earlier plugin keys: %w", err)
		}
		if conn.WebhookSecret, err = rotateWebhookSecret(ctx, tx, id, now); err != nil {
			return err
		}
		return addKeyTx(ctx, tx, id, conn.KID, pub, keyByPlugin, now)
	})
	return conn, err
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
