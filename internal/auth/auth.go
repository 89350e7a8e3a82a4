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

// Verifier checks tokens. Keys are cached briefly: a balance read should not
// cost a key lookup, and a revoked key stops working within the TTL.
type Verifier struct {
	keys   KeySource
	now    func() time.Time
	ttl    time.Duration
	mu     sync.RWMutex
	cache  map[keyID]cachedKey
	tokens map[string]cachedToken // verified tokens: a page's repeated calls skip the signature check
	parser *jwt.Parser
}

type cachedToken struct {
	p       Principal
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
	v := &Verifier{keys: src, now: now, ttl: time.Minute, cache: map[keyID]cachedKey{}, tokens: map[string]cachedToken{}}
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

// Verify parses and checks a token: EdDSA only, a known unrevoked key of the
// issuing store, aud "vafa", exp/nbf/iat valid with a small leeway, a life of
// at most 15 minutes, a subject and a known scope. Every failure is EUnauthorized.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	now := v.now()
	v.mu.RLock()
	hit, ok := v.tokens[token]
	v.mu.RUnlock()
	if ok && now.Before(hit.expires) {
		return hit.p, nil
	}
	p, exp, err := v.verify(ctx, token)
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
	if len(v.tokens) > 100_000 {
		v.tokens = map[string]cachedToken{}
	}
	v.tokens[token] = cachedToken{p: p, expires: until}
	v.mu.Unlock()
	return p, nil
}

// verify does the full check of Verify, without the cache.
func (v *Verifier) verify(ctx context.Context, token string) (Principal, time.Time, error) {
	var claims Claims
	var store loyalty.StoreID
	_, err := v.parser.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("no kid")
		}
		id, err := strconv.ParseInt(claims.Issuer, 10, 64)
		if err != nil || id <= 0 {
			return nil, errors.New("issuer is not a store id")
		}
		store = id
		return v.key(ctx, id, kid)
	})
	if err != nil {
		return Principal{}, time.Time{}, &loyalty.Error{Code: loyalty.EUnauthorized, Message: "invalid or expired token", Cause: err}
	}
	if claims.ExpiresAt == nil || claims.ExpiresAt.Time.After(v.now().Add(MaxLifetime+Leeway)) {
		return Principal{}, time.Time{}, loyalty.Errorf(loyalty.EUnauthorized, "token lifetime exceeds 15 minutes")
	}
	if claims.Subject == "" || len(claims.Subject) > 64 {
		return Principal{}, time.Time{}, loyalty.Errorf(loyalty.EUnauthorized, "token has no subject")
	}
	if claims.Scope != ScopeShopper && claims.Scope != ScopeAdmin {
		return Principal{}, time.Time{}, loyalty.Errorf(loyalty.EUnauthorized, "token scope must be shopper or admin")
	}
	return Principal{StoreID: store, Subject: claims.Subject, Scope: claims.Scope}, claims.ExpiresAt.Time, nil
}

func (v *Verifier) key(ctx context.Context, store loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
	id := keyID{store, kid}
	now := v.now()
	v.mu.RLock()
	c, ok := v.cache[id]
	v.mu.RUnlock()
	if ok && now.Before(c.expires) {
		if c.key == nil {
			return nil, errors.New("unknown key")
		}
		return c.key, nil
	}
	k, err := v.keys.PublicKey(ctx, store, kid)
	if err != nil && loyalty.ErrorCode(err) != loyalty.ENotFound {
		return nil, fmt.Errorf("load key: %w", err)
	}
	v.mu.Lock()
	if len(v.cache) > 100_000 { // bounded: unknown kids are cached as misses too
		v.cache = map[keyID]cachedKey{}
	}
	ttl := v.ttl
	if k == nil {
		ttl = 5 * time.Second // a miss is remembered briefly: a key registered just now works at once
	}
	v.cache[id] = cachedKey{key: k, expires: now.Add(ttl)}
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
