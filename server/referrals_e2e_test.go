package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
)

type myReferral struct {
	Code         string `json:"code"`
	Link         string `json:"link"`
	Pending      int64  `json:"pending"`
	Approved     int64  `json:"approved"`
	Rejected     int64  `json:"rejected"`
	PointsEarned int64  `json:"points_earned"`
	Friends      []struct {
		Name  string `json:"name"`
		State string `json:"state"`
	} `json:"friends"`
}

type referralItem struct {
	ID         string `json:"id"`
	ReferrerID string `json:"referrer_id"`
	FriendID   string `json:"friend_id"`
	FriendName string `json:"friend_name"`
	OrderID    string `json:"order_id"`
	State      string `json:"state"`
	Reason     string `json:"reason"`
	DecidedBy  string `json:"decided_by"`
}

func (s *service) myReferral(st *storeCreds, customer int64) myReferral {
	s.t.Helper()
	r := s.get("/v1/me/referral", s.token(st, fmt.Sprint(customer), auth.ScopeShopper))
	if r.Status != http.StatusOK {
		s.t.Fatalf("GET /v1/me/referral: %d %s", r.Status, r.Body)
	}
	var out myReferral
	r.json(s.t, &out)
	return out
}

func (s *service) referrals(st *storeCreds, query string) []referralItem {
	s.t.Helper()
	s.drain(st)
	r := s.get("/v1/admin/referrals"+query, s.token(st, "1", auth.ScopeAdmin))
	if r.Status != http.StatusOK {
		s.t.Fatalf("GET /v1/admin/referrals: %d %s", r.Status, r.Body)
	}
	var page struct {
		Items []referralItem `json:"items"`
	}
	r.json(s.t, &page)
	return page.Items
}

// friendOrder is a paid order of a referred friend carrying the code.
func friendOrder(id, customer int64, code string, at time.Time) order {
	o := usd(id, customer, "completed", at)
	o.Meta = map[string]string{"_vafa_referral": code}
	o.Address = fmt.Sprintf("%d Friend Street", customer)
	o.Name = "Negin"
	return o
}

