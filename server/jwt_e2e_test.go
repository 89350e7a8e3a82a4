package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
)

// rawJWT builds a token from header and claims, signed by sign (nil = no signature).
func rawJWT(header, claims map[string]any, sign func(signingInput []byte) []byte) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	in := enc(header) + "." + enc(claims)
	sig := ""
	if sign != nil {
		sig = base64.RawURLEncoding.EncodeToString(sign([]byte(in)))
	}
	return in + "." + sig
}

func TestTokensAreRefused(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	other := s.newStore()
	now := s.clock.Now()
	claims := func(mut func(map[string]any)) map[string]any {
		c := map[string]any{"iss": st.StoreID, "aud": "vafa", "sub": "7", "scope": "shopper",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
		if mut != nil {
			mut(c)
		}
		return c
	}
	eddsa := func(priv ed25519.PrivateKey) func([]byte) []byte {
		return func(in []byte) []byte { return ed25519.Sign(priv, in) }
	}
	hdr := map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": st.Kid}
	pub := st.priv.Public().(ed25519.PublicKey)
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)

	valid := rawJWT(hdr, claims(nil), eddsa(st.priv))
	if r := s.get("/v1/me", valid); r.Status != http.StatusOK {
		t.Fatalf("hand-built valid token refused: %d %s", r.Status, r.Body)
	}

	tests := []struct {
		name  string
		token string
		path  string
		want  int
	}{
		{"expired", rawJWT(hdr, claims(func(c map[string]any) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-20*time.Minute).Unix(), now.Add(-20*time.Minute).Unix(), now.Add(-10*time.Minute).Unix()
		}), eddsa(st.priv)), "/v1/me", 401},
		{"wrong audience", rawJWT(hdr, claims(func(c map[string]any) { c["aud"] = "smile" }), eddsa(st.priv)), "/v1/me", 401},
		{"no audience", rawJWT(hdr, claims(func(c map[string]any) { delete(c, "aud") }), eddsa(st.priv)), "/v1/me", 401},
		{"lifetime over 15 minutes", rawJWT(hdr, claims(func(c map[string]any) { c["exp"] = now.Add(time.Hour).Unix() }), eddsa(st.priv)), "/v1/me", 401},
		{"no exp", rawJWT(hdr, claims(func(c map[string]any) { delete(c, "exp") }), eddsa(st.priv)), "/v1/me", 401},
		{"not yet valid", rawJWT(hdr, claims(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() }), eddsa(st.priv)), "/v1/me", 401},
		{"another store's key", rawJWT(map[string]any{"alg": "EdDSA", "kid": other.Kid}, claims(nil), eddsa(other.priv)), "/v1/me", 401},
		{"unknown signer", rawJWT(hdr, claims(nil), eddsa(stranger)), "/v1/me", 401},
		{"alg none", rawJWT(map[string]any{"alg": "none", "kid": st.Kid}, claims(nil), nil), "/v1/me", 401},
		{"HS256 with the public key as secret", rawJWT(map[string]any{"alg": "HS256", "kid": st.Kid}, claims(nil), func(in []byte) []byte {
			m := hmac.New(sha256.New, pub)
			m.Write(in)
			return m.Sum(nil)
		}), "/v1/me", 401},
		{"no kid", rawJWT(map[string]any{"alg": "EdDSA"}, claims(nil), eddsa(st.priv)), "/v1/me", 401},
		{"bad scope", rawJWT(hdr, claims(func(c map[string]any) { c["scope"] = "root" }), eddsa(st.priv)), "/v1/me", 401},
		{"garbage", "not.a.jwt", "/v1/me", 401},
		{"shopper on admin customer", valid, "/v1/admin/customers/7", 403},
		{"shopper on admin inbox", valid, "/v1/admin/inbox", 403},
		{"admin on shopper balance", rawJWT(hdr, claims(func(c map[string]any) { c["scope"] = "admin" }), eddsa(st.priv)), "/v1/me", 403},
		{"non-numeric customer subject", rawJWT(hdr, claims(func(c map[string]any) { c["sub"] = "bob" }), eddsa(st.priv)), "/v1/me", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(tt.path, tt.token)
			if r.Status != tt.want {
				t.Fatalf("status %d %s, want %d", r.Status, r.Body, tt.want)
			}
			r.errorCode(t)
		})
	}
	if r := s.do("GET", "/v1/me", nil, nil); r.Status != 401 || r.errorCode(t) != "unauthorized" {
		t.Fatalf("no token: %d %s", r.Status, r.Body)
	}
	// The CLI's minting matches what the service verifies.
	out, err := s.cli("token", "--store", st.StoreID, "--sub", "7", "--kid", st.Kid, "--key", st.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.get("/v1/me", string(trimNL(out))); r.Status != 200 {
		t.Fatalf("CLI token refused: %d %s", r.Status, r.Body)
	}
}

