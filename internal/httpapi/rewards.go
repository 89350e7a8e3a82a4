package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) rewardRoutes(me, admin *gin.RouterGroup) {
	admin.GET("/rewards", a.handle(a.adminRewards))
	admin.POST("/rewards", a.handle(a.adminCreateReward))
	admin.GET("/rewards/:id", a.handle(a.adminReward))
	admin.PATCH("/rewards/:id", a.handle(a.adminUpdateReward))
	me.GET("/rewards", a.handle(a.myRewards))
}

// rewardResponse is a catalog entry.
type rewardResponse struct {
	ID               string            `json:"id"`
	Kind             string            `json:"kind"`
	Names            map[string]string `json:"names"`
	Descriptions     map[string]string `json:"descriptions"`
	PointsCost       int64             `json:"points_cost"`
	ValueMinor       int64             `json:"value_minor"`
	Percent          int               `json:"percent"`
	ProductID        string            `json:"product_id"`
	MinSubtotalMinor int64             `json:"min_subtotal_minor"`
	Active           bool              `json:"active"`
	ValidDays        int               `json:"valid_days"`
}

func newRewardResponse(r loyalty.Reward) rewardResponse {
	out := rewardResponse{ID: strconv.FormatInt(r.ID, 10), Kind: r.Kind, Names: r.Names, Descriptions: r.Descriptions,
		PointsCost: r.PointsCost, ValueMinor: r.ValueMinor, Percent: r.Percent, MinSubtotalMinor: r.MinSubtotalMinor,
		Active: r.Active, ValidDays: r.ValidDays}
	if r.ProductID > 0 {
		out.ProductID = strconv.FormatInt(r.ProductID, 10)
	}
	if out.Names == nil {
		out.Names = map[string]string{}
	}
	if out.Descriptions == nil {
		out.Descriptions = map[string]string{}
	}
	return out
}

type rewardList struct {
	Items []rewardResponse `json:"items"`
}

// rewardRequest creates a reward (every field) or changes one (only the
// fields present).
type rewardRequest struct {
	Kind             *string            `json:"kind"`
	Names            *map[string]string `json:"names"`
	Descriptions     *map[string]string `json:"descriptions"`
	PointsCost       *int64             `json:"points_cost"`
	ValueMinor       *int64             `json:"value_minor"`
	Percent          *int               `json:"percent"`
	ProductID        *string            `json:"product_id"`
	MinSubtotalMinor *int64             `json:"min_subtotal_minor"`
	Active           *bool              `json:"active"`
	ValidDays        *int               `json:"valid_days"`
}

// apply copies the fields present onto r. EInvalid for a bad product id.
func (q rewardRequest) apply(r *loyalty.Reward) error {
	if q.Kind != nil {
		r.Kind = *q.Kind
	}
	if q.Names != nil {
		r.Names = *q.Names
	}
	if q.Descriptions != nil {
		r.Descriptions = *q.Descriptions
	}
	if q.PointsCost != nil {
		r.PointsCost = *q.PointsCost
	}
	if q.ValueMinor != nil {
		r.ValueMinor = *q.ValueMinor
	}
	if q.Percent != nil {
		r.Percent = *q.Percent
	}
	if q.ProductID != nil {
		id, err := strconv.ParseInt(*q.ProductID, 10, 64)
		if *q.ProductID != "" && (err != nil || id <= 0) {
			return loyalty.Errorf(loyalty.EInvalid, "product_id must be a positive integer as a string")
		}
		r.ProductID = id
	}
	if q.MinSubtotalMinor != nil {
		r.MinSubtotalMinor = *q.MinSubtotalMinor
	}
	if q.Active != nil {
		r.Active = *q.Active
	}
	if q.ValidDays != nil {
		r.ValidDays = *q.ValidDays
	}
	return nil
}

