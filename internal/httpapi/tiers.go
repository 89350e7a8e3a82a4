package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) tierRoutes(me, admin *gin.RouterGroup) {
	admin.GET("/tiers", a.handle(a.adminTiers))
	admin.POST("/tiers", a.handle(a.adminCreateTier))
	admin.PATCH("/tiers/:id", a.handle(a.adminUpdateTier))
	me.GET("/tier", a.handle(a.myTier))
}

type perksResponse struct {
	FreeShipping   bool     `json:"free_shipping"`
	BirthdayPoints int64    `json:"birthday_points"`
	RewardIDs      []string `json:"reward_ids"`
}

// tierResponse is a tier as the admin edits it.
type tierResponse struct {
	ID            string            `json:"id"`
	Rank          int               `json:"rank"`
	Name          string            `json:"name"`
	Names         map[string]string `json:"names"`
	ThresholdKind string            `json:"threshold_kind"`
	Threshold     int64             `json:"threshold"`
	WindowDays    int               `json:"window_days"`
	Multiplier    string            `json:"multiplier"`
	Perks         perksResponse     `json:"perks"`
	Active        bool              `json:"active"`
}

func newPerksResponse(p loyalty.TierPerks) perksResponse {
	out := perksResponse{FreeShipping: p.FreeShipping, BirthdayPoints: p.BirthdayPoints, RewardIDs: make([]string, 0, len(p.RewardIDs))}
	for _, id := range p.RewardIDs {
		out.RewardIDs = append(out.RewardIDs, strconv.FormatInt(id, 10))
	}
	return out
}

func newTierResponse(t loyalty.Tier, locale string) tierResponse {
	out := tierResponse{ID: strconv.FormatInt(t.ID, 10), Rank: t.Rank, Name: t.Name(locale), Names: t.Names,
		ThresholdKind: t.ThresholdKind, Threshold: t.Threshold, WindowDays: t.WindowDays, Multiplier: t.Multiplier.String(),
		Perks: newPerksResponse(t.Perks), Active: t.Active}
	if out.Names == nil {
		out.Names = map[string]string{}
	}
	return out
}

type tierList struct {
	Items []tierResponse `json:"items"`
}

// tierRequest creates a tier (absent fields take defaults) or changes one
// (only the fields present). name sets the English name.
type tierRequest struct {
	Rank          *int               `json:"rank"`
	Name          *string            `json:"name"`
	Names         *map[string]string `json:"names"`
	ThresholdKind *string            `json:"threshold_kind"`
	Threshold     *int64             `json:"threshold"`
	WindowDays    *int               `json:"window_days"`
	Multiplier    *string            `json:"multiplier"`
	Perks         *struct {
		FreeShipping   *bool     `json:"free_shipping"`
		BirthdayPoints *int64    `json:"birthday_points"`
		RewardIDs      *[]string `json:"reward_ids"`
	} `json:"perks"`
	Active *bool `json:"active"`
}

// apply copies the fields present onto t. EInvalid for a malformed multiplier or reward id.
func (q tierRequest) apply(t *loyalty.Tier) error {
	if q.Rank != nil {
		t.Rank = *q.Rank
	}
	if q.Names != nil {
		t.Names = *q.Names
	}
	if q.Name != nil {
		if t.Names == nil {
			t.Names = map[string]string{}
		}
		t.Names["en"] = *q.Name
	}
	if q.ThresholdKind != nil {
		t.ThresholdKind = *q.ThresholdKind
	}
	if q.Threshold != nil {
		t.Threshold = *q.Threshold
	}
	if q.WindowDays != nil {
		t.WindowDays = *q.WindowDays
	}
	if q.Multiplier != nil {
		m, err := loyalty.ParseRatio(*q.Multiplier)
		if err != nil {
			return err
		}
		t.Multiplier = m
	}
	if p := q.Perks; p != nil {
		if p.FreeShipping != nil {
			t.Perks.FreeShipping = *p.FreeShipping
		}
		if p.BirthdayPoints != nil {
			t.Perks.BirthdayPoints = *p.BirthdayPoints
		}
		if p.RewardIDs != nil {
			t.Perks.RewardIDs = t.Perks.RewardIDs[:0]
			for _, s := range *p.RewardIDs {
				id, err := strconv.ParseInt(s, 10, 64)
				if err != nil || id <= 0 {
					return loyalty.Errorf(loyalty.EInvalid, "perks.reward_ids must be reward ids as strings")
				}
				t.Perks.RewardIDs = append(t.Perks.RewardIDs, id)
			}
		}
	}
	if q.Active != nil {
		t.Active = *q.Active
	}
	return nil
}

