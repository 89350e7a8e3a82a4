package loyalty

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// usdProgram earns 1 point per dollar with no return window.
func usdProgram() Program { return DefaultProgram() }

// paidState is an order that earned 45 available points for customer 5.
func paidState() OrderState {
	return OrderState{OrderID: 1, Customer: 5, Status: "completed", Total: 5400, Net: 4500, DateModified: t0,
		AppliedDelivery: 10, Terms: &OrderTerms{Rule: EarnRule{Points: 1, Per: 1, Exponent: 2}, FirstPaidAt: t0, MaturesAt: t0},
		Holding: OrderHolding{Available: 45}, Matured: true, Revision: 1}
}

func snap(status string, modified time.Time) OrderSnapshot {
	return OrderSnapshot{OrderID: 1, Status: status, CustomerID: 9, Total: 5400, TotalTax: 400, ShippingTotal: 500, DateModified: modified}
}

// checkBalanced fails when a transaction of the outcome is malformed.
func checkBalanced(t *testing.T, out Outcome) {
	t.Helper()
	for _, tx := range out.Transactions {
		if _, err := tx.Entries(); err != nil {
			t.Fatalf("transaction %s is malformed: %v", tx.Key, err)
		}
	}
}

func TestReconcileOrder(t *testing.T) {
	deleted := paidState()
	deleted.Deleted, deleted.Status, deleted.Holding, deleted.Revision = true, "trash", OrderHolding{}, 2
	windowed := usdProgram()
	windowed.ReturnDays = 14
	frozen := paidState()
	frozen.Holding, frozen.Revision = OrderHolding{}, 0
	tests := []struct {
		name     string
		state    OrderState
		snap     OrderSnapshot
		program  Program
		customer int64
		delivery Delivery
		result   string
		changed  bool
		postings []Posting
		kind     string
		holding  OrderHolding
		note     string
	}{
		{"first paid snapshot earns to available", NewOrderState(1), snap("processing", t0), usdProgram(), 5, Delivery{ID: 1},
			InboxDone, true, []Posting{{SystemAccount(AccountIssued), CustomerAccount(AccountAvailable, 5), 45}}, KindOrderEarn, OrderHolding{Available: 45}, ""},
		{"inside the return window points are pending", NewOrderState(1), snap("completed", t0), windowed, 5, Delivery{ID: 1},
			InboxDone, true, []Posting{{SystemAccount(AccountIssued), CustomerAccount(AccountPending, 5), 45}}, KindOrderEarn, OrderHolding{Pending: 45}, ""},
		{"unpaid earns nothing", NewOrderState(1), snap("on-hold", t0), usdProgram(), 5, Delivery{ID: 1},
			InboxDone, true, nil, "", OrderHolding{}, ""},
		{"stale by date", paidState(), snap("cancelled", t0.Add(-time.Minute)), usdProgram(), 5, Delivery{ID: 11},
			InboxDone, false, nil, "", OrderHolding{Available: 45}, "older date_modified_gmt"},
		{"tie on date: the earlier delivery loses", paidState(), snap("cancelled", t0), usdProgram(), 5, Delivery{ID: 9},
			InboxDone, false, nil, "", OrderHolding{Available: 45}, "received earlier"},
		{"tie on date: the later delivery wins", paidState(), snap("cancelled", t0), usdProgram(), 5, Delivery{ID: 11},
			InboxDone, true, []Posting{{CustomerAccount(AccountAvailable, 5), SystemAccount(AccountIssued), 45}}, KindOrderReversal, OrderHolding{}, ""},
		{"no dates: receipt order decides", func() OrderState { s := paidState(); s.DateModified = time.Time{}; return s }(), snap("completed", time.Time{}), usdProgram(), 5, Delivery{ID: 9},
			InboxDone, false, nil, "", OrderHolding{Available: 45}, "older delivery"},
		{"deleted then an older snapshot stays deleted", deleted, snap("completed", t0), usdProgram(), 5, Delivery{ID: 12},
			InboxDone, false, nil, "", OrderHolding{}, "deleted"},
		{"deleted then a clearly newer snapshot comes back", deleted, snap("completed", t0.Add(time.Hour)), usdProgram(), 5, Delivery{ID: 12},
			InboxDone, true, []Posting{{SystemAccount(AccountIssued), CustomerAccount(AccountAvailable, 5), 45}}, KindOrderEarn, OrderHolding{Available: 45}, ""},
		{"deleted then restored with the same date", deleted, snap("completed", t0), usdProgram(), 5, Delivery{ID: 12, Restores: true},
			InboxDone, true, []Posting{{SystemAccount(AccountIssued), CustomerAccount(AccountAvailable, 5), 45}}, KindOrderEarn, OrderHolding{Available: 45}, ""},
		{"the frozen rule wins over the program's", frozen, snap("completed", t0.Add(time.Hour)), Program{Currency: "USD", CurrencyExponent: 2, EarnPoints: 10, EarnPer: 1, RedeemPoints: 1}, 5, Delivery{ID: 11},
			InboxDone, true, []Posting{{SystemAccount(AccountIssued), CustomerAccount(AccountAvailable, 5), 45}}, KindOrderEarn, OrderHolding{Available: 45}, ""},
		{"partial refund reverses the refunded share", paidState(), func() OrderSnapshot { s := snap("completed", t0.Add(time.Hour)); s.Refunded = 1080; return s }(), usdProgram(), 5, Delivery{ID: 11},
			InboxDone, true, []Posting{{CustomerAccount(AccountAvailable, 5), SystemAccount(AccountIssued), 9}}, KindOrderReversal, OrderHolding{Available: 36}, ""},
		{"refunds above the total reverse everything, nothing negative", paidState(), func() OrderSnapshot { s := snap("completed", t0.Add(time.Hour)); s.Refunded = 9999; return s }(), usdProgram(), 5, Delivery{ID: 11},
			InboxDone, true, []Posting{{CustomerAccount(AccountAvailable, 5), SystemAccount(AccountIssued), 45}}, KindOrderReversal, OrderHolding{}, ""},
		{"zero totals post nothing", NewOrderState(1), OrderSnapshot{OrderID: 1, Status: "completed", CustomerID: 9, DateModified: t0}, usdProgram(), 5, Delivery{ID: 1},
			InboxDone, true, nil, "", OrderHolding{}, ""},
		{"checkout draft is ignored", NewOrderState(1), snap("checkout-draft", t0), usdProgram(), 5, Delivery{ID: 1},
			InboxIgnored, false, nil, "", OrderHolding{}, "draft"},
		{"auto-draft is ignored", NewOrderState(1), snap("auto-draft", t0), usdProgram(), 5, Delivery{ID: 1},
			InboxIgnored, false, nil, "", OrderHolding{}, "draft"},
		{"change of owner gives everything back and earns anew", paidState(), snap("completed", t0.Add(time.Hour)), usdProgram(), 6, Delivery{ID: 11},
			InboxDone, true, []Posting{{CustomerAccount(AccountAvailable, 5), SystemAccount(AccountIssued), 45}, {SystemAccount(AccountIssued), CustomerAccount(AccountAvailable, 6), 45}},
			KindOrderReversal, OrderHolding{Available: 45}, ""},
		{"no customer any more: everything goes back", paidState(), snap("completed", t0.Add(time.Hour)), usdProgram(), 0, Delivery{ID: 11},
			InboxDone, true, []Posting{{CustomerAccount(AccountAvailable, 5), SystemAccount(AccountIssued), 45}}, KindOrderReversal, OrderHolding{}, "no customer id or e-mail"},
		{"points that overflow 64 bits flag the delivery", NewOrderState(1), OrderSnapshot{OrderID: 1, Status: "completed", Total: 1 << 62, DateModified: t0},
			Program{Currency: "USD", CurrencyExponent: 2, EarnPoints: 1000, EarnPer: 1, RedeemPoints: 1}, 5, Delivery{ID: 1},
			InboxFlagged, false, nil, "", OrderHolding{}, "64 bits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ReconcileOrder(tt.state, tt.snap, tt.program, tt.customer, EarnContext{}, tt.delivery, t0.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			checkBalanced(t, out)
			if out.Result != tt.result || out.Changed != tt.changed {
				t.Fatalf("result %s changed %v, want %s %v (note %q)", out.Result, out.Changed, tt.result, tt.changed, out.Note)
			}
			if tt.note != "" && !contains(out.Note, tt.note) {
				t.Fatalf("note %q does not say %q", out.Note, tt.note)
			}
			var got []Posting
			if len(out.Transactions) > 1 {
				t.Fatalf("%d transactions, want at most one", len(out.Transactions))
			}
			if len(out.Transactions) == 1 {
				tx := out.Transactions[0]
				got = tx.Postings
				if tx.Kind != tt.kind || tx.Key != OrderRevisionKey(1, out.Order.Revision) || tx.OrderID != 1 {
					t.Fatalf("transaction %s kind %s for order %d, want kind %s key %s", tx.Key, tx.Kind, tx.OrderID, tt.kind, OrderRevisionKey(1, out.Order.Revision))
				}
				if out.Order.Revision != tt.state.Revision+1 {
					t.Fatalf("revision %d, want %d", out.Order.Revision, tt.state.Revision+1)
				}
			}
			if len(got) != len(tt.postings) {
				t.Fatalf("postings %+v, want %+v", got, tt.postings)
			}
			for i := range got {
				if got[i] != tt.postings[i] {
					t.Fatalf("posting %d = %+v, want %+v", i, got[i], tt.postings[i])
				}
			}
			if out.Order.Holding != tt.holding {
				t.Fatalf("holding %+v, want %+v", out.Order.Holding, tt.holding)
			}
			if out.Order.Holding.Pending < 0 || out.Order.Holding.Available < 0 {
				t.Fatalf("negative holding %+v", out.Order.Holding)
			}
		})
	}
}

