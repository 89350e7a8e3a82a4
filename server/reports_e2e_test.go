package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
)

type summary struct {
	Customers          int64   `json:"customers"`
	NewCustomers       int64   `json:"new_customers"`
	ActiveAtStart      int64   `json:"active_at_start"`
	ActiveAtEnd        int64   `json:"active_at_end"`
	WonBack            int64   `json:"won_back"`
	RetentionRate      float64 `json:"retention_rate"`
	RepeatPurchaseRate float64 `json:"repeat_purchase_rate"`
	PurchaseFrequency  float64 `json:"purchase_frequency"`
	Orders             int64   `json:"orders"`
	AverageOrderValue  int64   `json:"average_order_value_minor"`
	OutstandingPoints  int64   `json:"outstanding_points"`
	LiabilityMinor     int64   `json:"liability_minor"`
}

// TestRetentionSummaryMatchesAHandComputedFixture: six customers' orders
// over months, in Asia/Tehran, delivered shuffled and partly twice, give
// the figures computed by hand for October 2026 (90-day churn):
//   - C1 paid 10 Jun and 15 Sep; C2 1 Jul, 5 and 20 Oct; C3 10 Oct, and
//     25 Oct refunded in full; C4 a guest, 1 May; C5 31 Oct at 21:00 UTC,
//     which is 1 Nov in Tehran; C6 1 Aug, half refunded.
//   - customers by 31 Oct: C1 C2 C3 C4 C6 = 5; new in October: C3.
//   - active at the start (a paid order from 3 Jul to 30 Sep): C1 C6 = 2.
//   - active at the end (3 Aug to 31 Oct) among those or new: C1 C3 = 2,
//     one of them new; C2 came back after lapsing: won back, not retained.
//   - retention ((2 - 1) / 2) = 50.00; buyers in October C2 (2 orders) and
//     C3 (1): repeat rate 50.00, frequency 1.50, 3 orders of 45.00.
//   - outstanding points 90 + 135 + 45 + 45 + 45 + 22 = 382, worth 3.82.
//
// A rebuild from the orders changes nothing.
func TestRetentionSummaryMatchesAHandComputedFixture(t *testing.T) {
	s := startService(t)
	s.clock.Advance(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC).Sub(s.clock.Now())) // "today", whatever day the test runs
	st := s.newStore()
	admin := map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Content-Type": "application/json"}
	if r := s.do("PATCH", "/v1/admin/program", []byte(`{"time_zone":"Asia/Tehran","churn_days":90}`), admin); r.Status != http.StatusOK {
		t.Fatalf("program: %d %s", r.Status, r.Body)
	}
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, time.UTC) }
	var deliveries [][]byte
	add := func(o order) { deliveries = append(deliveries, o.JSON()) }
	add(usd(701, 1, "completed", at(6, 10, 9, 0)))
	add(usd(702, 1, "completed", at(9, 15, 9, 0)))
	add(usd(703, 2, "completed", at(7, 1, 9, 0)))
	add(usd(704, 2, "completed", at(10, 5, 9, 0)))
	add(usd(705, 2, "completed", at(10, 20, 9, 0)))
	add(usd(706, 3, "completed", at(10, 10, 9, 0)))
	paid := usd(707, 3, "completed", at(10, 25, 9, 0))
	add(paid)
	refunded := paid
	refunded.Status, refunded.Refunds, refunded.Modified = "refunded", []string{"-54.00"}, at(10, 26, 9, 0)
	add(refunded)
	add(usd(708, 0, "completed", at(5, 1, 9, 0))) // a guest, by e-mail
	add(usd(709, 5, "completed", at(10, 31, 21, 0)))
	half := usd(710, 6, "completed", at(8, 1, 9, 0))
	add(half)
	half.Refunds, half.Modified = []string{"-27.00"}, at(8, 2, 9, 0)
	add(half)
	add(usd(711, 7, "completed", at(9, 1, 9, 0)))
	add(usd(712, 7, "completed", at(9, 6, 9, 0)))
	// Shuffled, a third delivered twice: the rollups converge.
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range deliveries {
		if i%3 == 0 {
			deliveries = append(deliveries, deliveries[i])
		}
	}
	rng.Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })
	for _, d := range deliveries {
		s.deliver(st, "order.updated", d)
	}
	s.drain(st)

	want := summary{Customers: 6, NewCustomers: 1, ActiveAtStart: 3, ActiveAtEnd: 3, WonBack: 1, RetentionRate: 66.67,
		RepeatPurchaseRate: 50, PurchaseFrequency: 1.5, Orders: 3, AverageOrderValue: 4500, OutstandingPoints: 472, LiabilityMinor: 472}
	check := func(when string) {
		t.Helper()
		r := s.get("/v1/admin/reports/summary?from=2026-10-01&to=2026-10-31", s.token(st, "1", auth.ScopeAdmin))
		if r.Status != http.StatusOK {
			t.Fatalf("%s: summary %d %s", when, r.Status, r.Body)
		}
		var got summary
		r.json(t, &got)
		if got != want {
			t.Fatalf("%s: summary\n%+v\nwant\n%+v\n(%s)", when, got, want, r.Body)
		}
	}
	check("after the deliveries")
	var cohorts struct {
		Cohorts []struct {
			Month string `json:"month"`
			Size  int64  `json:"size"`
			Cells []struct {
				Customers int64   `json:"customers"`
				Share     float64 `json:"share"`
			} `json:"cells"`
		} `json:"cohorts"`
	}
	s.get("/v1/admin/reports/cohorts?from=2026-05-01&to=2026-10-31", s.token(st, "1", auth.ScopeAdmin)).json(t, &cohorts)
	triangle := map[string]string{}
	for _, c := range cohorts.Cohorts {
		row := ""
		for _, cell := range c.Cells {
			row += fmt.Sprint(cell.Customers)
		}
		triangle[c.Month] = fmt.Sprintf("%d:%s", c.Size, row)
	}
	wantTriangle := map[string]string{"2026-05": "1:100000", "2026-06": "1:10010", "2026-07": "1:1001", "2026-08": "1:100", "2026-09": "1:10", "2026-10": "1:1"}
	if fmt.Sprint(triangle) != fmt.Sprint(wantTriangle) {
		t.Fatalf("cohorts %v, want %v", triangle, wantTriangle)
	}
	var churn struct {
		Day    string           `json:"day"`
		Counts map[string]int64 `json:"counts"`
		Items  []struct {
			CustomerID *string `json:"customer_id"`
			Email      string  `json:"email"`
		} `json:"items"`
	}
	s.get("/v1/admin/reports/churn?state=lapsed", s.token(st, "1", auth.ScopeAdmin)).json(t, &churn)
	if churn.Day != "2026-11-23" || churn.Counts["active"] != 4 || churn.Counts["at_risk"] != 1 || churn.Counts["lapsed"] != 2 ||
		len(churn.Items) != 2 || churn.Items[0].CustomerID != nil || churn.Items[0].Email != "shopper0@example.com" || *churn.Items[1].CustomerID != "6" {
		t.Fatalf("churn: %+v", churn)
	}
	// RFM over the seven customers: C2 (latest but one, most orders) is a
	// champion, C4 (oldest, one order) is lost; every customer is counted.
	var rfm struct {
		Counts map[string]int64 `json:"counts"`
		Items  []struct {
			CustomerID *string `json:"customer_id"`
			R, F       int
		} `json:"items"`
	}
	s.get("/v1/admin/reports/rfm?segment=champions", s.token(st, "1", auth.ScopeAdmin)).json(t, &rfm)
	total := int64(0)
	for _, n := range rfm.Counts {
		total += n
	}
	champ := false
	for _, it := range rfm.Items {
		champ = champ || (it.CustomerID != nil && *it.CustomerID == "2" && it.R == 4 && it.F == 5)
	}
	if total != 7 || !champ {
		t.Fatalf("rfm: %+v", rfm)
	}
	csv := s.get("/v1/admin/reports/rfm?segment=lost&format=csv", s.token(st, "1", auth.ScopeAdmin))
	if csv.Status != http.StatusOK || !strings.Contains(string(csv.Body), "shopper0@example.com") || !strings.HasPrefix(string(csv.Body), "customer_id,email,") {
		t.Fatalf("rfm csv: %d %s", csv.Status, csv.Body)
	}
	// Top by spend: C2 (135.00) then C1 (90.00) and C7 (90.00, ties by id).
	var top struct {
		Items []struct {
			CustomerID *string `json:"customer_id"`
			SpendMinor int64   `json:"spend_minor"`
			Orders     int64   `json:"orders"`
		} `json:"items"`
	}
	s.get("/v1/admin/reports/top?by=spend&limit=3", s.token(st, "1", auth.ScopeAdmin)).json(t, &top)
	if len(top.Items) != 3 || *top.Items[0].CustomerID != "2" || top.Items[0].SpendMinor != 13500 || top.Items[0].Orders != 3 ||
		top.Items[1].SpendMinor != 9000 || top.Items[2].SpendMinor != 9000 {
		t.Fatalf("top by spend: %+v", top)
	}
	lapsed := s.get("/v1/admin/reports/churn?state=lapsed&format=csv", s.token(st, "1", auth.ScopeAdmin))
	if lines := strings.Split(strings.TrimSpace(string(lapsed.Body)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], ",shopper0@example.com,2026-05-01,2026-05-01,1,4500,lapsed") {
		t.Fatalf("churn csv: %q", lapsed.Body)
	}
	s.audit() // includes the rollups against the orders
	if out, err := s.cli("reports", "rebuild", "--store", st.StoreID); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	check("after a rebuild")
	if out, err := s.cli("reports", "check", "--store", st.StoreID); err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
}

