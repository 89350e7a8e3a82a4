package loyalty

import (
	"testing"
	"time"
)

func TestRuleSetPoints(t *testing.T) {
	usd := EarnRule{Points: 1, Per: 1, Exponent: 2, Multiplier: One} // 1 point per dollar
	const (
		tea, giftCard, saffron = 15, 16, 17
		drinks, gifts          = 100, 200
	)
	rules := []EarningRule{
		{ID: 1, On: RuleOnCategory, TargetID: drinks, Action: RuleMultiply, Multiplier: Ratio{2, 1}, Active: true},
		{ID: 2, On: RuleOnCategory, TargetID: gifts, Action: RuleExclude, Active: true},
		{ID: 3, On: RuleOnProduct, TargetID: saffron, Action: RuleFixed, Points: 30, Active: true},
		{ID: 4, On: RuleOnProduct, TargetID: tea, Action: RuleMultiply, Multiplier: Ratio{3, 2}, Active: true}, // overrides drinks
		{ID: 5, On: RuleOnCategory, TargetID: 300, Action: RuleMultiply, Multiplier: Ratio{10, 1}, Active: false},
	}
	line := func(product, qty, net int64, cats ...int64) OrderLine {
		return OrderLine{ProductID: product, Quantity: qty, Net: net, Categories: cats}
	}
	set := Freeze(rules, nil, 0, time.Now())
	tests := []struct {
		name             string
		set              RuleSet
		net              int64
		lines            []OrderLine
		remaining, total int64
		want             int64
	}{
		{"no lines: the plain rate", set, 4500, nil, 5400, 5400, 45},
		{"a drinks line earns double", set, 2000, []OrderLine{line(20, 1, 2000, drinks)}, 2000, 2000, 40},
		{"the product's own 1.5x beats its category's 2x", set, 2000, []OrderLine{line(tea, 1, 2000, drinks)}, 2000, 2000, 30},
		{"an excluded gift card earns nothing, the rest earns", set, 7000, []OrderLine{line(giftCard, 1, 5000, gifts), line(21, 1, 2000)}, 7000, 7000, 20},
		{"fixed points per unit instead of the rate", set, 9000, []OrderLine{line(saffron, 3, 9000)}, 9000, 9000, 90},
		{"a fee outside the lines earns at the rate", set, 2500, []OrderLine{line(20, 1, 2000, drinks)}, 2500, 2500, 45},
		{"an inactive rule does nothing", set, 1000, []OrderLine{line(22, 1, 1000, 300)}, 1000, 1000, 10},
		// 20.00 of drinks (x2) and 20.00 plain; 10.00 of 40.00 refunded: (40 + 20) x 30/40 = 45.
		{"a partial refund takes its share of every line", set, 4000, []OrderLine{line(20, 1, 2000, drinks), line(21, 1, 2000)}, 3000, 4000, 45},
		// The same refund of 10.00, known to be from the drinks line: (20 - 10) x 2 + 20 = 40.
		{"a refund of one line takes from that line only", set, 4000, []OrderLine{
			{ProductID: 20, Quantity: 1, Net: 2000, Categories: []int64{drinks}, RefundKnown: true, Refunded: 1000},
			{ProductID: 21, Quantity: 1, Net: 2000, RefundKnown: true}}, 3000, 4000, 40},
		// Lines known untouched: a refund of shipping alone changes nothing.
		{"a shipping refund leaves the lines' points", set, 4000, []OrderLine{
			{ProductID: 20, Quantity: 1, Net: 2000, Categories: []int64{drinks}, RefundKnown: true},
			{ProductID: 21, Quantity: 1, Net: 2000, RefundKnown: true}}, 4000, 4500, 60},
		{"fixed points lose the refunded units", set, 9000, []OrderLine{
			{ProductID: saffron, Quantity: 3, Net: 9000, RefundKnown: true, Refunded: 3000, RefundedQty: 1}}, 6000, 9000, 60},
		{"under the minimum subtotal nothing", Freeze(rules, nil, 5000, time.Now()), 4000, []OrderLine{line(21, 1, 4000)}, 4000, 4000, 0},
		{"at the minimum subtotal it earns", Freeze(rules, nil, 4000, time.Now()), 4000, []OrderLine{line(21, 1, 4000)}, 4000, 4000, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.set.Points(usd, tt.net, tt.lines, tt.remaining, tt.total)
			if err != nil || got != tt.want {
				t.Fatalf("Points = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	// With a tier's 1.25x on top: 20.00 of drinks (x2) x 1.25 = 50.
	tiered := usd
	tiered.Multiplier = Ratio{5, 4}
	if got, _ := set.Points(tiered, 2000, []OrderLine{line(20, 1, 2000, drinks)}, 2000, 2000); got != 50 {
		t.Fatalf("with a tier: %d, want 50", got)
	}
}

// TestPromotionBoundaries: a promotion applies to orders first paid from its
// start instant (included) to its end instant (excluded), on every line or
// on one category's.
func TestPromotionBoundaries(t *testing.T) {
	tehran, _ := time.LoadLocation("Asia/Tehran")
	start := time.Date(2026, 12, 4, 0, 0, 0, 0, tehran) // a Friday
	end := start.Add(72 * time.Hour)
	promos := []Promotion{
		{ID: 1, Name: "Double weekend", Starts: start, Ends: end, Multiplier: Ratio{2, 1}, Active: true},
		{ID: 2, Name: "Triple drinks", Starts: start, Ends: end, Multiplier: Ratio{3, 1}, CategoryID: 100, Active: true},
		{ID: 3, Name: "Paused", Starts: start, Ends: end, Multiplier: Ratio{10, 1}, Active: false},
	}
	usd := EarnRule{Points: 1, Per: 1, Exponent: 2, Multiplier: One}
	plain := []OrderLine{{ProductID: 1, Quantity: 1, Net: 1000}}
	drink := []OrderLine{{ProductID: 2, Quantity: 1, Net: 1000, Categories: []int64{100}}}
	tests := []struct {
		name  string
		paid  time.Time
		lines []OrderLine
		want  int64
	}{
		{"a nanosecond before the start", start.Add(-time.Nanosecond), plain, 10},
		{"at the start instant", start, plain, 20},
		{"a drink gets the larger promotion", start, drink, 30},
		{"a nanosecond before the end", end.Add(-time.Nanosecond), plain, 20},
		{"at the end instant", end, plain, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Freeze(nil, promos, 0, tt.paid)
			got, err := set.Points(usd, 1000, tt.lines, 1000, 1000)
			if err != nil || got != tt.want {
				t.Fatalf("Points = %d, %v; want %d (set %+v)", got, err, tt.want, set)
			}
		})
	}
	a, b := Freeze(nil, promos, 0, start), Freeze(nil, []Promotion{promos[2], promos[1], promos[0]}, 0, start.Add(time.Hour))
	if a.Hash() != b.Hash() {
		t.Fatal("the same rules in another order hash differently")
	}
}

// TestFirstOrderBonusIsFrozenAndFollowsTheOrder: the bonus is held while the
// order is paid and not refunded in full, and is not given without the
// first-order flag.
func TestFirstOrderBonusIsFrozenAndFollowsTheOrder(t *testing.T) {
	p := DefaultProgram()
	p.FirstOrderBonus = 100
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	snap := OrderSnapshot{OrderID: 1, Status: "completed", Total: 5400, TotalTax: 400, ShippingTotal: 500, DateModified: t0}
	out, err := ReconcileOrder(NewOrderState(1), snap, p, 5, EarnContext{FirstOrder: true}, Delivery{ID: 1}, t0)
	if err != nil || out.Order.Holding.Total() != 145 || out.Order.Terms.Bonus != 100 {
		t.Fatalf("first order: %+v %v", out.Order, err)
	}
	half := snap
	half.Refunded, half.DateModified = 2700, t0.Add(time.Minute)
	out, _ = ReconcileOrder(out.Order, half, p, 5, EarnContext{}, Delivery{ID: 2}, t0.Add(time.Minute))
	if out.Order.Holding.Total() != 22+100 {
		t.Fatalf("half refunded: %d, want 122 (the bonus stays)", out.Order.Holding.Total())
	}
	full := snap
	full.Status, full.Refunded, full.DateModified = "refunded", 5400, t0.Add(2*time.Minute)
	out, _ = ReconcileOrder(out.Order, full, p, 5, EarnContext{}, Delivery{ID: 3}, t0.Add(2*time.Minute))
	if out.Order.Holding.Total() != 0 {
		t.Fatalf("refunded in full: %d, want 0", out.Order.Holding.Total())
	}
	second, _ := ReconcileOrder(NewOrderState(2), snap, p, 5, EarnContext{}, Delivery{ID: 4}, t0)
	if second.Order.Holding.Total() != 45 {
		t.Fatalf("a later order: %d, want 45", second.Order.Holding.Total())
	}
}
