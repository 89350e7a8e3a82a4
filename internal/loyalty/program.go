package loyalty

import (
	"math/big"
	"reflect"
	"strings"
	"time"
)

// StoreID identifies a store (a tenant). Every row of every table carries one.
type StoreID = int64

// Program holds a store's program settings. Each field's setting tag names
// it once for every layer: the storage column, the API's JSON property and,
// with dashes, the command-line flag; usage is the flag's help. A new
// setting is one field here, one column, one OpenAPI property and one
// plugin field.
type Program struct {
	Currency         string `setting:"currency" usage:"ISO 4217 currency code (USD, IRR, IRT)"`
	CurrencyExponent int    `setting:"currency_exponent" usage:"minor-unit digits: 2 for USD, 0 for IRR"`
	EarnPoints       int64  `setting:"earn_points" usage:"points earned ..."`
	EarnPer          int64  `setting:"earn_per" usage:"... per this many major currency units"`
	ReturnDays       int    `setting:"return_days" usage:"days order points stay pending; 0 = available at once"`
	RedeemPoints     int64  `setting:"redeem_points" usage:"this many points ..."`
	RedeemValueMinor int64  `setting:"redeem_value_minor" usage:"... are worth this many minor units"`
	// Redemption bounds (0 = no bound).
	RedeemMinPoints       int64 `setting:"redeem_min_points" usage:"fewest points one redemption may spend (0 = any)"`
	RedeemMaxPoints       int64 `setting:"redeem_max_points" usage:"most points one order may spend (0 = no limit)"`
	RedeemMaxSharePercent int   `setting:"redeem_max_share_percent" usage:"most of the cart subtotal points may pay, in percent (0 or 100 = all)"`
	RedeemReturnOnRefund  bool  `setting:"redeem_return_on_refund" usage:"give spent points back when a paid order is refunded in full or cancelled"`
	// Referrals.
	ReferralEnabled          bool  `setting:"referral_enabled" usage:"reward customers for friends they refer"`
	ReferrerPoints           int64 `setting:"referrer_points" usage:"points for the referrer per referred friend whose first order became final"`
	ReferrerPercent          int   `setting:"referrer_percent" usage:"recurring: percent of the points each paid order of a referred friend earns, paid to the referrer (0 = none)"`
	ReferrerMonths           int   `setting:"referrer_months" usage:"recurring: months from the referral during which the friend's orders pay it (0 = the first order only)"`
	RefereePoints            int64 `setting:"referee_points" usage:"welcome points for the referred friend"`
	RefereeRewardID          int64 `setting:"referee_reward" usage:"a catalog reward the referred friend gets for their first order (0 = none)"`
	ReferralMinOrderMinor    int64 `setting:"referral_min_order_minor" usage:"smallest first order (net, minor units) that counts as a referral (0 = any)"`
	ReferralMonthlyCap       int   `setting:"referral_monthly_cap" usage:"most referrals one referrer is rewarded for per calendar month (0 = no cap)"`
	ReferralNewCustomersOnly bool  `setting:"referral_new_customers_only" usage:"only friends who never ordered before count"`
	// Earning rules beyond the rate (the per-product and per-category rules
	// and promotions are EarningRules).
	EarnMinSubtotalMinor int64 `setting:"earn_min_subtotal_minor" usage:"orders whose items come to less than this (net, minor units) earn nothing (0 = any)"`
	FirstOrderBonus      int64 `setting:"first_order_bonus" usage:"extra points for a customer's first paid order (0 = none)"`
	// Tiers.
	TierGraceDays int `setting:"tier_grace_days" usage:"days a customer keeps a tier after falling below its threshold (0 = move down at once)"`
	// Expiry, and the store's time zone (expiry instants, and later
	// birthdays and reports, are at midnight there).
	ExpireMonths         int    `setting:"expire_months" usage:"points lapse this many months after they were earned, oldest first (0 = never)"`
	ExpireInactiveMonths int    `setting:"expire_inactive_months" usage:"all points lapse after this many months without activity (0 = never)"`
	TimeZone             string `setting:"time_zone" usage:"the store's IANA time zone, such as Asia/Tehran (UTC when empty)"`
	// Reports.
	ChurnDays int `setting:"churn_days" usage:"a customer without a paid order for this many days is lapsed (reports)"`
	// Engagement (docs/engagement.md): bonuses, the survey, win-back and reminders.
	SignupPoints       int64  `setting:"signup_points" usage:"points for signing up (customer.created), once per customer"`
	BirthdayPoints     int64  `setting:"birthday_points" usage:"points on the customer's birthday (a tier's birthday perk wins when larger)"`
	AnniversaryPoints  int64  `setting:"anniversary_points" usage:"points on each yearly anniversary"`
	AnniversaryFrom    string `setting:"anniversary_from" usage:"anniversaries count from first_order or registration"`
	ReviewPoints       int64  `setting:"review_points" usage:"points for an approved review of a product the customer bought, once per product"`
	SurveyPoints       int64  `setting:"survey_points" usage:"points for answering the survey of a completed order, once per order"`
	SurveyRewardID     int64  `setting:"survey_reward" usage:"a catalog reward issued for answering the survey (0 = none)"`
	SurveyQuestion     string `setting:"survey_question" usage:"the store's own survey question, answered in words (empty = none)"`
	WinbackDays        int    `setting:"winback_days" usage:"a customer without a paid order for this many days is won back once per lapse (0 = never)"`
	WinbackPoints      int64  `setting:"winback_points" usage:"points granted once per lapse"`
	WinbackRewardID    int64  `setting:"winback_reward" usage:"a catalog reward issued once per lapse (0 = none)"`
	ExpiryReminderDays int    `setting:"expiry_reminder_days" usage:"days before points lapse that the customer is reminded (0 = never)"`
}

