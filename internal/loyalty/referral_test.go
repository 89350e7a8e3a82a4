package loyalty

import (
	"testing"
	"time"
)

func TestNormalizeMailbox(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Amir.Karimi@Gmail.com", "amirkarimi@gmail.com"},
		{"amirkarimi+shop@googlemail.com", "amirkarimi@gmail.com"},
		{"sara.a+x@example.ir", "sara.a@example.ir"}, // dots matter outside Gmail
		{" sara@example.ir ", "sara@example.ir"},
		{"+tag@example.com", ""},
		{"not-an-address", ""},
		{"@example.com", ""},
	} {
		if got := NormalizeMailbox(c.in); got != c.want {
			t.Errorf("NormalizeMailbox(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"+98 912 345 6789", "9123456789"},
		{"0912-345-6789", "9123456789"},
		{"۰۹۱۲ ۳۴۵ ۶۷۸۹", "9123456789"},
		{"٠٩١٢٣٤٥٦٧٨٩", "9123456789"},
		{"12345", ""},
		{"", ""},
	} {
		if got := NormalizePhone(c.in); got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeAddress(t *testing.T) {
	a := NormalizeAddress("12 Valiasr St.", "", "Tehran", "", "IR")
	if b := NormalizeAddress("12  valiasr st", "", "TEHRAN", "", "ir"); a != b || a == "" {
		t.Fatalf("spacing and case hide the same address: %q vs %q", a, b)
	}
	if c := NormalizeAddress("۱۲ Valiasr St", "", "Tehran", "", "IR"); c != a {
		t.Fatalf("Persian digits: %q vs %q", c, a)
	}
	if NormalizeAddress("", "", "", "", "IR") != "" {
		t.Fatal("a country alone is not an address")
	}
}

func TestReferralCodes(t *testing.T) {
	code := NewReferralCode([]byte{0, 1, 2, 3, 4, 5, 6, 7, 255})
	if len(code) != ReferralCodeLength {
		t.Fatalf("code %q", code)
	}
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"k7qxm4tzb", "K7QXM4TZB", true},
		{" K7QXM4TZB ", "K7QXM4TZB", true},
		{"<script>", "", false},
		{"AB12", "", false},
		{"AMIR-7Q", "", false},
		{"کدمعرف۱۲", "", false},
		{"ABCDEFGHIJKLMNOPQ", "", false},
	} {
		got, ok := NormalizeReferralCode(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeReferralCode(%q) = %q %v", c.in, got, ok)
		}
	}
}

func TestNewReferralChecks(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	fp := func(s string) [][]byte { return [][]byte{Fingerprint(1, s)} }
	referrer := Party{Customer: 10, Mailboxes: fp("amir@gmail.com"), Phones: fp("9123456789"), Addresses: fp("a|b|")}
	friend := Party{Customer: 20, Mailboxes: fp("negin@example.ir"), Phones: fp("9350000000"), Addresses: fp("c|d|")}
	p := DefaultProgram()
	p.ReferralEnabled, p.ReferralMinOrderMinor, p.ReferralMonthlyCap = true, 2000, 3
	facts := ReferralFacts{OrderID: 5, OrderNet: 4500, ReferrerMonth: 0, FirstPaidAt: now, OrderMaturesAt: now.Add(24 * time.Hour)}
	with := func(f func(*Party, *ReferralFacts)) (Party, ReferralFacts) {
		fr, fa := friend, facts
		f(&fr, &fa)
		return fr, fa
	}
	for _, c := range []struct {
		name   string
		change func(*Party, *ReferralFacts)
		reason string
	}{
		{"passes", func(*Party, *ReferralFacts) {}, ""},
		{"self", func(f *Party, _ *ReferralFacts) { f.Customer = 10 }, ReasonSelfReferral},
		{"mailbox", func(f *Party, _ *ReferralFacts) { f.Mailboxes = append(f.Mailboxes, referrer.Mailboxes[0]) }, ReasonSameEmail},
		{"phone", func(f *Party, _ *ReferralFacts) { f.Phones = referrer.Phones }, ReasonSamePhone},
		{"address", func(f *Party, _ *ReferralFacts) { f.Addresses = referrer.Addresses }, ReasonSameAddress},
		{"no phone on either side is no match", func(f *Party, _ *ReferralFacts) { f.Phones = [][]byte{nil} }, ""},
		{"returning", func(_ *Party, f *ReferralFacts) { f.OrderedBefore = true }, ReasonReturning},
		{"below minimum", func(_ *Party, f *ReferralFacts) { f.OrderNet = 1999 }, ReasonBelowMinimum},
		{"at the minimum", func(_ *Party, f *ReferralFacts) { f.OrderNet = 2000 }, ""},
		{"cap reached", func(_ *Party, f *ReferralFacts) { f.ReferrerMonth = 3 }, ReasonMonthlyCap},
		{"under the cap", func(_ *Party, f *ReferralFacts) { f.ReferrerMonth = 2 }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			fr, fa := with(c.change)
			r := NewReferral(p, "K7QXM4TZB", referrer, fr, fa, now)
			want := ReferralPending
			if c.reason != "" {
				want = ReferralRejected
			}
			if r.State != want || r.Reason != c.reason {
				t.Fatalf("state %s reason %q, want %s %q", r.State, r.Reason, want, c.reason)
			}
			if r.MaturesAt != fa.OrderMaturesAt {
				t.Fatalf("matures at %v", r.MaturesAt)
			}
		})
	}
	// Returning friends count when the store does not ask for new customers.
	p.ReferralNewCustomersOnly = false
	if r := NewReferral(p, "K7QXM4TZB", referrer, friend, ReferralFacts{OrderedBefore: true, OrderNet: 4500}, now); r.State != ReferralPending {
		t.Fatalf("returning friend with new-customers-only off: %s %s", r.State, r.Reason)
	}
}

