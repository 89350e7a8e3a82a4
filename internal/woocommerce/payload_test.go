package woocommerce

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeRealisticOrders(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		topic    string
		exponent int
		want     loyalty.OrderSnapshot
		restored bool
		points   int64 // at 1 point per currency unit (per 10,000 for IRR)
	}{
		{
			name: "WooCommerce 7.9 order with unrounded tax, coupon_data and a zero refund", file: "order-7.9.json",
			topic: TopicOrderUpdated, exponent: 2,
			want: loyalty.OrderSnapshot{
				OrderID: 727, Status: "processing", Currency: "USD", CustomerID: 12, Email: "ali.rezaei@example.com",
				Total: 5495, TotalTax: 214, ShippingTotal: 500, Refunded: 1188,
				DateModified: time.Date(2023, 8, 1, 8, 33, 45, 0, time.UTC),
				DatePaid:     time.Date(2023, 8, 1, 8, 33, 45, 0, time.UTC),
				Meta:         map[string]string{"_vafa_referral": "AMIR-7Q", "is_vat_exempt": "no"},
				Coupons:      []string{"yalda"},
				FirstName:    "Ali", Address: "enghelabsq||tehran||ir|",
				Lines: []loyalty.OrderLine{{ProductID: 15, Quantity: 2, Net: 4985}},
			},
			// net 47.81, remaining 43.07 of 54.95: floor(4781 * 4307 / 549500) = 37
			points: 37,
		},
		{
			name: "WooCommerce 10.0.2 IRR guest order with coupon_info, restored", file: "order-10.0.2.json",
			topic: TopicOrderRestored, exponent: 0, restored: true,
			want: loyalty.OrderSnapshot{
				OrderID: 1543, Status: "completed", Currency: "IRR", Email: "maryam@example.ir",
				Total: 15200000, TotalTax: 0, ShippingTotal: 350000,
				DateModified: time.Date(2025, 7, 10, 5, 35, 0, 0, time.UTC),
				DatePaid:     time.Date(2025, 7, 10, 5, 31, 0, 0, time.UTC),
				Meta:         map[string]string{"_wc_order_attribution_source_type": "typein"},
				Coupons:      []string{"nowruz"},
				FirstName:    "مریم",
				Lines:        []loyalty.OrderLine{{ProductID: 9, Quantity: 1, Net: 14850000}},
			},
			points: 1485, // 14,850,000 IRR at 1 point per 10,000
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Decode(tt.topic, readTestdata(t, tt.file), anyCurrency(tt.exponent))
			if ev.Kind != loyalty.EventOrder {
				t.Fatalf("kind = %v (%s), want order", ev.Kind, ev.Note)
			}
			if !reflect.DeepEqual(ev.Order, tt.want) {
				t.Fatalf("snapshot =\n%+v\nwant\n%+v", ev.Order, tt.want)
			}
			if ev.Restored != tt.restored {
				t.Fatalf("restored = %v", ev.Restored)
			}
			rule := loyalty.EarnRule{Points: 1, Per: 1, Exponent: tt.exponent}
			if tt.exponent == 0 {
				rule.Per = 10000
			}
			if got, err := ev.Order.Points(rule); err != nil || got != tt.points {
				t.Fatalf("points = %d, %v; want %d", got, err, tt.points)
			}
		})
	}
}