// TestBestSellingProducts: the products rollup follows the orders' lines
// as they are delivered (a line refunded, an order trashed, a duplicate),
// ranks the period's products by net sales, and `reports rebuild` from
// the stored deliveries gives the same rows.
func TestBestSellingProducts(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	now := s.clock.Now()
	lines := func(id int64, modified time.Time, ls ...line) order {
		o := usd(id, 60+id, "completed", modified)
		o.Total, o.Tax, o.Shipping = "0.00", "0.00", "0.00"
		var total int64
		for _, l := range ls {
			var v int64
			fmt.Sscanf(strings.ReplaceAll(l.Total, ".", ""), "%d", &v)
			total += v
		}
		o.Total = fmt.Sprintf("%d.%02d", total/100, total%100)
		o.Lines = ls
		return o
	}
	s.deliver(st, "order.updated", lines(1, now, line{Product: 15, Quantity: 2, Total: "90.00"}, line{Product: 16, Quantity: 1, Total: "10.00"}).JSON())
	s.deliver(st, "order.updated", lines(2, now, line{Product: 16, Quantity: 3, Total: "30.00"}).JSON())
	s.deliver(st, "order.updated", lines(2, now, line{Product: 16, Quantity: 3, Total: "30.00"}).JSON()) // duplicate
	s.deliver(st, "order.updated", lines(3, now, line{Product: 17, Quantity: 1, Total: "500.00"}).JSON())
	// Order 1 refunds one of product 15 (the plugin says which line).
	r1 := lines(1, now.Add(time.Minute), line{Product: 15, Quantity: 2, Total: "90.00", Refunded: "45.00", RefundedQty: 1}, line{Product: 16, Quantity: 1, Total: "10.00"})
	r1.Refunds = []string{"-45.00"}
	s.deliver(st, "order.updated", r1.JSON())
	// Order 3 is trashed.
	s.deliver(st, "order.deleted", []byte(`{"id":3}`))
	s.drain(st)
	var rep struct {
		Items []struct {
			ProductID string `json:"product_id"`
			Quantity  int64  `json:"quantity"`
			NetMinor  int64  `json:"net_minor"`
			Orders    int64  `json:"orders"`
		} `json:"items"`
	}
	s.get("/v1/admin/reports/products", s.token(st, "1", auth.ScopeAdmin)).json(t, &rep)
	want := []string{"15:1:4500:1", "16:4:4000:2"}
	var got []string
	for _, x := range rep.Items {
		got = append(got, fmt.Sprintf("%s:%d:%d:%d", x.ProductID, x.Quantity, x.NetMinor, x.Orders))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("best sellers %v, want %v", got, want)
	}
	s.audit()
	db := s.sql()
	// One order's rows lost (with none left, opening the storage would backfill them).
	if _, err := db.Exec(`DELETE FROM order_products WHERE store_id=? AND order_id=2`, st.id); err != nil {
		t.Fatal(err)
	}
	if out, err := s.cli("reports", "check", "--store", st.StoreID); err == nil {
		t.Fatalf("check passed with an order's products lost: %s", out)
	}
	if out, err := s.cli("reports", "rebuild", "--store", st.StoreID); err != nil {
		t.Fatalf("rebuild: %v %s", err, out)
	}
	var again struct {
		Items []struct {
			ProductID string `json:"product_id"`
			Quantity  int64  `json:"quantity"`
			NetMinor  int64  `json:"net_minor"`
			Orders    int64  `json:"orders"`
		} `json:"items"`
	}
	s.get("/v1/admin/reports/products", s.token(st, "1", auth.ScopeAdmin)).json(t, &again)
	if fmt.Sprint(again) != fmt.Sprint(rep) {
		t.Fatalf("after rebuild %+v, before %+v", again, rep)
	}
	s.audit()
}

