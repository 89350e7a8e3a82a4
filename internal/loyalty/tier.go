package loyalty

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/vafaloyalty/vafa/internal/money"
)

// VIP tiers: a status a customer reaches by what they spend or earn, keeps
// while they go on, and loses only after a grace period. The tier held when
// an order is first paid sets the order's earn multiplier, frozen with its
// earn rule.

// What a tier's threshold counts.
const (
	TierBySpend  = "spend"  // money spent on paid orders, net of tax, shipping and refunds (minor units)
	TierByPoints = "points" // points the customer's paid orders hold (net of refunds)
)

// Ratio is an exact non-negative rational, such as an earn multiplier.
// The zero value means 1.
type Ratio struct{ Num, Den int64 }

// One is the multiplier 1.
var One = Ratio{1, 1}

var decimalRe = regexp.MustCompile(`^[0-9]{1,4}(\.[0-9]{1,4})?$`)

// ParseRatio reads a decimal such as "1.25" (at most 4 decimals, at most
// 1000) into the exact fraction 5/4. EInvalid otherwise.
func ParseRatio(s string) (Ratio, error) {
	s = strings.TrimSpace(s)
	if !decimalRe.MatchString(s) {
		return Ratio{}, Errorf(EInvalid, "multiplier must be a decimal such as 1.25, with at most 4 decimals")
	}
	n, err := money.Parse(s, 4)
	if err != nil || n > 1000*10_000 {
		return Ratio{}, Errorf(EInvalid, "multiplier must be between 0 and 1000")
	}
	return Ratio{n, 10_000}.reduced(), nil
}

func (r Ratio) norm() Ratio {
	if r.Den == 0 {
		return One
	}
	return r
}

func (r Ratio) reduced() Ratio {
	r = r.norm()
	g := new(big.Int).GCD(nil, nil, big.NewInt(r.Num), big.NewInt(r.Den)).Int64()
	if g <= 1 {
		return r
	}
	return Ratio{r.Num / g, r.Den / g}
}

// IsOne reports whether r multiplies by 1.
func (r Ratio) IsOne() bool { r = r.norm(); return r.Num == r.Den }

// String is r as the shortest decimal with at most 4 decimals ("1.25");
// ratios parsed by ParseRatio print exactly.
func (r Ratio) String() string {
	r = r.norm()
	v := new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(10_000))
	v.Quo(v, big.NewInt(r.Den))
	s := money.Format(v.Int64(), 4)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// TierPerks are what a tier gives besides its multiplier. The plugin applies
// free shipping; the engagement bonuses read BirthdayPoints; RewardIDs are
// catalog rewards reserved for this tier and those above it.
type TierPerks struct {
	FreeShipping   bool    `json:"free_shipping"`
	BirthdayPoints int64   `json:"birthday_points"`
	RewardIDs      []int64 `json:"reward_ids"`
}

// Tier is one level of a store's program. Tiers are ordered by Rank (higher
// is better); a customer holds the highest active tier whose threshold
// their figures meet.
type Tier struct {
	ID            int64
	Rank          int
	Names         map[string]string // by locale; "en" is required
	ThresholdKind string            // TierBySpend or TierByPoints
	Threshold     int64             // minor units or points
	WindowDays    int               // the threshold counts orders first paid in the last WindowDays days; 0 = lifetime
	Multiplier    Ratio
	Perks         TierPerks
	Active        bool
}

// Validate returns EInvalid when the tier cannot be used as described.
func (t Tier) Validate() error {
	switch {
	case strings.TrimSpace(t.Names["en"]) == "":
		return Errorf(EInvalid, "name (names.en) is required")
	case t.ThresholdKind != TierBySpend && t.ThresholdKind != TierByPoints:
		return Errorf(EInvalid, "threshold_kind must be spend or points")
	case t.Threshold < 0 || t.Threshold > 1e15:
		return Errorf(EInvalid, "threshold must be between 0 and 10^15")
	case t.WindowDays < 0 || t.WindowDays > 3660:
		return Errorf(EInvalid, "window_days must be between 0 (lifetime) and 3660")
	case t.Rank < 0 || t.Rank > 1000:
		return Errorf(EInvalid, "rank must be between 0 and 1000")
	case t.Multiplier.norm().Num < 0 || t.Multiplier.norm().Den <= 0:
		return Errorf(EInvalid, "multiplier must be zero or more")
	case t.Perks.BirthdayPoints < 0 || t.Perks.BirthdayPoints > 1e12:
		return Errorf(EInvalid, "perks.birthday_points must be between 0 and 10^12")
	case len(t.Perks.RewardIDs) > 100:
		return Errorf(EInvalid, "perks.reward_ids holds at most 100 rewards")
	}
	for l, n := range t.Names {
		if len(l) > 10 || len(n) > 100 {
			return Errorf(EInvalid, "tier names are at most 100 characters, locales at most 10")
		}
	}
	return nil
}

