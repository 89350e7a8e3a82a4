package loyalty

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"
)

// Retention reports. A customer is someone (registered, or a guest by
// e-mail) with a paid order: an order first paid, still in a paid status
// and not trashed. Figures are read from rollups kept per customer and per
// store-local day, recomputed from the customer's orders whenever one of
// them changes (in the same transaction), so duplicates, refunds and
// out-of-order deliveries converge to the same rollups as a rebuild.

// CustomerDay is what a customer's paid orders first paid on one day (in
// the store's time zone) add up to.
type CustomerDay struct {
	Day    string // YYYY-MM-DD in the store's time zone
	Orders int64
	Net    int64 // spend: net of tax, shipping and refunds, in the store's currency (other currencies count 0)
}

// CustomerFigures is a customer's whole history in the rollup.
type CustomerFigures struct {
	FirstDay, LastDay string
	Orders            int64
	Net               int64
}

// ReportShare is what one order adds to its customer's rollup: one paid
// order and its spend on the store-local day it was first paid; ok is
// false when it counts for nothing (not paid, trashed, no customer).
func (s OrderState) ReportShare(currency string, loc *time.Location) (customer int64, day CustomerDay, ok bool) {
	t, counts := s.TierOrder()
	if !counts || s.Customer <= 0 {
		return 0, CustomerDay{}, false
	}
	t.Foreign = s.Currency != "" && !strings.EqualFold(s.Currency, currency)
	return s.Customer, CustomerDay{Day: t.FirstPaidAt.In(loc).Format("2006-01-02"), Orders: 1, Net: t.Spend()}, true
}