func trimNL(s string) []byte {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return []byte(s)
}

func TestConnectTokenIsSingleUse(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	body, _ := json.Marshal(map[string]string{"token": st.ConnectToken, "public_key": base64.StdEncoding.EncodeToString(pub), "site_url": "https://shop.test/"})
	r := s.do("POST", "/v1/connect", body, map[string]string{"Content-Type": "application/json"})
	if r.Status != http.StatusOK {
		t.Fatalf("connect: %d %s", r.Status, r.Body)
	}
	var got struct {
		StoreID       string `json:"store_id"`
		Kid           string `json:"kid"`
		WebhookSecret string `json:"webhook_secret"`
		WebhookURL    string `json:"webhook_url"`
	}
	r.json(t, &got)
	if got.StoreID != st.StoreID || got.WebhookSecret == "" || got.WebhookSecret == st.WebhookSecret || got.Kid == "" ||
		got.WebhookURL != s.base+"/webhooks/woocommerce/"+st.StoreID {
		t.Fatalf("connect returned %+v; want a rotated webhook secret", got)
	}
	// Connecting rotated the webhook secret: the old one no longer signs.
	order := usd(2001, 7, "processing", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)).JSON()
	if r := s.webhook(st.StoreID, st.WebhookSecret, "order.updated", order); r.Status != http.StatusUnauthorized {
		t.Fatalf("webhook signed with the old secret: %d", r.Status)
	}
	if r := s.webhook(st.StoreID, got.WebhookSecret, "order.updated", order); r.Status != http.StatusAccepted {
		t.Fatalf("webhook signed with the new secret: %d %s", r.Status, r.Body)
	}
	// The plugin's new key now signs tokens the service accepts.
	tok, err := auth.Mint(priv, got.Kid, st.id, "7", auth.ScopeShopper, s.clock.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.get("/v1/me", tok); r.Status != 200 {
		t.Fatalf("token with connected key: %d %s", r.Status, r.Body)
	}
	if r := s.get("/v1/program", tok); r.Status != 200 {
		t.Fatalf("program: %d %s", r.Status, r.Body)
	}

	tests := []struct {
		name string
		body string
		want int
		code string
	}{
		{"reused", string(body), 409, "conflict"},
		{"malformed token", `{"token":"vafa1.???","public_key":"` + base64.StdEncoding.EncodeToString(pub) + `"}`, 400, "invalid"},
		{"wrong secret", `{"token":"` + authToken(st.StoreID, "nope") + `","public_key":"` + base64.StdEncoding.EncodeToString(pub) + `"}`, 401, "unauthorized"},
		{"short key", `{"token":"` + st.ConnectToken + `","public_key":"AAAA"}`, 400, "invalid"},
		{"not json", `token=x`, 400, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do("POST", "/v1/connect", []byte(tt.body), map[string]string{"Content-Type": "application/json"})
			if r.Status != tt.want || r.errorCode(t) != tt.code {
				t.Fatalf("status %d %s, want %d %s", r.Status, r.Body, tt.want, tt.code)
			}
		})
	}

	// An expired token is refused.
	out, err := s.cli("store", "connect-token", "--store", st.StoreID)
	if err != nil {
		t.Fatal(err)
	}
	var fresh struct {
		Token string `json:"connect_token"`
	}
	if err := json.Unmarshal([]byte(out), &fresh); err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(25 * time.Hour)
	body, _ = json.Marshal(map[string]string{"token": fresh.Token, "public_key": base64.StdEncoding.EncodeToString(pub)})
	if r := s.do("POST", "/v1/connect", body, nil); r.Status != 401 || r.errorCode(t) != "unauthorized" {
		t.Fatalf("expired token: %d %s", r.Status, r.Body)
	}
}

func authToken(store, secret string) string {
	return auth.ConnectToken{URL: "http://x", StoreID: store, Secret: secret}.Encode()
}