// waitReferral waits for the approval job to move the referral out of pending.
func (s *service) waitReferral(st *storeCreds, friend int64, state string) referralItem {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, r := range s.referrals(st, "") {
			if r.FriendID == fmt.Sprint(friend) && r.State == state {
				return r
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("referral of friend %d never became %s: %+v", friend, state, s.referrals(st, ""))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReferralRewardsOnceWhenTheFriendsOrderIsFinal: a friend's first paid
// order with the referrer's code (any case) makes a pending referral; after
// the return window the referrer gets the fixed reward and the friend the
// welcome points, once, however the deliveries repeat or reorder; a friend
// whose order is refunded in full inside the window is rejected and nobody
// is rewarded.
func TestReferralRewardsOnceWhenTheFriendsOrderIsFinal(t *testing.T) {
	s := startService(t)
	st := s.newStore("--return-days", "14", "--referral-enabled=true", "--referrer-points", "500", "--referee-points", "200")
	t0 := s.clock.Now()

	me := s.myReferral(st, 10)
	if len(me.Code) != 9 || strings.ContainsAny(me.Code, "01ILOU") || me.Link != "https://shop.test/?ref="+me.Code {
		t.Fatalf("referral code %q, link %q", me.Code, me.Link)
	}
	if again := s.myReferral(st, 10); again.Code != me.Code {
		t.Fatalf("the code changed: %q then %q", me.Code, again.Code)
	}
	// Any token of the store can check a code; nothing about the referrer comes back.
	r := s.get("/v1/referrals/"+strings.ToLower(me.Code), s.token(st, "77", auth.ScopeShopper))
	if r.Status != http.StatusOK || string(r.Body) != `{"valid":true,"welcome_points":200}` {
		t.Fatalf("code check: %d %s", r.Status, r.Body)
	}
	if r := s.get("/v1/referrals/NOPE2345X", s.token(st, "77", auth.ScopeShopper)); string(r.Body) != `{"valid":false,"welcome_points":0}` {
		t.Fatalf("unknown code: %s", r.Body)
	}

	// The friend's order arrives twice, with an older snapshot in between.
	o := friendOrder(5001, 20, strings.ToLower(me.Code), t0)
	s.deliver(st, "order.updated", o.JSON())
	older := o
	older.Status, older.Modified = "processing", t0.Add(-time.Minute)
	s.deliver(st, "order.updated", older.JSON())
	s.deliver(st, "order.updated", o.JSON())
	list := s.referrals(st, "?state=pending")
	if len(list) != 1 || list[0].ReferrerID != "10" || list[0].FriendID != "20" || list[0].FriendName != "N***" || list[0].OrderID != "5001" {
		t.Fatalf("pending referrals: %+v", list)
	}
	s.requireBalance(st, 10, 0, 0)
	s.requireBalance(st, 20, 0, 45)

	// A second friend's order is refunded in full inside the window.
	o2 := friendOrder(5002, 21, me.Code, t0)
	s.deliver(st, "order.updated", o2.JSON())
	s.drain(st) // a refund that arrives first leaves no referral at all (the order was never paid here)
	o2.Status, o2.Refunds, o2.Modified = "refunded", []string{"-54.00"}, t0.Add(time.Hour)
	s.deliver(st, "order.updated", o2.JSON())
	if got := s.referrals(st, "?state=rejected"); len(got) != 1 || got[0].FriendID != "21" || got[0].Reason != "order_refunded" {
		t.Fatalf("rejected referrals: %+v (all: %+v)", got, s.referrals(st, ""))
	}

	// Past the return window: approved once, the rewards posted once.
	s.clock.Advance(15 * 24 * time.Hour)
	ok := s.waitReferral(st, 20, "approved")
	if ok.DecidedBy != "system" {
		t.Fatalf("approved by %q", ok.DecidedBy)
	}
	s.deliver(st, "order.updated", o.JSON())
	s.requireBalance(st, 10, 500, 0)
	s.requireBalance(st, 20, 245, 0)
	me = s.myReferral(st, 10)
	if me.Approved != 1 || me.Rejected != 1 || me.Pending != 0 || me.PointsEarned != 500 || len(me.Friends) != 2 {
		t.Fatalf("referrer's page: %+v", me)
	}
	var kinds []string
	for _, a := range s.activity(st, 10) {
		kinds = append(kinds, a.Kind)
	}
	if strings.Join(kinds, ",") != "referral_reward" {
		t.Fatalf("referrer's activity: %v", kinds)
	}
	// The conversions report: two made, one converted.
	var conv struct {
		Referred, Approved, Rejected, Pending int64
		Rate                                  float64 `json:"conversion_rate"`
		Series                                []struct {
			Day                         string
			Approved, Rejected, Pending int64
		}
	}
	now := s.clock.Now()
	rep := s.get("/v1/admin/reports/referrals?from="+now.AddDate(0, 0, -30).Format(time.DateOnly)+"&to="+now.Format(time.DateOnly), s.token(st, "1", auth.ScopeAdmin))
	rep.json(t, &conv)
	if conv.Referred != 2 || conv.Approved != 1 || conv.Rejected != 1 || conv.Pending != 0 || conv.Rate != 50 || len(conv.Series) != 1 ||
		conv.Series[0].Approved != 1 || conv.Series[0].Rejected != 1 {
		t.Fatalf("referral conversions: %d %s", rep.Status, rep.Body)
	}
	s.audit()
}

// TestReferralFraudChecks: each check rejects with its reason; a referral
// that passes is pending. The store asks for new customers and caps each
// referrer at two referrals a month.
func TestReferralFraudChecks(t *testing.T) {
	s := startService(t)
	st := s.newStore("--return-days", "14", "--referral-enabled=true", "--referrer-points", "100", "--referral-monthly-cap", "2",
		"--referral-min-order-minor", "2000")
	t0 := s.clock.Now()
	// The referrer ordered once: the service knows their e-mail, phone and address.
	ref := usd(6000, 30, "completed", t0)
	ref.Email, ref.Phone, ref.Address = "amir.karimi@gmail.com", "+98 912 345 6789", "12 Valiasr St."
	s.deliver(st, "order.updated", ref.JSON())
	code := s.myReferral(st, 30).Code

	// A returning customer: ordered before, without a code.
	s.deliver(st, "order.updated", usd(6100, 41, "completed", t0.Add(-48*time.Hour)).JSON())

	cases := []struct {
		name   string
		order  func() order
		reason string // "" = pending
	}{
		{"self-referral", func() order { return friendOrder(6001, 30, code, t0) }, "self_referral"},
		{"same mailbox (dots, plus-tag, case)", func() order {
			o := friendOrder(6002, 31, code, t0)
			o.Email = "AmirKarimi+shop@googlemail.com"
			return o
		}, "same_email"},
		{"same phone in another form", func() order {
			o := friendOrder(6003, 32, code, t0)
			o.Phone = "۰۹۱۲ ۳۴۵ ۶۷۸۹"
			return o
		}, "same_phone"},
		{"same address with other spacing", func() order {
			o := friendOrder(6004, 33, code, t0)
			o.Address = "12  valiasr st"
			return o
		}, "same_address"},
		{"returning customer", func() order { return friendOrder(6101, 41, code, t0) }, "returning_customer"},
		{"below the minimum order", func() order {
			o := friendOrder(6005, 34, code, t0)
			o.Total, o.Tax, o.Shipping = "19.00", "0.00", "0.00"
			return o
		}, "below_minimum"},
		{"a real friend", func() order { return friendOrder(6006, 35, code, t0) }, ""},
		{"another real friend", func() order { return friendOrder(6007, 36, code, t0) }, ""},
		{"over the monthly cap", func() order { return friendOrder(6008, 37, code, t0) }, "monthly_cap"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.order()
			s.deliver(st, "order.updated", o.JSON())
			var got *referralItem
			for _, r := range s.referrals(st, "?referrer=30") {
				if r.OrderID == fmt.Sprint(o.ID) {
					got = &r
				}
			}
			want := "pending"
			if c.reason != "" {
				want = "rejected"
			}
			if got == nil || got.State != want || got.Reason != c.reason {
				t.Fatalf("referral for order %d: %+v, want %s %q", o.ID, got, want, c.reason)
			}
		})
	}

	// By hand: the admin rejects one pending referral and approves the other
	// (inside the return window: the admin's call); each decision is final.
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "7", auth.ScopeAdmin)}
	pending := s.referrals(st, "?state=pending")
	if len(pending) != 2 {
		t.Fatalf("pending: %+v", pending)
	}
	if r := s.do("POST", "/v1/admin/referrals/"+pending[0].ID+"/reject", nil, admin); r.Status != http.StatusOK {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	r := s.do("POST", "/v1/admin/referrals/"+pending[1].ID+"/approve", nil, admin)
	var approved referralItem
	r.json(t, &approved)
	if r.Status != http.StatusOK || approved.State != "approved" || approved.DecidedBy != "admin:7" {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if r := s.do("POST", "/v1/admin/referrals/"+pending[1].ID+"/approve", nil, admin); r.Status != http.StatusConflict {
		t.Fatalf("approving twice: %d %s", r.Status, r.Body)
	}
	if r := s.do("POST", "/v1/admin/referrals/"+pending[0].ID+"/approve", nil, admin); r.Status != http.StatusConflict {
		t.Fatalf("approving a rejected referral: %d %s", r.Status, r.Body)
	}
	if r := s.do("POST", "/v1/admin/referrals/999999/approve", nil, admin); r.Status != http.StatusNotFound {
		t.Fatalf("unknown referral: %d %s", r.Status, r.Body)
	}
	s.requireBalance(st, 30, 100, 45+45) // the reward at once; the referrer's own two orders still pending
	byHand := 0
	for _, r := range s.referrals(st, "?state=rejected") {
		if r.ID == pending[0].ID && r.DecidedBy == "admin:7" && r.Reason == "rejected_by_admin" {
			byHand++
		}
	}
	if byHand != 1 {
		t.Fatalf("the referral rejected by hand is not recorded with the admin and the reason: %+v", s.referrals(st, "?state=rejected"))
	}
	s.audit()
}

// TestReferralsOffByDefault: a store without the program answers 404 on the
// shopper's page and ignores codes on orders.
func TestReferralsOffByDefault(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	if r := s.get("/v1/me/referral", s.token(st, "5", auth.ScopeShopper)); r.Status != http.StatusNotFound {
		t.Fatalf("GET /v1/me/referral without the program: %d %s", r.Status, r.Body)
	}
	s.deliver(st, "order.updated", friendOrder(7001, 6, "BCDFGHJKM", s.clock.Now()).JSON())
	if got := s.referrals(st, ""); len(got) != 0 {
		t.Fatalf("referrals without the program: %+v", got)
	}
	s.audit()
}

// TestRecurringReferralCommission: with 10 percent for 6 months, each paid
// order of the friend pays the referrer 10 percent of its points (rounded
// down), pending until the order's return window ends; a partial refund
// lowers the commission through reconciliation; an order after the window
// pays none; duplicate deliveries change nothing.
func TestRecurringReferralCommission(t *testing.T) {
	s := startService(t)
	st := s.newStore("--return-days", "14", "--referral-enabled=true", "--referrer-points", "100", "--referrer-percent", "10",
		"--referrer-months", "6")
	t0 := s.clock.Now()
	code := s.myReferral(st, 50).Code

	// Three orders of 45 points: 10 percent is 4 each.
	first := friendOrder(8001, 60, code, t0)
	second := usd(8002, 60, "completed", t0.Add(time.Hour))
	second.Address = first.Address
	third := usd(8003, 60, "completed", t0.Add(2*time.Hour))
	third.Address = first.Address
	for _, o := range []order{first, second, third, second} {
		s.deliver(st, "order.updated", o.JSON())
	}
	s.requireBalance(st, 50, 0, 12)
	// Half of the second order refunded: 22 points left, commission 2.
	second.Refunds, second.Modified = []string{"-27.00"}, t0.Add(3*time.Hour)
	s.deliver(st, "order.updated", second.JSON())
	s.requireBalance(st, 50, 0, 10)

	// Past the return window: the fixed reward and the commissions are available.
	s.clock.Advance(15 * 24 * time.Hour)
	s.waitReferral(st, 60, "approved")
	deadline := time.Now().Add(10 * time.Second)
	for s.balance(st, 50).Pending != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	s.requireBalance(st, 50, 100+10, 0)

	// Seven months on, a new order pays no commission.
	s.clock.Advance(200 * 24 * time.Hour)
	late := usd(8004, 60, "completed", s.clock.Now())
	late.Address = first.Address
	s.deliver(st, "order.updated", late.JSON())
	s.requireBalance(st, 50, 110, 0)
	var kinds []string
	for _, a := range s.activity(st, 50) {
		kinds = append(kinds, a.Kind)
	}
	if got := strings.Count(strings.Join(kinds, ","), "referral_commission"); got != 7 { // 3 earned, 1 reduced, 3 matured
		t.Fatalf("referrer's activity: %v", kinds)
	}
	s.audit()
}

// TestReferralWelcomeReward: a friend who arrived with a code gets the
// store's welcome reward once, holding no points; the referrer's own code,
// an unknown code and a customer who ordered before get none; the reward's
// code on the friend's first order is used like any reward and moves no
// points; audit holds.
func TestReferralWelcomeReward(t *testing.T) {
	s := startService(t)
	st := s.newStore("--referral-enabled=true", "--referrer-points", "100")
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin)}
	r := s.do("POST", "/v1/admin/rewards", []byte(`{"kind":"percent_discount","names":{"en":"10% off your first order"},"points_cost":1,
		"percent":10,"value_minor":1000,"min_subtotal_minor":2000}`), admin)
	var reward struct {
		ID string `json:"id"`
	}
	r.json(t, &reward)
	if r := s.do("PATCH", "/v1/admin/program", []byte(`{"referee_reward":`+reward.ID+`}`), admin); r.Status != http.StatusOK {
		t.Fatalf("set referee_reward: %d %s", r.Status, r.Body)
	}
	code := s.myReferral(st, 50).Code
	welcome := func(customer int64, code string) (int, map[string]any) {
		r := s.do("POST", "/v1/me/referral/welcome", []byte(`{"code":"`+code+`"}`),
			map[string]string{"Authorization": "Bearer " + s.token(st, fmt.Sprint(customer), auth.ScopeShopper)})
		var out map[string]any
		r.json(t, &out)
		return r.Status, out
	}
	status, gift := welcome(70, strings.ToLower(code))
	if status != http.StatusCreated || gift["points"] != float64(0) || gift["kind"] != "percent_discount" || gift["min_subtotal_minor"] != float64(2000) {
		t.Fatalf("welcome: %d %v", status, gift)
	}
	if status, again := welcome(70, code); status != http.StatusOK || again["code"] != gift["code"] {
		t.Fatalf("welcome again: %d %v", status, again)
	}
	if status, _ := welcome(50, code); status != http.StatusConflict {
		t.Fatalf("own code: %d", status)
	}
	if status, _ := welcome(71, "NOPE2345X"); status != http.StatusBadRequest {
		t.Fatalf("unknown code: %d", status)
	}
	s.deliver(st, "order.updated", usd(9100, 72, "completed", s.clock.Now()).JSON())
	s.drain(st)
	if status, _ := welcome(72, code); status != http.StatusConflict {
		t.Fatalf("a customer who ordered before: %d", status)
	}

	// The friend's first order uses the gift: 10 percent off, no points move for it.
	o := friendOrder(9001, 70, code, s.clock.Now())
	o.Total, o.Coupons = "49.50", map[string]string{gift["code"].(string): "4.50"}
	s.deliver(st, "order.updated", o.JSON())
	var used bool
	for _, red := range s.redemptions(st, 70) {
		used = used || (red.Code == gift["code"] && red.State == "used")
	}
	if !used {
		t.Fatalf("the welcome reward is not used: %+v", s.redemptions(st, 70))
	}
	s.requireBalance(st, 70, 40, 0) // 49.50 - 4.00 tax - 5.00 shipping = 40.50 earns 40
	s.waitReferral(st, 70, "approved")
	s.requireBalance(st, 50, 100, 0)
	s.audit()
}