// ReportDays groups a customer's counting orders by store-local day of
// first payment; days in ascending order.
func ReportDays(orders []OrderState, currency string, loc *time.Location) []CustomerDay {
	byDay := map[string]*CustomerDay{}
	for _, o := range orders {
		_, share, ok := o.ReportShare(currency, loc)
		if !ok {
			continue
		}
		d := byDay[share.Day]
		if d == nil {
			d = &CustomerDay{Day: share.Day}
			byDay[share.Day] = d
		}
		d.Orders += share.Orders
		d.Net += share.Net
	}
	out := make([]CustomerDay, 0, len(byDay))
	for _, d := range byDay {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// SumDays sums a customer's days (ascending); ok is false for no orders.
func SumDays(days []CustomerDay) (CustomerFigures, bool) {
	if len(days) == 0 {
		return CustomerFigures{}, false
	}
	f := CustomerFigures{FirstDay: days[0].Day, LastDay: days[len(days)-1].Day}
	for _, d := range days {
		f.Orders += d.Orders
		f.Net += d.Net
	}
	return f, true
}

// Hundredths is a percentage or ratio to two decimals, exact: 3333 is
// 33.33. It is written to JSON as the number 33.33, computed without floats.
type Hundredths int64

// Ratio100 is 100 x num / den in hundredths (10000 x num / den), rounded
// half up; 0 when den is 0.
func Ratio100(num, den int64) Hundredths {
	return RatioOf(num*100, den)
}

// RatioOf is num / den in hundredths, rounded half up; 0 when den is 0.
func RatioOf(num, den int64) Hundredths {
	if den == 0 {
		return 0
	}
	neg := (num < 0) != (den < 0)
	if num < 0 {
		num = -num
	}
	if den < 0 {
		den = -den
	}
	v := (num*100*2 + den) / (2 * den)
	if neg {
		v = -v
	}
	return Hundredths(v)
}

// MarshalJSON writes the value as a decimal number with two decimals.
func (h Hundredths) MarshalJSON() ([]byte, error) {
	sign, v := "", int64(h)
	if v < 0 {
		sign, v = "-", -v
	}
	return []byte(fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)), nil
}

// Period is a range of store-local days, both included.
type Period struct {
	From, To string // YYYY-MM-DD
}

// ParsePeriod reads from and to (YYYY-MM-DD); to defaults to today and
// from to 30 days before to, in loc. EInvalid for anything else.
func ParsePeriod(from, to string, loc *time.Location, now time.Time) (Period, error) {
	end := now.In(loc)
	if to != "" {
		t, err := time.ParseInLocation("2006-01-02", to, loc)
		if err != nil {
			return Period{}, Errorf(EInvalid, "to must be a date such as 2026-11-23")
		}
		end = t
	}
	start := end.AddDate(0, 0, -29)
	if from != "" {
		t, err := time.ParseInLocation("2006-01-02", from, loc)
		if err != nil {
			return Period{}, Errorf(EInvalid, "from must be a date such as 2026-11-01")
		}
		start = t
	}
	p := Period{From: start.Format("2006-01-02"), To: end.Format("2006-01-02")}
	if p.From > p.To {
		return Period{}, Errorf(EInvalid, "from must not be after to")
	}
	if end.Sub(start) > 3660*24*time.Hour {
		return Period{}, Errorf(EInvalid, "a period is at most ten years")
	}
	return p, nil
}

// DayBefore is the day n days before day (YYYY-MM-DD).
func DayBefore(day string, n int) string {
	t, _ := time.Parse("2006-01-02", day)
	return t.AddDate(0, 0, -n).Format("2006-01-02")
}

// DefaultChurnDays is how long without a paid order makes a customer
// lapsed when the store sets nothing.
const DefaultChurnDays = 90

// SummaryCounts are what storage counts for a period; Summary derives the
// figures from them.
type SummaryCounts struct {
	Customers        int64 // with a first paid order on or before To
	New              int64 // first paid order within the period
	AtStart          int64 // active at From: a paid order in the churn window before it
	AtEnd            int64 // active at To (a paid order in the churn window ending on it) and active at From or new
	NewAtEnd         int64 // new customers among AtEnd
	WonBack          int64 // active at To, not new, and lapsed at From
	Buyers           int64 // customers with a paid order in the period
	RepeatBuyers     int64 // of them, with two or more
	Orders           int64 // paid orders first paid in the period
	Net              int64 // their spend
	OutstandingPoint int64 // available points of every customer now
}

// Summary is the headline of a period.
type Summary struct {
	Period            Period
	ChurnDays         int
	Customers         int64
	NewCustomers      int64
	ActiveAtStart     int64
	ActiveAtEnd       int64
	WonBack           int64
	RetentionRate     Hundredths // ((active at end - new of them) / active at start) x 100
	RepeatPurchase    Hundredths // buyers with 2+ orders in the period / buyers, x 100
	PurchaseFrequency Hundredths // orders per buyer in the period
	Orders            int64
	AverageOrderValue int64 // minor units, rounded down
	OutstandingPoints int64
	LiabilityMinor    int64 // outstanding points at the redemption rate
}

// Summarize derives the headline figures from the counts.
func Summarize(p Program, period Period, churnDays int, c SummaryCounts) Summary {
	s := Summary{Period: period, ChurnDays: churnDays, Customers: c.Customers, NewCustomers: c.New,
		ActiveAtStart: c.AtStart, ActiveAtEnd: c.AtEnd, WonBack: c.WonBack, Orders: c.Orders, OutstandingPoints: c.OutstandingPoint,
		LiabilityMinor: p.ValueMinor(max(c.OutstandingPoint, 0))}
	s.RetentionRate = Ratio100(c.AtEnd-c.NewAtEnd, c.AtStart)
	s.RepeatPurchase = Ratio100(c.RepeatBuyers, c.Buyers)
	s.PurchaseFrequency = RatioOf(c.Orders, c.Buyers)
	if c.Orders > 0 {
		s.AverageOrderValue = c.Net / c.Orders
	}
	return s
}

// ChurnCustomer is a customer in the churn report.
type ChurnCustomer struct {
	WCCustomerID int64 // 0 for a guest
	Email        string
	Figures      CustomerFigures
	State        string
}

// ChurnReport counts the customers by state at Day and lists those in one.
type ChurnReport struct {
	Day    string
	Counts map[string]int64
	Items  []ChurnCustomer
}

// Reports reads the report rollups.
type Reports interface {
	// ReportValue is the lifetime-value and program-return report as of
	// the store's day today (YYYY-MM-DD).
	ReportValue(ctx context.Context, store Store, today string) (Value, error)
	// ReportProducts ranks the products of the orders first paid in the
	// period by net sales, up to limit.
	ReportProducts(ctx context.Context, store Store, period Period, limit int) ([]ProductSales, error)
	// ReportReferrals is the referrals made per day of the period, by
	// their state now.
	ReportReferrals(ctx context.Context, store Store, period Period) ([]ReferralDay, error)
	// ReportPoints is the points issued, redeemed and expired per day of
	// the period (days without any left out). EInvalid.
	ReportPoints(ctx context.Context, store Store, period Period) ([]PointsDay, error)
	// ReportSummary is the headline of the period in store. EInvalid, ENotFound.
	ReportSummary(ctx context.Context, store Store, period Period) (Summary, error)
	// ReportCohorts is the triangle of the cohorts first paid in the period
	// (whole months: those of its first and last days and between).
	ReportCohorts(ctx context.Context, store Store, period Period) ([]Cohort, error)
	// ReportChurn classifies every customer at day and lists up to limit in
	// state (the longest silent first).
	ReportChurn(ctx context.Context, store Store, day string, state string, limit int) (ChurnReport, error)
	// ReportRFM scores every customer in quintiles of recency, frequency and
	// spend, and lists up to limit in segment (all when limit is 0), by spend.
	ReportRFM(ctx context.Context, store Store, segment string, limit int) (RFMReport, error)
	// ReportTop ranks the customers by "spend" (their paid orders) or by
	// "points" (lifetime points), the largest first.
	ReportTop(ctx context.Context, store Store, by string, limit int) ([]TopCustomer, error)
}

// CohortCell is how many of a cohort ordered in one month after their first.
type CohortCell struct {
	Offset    int        // months after the cohort's month (0 = the first month)
	Customers int64      // who had a paid order in that month
	Share     Hundredths // of the cohort, in percent
}

// Cohort is one month's new customers and who came back in each later month.
type Cohort struct {
	Month string // YYYY-MM
	Size  int64
	Cells []CohortCell
}

// CohortCount is storage's count of a cohort's customers active in a month.
type CohortCount struct {
	Cohort, Month string // YYYY-MM
	Customers     int64
}

// monthIndex is a YYYY-MM month as a count of months.
func monthIndex(m string) int {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return 0
	}
	return t.Year()*12 + int(t.Month()) - 1
}