func TestDecodeEvents(t *testing.T) {
	tests := []struct {
		name     string
		topic    string
		body     string
		kind     loyalty.EventKind
		orderID  int64
		customer int64
		email    string
		note     string // substring of the note, for ignored and flagged
	}{
		{"block checkout draft", TopicOrderUpdated, string(readTestdata(t, "draft.json")), loyalty.EventIgnored, 0, 0, "", "draft"},
		{"auto-draft", TopicOrderCreated, `{"id":5,"status":"auto-draft"}`, loyalty.EventIgnored, 0, 0, "", "draft"},
		{"REST error instead of an order", TopicOrderUpdated, string(readTestdata(t, "rest-error.json")), loyalty.EventFlagged, 0, 0, "", "rest_no_route"},
		{"cannot view error", TopicOrderCreated, `{"code":"woocommerce_rest_cannot_view","message":"Sorry"}`, loyalty.EventFlagged, 0, 0, "", "woocommerce_rest_cannot_view"},
		{"no id", TopicOrderUpdated, `{"status":"processing"}`, loyalty.EventFlagged, 0, 0, "", "without an order id"},
		{"not JSON", TopicOrderUpdated, `{"id":`, loyalty.EventFlagged, 0, 0, "", "not a JSON order"},
		{"bad money", TopicOrderUpdated, `{"id":9,"status":"completed","total":"12,50"}`, loyalty.EventFlagged, 0, 0, "", "total"},
		{"bad refund", TopicOrderUpdated, `{"id":9,"status":"completed","total":"1","refunds":[{"total":"x"}]}`, loyalty.EventFlagged, 0, 0, "", "refund"},
		{"bad date", TopicOrderUpdated, `{"id":9,"status":"completed","total":"1","date_modified_gmt":"yesterday"}`, loyalty.EventFlagged, 0, 0, "", "date_modified_gmt"},
		{"no status", TopicOrderUpdated, `{"id":9}`, loyalty.EventFlagged, 0, 0, "", "status"},
		// The signature covers the body, not the topic: re-labelled bodies are refused.
		{"full order re-labelled as a delete", TopicOrderDeleted, `{"id":9,"status":"completed","total":"10.00"}`, loyalty.EventFlagged, 0, 0, "", "re-labelled"},
		{"customer re-labelled as a refund", TopicOrderRefunded, `{"action":"woocommerce_customer_created","arg":9}`, loyalty.EventFlagged, 0, 0, "", "re-labelled"},
		{"order re-labelled as a customer", TopicCustomerCreate, `{"id":9,"email":"a@b.c","total":"10.00","line_items":[]}`, loyalty.EventFlagged, 0, 0, "", "looks like an order"},
		{"refunds that overflow", TopicOrderUpdated, `{"id":9,"status":"completed","total":"100.00","refunds":[` +
			strings.TrimSuffix(strings.Repeat(`{"total":"-99999999999999.99"},`, 923), ",") + `]}`, loyalty.EventFlagged, 0, 0, "", "counted"},
		{"refunds above the total", TopicOrderUpdated, `{"id":9,"status":"completed","total":"100.00","refunds":[{"total":"-150.00"}]}`, loyalty.EventFlagged, 0, 0, "", "exceed"},
		{"trash", TopicOrderDeleted, `{"id":31}`, loyalty.EventOrderDeleted, 31, 0, "", ""},
		{"trash without id", TopicOrderDeleted, `{}`, loyalty.EventFlagged, 0, 0, "", "without an order id"},
		{"refund action", TopicOrderRefunded, `{"action":"woocommerce_order_refunded","arg":123}`, loyalty.EventOrderRefunded, 123, 0, "", ""},
		{"refund action without id", TopicOrderRefunded, `{"action":"woocommerce_order_refunded","arg":"x"}`, loyalty.EventFlagged, 0, 0, "", "refund"},
		{"customer created", TopicCustomerCreate, `{"id":40,"email":" Guest.Buyer@Example.com ","role":"customer"}`, loyalty.EventCustomerCreated, 0, 40, "guest.buyer@example.com", ""},
		{"customer without email", TopicCustomerCreate, `{"id":41,"email":""}`, loyalty.EventCustomerCreated, 0, 41, "", ""},
		{"unknown topic", "product.updated", `{"id":1}`, loyalty.EventIgnored, 0, 0, "", "not used"},
		{"action of another hook", "action.woocommerce_new_order", `{"arg":1}`, loyalty.EventIgnored, 0, 0, "", "not used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Decode(tt.topic, []byte(tt.body), anyCurrency(2))
			if ev.Kind != tt.kind || ev.OrderID != tt.orderID || ev.CustomerID != tt.customer || ev.Email != tt.email {
				t.Fatalf("event = %+v, want kind %v order %d customer %d email %q", ev, tt.kind, tt.orderID, tt.customer, tt.email)
			}
			if !strings.Contains(ev.Note, tt.note) {
				t.Fatalf("note %q does not mention %q", ev.Note, tt.note)
			}
		})
	}
}

func TestDecodeMoneyForms(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		total int64
		net   int64
	}{
		{"strings", `{"id":1,"status":"completed","total":"10.50","total_tax":"0.50","shipping_total":"1.00"}`, 1050, 900},
		{"JSON numbers", `{"id":1,"status":"completed","total":10.5,"total_tax":0.5,"shipping_total":1}`, 1050, 900},
		{"nulls", `{"id":1,"status":"completed","total":"3.00","total_tax":null,"shipping_total":null}`, 300, 300},
		{"tax over total clamps net", `{"id":1,"status":"completed","total":"1.00","total_tax":"2.00"}`, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Decode(TopicOrderUpdated, []byte(tt.body), anyCurrency(2))
			if ev.Kind != loyalty.EventOrder || ev.Order.Total != tt.total || ev.Order.Net() != tt.net {
				t.Fatalf("event %+v: total %d net %d, want %d %d", ev, ev.Order.Total, ev.Order.Net(), tt.total, tt.net)
			}
		})
	}
}

