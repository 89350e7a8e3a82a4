package httpapi

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) reportRoutes(admin *gin.RouterGroup) {
	admin.GET("/reports/summary", a.handle(a.reportSummary))
	admin.GET("/reports/points", a.handle(a.reportPoints))
	admin.GET("/reports/referrals", a.handle(a.reportReferrals))
	admin.GET("/reports/products", a.handle(a.reportProducts))
	admin.GET("/reports/value", a.handle(a.reportValue))
	admin.GET("/reports/cohorts", a.handle(a.reportCohorts))
	admin.GET("/reports/churn", a.handle(a.reportChurn))
	admin.GET("/reports/rfm", a.handle(a.reportRFM))
	admin.GET("/reports/top", a.handle(a.reportTop))
}

type topCustomerResponse struct {
	CustomerID     *string `json:"customer_id"`
	Email          string  `json:"email"`
	Orders         int64   `json:"orders"`
	SpendMinor     int64   `json:"spend_minor"`
	LifetimePoints int64   `json:"lifetime_points"`
}

type topResponse struct {
	By    string                `json:"by"`
	Items []topCustomerResponse `json:"items"`
}

// reportTop answers the top customers ?by=spend (default) or points.
func (a *api) reportTop(c *gin.Context) error {
	store, err := a.stores.Store(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	by := c.DefaultQuery("by", "spend")
	if by != "spend" && by != "points" {
		return loyalty.Errorf(loyalty.EInvalid, "by must be spend or points")
	}
	_, limit, err := page(c)
	if err != nil {
		return err
	}
	list, err := a.Reports.ReportTop(c.Request.Context(), store, by, limit)
	if err != nil {
		return err
	}
	out := topResponse{By: by, Items: make([]topCustomerResponse, 0, len(list))}
	for _, x := range list {
		out.Items = append(out.Items, topCustomerResponse{CustomerID: idPtr(x.WCCustomerID), Email: x.Email, Orders: x.Orders,
			SpendMinor: x.SpendMinor, LifetimePoints: x.Lifetime})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// reportCustomerResponse is a customer as the report lists show them.
type reportCustomerResponse struct {
	CustomerID   *string `json:"customer_id"`
	Email        string  `json:"email"`
	FirstOrderOn string  `json:"first_order_on"`
	LastOrderOn  string  `json:"last_order_on"`
	Orders       int64   `json:"orders"`
	SpendMinor   int64   `json:"spend_minor"`
}

var reportCustomerCSV = []string{"customer_id", "email", "first_order_on", "last_order_on", "orders", "spend_minor"}

func newReportCustomer(wcID int64, email string, f loyalty.CustomerFigures) reportCustomerResponse {
	return reportCustomerResponse{CustomerID: idPtr(wcID), Email: email, FirstOrderOn: f.FirstDay, LastOrderOn: f.LastDay,
		Orders: f.Orders, SpendMinor: f.Net}
}

// csv is the customer's cells, in reportCustomerCSV's order.
func (r reportCustomerResponse) csv() []string {
	id := ""
	if r.CustomerID != nil {
		id = *r.CustomerID
	}
	return []string{id, csvSafe(r.Email), r.FirstOrderOn, r.LastOrderOn, strconv.FormatInt(r.Orders, 10), strconv.FormatInt(r.SpendMinor, 10)}
}

type rfmCustomerResponse struct {
	reportCustomerResponse
	R       int    `json:"r"`
	F       int    `json:"f"`
	M       int    `json:"m"`
	Segment string `json:"segment"`
}

type rfmResponse struct {
	Counts map[string]int64      `json:"counts"`
	Items  []rfmCustomerResponse `json:"items"`
}

// reportRFM answers the customers per RFM segment and lists those of
// ?segment= (champions by default), the largest spend first; with
// ?format=csv, every customer of the segment as CSV.
func (a *api) reportRFM(c *gin.Context) error {
	store, err := a.stores.Store(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	segment := c.DefaultQuery("segment", loyalty.SegmentChampions)
	known := false
	for _, s := range loyalty.Segments() {
		known = known || s == segment
	}
	if !known {
		return loyalty.Errorf(loyalty.EInvalid, "segment must be one of champions, loyal, promising, at_risk, hibernating, lost")
	}
	csvOut, err := csvFormat(c)
	if err != nil {
		return err
	}
	limit := 0
	if !csvOut {
		if _, limit, err = page(c); err != nil {
			return err
		}
	}
	r, err := a.Reports.ReportRFM(c.Request.Context(), store, segment, limit)
	if err != nil {
		return err
	}
	out := rfmResponse{Counts: r.Counts, Items: make([]rfmCustomerResponse, 0, len(r.Items))}
	rows := [][]string{append(append([]string(nil), reportCustomerCSV...), "r", "f", "m", "segment")}
	for _, x := range r.Items {
		item := rfmCustomerResponse{reportCustomerResponse: newReportCustomer(x.WCCustomerID, x.Email, x.Figures), R: x.R, F: x.F, M: x.M, Segment: x.Segment}
		out.Items = append(out.Items, item)
		rows = append(rows, append(item.csv(), strconv.Itoa(x.R), strconv.Itoa(x.F), strconv.Itoa(x.M), x.Segment))
	}
	if csvOut {
		writeCSV(c, "rfm-"+segment+".csv", rows)
		return nil
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type cohortCellResponse struct {
	Offset    int                `json:"offset"`
	Customers int64              `json:"customers"`
	Share     loyalty.Hundredths `json:"share"`
}

type cohortResponse struct {
	Month string               `json:"month"`
	Size  int64                `json:"size"`
	Cells []cohortCellResponse `json:"cells"`
}

type cohortsResponse struct {
	From    string           `json:"from"`
	To      string           `json:"to"`
	Cohorts []cohortResponse `json:"cohorts"`
}

// reportCohorts answers, for each month's new customers in ?from=&to=
// (the last 12 months by default), the share who ordered in each later month.
func (a *api) reportCohorts(c *gin.Context) error {
	store, err := a.stores.Store(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	from := c.Query("from")
	if from == "" && c.Query("to") == "" {
		from = a.now().In(store.Program.Location()).AddDate(-1, 0, 1).Format("2006-01-02")
	}
	period, err := loyalty.ParsePeriod(from, c.Query("to"), store.Program.Location(), a.now())
	if err != nil {
		return err
	}
	csvOut, err := csvFormat(c)
	if err != nil {
		return err
	}
	cs, err := a.Reports.ReportCohorts(c.Request.Context(), store, period)
	if err != nil {
		return err
	}
	if csvOut {
		rows := [][]string{{"cohort", "size", "month_offset", "customers", "share"}}
		for _, co := range cs {
			for _, cell := range co.Cells {
				share, _ := cell.Share.MarshalJSON()
				rows = append(rows, []string{co.Month, strconv.FormatInt(co.Size, 10), strconv.Itoa(cell.Offset),
					strconv.FormatInt(cell.Customers, 10), string(share)})
			}
		}
		writeCSV(c, "cohorts.csv", rows)
		return nil
	}
	out := cohortsResponse{From: period.From, To: period.To, Cohorts: make([]cohortResponse, 0, len(cs))}
	for _, co := range cs {
		r := cohortResponse{Month: co.Month, Size: co.Size, Cells: make([]cohortCellResponse, 0, len(co.Cells))}
		for _, cell := range co.Cells {
			r.Cells = append(r.Cells, cohortCellResponse(cell))
		}
		out.Cohorts = append(out.Cohorts, r)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type churnCustomerResponse struct {
	reportCustomerResponse
	State string `json:"state"`
}

type churnResponse struct {
	Day    string                  `json:"day"`
	Counts map[string]int64        `json:"counts"`
	Items  []churnCustomerResponse `json:"items"`
}

// reportChurn answers how many customers are active, at risk and lapsed
// today, and lists those in ?state= (at_risk by default), the longest
// silent first.
func (a *api) reportChurn(c *gin.Context) error {
	store, err := a.stores.Store(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	state := c.DefaultQuery("state", loyalty.ChurnAtRisk)
	if state != loyalty.ChurnAtRisk && state != loyalty.ChurnLapsed && state != loyalty.ChurnActive {
		return loyalty.Errorf(loyalty.EInvalid, "state must be at_risk, lapsed or active")
	}
	csvOut, err := csvFormat(c)
	if err != nil {
		return err
	}
	limit := 0 // CSV: every customer in the state
	if !csvOut {
		if _, limit, err = page(c); err != nil {
			return err
		}
	}
	day := a.now().In(store.Program.Location()).Format("2006-01-02")
	r, err := a.Reports.ReportChurn(c.Request.Context(), store, day, state, limit)
	if err != nil {
		return err
	}
	out := churnResponse{Day: r.Day, Counts: r.Counts, Items: make([]churnCustomerResponse, 0, len(r.Items))}
	rows := [][]string{append(append([]string(nil), reportCustomerCSV...), "state")}
	for _, x := range r.Items {
		item := churnCustomerResponse{reportCustomerResponse: newReportCustomer(x.WCCustomerID, x.Email, x.Figures), State: x.State}
		out.Items = append(out.Items, item)
		rows = append(rows, append(item.csv(), x.State))
	}
	if csvOut {
		writeCSV(c, "churn-"+state+".csv", rows)
		return nil
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// csvFormat reads ?format= (csv or absent).
func csvFormat(c *gin.Context) (bool, error) {
	switch c.Query("format") {
	case "":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, loyalty.Errorf(loyalty.EInvalid, "format must be csv or absent")
}

// writeCSV answers rows as a CSV download.
func writeCSV(c *gin.Context, name string, rows [][]string) {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
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

// reportPeriodFormat is reportPeriod and csvFormat, for the reports that
// answer a period and export it.
func (a *api) reportPeriodFormat(c *gin.Context) (loyalty.Store, loyalty.Period, bool, error) {
	store, period, err := a.reportPeriod(c)
	if err != nil {
		return store, period, false, err
	}
	asCSV, err := csvFormat(c)
	return store, period, asCSV, err
}

// writeDayCountsCSV sends a daily series of counts as a CSV download: the
// header, then each of the n days' date and counts.
func writeDayCountsCSV(c *gin.Context, file string, header []string, n int, day func(i int) (string, []int64)) {
	rows := [][]string{header}
	for i := 0; i < n; i++ {
		d, counts := day(i)
		row := []string{d}
		for _, x := range counts {
			row = append(row, strconv.FormatInt(x, 10))
		}
		rows = append(rows, row)
	}
	writeCSV(c, file, rows)
}

// reportPeriod reads the calling admin's store and the period of ?from=&to=
// (store-local dates; the last 30 days by default).
func (a *api) reportPeriod(c *gin.Context) (loyalty.Store, loyalty.Period, error) {
	store, err := a.stores.Store(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return loyalty.Store{}, loyalty.Period{}, err
	}
	period, err := loyalty.ParsePeriod(c.Query("from"), c.Query("to"), store.Program.Location(), a.now())
	return store, period, err
}

// reportSummary answers the headline figures of ?from=&to= (store-local
// dates; the last 30 days by default).
func (a *api) reportSummary(c *gin.Context) error {
	store, period, err := a.reportPeriod(c)
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

type pointsDayResponse struct {
	Day      string `json:"day"`
	Issued   int64  `json:"issued"`
	Redeemed int64  `json:"redeemed"`
	Expired  int64  `json:"expired"`
}

type pointsReportResponse struct {
	From           string              `json:"from"`
	To             string              `json:"to"`
	Issued         int64               `json:"issued"`
	Redeemed       int64               `json:"redeemed"`
	Expired        int64               `json:"expired"`
	RedemptionRate loyalty.Hundredths  `json:"redemption_rate"`
	BreakageRate   loyalty.Hundredths  `json:"breakage_rate"`
	Series         []pointsDayResponse `json:"series"`
}

// reportPoints is the points issued, redeemed and expired per day, with
// the period's redemption and breakage rates; format=csv for the series.
func (a *api) reportPoints(c *gin.Context) error {
	store, period, asCSV, err := a.reportPeriodFormat(c)
	if err != nil {
		return err
	}
	days, err := a.Reports.ReportPoints(c.Request.Context(), store, period)
	if err != nil {
		return err
	}
	t, redemption, breakage := loyalty.PointsTotals(days)
	out := pointsReportResponse{From: period.From, To: period.To, Issued: t.Issued, Redeemed: t.Redeemed, Expired: t.Expired,
		RedemptionRate: redemption, BreakageRate: breakage, Series: make([]pointsDayResponse, 0, len(days))}
	for _, d := range days {
		out.Series = append(out.Series, pointsDayResponse{d.Day, d.Issued, d.Redeemed, d.Expired})
	}
	if asCSV {
		writeDayCountsCSV(c, "points.csv", []string{"day", "issued", "redeemed", "expired"}, len(out.Series), func(i int) (string, []int64) {
			d := out.Series[i]
			return d.Day, []int64{d.Issued, d.Redeemed, d.Expired}
		})
		return nil
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type referralDayResponse struct {
	Day      string `json:"day"`
	Pending  int64  `json:"pending"`
	Approved int64  `json:"approved"`
	Rejected int64  `json:"rejected"`
}

type referralsReportResponse struct {
	From           string                `json:"from"`
	To             string                `json:"to"`
	Referred       int64                 `json:"referred"`
	Pending        int64                 `json:"pending"`
	Approved       int64                 `json:"approved"`
	Rejected       int64                 `json:"rejected"`
	ConversionRate loyalty.Hundredths    `json:"conversion_rate"`
	Series         []referralDayResponse `json:"series"`
}

// reportReferrals is the referrals made per day (a friend's first order
// under a code) by their state now, with the period's conversion rate
// (approved of made); format=csv for the series.
func (a *api) reportReferrals(c *gin.Context) error {
	store, period, asCSV, err := a.reportPeriodFormat(c)
	if err != nil {
		return err
	}
	days, err := a.Reports.ReportReferrals(c.Request.Context(), store, period)
	if err != nil {
		return err
	}
	made, t, rate := loyalty.ReferralTotals(days)
	out := referralsReportResponse{From: period.From, To: period.To, Referred: made, Pending: t.Pending, Approved: t.Approved,
		Rejected: t.Rejected, ConversionRate: rate, Series: make([]referralDayResponse, 0, len(days))}
	for _, d := range days {
		out.Series = append(out.Series, referralDayResponse{d.Day, d.Pending, d.Approved, d.Rejected})
	}
	if asCSV {
		writeDayCountsCSV(c, "referrals.csv", []string{"day", "pending", "approved", "rejected"}, len(out.Series), func(i int) (string, []int64) {
			d := out.Series[i]
			return d.Day, []int64{d.Pending, d.Approved, d.Rejected}
		})
		return nil
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type productsReportResponse struct {
	From             string                 `json:"from"`
	To               string                 `json:"to"`
	Currency         string                 `json:"currency"`
	CurrencyExponent int                    `json:"currency_exponent"`
	Items            []productSalesResponse `json:"items"`
}

type productSalesResponse struct {
	ProductID string `json:"product_id"`
	Quantity  int64  `json:"quantity"`
	NetMinor  int64  `json:"net_minor"`
	Orders    int64  `json:"orders"`
}

// reportProducts is the best-selling products of the period (orders first
// paid in it, as they stand: refunded lines count less), by net sales;
// format=csv for the list.
func (a *api) reportProducts(c *gin.Context) error {
	store, period, asCSV, err := a.reportPeriodFormat(c)
	if err != nil {
		return err
	}
	limit := 20
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return loyalty.Errorf(loyalty.EInvalid, "limit must be between 1 and 500")
		}
		limit = n
	}
	list, err := a.Reports.ReportProducts(c.Request.Context(), store, period, limit)
	if err != nil {
		return err
	}
	items := make([]productSalesResponse, 0, len(list))
	for _, x := range list {
		items = append(items, productSalesResponse{strconv.FormatInt(x.ProductID, 10), x.Quantity, x.Net, x.Orders})
	}
	if asCSV {
		rows := [][]string{{"product_id", "quantity", "net_minor", "orders"}}
		for _, x := range items {
			rows = append(rows, []string{x.ProductID, strconv.FormatInt(x.Quantity, 10), strconv.FormatInt(x.NetMinor, 10), strconv.FormatInt(x.Orders, 10)})
		}
		writeCSV(c, "products.csv", rows)
		return nil
	}
	c.JSON(http.StatusOK, productsReportResponse{From: period.From, To: period.To, Currency: store.Program.Currency,
		CurrencyExponent: store.Program.CurrencyExponent, Items: items})
	return nil
}

type groupValueResponse struct {
	Customers              int64              `json:"customers"`
	Orders                 int64              `json:"orders"`
	NetMinor               int64              `json:"net_minor"`
	AverageOrderValueMinor int64              `json:"average_order_value_minor"`
	NetPerCustomerMinor    int64              `json:"net_per_customer_minor"`
	PurchaseFrequency      loyalty.Hundredths `json:"purchase_frequency"`
	RepeatPurchaseRate     loyalty.Hundredths `json:"repeat_purchase_rate"`
	AverageLifespanDays    loyalty.Hundredths `json:"average_lifespan_days"`
}

func newGroupValue(g loyalty.GroupValue) groupValueResponse {
	return groupValueResponse{Customers: g.Customers, Orders: g.Orders, NetMinor: g.Net, AverageOrderValueMinor: g.AverageOrderValue,
		NetPerCustomerMinor: g.NetPerCustomer, PurchaseFrequency: g.PurchaseFrequency, RepeatPurchaseRate: g.RepeatRate, AverageLifespanDays: g.LifespanDays}
}

type valueResponse struct {
	Day                     string             `json:"day"`
	Currency                string             `json:"currency"`
	CurrencyExponent        int                `json:"currency_exponent"`
	All                     groupValueResponse `json:"all"`
	Members                 groupValueResponse `json:"members"`
	NonMembers              groupValueResponse `json:"non_members"`
	YearCustomers           int64              `json:"year_customers"`
	YearOrders              int64              `json:"year_orders"`
	YearNetMinor            int64              `json:"year_net_minor"`
	YearChurnRate           loyalty.Hundredths `json:"year_churn_rate"`
	ExpectedLifespanYears   loyalty.Hundredths `json:"expected_lifespan_years"`
	CustomerLifetimeValue   int64              `json:"customer_lifetime_value_minor"`
	IncrementalRepeatRate   loyalty.Hundredths `json:"incremental_repeat_rate"`
	IncrementalNetPerMember int64              `json:"incremental_net_per_member_minor"`
	RedeemedPoints          int64              `json:"redeemed_points"`
	RedemptionCostMinor     int64              `json:"redemption_cost_minor"`
	LiabilityMinor          int64              `json:"liability_minor"`
	ProgramReturnMinor      int64              `json:"program_return_minor"`
	ROI                     loyalty.Hundredths `json:"roi"`
}

// reportValue is customer lifetime value (historical and predicted) and
// the program's return: members against non-members, redemption cost and
// liability, as of the store's day today.
func (a *api) reportValue(c *gin.Context) error {
	p := principal(c)
	store, err := a.stores.Store(c.Request.Context(), p.StoreID)
	if err != nil {
		return err
	}
	day := a.now().In(store.Program.Location()).Format("2006-01-02")
	v, err := a.Reports.ReportValue(c.Request.Context(), store, day)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, valueResponse{Day: day, Currency: store.Program.Currency, CurrencyExponent: store.Program.CurrencyExponent,
		All: newGroupValue(v.All), Members: newGroupValue(v.Members), NonMembers: newGroupValue(v.NonMembers),
		YearCustomers: v.Year.Customers, YearOrders: v.Year.Orders, YearNetMinor: v.Year.Net, YearChurnRate: loyalty.Ratio100(v.Year.Churned, v.Year.PriorCustomers),
		ExpectedLifespanYears: v.LifespanYears, CustomerLifetimeValue: v.CLVMinor, IncrementalRepeatRate: v.IncrementalRepeatRate,
		IncrementalNetPerMember: v.IncrementalNetMinor, RedeemedPoints: v.RedeemedPoints, RedemptionCostMinor: v.RedemptionCostMinor,
		LiabilityMinor: v.LiabilityMinor, ProgramReturnMinor: v.ReturnMinor, ROI: v.ROI})
	return nil
}