// Cohorts builds the triangle from the counts: each cohort's size is its
// first month's count, and every later month with activity up to last
// (YYYY-MM) gets a cell; months without any get a cell of zero.
func Cohorts(counts []CohortCount, last string) []Cohort {
	by := map[string]map[int]int64{}
	for _, c := range counts {
		if by[c.Cohort] == nil {
			by[c.Cohort] = map[int]int64{}
		}
		by[c.Cohort][monthIndex(c.Month)-monthIndex(c.Cohort)] += c.Customers
	}
	months := make([]string, 0, len(by))
	for m := range by {
		months = append(months, m)
	}
	sort.Strings(months)
	out := make([]Cohort, 0, len(months))
	end := monthIndex(last)
	for _, m := range months {
		cells := by[m]
		co := Cohort{Month: m, Size: cells[0]}
		for off := 0; monthIndex(m)+off <= end; off++ {
			co.Cells = append(co.Cells, CohortCell{Offset: off, Customers: cells[off], Share: Ratio100(cells[off], co.Size)})
		}
		out = append(out, co)
	}
	return out
}

// Churn states of a customer at a day.
const (
	ChurnActive = "active"
	ChurnAtRisk = "at_risk" // not lapsed, but silent for three times their usual gap
	ChurnLapsed = "lapsed"  // no paid order for churn days
)

