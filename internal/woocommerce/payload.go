package woocommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/money"
)

// Topics the service acts on. Anything else is stored and ignored.
const (
	TopicOrderCreated   = "order.created"
	TopicOrderUpdated   = "order.updated"
	TopicOrderRestored  = "order.restored"
	TopicOrderDeleted   = "order.deleted"
	TopicOrderRefunded  = "action.woocommerce_order_refunded"
	TopicCustomerCreate = "customer.created"
	// TopicOrderSync marks orders the plugin's reconciliation sync sent.
	TopicOrderSync = "order.sync"
)

// decimal holds a money field as WooCommerce sent it: a string ("54.00") or,
// from some extensions, a JSON number. It is parsed later with the currency's exponent.
type decimal string

func (d *decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*d = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decimal(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("money field: %w", err)
		}
		*d = decimal(n.String())
	}
	return nil
}

func (d decimal) minor(exponent int) (int64, error) {
	if d == "" {
		return 0, nil
	}
	return money.Parse(string(d), exponent)
}

type orderPayload struct {
	ID              int64   `json:"id"`
	Code            string  `json:"code"` // set on REST error bodies
	Status          string  `json:"status"`
	Currency        string  `json:"currency"`
	CustomerID      int64   `json:"customer_id"`
	Total           decimal `json:"total"`
	TotalTax        decimal `json:"total_tax"`
	ShippingTotal   decimal `json:"shipping_total"`
	DateModifiedGMT *string `json:"date_modified_gmt"`
	DatePaidGMT     *string `json:"date_paid_gmt"`
	Billing         struct {
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		Phone     string `json:"phone"`
		Address1  string `json:"address_1"`
		Address2  string `json:"address_2"`
		City      string `json:"city"`
		Postcode  string `json:"postcode"`
		Country   string `json:"country"`
	} `json:"billing"`
	Refunds []struct {
		Total decimal `json:"total"`
	} `json:"refunds"`
	MetaData []struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	} `json:"meta_data"`
	CouponLines []struct {
		Code string `json:"code"`
	} `json:"coupon_lines"`
	LineItems []struct {
		ProductID int64   `json:"product_id"`
		Quantity  float64 `json:"quantity"`
		Total     decimal `json:"total"`
		// The plugin adds the product's categories to each line
		// (woocommerce_rest_prepare_shop_order_object), so category rules
		// need no product catalog and hold whatever order deliveries arrive in.
		Categories []int64 `json:"vafa_categories"`
		// And what refunds took from the line (WooCommerce's body does not
		// say which lines a refund was for): total without tax, and units.
		Refunded    *decimal `json:"vafa_refunded"`
		RefundedQty float64  `json:"vafa_refunded_qty"`
	} `json:"line_items"`
}

// maxLines bounds the line items kept for earning rules.
const maxLines = 500

type actionPayload struct {
	Action string          `json:"action"`
	Arg    json.RawMessage `json:"arg"`
}

type customerPayload struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Email string `json:"email"`
}

// maxMeta bounds how many order meta values are kept (only string values
// with keys that look like ours or are short matter for attribution).
const maxMeta = 50