func (a *api) adminTiers(c *gin.Context) error {
	list, err := a.Tiers.ListTiers(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	out := tierList{Items: make([]tierResponse, 0, len(list))}
	for _, t := range list {
		out.Items = append(out.Items, newTierResponse(t, c.Query("locale")))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminCreateTier adds a tier: active, lifetime, multiplier 1 and ranked
// above every other tier unless the body says otherwise.
func (a *api) adminCreateTier(c *gin.Context) error {
	var req tierRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	t := loyalty.Tier{Active: true, Multiplier: loyalty.One, ThresholdKind: loyalty.TierBySpend}
	if req.Rank == nil {
		list, err := a.Tiers.ListTiers(c.Request.Context(), p.StoreID)
		if err != nil {
			return err
		}
		for _, x := range list {
			t.Rank = max(t.Rank, x.Rank+1)
		}
	}
	if err := req.apply(&t); err != nil {
		return err
	}
	out, err := a.Tiers.CreateTier(c.Request.Context(), p.StoreID, t)
	if err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("tier created", "store_id", p.StoreID, "tier", out.ID, "actor", p.Subject)
	c.JSON(http.StatusCreated, newTierResponse(out, c.Query("locale")))
	return nil
}

// adminUpdateTier changes the fields present; "active": false retires a
// tier (tiers are never deleted: history names them). Customers are placed
// again by the tier job.
func (a *api) adminUpdateTier(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req tierRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	out, err := a.Tiers.UpdateTier(c.Request.Context(), p.StoreID, id, req.apply)
	if err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("tier changed", "store_id", p.StoreID, "tier", id, "actor", p.Subject)
	c.JSON(http.StatusOK, newTierResponse(out, c.Query("locale")))
	return nil
}

// customerTierResponse is the tier a shopper holds.
type customerTierResponse struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Names       map[string]string `json:"names"`
	Rank        int               `json:"rank"`
	Multiplier  string            `json:"multiplier"`
	Perks       perksResponse     `json:"perks"`
	Since       time.Time         `json:"since"`
	DowngradeAt *time.Time        `json:"downgrade_at"`
}

// nextTierResponse is the next tier and what it still needs.
type nextTierResponse struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Names         map[string]string `json:"names"`
	ThresholdKind string            `json:"threshold_kind"`
	Threshold     int64             `json:"threshold"`
	WindowDays    int               `json:"window_days"`
	Missing       int64             `json:"missing"`
	By            *time.Time        `json:"by"`
}

type tierChangeResponse struct {
	From   *string   `json:"from"`
	To     *string   `json:"to"`
	Reason string    `json:"reason"`
	Detail string    `json:"detail"`
	At     time.Time `json:"at"`
}

type myTierResponse struct {
	Tier     *customerTierResponse `json:"tier"`
	NextTier *nextTierResponse     `json:"next_tier"`
	History  []tierChangeResponse  `json:"history"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func idPtr(id int64) *string {
	if id == 0 {
		return nil
	}
	s := strconv.FormatInt(id, 10)
	return &s
}

// newTierStatus renders the shopper's tier and the next one, names in locale.
func newTierStatus(s loyalty.TierStatus, locale string) (*customerTierResponse, *nextTierResponse) {
	var cur *customerTierResponse
	if t := s.Tier; t != nil {
		cur = &customerTierResponse{ID: strconv.FormatInt(t.ID, 10), Name: t.Name(locale), Names: t.Names, Rank: t.Rank,
			Multiplier: t.Multiplier.String(), Perks: newPerksResponse(t.Perks), Since: s.Current.Since, DowngradeAt: timePtr(s.DowngradeAt)}
	}
	var next *nextTierResponse
	if n := s.Next; n != nil {
		next = &nextTierResponse{ID: strconv.FormatInt(n.Tier.ID, 10), Name: n.Tier.Name(locale), Names: n.Tier.Names,
			ThresholdKind: n.Tier.ThresholdKind, Threshold: n.Tier.Threshold, WindowDays: n.Tier.WindowDays, Missing: n.Missing, By: timePtr(n.By)}
	}
	return cur, next
}

// myTier answers the shopper's tier, the next one and the tier history.
func (a *api) myTier(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	store, err := a.stores.Store(c.Request.Context(), p.StoreID)
	if err != nil {
		return err
	}
	s, err := a.Tiers.CustomerTier(c.Request.Context(), store, cid, true)
	if err != nil {
		return err
	}
	out := myTierResponse{History: make([]tierChangeResponse, 0, len(s.History))}
	out.Tier, out.NextTier = newTierStatus(s, c.Query("locale"))
	for _, h := range s.History {
		out.History = append(out.History, tierChangeResponse{From: idPtr(h.From), To: idPtr(h.To), Reason: h.Reason, Detail: h.Detail, At: h.At})
	}
	c.JSON(http.StatusOK, out)
	return nil
}