// ChurnState classifies a customer at day from their rollup: lapsed after
// churnDays without a paid order; at risk when silent for more than three
// times their usual gap between orders (two orders or more); active otherwise.
func ChurnState(f CustomerFigures, day string, churnDays int) string {
	last, err1 := time.Parse("2006-01-02", f.LastDay)
	first, err2 := time.Parse("2006-01-02", f.FirstDay)
	at, err3 := time.Parse("2006-01-02", day)
	if err1 != nil || err2 != nil || err3 != nil {
		return ChurnActive
	}
	days := func(a, b time.Time) int64 { return int64(a.Sub(b) / (24 * time.Hour)) }
	silent := days(at, last)
	if silent >= int64(churnDays) {
		return ChurnLapsed
	}
	// silent > 3 x (last - first) / (orders - 1), in integers.
	if f.Orders >= 2 && silent*(f.Orders-1) > 3*days(last, first) {
		return ChurnAtRisk
	}
	return ChurnActive
}

// RFM segments, named from the recency and frequency quintile scores
// (5 best). Monetary is scored and shown, not used in the names.
const (
	SegmentChampions   = "champions"   // R >= 4 and F >= 4
	SegmentLoyal       = "loyal"       // R >= 3 and F >= 3, not champions
	SegmentPromising   = "promising"   // R >= 3 and F <= 2
	SegmentAtRisk      = "at_risk"     // R <= 2 and F >= 3
	SegmentHibernating = "hibernating" // R = 2 and F <= 2
	SegmentLost        = "lost"        // R = 1 and F <= 2
)

// Segments lists the RFM segments, best first.
func Segments() []string {
	return []string{SegmentChampions, SegmentLoyal, SegmentPromising, SegmentAtRisk, SegmentHibernating, SegmentLost}
}

// RFMSegment names the segment of recency and frequency scores (1 to 5).
func RFMSegment(r, f int) string {
	switch {
	case r >= 4 && f >= 4:
		return SegmentChampions
	case r >= 3 && f >= 3:
		return SegmentLoyal
	case r >= 3:
		return SegmentPromising
	case f >= 3:
		return SegmentAtRisk
	case r == 2:
		return SegmentHibernating
	}
	return SegmentLost
}

// RFMCustomer is a customer's scores and segment.
type RFMCustomer struct {
	WCCustomerID int64
	Email        string
	Figures      CustomerFigures
	R, F, M      int
	Segment      string
}

// RFMReport counts the customers per segment and lists those in one.
type RFMReport struct {
	Counts map[string]int64
	Items  []RFMCustomer
}

// TopCustomer is a customer in a ranking.
type TopCustomer struct {
	WCCustomerID int64 // 0 for a guest
	Email        string
	Orders       int64
	SpendMinor   int64
	Lifetime     int64 // points earned, net of clawbacks
}

// PointsMovement is what a transaction adds to the points rollup: points
// issued to customers (less those clawed back), redeemed (less those
// returned) and expired.
type PointsMovement struct {
	Issued, Redeemed, Expired int64
}

// PointsMoved is the transaction's movement of the store's points.
func PointsMoved(t Transaction) PointsMovement {
	var m PointsMovement
	for _, p := range t.Postings {
		for _, leg := range []struct {
			acc  Account
			sign int64
		}{{p.From, -1}, {p.To, 1}} {
			switch leg.acc.Kind {
			case AccountIssued:
				m.Issued -= leg.sign * p.Amount // out of issued is issued to someone
			case AccountRedeemed:
				m.Redeemed += leg.sign * p.Amount
			case AccountExpired:
				m.Expired += leg.sign * p.Amount
			}
		}
	}
	return m
}

// PointsDay is one day of the points rollup.
type PointsDay struct {
	Day string // YYYY-MM-DD in the store's time zone
	PointsMovement
}

// PointsTotals sums a series and derives the program's rates: redemption
// (redeemed / issued) and breakage (expired / issued), in percent.
func PointsTotals(days []PointsDay) (PointsMovement, Hundredths, Hundredths) {
	var t PointsMovement
	for _, d := range days {
		t.Issued += d.Issued
		t.Redeemed += d.Redeemed
		t.Expired += d.Expired
	}
	return t, Ratio100(t.Redeemed, t.Issued), Ratio100(t.Expired, t.Issued)
}

// ReferralDay is what came of the referrals made on one store-local day
// (a friend's first order under a code), by their state now.
type ReferralDay struct {
	Day                         string
	Pending, Approved, Rejected int64
}