func TestReconcileOrderFreezesTermsAtFirstPayment(t *testing.T) {
	p := usdProgram()
	p.ReturnDays = 14
	paidAt := t0.Add(-2 * time.Hour)
	s := snap("processing", t0)
	s.DatePaid = paidAt
	out, err := ReconcileOrder(NewOrderState(1), s, p, 5, EarnContext{}, Delivery{ID: 1}, t0)
	if err != nil {
		t.Fatal(err)
	}
	terms := out.Order.Terms
	if terms == nil || terms.Rule != p.EarnRule() || !terms.FirstPaidAt.Equal(paidAt) || !terms.MaturesAt.Equal(paidAt.Add(14*24*time.Hour)) {
		t.Fatalf("terms %+v; want the program's rule, paid at %s, maturing 14 days later", terms, paidAt)
	}
	future := snap("processing", t0)
	future.DatePaid = t0.Add(time.Hour) // a paid date from the future is not trusted
	out, _ = ReconcileOrder(NewOrderState(1), future, p, 5, EarnContext{}, Delivery{ID: 1}, t0)
	if !out.Order.Terms.FirstPaidAt.Equal(t0) {
		t.Fatalf("first paid %s, want now %s", out.Order.Terms.FirstPaidAt, t0)
	}
	unpaid, _ := ReconcileOrder(NewOrderState(1), snap("pending", t0), p, 5, EarnContext{}, Delivery{ID: 1}, t0)
	if unpaid.Order.Terms != nil {
		t.Fatal("an unpaid order froze terms")
	}
}

