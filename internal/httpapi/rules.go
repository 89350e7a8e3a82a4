package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) ruleRoutes(admin *gin.RouterGroup) {
	admin.GET("/earning-rules", a.handle(a.adminRules))
	admin.POST("/earning-rules", a.handle(a.adminCreateRule))
	admin.PATCH("/earning-rules/:id", a.handle(a.adminUpdateRule))
	admin.GET("/promotions", a.handle(a.adminPromotions))
	admin.POST("/promotions", a.handle(a.adminCreatePromotion))
	admin.PATCH("/promotions/:id", a.handle(a.adminUpdatePromotion))
	admin.GET("/currencies", a.handle(a.adminCurrencies))
	admin.PUT("/currencies/:code", a.handle(a.adminSetCurrency))
}

// currencyResponse is the earn rate of a currency other than the store's.
type currencyResponse struct {
	Currency   string `json:"currency"`
	Exponent   int    `json:"exponent"`
	EarnPoints int64  `json:"earn_points"`
	EarnPer    int64  `json:"earn_per"`
}

type currencyList struct {
	Items []currencyResponse `json:"items"`
}

type currencyRequest struct {
	Exponent   int   `json:"exponent"`
	EarnPoints int64 `json:"earn_points"`
	EarnPer    int64 `json:"earn_per"`
}

