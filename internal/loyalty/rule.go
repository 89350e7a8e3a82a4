package loyalty

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"sort"
	"time"
)

// Earning rules: what each product or category earns (a multiplier, fixed
// points per unit, or nothing), time-boxed promotions, a minimum order and a
// first-order bonus. The rules in force when an order is first paid are
// frozen on it as a RuleSet (shared by content between orders), like the
// earn rate, so later rule changes never alter past orders.

// What a rule applies to and what it does.
const (
	RuleOnProduct  = "product"
	RuleOnCategory = "category"

	RuleMultiply = "multiply" // the line earns Multiplier times the rate
	RuleFixed    = "fixed"    // the line earns Points per unit instead of the rate
	RuleExclude  = "exclude"  // the line earns nothing (gift cards, ...)
)

// EarningRule is one per-product or per-category rule.
type EarningRule struct {
	ID         int64  `json:"id"`
	On         string `json:"on"`        // RuleOnProduct or RuleOnCategory
	TargetID   int64  `json:"target_id"` // the WooCommerce product or category id
	Action     string `json:"action"`    // RuleMultiply, RuleFixed or RuleExclude
	Multiplier Ratio  `json:"multiplier"`
	Points     int64  `json:"points"` // RuleFixed: points per unit
	Active     bool   `json:"active"`
}

// Validate returns EInvalid when the rule cannot be used as described.
func (r EarningRule) Validate() error {
	switch {
	case r.On != RuleOnProduct && r.On != RuleOnCategory:
		return Errorf(EInvalid, "on must be product or category")
	case r.TargetID <= 0:
		return Errorf(EInvalid, "target_id must be a WooCommerce product or category id")
	case r.Action != RuleMultiply && r.Action != RuleFixed && r.Action != RuleExclude:
		return Errorf(EInvalid, "action must be multiply, fixed or exclude")
	case r.Action == RuleMultiply && (r.Multiplier.norm().Num < 0 || r.Multiplier.norm().Num > 1000*r.Multiplier.norm().Den):
		return Errorf(EInvalid, "multiplier must be between 0 and 1000")
	case r.Action == RuleFixed && (r.Points < 0 || r.Points > 1e9):
		return Errorf(EInvalid, "points must be between 0 and 10^9 per unit")
	}
	return nil
}

// Promotion multiplies what orders first paid in [Starts, Ends) earn, on
// every line or on one category's lines.
type Promotion struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Starts     time.Time `json:"starts"`
	Ends       time.Time `json:"ends"`
	Multiplier Ratio     `json:"multiplier"`
	CategoryID int64     `json:"category_id"` // 0 = every line
	Active     bool      `json:"active"`
}

// Validate returns EInvalid when the promotion cannot be used as described.
func (p Promotion) Validate() error {
	m := p.Multiplier.norm()
	switch {
	case p.Name == "" || len(p.Name) > 200:
		return Errorf(EInvalid, "name must be 1 to 200 characters")
	case p.Starts.IsZero() || !p.Ends.After(p.Starts):
		return Errorf(EInvalid, "ends must be after starts")
	case m.Num < 0 || m.Num > 1000*m.Den:
		return Errorf(EInvalid, "multiplier must be between 0 and 1000")
	case p.CategoryID < 0:
		return Errorf(EInvalid, "category_id must be a category id or 0 for every line")
	}
	return nil
}

// Runs reports whether the promotion applies to an order first paid at t:
// from its start instant, included, to its end instant, excluded.
func (p Promotion) Runs(t time.Time) bool {
	return p.Active && !t.Before(p.Starts) && t.Before(p.Ends)
}

// OrderLine is one line item of an order as WooCommerce sent it.
type OrderLine struct {
	ProductID  int64
	Quantity   int64
	Net        int64   // the line's total after discounts, without tax (minor units)
	Categories []int64 // the product's categories, when the plugin sent them
	// What refunds took from this line, when the plugin sent it
	// (WooCommerce's own order body does not say which lines a refund was for).
	RefundKnown bool
	Refunded    int64 // minor units, without tax
	RefundedQty int64
}

