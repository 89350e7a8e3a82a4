package httpapi

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Small function-field fakes of the domain interfaces: handler tests check
// parsing, status mapping and rendering; the real stores are tested against
// MariaDB in internal/mysql and end to end in server/.

type fakeStores struct {
	store func(id loyalty.StoreID) (loyalty.Store, error)
}

var _ loyalty.Stores = (*fakeStores)(nil)

func (f *fakeStores) Store(_ context.Context, id loyalty.StoreID) (loyalty.Store, error) {
	return f.store(id)
}
func (f *fakeStores) PublicKey(context.Context, loyalty.StoreID, string) (ed25519.PublicKey, error) {
	return nil, loyalty.Errorf(loyalty.ENotFound, "no key")
}

type fakeLedger struct {
	balance func(store loyalty.StoreID, customer int64) (loyalty.Balance, error)
}

var _ loyalty.CustomerLedger = (*fakeLedger)(nil)

func (f *fakeLedger) Balance(_ context.Context, s loyalty.StoreID, c int64) (loyalty.Balance, error) {
	return f.balance(s, c)
}
func (f *fakeLedger) Activity(context.Context, loyalty.StoreID, int64, int64, int) ([]loyalty.Activity, error) {
	return []loyalty.Activity{}, nil
}
func (f *fakeLedger) Customer(context.Context, loyalty.StoreID, int64, int64, int) (loyalty.CustomerDetail, error) {
	return loyalty.CustomerDetail{}, loyalty.Errorf(loyalty.ENotFound, "customer not found")
}
func (f *fakeLedger) Adjust(context.Context, loyalty.StoreID, loyalty.Adjustment) (loyalty.Activity, loyalty.Balance, error) {
	return loyalty.Activity{}, loyalty.Balance{}, errors.New("connection refused to db at 10.0.0.3 with password hunter2")
}

type fakeVerifier struct{ p auth.Principal }

func (f fakeVerifier) Verify(_ context.Context, tok string) (auth.Principal, error) {
	if tok != "good" {
		return auth.Principal{}, loyalty.Errorf(loyalty.EUnauthorized, "invalid or expired token")
	}
	return f.p, nil
}

