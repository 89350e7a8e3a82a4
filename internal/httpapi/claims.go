package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) claimRoutes(me, admin *gin.RouterGroup) {
	admin.POST("/claims", a.handle(a.adminOfferClaim))
	me.POST("/claims", a.handle(a.myClaim))
}

type offerClaimRequest struct {
	CustomerID string `json:"customer_id"`
	Email      string `json:"email"`
}

type claimOfferResponse struct {
	Token     *string    `json:"token"`
	Points    int64      `json:"points"`
	ExpiresAt *time.Time `json:"expires_at"`
}

type claimRequest struct {
	Token string `json:"token"`
}

type claimResponse struct {
	PointsMoved int64          `json:"points_moved"`
	Balance     balanceFigures `json:"balance"`
}

// adminOfferClaim asks for a claim link token for a newly registered
// customer whose e-mail has guest activity; the plugin e-mails the link.
func (a *api) adminOfferClaim(c *gin.Context) error {
	var req offerClaimRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	cid, err := strconv.ParseInt(req.CustomerID, 10, 64)
	if err != nil || cid <= 0 {
		return loyalty.Errorf(loyalty.EInvalid, "customer_id must be a positive integer as a string")
	}
	offer, err := a.Claims.OfferClaim(c.Request.Context(), principal(c).StoreID, cid, req.Email)
	if err != nil {
		return err
	}
	out := claimOfferResponse{Points: offer.Points}
	if offer.Token != "" {
		out.Token, out.ExpiresAt = &offer.Token, &offer.ExpiresAt
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// myClaim merges the guest activity behind a claim link into the signed-in shopper.
func (a *api) myClaim(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	var req claimRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	res, err := a.Claims.Claim(c.Request.Context(), p.StoreID, cid, req.Token)
	if err != nil {
		return err
	}
	a.Logger.Info("guest activity claimed", "store_id", p.StoreID, "customer_id", cid, "points", res.PointsMoved)
	c.JSON(http.StatusOK, claimResponse{PointsMoved: res.PointsMoved,
		Balance: balanceFigures{Available: res.Balance.Available, Pending: res.Balance.Pending, Lifetime: res.Balance.Lifetime}})
	return nil
}
