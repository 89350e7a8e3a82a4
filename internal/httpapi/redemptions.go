package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) redemptionRoutes(me *gin.RouterGroup) {
	me.GET("/redemptions", a.handle(a.myRedemptions))
	me.POST("/redemptions", a.handle(a.redeem))
	me.DELETE("/redemptions/:id", a.handle(a.release))
}

// redemptionResponse is an issued reward: the coupon code and its state.
type redemptionResponse struct {
	ID         string    `json:"id"`
	RewardID   string    `json:"reward_id"`
	Kind       string    `json:"kind"`
	Code       string    `json:"code"`
	Points     int64     `json:"points"`
	ValueMinor int64     `json:"value_minor"`
	Percent    int       `json:"percent"`
	ProductID  *string   `json:"product_id"`
	State      string    `json:"state"`
	OrderID    *string   `json:"order_id"`
	IssuedAt   time.Time `json:"issued_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

func newRedemptionResponse(r loyalty.Redemption) redemptionResponse {
	out := redemptionResponse{ID: strconv.FormatInt(r.ID, 10), RewardID: strconv.FormatInt(r.RewardID, 10), Kind: r.Kind,
		Code: r.Code, Points: r.Points, ValueMinor: r.ValueMinor, Percent: r.Percent, State: r.State,
		IssuedAt: r.IssuedAt, ExpiresAt: r.ExpiresAt}
	if r.ProductID > 0 {
		s := strconv.FormatInt(r.ProductID, 10)
		out.ProductID = &s
	}
	if r.OrderID > 0 {
		s := strconv.FormatInt(r.OrderID, 10)
		out.OrderID = &s
	}
	return out
}

type redemptionPage struct {
	Items      []redemptionResponse `json:"items"`
	NextCursor *string              `json:"next_cursor"`
}

type redeemRequest struct {
	RewardID          string `json:"reward_id"`
	Points            int64  `json:"points"`
	CartSubtotalMinor int64  `json:"cart_subtotal_minor"`
}

func (a *api) myRedemptions(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	out, err := a.redemptionPage(c, p.StoreID, cid, before, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// redemptionPage is a page of the customer's issued rewards, newest first.
func (a *api) redemptionPage(c *gin.Context, store loyalty.StoreID, cid, before int64, limit int) (redemptionPage, error) {
	list, err := a.Redemptions.CustomerRedemptions(c.Request.Context(), store, cid, before, limit)
	if err != nil {
		return redemptionPage{}, err
	}
	out := redemptionPage{Items: make([]redemptionResponse, 0, len(list))}
	for _, r := range list {
		out.Items = append(out.Items, newRedemptionResponse(r))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(len(list), limit, list[len(list)-1].ID)
	}
	return out, nil
}

// redeem issues a reward to the shopper under the Idempotency-Key header:
// 201 for a new one, 200 with the same reward for a repeated key.
func (a *api) redeem(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	var req redeemRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	rid, err := strconv.ParseInt(req.RewardID, 10, 64)
	if err != nil || rid <= 0 {
		return loyalty.Errorf(loyalty.EInvalid, "reward_id must be a reward's id (a decimal string)")
	}
	ctx := c.Request.Context()
	store, err := a.stores.Store(ctx, p.StoreID)
	if err != nil {
		return err
	}
	r, replayed, err := a.Redemptions.Redeem(ctx, p.StoreID, cid, loyalty.RedeemInput{RewardID: rid,
		Points: req.Points, CartSubtotal: req.CartSubtotalMinor, Key: c.GetHeader("Idempotency-Key"), Program: &store.Program, Tiers: store.Tiers})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	c.JSON(status, newRedemptionResponse(r))
	return nil
}

// release gives back an unused reward's points (removed from the cart).
func (a *api) release(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := a.Redemptions.Release(c.Request.Context(), p.StoreID, cid, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newRedemptionResponse(r))
	return nil
}