// RuleSet is what an order earns by, frozen at its first payment: the
// active rules, the promotions running then, and the minimum order.
type RuleSet struct {
	Rules       []EarningRule `json:"rules,omitempty"`
	Promotions  []Promotion   `json:"promotions,omitempty"`
	MinSubtotal int64         `json:"min_subtotal,omitempty"`
}

// Empty reports whether the set changes nothing (the plain rate applies).
func (s RuleSet) Empty() bool {
	return len(s.Rules) == 0 && len(s.Promotions) == 0 && s.MinSubtotal == 0
}

// Freeze is the rule set for an order first paid at t: active rules and the
// promotions running at t, in a canonical order so equal sets hash alike.
func Freeze(rules []EarningRule, promos []Promotion, minSubtotal int64, t time.Time) RuleSet {
	var s RuleSet
	for _, r := range rules {
		if r.Active {
			r.Multiplier = r.Multiplier.norm()
			s.Rules = append(s.Rules, r)
		}
	}
	for _, p := range promos {
		if p.Runs(t) {
			p.Multiplier = p.Multiplier.norm()
			p.Starts, p.Ends = p.Starts.UTC(), p.Ends.UTC()
			s.Promotions = append(s.Promotions, p)
		}
	}
	sort.Slice(s.Rules, func(i, j int) bool { return s.Rules[i].ID < s.Rules[j].ID })
	sort.Slice(s.Promotions, func(i, j int) bool { return s.Promotions[i].ID < s.Promotions[j].ID })
	s.MinSubtotal = minSubtotal
	return s
}

// Hash identifies the set's content (storage shares equal sets).
func (s RuleSet) Hash() [32]byte {
	b, _ := json.Marshal(s)
	return sha256.Sum256(b)
}

// lineTerms is what a line earns under the set: a factor on its net at the
// rate, or fixed points per unit.
func (s RuleSet) lineTerms(l OrderLine) (factor *big.Rat, fixed int64) {
	inCategory := func(id int64) bool {
		for _, c := range l.Categories {
			if c == id {
				return true
			}
		}
		return false
	}
	matches := func(r EarningRule) bool {
		return (r.On == RuleOnProduct && r.TargetID == l.ProductID) || (r.On == RuleOnCategory && inCategory(r.TargetID))
	}
	factor = big.NewRat(1, 1)
	var product, category *EarningRule
	for i := range s.Rules {
		r := &s.Rules[i]
		if !matches(*r) {
			continue
		}
		if r.Action == RuleExclude {
			return new(big.Rat), 0 // an exclusion wins over everything
		}
		switch {
		case r.On == RuleOnProduct:
			product = r
		case category == nil || ruleWeight(*r).Cmp(ruleWeight(*category)) > 0:
			category = r // the most generous of the line's categories
		}
	}
	rule := product // a product's own rule overrides its categories'
	if rule == nil {
		rule = category
	}
	if rule != nil {
		if rule.Action == RuleFixed {
			return new(big.Rat), rule.Points * max(l.Quantity, 1)
		}
		factor.SetFrac64(rule.Multiplier.Num, rule.Multiplier.Den)
	}
	// Promotions multiply the rate-based part; with several, the largest.
	var promo *big.Rat
	for _, p := range s.Promotions {
		if p.CategoryID == 0 || inCategory(p.CategoryID) {
			m := big.NewRat(p.Multiplier.Num, p.Multiplier.Den)
			if promo == nil || m.Cmp(promo) > 0 {
				promo = m
			}
		}
	}
	if promo != nil {
		factor.Mul(factor, promo)
	}
	return factor, 0
}

func ruleWeight(r EarningRule) *big.Rat {
	if r.Action == RuleFixed {
		return big.NewRat(r.Points, 1) // compared among categories only by kind and size
	}
	return big.NewRat(r.Multiplier.Num, r.Multiplier.Den)
}

