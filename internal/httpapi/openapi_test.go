package httpapi

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

// The tests in this file hold openapi.json to the code: the document is a
// valid OpenAPI 3 document, it describes exactly the routes New registers,
// it is what GET /openapi.json serves, and every documented response (each
// status of each operation) is produced by the real handlers with a body
// that validates against its schema, while no handler answers a status the
// document does not list.
//
// The fakes are prefixed spec* so they never collide with api_test.go's.
// Each is a function-field fake whose nil fields fall back to a harmless
// default, so a zero value is usable.

type specStores struct {
	store     func(id loyalty.StoreID) (loyalty.Store, error)
	publicKey func(id loyalty.StoreID, kid string) (ed25519.PublicKey, error)
}

var _ loyalty.Stores = (*specStores)(nil)

func (f *specStores) Store(_ context.Context, id loyalty.StoreID) (loyalty.Store, error) {
	if f == nil || f.store == nil {
		return loyalty.Store{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	return f.store(id)
}

func (f *specStores) PublicKey(_ context.Context, id loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
	if f == nil || f.publicKey == nil {
		return nil, loyalty.Errorf(loyalty.ENotFound, "key not found")
	}
	return f.publicKey(id, kid)
}

type specConnector struct {
	connect func(id loyalty.StoreID, secret string, pub ed25519.PublicKey) (string, error)
}

var _ loyalty.Connector = (*specConnector)(nil)

func (f *specConnector) Connect(_ context.Context, id loyalty.StoreID, secret string, pub ed25519.PublicKey) (string, error) {
	if f == nil || f.connect == nil {
		return "", loyalty.Errorf(loyalty.EUnauthorized, "the connection token is not valid")
	}
	return f.connect(id, secret, pub)
}

type specInbox struct {
	accept      func(m loyalty.InboxMessage) (int64, error)
	acceptBatch func(ms []loyalty.InboxMessage) error
	list        func(id loyalty.StoreID, state string, before int64, limit int) ([]loyalty.InboxRow, error)
	replay      func(id loyalty.StoreID, rowID int64) error
}

var _ loyalty.Inbox = (*specInbox)(nil)

func (f *specInbox) Accept(_ context.Context, m loyalty.InboxMessage) (int64, error) {
	if f == nil || f.accept == nil {
		return 0, nil
	}
	return f.accept(m)
}

func (f *specInbox) AcceptBatch(_ context.Context, ms []loyalty.InboxMessage) error {
	if f == nil || f.acceptBatch == nil {
		return nil
	}
	return f.acceptBatch(ms)
}

func (f *specInbox) List(_ context.Context, id loyalty.StoreID, state string, before int64, limit int) ([]loyalty.InboxRow, error) {
	if f == nil || f.list == nil {
		return []loyalty.InboxRow{}, nil
	}
	return f.list(id, state, before, limit)
}

func (f *specInbox) Replay(_ context.Context, id loyalty.StoreID, rowID int64) error {
	if f == nil || f.replay == nil {
		return loyalty.Errorf(loyalty.ENotFound, "inbox row not found")
	}
	return f.replay(id, rowID)
}

type specLedger struct {
	balance  func(id loyalty.StoreID, customerID int64) (loyalty.Balance, error)
	activity func(id loyalty.StoreID, customerID, before int64, limit int) ([]loyalty.Activity, error)
	customer func(id loyalty.StoreID, customerID, before int64, limit int) (loyalty.CustomerDetail, error)
	adjust   func(id loyalty.StoreID, customerID, points int64, reason, key, actor string) (loyalty.Activity, loyalty.Balance, error)
}

var _ loyalty.CustomerLedger = (*specLedger)(nil)

func (f *specLedger) Balance(_ context.Context, id loyalty.StoreID, customerID int64) (loyalty.Balance, error) {
	if f == nil || f.balance == nil {
		return loyalty.Balance{}, nil
	}
	return f.balance(id, customerID)
}

func (f *specLedger) Activity(_ context.Context, id loyalty.StoreID, customerID, before int64, limit int) ([]loyalty.Activity, error) {
	if f == nil || f.activity == nil {
		return []loyalty.Activity{}, nil
	}
	return f.activity(id, customerID, before, limit)
}

func (f *specLedger) Customer(_ context.Context, id loyalty.StoreID, customerID, before int64, limit int) (loyalty.CustomerDetail, error) {
	if f == nil || f.customer == nil {
		return loyalty.CustomerDetail{}, loyalty.Errorf(loyalty.ENotFound, "customer not found")
	}
	return f.customer(id, customerID, before, limit)
}

func (f *specLedger) Adjust(_ context.Context, id loyalty.StoreID, a loyalty.Adjustment) (loyalty.Activity, loyalty.Balance, error) {
	if f == nil || f.adjust == nil {
		return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "adjustments are not available")
	}
	return f.adjust(id, a.CustomerID, a.Points, a.Reason, a.Key, a.Actor)
}

type specVerifier struct {
	verify func(token string) (auth.Principal, error)
}

var _ Verifier = (*specVerifier)(nil)

func (f *specVerifier) Verify(_ context.Context, token string) (auth.Principal, error) {
	if f == nil || f.verify == nil {
		return auth.Principal{}, loyalty.Errorf(loyalty.EUnauthorized, "invalid or expired token")
	}
	return f.verify(token)
}

// specWorld is one engine's fakes; cases change them before the request.
type specWorld struct {
	stores   *specStores
	conn     *specConnector
	inbox    *specInbox
	ledger   *specLedger
	verifier *specVerifier
	ready    func(ctx context.Context) error
}

const specSecret = "whsec_test"

var errSpecDB = errors.New("db at 10.0.0.3 refused the connection")

// Tokens the fake verifier knows. Store 1 exists, store 2 does not, and
// reading store 3 fails.
var specPrincipals = map[string]auth.Principal{
	"shopper":         {StoreID: 1, Subject: "7", Scope: auth.ScopeShopper},
	"shopper-badsub":  {StoreID: 1, Subject: "wp-user", Scope: auth.ScopeShopper},
	"shopper-gone":    {StoreID: 2, Subject: "7", Scope: auth.ScopeShopper},
	"shopper-broken":  {StoreID: 3, Subject: "7", Scope: auth.ScopeShopper},
	"admin":           {StoreID: 1, Subject: "2", Scope: auth.ScopeAdmin},
	"admin-gonestore": {StoreID: 2, Subject: "2", Scope: auth.ScopeAdmin},
}

func newSpecWorld() *specWorld {
	paid := time.Date(2026, 11, 20, 9, 14, 3, 0, time.UTC)
	order := int64(5531)
	acts := []loyalty.Activity{
		{ID: 98231, Kind: loyalty.KindOrderEarn, OrderID: &order, PendingDelta: 40, CreatedAt: paid},
		{ID: 98190, Kind: loyalty.KindAdjustment, AvailableDelta: -75, Reason: "clawback", CreatedAt: paid.Add(-time.Hour)},
	}
	return &specWorld{
		stores: &specStores{store: func(id loyalty.StoreID) (loyalty.Store, error) {
			switch id {
			case 1:
				return loyalty.Store{ID: 1, Name: "Shop", WebhookSecret: specSecret, Program: loyalty.DefaultProgram()}, nil
			case 3:
				return loyalty.Store{}, errSpecDB
			}
			return loyalty.Store{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
		}},
		conn: &specConnector{connect: func(_ loyalty.StoreID, secret string, _ ed25519.PublicKey) (string, error) {
			switch secret {
			case "good":
				return "k4Fq9ZxT2mWb8LcR", nil
			case "used":
				return "", loyalty.Errorf(loyalty.EConflict, "the connection token was already used; create a new one")
			case "broken":
				return "", errSpecDB
			}
			return "", loyalty.Errorf(loyalty.EUnauthorized, "the connection token has expired; create a new one")
		}},
		inbox: &specInbox{
			accept: func(loyalty.InboxMessage) (int64, error) { return 77120, nil },
			list: func(loyalty.StoreID, string, int64, int) ([]loyalty.InboxRow, error) {
				return []loyalty.InboxRow{
					{ID: 77120, Topic: "order.updated", Source: "webhook", State: loyalty.InboxFlagged, Attempts: 1,
						LastError: "WooCommerce sent a REST error instead of a payload: woocommerce_rest_invalid_id", ReceivedAt: paid, ProcessedAt: &paid},
					{ID: 77119, Topic: "order.sync", Source: "sync", State: loyalty.InboxPending, ReceivedAt: paid},
				}, nil
			},
			replay: func(_ loyalty.StoreID, row int64) error {
				switch row {
				case 77120:
					return nil
				case 77119:
					return loyalty.Errorf(loyalty.EConflict, "only dead or flagged rows can be replayed; this one is pending")
				case 500:
					return errSpecDB
				}
				return loyalty.Errorf(loyalty.ENotFound, "inbox row not found")
			},
		},
		ledger: &specLedger{
			balance: func(_ loyalty.StoreID, c int64) (loyalty.Balance, error) {
				if c == 500 {
					return loyalty.Balance{}, errSpecDB
				}
				return loyalty.Balance{Available: -35, Pending: 40, Lifetime: 40}, nil
			},
			activity: func(_ loyalty.StoreID, _, _ int64, limit int) ([]loyalty.Activity, error) {
				return acts[:min(limit, len(acts))], nil
			},
			customer: func(_ loyalty.StoreID, c, _ int64, limit int) (loyalty.CustomerDetail, error) {
				switch c {
				case 7:
					return loyalty.CustomerDetail{Balance: loyalty.Balance{Available: -35, Pending: 40, Lifetime: 40},
						Email: "ana@example.com", Activity: acts[:min(limit, len(acts))]}, nil
				case 500:
					return loyalty.CustomerDetail{}, errSpecDB
				}
				return loyalty.CustomerDetail{}, loyalty.Errorf(loyalty.ENotFound, "customer %d not found", c)
			},
			adjust: func(store loyalty.StoreID, c, points int64, reason, key, actor string) (loyalty.Activity, loyalty.Balance, error) {
				switch {
				case store != 1:
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
				case c == 500:
					return loyalty.Activity{}, loyalty.Balance{}, errSpecDB
				case points == 0:
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "points must not be zero")
				case key == "":
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "an Idempotency-Key header of 1 to 150 characters is required")
				case key == "reused":
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EConflict, "idempotency key was already used with different inputs")
				}
				return loyalty.Activity{ID: 98232, Kind: loyalty.KindAdjustment, AvailableDelta: points, Reason: reason, CreatedAt: paid},
					loyalty.Balance{Available: -35 + points, Pending: 40, Lifetime: 40 + points}, nil
			},
		},
		verifier: &specVerifier{verify: func(tok string) (auth.Principal, error) {
			if p, ok := specPrincipals[tok]; ok {
				return p, nil
			}
			return auth.Principal{}, loyalty.Errorf(loyalty.EUnauthorized, "invalid or expired token")
		}},
		ready: func(context.Context) error { return nil },
	}
}

