package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) meRoutes(me *gin.RouterGroup) {
	me.GET("", a.handle(a.me))
	me.GET("/activity", a.handle(a.myActivity))
}

type balanceResponse struct {
	CustomerID          string `json:"customer_id"`
	Available           int64  `json:"available"`
	Pending             int64  `json:"pending"`
	Held                int64  `json:"held"`
	Lifetime            int64  `json:"lifetime"`
	AvailableValueMinor int64  `json:"available_value_minor"`
	Currency            string `json:"currency"`
	CurrencyExponent    int    `json:"currency_exponent"`
	// The tier held and the next one: null when the store has no tiers
	// (or at the top).
	Tier     *customerTierResponse `json:"tier"`
	NextTier *nextTierResponse     `json:"next_tier"`
	// The next points to lapse: null when the store expires nothing or
	// nothing of the balance will.
	Expiring *expiringResponse `json:"expiring"`
	// What ?include= asks for besides (activity, rewards, redemptions,
	// referral, comma-separated): a storefront page makes one request for
	// everything it shows.
	Activity    *activityPage       `json:"activity,omitempty"`
	Rewards     *shopperRewardList  `json:"rewards,omitempty"`
	Redemptions *redemptionPage     `json:"redemptions,omitempty"`
	Referral    *myReferralResponse `json:"referral,omitempty"`
}

type expiringResponse struct {
	Points int64     `json:"points"`
	At     time.Time `json:"at"`
}

// activityResponse is one ledger transaction as a customer sees it.
type activityResponse struct {
	ID             string            `json:"id"`
	TierNames      map[string]string `json:"tier_names,omitempty"`
	Kind           string            `json:"kind"`
	OrderID        *string           `json:"order_id"`
	AvailableDelta int64             `json:"available_delta"`
	PendingDelta   int64             `json:"pending_delta"`
	Reason         string            `json:"reason"`
	CreatedAt      time.Time         `json:"created_at"`
}

func newActivityResponse(x loyalty.Activity) activityResponse {
	r := activityResponse{ID: strconv.FormatInt(x.ID, 10), Kind: x.Kind, AvailableDelta: x.AvailableDelta,
		PendingDelta: x.PendingDelta, Reason: x.Reason, CreatedAt: x.CreatedAt, TierNames: x.TierNames}
	if x.Kind == loyalty.KindTierChange {
		r.ID = "tier-" + x.CreatedAt.UTC().Format("20060102150405.000000")
	}
	if x.OrderID != nil {
		s := strconv.FormatInt(*x.OrderID, 10)
		r.OrderID = &s
	}
	return r
}

func activityList(items []loyalty.Activity) []activityResponse {
	out := make([]activityResponse, 0, len(items))
	for _, x := range items {
		out = append(out, newActivityResponse(x))
	}
	return out
}

