package loyalty

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Reward kinds. Each becomes one WooCommerce coupon type in the plugin.
const (
	RewardFixedDiscount   = "fixed_discount"   // ValueMinor off the cart
	RewardPercentDiscount = "percent_discount" // Percent off the cart, at most ValueMinor when set
	RewardFreeShipping    = "free_shipping"
	RewardFreeProduct     = "free_product"    // ProductID, quantity 1, at zero price
	RewardPointsDiscount  = "points_discount" // "pay with points": any number of points at the redemption rate
)

var rewardKinds = map[string]bool{RewardFixedDiscount: true, RewardPercentDiscount: true, RewardFreeShipping: true,
	RewardFreeProduct: true, RewardPointsDiscount: true}

// Locales every reward names itself in (others are optional).
var rewardLocales = []string{"en"}

// DefaultRewardValidDays is how long an issued reward stays usable unless the reward says otherwise.
const DefaultRewardValidDays = 30

// Reward is one entry of a store's catalog. Rewards are never deleted once
// issued: they are deactivated.
type Reward struct {
	ID               int64
	Kind             string
	Names            map[string]string // by locale ("en", "fa_IR", "ar", ...); "en" is required
	Descriptions     map[string]string
	PointsCost       int64 // 0 for points_discount (the shopper picks the points)
	ValueMinor       int64 // fixed_discount: money off; percent_discount: the cap (0 = none)
	Percent          int   // percent_discount: 1 to 100
	ProductID        int64 // free_product: the WooCommerce product
	MinSubtotalMinor int64 // the cart subtotal the reward needs; 0 = any
	Active           bool
	ValidDays        int // how long an issued reward stays usable
}

// Validate returns EInvalid when the reward is not usable as described.
func (r Reward) Validate() error {
	if !rewardKinds[r.Kind] {
		return Errorf(EInvalid, "kind must be one of fixed_discount, percent_discount, free_shipping, free_product, points_discount")
	}
	for _, l := range rewardLocales {
		if strings.TrimSpace(r.Names[l]) == "" {
			return Errorf(EInvalid, "names.%s is required", l)
		}
	}
	for l, n := range r.Names {
		if len(l) > 10 || len(n) > 200 {
			return Errorf(EInvalid, "names are at most 200 characters, locales at most 10")
		}
	}
	for l, d := range r.Descriptions {
		if len(l) > 10 || len(d) > 1000 {
			return Errorf(EInvalid, "descriptions are at most 1000 characters, locales at most 10")
		}
	}
	switch {
	case r.Kind == RewardPointsDiscount && r.PointsCost != 0:
		return Errorf(EInvalid, "points_discount has no fixed points_cost: the shopper picks the points")
	case r.Kind != RewardPointsDiscount && (r.PointsCost <= 0 || r.PointsCost > 1e12):
		return Errorf(EInvalid, "points_cost must be between 1 and 10^12")
	case r.Kind == RewardFixedDiscount && r.ValueMinor <= 0:
		return Errorf(EInvalid, "a fixed_discount needs a positive value_minor")
	case r.Kind == RewardPercentDiscount && (r.Percent < 1 || r.Percent > 100):
		return Errorf(EInvalid, "a percent_discount needs percent between 1 and 100")
	case r.Kind == RewardFreeProduct && r.ProductID <= 0:
		return Errorf(EInvalid, "a free_product needs a product_id")
	case r.ValueMinor < 0 || r.MinSubtotalMinor < 0:
		return Errorf(EInvalid, "money amounts must not be negative")
	case r.ValidDays < 1 || r.ValidDays > 3650:
		return Errorf(EInvalid, "valid_days must be between 1 and 3650")
	}
	return nil
}

// Name is the reward's name in locale, falling back to the language
// ("fa" for "fa_IR") and then to English.
func (r Reward) Name(locale string) string {
	if n := r.Names[locale]; n != "" {
		return n
	}
	if lang, _, ok := strings.Cut(locale, "_"); ok && r.Names[lang] != "" {
		return r.Names[lang]
	}
	return r.Names["en"]
}

// Redemption states. issued -> applied (seen on an order) -> used (the
// order was paid); or released (removed, failed or cancelled before
// payment), expired (never used), returned (a paid order refunded in full
// or cancelled, when the store gives points back).
const (
	RedemptionIssued   = "issued"
	RedemptionApplied  = "applied"
	RedemptionUsed     = "used"
	RedemptionReleased = "released"
	RedemptionExpired  = "expired"
	RedemptionReturned = "returned"
)