func TestApproveReferralPostsOnce(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := DefaultProgram()
	p.ReferrerPoints, p.RefereePoints = 500, 200
	r := Referral{ID: 7, Referrer: 10, Friend: 20, OrderID: 5, State: ReferralPending}
	next, txns, err := ApproveReferral(r, p, ActorSystem, now)
	if err != nil || next.State != ReferralApproved || len(txns) != 2 {
		t.Fatalf("approve: %+v %v %v", next, txns, err)
	}
	if txns[0].Key != "referral:7:referral_reward" || txns[0].Customer != 10 || txns[0].Postings[0].Amount != 500 ||
		txns[1].Key != "referral:7:referral_welcome" || txns[1].Customer != 20 || txns[1].Postings[0].Amount != 200 {
		t.Fatalf("transactions: %+v", txns)
	}
	for _, tx := range txns {
		if _, err := tx.Entries(); err != nil {
			t.Fatalf("entries: %v", err)
		}
	}
	if _, _, err := ApproveReferral(next, p, ActorSystem, now); ErrorCode(err) != EConflict {
		t.Fatalf("approving twice: %v", err)
	}
	if _, err := RejectReferral(next, ReasonRejectedByHand, "admin:1", now); ErrorCode(err) != EConflict {
		t.Fatalf("rejecting an approved referral: %v", err)
	}
	p.ReferrerPoints, p.RefereePoints = 0, 0
	if _, txns, _ := ApproveReferral(r, p, ActorSystem, now); len(txns) != 0 {
		t.Fatalf("a store that gives nothing posts nothing: %+v", txns)
	}
}

func TestCommission(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := DefaultProgram()
	p.ReferrerPercent, p.ReferrerMonths = 10, 6
	r := Referral{ID: 3, Referrer: 10, Friend: 20, OrderID: 100, State: ReferralPending, CreatedAt: t0}
	for _, c := range []struct {
		name    string
		p       func(Program) Program
		r       func(Referral) Referral
		orderID int64
		paidAt  time.Time
		want    bool
	}{
		{"the referral's order", nil, nil, 100, t0, true},
		{"a later order in the window", nil, nil, 101, t0.AddDate(0, 5, 29), true},
		{"an order after the window", nil, nil, 101, t0.AddDate(0, 6, 0), false},
		{"first order only", func(p Program) Program { p.ReferrerMonths = 0; return p }, nil, 101, t0.Add(time.Hour), false},
		{"first order only, the first order", func(p Program) Program { p.ReferrerMonths = 0; return p }, nil, 100, t0, true},
		{"no percent", func(p Program) Program { p.ReferrerPercent = 0; return p }, nil, 100, t0, false},
		{"rejected referral", nil, func(r Referral) Referral { r.State = ReferralRejected; return r }, 100, t0, false},
	} {
		pp, rr := p, r
		if c.p != nil {
			pp = c.p(pp)
		}
		if c.r != nil {
			rr = c.r(rr)
		}
		if got := CommissionApplies(pp, rr, c.orderID, c.paidAt); got != c.want {
			t.Errorf("%s: CommissionApplies = %v", c.name, got)
		}
	}

	c := Commission{OrderID: 100, Referral: 3, Referrer: 10, Percent: 10, MaturesAt: t0.Add(14 * 24 * time.Hour)}
	c, tx := ReconcileCommission(c, 45, t0)
	if tx == nil || c.Holding != (OrderHolding{Pending: 4}) || tx.Key != "commission:100:rev:1" || tx.Kind != KindReferralCommission {
		t.Fatalf("45 points at 10%%: %+v %+v", c, tx)
	}
	if again, tx := ReconcileCommission(c, 45, t0); tx != nil || again != c {
		t.Fatalf("the same points again posted %+v", tx)
	}
	c, tx = ReconcileCommission(c, 22, t0.Add(time.Hour))
	if tx == nil || c.Holding != (OrderHolding{Pending: 2}) || c.Revision != 2 {
		t.Fatalf("refunded to 22 points: %+v %+v", c, tx)
	}
	if _, tx := MatureCommission(c, t0.Add(13*24*time.Hour)); tx != nil {
		t.Fatal("matured inside the window")
	}
	c, tx = MatureCommission(c, t0.Add(14*24*time.Hour))
	if tx == nil || c.Holding != (OrderHolding{Available: 2}) {
		t.Fatalf("matured: %+v %+v", c, tx)
	}
	for _, tx := range []*Transaction{tx} {
		if _, err := tx.Entries(); err != nil {
			t.Fatal(err)
		}
	}
	c, tx = ReconcileCommission(c, 0, t0.Add(20*24*time.Hour))
	if tx == nil || c.Holding != (OrderHolding{}) {
		t.Fatalf("refunded in full after maturity: %+v %+v", c, tx)
	}
}