func TestReconcileOrderRefusesToMoveANegativeHolding(t *testing.T) {
	s := paidState()
	s.Holding = OrderHolding{Pending: 10, Available: -3}
	_, err := ReconcileOrder(s, snap("completed", t0.Add(time.Hour)), usdProgram(), 6, EarnContext{}, Delivery{ID: 11}, t0)
	if ErrorCode(err) != EInternal {
		t.Fatalf("err = %v, want internal", err)
	}
}

func TestDeleteOrder(t *testing.T) {
	pending := paidState()
	pending.Holding = OrderHolding{Pending: 10, Available: 35}
	restored := paidState()
	restored.Restored = true
	tests := []struct {
		name     string
		state    OrderState
		postings []Posting
		changed  bool
	}{
		{"gives everything back, pending first", pending, []Posting{
			{CustomerAccount(AccountPending, 5), SystemAccount(AccountIssued), 10}, {CustomerAccount(AccountAvailable, 5), SystemAccount(AccountIssued), 35}}, true},
		{"nothing held: no transaction", NewOrderState(1), nil, true},
		{"after a restore a delete waits for the store's confirmation", restored, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := DeleteOrder(tt.state, Delivery{ID: 20}, t0)
			checkBalanced(t, out)
			if out.Changed != tt.changed {
				t.Fatalf("changed %v, want %v", out.Changed, tt.changed)
			}
			if !tt.changed {
				if len(out.Transactions) > 0 || out.Order.Deleted {
					t.Fatalf("an unconfirmed delete did something: %+v", out)
				}
				return
			}
			if !out.Order.Deleted || out.Order.Status != "trash" || out.Order.AppliedDelivery != 20 || out.Order.Revision != tt.state.Revision+1 {
				t.Fatalf("state %+v", out.Order)
			}
			var got []Posting
			if len(out.Transactions) == 1 {
				got = out.Transactions[0].Postings
				if out.Transactions[0].Kind != KindOrderReversal {
					t.Fatalf("kind %s", out.Transactions[0].Kind)
				}
			}
			if len(got) != len(tt.postings) {
				t.Fatalf("postings %+v, want %+v", got, tt.postings)
			}
			for i := range got {
				if got[i] != tt.postings[i] {
					t.Fatalf("posting %d = %+v, want %+v", i, got[i], tt.postings[i])
				}
			}
		})
	}
}