// Redemption is a reward issued to a customer: a single-use coupon code
// holding points until it is used, released or expires.
type Redemption struct {
	ID         int64
	Customer   int64 // internal customer id
	RewardID   int64 // 0 when not from the catalog (never for now: points_discount has a catalog entry too)
	Kind       string
	Code       string
	Points     int64
	ValueMinor int64 // money off (fixed and points discounts); the cap for percent
	Percent    int
	ProductID  int64
	State      string
	IssuedAt   time.Time
	ExpiresAt  time.Time
	OrderID    int64 // the order that applied it; 0 until then
}

// Open reports whether the points are still held (not settled either way).
func (r Redemption) Open() bool { return r.State == RedemptionIssued || r.State == RedemptionApplied }

// RedeemRequest is a shopper's request: a catalog reward, and for
// points_discount the points and the cart subtotal they pay against.
type RedeemRequest struct {
	Reward        Reward
	Tiers         []Tier // the store's active tiers, for rewards reserved to some
	TierID        int64  // the tier the customer holds (0 = none)
	Points        int64  // points_discount only
	CartSubtotal  int64  // minor units; bounds points_discount and checks minimums
	Code          string
	IdempotentKey string
}

// PlanRedemption decides whether the customer may redeem and what: the
// points, the money value and the expiry. EInvalid for a request outside
// the program's bounds; EInsufficient when the available points (after
// what is held) do not cover it, or the balance is negative.
func PlanRedemption(p Program, req RedeemRequest, customer int64, available int64, now time.Time) (Redemption, error) {
	rw := req.Reward
	if !rw.Active {
		return Redemption{}, Errorf(EConflict, "this reward is no longer offered")
	}
	if ok, why := MayRedeem(req.Tiers, req.TierID, rw.ID); !ok {
		return Redemption{}, Errorf(EConflict, "this reward is %s", why)
	}
	if rw.MinSubtotalMinor > 0 && req.CartSubtotal < rw.MinSubtotalMinor {
		return Redemption{}, Errorf(EInvalid, "this reward needs a cart subtotal of at least %d minor units", rw.MinSubtotalMinor)
	}
	points := rw.PointsCost
	value := rw.ValueMinor
	if rw.Kind == RewardPointsDiscount {
		points = req.Points
		if points <= 0 {
			return Redemption{}, Errorf(EInvalid, "points must be a positive number")
		}
		value = p.ValueMinor(points)
		if value <= 0 {
			return Redemption{}, Errorf(EInvalid, "%d points are worth nothing at the redemption rate", points)
		}
		if req.CartSubtotal <= 0 {
			return Redemption{}, Errorf(EInvalid, "cart_subtotal_minor is required to pay with points")
		}
		if limit := p.MaxShareOf(req.CartSubtotal); value > limit {
			return Redemption{}, Errorf(EInvalid, "points may pay at most %d%% of the cart subtotal (%d minor units)", p.RedeemMaxSharePercent, limit)
		}
	}
	switch {
	case p.RedeemMinPoints > 0 && points < p.RedeemMinPoints:
		return Redemption{}, Errorf(EInvalid, "redeem at least %d points at a time", p.RedeemMinPoints)
	case p.RedeemMaxPoints > 0 && points > p.RedeemMaxPoints:
		return Redemption{}, Errorf(EInvalid, "redeem at most %d points per order", p.RedeemMaxPoints)
	case available < 0:
		return Redemption{}, Errorf(EInsufficient, "your balance is negative (%d points); points can be spent again once it is positive", available)
	case available < points:
		return Redemption{}, Errorf(EInsufficient, "this needs %d points; you have %d available", points, available)
	}
	days := rw.ValidDays
	if days <= 0 {
		days = DefaultRewardValidDays
	}
	return Redemption{Customer: customer, RewardID: rw.ID, Kind: rw.Kind, Code: req.Code, Points: points, ValueMinor: value,
		Percent: rw.Percent, ProductID: rw.ProductID, State: RedemptionIssued, IssuedAt: now,
		ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour)}, nil
}

// RedemptionKey keys a redemption's ledger transaction for one step
// (hold, use, release, expire, return): each happens at most once.
func RedemptionKey(code, step string) string { return fmt.Sprintf("redeem:%s:%s", code, step) }