// TestLifetimeValueAndProgramReturn: customer lifetime value from the last
// year's spend and the yearly churn, members (customers with points)
// against non-members (orders under the store's minimum earn nothing), and
// the program's return.
func TestLifetimeValueAndProgramReturn(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	s.setProgram(st, `{"earn_min_subtotal_minor":5000}`)
	now := s.clock.Now()
	send := func(id, customer int64, total string, daysAgo int) {
		o := usd(id, customer, "completed", now.AddDate(0, 0, -daysAgo))
		o.Total, o.Tax, o.Shipping = total, "0.00", "0.00"
		o.Lines = []line{{Product: 15, Quantity: 1, Total: total}}
		s.deliver(st, "order.updated", o.JSON())
	}
	send(1, 81, "70.00", 500) // A, a member: the year before and this year
	send(2, 81, "70.00", 10)
	send(3, 82, "70.00", 400) // B, a member who churned
	send(4, 83, "45.00", 5)   // C, under the minimum: no points, not a member
	send(5, 83, "45.00", 3)
	s.drain(st)
	var v struct {
		Members struct {
			Customers           int64   `json:"customers"`
			NetPerCustomerMinor int64   `json:"net_per_customer_minor"`
			RepeatPurchaseRate  float64 `json:"repeat_purchase_rate"`
		} `json:"members"`
		NonMembers struct {
			Customers           int64   `json:"customers"`
			NetPerCustomerMinor int64   `json:"net_per_customer_minor"`
			RepeatPurchaseRate  float64 `json:"repeat_purchase_rate"`
		} `json:"non_members"`
		YearCustomers         int64   `json:"year_customers"`
		YearNetMinor          int64   `json:"year_net_minor"`
		YearChurnRate         float64 `json:"year_churn_rate"`
		ExpectedLifespanYears float64 `json:"expected_lifespan_years"`
		CLV                   int64   `json:"customer_lifetime_value_minor"`
		IncrementalRepeatRate float64 `json:"incremental_repeat_rate"`
		IncrementalNet        int64   `json:"incremental_net_per_member_minor"`
		ProgramReturnMinor    int64   `json:"program_return_minor"`
	}
	s.get("/v1/admin/reports/value", s.token(st, "1", auth.ScopeAdmin)).json(t, &v)
	got := fmt.Sprintf("%+v", v)
	if v.Members.Customers != 2 || v.Members.NetPerCustomerMinor != 10500 || v.Members.RepeatPurchaseRate != 50 ||
		v.NonMembers.Customers != 1 || v.NonMembers.NetPerCustomerMinor != 9000 || v.NonMembers.RepeatPurchaseRate != 100 ||
		v.YearCustomers != 2 || v.YearNetMinor != 16000 || v.YearChurnRate != 50 || v.ExpectedLifespanYears != 2 || v.CLV != 16000 ||
		v.IncrementalRepeatRate != -50 || v.IncrementalNet != 1500 || v.ProgramReturnMinor != 3000 {
		t.Fatalf("value report %s", got)
	}
	s.audit()
}
