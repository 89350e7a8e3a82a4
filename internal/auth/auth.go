// Package auth verifies (and, for development and tests, mints) the EdDSA
// JWTs stores' plugins sign for their shoppers and admins.
package auth

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Audience every token must name.
const Audience = "vafa"

// Scopes.
const (
	ScopeShopper = "shopper"
	ScopeAdmin   = "admin"
)

// MaxLifetime is the longest a token may live; the leeway absorbs clock skew.
const (
	MaxLifetime = 15 * time.Minute
	Leeway      = 30 * time.Second
)

// Principal is who a verified token speaks for.
type Principal struct {
	StoreID loyalty.StoreID
	Subject string // WooCommerce customer id (shopper) or WordPress user id (admin)
	Scope   string
}

// CustomerID returns the subject as a positive WooCommerce customer id.
func (p Principal) CustomerID() (int64, error) {
	id, err := strconv.ParseInt(p.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, loyalty.Errorf(loyalty.EUnauthorized, "token subject is not a customer id")
	}
	return id, nil
}

// Claims are a Vafa token's claims.
type Claims struct {
	Scope string `json:"scope"`
	jwt.RegisteredClaims
}

// KeySource finds a store's public key by key id.
type KeySource interface {
	PublicKey(ctx context.Context, store loyalty.StoreID, kid string) (ed25519.PublicKey, error)
}

// Bounds checked before a token costs anything: a JWT of ours is a few
// hundred bytes, a kid is ours (k + 15 alphanumerics) or an operator's.
const (
	MaxTokenBytes = 4096
	maxKidBytes   = 64
	cacheEntries  = 10_000 // per cache: verified tokens, keys, misses
)

// Verifier checks tokens. Keys are cached briefly: a balance read should not
// cost a key lookup, and a revoked key stops working within the TTL. Every
// cache is a bounded LRU, and nothing unsigned reaches one before its shape
// is checked, so hostile tokens cannot grow memory.
type Verifier struct {
	keys    KeySource
	now     func() time.Time
	ttl     time.Duration
	mu      sync.Mutex
	cache   *lru.Cache[keyID, cachedKey]
	tokens  *lru.Cache[string, cachedToken] // verified tokens: a page's repeated calls skip the signature check
	parser  *jwt.Parser
	revoked map[keyID]time.Time // revoked here: refused even if another cache still holds them
}

type cachedToken struct {
	p       Principal
	kid     keyID
	expires time.Time
}

type keyID struct {
	store loyalty.StoreID
	kid   string
}

type cachedKey struct {
	key     ed25519.PublicKey
	expires time.Time
}

// NewVerifier returns a verifier reading keys from src.
func NewVerifier(src KeySource, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	keys, _ := lru.New[keyID, cachedKey](cacheEntries)
	tokens, _ := lru.New[string, cachedToken](cacheEntries)
	v := &Verifier{keys: src, now: now, ttl: time.Minute, cache: keys, tokens: tokens, revoked: map[keyID]time.Time{}}
	// The algorithm is pinned: "none", HS256 with the public key as secret and
	// anything else never reach key lookup.
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	)
	return v
}

// Forget drops a revoked key from the caches and refuses it at once on this
// replica, without waiting for the key cache's TTL.
func (v *Verifier) Forget(store loyalty.StoreID, kid string) {
	id := keyID{store, kid}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cache.Remove(id)
	v.revoked[id] = v.now().Add(MaxLifetime + Leeway)
	for k, until := range v.revoked { // bounded: entries last one token lifetime
		if v.now().After(until) {
			delete(v.revoked, k)
		}
	}
}

// Verify parses and checks a token: EdDSA only, a known unrevoked key of the
// issuing store, aud "vafa", exp/nbf/iat valid with a small leeway, a life of
// at most 15 minutes, a subject and a known scope. Every failure is EUnauthorized.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	if len(token) > MaxTokenBytes {
		return Principal{}, loyalty.Errorf(loyalty.EUnauthorized, "invalid or expired token")
	}
	now := v.now()
	v.mu.Lock()
	hit, ok := v.tokens.Get(token)
	_, gone := v.revoked[hit.kid]
	v.mu.Unlock()
	if ok && now.Before(hit.expires) && !gone {
		return hit.p, nil
	}
	p, kid, exp, err := v.verify(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	// Remember the verdict until the token expires, but no longer than a
	// key stays cached, so a revoked key stops working within the key TTL.
	until := exp.Add(Leeway)
	if limit := now.Add(v.ttl); limit.Before(until) {
		until = limit
	}
	v.mu.Lock()
	v.tokens.Add(token, cachedToken{p: p, kid: kid, expires: until})
	v.mu.Unlock()
	return p, nil
}