// Name is the tier's name in locale, falling back to its language and then English.
func (t Tier) Name(locale string) string {
	if n := t.Names[locale]; n != "" {
		return n
	}
	if lang, _, ok := strings.Cut(locale, "_"); ok && t.Names[lang] != "" {
		return t.Names[lang]
	}
	return t.Names["en"]
}

// TierBasis is what one threshold counts: a kind over a window.
type TierBasis struct {
	Kind       string
	WindowDays int
}

// Basis is the figure t's threshold is compared with.
func (t Tier) Basis() TierBasis { return TierBasis{t.ThresholdKind, t.WindowDays} }

// Figure is a customer's amount for one basis. Oldest is when the earliest
// order counted in a window was first paid (zero for lifetime figures or no
// orders): at Oldest + window the figure first falls.
type Figure struct {
	Amount int64
	Oldest time.Time
}

// Figures are a customer's amounts for every basis the tiers use.
type Figures map[TierBasis]Figure

// TierOrder is what one of the customer's paid orders counts toward tiers.
type TierOrder struct {
	Foreign              bool // in another currency than the store's: its money does not count toward spend
	FirstPaidAt          time.Time
	Net, Total, Refunded int64 // minor units, as on the order
	Points               int64 // what the order holds now (pending and available)
}

// TierOrder is what the order counts toward its customer's tier, and
// whether it counts: it must have been paid, still be in a paid status and
// not be trashed.
func (s OrderState) TierOrder() (TierOrder, bool) {
	if s.Terms == nil || s.Deleted || !paidStatuses[s.Status] {
		return TierOrder{}, false
	}
	return TierOrder{FirstPaidAt: s.Terms.FirstPaidAt, Net: s.Net, Total: s.Total, Refunded: s.Refunded,
		Points: s.Holding.Pending + s.Holding.Available}, true
}

// Spend is the order's net in the share not refunded: floor(net x
// (total - refunded) / total), the amount its points were earned on.
func (o TierOrder) Spend() int64 {
	remaining := o.Total - o.Refunded
	if o.Foreign || o.Total <= 0 || o.Net <= 0 || remaining <= 0 {
		return 0
	}
	v, ok := floorDiv(big.NewInt(o.Net), big.NewInt(min(remaining, o.Total)), big.NewInt(1), big.NewInt(o.Total))
	if !ok {
		return 0
	}
	return v
}

// ComputeFigures adds up a customer's paid orders (still paid, not trashed)
// for every basis at now. A window of N days counts the orders first paid
// in the N x 24 hours before now; the order paid exactly that long ago no
// longer counts, so Oldest + window is the instant the figure falls.
func ComputeFigures(orders []TierOrder, bases []TierBasis, now time.Time) Figures {
	f := make(Figures, len(bases))
	for _, b := range bases {
		var fig Figure
		start := now.Add(-time.Duration(b.WindowDays) * 24 * time.Hour)
		for _, o := range orders {
			if b.WindowDays > 0 && !o.FirstPaidAt.After(start) {
				continue
			}
			amount := o.Points
			if b.Kind == TierBySpend {
				amount = o.Spend()
			}
			fig.Amount += amount
			if b.WindowDays > 0 && (fig.Oldest.IsZero() || o.FirstPaidAt.Before(fig.Oldest)) {
				fig.Oldest = o.FirstPaidAt
			}
		}
		f[b] = fig
	}
	return f
}

// PaidStatuses are the order statuses that earn (and count toward tiers).
func PaidStatuses() []string { return []string{"processing", "completed"} }

// Bases lists the distinct bases of the active tiers: what storage must count.
func Bases(tiers []Tier) []TierBasis {
	seen := map[TierBasis]bool{}
	var out []TierBasis
	for _, t := range tiers {
		if t.Active && !seen[t.Basis()] {
			seen[t.Basis()] = true
			out = append(out, t.Basis())
		}
	}
	return out
}