// ReferralTotals sums the days: referrals made, how many converted (the
// referral was approved: the friend's order stood and rewarded the
// referrer), and the conversion rate, approved of made, in percent.
func ReferralTotals(days []ReferralDay) (made int64, t ReferralDay, conversion Hundredths) {
	for _, d := range days {
		t.Pending += d.Pending
		t.Approved += d.Approved
		t.Rejected += d.Rejected
	}
	made = t.Pending + t.Approved + t.Rejected
	return made, t, Ratio100(t.Approved, made)
}

// ReferralDays counts referrals (made at, in UTC, and state now) per
// store-local day in loc, ascending, days without any left out.
func ReferralDays(made []time.Time, states []string, loc *time.Location) []ReferralDay {
	by := map[string]*ReferralDay{}
	for i, at := range made {
		day := LocalDay(at, loc).Format(time.DateOnly)
		d := by[day]
		if d == nil {
			d = &ReferralDay{Day: day}
			by[day] = d
		}
		switch states[i] {
		case ReferralApproved:
			d.Approved++
		case ReferralRejected:
			d.Rejected++
		default:
			d.Pending++
		}
	}
	out := make([]ReferralDay, 0, len(by))
	for _, d := range by {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// ProductLine is one product's share of a counting order in the
// best-selling products rollup.
type ProductLine struct {
	ProductID int64
	Quantity  int64
	Net       int64 // minor units, without tax, after the refunds of the line
}

// ProductShares is what a counting order (ReportShare's) adds to the
// products rollup from its snapshot's lines: per product, the quantity and
// net not refunded. When the plugin said which lines refunds were for, each
// line loses its own; otherwise every line shrinks in proportion to what
// is refunded of the order (the earn rule's reading of refunds). Orders in another currency count their
// quantities only. ok is false when the order does not count.
func ProductShares(s OrderState, snap OrderSnapshot, currency string, loc *time.Location) (string, []ProductLine, bool) {
	_, share, ok := s.ReportShare(currency, loc)
	if !ok || snap.OrderID != s.OrderID {
		return "", nil, false
	}
	foreign := s.Currency != "" && !strings.EqualFold(s.Currency, currency)
	remaining := s.Total - s.Refunded
	perLine := lineRefunds(snap.Lines) // as the earn rule: each line loses its own
	byProduct := map[int64]*ProductLine{}
	var order []int64
	for _, l := range snap.Lines {
		if l.ProductID <= 0 {
			continue
		}
		qty, net := l.Quantity, l.Net
		switch {
		case perLine:
			if l.RefundKnown {
				qty, net = qty-l.RefundedQty, net-l.Refunded
			}
		case s.Total > 0 && remaining < s.Total:
			net, _ = floorDiv(big.NewInt(max(net, 0)), big.NewInt(max(remaining, 0)), big.NewInt(1), big.NewInt(s.Total))
		}
		if foreign {
			net = 0
		}
		p := byProduct[l.ProductID]
		if p == nil {
			p = &ProductLine{ProductID: l.ProductID}
			byProduct[l.ProductID] = p
			order = append(order, l.ProductID)
		}
		p.Quantity += max(qty, 0)
		p.Net += max(net, 0)
	}
	out := make([]ProductLine, 0, len(order))
	for _, id := range order {
		out = append(out, *byProduct[id])
	}
	return share.Day, out, true
}

// ProductSales is a product's sales in a period.
type ProductSales struct {
	ProductID int64
	Quantity  int64
	Net       int64
	Orders    int64
}

// GroupCounts are the lifetime figures of a group of customers (members or
// not) from the rollups: customers, their paid orders and net spend, those
// with two orders or more, and their days between first and last order.
type GroupCounts struct {
	Customers, Orders, Net, Repeaters, SpanDays int64
}

// GroupValue is a group's historical value.
type GroupValue struct {
	GroupCounts
	AverageOrderValue int64      // minor units, rounded down
	NetPerCustomer    int64      // historical spend per customer, rounded down
	PurchaseFrequency Hundredths // orders per customer
	RepeatRate        Hundredths // customers with 2+ orders, percent
	LifespanDays      Hundredths // average days between first and last order
}

// ValueOf derives a group's figures.
func ValueOf(c GroupCounts) GroupValue {
	v := GroupValue{GroupCounts: c, PurchaseFrequency: RatioOf(c.Orders, c.Customers), RepeatRate: Ratio100(c.Repeaters, c.Customers),
		LifespanDays: RatioOf(c.SpanDays, c.Customers)}
	if c.Orders > 0 {
		v.AverageOrderValue = c.Net / c.Orders
	}
	if c.Customers > 0 {
		v.NetPerCustomer = c.Net / c.Customers
	}
	return v
}

// YearCounts feed the predicted lifetime value: the orders, net and
// customers of the last 365 days, the customers of the year before, and
// how many of those did not order in the last year (churned).
type YearCounts struct {
	Orders, Net, Customers, PriorCustomers, Churned int64
}

// MaxLifespanYears caps the expected lifespan when nobody churned.
const MaxLifespanYears = 10

// Value is the lifetime-value report: the predicted customer lifetime
// value (average order value x purchase frequency x expected lifespan, the
// last year's figures, lifespan = 1 / yearly churn, at most 10 years),
// members against non-members, and the program's return.
type Value struct {
	All, Members, NonMembers GroupValue
	Year                     YearCounts
	LifespanYears            Hundredths // 0 when there is no year before to measure churn on
	CLVMinor                 int64      // 0 with LifespanYears
	// Program: members (customers holding or having held points) against
	// the rest, what redemptions cost and what is still owed.
	IncrementalRepeatRate Hundredths // members' repeat rate less non-members'
	IncrementalNetMinor   int64      // members' spend per customer less non-members'
	RedeemedPoints        int64
	RedemptionCostMinor   int64 // redeemed points at the redemption rate
	LiabilityMinor        int64
	ReturnMinor           int64      // incremental spend x members - redemption cost
	ROI                   Hundredths // return / redemption cost x 100; 0 when nothing was redeemed
}

// ValueReport derives the report. Outstanding are the points customers hold.
func ValueReport(p Program, members, others GroupCounts, year YearCounts, redeemed, outstanding int64) Value {
	all := GroupCounts{Customers: members.Customers + others.Customers, Orders: members.Orders + others.Orders,
		Net: members.Net + others.Net, Repeaters: members.Repeaters + others.Repeaters, SpanDays: members.SpanDays + others.SpanDays}
	v := Value{All: ValueOf(all), Members: ValueOf(members), NonMembers: ValueOf(others), Year: year, RedeemedPoints: redeemed,
		RedemptionCostMinor: p.ValueMinor(max(redeemed, 0)), LiabilityMinor: p.ValueMinor(max(outstanding, 0))}
	if year.PriorCustomers > 0 && year.Customers > 0 {
		// lifespan = prior / churned years; CLV = net / customers x lifespan.
		if year.Churned == 0 {
			v.LifespanYears = MaxLifespanYears * 100
			v.CLVMinor = year.Net / year.Customers * MaxLifespanYears
		} else {
			v.LifespanYears = min(RatioOf(year.PriorCustomers, year.Churned), MaxLifespanYears*100)
			clv, _ := floorDiv(big.NewInt(year.Net), big.NewInt(year.PriorCustomers), big.NewInt(1), big.NewInt(year.Customers*year.Churned))
			v.CLVMinor = min(clv, year.Net/year.Customers*MaxLifespanYears)
		}
	}
	if members.Customers > 0 && others.Customers > 0 {
		v.IncrementalRepeatRate = v.Members.RepeatRate - v.NonMembers.RepeatRate
		v.IncrementalNetMinor = v.Members.NetPerCustomer - v.NonMembers.NetPerCustomer
		v.ReturnMinor = v.IncrementalNetMinor*members.Customers - v.RedemptionCostMinor
		if v.RedemptionCostMinor > 0 {
			v.ROI = Ratio100(v.ReturnMinor, v.RedemptionCostMinor)
		}
	}
	return v
}