func TestSignatures(t *testing.T) {
	body := readTestdata(t, "order-7.9.json")
	sig := Sign("s3cretAlnum", body)
	tampered := append([]byte(nil), body...)
	tampered[10] ^= 1
	tests := []struct {
		name   string
		secret string
		body   []byte
		sig    string
		want   bool
	}{
		{"valid", "s3cretAlnum", body, sig, true},
		{"valid with spaces around", "s3cretAlnum", body, " " + sig + " ", true},
		{"wrong secret", "other", body, sig, false},
		{"tampered body", "s3cretAlnum", tampered, sig, false},
		{"not base64", "s3cretAlnum", body, "%%%", false},
		{"empty signature", "s3cretAlnum", body, "", false},
		{"empty secret", "", body, Sign("", body), false},
		{"truncated", "s3cretAlnum", body, sig[:20], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifySignature(tt.secret, tt.body, tt.sig); got != tt.want {
				t.Fatalf("VerifySignature = %v, want %v", got, tt.want)
			}
		})
	}
	// A known vector: base64(HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")).
	if got := Sign("key", []byte("The quick brown fox jumps over the lazy dog")); got != "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=" {
		t.Fatalf("Sign = %s", got)
	}
}

func TestIsPing(t *testing.T) {
	tests := []struct {
		name  string
		topic string
		body  string
		want  bool
	}{
		{"ping", "", "webhook_id=12", true},
		{"ping with topic header is not a ping", "order.updated", "webhook_id=12", false},
		{"json body", "", `{"webhook_id":12}`, false},
		{"non-numeric id", "", "webhook_id=abc", false},
		{"empty id", "", "webhook_id=", false},
		{"extra field", "", "webhook_id=1&x=2", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPing(tt.topic, []byte(tt.body)); got != tt.want {
				t.Fatalf("IsPing = %v, want %v", got, tt.want)
			}
		})
	}
}

// anyCurrency reads every currency with one exponent.
func anyCurrency(exponent int) func(string) (int, bool) {
	return func(string) (int, bool) { return exponent, true }
}

// TestForeignCurrencyWaitsForARate: an order in a currency the store has
// no rate for is flagged with what to do, never read with another
// currency's exponent; with a rate it is read with that currency's.
func TestForeignCurrencyWaitsForARate(t *testing.T) {
	usdOnly := func(c string) (int, bool) {
		switch c {
		case "USD", "":
			return 2, true
		case "KWD":
			return 3, true
		}
		return 0, false
	}
	jpy := []byte(`{"id":88,"status":"completed","currency":"JPY","total":"5400","total_tax":"0","shipping_total":"0","date_modified_gmt":"2026-11-20T10:00:00"}`)
	ev := Decode(TopicOrderUpdated, jpy, usdOnly)
	if ev.Kind != loyalty.EventFlagged || !strings.Contains(ev.Note, "JPY") || !strings.Contains(ev.Note, "/v1/admin/currencies/JPY") {
		t.Fatalf("JPY without a rate: %+v", ev)
	}
	withRefund := []byte(`{"id":90,"status":"completed","currency":"USD","total":"40.00","total_tax":"0","shipping_total":"0",
		"refunds":[{"total":"-10.00"}],"line_items":[{"product_id":20,"quantity":2,"total":"20.00","vafa_categories":[100],"vafa_refunded":"10.00","vafa_refunded_qty":1},
		{"product_id":21,"quantity":1,"total":"20.00","vafa_categories":[],"vafa_refunded":"0"}]}`)
	ev = Decode(TopicOrderUpdated, withRefund, usdOnly)
	if ev.Kind != loyalty.EventOrder || len(ev.Order.Lines) != 2 || !ev.Order.Lines[0].RefundKnown || ev.Order.Lines[0].Refunded != 1000 ||
		ev.Order.Lines[0].RefundedQty != 1 || ev.Order.Lines[1].Refunded != 0 || !ev.Order.Lines[1].RefundKnown {
		t.Fatalf("line refunds: %+v", ev.Order.Lines)
	}
	kwd := []byte(`{"id":89,"status":"completed","currency":"kwd","total":"12.345","total_tax":"0","shipping_total":"0","date_modified_gmt":"2026-11-20T10:00:00"}`)
	ev = Decode(TopicOrderUpdated, kwd, usdOnly)
	if ev.Kind != loyalty.EventOrder || ev.Order.Total != 12345 || ev.Order.Currency != "KWD" {
		t.Fatalf("KWD with a rate: %+v", ev)
	}
}