// validKid reports a key id of 1 to 64 characters of [A-Za-z0-9_-].
func validKid(kid string) bool {
	if kid == "" || len(kid) > maxKidBytes {
		return false
	}
	for i := 0; i < len(kid); i++ {
		c := kid[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// verify does the full check of Verify, without the cache.
func (v *Verifier) verify(ctx context.Context, token string) (Principal, keyID, time.Time, error) {
	var claims Claims
	var id keyID
	_, err := v.parser.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if !validKid(kid) {
			return nil, errors.New("kid missing or malformed")
		}
		if len(claims.Issuer) > 19 {
			return nil, errors.New("issuer is not a store id")
		}
		store, err := strconv.ParseInt(claims.Issuer, 10, 64)
		if err != nil || store <= 0 {
			return nil, errors.New("issuer is not a store id")
		}
		id = keyID{store, kid}
		return v.key(ctx, id)
	})
	if err != nil {
		return Principal{}, keyID{}, time.Time{}, &loyalty.Error{Code: loyalty.EUnauthorized, Message: "invalid or expired token", Cause: err}
	}
	if claims.ExpiresAt == nil || claims.ExpiresAt.Time.After(v.now().Add(MaxLifetime+Leeway)) {
		return Principal{}, keyID{}, time.Time{}, loyalty.Errorf(loyalty.EUnauthorized, "token lifetime exceeds 15 minutes")
	}
	if claims.Subject == "" || len(claims.Subject) > 64 {
		return Principal{}, keyID{}, time.Time{}, loyalty.Errorf(loyalty.EUnauthorized, "token has no subject")
	}
	if claims.Scope != ScopeShopper && claims.Scope != ScopeAdmin {
		return Principal{}, keyID{}, time.Time{}, loyalty.Errorf(loyalty.EUnauthorized, "token scope must be shopper or admin")
	}
	return Principal{StoreID: id.store, Subject: claims.Subject, Scope: claims.Scope}, id, claims.ExpiresAt.Time, nil
}

func (v *Verifier) key(ctx context.Context, id keyID) (ed25519.PublicKey, error) {
	now := v.now()
	v.mu.Lock()
	c, ok := v.cache.Get(id)
	_, gone := v.revoked[id]
	v.mu.Unlock()
	if gone {
		return nil, errors.New("revoked key")
	}
	if ok && now.Before(c.expires) {
		if c.key == nil {
			return nil, errors.New("unknown key")
		}
		return c.key, nil
	}
	k, err := v.keys.PublicKey(ctx, id.store, id.kid)
	if err != nil && loyalty.ErrorCode(err) != loyalty.ENotFound {
		return nil, fmt.Errorf("load key: %w", err)
	}
	ttl := v.ttl
	if k == nil {
		ttl = 5 * time.Second // a miss is remembered briefly: a key registered just now works at once
	}
	v.mu.Lock()
	v.cache.Add(id, cachedKey{key: k, expires: now.Add(ttl)})
	v.mu.Unlock()
	if k == nil {
		return nil, errors.New("unknown key")
	}
	return k, nil
}

// Mint signs a token for store with the private key, as the plugin does.
// Used by the CLI and tests; the service itself never holds private keys.
func Mint(priv ed25519.PrivateKey, kid string, store loyalty.StoreID, subject, scope string, now time.Time, ttl time.Duration) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, Claims{
		Scope: scope,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    strconv.FormatInt(store, 10),
			Subject:   subject,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	})
	t.Header["kid"] = kid
	s, err := t.SignedString(priv)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// ConnectToken is what a store admin pastes into the plugin: where the
// service is, which store, and a one-time enrollment secret.
type ConnectToken struct {
	URL     string `json:"u"`
	StoreID string `json:"s"`
	Secret  string `json:"e"`
}

const connectPrefix = "vafa1."

// Encode renders the token as "vafa1." + base64url(JSON).
func (c ConnectToken) Encode() string {
	b, _ := json.Marshal(c)
	return connectPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// ParseConnectToken reads a token made by Encode. EInvalid when malformed.
func ParseConnectToken(s string) (ConnectToken, error) {
	var c ConnectToken
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), connectPrefix)
	if !ok || len(rest) > 2048 {
		return c, loyalty.Errorf(loyalty.EInvalid, "the connection token is malformed")
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || json.Unmarshal(b, &c) != nil || c.StoreID == "" || c.Secret == "" {
		return ConnectToken{}, loyalty.Errorf(loyalty.EInvalid, "the connection token is malformed")
	}
	return c, nil
}