// Decode turns a stored webhook body into an event for the ledger. It never
// fails: a body it cannot use becomes an EventFlagged with a note, so the
// row is kept for the admin and the plugin's reconciliation recovers the order.
// exponentOf gives a currency's exponent, false for a currency the store
// has no earn rate for (an order in it is flagged, never read as another).
func Decode(topic string, body []byte, exponentOf func(currency string) (int, bool)) loyalty.Event {
	switch topic {
	case TopicOrderCreated, TopicOrderUpdated, TopicOrderRestored, TopicOrderSync:
		ev := decodeOrder(body, exponentOf)
		// order.restored lifts a deletion; so does the plugin's sync, which
		// reads the order's current state from WooCommerce's own tables.
		ev.Restored = ev.Kind == loyalty.EventOrder && (topic == TopicOrderRestored || topic == TopicOrderSync)
		return ev
	case TopicOrderDeleted:
		var p orderPayload
		if err := json.Unmarshal(body, &p); err != nil {
			return flagged("order.deleted body is not JSON: %v", err)
		}
		if p.ID <= 0 {
			return restError(p.Code, "order.deleted without an order id")
		}
		// WooCommerce sends exactly {"id":N} for a trash. The signature
		// covers the body, not the topic header: a full order re-labelled
		// as order.deleted must not wipe the order's points.
		if fields := topLevelFields(body); len(fields) != 1 || fields[0] != "id" {
			return flagged("order.deleted body has fields other than id: refusing a possibly re-labelled delivery")
		}
		return loyalty.Event{Kind: loyalty.EventOrderDeleted, OrderID: p.ID}
	case TopicOrderRefunded:
		var p actionPayload
		if err := json.Unmarshal(body, &p); err != nil {
			return flagged("refund action body is not JSON: %v", err)
		}
		if p.Action != "woocommerce_order_refunded" {
			return flagged("refund topic with action %q: refusing a possibly re-labelled delivery", truncateNote(p.Action))
		}
		var id int64
		if err := json.Unmarshal(p.Arg, &id); err != nil || id <= 0 {
			return flagged("refund action without an order id")
		}
		return loyalty.Event{Kind: loyalty.EventOrderRefunded, OrderID: id}
	case TopicCustomerCreate:
		var p customerPayload
		if err := json.Unmarshal(body, &p); err != nil {
			return flagged("customer body is not JSON: %v", err)
		}
		if p.ID <= 0 {
			return restError(p.Code, "customer.created without a customer id")
		}
		for _, f := range topLevelFields(body) {
			if f == "line_items" || f == "order_key" || f == "total" {
				return flagged("customer.created body looks like an order: refusing a possibly re-labelled delivery")
			}
		}
		return loyalty.Event{Kind: loyalty.EventCustomerCreated, CustomerID: p.ID, Email: normalizeEmail(p.Email)}
	}
	return loyalty.Event{Kind: loyalty.EventIgnored, Note: "topic " + topic + " is not used"}
}

