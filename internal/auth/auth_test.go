package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// fakeKeys is a function-field fake of KeySource.
type fakeKeys struct {
	fn    func(store loyalty.StoreID, kid string) (ed25519.PublicKey, error)
	calls int
}

var _ KeySource = (*fakeKeys)(nil)

func (f *fakeKeys) PublicKey(_ context.Context, store loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
	f.calls++
	return f.fn(store, kid)
}

func TestVerifier(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	keys := &fakeKeys{fn: func(store loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
		if store == 1 && kid == "k1" {
			return pub, nil
		}
		return nil, loyalty.Errorf(loyalty.ENotFound, "no key")
	}}
	mint := func(key ed25519.PrivateKey, kid string, store loyalty.StoreID, sub, scope string, at time.Time, ttl time.Duration) string {
		tok, err := Mint(key, kid, store, sub, scope, at, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"valid shopper", mint(priv, "k1", 1, "7", ScopeShopper, now, 5*time.Minute), true},
		{"valid admin", mint(priv, "k1", 1, "2", ScopeAdmin, now, 5*time.Minute), true},
		{"expired", mint(priv, "k1", 1, "7", ScopeShopper, now.Add(-20*time.Minute), 5*time.Minute), false},
		{"within leeway", mint(priv, "k1", 1, "7", ScopeShopper, now.Add(-5*time.Minute-10*time.Second), 5*time.Minute), true},
		{"issued in the future", mint(priv, "k1", 1, "7", ScopeShopper, now.Add(5*time.Minute), 5*time.Minute), false},
		{"lifetime over 15 minutes", mint(priv, "k1", 1, "7", ScopeShopper, now, time.Hour), false},
		{"other store's issuer", mint(priv, "k1", 2, "7", ScopeShopper, now, 5*time.Minute), false},
		{"unknown kid", mint(priv, "k2", 1, "7", ScopeShopper, now, 5*time.Minute), false},
		{"wrong key", mint(other, "k1", 1, "7", ScopeShopper, now, 5*time.Minute), false},
		{"bad scope", mint(priv, "k1", 1, "7", "root", now, 5*time.Minute), false},
		{"empty subject", mint(priv, "k1", 1, "", ScopeShopper, now, 5*time.Minute), false},
		{"garbage", "a.b.c", false},
	}
	v := NewVerifier(keys, func() time.Time { return now })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify(context.Background(), tt.token)
			if tt.ok != (err == nil) {
				t.Fatalf("Verify err = %v, want ok %v", err, tt.ok)
			}
			if err != nil && loyalty.ErrorCode(err) != loyalty.EUnauthorized {
				t.Fatalf("code %q, want unauthorized", loyalty.ErrorCode(err))
			}
			if err == nil && (p.StoreID != 1 || p.Subject == "") {
				t.Fatalf("principal %+v", p)
			}
		})
	}
}

func TestVerifierCachesButHonoursExpiryAndRevocation(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	revoked := false
	keys := &fakeKeys{fn: func(loyalty.StoreID, string) (ed25519.PublicKey, error) {
		if revoked {
			return nil, loyalty.Errorf(loyalty.ENotFound, "revoked")
		}
		return pub, nil
	}}
	v := NewVerifier(keys, func() time.Time { return now })
	tok, _ := Mint(priv, "k1", 1, "7", ScopeShopper, now, 10*time.Minute)
	for i := 0; i < 3; i++ {
		if _, err := v.Verify(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	if keys.calls != 1 {
		t.Fatalf("key looked up %d times for one token, want 1", keys.calls)
	}
	// Revoke: within the key TTL the cached verdict stands; after it, refused.
	revoked = true
	now = now.Add(2 * time.Minute)
	if _, err := v.Verify(context.Background(), tok); err == nil {
		t.Fatal("token still accepted after its key was revoked and the cache TTL passed")
	}
	// An expired token is refused even when cached.
	revoked = false
	now = now.Add(10 * time.Second) // past the brief memory of the miss
	short, _ := Mint(priv, "k1", 1, "7", ScopeShopper, now, time.Minute)
	if _, err := v.Verify(context.Background(), short); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if _, err := v.Verify(context.Background(), short); err == nil {
		t.Fatal("expired cached token accepted")
	}
}

func TestPrincipalCustomerID(t *testing.T) {
	tests := []struct {
		sub  string
		want int64
		ok   bool
	}{{"7", 7, true}, {"0", 0, false}, {"-3", 0, false}, {"bob", 0, false}, {"", 0, false}}
	for _, tt := range tests {
		id, err := Principal{Subject: tt.sub}.CustomerID()
		if id != tt.want || (err == nil) != tt.ok {
			t.Errorf("CustomerID(%q) = %d, %v", tt.sub, id, err)
		}
	}
}

func TestConnectToken(t *testing.T) {
	c := ConnectToken{URL: "https://vafa.example", StoreID: "12", Secret: "abc"}
	got, err := ParseConnectToken("  " + c.Encode() + "\n")
	if err != nil || got != c {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "vafa1.", "vafa2.e30", "vafa1.!!!", "vafa1.e30", c.Encode()[:10]} {
		if _, err := ParseConnectToken(bad); loyalty.ErrorCode(err) != loyalty.EInvalid {
			t.Errorf("ParseConnectToken(%q) = %v, want invalid", bad, err)
		}
	}
}