// EarnBase is what an order earns on under the set: the net weighted line
// by line (Weighted, a rational in minor units; what is not in a line, such
// as fees, weighs 1) and the fixed points of lines with fixed rules. Without
// lines the whole net weighs 1. Below the minimum subtotal it is nothing.
// With refunded says each line's refunds are subtracted from it (and the
// fixed points of refunded units); Rest is then the part outside the lines,
// for the caller to reduce in proportion.
func (s RuleSet) EarnBase(net int64, lines []OrderLine, withRefunds bool) (weighted *big.Rat, fixed *big.Rat, rest int64) {
	weighted, fixed = new(big.Rat), new(big.Rat)
	var lineNet int64
	for _, l := range lines {
		lineNet += max(l.Net, 0)
	}
	if s.MinSubtotal > 0 && max(lineNet, net) < s.MinSubtotal {
		return weighted, fixed, 0
	}
	for _, l := range lines {
		f, pts := s.lineTerms(l)
		n := max(l.Net, 0)
		if withRefunds && l.RefundKnown {
			n = max(n-max(l.Refunded, 0), 0)
			if q := max(l.Quantity, 1); pts > 0 {
				pts = pts * max(q-max(l.RefundedQty, 0), 0) / q
			}
		}
		fixed.Add(fixed, big.NewRat(pts, 1))
		weighted.Add(weighted, new(big.Rat).Mul(f, big.NewRat(n, 1)))
	}
	return weighted, fixed, max(net-lineNet, 0)
}

// lineRefunds reports whether the lines say what refunds took from them.
func lineRefunds(lines []OrderLine) bool {
	for _, l := range lines {
		if l.RefundKnown {
			return true
		}
	}
	return false
}

// Points is what an order earns under rule r and set s, floored once:
// floor((rate x multiplier x weighted net + fixed) x remaining / total)
// when refunds are known only for the whole order (every part shrinks in
// proportion); when the lines say what was refunded from each, each line
// loses its own refunds and only the part outside the lines (fees) shrinks
// in proportion, so a refund of one line, or of shipping, touches nothing
// else. EInvalid when it does not fit in 64 bits.
func (s RuleSet) Points(r EarnRule, net int64, lines []OrderLine, remaining, total int64) (int64, error) {
	if total <= 0 || remaining <= 0 || r.Per <= 0 {
		return 0, nil
	}
	remaining = min(remaining, total)
	byLine := lineRefunds(lines)
	weighted, fixed, rest := s.EarnBase(net, lines, byLine)
	share := big.NewRat(remaining, total)
	if byLine {
		weighted.Add(weighted, new(big.Rat).Mul(big.NewRat(rest, 1), share))
	} else {
		weighted.Add(weighted, big.NewRat(rest, 1))
	}
	m := r.Multiplier.norm()
	// rate x multiplier x weighted: points per minor unit = Points / (Per x 10^exp).
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.Exponent)), nil)
	rate := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(r.Points), big.NewInt(m.Num)),
		new(big.Int).Mul(new(big.Int).Mul(big.NewInt(r.Per), scale), big.NewInt(m.Den)))
	v := new(big.Rat).Mul(rate, weighted)
	v.Add(v, fixed)
	if !byLine {
		v.Mul(v, share)
	}
	q := new(big.Int).Quo(v.Num(), v.Denom()) // both positive: truncation is the floor
	if !q.IsInt64() {
		return 0, Errorf(EInvalid, "the order's points do not fit in 64 bits")
	}
	return q.Int64(), nil
}

// EarningRules keeps a store's earning rules and promotions.
type EarningRules interface {
	ListRules(ctx context.Context, store StoreID) ([]EarningRule, []Promotion, error)
	CreateRule(ctx context.Context, store StoreID, r EarningRule) (EarningRule, error)
	UpdateRule(ctx context.Context, store StoreID, id int64, patch func(*EarningRule) error) (EarningRule, error)
	CreatePromotion(ctx context.Context, store StoreID, p Promotion) (Promotion, error)
	UpdatePromotion(ctx context.Context, store StoreID, id int64, patch func(*Promotion) error) (Promotion, error)
	ListCurrencies(ctx context.Context, store StoreID) ([]CurrencyRate, error)
	SetCurrency(ctx context.Context, store StoreID, r CurrencyRate) (CurrencyRate, error)
}
