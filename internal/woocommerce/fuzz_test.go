package woocommerce

import (
	"testing"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// FuzzParseOrder feeds arbitrary bodies to the decoder under every topic it
// knows: it must never panic, and what it accepts as an order must be sane.
func FuzzParseOrder(f *testing.F) {
	for _, name := range []string{"order-7.9.json", "order-10.0.2.json", "draft.json", "rest-error.json"} {
		f.Add(readTestdata(f, name), uint8(0))
	}
	f.Add([]byte(`{"id":31}`), uint8(3))
	f.Add([]byte(`{"action":"woocommerce_order_refunded","arg":123}`), uint8(4))
	f.Add([]byte(`{"id":40,"email":"a@b.c"}`), uint8(5))
	f.Add([]byte(`{"id":1,"status":"completed","total":"-5","refunds":[{"total":"99999999999999"}]}`), uint8(1))
	topics := []string{TopicOrderUpdated, TopicOrderCreated, TopicOrderRestored, TopicOrderDeleted, TopicOrderRefunded, TopicCustomerCreate, TopicOrderSync, "coupon.created"}
	f.Fuzz(func(t *testing.T, body []byte, topic uint8) {
		for _, exp := range []int{0, 2} {
			ev := Decode(topics[int(topic)%len(topics)], body, anyCurrency(exp))
			switch ev.Kind {
			case loyalty.EventOrder:
				o := ev.Order
				if o.OrderID <= 0 || o.Refunded < 0 || o.Status == "" || o.CustomerID < 0 {
					t.Fatalf("accepted an impossible order: %+v", o)
				}
				rule := loyalty.EarnRule{Points: 3, Per: 1, Exponent: exp}
				if p, err := o.Points(rule); p < 0 || (err != nil && p != 0) {
					t.Fatalf("points %d, %v for %+v", p, err, o)
				}
			case loyalty.EventOrderDeleted, loyalty.EventOrderRefunded:
				if ev.OrderID <= 0 {
					t.Fatalf("event without order id: %+v", ev)
				}
			case loyalty.EventFlagged, loyalty.EventIgnored:
				if ev.Note == "" {
					t.Fatalf("flagged or ignored without a note")
				}
			}
		}
	})
}
