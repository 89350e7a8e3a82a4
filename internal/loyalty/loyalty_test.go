package loyalty

import (
	"strings"
	"testing"
)

func TestOrderPoints(t *testing.T) {
	usd := EarnRule{Points: 1, Per: 1, Exponent: 2}
	irr := EarnRule{Points: 1, Per: 10000, Exponent: 0}
	tests := []struct {
		name string
		rule EarnRule
		o    OrderSnapshot
		want int64
	}{
		{"usd paid", usd, OrderSnapshot{Status: "processing", Total: 5400, TotalTax: 400, ShippingTotal: 500}, 45},
		{"usd completed", usd, OrderSnapshot{Status: "completed", Total: 5400, TotalTax: 400, ShippingTotal: 500}, 45},
		{"partial refund is proportional", usd, OrderSnapshot{Status: "completed", Total: 5400, TotalTax: 400, ShippingTotal: 500, Refunded: 1080}, 36},
		{"full refund", usd, OrderSnapshot{Status: "completed", Total: 5400, TotalTax: 400, ShippingTotal: 500, Refunded: 5400}, 0},
		{"over refund", usd, OrderSnapshot{Status: "completed", Total: 5400, Refunded: 9999}, 0},
		{"rounds down", usd, OrderSnapshot{Status: "completed", Total: 4599}, 45},
		{"double rate", EarnRule{Points: 2, Per: 1, Exponent: 2}, OrderSnapshot{Status: "completed", Total: 4599}, 91},
		{"1 point per 10,000 IRR", irr, OrderSnapshot{Status: "completed", Total: 15750000, TotalTax: 750000, ShippingTotal: 500000}, 1450},
		{"IRR amounts that overflow int64 when multiplied", irr,
			OrderSnapshot{Status: "completed", Total: 90_000_000_000_000, Refunded: 0}, 9_000_000_000},
		{"IRR overflow with refund", irr,
			OrderSnapshot{Status: "completed", Total: 90_000_000_000_000, Refunded: 30_000_000_000_000}, 6_000_000_000},
		{"zero total", usd, OrderSnapshot{Status: "completed"}, 0},
		{"zero rate", EarnRule{Points: 0, Per: 1, Exponent: 2}, OrderSnapshot{Status: "completed", Total: 5400}, 0},
		{"pending", usd, OrderSnapshot{Status: "pending", Total: 5400}, 0},
		{"on-hold", usd, OrderSnapshot{Status: "on-hold", Total: 5400}, 0},
		{"cancelled", usd, OrderSnapshot{Status: "cancelled", Total: 5400}, 0},
		{"refunded", usd, OrderSnapshot{Status: "refunded", Total: 5400}, 0},
		{"failed", usd, OrderSnapshot{Status: "failed", Total: 5400}, 0},
		{"trash", usd, OrderSnapshot{Status: "trash", Total: 5400}, 0},
		{"checkout-draft", usd, OrderSnapshot{Status: "checkout-draft", Total: 5400}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.o.Points(tt.rule)
			if err != nil || got != tt.want {
				t.Fatalf("Points = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestOrderPointsOverflowIsAnError(t *testing.T) {
	// 1,000 points per 0.01 on an order of 92 quadrillion minor units: the
	// points do not fit in 64 bits and must never silently become 0.
	rule := EarnRule{Points: 1000, Per: 1, Exponent: 2}
	o := OrderSnapshot{Status: "completed", Total: 1 << 62}
	got, err := o.Points(rule)
	if ErrorCode(err) != EInvalid || got != 0 {
		t.Fatalf("Points = %d, %v; want an invalid error", got, err)
	}
}

func TestProgram(t *testing.T) {
	p := DefaultProgram()
	if err := p.Validate(); err != nil {
		t.Fatalf("default program invalid: %v", err)
	}
	values := []struct {
		points, want int64
	}{{45, 45}, {150, 150}, {-40, -40}, {0, 0}}
	for _, v := range values {
		if got := p.ValueMinor(v.points); got != v.want {
			t.Errorf("ValueMinor(%d) = %d, want %d", v.points, got, v.want)
		}
	}
	irr := Program{Currency: "IRR", CurrencyExponent: 0, EarnPoints: 1, EarnPer: 10000, RedeemPoints: 3, RedeemValueMinor: 1000}
	if got := irr.ValueMinor(10); got != 3333 {
		t.Errorf("IRR ValueMinor(10) = %d, want 3333 (rounded down)", got)
	}
	if got := irr.ValueMinor(-10); got != -3334 {
		t.Errorf("IRR ValueMinor(-10) = %d, want -3334 (floored)", got)
	}
	invalid := []struct {
		name string
		mut  func(*Program)
	}{
		{"exponent", func(p *Program) { p.CurrencyExponent = 5 }},
		{"currency", func(p *Program) { p.Currency = "US" }},
		{"earn per", func(p *Program) { p.EarnPer = 0 }},
		{"negative earn", func(p *Program) { p.EarnPoints = -1 }},
		{"return days", func(p *Program) { p.ReturnDays = 400 }},
		{"redeem points", func(p *Program) { p.RedeemPoints = 0 }},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			q := DefaultProgram()
			tt.mut(&q)
			if err := q.Validate(); ErrorCode(err) != EInvalid {
				t.Fatalf("Validate = %v, want invalid", err)
			}
		})
	}
}

func TestTransactionEntries(t *testing.T) {
	issued := SystemAccount(AccountIssued)
	avail := CustomerAccount(AccountAvailable, 7)
	tests := []struct {
		name    string
		tx      Transaction
		entries int
		wantErr bool
	}{
		{"earn", Transaction{Key: "k", Postings: []Posting{{issued, avail, 45}}}, 2, false},
		{"two postings", Transaction{Key: "k", Postings: []Posting{{issued, avail, 45}, {avail, CustomerAccount(AccountPending, 7), 5}}}, 4, false},
		{"zero amount", Transaction{Key: "k", Postings: []Posting{{issued, avail, 0}}}, 0, true},
		{"negative amount", Transaction{Key: "k", Postings: []Posting{{issued, avail, -3}}}, 0, true},
		{"same account", Transaction{Key: "k", Postings: []Posting{{avail, avail, 3}}}, 0, true},
		{"customer account without customer", Transaction{Key: "k", Postings: []Posting{{issued, Account{Kind: AccountAvailable}, 3}}}, 0, true},
		{"system account with customer", Transaction{Key: "k", Postings: []Posting{{Account{Kind: AccountIssued, Customer: 3}, avail, 3}}}, 0, true},
		{"no key", Transaction{Postings: []Posting{{issued, avail, 3}}}, 0, true},
		{"no postings", Transaction{Key: "k"}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := tt.tx.Entries()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if len(es) != tt.entries {
				t.Fatalf("%d entries, want %d", len(es), tt.entries)
			}
			var sum int64
			for _, e := range es {
				sum += e.Amount
			}
			if sum != 0 {
				t.Fatalf("entries sum to %d", sum)
			}
		})
	}
	a := Transaction{Key: "k", Kind: KindOrderEarn, Customer: 7, OrderID: 1, Postings: []Posting{{issued, avail, 45}}}
	b := a
	b.Postings = []Posting{{issued, avail, 46}}
	if a.InputHash() != a.InputHash() || a.InputHash() == b.InputHash() {
		t.Fatal("InputHash must be stable and change with the postings")
	}
}

func TestBalanceApply(t *testing.T) {
	issued, adjusted := SystemAccount(AccountIssued), SystemAccount(AccountAdjusted)
	avail, pend := CustomerAccount(AccountAvailable, 7), CustomerAccount(AccountPending, 7)
	other := CustomerAccount(AccountAvailable, 8)
	b := Balance{}.Apply(7, []Posting{{issued, pend, 45}})
	b = b.Apply(7, []Posting{{pend, avail, 45}})
	b = b.Apply(7, []Posting{{avail, adjusted, 5}})
	b = b.Apply(7, []Posting{{avail, other, 10}}) // a transfer is not earning
	want := Balance{Available: 30, Pending: 0, Lifetime: 40}
	if b != want {
		t.Fatalf("balance = %+v, want %+v", b, want)
	}
}

func TestPlanOrder(t *testing.T) {
	tests := []struct {
		name     string
		held     OrderHolding
		target   int64
		inWindow bool
		postings []Posting
		after    OrderHolding
	}{
		{"earn outside window", OrderHolding{}, 45, false,
			[]Posting{{SystemAccount(AccountIssued), CustomerAccount(AccountAvailable, 7), 45}}, OrderHolding{Available: 45}},
		{"earn inside window", OrderHolding{}, 45, true,
			[]Posting{{SystemAccount(AccountIssued), CustomerAccount(AccountPending, 7), 45}}, OrderHolding{Pending: 45}},
		{"clawback takes pending first", OrderHolding{Pending: 10, Available: 35}, 5, true,
			[]Posting{{CustomerAccount(AccountPending, 7), SystemAccount(AccountIssued), 10}, {CustomerAccount(AccountAvailable, 7), SystemAccount(AccountIssued), 30}},
			OrderHolding{Available: 5}},
		{"nothing to do", OrderHolding{Available: 45}, 45, false, nil, OrderHolding{Available: 45}},
		{"reverse all", OrderHolding{Available: 45}, 0, false,
			[]Posting{{CustomerAccount(AccountAvailable, 7), SystemAccount(AccountIssued), 45}}, OrderHolding{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, after := PlanOrder(tt.held, tt.target, tt.inWindow, 7)
			if len(ps) != len(tt.postings) {
				t.Fatalf("postings = %+v, want %+v", ps, tt.postings)
			}
			for i := range ps {
				if ps[i] != tt.postings[i] {
					t.Fatalf("posting %d = %+v, want %+v", i, ps[i], tt.postings[i])
				}
			}
			if after != tt.after || after.Total() != tt.target {
				t.Fatalf("after = %+v, want %+v (target %d)", after, tt.after, tt.target)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	err := Errorf(EConflict, "key %s used", "k1")
	if ErrorCode(err) != EConflict || ErrorMessage(err) != "key k1 used" {
		t.Fatalf("code %q message %q", ErrorCode(err), ErrorMessage(err))
	}
	internal := &Error{Code: EInternal, Message: "db password is hunter2", Cause: err}
	if ErrorMessage(internal) == internal.Message {
		t.Fatal("internal error message must not be shown")
	}
	if ErrorCode(nil) != "" || ErrorCode(errPlain("x")) != EInternal {
		t.Fatal("ErrorCode of nil and plain errors")
	}
}

type errPlain string

func (e errPlain) Error() string { return string(e) }

// A reason is counted in characters: 300 Persian letters (600 bytes) fit.
func TestAdjustmentReasonInCharacters(t *testing.T) {
	long := strings.Repeat("ش", 300)
	if err := (Adjustment{CustomerID: 1, Points: 5, Reason: long, Key: "k"}).Validate(); err != nil {
		t.Fatalf("300 Persian characters refused: %v", err)
	}
	if err := (Adjustment{CustomerID: 1, Points: 5, Reason: strings.Repeat("ش", 501), Key: "k"}).Validate(); ErrorCode(err) != EInvalid {
		t.Fatalf("501 characters: %v", err)
	}
}