// TestKeysAreRevokedAndRotated: a reconnect revokes the plugin's earlier
// key; the plugin can add a key (both work during the switch) and revoke
// one; an operator can revoke from the command line.
func TestKeysAreRevokedAndRotated(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	connect := func(token string) (string, ed25519.PrivateKey) {
		t.Helper()
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		body, _ := json.Marshal(map[string]string{"token": token, "public_key": base64.StdEncoding.EncodeToString(pub)})
		r := s.do("POST", "/v1/connect", body, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("connect: %d %s", r.Status, r.Body)
		}
		var got struct {
			Kid string `json:"kid"`
		}
		r.json(t, &got)
		return got.Kid, priv
	}
	mint := func(kid string, priv ed25519.PrivateKey, scope string) string {
		tok, err := auth.Mint(priv, kid, st.id, "1", scope, s.clock.Now(), 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// Cached verdicts last at most the key cache's minute.
	expireCaches := func() { s.clock.Advance(61 * time.Second) }

	kid1, priv1 := connect(st.ConnectToken)
	old := mint(kid1, priv1, auth.ScopeAdmin)
	if r := s.get("/v1/program", old); r.Status != 200 {
		t.Fatalf("first key: %d", r.Status)
	}
	out, err := s.cli("store", "connect-token", "--store", st.StoreID)
	if err != nil {
		t.Fatal(err)
	}
	var ct struct {
		ConnectToken string `json:"connect_token"`
	}
	json.Unmarshal([]byte(out), &ct)
	kid2, priv2 := connect(ct.ConnectToken)
	expireCaches()
	if r := s.get("/v1/program", mint(kid1, priv1, auth.ScopeAdmin)); r.Status != http.StatusUnauthorized {
		t.Fatalf("the first key after a reconnect: %d, want 401", r.Status)
	}
	admin2 := mint(kid2, priv2, auth.ScopeAdmin)

	// Rotation from the plugin: add a key, both work, revoke the old one.
	pub3, priv3, _ := ed25519.GenerateKey(rand.Reader)
	r := s.do("POST", "/v1/admin/keys", []byte(`{"public_key":"`+base64.StdEncoding.EncodeToString(pub3)+`"}`),
		map[string]string{"Authorization": "Bearer " + admin2})
	if r.Status != http.StatusCreated {
		t.Fatalf("add key: %d %s", r.Status, r.Body)
	}
	var added struct {
		Kid string `json:"kid"`
	}
	r.json(t, &added)
	admin3 := mint(added.Kid, priv3, auth.ScopeAdmin)
	for _, tok := range []string{admin2, admin3} {
		if r := s.get("/v1/program", tok); r.Status != 200 {
			t.Fatalf("during the switch both keys work: %d", r.Status)
		}
	}
	if r := s.do("DELETE", "/v1/admin/keys/"+kid2, nil, map[string]string{"Authorization": "Bearer " + admin3}); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	// Revoked through the API: refused at once on this replica, even the
	// token verified (and cached) a moment ago.
	if r := s.get("/v1/program", admin2); r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked key: %d, want 401 at once", r.Status)
	}
	if r := s.do("DELETE", "/v1/admin/keys/nope", nil, map[string]string{"Authorization": "Bearer " + mint(added.Kid, priv3, auth.ScopeAdmin)}); r.Status != http.StatusNotFound {
		t.Fatalf("revoke unknown key: %d", r.Status)
	}
	// The operator's way.
	if _, err := s.cli("store", "revoke-key", "--store", st.StoreID, "--kid", added.Kid); err != nil {
		t.Fatal(err)
	}
	expireCaches()
	if r := s.get("/v1/program", mint(added.Kid, priv3, auth.ScopeAdmin)); r.Status != http.StatusUnauthorized {
		t.Fatalf("key revoked by the operator: %d, want 401", r.Status)
	}
}

// TestFailedAuthenticationIsRateLimited: a client that keeps failing gets
// 429 for a while, for bearer tokens and webhook signatures alike.
func TestFailedAuthenticationIsRateLimited(t *testing.T) {
	s := startServiceWith(t, map[string]string{"VAFA_AUTH_FAILURES": "5"})
	st := s.newStore()
	for i := 0; i < 5; i++ {
		if r := s.get("/v1/me", "not-a-token"); r.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i, r.Status)
		}
	}
	if r := s.get("/v1/me", "not-a-token"); r.Status != http.StatusTooManyRequests || r.errorCode(t) != "rate_limited" {
		t.Fatalf("after 5 failures: %d %s, want 429 rate_limited", r.Status, r.Body)
	}
	if r := s.webhook(st.StoreID, "wrong-secret", "order.updated", []byte(`{"id":1}`)); r.Status != http.StatusTooManyRequests {
		t.Fatalf("webhook from the same address: %d, want 429", r.Status)
	}
	s.clock.Advance(2 * time.Minute)
	if r := s.get("/v1/program", s.token(st, "1", auth.ScopeAdmin)); r.Status != http.StatusOK {
		t.Fatalf("after the window: %d", r.Status)
	}
}
