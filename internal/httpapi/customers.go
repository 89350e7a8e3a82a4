package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) customerRoutes(admin *gin.RouterGroup) {
	admin.GET("/customers/:id", a.handle(a.adminCustomer))
	admin.POST("/customers/:id/adjustments", a.handle(a.adminAdjust))
}

type customerResponse struct {
	CustomerID string             `json:"customer_id"`
	Email      string             `json:"email"`
	Available  int64              `json:"available"`
	Pending    int64              `json:"pending"`
	Lifetime   int64              `json:"lifetime"`
	Ledger     []activityResponse `json:"ledger"`
	NextCursor *string            `json:"next_cursor"`
}

type adjustRequest struct {
	Points int64  `json:"points"`
	Reason string `json:"reason"`
}

type balanceFigures struct {
	Available int64 `json:"available"`
	Pending   int64 `json:"pending"`
	Lifetime  int64 `json:"lifetime"`
}

type adjustResponse struct {
	Transaction activityResponse `json:"transaction"`
	Balance     balanceFigures   `json:"balance"`
}

// adminCustomer answers a customer's balances and ledger, a page at a time.
func (a *api) adminCustomer(c *gin.Context) error {
	p := principal(c)
	cid, err := pathID(c, "id")
	if err != nil {
		return err
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	d, err := a.Ledger.Customer(c.Request.Context(), p.StoreID, cid, before, limit)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, customerResponse{
		CustomerID: strconv.FormatInt(cid, 10), Email: d.Email,
		Available: d.Balance.Available, Pending: d.Balance.Pending, Lifetime: d.Balance.Lifetime,
		Ledger: activityList(d.Activity), NextCursor: activityCursor(d.Activity, limit),
	})
	return nil
}

// adminAdjust posts a manual adjustment. The Idempotency-Key header makes a
// retried request post once; the admin's subject is recorded as the actor.
func (a *api) adminAdjust(c *gin.Context) error {
	p := principal(c)
	cid, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req adjustRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	act, bal, err := a.Ledger.Adjust(c.Request.Context(), p.StoreID, loyalty.Adjustment{
		CustomerID: cid, Points: req.Points, Reason: req.Reason,
		Key: c.GetHeader("Idempotency-Key"), Actor: "admin:" + p.Subject,
	})
	if err != nil {
		return err
	}
	a.Logger.Info("manual adjustment", "store_id", p.StoreID, "customer_id", cid, "points", req.Points, "actor", p.Subject, "transaction", act.ID)
	c.JSON(http.StatusCreated, adjustResponse{
		Transaction: newActivityResponse(act),
		Balance:     balanceFigures{Available: bal.Available, Pending: bal.Pending, Lifetime: bal.Lifetime},
	})
	return nil
}
