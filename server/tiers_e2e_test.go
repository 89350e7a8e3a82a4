package main

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
)

type tierView struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Multiplier  string     `json:"multiplier"`
	DowngradeAt *time.Time `json:"downgrade_at"`
}

type nextTierView struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Missing int64      `json:"missing"`
	By      *time.Time `json:"by"`
}

type myTier struct {
	Tier     *tierView     `json:"tier"`
	NextTier *nextTierView `json:"next_tier"`
	History  []struct {
		From   *string `json:"from"`
		To     *string `json:"to"`
		Reason string  `json:"reason"`
	} `json:"history"`
}

func (s *service) myTier(st *storeCreds, customer int64) myTier {
	s.t.Helper()
	s.drain(st)
	r := s.get("/v1/me/tier?locale=fa_IR", s.token(st, strconv.FormatInt(customer, 10), auth.ScopeShopper))
	if r.Status != http.StatusOK {
		s.t.Fatalf("GET /v1/me/tier: %d %s", r.Status, r.Body)
	}
	var out myTier
	r.json(s.t, &out)
	return out
}

// waitTierHistory waits for the tier job to have recorded n changes.
func (s *service) waitTierHistory(st *storeCreds, customer int64, n int) myTier {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.myTier(st, customer)
		if len(got.History) >= n {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("customer %d: %d tier changes recorded, want %d: %+v", customer, len(got.History), n, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *service) orderPoints(st *storeCreds, orderID int64) int64 {
	s.t.Helper()
	s.drain(st)
	var p int64
	if err := s.sql().QueryRow(`SELECT points_pending + points_available FROM orders WHERE store_id=? AND order_id=?`,
		st.id, orderID).Scan(&p); err != nil {
		s.t.Fatalf("order %d points: %v", orderID, err)
	}
	return p
}

// TestTiersAreReachedKeptAndLostByOrders drives tiers over HTTP with signed
// webhooks: a customer reaches Silver when an order takes their spend over
// the threshold, the next order earns 1.5x (the tier held when it was first
// paid, frozen: a redelivery after the tier is lost does not change it), a
// full refund drops them below the threshold and the grace period starts,
// and the job moves them down when it ends. A second customer's Silver
// lapses when the rolling window drops the order that earned it. Audit
// passes throughout.
func TestTiersAreReachedKeptAndLostByOrders(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Content-Type": "application/json"}
	if r := s.do("PATCH", "/v1/admin/program", []byte(`{"tier_grace_days":30}`), admin); r.Status != http.StatusOK {
		t.Fatalf("set grace: %d %s", r.Status, r.Body)
	}
	silver := s.do("POST", "/v1/admin/tiers", []byte(`{"name":"Silver","names":{"fa_IR":"نقره‌ای","ar":"فضي"},"threshold":10000,
		"window_days":365,"multiplier":"1.5","perks":{"free_shipping":true}}`), admin)
	if silver.Status != http.StatusCreated {
		t.Fatalf("create silver: %d %s", silver.Status, silver.Body)
	}
	var silverTier struct {
		ID   string `json:"id"`
		Rank int    `json:"rank"`
	}
	silver.json(t, &silverTier)
	gold := s.do("POST", "/v1/admin/tiers", []byte(`{"name":"Gold","threshold":30000,"window_days":365,"multiplier":"2"}`), admin)
	if gold.Status != http.StatusCreated {
		t.Fatalf("create gold: %d %s", gold.Status, gold.Body)
	}
	if r := s.do("POST", "/v1/admin/tiers", []byte(`{"name":"Gold again","rank":`+strconv.Itoa(silverTier.Rank)+`,"threshold":1}`), admin); r.Status != http.StatusConflict {
		t.Fatalf("a second tier of the same rank: %d %s", r.Status, r.Body)
	}

	t0 := s.clock.Now()
	// 54.00 with 4.00 tax and 5.00 shipping: 45.00 net, 45 points, no tier.
	s.deliver(st, "order.updated", usd(101, 7, "completed", t0).JSON())
	if got := s.myTier(st, 7); got.Tier != nil || got.NextTier == nil || got.NextTier.Missing != 10000-4500 {
		t.Fatalf("after 45.00: %+v", got)
	}
	// 120.00 net: earns 120 at 1x (no tier when it was paid), then Silver.
	big := usd(102, 7, "completed", t0.Add(time.Minute))
	big.Total, big.Tax, big.Shipping = "120.00", "0.00", "0.00"
	s.deliver(st, "order.updated", big.JSON())
	if p := s.orderPoints(st, 102); p != 120 {
		t.Fatalf("order 102 earned %d, want 120 (no tier yet when paid)", p)
	}
	got := s.waitTierHistory(st, 7, 1)
	if got.Tier == nil || got.Tier.ID != silverTier.ID || got.Tier.Name != "نقره‌ای" || got.Tier.Multiplier != "1.5" ||
		got.NextTier == nil || got.NextTier.Missing != 30000-16500 || got.NextTier.By == nil {
		t.Fatalf("after 165.00: %+v", got)
	}
	acts := s.activity(st, 7)
	if len(acts) < 3 || acts[0].Kind != "tier_change" || acts[0].Reason != "qualified" || acts[1].Kind != "order_earn" {
		t.Fatalf("activity after reaching Silver, newest first: %+v", acts)
	}
	// Silver when paid: 45 x 1.5 = 67 (floored once).
	s.deliver(st, "order.updated", usd(103, 7, "completed", t0.Add(2*time.Minute)).JSON())
	if p := s.orderPoints(st, 103); p != 67 {
		t.Fatalf("order 103 earned %d, want 67 (Silver's 1.5x)", p)
	}
	var me struct {
		Tier     *tierView     `json:"tier"`
		NextTier *nextTierView `json:"next_tier"`
	}
	s.get("/v1/me", s.token(st, "7", auth.ScopeShopper)).json(t, &me)
	if me.Tier == nil || me.Tier.Name != "Silver" || me.NextTier == nil || me.NextTier.Name != "Gold" || me.NextTier.Missing != 30000-21000 {
		t.Fatalf("GET /v1/me tier: %+v %+v", me.Tier, me.NextTier)
	}

	// The 120.00 order refunded in full: 90.00 counted, below Silver; the
	// grace period starts and the tier stays for now.
	refunded := big
	refunded.Status, refunded.Refunds, refunded.Modified = "refunded", []string{"-120.00"}, t0.Add(time.Hour)
	s.deliver(st, "order.updated", refunded.JSON())
	got = s.myTier(st, 7)
	if got.Tier == nil || got.Tier.DowngradeAt == nil || got.Tier.DowngradeAt.Sub(s.clock.Now()) < 29*24*time.Hour {
		t.Fatalf("below Silver in grace: %+v", got.Tier)
	}
	// A redelivery of order 103 now earns what was frozen, not 1x.
	again := usd(103, 7, "completed", t0.Add(2*time.Hour))
	s.deliver(st, "order.updated", again.JSON())
	if p := s.orderPoints(st, 103); p != 67 {
		t.Fatalf("order 103 holds %d after the tier's grace began, want the frozen 67", p)
	}
	s.audit()

	s.clock.Advance(31 * 24 * time.Hour)
	got = s.waitTierHistory(st, 7, 2)
	if got.Tier != nil || got.History[0].Reason != "grace_ended" || got.History[0].To != nil || *got.History[0].From != silverTier.ID ||
		got.History[1].Reason != "qualified" {
		t.Fatalf("after the grace period: %+v", got)
	}

	// Customer 8: Silver from one order; 365 days later the window drops it,
	// the grace period runs, and Silver goes.
	second := usd(201, 8, "completed", s.clock.Now())
	second.Total, second.Tax, second.Shipping = "150.00", "0.00", "0.00"
	s.deliver(st, "order.updated", second.JSON())
	if got := s.waitTierHistory(st, 8, 1); got.Tier == nil || got.Tier.ID != silverTier.ID {
		t.Fatalf("customer 8 after 150.00: %+v", got)
	}
	s.clock.Advance(366 * 24 * time.Hour)
	deadline := time.Now().Add(10 * time.Second)
	for {
		// GET /v1/me/tier decides live, so wait for what the job wrote.
		var inGrace int
		s.sql().QueryRow(`SELECT COUNT(*) FROM customer_tiers t JOIN customers c ON c.id=t.customer_pk
			WHERE t.store_id=? AND c.wc_customer_id=8 AND t.tier_id IS NOT NULL AND t.below_since IS NOT NULL`, st.id).Scan(&inGrace)
		if inGrace == 1 {
			break // the job saw the window drop the order: grace runs
		}
		if time.Now().After(deadline) {
			t.Fatalf("customer 8 a year later: %+v", s.myTier(st, 8))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := s.myTier(st, 8); got.Tier == nil || got.Tier.DowngradeAt == nil {
		t.Fatalf("customer 8 in grace: %+v", got)
	}
	s.clock.Advance(31 * 24 * time.Hour)
	if got := s.waitTierHistory(st, 8, 2); got.Tier != nil || got.History[0].Reason != "grace_ended" {
		t.Fatalf("customer 8 after the window and grace: %+v", got)
	}
	var changes int
	s.sql().QueryRow(`SELECT COUNT(*) FROM tier_changes WHERE store_id=?`, st.id).Scan(&changes)
	if changes != 4 {
		t.Fatalf("%d tier changes recorded, want 4 (two up, two down)", changes)
	}
	s.audit()
}

// TestRewardReservedToATier: a reward Gold reserves is refused (409, with
// the reason) to a Silver shopper and listed for them as not affordable for
// that reason, while a Gold shopper redeems it; an open reward stays open.
func TestRewardReservedToATier(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Content-Type": "application/json"}
	newReward := func(name string) string {
		r := s.do("POST", "/v1/admin/rewards", []byte(`{"kind":"fixed_discount","names":{"en":"`+name+`"},"points_cost":10,"value_minor":100}`), admin)
		var out struct {
			ID string `json:"id"`
		}
		r.json(t, &out)
		return out.ID
	}
	vip, open := newReward("Gold gift"), newReward("Anyone")
	for _, body := range []string{`{"name":"Silver","threshold":1000}`, `{"name":"Gold","threshold":10000,"perks":{"reward_ids":["` + vip + `"]}}`} {
		if r := s.do("POST", "/v1/admin/tiers", []byte(body), admin); r.Status != http.StatusCreated {
			t.Fatalf("create tier %s: %d %s", body, r.Status, r.Body)
		}
	}
	t0 := s.clock.Now()
	s.deliver(st, "order.updated", usd(301, 31, "completed", t0).JSON()) // 45.00: Silver
	gold := usd(302, 32, "completed", t0)
	gold.Total, gold.Tax, gold.Shipping = "150.00", "0.00", "0.00"
	s.deliver(st, "order.updated", gold.JSON()) // 150.00: Gold
	s.waitTierHistory(st, 31, 1)
	s.waitTierHistory(st, 32, 1)

	status, _ := s.redeemAs(st, 31, "silver-1", `{"reward_id":"`+vip+`"}`)
	if status != http.StatusConflict {
		t.Fatalf("Silver redeeming the Gold reward: %d, want 409", status)
	}
	if status, red := s.redeemAs(st, 31, "silver-2", `{"reward_id":"`+open+`"}`); status != http.StatusCreated || red.Points != 10 {
		t.Fatalf("Silver redeeming the open reward: %d %+v", status, red)
	}
	var list struct {
		Items []struct {
			ID          string `json:"id"`
			Affordable  bool   `json:"affordable"`
			Reason      string `json:"reason"`
			ReservedFor *struct {
				Name string `json:"name"`
			} `json:"reserved_for"`
		} `json:"items"`
	}
	s.get("/v1/me/rewards", s.token(st, "31", auth.ScopeShopper)).json(t, &list)
	for _, it := range list.Items {
		switch it.ID {
		case vip:
			if it.Affordable || it.Reason != "for Gold members and above" || it.ReservedFor == nil || it.ReservedFor.Name != "Gold" {
				t.Fatalf("the Gold reward for a Silver shopper: %+v", it)
			}
		case open:
			if !it.Affordable || it.ReservedFor != nil {
				t.Fatalf("the open reward: %+v", it)
			}
		}
	}
	if status, red := s.redeemAs(st, 32, "gold-1", `{"reward_id":"`+vip+`"}`); status != http.StatusCreated || red.Points != 10 {
		t.Fatalf("Gold redeeming its reward: %d %+v", status, red)
	}
	s.audit()
}