func (w *specWorld) engine(t *testing.T) *gin.Engine {
	t.Helper()
	h := New(Deps{
		Stores: w.stores, Connector: w.conn, Inbox: w.inbox, Ledger: w.ledger, Verifier: w.verifier,
		Ready: w.ready, PublicURL: "https://vafa.example/", Registry: prometheus.NewRegistry(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	e, ok := h.(*gin.Engine)
	if !ok {
		t.Fatalf("New returned %T, want *gin.Engine", h)
	}
	return e
}

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

var ginParam = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// servedOperations lists "METHOD /path/{param}" for every route of e.
func servedOperations(e *gin.Engine) map[string]bool {
	out := map[string]bool{}
	for _, r := range e.Routes() {
		out[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	return out
}

// documentedOperations lists "METHOD /path/{param}" for every operation of doc.
func documentedOperations(doc *openapi3.T) map[string]bool {
	out := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out[method+" "+path] = true
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestOpenAPISpecIsValid(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	scheme := doc.Components.SecuritySchemes["bearerAuth"]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" || scheme.Value.BearerFormat != "JWT" {
		t.Errorf("bearerAuth must be an HTTP bearer JWT scheme")
	}
	for _, claim := range []string{"iss", "aud", "sub", "scope", "exp", "kid", "EdDSA", "15 minutes"} {
		if scheme != nil && !strings.Contains(scheme.Value.Description, claim) {
			t.Errorf("bearerAuth description does not mention %s", claim)
		}
	}

	// The Error code enum is exactly the loyalty error vocabulary.
	codes := []string{loyalty.EInvalid, loyalty.ENotFound, loyalty.EConflict, loyalty.EUnauthorized,
		loyalty.EForbidden, loyalty.EInsufficient, loyalty.ETooLarge, loyalty.EInternal}
	errSchema := doc.Components.Schemas["Error"]
	if errSchema == nil {
		t.Fatal("components.schemas.Error is missing")
	}
	var enum []string
	for _, v := range errSchema.Value.Properties["error"].Value.Properties["code"].Value.Enum {
		enum = append(enum, v.(string))
	}
	if !slices.Equal(slices.Sorted(slices.Values(enum)), slices.Sorted(slices.Values(codes))) {
		t.Errorf("Error.code enum = %v, want the codes of internal/loyalty/errors.go %v", enum, codes)
	}

	// Every error response (but /readyz's 503) uses the Error schema, at a
	// status some code maps to; every secured operation documents 401.
	statuses := map[int]bool{}
	for _, c := range codes {
		statuses[statusOf(c)] = true
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, r := range op.Responses.Map() {
				n, err := strconv.Atoi(status)
				if err != nil || n < 400 || path == "/readyz" {
					continue
				}
				if !statuses[n] {
					t.Errorf("%s %s documents %d, which no error code maps to", method, path, n)
				}
				mt := r.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Error" {
					t.Errorf("%s %s %d does not use the Error schema", method, path, n)
				}
			}
			if op.Security != nil && len(*op.Security) > 0 && op.Responses.Status(401) == nil {
				t.Errorf("%s %s needs a bearer token but does not document 401", method, path)
			}
		}
	}
}

func TestOpenAPISpecMatchesRoutes(t *testing.T) {
	doc := loadSpec(t)
	served := servedOperations(newSpecWorld().engine(t))
	documented := documentedOperations(doc)
	for _, op := range sortedKeys(served) {
		if !documented[op] {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for _, op := range sortedKeys(documented) {
		if !served[op] {
			t.Errorf("openapi.json documents %s, which New does not register", op)
		}
	}
	if len(served) != 13 {
		t.Errorf("New registers %d routes, want 13: update this test and openapi.json together", len(served))
	}
}

func TestOpenAPISpecIsServed(t *testing.T) {
	rec := httptest.NewRecorder()
	newSpecWorld().engine(t).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.json: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET /openapi.json: Content-Type %q", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), OpenAPI) || len(OpenAPI) < 100 {
		t.Fatalf("GET /openapi.json does not serve the embedded document (%d bytes)", rec.Body.Len())
	}
	if _, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes()); err != nil {
		t.Fatalf("served document does not load: %v", err)
	}
}

type specCase struct {
	name   string
	method string
	target string
	header map[string]string
	body   string
	setup  func(w *specWorld)
	status int
}

func specBearer(tok string, more ...string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + tok}
	for i := 0; i+1 < len(more); i += 2 {
		h[more[i]] = more[i+1]
	}
	return h
}

func specSigned(body, topic string) map[string]string {
	h := map[string]string{
		"Content-Type":             "application/json",
		"X-WC-Webhook-Signature":   woocommerce.Sign(specSecret, []byte(body)),
		"X-WC-Webhook-ID":          "3",
		"X-WC-Webhook-Delivery-ID": "c0ffee",
	}
	if topic != "" {
		h["X-WC-Webhook-Topic"] = topic
	}
	return h
}

func specCases() []specCase {
	const order = `{"id":5531,"status":"processing","currency":"USD","customer_id":7,"total":"54.00","total_tax":"4.00",` +
		`"shipping_total":"5.00","date_modified_gmt":"2026-11-20T09:14:03","date_paid_gmt":null,"billing":{"email":"Ana@example.com"},` +
		`"refunds":[{"id":9,"total":"-10.00"}],"meta_data":[{"id":1,"key":"_vafa_ref","value":"abc"}],"line_items":[]}`
	pub := base64.StdEncoding.EncodeToString(make([]byte, ed25519.PublicKeySize))
	connect := func(store, secret string) string {
		tok := auth.ConnectToken{URL: "https://vafa.example", StoreID: store, Secret: secret}.Encode()
		return `{"token":"` + tok + `","public_key":"` + pub + `","site_url":"https://shop.example"}`
	}
	js := map[string]string{"Content-Type": "application/json"}
	bigWebhook := `{"id":1,"pad":"` + strings.Repeat("x", MaxWebhookBody) + `"}`
	bigSync := `{"orders":[{"id":1,"pad":"` + strings.Repeat("x", MaxSyncBody) + `"}]}`
	failAccept := func(w *specWorld) {
		w.inbox.accept = func(loyalty.InboxMessage) (int64, error) { return 0, errSpecDB }
	}
	failLists := func(w *specWorld) {
		w.inbox.list = func(loyalty.StoreID, string, int64, int) ([]loyalty.InboxRow, error) { return nil, errSpecDB }
		w.ledger.activity = func(loyalty.StoreID, int64, int64, int) ([]loyalty.Activity, error) { return nil, errSpecDB }
		w.inbox.acceptBatch = func([]loyalty.InboxMessage) error { return errSpecDB }
	}
	adminJS := specBearer("admin", "Content-Type", "application/json")
	return []specCase{
		{"healthz", "GET", "/healthz", nil, "", nil, 200},
		{"ready", "GET", "/readyz", nil, "", nil, 200},
		{"not ready", "GET", "/readyz", nil, "", func(w *specWorld) {
			w.ready = func(context.Context) error { return errSpecDB }
		}, 503},
		{"openapi", "GET", "/openapi.json", nil, "", nil, 200},

		{"ping", "POST", "/webhooks/woocommerce/1", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "webhook_id=3", nil, 200},
		{"order delivery", "POST", "/webhooks/woocommerce/1", specSigned(order, "order.updated"), order, nil, 202},
		{"refund delivery", "POST", "/webhooks/woocommerce/1", specSigned(`{"action":"woocommerce_order_refunded","arg":5531}`, "action.woocommerce_order_refunded"),
			`{"action":"woocommerce_order_refunded","arg":5531}`, nil, 202},
		{"REST error body is stored", "POST", "/webhooks/woocommerce/1", specSigned(`{"code":"woocommerce_rest_invalid_id"}`, "order.updated"),
			`{"code":"woocommerce_rest_invalid_id"}`, nil, 202},
		{"signed without topic", "POST", "/webhooks/woocommerce/1", specSigned(order, ""), order, nil, 400},
		{"bad signature", "POST", "/webhooks/woocommerce/1", map[string]string{"X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": "AAAA"}, order, nil, 401},
		{"unsigned", "POST", "/webhooks/woocommerce/1", map[string]string{"X-WC-Webhook-Topic": "order.updated"}, order, nil, 401},
		{"unknown store", "POST", "/webhooks/woocommerce/2", specSigned(order, "order.updated"), order, nil, 404},
		{"non-numeric store", "POST", "/webhooks/woocommerce/abc", specSigned(order, "order.updated"), order, nil, 404},
		{"webhook too large", "POST", "/webhooks/woocommerce/1", specSigned(bigWebhook, "order.updated"), bigWebhook, nil, 413},
		{"store read fails", "POST", "/webhooks/woocommerce/3", specSigned(order, "order.updated"), order, nil, 500},
		{"inbox write fails", "POST", "/webhooks/woocommerce/1", specSigned(order, "order.updated"), order, failAccept, 500},

		{"connect", "POST", "/v1/connect", js, connect("1", "good"), nil, 200},
		{"connect empty", "POST", "/v1/connect", js, "", nil, 400},
		{"connect unknown field", "POST", "/v1/connect", js, `{"token":"x","public_key":"y","extra":1}`, nil, 400},
		{"connect bad key", "POST", "/v1/connect", js, strings.Replace(connect("1", "good"), pub, "c2hvcnQ=", 1), nil, 400},
		{"connect malformed token", "POST", "/v1/connect", js, `{"token":"nope","public_key":"` + pub + `"}`, nil, 400},
		{"connect expired", "POST", "/v1/connect", js, connect("1", "old"), nil, 401},
		{"connect unknown store", "POST", "/v1/connect", js, connect("2", "good"), nil, 401},
		{"connect used", "POST", "/v1/connect", js, connect("1", "used"), nil, 409},
		{"connect too large", "POST", "/v1/connect", js, `{"token":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"connect fails", "POST", "/v1/connect", js, connect("1", "broken"), nil, 500},

		{"program as shopper", "GET", "/v1/program", specBearer("shopper"), "", nil, 200},
		{"program as admin", "GET", "/v1/program", specBearer("admin"), "", nil, 200},
		{"program without token", "GET", "/v1/program", nil, "", nil, 401},
		{"program store gone", "GET", "/v1/program", specBearer("shopper-gone"), "", nil, 404},
		{"program store read fails", "GET", "/v1/program", specBearer("shopper-broken"), "", nil, 500},

		{"me", "GET", "/v1/me", specBearer("shopper"), "", nil, 200},
		{"me bad token", "GET", "/v1/me", specBearer("forged"), "", nil, 401},
		{"me subject not a customer", "GET", "/v1/me", specBearer("shopper-badsub"), "", nil, 401},
		{"me as admin", "GET", "/v1/me", specBearer("admin"), "", nil, 403},
		{"me store gone", "GET", "/v1/me", specBearer("shopper-gone"), "", nil, 404},
		{"me ledger fails", "GET", "/v1/me", specBearer("shopper"), "", func(w *specWorld) {
			w.verifier.verify = func(string) (auth.Principal, error) {
				return auth.Principal{StoreID: 1, Subject: "500", Scope: auth.ScopeShopper}, nil
			}
		}, 500},

		{"activity", "GET", "/v1/me/activity?limit=2", specBearer("shopper"), "", nil, 200},
		{"activity last page", "GET", "/v1/me/activity?limit=20&cursor=98190", specBearer("shopper"), "", nil, 200},
		{"activity empty", "GET", "/v1/me/activity", specBearer("shopper"), "", func(w *specWorld) { w.ledger.activity = nil }, 200},
		{"activity bad limit", "GET", "/v1/me/activity?limit=0", specBearer("shopper"), "", nil, 400},
		{"activity bad cursor", "GET", "/v1/me/activity?cursor=-4", specBearer("shopper"), "", nil, 400},
		{"activity no token", "GET", "/v1/me/activity", nil, "", nil, 401},
		{"activity as admin", "GET", "/v1/me/activity", specBearer("admin"), "", nil, 403},
		{"activity fails", "GET", "/v1/me/activity", specBearer("shopper"), "", failLists, 500},

		{"customer", "GET", "/v1/admin/customers/7?limit=1", specBearer("admin"), "", nil, 200},
		{"customer bad cursor", "GET", "/v1/admin/customers/7?cursor=x", specBearer("admin"), "", nil, 400},
		{"customer no token", "GET", "/v1/admin/customers/7", nil, "", nil, 401},
		{"customer as shopper", "GET", "/v1/admin/customers/7", specBearer("shopper"), "", nil, 403},
		{"customer bad id", "GET", "/v1/admin/customers/abc", specBearer("admin"), "", nil, 404},
		{"customer unknown", "GET", "/v1/admin/customers/8", specBearer("admin"), "", nil, 404},
		{"customer fails", "GET", "/v1/admin/customers/500", specBearer("admin"), "", nil, 500},

		{"adjust", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Content-Type", "application/json", "Idempotency-Key", "k1"),
			`{"points":-50,"reason":"clawback"}`, nil, 201},
		{"adjust zero", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":0,"reason":"x"}`, nil, 400},
		{"adjust without key", "POST", "/v1/admin/customers/7/adjustments", adminJS, `{"points":5,"reason":"x"}`, nil, 400},
		{"adjust unknown field", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":5,"reason":"x","actor":"me"}`, nil, 400},
		{"adjust points not integer", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":"5","reason":"x"}`, nil, 400},
		{"adjust no token", "POST", "/v1/admin/customers/7/adjustments", nil, `{"points":5,"reason":"x"}`, nil, 401},
		{"adjust as shopper", "POST", "/v1/admin/customers/7/adjustments", specBearer("shopper", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 403},
		{"adjust bad id", "POST", "/v1/admin/customers/0/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 404},
		{"adjust store gone", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin-gonestore", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 404},
		{"adjust key reused", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "reused"), `{"points":5,"reason":"x"}`, nil, 409},
		{"adjust too large", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"),
			`{"points":5,"reason":"` + strings.Repeat("x", MaxJSONBody) + `"}`, nil, 413},
		{"adjust fails", "POST", "/v1/admin/customers/500/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 500},

		{"inbox", "GET", "/v1/admin/inbox?state=flagged&limit=2", specBearer("admin"), "", nil, 200},
		{"inbox all states", "GET", "/v1/admin/inbox", specBearer("admin"), "", nil, 200},
		{"inbox bad state", "GET", "/v1/admin/inbox?state=weird", specBearer("admin"), "", nil, 400},
		{"inbox bad limit", "GET", "/v1/admin/inbox?limit=101", specBearer("admin"), "", nil, 400},
		{"inbox no token", "GET", "/v1/admin/inbox", nil, "", nil, 401},
		{"inbox as shopper", "GET", "/v1/admin/inbox", specBearer("shopper"), "", nil, 403},
		{"inbox fails", "GET", "/v1/admin/inbox", specBearer("admin"), "", failLists, 500},

		{"replay", "POST", "/v1/admin/inbox/77120/replay", specBearer("admin"), "", nil, 202},
		{"replay no token", "POST", "/v1/admin/inbox/77120/replay", nil, "", nil, 401},
		{"replay as shopper", "POST", "/v1/admin/inbox/77120/replay", specBearer("shopper"), "", nil, 403},
		{"replay unknown", "POST", "/v1/admin/inbox/1/replay", specBearer("admin"), "", nil, 404},
		{"replay bad id", "POST", "/v1/admin/inbox/x1/replay", specBearer("admin"), "", nil, 404},
		{"replay pending row", "POST", "/v1/admin/inbox/77119/replay", specBearer("admin"), "", nil, 409},
		{"replay fails", "POST", "/v1/admin/inbox/500/replay", specBearer("admin"), "", nil, 500},

		{"sync", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[` + order + `,{"id":5532,"status":"completed"}]}`, nil, 202},
		{"sync empty", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[]}`, nil, 400},
		{"sync without id", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[{"status":"completed"}]}`, nil, 400},
		{"sync too many", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[` + strings.Repeat(`{"id":1},`, MaxSyncOrders) + `{"id":1}]}`, nil, 400},
		{"sync no token", "POST", "/v1/admin/orders/sync", nil, `{"orders":[{"id":1}]}`, nil, 401},
		{"sync as shopper", "POST", "/v1/admin/orders/sync", specBearer("shopper"), `{"orders":[{"id":1}]}`, nil, 403},
		{"sync too large", "POST", "/v1/admin/orders/sync", adminJS, bigSync, nil, 413},
		{"sync fails", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[{"id":1}]}`, failLists, 500},
	}
}

// TestOpenAPISpecDescribesResponses runs requests through the real handlers
// and validates each response against the document: its status must be
// documented for the operation and its body must match the schema. Successful
// requests must also validate as requests. Finally every documented
// operation and status must have been produced by some case, so the document
// lists no status the code cannot return.
func TestOpenAPISpecDescribesResponses(t *testing.T) {
	doc := loadSpec(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	newReq := func(tc specCase) *http.Request {
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		return req
	}

	seen := map[string]bool{} // "METHOD /path status"
	for _, tc := range specCases() {
		t.Run(tc.name, func(t *testing.T) {
			w := newSpecWorld()
			if tc.setup != nil {
				tc.setup(w)
			}
			rec := httptest.NewRecorder()
			w.engine(t).ServeHTTP(rec, newReq(tc))
			if rec.Code != tc.status {
				t.Fatalf("%s %s: status %d, want %d; body %.300s", tc.method, tc.target, rec.Code, tc.status, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "10.0.0.3") {
				t.Fatalf("an internal error leaked its cause: %s", rec.Body)
			}
			req := newReq(tc)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("%s %s is not in openapi.json: %v", tc.method, tc.target, err)
			}
			seen[routeKey(route)+" "+strconv.Itoa(rec.Code)] = true
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if rec.Code < 300 {
				if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
					t.Errorf("a request the service accepts does not validate against openapi.json: %v", err)
				}
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
			out.SetBodyBytes(rec.Body.Bytes())
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response %d %.300s does not match openapi.json: %v", rec.Code, rec.Body, err)
			}
		})
	}

	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, status := range sortedKeys(op.Responses.Map()) {
				if k := method + " " + path + " " + status; !seen[k] {
					t.Errorf("no case produces documented response %s: add one, or drop the status from openapi.json", k)
				}
			}
		}
	}
}

func routeKey(r *routers.Route) string { return r.Method + " " + r.Path }