// SortTiers orders tiers best first (rank, then id).
func SortTiers(tiers []Tier) {
	sort.SliceStable(tiers, func(i, j int) bool {
		if tiers[i].Rank != tiers[j].Rank {
			return tiers[i].Rank > tiers[j].Rank
		}
		return tiers[i].ID > tiers[j].ID
	})
}

// qualifies reports whether f meets t's threshold.
func (t Tier) qualifies(f Figures) bool {
	return t.Active && f[t.Basis()].Amount >= t.Threshold
}

// QualifiedTier is the best active tier f qualifies for, nil for none.
// tiers must be sorted by SortTiers.
func QualifiedTier(tiers []Tier, f Figures) *Tier {
	for i := range tiers {
		if tiers[i].qualifies(f) {
			return &tiers[i]
		}
	}
	return nil
}

// tierByID finds an active tier.
func tierByID(tiers []Tier, id int64) *Tier {
	for i := range tiers {
		if tiers[i].ID == id && tiers[i].Active {
			return &tiers[i]
		}
	}
	return nil
}

// CustomerTier is the tier a customer holds and since when. BelowSince is
// when they stopped qualifying for it (zero while they qualify): after the
// store's grace period they move down. NextCheck is when time alone may
// change the decision (a window dropping an order, a grace period ending);
// zero when only new orders can.
type CustomerTier struct {
	TierID     int64 // 0 = no tier
	Since      time.Time
	BelowSince time.Time
	NextCheck  time.Time
}

// DowngradeAt is when the customer leaves a tier they no longer qualify for.
func (c CustomerTier) DowngradeAt(graceDays int) time.Time {
	if c.BelowSince.IsZero() {
		return time.Time{}
	}
	return c.BelowSince.Add(time.Duration(graceDays) * 24 * time.Hour)
}

// Reasons a tier changes.
const (
	TierReasonQualified  = "qualified"   // the figures reached a better tier
	TierReasonGraceEnded = "grace_ended" // below the tier's threshold for the whole grace period
	TierReasonRemoved    = "tier_removed"
)

// TierChange is one recorded move between tiers (0 = none).
type TierChange struct {
	From, To int64
	Reason   string
	Detail   string // what the figures were, for the admin and the customer's history
	At       time.Time
}

// DecideTier is the customer's tier at now given their figures: up at once
// to the best tier they qualify for; down, when they stop qualifying, only
// once graceDays have passed below the threshold (and then to the best they
// qualify for); at once when their tier was deactivated or removed. tiers
// must be sorted by SortTiers. The change is nil when the tier stays.
func DecideTier(tiers []Tier, cur CustomerTier, f Figures, graceDays int, now time.Time) (CustomerTier, *TierChange) {
	best := QualifiedTier(tiers, f)
	held := tierByID(tiers, cur.TierID)
	next := cur
	var change *TierChange
	switch {
	case cur.TierID != 0 && held == nil:
		next = CustomerTier{TierID: tierID(best), Since: now}
		change = &TierChange{From: cur.TierID, To: next.TierID, Reason: TierReasonRemoved}
	case best != nil && (held == nil || best.Rank > held.Rank):
		next = CustomerTier{TierID: best.ID, Since: now}
		change = &TierChange{From: cur.TierID, To: best.ID, Reason: TierReasonQualified}
	case held != nil && held.qualifies(f):
		next.BelowSince = time.Time{}
	case held != nil:
		if next.BelowSince.IsZero() {
			next.BelowSince = now
		}
		if !now.Before(next.DowngradeAt(graceDays)) {
			next = CustomerTier{TierID: tierID(best), Since: now}
			change = &TierChange{From: cur.TierID, To: next.TierID, Reason: TierReasonGraceEnded}
		}
	}
	if change != nil {
		change.At = now
		change.Detail = describeFigures(tiers, f)
		if change.From == change.To {
			change = nil
		}
	}
	next.NextCheck = nextTierCheck(tiers, next, f, graceDays)
	return next, change
}

func tierID(t *Tier) int64 {
	if t == nil {
		return 0
	}
	return t.ID
}