// HoldTransaction moves the redemption's points from available to held.
func HoldTransaction(r Redemption, actor string) Transaction {
	return Transaction{Key: RedemptionKey(r.Code, "hold"), Kind: KindRedeemHold, Customer: r.Customer, Actor: actor,
		Reason: r.Code, At: r.IssuedAt,
		Postings: []Posting{{From: CustomerAccount(AccountAvailable, r.Customer), To: CustomerAccount(AccountHeld, r.Customer), Amount: r.Points}}}
}

// SettleRedemption moves an open redemption to state (used, released or
// expired) with its ledger transaction: used sends the held points to the
// store's redeemed account, released and expired give them back. A settled
// redemption may only be returned (a paid order refunded in full or
// cancelled): its redeemed points come back to available. Any other move
// is EConflict; a move to the state it is already in returns no transaction.
func SettleRedemption(r Redemption, state string, orderID int64, now time.Time) (Redemption, *Transaction, error) {
	if r.State == state {
		return r, nil, nil
	}
	var p Posting
	switch {
	case r.Open() && state == RedemptionApplied:
		r.State, r.OrderID = state, orderID
		return r, nil, nil
	case r.Open() && state == RedemptionUsed:
		p = Posting{From: CustomerAccount(AccountHeld, r.Customer), To: SystemAccount(AccountRedeemed), Amount: r.Points}
	case r.Open() && (state == RedemptionReleased || state == RedemptionExpired):
		p = Posting{From: CustomerAccount(AccountHeld, r.Customer), To: CustomerAccount(AccountAvailable, r.Customer), Amount: r.Points}
	case r.State == RedemptionUsed && state == RedemptionReturned:
		p = Posting{From: SystemAccount(AccountRedeemed), To: CustomerAccount(AccountAvailable, r.Customer), Amount: r.Points}
	default:
		return r, nil, Errorf(EConflict, "a %s reward cannot become %s", r.State, state)
	}
	if orderID > 0 {
		r.OrderID = orderID
	}
	r.State = state
	if r.Points == 0 {
		return r, nil, nil // a gift (the referral welcome) held no points: nothing moves
	}
	kind := map[string]string{RedemptionUsed: KindRedeemUse, RedemptionReleased: KindRedeemRelease,
		RedemptionExpired: KindRedeemExpire, RedemptionReturned: KindRedeemReturn}[state]
	t := &Transaction{Key: RedemptionKey(r.Code, state), Kind: kind, Customer: r.Customer, OrderID: r.OrderID,
		Actor: ActorSystem, Reason: r.Code, At: now, Postings: []Posting{p}}
	return r, t, nil
}

// MaxShareOf is the most points may pay of a cart subtotal (minor units)
// under the program's share limit, rounded down.
func (p Program) MaxShareOf(subtotal int64) int64 {
	share := p.RedeemMaxSharePercent
	if share <= 0 || share >= 100 {
		return subtotal
	}
	v, _ := floorDiv(big.NewInt(subtotal), big.NewInt(int64(share)), big.NewInt(1), big.NewInt(100))
	return v
}

// RedeemInput is a shopper's redemption request as the API receives it.
type RedeemInput struct {
	RewardID     int64
	Points       int64 // points_discount only
	CartSubtotal int64 // minor units
	Key          string
	Program      *Program // the store's program when the caller has a recent copy; nil reads it
	Tiers        []Tier   // with Program: the store's active tiers
}

// Catalog keeps a store's rewards.
type Catalog interface {
	// CreateReward adds a reward and returns it with its id. EInvalid.
	CreateReward(ctx context.Context, id StoreID, r Reward) (Reward, error)
	// Reward returns one reward. ENotFound.
	Reward(ctx context.Context, id StoreID, rewardID int64) (Reward, error)
	// Rewards lists the catalog; only active rewards when activeOnly.
	Rewards(ctx context.Context, id StoreID, activeOnly bool) ([]Reward, error)
	// UpdateReward changes a reward under a lock. EInvalid, ENotFound.
	UpdateReward(ctx context.Context, id StoreID, rewardID int64, change func(*Reward) error) (Reward, error)
}

