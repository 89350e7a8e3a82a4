package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

func (a *api) privacyRoutes(admin *gin.RouterGroup) {
	admin.POST("/privacy/export", a.handle(a.adminExport))
	admin.POST("/privacy/erase", a.handle(a.adminErase))
}

type privacyRequest struct {
	Email string `json:"email"`
}

type customerRecordResponse struct {
	CustomerID *string            `json:"customer_id"`
	Email      string             `json:"email"`
	Available  int64              `json:"available"`
	Pending    int64              `json:"pending"`
	Lifetime   int64              `json:"lifetime"`
	Ledger     []activityResponse `json:"ledger"`
}

type exportResponse struct {
	Customers []customerRecordResponse `json:"customers"`
}

type erasureResponse struct {
	Customers  int `json:"customers"`
	Deliveries int `json:"deliveries"`
}

// adminExport returns what the service holds about an e-mail address
// (WordPress's personal-data exporter calls it).
func (a *api) adminExport(c *gin.Context) error {
	var req privacyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	recs, err := a.Privacy.Export(c.Request.Context(), principal(c).StoreID, req.Email)
	if err != nil {
		return err
	}
	out := exportResponse{Customers: make([]customerRecordResponse, 0, len(recs))}
	for _, r := range recs {
		x := customerRecordResponse{Email: r.Email, Available: r.Balance.Available, Pending: r.Balance.Pending,
			Lifetime: r.Balance.Lifetime, Ledger: activityList(r.Activity)}
		if r.CustomerID > 0 {
			id := strconv.FormatInt(r.CustomerID, 10)
			x.CustomerID = &id
		}
		out.Customers = append(out.Customers, x)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminErase removes an e-mail address from the service (WordPress's
// personal-data eraser calls it); ledger amounts stay, anonymous.
func (a *api) adminErase(c *gin.Context) error {
	var req privacyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	res, err := a.Privacy.Erase(c.Request.Context(), p.StoreID, req.Email)
	if err != nil {
		return err
	}
	a.Logger.Info("personal data erased", "store_id", p.StoreID, "customers", res.Customers, "deliveries", res.Deliveries, "actor", p.Subject)
	c.JSON(http.StatusOK, erasureResponse{Customers: res.Customers, Deliveries: res.Deliveries})
	return nil
}
