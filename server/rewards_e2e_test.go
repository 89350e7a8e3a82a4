package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
)

type redemption struct {
	ID         string `json:"id"`
	Code       string `json:"code"`
	Points     int64  `json:"points"`
	ValueMinor int64  `json:"value_minor"`
	State      string `json:"state"`
}

// redeemAs redeems a reward as the shopper under key and returns the status and body.
func (s *service) redeemAs(st *storeCreds, customer int64, key, body string) (int, redemption) {
	s.t.Helper()
	r := s.do("POST", "/v1/me/redemptions", []byte(body), map[string]string{
		"Authorization": "Bearer " + s.token(st, fmt.Sprint(customer), auth.ScopeShopper), "Idempotency-Key": key})
	var out redemption
	if r.Status < 300 {
		r.json(s.t, &out)
	}
	return r.Status, out
}

func (s *service) redemptions(st *storeCreds, customer int64) []redemption {
	s.t.Helper()
	s.drain(st)
	r := s.get("/v1/me/redemptions", s.token(st, fmt.Sprint(customer), auth.ScopeShopper))
	var page struct {
		Items []redemption `json:"items"`
	}
	r.json(s.t, &page)
	return page.Items
}

// TestRewardsAreHeldUsedReleasedAndReturnedByTheOrders: a shopper redeems,
// the coupon's order settles the points through the same webhooks as
// earning: paid uses them, a cancelled unpaid order releases them, a full
// refund of a paid order returns them; a code on another customer's order
// is flagged and moves nothing.
func TestRewardsAreHeldUsedReleasedAndReturnedByTheOrders(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin)}
	r := s.do("POST", "/v1/admin/rewards", []byte(`{"kind":"fixed_discount","names":{"en":"5 off","fa_IR":"۵ تخفیف","ar":"خصم ٥"},
		"points_cost":40,"value_minor":500}`), admin)
	if r.Status != http.StatusCreated {
		t.Fatalf("create reward: %d %s", r.Status, r.Body)
	}
	var reward struct {
		ID string `json:"id"`
	}
	r.json(t, &reward)
	body := `{"reward_id":"` + reward.ID + `"}`

	// 45 points from an order, then a reward of 40 is held.
	s.deliver(st, "order.updated", usd(3000, 50, "completed", t0).JSON())
	s.requireBalance(st, 50, 45, 0)
	status, red := s.redeemAs(st, 50, "r1", body)
	if status != http.StatusCreated || red.Points != 40 || red.State != "issued" {
		t.Fatalf("redeem: %d %+v", status, red)
	}
	if status, again := s.redeemAs(st, 50, "r1", body); status != http.StatusOK || again.Code != red.Code {
		t.Fatalf("same key: %d %+v", status, again)
	}
	if status, _ := s.redeemAs(st, 50, "r2", body); status != http.StatusConflict {
		t.Fatalf("second reward with 5 points left: %d, want 409 insufficient_points", status)
	}
	s.requireBalance(st, 50, 5, 0)

	// Another customer's order carrying the code: flagged, nothing moves.
	stolen := usd(3001, 51, "completed", t0)
	stolen.Coupons = map[string]string{red.Code: "5.00"}
	s.deliver(st, "order.updated", stolen.JSON())
	s.drain(st)
	if rows := s.inbox(st, "flagged"); len(rows) != 1 {
		t.Fatalf("flagged rows: %+v", rows)
	}
	if got := s.redemptions(st, 50); got[0].State != "issued" {
		t.Fatalf("state after a stolen use: %+v", got)
	}

	// The shopper's own order with the code, paid: used.
	own := usd(3002, 50, "processing", t0)
	own.Total = "49.00"
	own.Coupons = map[string]string{red.Code: "5.00"}
	s.deliver(st, "order.updated", own.JSON())
	s.deliver(st, "order.updated", own.JSON()) // a duplicate changes nothing
	if got := s.redemptions(st, 50); got[0].State != "used" {
		t.Fatalf("state after the paid order: %+v", got)
	}
	s.requireBalance(st, 50, 5+40, 0) // 5 left + the new order's 40 points (49 - 4 tax - 5 shipping)

	// Refunded in full: the spent points come back (the store's default).
	own.Status, own.Modified, own.Refunds = "refunded", t0.Add(time.Hour), []string{"-49.00"}
	s.deliver(st, "order.updated", own.JSON())
	if got := s.redemptions(st, 50); got[0].State != "returned" {
		t.Fatalf("state after the refund: %+v", got)
	}
	s.requireBalance(st, 50, 5+40, 0) // the order's 40 earned go, the 40 spent come back

	// A second reward on an order that is cancelled before payment: released.
	status, red2 := s.redeemAs(st, 50, "r3", body)
	if status != http.StatusCreated {
		t.Fatalf("redeem again: %d", status)
	}
	pending := usd(3003, 50, "pending", t0)
	pending.Coupons = map[string]string{red2.Code: "5.00"}
	s.deliver(st, "order.updated", pending.JSON())
	if got := s.redemptions(st, 50); got[0].State != "applied" {
		t.Fatalf("state on an unpaid order: %+v", got)
	}
	if r := s.do("DELETE", "/v1/me/redemptions/"+red2.ID, nil, map[string]string{"Authorization": "Bearer " + s.token(st, "50", auth.ScopeShopper)}); r.Status != http.StatusConflict {
		t.Fatalf("release of a reward on an order: %d", r.Status)
	}
	pending.Status, pending.Modified = "cancelled", t0.Add(time.Minute)
	s.deliver(st, "order.updated", pending.JSON())
	if got := s.redemptions(st, 50); got[0].State != "released" {
		t.Fatalf("state after the cancel: %+v", got)
	}
	s.requireBalance(st, 50, 45, 0)

	// Released from the cart by the shopper.
	_, red3 := s.redeemAs(st, 50, "r4", body)
	if r := s.do("DELETE", "/v1/me/redemptions/"+red3.ID, nil, map[string]string{"Authorization": "Bearer " + s.token(st, "50", auth.ScopeShopper)}); r.Status != http.StatusOK {
		t.Fatalf("release: %d %s", r.Status, r.Body)
	}
	s.requireBalance(st, 50, 45, 0)
	s.audit()
}