// Redemptions issues rewards to shoppers and releases them.
type Redemptions interface {
	// Redeem issues a reward, holding its points, under the request's
	// idempotency key: the same key returns the same redemption with
	// replayed=true. EInsufficient, EInvalid, EConflict, ENotFound.
	Redeem(ctx context.Context, id StoreID, customerID int64, in RedeemInput) (r Redemption, replayed bool, err error)
	// CustomerRedemptions lists the customer's redemptions, newest first,
	// with ids below before (0 = newest).
	CustomerRedemptions(ctx context.Context, id StoreID, customerID int64, before int64, limit int) ([]Redemption, error)
	// Release gives an unused, unapplied redemption's points back.
	// ENotFound; EConflict when it is on an order or settled.
	Release(ctx context.Context, id StoreID, customerID int64, redemptionID int64) (Redemption, error)
}

// CodePrefix starts every code the service issues; other coupon codes on
// an order are the store's own and are none of the ledger's business.
const CodePrefix = "VAFA-"

// IsRewardCode reports whether a coupon code is one of the service's.
func IsRewardCode(code string) bool {
	return len(code) > len(CodePrefix) && strings.EqualFold(code[:len(CodePrefix)], CodePrefix)
}

// RedemptionStep is one redemption's move decided from an order snapshot.
type RedemptionStep struct {
	Redemption  Redemption   // the redemption after the move
	Transaction *Transaction // nil when no points move
}

// SettleOrderRedemptions decides, from an applied order snapshot, what
// happens to the rewards whose codes are on it: a paid order uses them
// (held -> redeemed); an unpaid order holds them as applied; a failed or
// cancelled unpaid order releases them; a used reward whose order is then
// refunded in full or cancelled is returned when the program says so.
// customer is the internal id the order belongs to; byCode holds the
// store's redemptions for the codes on the order (upper-cased). A code the
// service never issued, one issued to another customer, or one already on
// another order moves nothing and yields a note.
func SettleOrderRedemptions(snap OrderSnapshot, customer int64, byCode map[string]Redemption, p Program, now time.Time) ([]RedemptionStep, []string, error) {
	var steps []RedemptionStep
	var notes []string
	for _, raw := range snap.Coupons {
		if !IsRewardCode(raw) {
			continue
		}
		code := strings.ToUpper(raw)
		r, ok := byCode[code]
		switch {
		case !ok:
			notes = append(notes, fmt.Sprintf("coupon %s was not issued by the loyalty program: nothing posted", code))
			continue
		case r.Customer != customer:
			notes = append(notes, fmt.Sprintf("coupon %s belongs to another customer: nothing posted", code))
			continue
		case r.OrderID != 0 && r.OrderID != snap.OrderID:
			notes = append(notes, fmt.Sprintf("coupon %s was already used on order %d: nothing posted", code, r.OrderID))
			continue
		}
		target := ""
		switch {
		case snap.Paid():
			if r.Open() {
				target = RedemptionUsed
			}
		case snap.Status == "refunded" || snap.Status == "cancelled":
			switch {
			case r.Open():
				target = RedemptionReleased
			case r.State == RedemptionUsed && p.RedeemReturnOnRefund:
				target = RedemptionReturned
			}
		case snap.Status == "failed":
			if r.Open() {
				target = RedemptionReleased
			}
		case snap.Status == "pending" || snap.Status == "on-hold":
			if r.State == RedemptionIssued {
				target = RedemptionApplied
			}
		}
		if target == "" {
			continue
		}
		next, t, err := SettleRedemption(r, target, snap.OrderID, now)
		if err != nil {
			notes = append(notes, fmt.Sprintf("coupon %s: %s", code, ErrorMessage(err)))
			continue
		}
		steps = append(steps, RedemptionStep{Redemption: next, Transaction: t})
	}
	return steps, notes, nil
}

// Affordable says whether a customer with available points can redeem the
// reward now, and when not, why (in English, for the plugin to translate
// by case).
func Affordable(p Program, r Reward, available int64, tiers []Tier, held int64) (bool, string) {
	need := r.PointsCost
	if r.Kind == RewardPointsDiscount {
		need = max(p.RedeemMinPoints, 1)
	}
	if ok, why := MayRedeem(tiers, held, r.ID); !ok {
		return false, why
	}
	switch {
	case available < 0:
		return false, "balance is negative"
	case available < need:
		return false, fmt.Sprintf("needs %d more points", need-available)
	}
	return true, ""
}