func TestNoteRefundAndMatureOrder(t *testing.T) {
	out := NoteRefund(paidState())
	if !out.Changed || !out.Order.RefundSeen || len(out.Transactions) != 0 {
		t.Fatalf("NoteRefund = %+v", out)
	}
	s := paidState()
	s.Holding, s.Matured = OrderHolding{Pending: 45}, false
	s.Terms.MaturesAt = t0.Add(time.Hour)
	if out := MatureOrder(s, t0); out.Changed {
		t.Fatal("matured inside the window")
	}
	out = MatureOrder(s, t0.Add(time.Hour))
	checkBalanced(t, out)
	if !out.Changed || !out.Order.Matured || out.Order.Holding != (OrderHolding{Available: 45}) || len(out.Transactions) != 1 ||
		out.Transactions[0].Kind != KindOrderMature || out.Transactions[0].Key != OrderRevisionKey(1, 2) {
		t.Fatalf("MatureOrder = %+v", out)
	}
	nothing := paidState()
	nothing.Matured = false
	if out := MatureOrder(nothing, t0.Add(time.Hour)); !out.Changed || !out.Order.Matured || len(out.Transactions) != 0 {
		t.Fatalf("nothing pending: %+v", out)
	}
	if out := MatureOrder(NewOrderState(1), t0); out.Changed {
		t.Fatal("an order without terms matured")
	}
}

