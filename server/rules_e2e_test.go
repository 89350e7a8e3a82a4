package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
)

// TestEarningRulesAreFrozenOnOrders drives earning rules over HTTP with
// signed webhooks: a category earning double, an excluded gift card, a
// promotion on another category, and a first-order bonus. The first order
// earns 2 x its drinks line, nothing for the gift card, plus the bonus; a
// partial refund takes its share of the lines and leaves the bonus; a rule
// changed afterwards does not touch the paid order; an order paid at the
// promotion's start earns double on its category, without a second bonus.
func TestEarningRulesAreFrozenOnOrders(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Content-Type": "application/json"}
	post := func(path, body string) map[string]any {
		r := s.do("POST", path, []byte(body), admin)
		if r.Status != http.StatusCreated {
			t.Fatalf("POST %s %s: %d %s", path, body, r.Status, r.Body)
		}
		var out map[string]any
		r.json(t, &out)
		return out
	}
	drinks := post("/v1/admin/earning-rules", `{"on":"category","target_id":"100","multiplier":"2"}`)
	post("/v1/admin/earning-rules", `{"on":"product","target_id":"16","action":"exclude"}`)
	t0 := s.clock.Now().Truncate(time.Second)
	promoStart := t0.Add(48 * time.Hour)
	post("/v1/admin/promotions", fmt.Sprintf(`{"name":"Double tea weekend","starts":%q,"ends":%q,"multiplier":"2","category_id":"200"}`,
		promoStart.Format(time.RFC3339), promoStart.Add(72*time.Hour).Format(time.RFC3339)))
	if r := s.do("PATCH", "/v1/admin/program", []byte(`{"first_order_bonus":100}`), admin); r.Status != http.StatusOK {
		t.Fatalf("first-order bonus: %d %s", r.Status, r.Body)
	}
	var program struct {
		Rules []struct {
			Action string `json:"action"`
		} `json:"earning_rules"`
		Promotions []struct {
			Name string `json:"name"`
		} `json:"promotions"`
	}
	s.get("/v1/program", s.token(st, "9", auth.ScopeShopper)).json(t, &program)
	if len(program.Rules) != 2 || len(program.Promotions) != 1 {
		t.Fatalf("GET /v1/program shows %+v", program)
	}

	first := usd(4001, 9, "completed", t0)
	first.Total, first.Tax, first.Shipping = "50.00", "0.00", "0.00"
	first.Lines = []line{{Product: 20, Quantity: 1, Total: "20.00", Categories: []int64{100}}, {Product: 16, Quantity: 1, Total: "30.00", Categories: []int64{300}}}
	s.deliver(st, "order.updated", first.JSON())
	if p := s.orderPoints(st, 4001); p != 40+100 {
		t.Fatalf("first order holds %d, want 140 (20.00 of drinks at 2x, the gift card nothing, the 100 bonus)", p)
	}
	refunded := first
	refunded.Refunds, refunded.Modified = []string{"-20.00"}, t0.Add(time.Minute)
	s.deliver(st, "order.updated", refunded.JSON())
	if p := s.orderPoints(st, 4001); p != 24+100 {
		t.Fatalf("after refunding 20.00 of 50.00 the order holds %d, want 124", p)
	}
	if r := s.do("PATCH", "/v1/admin/earning-rules/"+drinks["id"].(string), []byte(`{"multiplier":"5"}`), admin); r.Status != http.StatusOK {
		t.Fatalf("change the drinks rule: %d %s", r.Status, r.Body)
	}
	again := refunded
	again.Modified = t0.Add(2 * time.Minute)
	s.deliver(st, "order.updated", again.JSON())
	if p := s.orderPoints(st, 4001); p != 124 {
		t.Fatalf("a rule changed after payment moved the order to %d, want the frozen 124", p)
	}

	s.clock.Advance(promoStart.Sub(s.clock.Now()))
	tea := usd(4002, 9, "completed", promoStart)
	tea.Total, tea.Tax, tea.Shipping = "10.00", "0.00", "0.00"
	tea.Lines = []line{{Product: 21, Quantity: 1, Total: "10.00", Categories: []int64{200}}}
	s.deliver(st, "order.updated", tea.JSON())
	if p := s.orderPoints(st, 4002); p != 20 {
		t.Fatalf("an order paid at the promotion's start holds %d, want 20 (double, no second bonus)", p)
	}
	// The plugin says which line a refund was for: 10.00 back from the
	// drinks line takes 2 x 10 points, not a share of every line.
	mixed := usd(4003, 9, "completed", s.clock.Now())
	mixed.Total, mixed.Tax, mixed.Shipping = "40.00", "0.00", "0.00"
	mixed.Lines = []line{{Product: 20, Quantity: 2, Total: "20.00", Categories: []int64{100}, Refunded: "0"}, {Product: 21, Quantity: 1, Total: "20.00", Refunded: "0"}}
	s.deliver(st, "order.updated", mixed.JSON())
	if p := s.orderPoints(st, 4003); p != 5*20+20 {
		t.Fatalf("order 4003 holds %d, want 120 (drinks at the changed 5x, plain 1x)", p)
	}
	mixed.Refunds, mixed.Modified = []string{"-10.00"}, s.clock.Now().Add(time.Minute)
	mixed.Lines[0].Refunded, mixed.Lines[0].RefundedQty = "10.00", 1
	s.deliver(st, "order.updated", mixed.JSON())
	if p := s.orderPoints(st, 4003); p != 5*10+20 {
		t.Fatalf("after 10.00 back from the drinks line the order holds %d, want 70", p)
	}
	s.requireBalance(st, 9, 124+20+70, 0)
	s.audit()
}

// TestOrderInAnotherCurrencyWaitsForItsRate: a JPY order in a USD store is
// flagged with what to do and earns nothing (never read as 5,400 dollars);
// once the admin sets JPY's rate and replays the delivery, it earns by that
// rate with JPY's exponent, and its money does not count toward spend tiers.
func TestOrderInAnotherCurrencyWaitsForItsRate(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Content-Type": "application/json"}
	if r := s.do("POST", "/v1/admin/tiers", []byte(`{"name":"Silver","threshold":1000}`), admin); r.Status != http.StatusCreated {
		t.Fatalf("tier: %d %s", r.Status, r.Body)
	}
	o := usd(5001, 12, "completed", s.clock.Now())
	o.Currency, o.Total, o.Tax, o.Shipping = "JPY", "5400", "0", "0"
	o.Lines = []line{{Product: 15, Quantity: 1, Total: "5400"}}
	s.deliver(st, "order.updated", o.JSON())
	s.drain(st)
	flagged := s.inbox(st, "flagged")
	if len(flagged) != 1 || !strings.Contains(flagged[0].LastError, "JPY") {
		t.Fatalf("flagged rows: %+v", flagged)
	}
	s.requireBalance(st, 12, 0, 0)
	if r := s.do("PUT", "/v1/admin/currencies/JPY", []byte(`{"exponent":0,"earn_points":1,"earn_per":150}`), admin); r.Status != http.StatusOK {
		t.Fatalf("set JPY: %d %s", r.Status, r.Body)
	}
	if r := s.do("POST", "/v1/admin/inbox/"+flagged[0].ID+"/replay", nil, admin); r.Status/100 != 2 {
		t.Fatalf("replay: %d %s", r.Status, r.Body)
	}
	s.drain(st)
	s.requireBalance(st, 12, 36, 0) // 5,400 yen at 1 point per 150 yen
	if got := s.myTier(st, 12); got.Tier != nil {
		t.Fatalf("yen counted toward a dollar spend tier: %+v", got.Tier)
	}
	s.audit()
}