// Setting is one program setting: its name and a pointer to its value
// (*string, *int, *int64 or *bool) inside the Program it came from.
type Setting struct {
	Name  string
	Usage string
	Value any
}

// Flag is the setting's command-line flag name.
func (s Setting) Flag() string { return strings.ReplaceAll(s.Name, "_", "-") }

// Settings lists p's settings in declaration order, pointing into p, so
// adapters (storage, JSON, flags) read and write them without naming each.
func (p *Program) Settings() []Setting {
	v := reflect.ValueOf(p).Elem()
	t := v.Type()
	out := make([]Setting, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name := t.Field(i).Tag.Get("setting")
		if name == "" {
			continue
		}
		out = append(out, Setting{Name: name, Usage: t.Field(i).Tag.Get("usage"), Value: v.Field(i).Addr().Interface()})
	}
	return out
}

// DefaultProgram is what a new store starts with: 1 point per currency unit,
// no return window, 100 points = 1.00 of currency, no redemption bounds,
// spent points given back when a paid order is refunded in full.
func DefaultProgram() Program {
	return Program{Currency: "USD", CurrencyExponent: 2, EarnPoints: 1, EarnPer: 1, RedeemPoints: 100, RedeemValueMinor: 100,
		RedeemReturnOnRefund: true, ReferralNewCustomersOnly: true, ChurnDays: DefaultChurnDays,
		AnniversaryFrom: AnniversaryFirstOrder, WinbackDays: DefaultWinbackDays, ExpiryReminderDays: DefaultExpiryReminderDays}
}

// Churn is the days without a paid order after which a customer is lapsed.
func (p Program) Churn() int {
	if p.ChurnDays <= 0 {
		return DefaultChurnDays
	}
	return p.ChurnDays
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
	case p.RedeemMinPoints < 0 || p.RedeemMaxPoints < 0 || (p.RedeemMaxPoints > 0 && p.RedeemMinPoints > p.RedeemMaxPoints):
		return Errorf(EInvalid, "redemption bounds must be zero or more, the minimum at most the maximum")
	case p.RedeemMaxSharePercent < 0 || p.RedeemMaxSharePercent > 100:
		return Errorf(EInvalid, "redeem_max_share_percent must be between 0 and 100")
	case p.ReferrerPoints < 0 || p.ReferrerPoints > 1e12 || p.RefereePoints < 0 || p.RefereePoints > 1e12:
		return Errorf(EInvalid, "referral points must be between 0 and 10^12")
	case p.ReferrerPercent < 0 || p.ReferrerPercent > 100 || p.ReferrerMonths < 0 || p.ReferrerMonths > 120:
		return Errorf(EInvalid, "referrer_percent must be between 0 and 100 and referrer_months between 0 and 120")
	case p.RefereeRewardID < 0:
		return Errorf(EInvalid, "referee_reward must be a reward id or 0")
	case p.ReferralMinOrderMinor < 0 || p.ReferralMonthlyCap < 0:
		return Errorf(EInvalid, "referral minimum order and monthly cap must be zero or more")
	case p.EarnMinSubtotalMinor < 0 || p.FirstOrderBonus < 0 || p.FirstOrderBonus > 1e12:
		return Errorf(EInvalid, "earn_min_subtotal_minor and first_order_bonus must be zero or more")
	case p.TierGraceDays < 0 || p.TierGraceDays > 730:
		return Errorf(EInvalid, "tier_grace_days must be between 0 and 730")
	case p.ExpireMonths < 0 || p.ExpireMonths > 120 || p.ExpireInactiveMonths < 0 || p.ExpireInactiveMonths > 120:
		return Errorf(EInvalid, "expire_months and expire_inactive_months must be between 0 (never) and 120")
	case p.ChurnDays < 0 || p.ChurnDays > 3650:
		return Errorf(EInvalid, "churn_days must be between 0 (the default, 90) and 3650")
	case p.SignupPoints < 0 || p.BirthdayPoints < 0 || p.AnniversaryPoints < 0 || p.ReviewPoints < 0 || p.SurveyPoints < 0 || p.WinbackPoints < 0 ||
		max(p.SignupPoints, p.BirthdayPoints, p.AnniversaryPoints, p.ReviewPoints, p.SurveyPoints, p.WinbackPoints) > 1e9:
		return Errorf(EInvalid, "bonus points must be between 0 and 10^9")
	case p.AnniversaryFrom != "" && p.AnniversaryFrom != AnniversaryFirstOrder && p.AnniversaryFrom != AnniversaryRegistration:
		return Errorf(EInvalid, "anniversary_from must be first_order or registration")
	case p.SurveyRewardID < 0 || p.WinbackRewardID < 0:
		return Errorf(EInvalid, "survey_reward and winback_reward must be a reward id or 0")
	case len([]rune(p.SurveyQuestion)) > 300:
		return Errorf(EInvalid, "survey_question must be at most 300 characters")
	case p.WinbackDays < 0 || p.WinbackDays > 3650 || p.ExpiryReminderDays < 0 || p.ExpiryReminderDays > MaxReminderDays:
		return Errorf(EInvalid, "winback_days must be between 0 and 3650 and expiry_reminder_days between 0 and %d", MaxReminderDays)
	case len(p.TimeZone) > 64:
		return Errorf(EInvalid, "time_zone must be an IANA time zone name such as Asia/Tehran")
	}
	if p.TimeZone != "" {
		if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "Local" {
			return Errorf(EInvalid, "time_zone %q is not an IANA time zone name such as Asia/Tehran", p.TimeZone)
		}
	}
	return nil
}

