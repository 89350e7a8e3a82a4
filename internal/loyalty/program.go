package loyalty

import (
	"math/big"
	"time"
)

// StoreID identifies a store (a tenant). Every row of every table carries one.
type StoreID = int64

// Program holds a store's earn and redemption settings.
type Program struct {
	Currency         string `json:"currency"`           // ISO 4217 code, informational ("USD", "IRR", "IRT")
	CurrencyExponent int    `json:"currency_exponent"`  // minor-unit digits: 2 for USD, 0 for IRR
	EarnPoints       int64  `json:"earn_points"`        // points earned ...
	EarnPer          int64  `json:"earn_per"`           // ... per this many major currency units
	ReturnDays       int    `json:"return_days"`        // days order points stay pending; 0 = available at once
	RedeemPoints     int64  `json:"redeem_points"`      // this many points ...
	RedeemValueMinor int64  `json:"redeem_value_minor"` // ... are worth this many minor units
}

// DefaultProgram is what a new store starts with: 1 point per currency unit,
// no return window, 100 points = 1.00 of currency.
func DefaultProgram() Program {
	return Program{Currency: "USD", CurrencyExponent: 2, EarnPoints: 1, EarnPer: 1, RedeemPoints: 100, RedeemValueMinor: 100}
}

// Validate returns an EInvalid error when a setting is out of range.
func (p Program) Validate() error {
	switch {
	case p.CurrencyExponent < 0 || p.CurrencyExponent > 4:
		return Errorf(EInvalid, "currency exponent must be between 0 and 4")
	case len(p.Currency) < 3 || len(p.Currency) > 3:
		return Errorf(EInvalid, "currency must be a three-letter code")
	case p.EarnPoints < 0 || p.EarnPer <= 0:
		return Errorf(EInvalid, "earn rate must be zero or more points per a positive amount")
	case p.ReturnDays < 0 || p.ReturnDays > 365:
		return Errorf(EInvalid, "return window must be between 0 and 365 days")
	case p.RedeemPoints <= 0 || p.RedeemValueMinor < 0:
		return Errorf(EInvalid, "redemption rate must be a positive number of points for zero or more money")
	}
	return nil
}

// EarnRule returns the rule new orders are frozen with.
func (p Program) EarnRule() EarnRule {
	return EarnRule{Points: p.EarnPoints, Per: p.EarnPer, Exponent: p.CurrencyExponent}
}

// ValueMinor is the money value of points at the program's redemption rate,
// rounded down (negative balances are worth a negative amount).
func (p Program) ValueMinor(points int64) int64 {
	if p.RedeemPoints <= 0 {
		return 0
	}
	return floorDiv(big.NewInt(points), big.NewInt(p.RedeemValueMinor), big.NewInt(1), big.NewInt(p.RedeemPoints))
}

// MaturesAt is when points earned at t leave the return window.
func (p Program) MaturesAt(t time.Time) time.Time {
	return t.Add(time.Duration(p.ReturnDays) * 24 * time.Hour)
}

// EarnRule is the rate an order earns at: Points per Per major units of a
// currency with Exponent minor digits. It is frozen on an order when the
// order is first paid, so later program changes never alter past orders.
type EarnRule struct {
	Points   int64
	Per      int64
	Exponent int
}

// OrderPoints returns floor(rate x net x remaining / total), the points an
// order with these minor-unit amounts earns. It uses big integers: an IRR
// order's net times its remaining total overflows int64.
func (r EarnRule) OrderPoints(net, remaining, total int64) int64 {
	if total <= 0 || net <= 0 || remaining <= 0 || r.Points <= 0 || r.Per <= 0 {
		return 0
	}
	if remaining > total {
		remaining = total
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.Exponent)), nil)
	den := new(big.Int).Mul(big.NewInt(r.Per), scale)
	den.Mul(den, big.NewInt(total))
	return floorDiv(big.NewInt(net), big.NewInt(remaining), big.NewInt(r.Points), den)
}

// floorDiv returns floor(a*b*c/d) for d > 0.
func floorDiv(a, b, c, d *big.Int) int64 {
	n := new(big.Int).Mul(a, b)
	n.Mul(n, c)
	q := new(big.Int)
	m := new(big.Int)
	q.DivMod(n, d, m) // Euclidean: floors for positive d
	if !q.IsInt64() {
		return 0
	}
	return q.Int64()
}