func (a *api) adminCurrencies(c *gin.Context) error {
	list, err := a.Rules.ListCurrencies(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	out := currencyList{Items: make([]currencyResponse, 0, len(list))}
	for _, r := range list {
		out.Items = append(out.Items, currencyResponse(r))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminSetCurrency creates or replaces a currency's earn rate; deliveries
// flagged for lacking it earn once replayed (POST /v1/admin/inbox/{id}/replay).
func (a *api) adminSetCurrency(c *gin.Context) error {
	var req currencyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	r := loyalty.CurrencyRate{Currency: c.Param("code"), Exponent: req.Exponent, EarnPoints: req.EarnPoints, EarnPer: req.EarnPer}
	out, err := a.Rules.SetCurrency(c.Request.Context(), p.StoreID, r)
	if err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("currency rate set", "store_id", p.StoreID, "currency", out.Currency, "actor", p.Subject)
	c.JSON(http.StatusOK, currencyResponse(out))
	return nil
}

// ruleResponse is an earning rule.
type ruleResponse struct {
	ID         string `json:"id"`
	On         string `json:"on"`
	TargetID   string `json:"target_id"`
	Action     string `json:"action"`
	Multiplier string `json:"multiplier"`
	Points     int64  `json:"points"`
	Active     bool   `json:"active"`
}

func newRuleResponse(r loyalty.EarningRule) ruleResponse {
	return ruleResponse{ID: strconv.FormatInt(r.ID, 10), On: r.On, TargetID: strconv.FormatInt(r.TargetID, 10), Action: r.Action,
		Multiplier: r.Multiplier.String(), Points: r.Points, Active: r.Active}
}

// promotionResponse is a promotion.
type promotionResponse struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Starts     time.Time `json:"starts"`
	Ends       time.Time `json:"ends"`
	Multiplier string    `json:"multiplier"`
	CategoryID string    `json:"category_id"`
	Active     bool      `json:"active"`
}

func newPromotionResponse(p loyalty.Promotion) promotionResponse {
	out := promotionResponse{ID: strconv.FormatInt(p.ID, 10), Name: p.Name, Starts: p.Starts.UTC(), Ends: p.Ends.UTC(),
		Multiplier: p.Multiplier.String(), Active: p.Active}
	if p.CategoryID > 0 {
		out.CategoryID = strconv.FormatInt(p.CategoryID, 10)
	}
	return out
}

type ruleList struct {
	Items []ruleResponse `json:"items"`
}

type promotionList struct {
	Items []promotionResponse `json:"items"`
}

// ruleRequest creates a rule (absent fields take defaults) or changes one
// (only the fields present).
type ruleRequest struct {
	On         *string `json:"on"`
	TargetID   *string `json:"target_id"`
	Action     *string `json:"action"`
	Multiplier *string `json:"multiplier"`
	Points     *int64  `json:"points"`
	Active     *bool   `json:"active"`
}

func positiveID(s, field string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, loyalty.Errorf(loyalty.EInvalid, "%s must be a positive id as a string", field)
	}
	return id, nil
}

func (q ruleRequest) apply(r *loyalty.EarningRule) error {
	if q.On != nil {
		r.On = *q.On
	}
	if q.TargetID != nil {
		id, err := positiveID(*q.TargetID, "target_id")
		if err != nil {
			return err
		}
		r.TargetID = id
	}
	if q.Action != nil {
		r.Action = *q.Action
	}
	if q.Multiplier != nil {
		m, err := loyalty.ParseRatio(*q.Multiplier)
		if err != nil {
			return err
		}
		r.Multiplier = m
	}
	if q.Points != nil {
		r.Points = *q.Points
	}
	if q.Active != nil {
		r.Active = *q.Active
	}
	return nil
}

// promotionRequest creates a promotion or changes one (only the fields present).
type promotionRequest struct {
	Name       *string    `json:"name"`
	Starts     *time.Time `json:"starts"`
	Ends       *time.Time `json:"ends"`
	Multiplier *string    `json:"multiplier"`
	CategoryID *string    `json:"category_id"`
	Active     *bool      `json:"active"`
}

func (q promotionRequest) apply(p *loyalty.Promotion) error {
	if q.Name != nil {
		p.Name = *q.Name
	}
	if q.Starts != nil {
		p.Starts = q.Starts.UTC()
	}
	if q.Ends != nil {
		p.Ends = q.Ends.UTC()
	}
	if q.Multiplier != nil {
		m, err := loyalty.ParseRatio(*q.Multiplier)
		if err != nil {
			return err
		}
		p.Multiplier = m
	}
	if q.CategoryID != nil {
		p.CategoryID = 0
		if *q.CategoryID != "" {
			id, err := positiveID(*q.CategoryID, "category_id")
			if err != nil {
				return err
			}
			p.CategoryID = id
		}
	}
	if q.Active != nil {
		p.Active = *q.Active
	}
	return nil
}

func (a *api) adminRules(c *gin.Context) error {
	rules, _, err := a.Rules.ListRules(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	out := ruleList{Items: make([]ruleResponse, 0, len(rules))}
	for _, r := range rules {
		out.Items = append(out.Items, newRuleResponse(r))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminCreateRule adds a rule, active and multiplying by 1 unless the body says otherwise.
func (a *api) adminCreateRule(c *gin.Context) error {
	var req ruleRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	r := loyalty.EarningRule{Active: true, Multiplier: loyalty.One, Action: loyalty.RuleMultiply}
	if err := req.apply(&r); err != nil {
		return err
	}
	p := principal(c)
	out, err := a.Rules.CreateRule(c.Request.Context(), p.StoreID, r)
	if err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("earning rule created", "store_id", p.StoreID, "rule", out.ID, "actor", p.Subject)
	c.JSON(http.StatusCreated, newRuleResponse(out))
	return nil
}

// adminUpdateRule changes the fields present; "active": false retires the
// rule. Orders already paid keep the rules frozen on them.
func (a *api) adminUpdateRule(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ruleRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	out, err := a.Rules.UpdateRule(c.Request.Context(), p.StoreID, id, req.apply)
	if err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("earning rule changed", "store_id", p.StoreID, "rule", id, "actor", p.Subject)
	c.JSON(http.StatusOK, newRuleResponse(out))
	return nil
}

func (a *api) adminPromotions(c *gin.Context) error {
	_, promos, err := a.Rules.ListRules(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	out := promotionList{Items: make([]promotionResponse, 0, len(promos))}
	for _, p := range promos {
		out.Items = append(out.Items, newPromotionResponse(p))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminCreatePromotion adds a promotion, active unless the body says otherwise.
func (a *api) adminCreatePromotion(c *gin.Context) error {
	var req promotionRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	pr := loyalty.Promotion{Active: true, Multiplier: loyalty.One}
	if err := req.apply(&pr); err != nil {
		return err
	}
	p := principal(c)
	out, err := a.Rules.CreatePromotion(c.Request.Context(), p.StoreID, pr)
	if err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("promotion created", "store_id", p.StoreID, "promotion", out.ID, "actor", p.Subject)
	c.JSON(http.StatusCreated, newPromotionResponse(out))
	return nil
}

// adminUpdatePromotion changes the fields present; "active": false ends it early.
func (a *api) adminUpdatePromotion(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req promotionRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	out, err := a.Rules.UpdatePromotion(c.Request.Context(), p.StoreID, id, req.apply)
	if err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("promotion changed", "store_id", p.StoreID, "promotion", id, "actor", p.Subject)
	c.JSON(http.StatusOK, newPromotionResponse(out))
	return nil
}
