package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

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

// me answers the shopper's balance and its money value.
func (a *api) me(c *gin.Context) error {
	p, store, b, err := a.shopperBalance(c)
	if err != nil {
		return err
	}
	out := balanceResponse{
		CustomerID: p.Subject, Available: b.Available, Pending: b.Pending, Held: b.Held, Lifetime: b.Lifetime,
		AvailableValueMinor: store.Program.ValueMinor(b.Available),
		Currency:            store.Program.Currency, CurrencyExponent: store.Program.CurrencyExponent,
	}
	if len(store.Tiers) > 0 {
		cid, _ := p.CustomerID()
		s, err := a.Tiers.CustomerTier(c.Request.Context(), store, cid, false)
		if err != nil {
			return err
		}
		out.Tier, out.NextTier = newTierStatus(s, c.Query("locale"))
	}
	if p := store.Program; p.ExpireMonths > 0 || p.ExpireInactiveMonths > 0 {
		cid, _ := principal(c).CustomerID()
		e, err := a.Expiry.Expiring(c.Request.Context(), store, cid)
		if err != nil {
			return err
		}
		if e != nil {
			out.Expiring = &expiringResponse{Points: e.Points, At: e.At.UTC()}
		}
	}
	if err := a.meIncludes(c, p, store, b, &out); err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// meIncludes adds what ?include= names to out: the first activity page
// (activity_limit, default 10), the rewards catalog as the shopper sees it,
// their latest issued rewards (20) and their referral summary (absent when
// the store has no referral program). EInvalid for anything else.
func (a *api) meIncludes(c *gin.Context, p auth.Principal, store loyalty.Store, b loyalty.Balance, out *balanceResponse) error {
	inc := c.Query("include")
	if inc == "" {
		return nil
	}
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(inc, ",") {
		if seen[part] {
			continue
		}
		seen[part] = true
		switch part {
		case "activity":
			limit := 10
			if s := c.Query("activity_limit"); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < 1 || n > 100 {
					return loyalty.Errorf(loyalty.EInvalid, "activity_limit must be between 1 and 100")
				}
				limit = n
			}
			items, err := a.Ledger.Activity(c.Request.Context(), p.StoreID, cid, 0, limit)
			if err != nil {
				return err
			}
			out.Activity = &activityPage{Items: activityList(items), NextCursor: activityCursor(items, limit)}
		case "rewards":
			r, err := a.shopperRewards(c, p, store, b)
			if err != nil {
				return err
			}
			out.Rewards = &r
		case "redemptions":
			r, err := a.redemptionPage(c, p.StoreID, cid, 0, 20)
			if err != nil {
				return err
			}
			out.Redemptions = &r
		case "referral":
			if store.Program.ReferralEnabled {
				r, err := a.referralSummary(c, store, cid)
				if err != nil {
					return err
				}
				out.Referral = &r
			}
		default:
			return loyalty.Errorf(loyalty.EInvalid, "include takes activity, rewards, redemptions and referral, comma-separated")
		}
	}
	return nil
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