type activityPage struct {
	Items      []activityResponse `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

// shopperBalance reads the calling shopper's store (cached) and balance.
func (a *api) shopperBalance(c *gin.Context) (auth.Principal, loyalty.Store, loyalty.Balance, error) {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return p, loyalty.Store{}, loyalty.Balance{}, err
	}
	ctx := c.Request.Context()
	store, err := a.stores.Store(ctx, p.StoreID)
	if err != nil {
		return p, loyalty.Store{}, loyalty.Balance{}, err
	}
	b, err := a.Ledger.Balance(ctx, p.StoreID, cid)
	return p, store, b, err
}

// me answers the shopper's balance and its money value, with what
// ?include= names besides: the first activity page (activity_limit,
// default 10), the rewards catalog as the shopper sees it, their latest
// issued rewards (20) and their referral summary (absent when the store has
// no referral program). It is the one call a storefront page makes, so its
// reads run side by side: each waits on the database, and the answer takes
// the longest of them rather than their sum.
func (a *api) me(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	inc, limit, err := meIncludes(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	store, err := a.stores.Store(ctx, p.StoreID)
	if err != nil {
		return err
	}
	var (
		b        loyalty.Balance
		tier     loyalty.TierStatus
		expiring *loyalty.Expiring
		activity []loyalty.Activity
		catalog  []loyalty.Reward
		issued   redemptionPage
		referral myReferralResponse
		g        errgroup.Group
	)
	g.Go(func() (err error) { b, err = a.Ledger.Balance(ctx, p.StoreID, cid); return })
	if len(store.Tiers) > 0 {
		g.Go(func() (err error) { tier, err = a.Tiers.CustomerTier(ctx, store, cid, false); return })
	}
	if pr := store.Program; pr.ExpireMonths > 0 || pr.ExpireInactiveMonths > 0 {
		g.Go(func() (err error) { expiring, err = a.Expiry.Expiring(ctx, store, cid); return })
	}
	if inc[includeActivity] {
		g.Go(func() (err error) { activity, err = a.Ledger.Activity(ctx, p.StoreID, cid, 0, limit); return })
	}
	if inc[includeRewards] {
		g.Go(func() (err error) { catalog, err = a.Catalog.Rewards(ctx, p.StoreID, true); return })
	}
	if inc[includeRedemptions] {
		g.Go(func() (err error) { issued, err = a.redemptionPage(c, p.StoreID, cid, 0, 20); return })
	}
	if inc[includeReferral] && store.Program.ReferralEnabled {
		g.Go(func() (err error) { referral, err = a.referralSummary(c, store, cid); return })
	}
	if err := g.Wait(); err != nil {
		return err
	}

	out := balanceResponse{
		CustomerID: p.Subject, Available: b.Available, Pending: b.Pending, Held: b.Held, Lifetime: b.Lifetime,
		AvailableValueMinor: store.Program.ValueMinor(b.Available),
		Currency:            store.Program.Currency, CurrencyExponent: store.Program.CurrencyExponent,
	}
	if len(store.Tiers) > 0 {
		out.Tier, out.NextTier = newTierStatus(tier, c.Query("locale"))
	}
	if expiring != nil {
		out.Expiring = &expiringResponse{Points: expiring.Points, At: expiring.At.UTC()}
	}
	if inc[includeActivity] {
		out.Activity = &activityPage{Items: activityList(activity), NextCursor: activityCursor(activity, limit)}
	}
	if inc[includeRewards] {
		r := shopperRewardsFor(c, store, catalog, b, tier)
		out.Rewards = &r
	}
	if inc[includeRedemptions] {
		out.Redemptions = &issued
	}
	if inc[includeReferral] && store.Program.ReferralEnabled {
		out.Referral = &referral
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// What /v1/me?include= may name.
const (
	includeActivity    = "activity"
	includeRewards     = "rewards"
	includeRedemptions = "redemptions"
	includeReferral    = "referral"
)

// meIncludes reads ?include= (comma-separated, repeats ignored) and
// activity_limit, before anything is read: EInvalid for anything else.
func meIncludes(c *gin.Context) (map[string]bool, int, error) {
	inc := map[string]bool{}
	if s := c.Query("include"); s != "" {
		for _, part := range strings.Split(s, ",") {
			switch part {
			case includeActivity, includeRewards, includeRedemptions, includeReferral:
				inc[part] = true
			default:
				return nil, 0, loyalty.Errorf(loyalty.EInvalid, "include takes activity, rewards, redemptions and referral, comma-separated")
			}
		}
	}
	limit := 10
	if s := c.Query("activity_limit"); s != "" && inc[includeActivity] {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return nil, 0, loyalty.Errorf(loyalty.EInvalid, "activity_limit must be between 1 and 100")
		}
		limit = n
	}
	return inc, limit, nil
}

// myActivity answers the shopper's transactions, newest first, a page at a time.
func (a *api) myActivity(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	items, err := a.Ledger.Activity(c.Request.Context(), p.StoreID, cid, before, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, activityPage{Items: activityList(items), NextCursor: activityCursor(items, limit)})
	return nil
}

// activityCursor pages by the ledger items alone (tier changes fill in
// between them).
func activityCursor(items []loyalty.Activity, limit int) *string {
	n, last := 0, int64(0)
	for _, x := range items {
		if x.Kind != loyalty.KindTierChange {
			n, last = n+1, x.ID
		}
	}
	if n == 0 {
		return nil
	}
	return nextCursor(n, limit, last)
}