func (a *api) adminRewards(c *gin.Context) error {
	list, err := a.Catalog.Rewards(c.Request.Context(), principal(c).StoreID, false)
	if err != nil {
		return err
	}
	out := rewardList{Items: make([]rewardResponse, 0, len(list))}
	for _, r := range list {
		out.Items = append(out.Items, newRewardResponse(r))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminCreateReward adds a reward; active unless the body says otherwise,
// valid for 30 days once issued unless valid_days says otherwise.
func (a *api) adminCreateReward(c *gin.Context) error {
	var req rewardRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	r := loyalty.Reward{Active: true, ValidDays: loyalty.DefaultRewardValidDays}
	if err := req.apply(&r); err != nil {
		return err
	}
	p := principal(c)
	out, err := a.Catalog.CreateReward(c.Request.Context(), p.StoreID, r)
	if err != nil {
		return err
	}
	a.Logger.Info("reward created", "store_id", p.StoreID, "reward", out.ID, "actor", p.Subject)
	c.JSON(http.StatusCreated, newRewardResponse(out))
	return nil
}

func (a *api) adminReward(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := a.Catalog.Reward(c.Request.Context(), principal(c).StoreID, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newRewardResponse(r))
	return nil
}

// adminUpdateReward changes the fields present; "active": false deactivates
// (rewards are never deleted: issued ones keep their description).
func (a *api) adminUpdateReward(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req rewardRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	out, err := a.Catalog.UpdateReward(c.Request.Context(), p.StoreID, id, req.apply)
	if err != nil {
		return err
	}
	a.Logger.Info("reward changed", "store_id", p.StoreID, "reward", id, "actor", p.Subject)
	c.JSON(http.StatusOK, newRewardResponse(out))
	return nil
}

// shopperReward is a catalog entry with whether the shopper can redeem it now.
type shopperReward struct {
	rewardResponse
	Affordable  bool          `json:"affordable"`
	Reason      string        `json:"reason"`
	ReservedFor *reservedTier `json:"reserved_for"`
}

// reservedTier names the lowest tier a reward is reserved to.
type reservedTier struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Names map[string]string `json:"names"`
}

type shopperRewardList struct {
	Available int64           `json:"available"`
	Items     []shopperReward `json:"items"`
}

// myRewards lists the active catalog with whether the shopper can afford
// each reward now and, when not, why.
func (a *api) myRewards(c *gin.Context) error {
	p, store, b, err := a.shopperBalance(c)
	if err != nil {
		return err
	}
	out, err := a.shopperRewards(c, p, store, b)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// shopperRewards is the active catalog as the shopper with balance b sees
// it: what they can afford now, and why not.
func (a *api) shopperRewards(c *gin.Context, p auth.Principal, store loyalty.Store, b loyalty.Balance) (shopperRewardList, error) {
	list, err := a.Catalog.Rewards(c.Request.Context(), p.StoreID, true)
	if err != nil {
		return shopperRewardList{}, err
	}
	var tier loyalty.TierStatus
	if len(store.Tiers) > 0 {
		cid, _ := p.CustomerID()
		if tier, err = a.Tiers.CustomerTier(c.Request.Context(), store, cid, false); err != nil {
			return shopperRewardList{}, err
		}
	}
	return shopperRewardsFor(c, store, list, b, tier), nil
}

// shopperRewardsFor marks each reward of the catalog list affordable or
// not, and why, for a shopper with balance b holding the tier.
func shopperRewardsFor(c *gin.Context, store loyalty.Store, list []loyalty.Reward, b loyalty.Balance, tier loyalty.TierStatus) shopperRewardList {
	out := shopperRewardList{Available: b.Available, Items: make([]shopperReward, 0, len(list))}
	for _, r := range list {
		ok, why := loyalty.Affordable(store.Program, r, b.Available, store.Tiers, tier.Current.TierID)
		item := shopperReward{rewardResponse: newRewardResponse(r), Affordable: ok, Reason: why}
		if t := loyalty.ReservedFor(store.Tiers, r.ID); t != nil {
			item.ReservedFor = &reservedTier{ID: strconv.FormatInt(t.ID, 10), Name: t.Name(c.Query("locale")), Names: t.Names}
		}
		out.Items = append(out.Items, item)
	}
	return out
}
