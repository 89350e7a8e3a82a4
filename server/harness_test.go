package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/testdb"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

// clock is a settable test clock that starts at the real time, so tokens
// minted now are valid, and only moves forward when a test says so.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.off)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// storeCreds is what `vafa store create` prints.
type storeCreds struct {
	StoreID       string `json:"store_id"`
	WebhookSecret string `json:"webhook_secret"`
	Kid           string `json:"kid"`
	PrivateKey    string `json:"private_key"`
	ConnectToken  string `json:"connect_token"`
	priv          ed25519.PrivateKey
	id            int64
}

// service is a running `vafa serve` started through run, as main starts it,
// on a fresh database and a loopback port.
type service struct {
	t     *testing.T
	base  string
	env   Env
	clock *clock
	stop  context.CancelFunc
	done  chan error
	http  *http.Client
	dsn   string
}

// sql opens the service's database for a test's direct checks.
func (s *service) sql() *sql.DB {
	s.t.Helper()
	db, err := sql.Open("mysql", s.dsn)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { db.Close() })
	return db
}

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Helper()
	if testing.Verbose() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// startService starts the service on a fresh database.
func startService(t *testing.T) *service { return startServiceWith(t, nil) }

// startServiceWith starts the service with extra VAFA_* variables.
func startServiceWith(t *testing.T, extra map[string]string) *service {
	t.Helper()
	dsn := testdb.DSN(t)
	c := &clock{}
	vars := map[string]string{
		"VAFA_MYSQL_DSN":       dsn,
		"VAFA_ADDR":            "127.0.0.1:0",
		"VAFA_WORKERS":         "4",
		"VAFA_MATURE_INTERVAL": "50ms",
		"VAFA_LOG_LEVEL":       "warn",
	}
	for k, v := range extra {
		vars[k] = v
	}
	dsn = vars["VAFA_MYSQL_DSN"] // a test may run the service on a database of its own
	s := &service{t: t, clock: c, done: make(chan error, 1), http: &http.Client{Timeout: 10 * time.Second}, dsn: dsn}
	ready := make(chan string, 1)
	s.env = Env{Getenv: envFrom(vars), Stdout: io.Discard, Stderr: testLog{t}, Clock: c.Now,
		Ready: func(addr string) { ready <- addr }}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go func() { s.done <- run(ctx, []string{"serve"}, s.env) }()
	select {
	case addr := <-ready:
		s.base = "http://" + addr
	case err := <-s.done:
		t.Fatalf("serve exited: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start in 30s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop in 30s")
		}
	})
	return s
}

// cli runs a vafa subcommand against the service's database and returns stdout.
func (s *service) cli(args ...string) (string, error) {
	var out bytes.Buffer
	env := s.env
	env.Stdout, env.Ready = &out, nil
	err := run(context.Background(), args, env)
	return out.String(), err
}

// newStore creates a store with extra `store create` flags.
func (s *service) newStore(flags ...string) *storeCreds {
	s.t.Helper()
	out, err := s.cli(append([]string{"store", "create", "--name", "Test Shop", "--url", "https://shop.test/"}, flags...)...)
	if err != nil {
		s.t.Fatalf("store create: %v", err)
	}
	var c storeCreds
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		s.t.Fatalf("store create output %q: %v", out, err)
	}
	raw, err := base64.StdEncoding.DecodeString(c.PrivateKey)
	if err != nil || len(raw) != ed25519.PrivateKeySize {
		s.t.Fatalf("store create printed a bad private key")
	}
	c.priv = ed25519.PrivateKey(raw)
	c.id, _ = strconv.ParseInt(c.StoreID, 10, 64)
	return &c
}

// audit runs `vafa audit` and fails the test on any violation.
func (s *service) audit() {
	s.t.Helper()
	out, err := s.cli("audit")
	if err != nil {
		s.t.Fatalf("audit failed: %v\n%s", err, out)
	}
}

type response struct {
	Status int
	Body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d %q is not JSON: %v", r.Status, r.Body, err)
	}
}

// errorCode returns the code of a JSON error body, failing when it is not one.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	r.json(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("response %d %q is not a JSON error", r.Status, r.Body)
	}
	return e.Error.Code
}

func (s *service) do(method, path string, body []byte, headers map[string]string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := s.http.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: b}
}

// webhook delivers body as WooCommerce would, signed with secret.
func (s *service) webhook(storeID, secret, topic string, body []byte) response {
	s.t.Helper()
	return s.do("POST", "/webhooks/woocommerce/"+storeID, body, map[string]string{
		"Content-Type":             "application/json",
		"User-Agent":               "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)",
		"X-WC-Webhook-Source":      "https://shop.test/",
		"X-WC-Webhook-Topic":       topic,
		"X-WC-Webhook-Resource":    strings.SplitN(topic, ".", 2)[0],
		"X-WC-Webhook-Event":       strings.SplitN(topic, ".", 2)[len(strings.SplitN(topic, ".", 2))-1],
		"X-WC-Webhook-Signature":   woocommerce.Sign(secret, body),
		"X-WC-Webhook-ID":          "11",
		"X-WC-Webhook-Delivery-ID": "0123456789abcdef0123456789abcdef",
	})
}