// nextTierCheck is the earliest time the decision can change without a
// new order: the end of a grace period, or a held tier's window dropping
// its oldest counted order. Upgrades come only from new orders.
func nextTierCheck(tiers []Tier, c CustomerTier, f Figures, graceDays int) time.Time {
	var at time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	earliest(c.DowngradeAt(graceDays))
	if held := tierByID(tiers, c.TierID); held != nil && held.WindowDays > 0 && c.BelowSince.IsZero() {
		if o := f[held.Basis()].Oldest; !o.IsZero() {
			earliest(o.Add(time.Duration(held.WindowDays) * 24 * time.Hour))
		}
	}
	return at
}

func describeFigures(tiers []Tier, f Figures) string {
	var parts []string
	for _, b := range Bases(tiers) {
		w := "lifetime"
		if b.WindowDays > 0 {
			w = fmt.Sprintf("%d days", b.WindowDays)
		}
		parts = append(parts, fmt.Sprintf("%s %d (%s)", b.Kind, f[b].Amount, w))
	}
	return strings.Join(parts, ", ")
}

// NextTier is the next better tier and what the customer still needs for
// it: Missing in the tier's threshold kind, before By (zero when nothing
// counted lapses, as with a lifetime threshold).
type NextTier struct {
	Tier    Tier
	Missing int64
	By      time.Time
}

// NextTierFor is the lowest tier above the held one (or the lowest tier
// when none is held) with what is missing, nil at the top. tiers must be
// sorted by SortTiers.
func NextTierFor(tiers []Tier, cur CustomerTier, f Figures) *NextTier {
	held := tierByID(tiers, cur.TierID)
	var next *Tier
	for i := range tiers {
		t := &tiers[i]
		if !t.Active || (held != nil && t.Rank <= held.Rank) {
			continue
		}
		next = t // sorted best first: the last match is the lowest above
	}
	if next == nil {
		return nil
	}
	fig := f[next.Basis()]
	out := &NextTier{Tier: *next, Missing: max(0, next.Threshold-fig.Amount)}
	if next.WindowDays > 0 && !fig.Oldest.IsZero() {
		out.By = fig.Oldest.Add(time.Duration(next.WindowDays) * 24 * time.Hour)
	}
	return out
}

// Multiplier is the earn multiplier of the tier held (1 without one).
func (c CustomerTier) Multiplier(tiers []Tier) Ratio {
	if t := tierByID(tiers, c.TierID); t != nil {
		return t.Multiplier.norm()
	}
	return One
}

// ReservedFor is the lowest active tier whose perks reserve the reward
// (members of it and of every tier above may redeem it), nil when the
// reward is open to everyone. tiers must be sorted by SortTiers.
func ReservedFor(tiers []Tier, rewardID int64) *Tier {
	var out *Tier
	for i := range tiers {
		t := &tiers[i]
		if !t.Active {
			continue
		}
		for _, id := range t.Perks.RewardIDs {
			if id == rewardID {
				out = t // sorted best first: the last match is the lowest
			}
		}
	}
	return out
}

// MayRedeem reports whether a customer holding tier held (0 = none) may
// redeem the reward, and when not, why.
func MayRedeem(tiers []Tier, held int64, rewardID int64) (bool, string) {
	need := ReservedFor(tiers, rewardID)
	if need == nil {
		return true, ""
	}
	if h := tierByID(tiers, held); h != nil && h.Rank >= need.Rank {
		return true, ""
	}
	return false, fmt.Sprintf("for %s members and above", need.Name("en"))
}

// TierStatus is what the customer sees of their tier.
type TierStatus struct {
	Current     CustomerTier
	Tier        *Tier // nil without a tier
	Next        *NextTier
	DowngradeAt time.Time // zero unless below the threshold in the grace period
	History     []TierChange
}

// Tiers is the admin's tier catalog and the customers' standing in it.
type Tiers interface {
	ListTiers(ctx context.Context, store StoreID) ([]Tier, error)
	CreateTier(ctx context.Context, store StoreID, t Tier) (Tier, error)
	UpdateTier(ctx context.Context, store StoreID, id int64, patch func(*Tier) error) (Tier, error)
	// CustomerTier is the WooCommerce customer's status in store (a
	// customer the service has not seen holds no tier), with the latest
	// changes when history is set.
	CustomerTier(ctx context.Context, store Store, wcCustomerID int64, history bool) (TierStatus, error)
	// CheckDue re-decides the tiers time may have changed (windows, grace);
	// safe on several instances at once. It returns how many changed.
	CheckDue(ctx context.Context, limit int) (int, error)
}
