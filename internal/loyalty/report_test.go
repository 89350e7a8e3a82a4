package loyalty

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestHundredths(t *testing.T) {
	tests := []struct {
		num, den int64
		pct      bool
		want     string
	}{
		{1, 3, true, "33.33"},
		{2, 3, true, "66.67"},
		{1, 2, true, "50.00"},
		{0, 5, true, "0.00"},
		{5, 0, true, "0.00"},
		{3, 2, false, "1.50"},
		{-1, 3, true, "-33.33"},
		{1, 8, true, "12.50"},
	}
	for _, tt := range tests {
		h := RatioOf(tt.num, tt.den)
		if tt.pct {
			h = Ratio100(tt.num, tt.den)
		}
		b, _ := json.Marshal(h)
		if string(b) != tt.want {
			t.Errorf("%d/%d = %s, want %s", tt.num, tt.den, b, tt.want)
		}
	}
}

func TestChurnState(t *testing.T) {
	f := func(first, last string, orders int64) CustomerFigures {
		return CustomerFigures{FirstDay: first, LastDay: last, Orders: orders}
	}
	tests := []struct {
		name string
		f    CustomerFigures
		want string
	}{
		{"recent single order", f("2026-10-10", "2026-10-10", 1), ChurnActive},
		{"single order 90 days ago is lapsed", f("2026-08-25", "2026-08-25", 1), ChurnLapsed},
		{"89 days is not", f("2026-08-26", "2026-08-26", 1), ChurnActive},
		{"15 days silent after an 11-day gap", f("2026-10-28", "2026-11-08", 2), ChurnActive},
		{"78 days silent after a 5-day gap", f("2026-09-01", "2026-09-06", 2), ChurnAtRisk},
		{"at risk needs two orders", f("2026-09-06", "2026-09-06", 1), ChurnActive},
	}
	for _, tt := range tests {
		if got := ChurnState(tt.f, "2026-11-23", 90); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	// 15 days silent after a 5-day gap: exactly three times, not more.
	if got := ChurnState(f("2026-11-03", "2026-11-08", 2), "2026-11-23", 90); got != ChurnActive {
		t.Errorf("exactly three times the gap: %s, want active", got)
	}
	if got := ChurnState(f("2026-11-02", "2026-11-07", 2), "2026-11-23", 90); got != ChurnAtRisk {
		t.Errorf("one day more than three times the gap: %s, want at_risk", got)
	}
}

func TestCohortsAndReportDays(t *testing.T) {
	cs := Cohorts([]CohortCount{{"2026-08", "2026-08", 4}, {"2026-08", "2026-10", 1}, {"2026-10", "2026-10", 2}}, "2026-10")
	if len(cs) != 2 || cs[0].Size != 4 || len(cs[0].Cells) != 3 || cs[0].Cells[2].Customers != 1 || cs[0].Cells[2].Share != 2500 ||
		cs[0].Cells[1].Customers != 0 || len(cs[1].Cells) != 1 {
		t.Fatalf("cohorts %+v", cs)
	}
	tehran, _ := time.LoadLocation("Asia/Tehran")
	paid := func(id int64, at time.Time, status string, refunded int64) OrderState {
		return OrderState{OrderID: id, Customer: 3, Status: status, Currency: "USD", Total: 5400, Net: 4500, Refunded: refunded,
			Terms: &OrderTerms{FirstPaidAt: at}}
	}
	days := ReportDays([]OrderState{
		paid(1, time.Date(2026, 10, 31, 21, 0, 0, 0, time.UTC), "completed", 0), // 1 Nov in Tehran
		paid(2, time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC), "processing", 2700),
		paid(3, time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), "refunded", 5400),
		{OrderID: 4, Customer: 3, Status: "completed", Currency: "EUR", Total: 5400, Net: 4500, Terms: &OrderTerms{FirstPaidAt: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)}},
	}, "USD", tehran)
	if len(days) != 2 || days[0].Day != "2026-11-01" || days[0].Orders != 2 || days[0].Net != 4500+2250 ||
		days[1].Day != "2026-11-03" || days[1].Orders != 1 || days[1].Net != 0 {
		t.Fatalf("days %+v", days)
	}
}

func TestRFMSegment(t *testing.T) {
	want := map[[2]int]string{}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			got := RFMSegment(r, f)
			want[[2]int{r, f}] = got
		}
	}
	checks := []struct {
		r, f int
		seg  string
	}{{5, 5, SegmentChampions}, {4, 4, SegmentChampions}, {3, 5, SegmentLoyal}, {5, 3, SegmentLoyal}, {5, 1, SegmentPromising},
		{3, 2, SegmentPromising}, {2, 5, SegmentAtRisk}, {1, 3, SegmentAtRisk}, {2, 2, SegmentHibernating}, {1, 2, SegmentLost}, {1, 1, SegmentLost}}
	for _, c := range checks {
		if got := want[[2]int{c.r, c.f}]; got != c.seg {
			t.Errorf("R%d F%d = %s, want %s", c.r, c.f, got, c.seg)
		}
	}
	seen := map[string]bool{}
	for _, s := range want {
		seen[s] = true
	}
	if len(seen) != len(Segments()) {
		t.Fatalf("the 25 score pairs name %d segments, want all %d", len(seen), len(Segments()))
	}
}