// deliver sends a signed webhook for the store and requires 202.
func (s *service) deliver(st *storeCreds, topic string, body []byte) {
	s.t.Helper()
	if r := s.webhook(st.StoreID, st.WebhookSecret, topic, body); r.Status != http.StatusAccepted {
		s.t.Fatalf("webhook %s: status %d %s", topic, r.Status, r.Body)
	}
}

func (s *service) token(st *storeCreds, sub, scope string) string {
	s.t.Helper()
	tok, err := auth.Mint(st.priv, st.Kid, st.id, sub, scope, s.clock.Now(), 5*time.Minute)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

func (s *service) get(path, token string) response {
	s.t.Helper()
	return s.do("GET", path, nil, map[string]string{"Authorization": "Bearer " + token})
}

type balance struct {
	CustomerID          string `json:"customer_id"`
	Available           int64  `json:"available"`
	Pending             int64  `json:"pending"`
	Lifetime            int64  `json:"lifetime"`
	AvailableValueMinor int64  `json:"available_value_minor"`
}

// balance reads GET /v1/me for the customer after the inbox has drained.
func (s *service) balance(st *storeCreds, customer int64) balance {
	s.t.Helper()
	s.drain(st)
	r := s.get("/v1/me", s.token(st, strconv.FormatInt(customer, 10), auth.ScopeShopper))
	if r.Status != http.StatusOK {
		s.t.Fatalf("GET /v1/me: %d %s", r.Status, r.Body)
	}
	var b balance
	r.json(s.t, &b)
	return b
}

func (s *service) requireBalance(st *storeCreds, customer int64, available, pending int64) balance {
	s.t.Helper()
	b := s.balance(st, customer)
	if b.Available != available || b.Pending != pending {
		s.t.Fatalf("customer %d: available %d pending %d, want available %d pending %d", customer, b.Available, b.Pending, available, pending)
	}
	return b
}

type inboxItem struct {
	ID        string `json:"id"`
	Topic     string `json:"topic"`
	State     string `json:"state"`
	LastError string `json:"last_error"`
}

func (s *service) inbox(st *storeCreds, state string) []inboxItem {
	s.t.Helper()
	r := s.get("/v1/admin/inbox?limit=100&state="+state, s.token(st, "1", auth.ScopeAdmin))
	if r.Status != http.StatusOK {
		s.t.Fatalf("GET inbox: %d %s", r.Status, r.Body)
	}
	var out struct {
		Items []inboxItem `json:"items"`
	}
	r.json(s.t, &out)
	return out.Items
}

// drain waits until the store has no pending inbox rows.
func (s *service) drain(st *storeCreds) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if len(s.inbox(st, "pending")) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("inbox still has pending rows after 30s: %+v", s.inbox(st, "pending"))
}

type activity struct {
	ID             string  `json:"id"`
	Kind           string  `json:"kind"`
	OrderID        *string `json:"order_id"`
	AvailableDelta int64   `json:"available_delta"`
	PendingDelta   int64   `json:"pending_delta"`
	Reason         string  `json:"reason"`
}

func (s *service) activity(st *storeCreds, customer int64) []activity {
	s.t.Helper()
	s.drain(st)
	r := s.get("/v1/me/activity?limit=100", s.token(st, strconv.FormatInt(customer, 10), auth.ScopeShopper))
	if r.Status != http.StatusOK {
		s.t.Fatalf("GET activity: %d %s", r.Status, r.Body)
	}
	var out struct {
		Items []activity `json:"items"`
	}
	r.json(s.t, &out)
	return out.Items
}

// order is a WooCommerce REST v3 order payload builder with realistic fields.
type order struct {
	ID       int64
	Status   string
	Customer int64
	Email    string
	Currency string
	Total    string
	Tax      string
	Shipping string
	Refunds  []string // negative strings, as WooCommerce sends them
	Modified time.Time
	Meta     map[string]string
	Coupons  map[string]string // code -> discount, as WooCommerce's coupon_lines carry them
	Name     string            // billing first name ("Sara" when empty)
	Phone    string            // billing phone
	Address  string            // billing address_1 ("1 Main St" when empty)
	Lines    []line            // line items (one 45.00 saffron line when empty)
}

// line is one line item: a product, its quantity, its total without tax
// and the categories the plugin adds (vafa_categories).
type line struct {
	Product     int64
	Quantity    int
	Total       string
	Categories  []int64
	Refunded    string // the plugin's vafa_refunded ("" for none sent)
	RefundedQty int
}