func decodeOrder(body []byte, exponentOf func(string) (int, bool)) loyalty.Event {
	var p orderPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return flagged("order body is not a JSON order: %v", err)
	}
	currency := strings.ToUpper(strings.TrimSpace(p.Currency))
	exponent, ok := exponentOf(currency)
	if !ok && p.ID > 0 {
		// A JPY total read with the store's USD exponent would earn a
		// hundred times too much: such an order waits for a rate.
		return flagged("order %d is in %s, a currency the store has no earn rate for: set one (PUT /v1/admin/currencies/%s) and replay this delivery",
			p.ID, truncateNote(currency), truncateNote(currency))
	}
	if p.ID <= 0 {
		return restError(p.Code, "order body without an order id")
	}
	// A full order always has a status: only a body without one can be the
	// bare {"id":N} of a trash, so the second parse runs only then.
	if p.Status == "" && len(body) < 64 {
		if fields := topLevelFields(body); len(fields) == 1 && fields[0] == "id" {
			return flagged("order %d without a status: a bare {\"id\"} body under an order snapshot topic is not an order", p.ID)
		}
	}
	if loyalty.IsDraftStatus(p.Status) {
		return loyalty.Event{Kind: loyalty.EventIgnored, Note: "draft order " + p.Status}
	}
	if p.Status == "" {
		return flagged("order %d without a status", p.ID)
	}
	o := loyalty.OrderSnapshot{
		OrderID:    p.ID,
		Status:     p.Status,
		Currency:   currency,
		CustomerID: max(p.CustomerID, 0),
		Email:      normalizeEmail(p.Billing.Email),
		// For the referral checks only; the service keeps store-bound hashes
		// of phone and address, and a masked first name.
		FirstName: truncateRunes(strings.TrimSpace(p.Billing.FirstName), 32),
		Phone:     loyalty.NormalizePhone(truncateRunes(p.Billing.Phone, 64)),
		Address: loyalty.NormalizeAddress(truncateRunes(p.Billing.Address1, 200), truncateRunes(p.Billing.Address2, 200),
			truncateRunes(p.Billing.City, 100), truncateRunes(p.Billing.Postcode, 32), truncateRunes(p.Billing.Country, 8)),
	}
	var err error
	fields := []struct {
		name string
		d    decimal
		dst  *int64
	}{{"total", p.Total, &o.Total}, {"total_tax", p.TotalTax, &o.TotalTax}, {"shipping_total", p.ShippingTotal, &o.ShippingTotal}}
	for _, f := range fields {
		if *f.dst, err = f.d.minor(exponent); err != nil {
			return flagged("order %d %s: %v", p.ID, f.name, err)
		}
	}
	for _, r := range p.Refunds {
		v, err := r.Total.minor(exponent)
		if err != nil {
			return flagged("order %d refund total: %v", p.ID, err)
		}
		if v < 0 {
			v = -v
		}
		if o.Refunded > math.MaxInt64-v {
			return flagged("order %d: its refunds add up to more than can be counted", p.ID)
		}
		o.Refunded += v
	}
	// WooCommerce never refunds more than the total, save rounding
	// remainders of a minor unit per refund: cap those, flag anything more.
	if over := o.Refunded - o.Total; over > 0 {
		if over > int64(len(p.Refunds)) {
			return flagged("order %d: refunds (%s) exceed the order total (%s)", p.ID,
				money.Format(o.Refunded, exponent), money.Format(o.Total, exponent))
		}
		o.Refunded = max(o.Total, 0) // a negative total (impossible in WooCommerce) refunds nothing
	}
	if p.DateModifiedGMT != nil && *p.DateModifiedGMT != "" {
		t, err := parseGMT(*p.DateModifiedGMT)
		if err != nil {
			return flagged("order %d date_modified_gmt: %v", p.ID, err)
		}
		o.DateModified = t
	}
	if p.DatePaidGMT != nil && *p.DatePaidGMT != "" {
		// A bad paid date is not worth losing the order over: the service's
		// clock starts the return window instead.
		if t, err := parseGMT(*p.DatePaidGMT); err == nil {
			o.DatePaid = t
		}
	}
	for _, m := range p.MetaData {
		if len(o.Meta) >= maxMeta || m.Key == "" || len(m.Key) > 64 {
			continue
		}
		var s string
		if json.Unmarshal(m.Value, &s) == nil && len(s) <= 255 {
			if o.Meta == nil {
				o.Meta = map[string]string{}
			}
			o.Meta[m.Key] = s
		}
	}
	for _, l := range p.LineItems {
		if len(o.Lines) >= maxLines {
			break
		}
		net, err := l.Total.minor(exponent)
		if err != nil {
			return flagged("order %d line total: %v", p.ID, err)
		}
		cats := l.Categories
		if len(cats) > 50 {
			cats = cats[:50]
		}
		line := loyalty.OrderLine{ProductID: max(l.ProductID, 0), Quantity: int64(max(l.Quantity, 0)), Net: net, Categories: cats}
		if l.Refunded != nil {
			r, err := l.Refunded.minor(exponent)
			if err != nil {
				return flagged("order %d line refund: %v", p.ID, err)
			}
			if r < 0 {
				r = -r
			}
			line.RefundKnown, line.Refunded, line.RefundedQty = true, min(r, max(net, 0)), int64(max(l.RefundedQty, 0))
		}
		o.Lines = append(o.Lines, line)
	}
	for _, c := range p.CouponLines {
		if len(o.Coupons) < maxCoupons && c.Code != "" && len(c.Code) <= 100 {
			o.Coupons = append(o.Coupons, c.Code)
		}
	}
	return loyalty.Event{Kind: loyalty.EventOrder, Order: o}
}

// parseGMT reads WooCommerce's "YYYY-MM-DDTHH:MM:SS" (UTC, no zone); a zone,
// if an extension adds one, is honoured.
// maxCoupons bounds the coupon codes read from one order.
const maxCoupons = 50

func parseGMT(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date", s)
	}
	return t.UTC(), nil
}

// topLevelFields returns the names of the body's top-level JSON object
// fields (none when it is not an object).
func topLevelFields(body []byte) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func truncateNote(s string) string {
	if len(s) > 64 {
		return s[:64]
	}
	return s
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func normalizeEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) > 254 || !strings.Contains(s, "@") {
		return ""
	}
	return s
}

func flagged(format string, args ...any) loyalty.Event {
	note := fmt.Sprintf(format, args...)
	if len(note) > 500 {
		note = note[:500]
	}
	return loyalty.Event{Kind: loyalty.EventFlagged, Note: note}
}

func restError(code, fallback string) loyalty.Event {
	if code != "" {
		if len(code) > 100 {
			code = code[:100]
		}
		return flagged("WooCommerce sent a REST error instead of a payload: %s", code)
	}
	return flagged("%s", fallback)
}