// EarnRule returns the rule new orders are frozen with.
func (p Program) EarnRule() EarnRule {
	return EarnRule{Points: p.EarnPoints, Per: p.EarnPer, Exponent: p.CurrencyExponent, Multiplier: One}
}

// ValueMinor is the money value of points at the program's redemption rate,
// rounded down (negative balances are worth a negative amount); 0 when the
// value does not fit in 64 bits.
func (p Program) ValueMinor(points int64) int64 {
	if p.RedeemPoints <= 0 {
		return 0
	}
	v, _ := floorDiv(big.NewInt(points), big.NewInt(p.RedeemValueMinor), big.NewInt(1), big.NewInt(p.RedeemPoints))
	return v
}

// MaturesAt is when points earned at t leave the return window.
func (p Program) MaturesAt(t time.Time) time.Time {
	return t.Add(time.Duration(p.ReturnDays) * 24 * time.Hour)
}

// EarnRule is the rate an order earns at: Points per Per major units of a
// currency with Exponent minor digits, times Multiplier (the customer's
// tier; the zero value is 1). It is frozen on an order when the order is
// first paid, so later program and tier changes never alter past orders.
type EarnRule struct {
	Points     int64
	Per        int64
	Exponent   int
	Multiplier Ratio
}

// OrderPoints returns floor(rate x multiplier x net x remaining / total),
// the points an order with these minor-unit amounts earns, floored once at
// the end. It uses big integers: an IRR
// order's net times its remaining total overflows int64. EInvalid when the
// result does not fit in 64 bits (it is never silently 0).
func (r EarnRule) OrderPoints(net, remaining, total int64) (int64, error) {
	if total <= 0 || net <= 0 || remaining <= 0 || r.Points <= 0 || r.Per <= 0 {
		return 0, nil
	}
	if remaining > total {
		remaining = total
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(r.Exponent)), nil)
	den := new(big.Int).Mul(big.NewInt(r.Per), scale)
	den.Mul(den, big.NewInt(total))
	m := r.Multiplier.norm()
	den.Mul(den, big.NewInt(m.Den))
	points := new(big.Int).Mul(big.NewInt(r.Points), big.NewInt(m.Num))
	v, ok := floorDiv(big.NewInt(net), big.NewInt(remaining), points, den)
	if !ok {
		return 0, Errorf(EInvalid, "the order's points do not fit in 64 bits")
	}
	return v, nil
}

// floorDiv returns floor(a*b*c/d) for d > 0, and false when it does not fit in an int64.
func floorDiv(a, b, c, d *big.Int) (int64, bool) {
	n := new(big.Int).Mul(a, b)
	n.Mul(n, c)
	q := new(big.Int)
	m := new(big.Int)
	q.DivMod(n, d, m) // Euclidean: floors for positive d
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// CurrencyRate is what orders in a currency other than the store's earn
// (multi-currency plugins): Points per Per major units of Currency, whose
// minor units have Exponent digits (JPY 0, KWD 3).
type CurrencyRate struct {
	Currency   string
	Exponent   int
	EarnPoints int64
	EarnPer    int64
}

// Validate returns EInvalid for a rate that cannot be used.
func (r CurrencyRate) Validate() error {
	switch {
	case len(r.Currency) != 3 || strings.ToUpper(r.Currency) != r.Currency:
		return Errorf(EInvalid, "currency must be a three-letter code in capitals")
	case r.Exponent < 0 || r.Exponent > 4:
		return Errorf(EInvalid, "exponent must be between 0 and 4")
	case r.EarnPoints < 0 || r.EarnPer <= 0:
		return Errorf(EInvalid, "earn rate must be zero or more points per a positive amount")
	}
	return nil
}

// EarnRule is the rate orders in the currency are frozen with.
func (r CurrencyRate) EarnRule() EarnRule {
	return EarnRule{Points: r.EarnPoints, Per: r.EarnPer, Exponent: r.Exponent, Multiplier: One}
}