func usd(id, customer int64, status string, modified time.Time) order {
	return order{ID: id, Status: status, Customer: customer, Email: fmt.Sprintf("shopper%d@example.com", customer),
		Currency: "USD", Total: "54.00", Tax: "4.00", Shipping: "5.00", Modified: modified}
}

func (o order) JSON() []byte {
	refunds := make([]map[string]any, 0, len(o.Refunds))
	for i, r := range o.Refunds {
		refunds = append(refunds, map[string]any{"id": 9000 + i, "reason": "", "total": r})
	}
	meta := []map[string]any{{"id": 1, "key": "_wc_order_attribution_source_type", "value": "typein"}}
	for k, v := range o.Meta {
		meta = append(meta, map[string]any{"id": len(meta) + 1, "key": k, "value": v})
	}
	mod := o.Modified.UTC().Format("2006-01-02T15:04:05")
	var paid any
	if o.Status == "processing" || o.Status == "completed" {
		paid = mod
	}
	body := map[string]any{
		"id": o.ID, "parent_id": 0, "status": o.Status, "currency": o.Currency, "version": "10.0.2",
		"prices_include_tax": false, "date_created": mod, "date_created_gmt": mod, "date_modified": mod,
		"date_modified_gmt": mod, "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": o.Shipping,
		"shipping_tax": "0.00", "cart_tax": o.Tax, "total": o.Total, "total_tax": o.Tax, "customer_id": o.Customer,
		"order_key": fmt.Sprintf("wc_order_%d", o.ID),
		"billing": map[string]any{"first_name": or(o.Name, "Sara"), "last_name": "Ahmadi", "email": o.Email, "phone": o.Phone,
			"address_1": or(o.Address, "1 Main St"), "city": "Tehran", "country": "IR"},
		"shipping":       map[string]any{"first_name": "Sara", "last_name": "Ahmadi", "address_1": "1 Main St"},
		"payment_method": "cod", "payment_method_title": "Cash on delivery", "transaction_id": "",
		"customer_note": "", "date_paid": paid, "date_paid_gmt": paid, "date_completed": nil, "date_completed_gmt": nil,
		"cart_hash": "abc", "meta_data": meta,
		"line_items": lineItems(o),
		"tax_lines":  []any{}, "shipping_lines": []any{}, "fee_lines": []any{}, "coupon_lines": couponLines(o.Coupons),
		"refunds": refunds, "set_paid": false, "currency_symbol": "$",
	}
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return wpJSON(b)
}

func lineItems(o order) []map[string]any {
	if len(o.Lines) == 0 {
		return []map[string]any{{"id": 1, "name": "Saffron / زعفران", "product_id": 15, "variation_id": 0,
			"quantity": 1, "tax_class": "", "subtotal": "45.00", "subtotal_tax": o.Tax, "total": "45.00", "total_tax": o.Tax,
			"taxes": []map[string]any{{"id": 1, "total": o.Tax, "subtotal": o.Tax}}, "meta_data": []any{}, "sku": "SAF-1", "price": 45}}
	}
	out := make([]map[string]any, 0, len(o.Lines))
	for i, l := range o.Lines {
		item := map[string]any{"id": i + 1, "name": fmt.Sprintf("Product %d", l.Product), "product_id": l.Product, "variation_id": 0,
			"quantity": l.Quantity, "tax_class": "", "subtotal": l.Total, "subtotal_tax": "0.00", "total": l.Total, "total_tax": "0.00",
			"taxes": []any{}, "meta_data": []any{}, "sku": "", "price": 0}
		if l.Categories != nil {
			item["vafa_categories"] = l.Categories
		}
		if l.Refunded != "" {
			item["vafa_refunded"], item["vafa_refunded_qty"] = l.Refunded, l.RefundedQty
		}
		out = append(out, item)
	}
	return out
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func couponLines(m map[string]string) []map[string]any {
	out := []map[string]any{}
	for code, discount := range m {
		out = append(out, map[string]any{"id": 500 + len(out), "code": strings.ToLower(code), "discount": discount,
			"discount_tax": "0", "discount_type": "fixed_cart", "nominal_amount": 10, "free_shipping": false, "meta_data": []any{}})
	}
	return out
}

// wpJSON re-encodes Go's JSON the way wp_json_encode writes it: "/" as "\/"
// and non-ASCII as \uXXXX escapes (UTF-16 surrogate pairs above the BMP).
func wpJSON(b []byte) []byte {
	var out bytes.Buffer
	for _, r := range string(b) {
		switch {
		case r == '/':
			out.WriteString(`\/`)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		case r > 127:
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.WriteRune(r)
		}
	}
	return out.Bytes()
}