func TestProductShares(t *testing.T) {
	paid := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC) // 21 November in Tehran
	tehran, _ := time.LoadLocation("Asia/Tehran")
	state := func(refunded int64) OrderState {
		return OrderState{OrderID: 1, Customer: 7, Status: "completed", Currency: "USD", Total: 10000, Net: 10000, Refunded: refunded,
			Terms: &OrderTerms{FirstPaidAt: paid}}
	}
	two := []OrderLine{{ProductID: 15, Quantity: 2, Net: 8000}, {ProductID: 16, Quantity: 1, Net: 2000}}
	for _, c := range []struct {
		name  string
		s     OrderState
		lines []OrderLine
		want  []ProductLine
		ok    bool
	}{
		{"paid", state(0), two, []ProductLine{{15, 2, 8000}, {16, 1, 2000}}, true},
		{"half refunded, lines unknown: in proportion", state(5000), two, []ProductLine{{15, 2, 4000}, {16, 1, 1000}}, true},
		{"a line refunded by the plugin: that line only", state(4000), []OrderLine{{ProductID: 15, Quantity: 2, Net: 8000, RefundKnown: true, Refunded: 4000, RefundedQty: 1},
			{ProductID: 16, Quantity: 1, Net: 2000, RefundKnown: true}}, []ProductLine{{15, 1, 4000}, {16, 1, 2000}}, true},
		{"the same product twice", state(0), []OrderLine{{ProductID: 15, Quantity: 1, Net: 4000}, {ProductID: 15, Quantity: 1, Net: 4000}}, []ProductLine{{15, 2, 8000}}, true},
		{"refunded in full (WooCommerce marks it refunded): does not count", func() OrderState { s := state(10000); s.Status = "refunded"; return s }(), two, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			day, got, ok := ProductShares(c.s, OrderSnapshot{OrderID: 1, Lines: c.lines}, "USD", tehran)
			if ok != c.ok || fmt.Sprint(got) != fmt.Sprint(c.want) || (ok && day != "2026-11-21") {
				t.Fatalf("ProductShares = %s %v %v, want 2026-11-21 %v %v", day, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestValueReport(t *testing.T) {
	p := Program{RedeemPoints: 100, RedeemValueMinor: 100}
	members := GroupCounts{Customers: 2, Orders: 3, Net: 21000, Repeaters: 1, SpanDays: 490}
	others := GroupCounts{Customers: 1, Orders: 2, Net: 9000, Repeaters: 1, SpanDays: 2}
	for _, c := range []struct {
		name     string
		year     YearCounts
		redeemed int64
		lifespan Hundredths
		clv      int64
		roi      Hundredths
	}{
		{"half churned: two years", YearCounts{Orders: 3, Net: 16000, Customers: 2, PriorCustomers: 2, Churned: 1}, 0, 200, 16000, 0},
		{"nobody churned: capped at ten years", YearCounts{Orders: 3, Net: 16000, Customers: 2, PriorCustomers: 2}, 0, 1000, 80000, 0},
		{"no year before: no prediction", YearCounts{Orders: 3, Net: 16000, Customers: 2}, 0, 0, 0, 0},
		{"redemptions cost 10.00: return 20.00, ROI 200 %", YearCounts{}, 1000, 0, 0, 20000},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := ValueReport(p, members, others, c.year, c.redeemed, 0)
			if v.LifespanYears != c.lifespan || v.CLVMinor != c.clv || v.ROI != c.roi || v.IncrementalNetMinor != 1500 || v.IncrementalRepeatRate != -5000 {
				t.Fatalf("ValueReport = lifespan %d clv %d roi %d incremental %d %d", v.LifespanYears, v.CLVMinor, v.ROI, v.IncrementalNetMinor, v.IncrementalRepeatRate)
			}
		})
	}
}

func TestReferralDaysOnTheStoreDay(t *testing.T) {
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	at := func(s string) time.Time { x, _ := time.Parse(time.RFC3339, s); return x }
	tests := []struct {
		name     string
		made     []time.Time
		states   []string
		loc      *time.Location
		days     string
		wantMade int64
		rate     Hundredths
	}{
		{"none", nil, nil, time.UTC, "[]", 0, 0},
		{"one day, each state", []time.Time{at("2026-11-02T10:00:00Z"), at("2026-11-02T11:00:00Z"), at("2026-11-02T12:00:00Z")},
			[]string{ReferralApproved, ReferralRejected, ReferralPending}, time.UTC, "[{2026-11-02 1 1 1}]", 3, 3333},
		// 21:00 UTC is already the next day in Tehran (+03:30).
		{"the store's day, not UTC's", []time.Time{at("2026-11-02T21:00:00Z"), at("2026-11-02T20:00:00Z")},
			[]string{ReferralApproved, ReferralApproved}, tehran, "[{2026-11-02 0 1 0} {2026-11-03 0 1 0}]", 2, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days := ReferralDays(tt.made, tt.states, tt.loc)
			if fmt.Sprint(days) != tt.days {
				t.Fatalf("days %v, want %s", days, tt.days)
			}
			made, _, rate := ReferralTotals(days)
			if made != tt.wantMade || rate != tt.rate {
				t.Fatalf("made %d rate %d, want %d %d", made, rate, tt.wantMade, tt.rate)
			}
		})
	}
}