func TestMergeGuest(t *testing.T) {
	m := MergeGuest(Guest{ID: 3, Balance: Balance{Available: 30, Pending: 15, Lifetime: 45}}, 8, t0)
	if !m.Link || m.Lifetime != 45 || m.Transaction == nil || m.Transaction.Key != MergeKey(3, 8) || len(m.Transaction.Postings) != 2 {
		t.Fatalf("merge = %+v", m)
	}
	neg := MergeGuest(Guest{ID: 3, Balance: Balance{Available: -5}}, 8, t0)
	if p := neg.Transaction.Postings[0]; p.From != CustomerAccount(AccountAvailable, 8) || p.To != CustomerAccount(AccountAvailable, 3) || p.Amount != 5 {
		t.Fatalf("a negative guest balance moves the other way: %+v", p)
	}
	if empty := MergeGuest(Guest{ID: 3}, 8, t0); !empty.Link || empty.Transaction != nil {
		t.Fatalf("empty guest: %+v", empty)
	}
	if other := MergeGuest(Guest{ID: 3, MergedInto: 9, Balance: Balance{Available: 5}}, 8, t0); other.Link || other.Transaction != nil || !contains(other.Note, "another customer") {
		t.Fatalf("guest of another customer: %+v", other)
	}
}

func TestAdjustment(t *testing.T) {
	long := make([]byte, 501)
	for i := range long {
		long[i] = 'x'
	}
	tests := []struct {
		name string
		a    Adjustment
		ok   bool
	}{
		{"valid", Adjustment{CustomerID: 1, Points: 50, Reason: "gift", Key: "k"}, true},
		{"no customer", Adjustment{Points: 50, Reason: "gift", Key: "k"}, false},
		{"zero points", Adjustment{CustomerID: 1, Reason: "gift", Key: "k"}, false},
		{"too many points", Adjustment{CustomerID: 1, Points: 2e12, Reason: "gift", Key: "k"}, false},
		{"blank reason", Adjustment{CustomerID: 1, Points: 5, Reason: "  ", Key: "k"}, false},
		{"long reason", Adjustment{CustomerID: 1, Points: 5, Reason: string(long), Key: "k"}, false},
		{"no key", Adjustment{CustomerID: 1, Points: 5, Reason: "gift"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.a.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tt.ok)
			}
		})
	}
	tx := Adjustment{CustomerID: 1, Points: -20, Reason: " fix ", Key: "k", Actor: "admin:2"}.Transaction(7, t0)
	if tx.Key != "adjust:k" || tx.Reason != "fix" || tx.Postings[0] != (Posting{CustomerAccount(AccountAvailable, 7), SystemAccount(AccountAdjusted), 20}) {
		t.Fatalf("transaction %+v", tx)
	}
}

func TestProgramSettingsNameEveryField(t *testing.T) {
	var p Program
	want := []string{"currency", "currency_exponent", "earn_points", "earn_per", "return_days", "redeem_points", "redeem_value_minor",
		"redeem_min_points", "redeem_max_points", "redeem_max_share_percent", "redeem_return_on_refund",
		"referral_enabled", "referrer_points", "referrer_percent", "referrer_months", "referee_points", "referee_reward", "referral_min_order_minor", "referral_monthly_cap",
		"referral_new_customers_only", "earn_min_subtotal_minor", "first_order_bonus", "tier_grace_days", "expire_months", "expire_inactive_months", "time_zone", "churn_days",
		"signup_points", "birthday_points", "anniversary_points", "anniversary_from", "review_points", "survey_points", "survey_reward",
		"survey_question", "winback_days", "winback_points", "winback_reward", "expiry_reminder_days"}
	got := p.Settings()
	if len(got) != len(want) {
		t.Fatalf("%d settings, want %d", len(got), len(want))
	}
	for i, s := range got {
		if s.Name != want[i] {
			t.Fatalf("setting %d is %s, want %s", i, s.Name, want[i])
		}
	}
	*got[2].Value.(*int64) = 7
	if p.EarnPoints != 7 || got[1].Flag() != "currency-exponent" {
		t.Fatal("a setting's value must point into the program and its flag use dashes")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