func newTestAPI(t *testing.T, ledger *fakeLedger, p auth.Principal) *gin.Engine {
	t.Helper()
	stores := &fakeStores{store: func(id loyalty.StoreID) (loyalty.Store, error) {
		if id != 1 {
			return loyalty.Store{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
		}
		return loyalty.Store{ID: 1, WebhookSecret: "s", Program: loyalty.DefaultProgram()}, nil
	}}
	h := New(Deps{Stores: stores, Ledger: ledger, Verifier: fakeVerifier{p}, Registry: prometheus.NewRegistry(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return h.(*gin.Engine)
}

func TestOpenAPIDocumentIsValidAndComplete(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	engine := newTestAPI(t, &fakeLedger{}, auth.Principal{})
	param := regexp.MustCompile(`:([a-z_]+)`)
	routes := map[string]bool{}
	for _, r := range engine.Routes() {
		path := param.ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + path
		routes[key] = true
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("route %s is not documented", key)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !routes[method+" "+path] {
				t.Errorf("documented %s %s is not served", method, path)
			}
		}
	}
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != 200 || rec.Body.String() != string(OpenAPI) {
		t.Fatalf("GET /openapi.json: %d", rec.Code)
	}
}

func TestHandlerErrors(t *testing.T) {
	ledger := &fakeLedger{balance: func(loyalty.StoreID, int64) (loyalty.Balance, error) {
		return loyalty.Balance{Available: -40, Pending: 5, Lifetime: 45}, nil
	}}
	shopper := newTestAPI(t, ledger, auth.Principal{StoreID: 1, Subject: "7", Scope: auth.ScopeShopper})
	admin := newTestAPI(t, ledger, auth.Principal{StoreID: 1, Subject: "2", Scope: auth.ScopeAdmin})
	tests := []struct {
		name   string
		engine *gin.Engine
		method string
		path   string
		body   string
		header map[string]string
		status int
		code   string
	}{
		{"no token", shopper, "GET", "/v1/me", "", nil, 401, "unauthorized"},
		{"bad token", shopper, "GET", "/v1/me", "", map[string]string{"Authorization": "Bearer bad"}, 401, "unauthorized"},
		{"basic auth is not bearer", shopper, "GET", "/v1/me", "", map[string]string{"Authorization": "Basic good"}, 401, "unauthorized"},
		{"bad limit", shopper, "GET", "/v1/me/activity?limit=1000", "", map[string]string{"Authorization": "Bearer good"}, 400, "invalid"},
		{"bad cursor", shopper, "GET", "/v1/me/activity?cursor=abc", "", map[string]string{"Authorization": "Bearer good"}, 400, "invalid"},
		{"shopper on admin", shopper, "GET", "/v1/admin/inbox", "", map[string]string{"Authorization": "Bearer good"}, 403, "forbidden"},
		{"bad inbox state", admin, "GET", "/v1/admin/inbox?state=weird", "", map[string]string{"Authorization": "Bearer good"}, 400, "invalid"},
		{"non-numeric customer", admin, "GET", "/v1/admin/customers/abc", "", map[string]string{"Authorization": "Bearer good"}, 404, "not_found"},
		{"internal error hides its cause", admin, "POST", "/v1/admin/customers/3/adjustments", `{"points":1,"reason":"x"}`,
			map[string]string{"Authorization": "Bearer good", "Idempotency-Key": "k"}, 500, "internal"},
		{"unknown route", shopper, "GET", "/v2/nothing", "", nil, 404, "not_found"},
		{"wrong method", shopper, "DELETE", "/v1/me", "", nil, 405, "invalid"},
		{"connect with empty body", shopper, "POST", "/v1/connect", "", nil, 400, "invalid"},
		{"connect body too large", shopper, "POST", "/v1/connect", `{"token":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413, "too_large"},
		{"webhook unknown store", shopper, "POST", "/webhooks/woocommerce/2", `{}`, nil, 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			tt.engine.ServeHTTP(rec, req)
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("body %q is not JSON", rec.Body)
			}
			if rec.Code != tt.status || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Fatalf("got %d %s, want %d %s", rec.Code, rec.Body, tt.status, tt.code)
			}
			if strings.Contains(rec.Body.String(), "hunter2") {
				t.Fatal("an internal error leaked its cause")
			}
		})
	}

	// Forbidden messages read as English: "an admin token", "a shopper token".
	for _, w := range []struct {
		engine *gin.Engine
		path   string
		want   string
	}{{shopper, "/v1/admin/inbox", "this endpoint needs an admin token"}, {admin, "/v1/me", "this endpoint needs a shopper token"}} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", w.path, nil)
		req.Header.Set("Authorization", "Bearer good")
		w.engine.ServeHTTP(rec, req)
		if rec.Code != 403 || !strings.Contains(rec.Body.String(), w.want) {
			t.Fatalf("GET %s: %d %s, want %q", w.path, rec.Code, rec.Body, w.want)
		}
	}

	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/v1/me", nil)
	req.Header.Set("Authorization", "Bearer good")
	shopper.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"available":-40`) || !strings.Contains(rec.Body.String(), `"available_value_minor":-40`) {
		t.Fatalf("GET /v1/me: %d %s", rec.Code, rec.Body)
	}
}

// TestPublicSurfaceTellsNothing: the unsigned ping is answered alike for
// known and unknown stores, and metrics are not on the public handler.
func TestPublicSurfaceTellsNothing(t *testing.T) {
	h := newTestAPI(t, &fakeLedger{}, auth.Principal{})
	for _, path := range []string{"/webhooks/woocommerce/1", "/webhooks/woocommerce/987654321"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", path, strings.NewReader("webhook_id=12"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.String() != `{"status":"ok"}` {
			t.Fatalf("ping to %s: %d %s, want exactly 200 ok", path, rec.Code, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 404 {
		t.Fatalf("GET /metrics on the public handler: %d, want 404", rec.Code)
	}
}

// TestInFlightCapAnswers503: past MaxInFlight, requests are refused at once
// with 503 instead of queueing behind a stalled database.
func TestInFlightCapAnswers503(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	ledger := &fakeLedger{balance: func(loyalty.StoreID, int64) (loyalty.Balance, error) {
		entered <- struct{}{}
		<-release
		return loyalty.Balance{}, nil
	}}
	stores := &fakeStores{store: func(id loyalty.StoreID) (loyalty.Store, error) {
		return loyalty.Store{ID: 1, Program: loyalty.DefaultProgram()}, nil
	}}
	h := New(Deps{Stores: stores, Ledger: ledger, Verifier: fakeVerifier{auth.Principal{StoreID: 1, Subject: "7", Scope: auth.ScopeShopper}},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxInFlight: 1})
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/v1/me", nil)
		req.Header.Set("Authorization", "Bearer good")
		h.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	<-entered
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/v1/me", nil)
	req.Header.Set("Authorization", "Bearer good")
	h.ServeHTTP(rec, req)
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), `"unavailable"`) {
		t.Fatalf("second request: %d %s, want 503 unavailable", rec.Code, rec.Body)
	}
	close(release)
	if code := <-done; code != 200 {
		t.Fatalf("first request: %d, want 200", code)
	}
}
