package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) reportRoutes(admin *gin.RouterGroup) {
	admin.GET("/reports/summary", a.handle(a.reportSummary))
}

// summaryResponse is the headline of a period; percentages are numbers
// with two decimals (33.33), money in minor units.
type summaryResponse struct {
	From                   string             `json:"from"`
	To                     string             `json:"to"`
	ChurnDays              int                `json:"churn_days"`
	Customers              int64              `json:"customers"`
	NewCustomers           int64              `json:"new_customers"`
	ActiveAtStart          int64              `json:"active_at_start"`
	ActiveAtEnd            int64              `json:"active_at_end"`
	WonBack                int64              `json:"won_back"`
	RetentionRate          loyalty.Hundredths `json:"retention_rate"`
	RepeatPurchaseRate     loyalty.Hundredths `json:"repeat_purchase_rate"`
	PurchaseFrequency      loyalty.Hundredths `json:"purchase_frequency"`
	Orders                 int64              `json:"orders"`
	AverageOrderValueMinor int64              `json:"average_order_value_minor"`
	OutstandingPoints      int64              `json:"outstanding_points"`
	LiabilityMinor         int64              `json:"liability_minor"`
	Currency               string             `json:"currency"`
	CurrencyExponent       int                `json:"currency_exponent"`
}

// reportSummary answers the headline figures of ?from=&to= (store-local
// dates; the last 30 days by default).
func (a *api) reportSummary(c *gin.Context) error {
	p := principal(c)
	store, err := a.stores.Store(c.Request.Context(), p.StoreID)
	if err != nil {
		return err
	}
	period, err := loyalty.ParsePeriod(c.Query("from"), c.Query("to"), store.Program.Location(), a.now())
	if err != nil {
		return err
	}
	s, err := a.Reports.ReportSummary(c.Request.Context(), store, period)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, summaryResponse{From: period.From, To: period.To, ChurnDays: s.ChurnDays, Customers: s.Customers,
		NewCustomers: s.NewCustomers, ActiveAtStart: s.ActiveAtStart, ActiveAtEnd: s.ActiveAtEnd, WonBack: s.WonBack, RetentionRate: s.RetentionRate,
		RepeatPurchaseRate: s.RepeatPurchase, PurchaseFrequency: s.PurchaseFrequency, Orders: s.Orders,
		AverageOrderValueMinor: s.AverageOrderValue, OutstandingPoints: s.OutstandingPoints, LiabilityMinor: s.LiabilityMinor,
		Currency: store.Program.Currency, CurrencyExponent: store.Program.CurrencyExponent})
	return nil
}
