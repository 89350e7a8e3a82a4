package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// countingKeys counts lookups: hostile tokens must never reach it.
type countingKeys struct {
	n   atomic.Int64
	key ed25519.PublicKey
}

func (c *countingKeys) PublicKey(_ context.Context, store loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
	c.n.Add(1)
	if kid == "good" && store == 1 {
		return c.key, nil
	}
	return nil, loyalty.Errorf(loyalty.ENotFound, "key not found")
}

// unsigned builds a token with an arbitrary header and claims and a junk signature.
func unsigned(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + ".c2ln"
}

// TestHostileTokensCostNothing: tokens with huge or malformed kids, huge
// bodies or non-numeric issuers are refused before any key lookup, and
// 10,000 distinct unknown kids leave every cache within its bound.
func TestHostileTokensCostNothing(t *testing.T) {
	keys := &countingKeys{}
	v := NewVerifier(keys, nil)
	claims := map[string]any{"iss": "1", "aud": "vafa", "sub": "7", "scope": "shopper", "exp": time.Now().Add(time.Minute).Unix(), "iat": time.Now().Unix()}
	tests := []struct {
		name  string
		token string
	}{
		{"600 KB kid", unsigned(map[string]any{"alg": "EdDSA", "kid": strings.Repeat("k", 600<<10)}, claims)},
		{"kid with bad characters", unsigned(map[string]any{"alg": "EdDSA", "kid": "../../etc"}, claims)},
		{"kid of 65 characters", unsigned(map[string]any{"alg": "EdDSA", "kid": strings.Repeat("a", 65)}, claims)},
		{"token over 4 KiB", unsigned(map[string]any{"alg": "EdDSA", "kid": "good"}, map[string]any{"pad": strings.Repeat("x", 5000)})},
		{"issuer not a number", unsigned(map[string]any{"alg": "EdDSA", "kid": "good"}, map[string]any{"iss": "shop", "aud": "vafa"})},
		{"issuer too long", unsigned(map[string]any{"alg": "EdDSA", "kid": "good"}, map[string]any{"iss": strings.Repeat("9", 40), "aud": "vafa"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := keys.n.Load()
			if _, err := v.Verify(context.Background(), tt.token); loyalty.ErrorCode(err) != loyalty.EUnauthorized {
				t.Fatalf("Verify = %v, want unauthorized", err)
			}
			if keys.n.Load() != before {
				t.Fatal("a hostile token reached the key store")
			}
		})
	}
	for i := 0; i < 10_000+500; i++ {
		v.Verify(context.Background(), unsigned(map[string]any{"alg": "EdDSA", "kid": fmt.Sprintf("k%d", i)}, claims))
	}
	if n := v.cache.Len(); n > cacheEntries {
		t.Fatalf("key cache holds %d entries, bound %d", n, cacheEntries)
	}
}

// TestForgetRefusesARevokedKeyAtOnce: after Forget, a token already
// verified and cached is refused without waiting for the key cache's TTL.
func TestForgetRefusesARevokedKeyAtOnce(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	keys := &countingKeys{key: pub}
	v := NewVerifier(keys, nil)
	tok, err := Mint(priv, "good", 1, "7", ScopeShopper, time.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	v.Forget(1, "good")
	if _, err := v.Verify(context.Background(), tok); loyalty.ErrorCode(err) != loyalty.EUnauthorized {
		t.Fatalf("revoked key still verifies: %v", err)
	}
}

func TestFailureLimiter(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	l := NewFailureLimiter(3, 20*time.Second, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if l.Blocked("1.2.3.4") {
			t.Fatalf("blocked after %d failures", i)
		}
		l.Fail("1.2.3.4")
	}
	if !l.Blocked("1.2.3.4") {
		t.Fatal("not blocked after the burst")
	}
	if l.Blocked("5.6.7.8") {
		t.Fatal("another client is blocked")
	}
	now = now.Add(21 * time.Second)
	if l.Blocked("1.2.3.4") {
		t.Fatal("still blocked after a refill")
	}
}
