package mysql

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The reports at scale count on the customer days' previous and next
// days, the month rollup of products and the RFM quintile starts. These
// tests hold each against a plain recount of the same rows (a GROUP BY per
// customer, NTILE over every customer), on random stores with many ties.

type seededDay struct {
	customer int64
	day      string
	orders   int64
	net      int64
}

// seedRollups writes random customer days (linked by linkDays, as the
// writers do), the customers' summary rows and order products.
func seedRollups(t *testing.T, db *testDB, st loyalty.Store, seed uint64) []seededDay {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var days []seededDay
	for c := int64(1); c <= 303; c++ {
		seen := map[string]bool{}
		for n := 1 + rng.IntN(6); n > 0; n-- {
			d := start.AddDate(0, 0, rng.IntN(700)).Format(time.DateOnly)
			if seen[d] {
				continue
			}
			seen[d] = true
			days = append(days, seededDay{c, d, int64(1 + rng.IntN(2)), int64(1000 * (1 + rng.IntN(4)))})
		}
	}
	err := db.pool.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
		// Through the writers' own path: the days of each customer as they
		// should be, against none stored.
		var w writes
		var dw dayWriter
		byCustomer := map[int64][]loyalty.CustomerDay{}
		for _, d := range days {
			byCustomer[d.customer] = append(byCustomer[d.customer], loyalty.CustomerDay{Day: d.day, Orders: d.orders, Net: d.net})
		}
		for c := int64(1); c <= 303; c++ {
			ds := byCustomer[c]
			sort.Slice(ds, func(i, j int) bool { return ds[i].Day < ds[j].Day })
			dw.customer(st.ID, c, nil, ds)
		}
		dw.render(&w)
		for i, d := range days {
			w.add(`INSERT INTO order_products (store_id, order_id, product_id, day, quantity, net) VALUES (?,?,?,?,?,?)`,
				st.ID, i+1, 1+rng.IntN(12), d.day, d.orders, d.net)
		}
		w.add(`INSERT INTO report_product_months (store_id, month, product_id, bucket, quantity, net, orders) `+productMonthsSQL, st.ID)
		return w.flush(ctx, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return days
}

func TestSummaryCountsEqualARecountPerCustomer(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	days := seedRollups(t, db, st, 1)
	reports := NewReportService(db.pool, nil)
	byCustomer := map[int64][]seededDay{}
	for _, d := range days {
		byCustomer[d.customer] = append(byCustomer[d.customer], d)
	}
	churn := st.Program.Churn()
	recount := func(p loyalty.Period) loyalty.SummaryCounts {
		var c loyalty.SummaryCounts
		w1From, w2After := loyalty.DayBefore(p.From, churn), loyalty.DayBefore(p.To, churn)
		for _, ds := range byCustomer {
			first := ds[0].day
			var inW1, inW2 bool
			var n int64
			for _, d := range ds {
				first = min(first, d.day)
				inW1 = inW1 || (d.day >= w1From && d.day < p.From)
				inW2 = inW2 || (d.day > w2After && d.day <= p.To)
				if d.day >= p.From && d.day <= p.To {
					n += d.orders
					c.Orders += d.orders
					c.Net += d.net
				}
			}
			isNew := first >= p.From && first <= p.To
			if first <= p.To {
				c.Customers++
			}
			if isNew {
				c.New++
			}
			if inW1 {
				c.AtStart++
			}
			if inW2 && isNew {
				c.NewAtEnd++
			}
			if inW2 && (inW1 || isNew) {
				c.AtEnd++
			}
			if inW2 && !inW1 && !isNew {
				c.WonBack++
			}
			if n > 0 {
				c.Buyers++
			}
			if n >= 2 {
				c.RepeatBuyers++
			}
		}
		return c
	}
	for _, p := range []loyalty.Period{
		{From: "2026-01-01", To: "2026-12-31"}, {From: "2025-03-01", To: "2025-03-31"}, {From: "2025-06-15", To: "2025-06-15"},
		{From: "2025-05-10", To: "2026-02-20"}, {From: "2024-01-01", To: "2027-01-01"},
	} {
		t.Run(p.From+"_"+p.To, func(t *testing.T) {
			got, err := reports.ReportSummary(context.Background(), st, p)
			if err != nil {
				t.Fatal(err)
			}
			want := loyalty.Summarize(st.Program, p, churn, recount(p))
			if got != want {
				t.Fatalf("summary\n%+v\nrecounted\n%+v", got, want)
			}
		})
	}
}

func TestRFMQuintileStartsEqualNTILE(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	seedRollups(t, db, st, 2)
	ctx := context.Background()
	reports := NewReportService(db.pool, nil)
	var rows []rfmRow
	if err := db.pool.db.SelectContext(ctx, &rows, rfmSQL, st.ID); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, r := range rows {
		counts[loyalty.RFMSegment(r.R, r.F)]++
	}
	sort.Slice(rows, func(i, j int) bool { // spend, largest first, then customer
		if rows[i].Net != rows[j].Net {
			return rows[i].Net > rows[j].Net
		}
		return rows[i].Customer < rows[j].Customer
	})
	for _, sg := range loyalty.Segments() {
		var want []string
		for _, r := range rows {
			if loyalty.RFMSegment(r.R, r.F) == sg {
				want = append(want, fmt.Sprintf("%d:%d%d%d", r.Net, r.R, r.F, r.M))
			}
		}
		got, err := reports.ReportRFM(ctx, st, sg, 0)
		if err != nil {
			t.Fatal(err)
		}
		var have []string
		for _, it := range got.Items {
			have = append(have, fmt.Sprintf("%d:%d%d%d", it.Figures.Net, it.R, it.F, it.M))
		}
		for s, n := range counts {
			if got.Counts[s] != n {
				t.Fatalf("%s: counts %v, NTILE says %v", sg, got.Counts, counts)
			}
		}
		if fmt.Sprint(have) != fmt.Sprint(want) {
			t.Fatalf("%s: listed %v, NTILE says %v", sg, have, want)
		}
	}
	if len(counts) < 4 {
		t.Fatalf("the random store fills only %v", counts)
	}
}

func TestProductsFromMonthsAndEdgeDaysEqualARecount(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	seedRollups(t, db, st, 3)
	ctx := context.Background()
	reports := NewReportService(db.pool, nil)
	for _, p := range []loyalty.Period{
		{From: "2025-01-01", To: "2026-12-31"}, {From: "2025-02-14", To: "2025-11-03"}, {From: "2025-03-01", To: "2025-03-31"},
		{From: "2025-03-02", To: "2025-03-30"}, {From: "2025-04-30", To: "2025-05-01"}, {From: "2025-06-01", To: "2025-08-15"},
	} {
		t.Run(p.From+"_"+p.To, func(t *testing.T) {
			var want []loyalty.ProductSales
			if err := db.pool.db.SelectContext(ctx, &want, `SELECT product_id AS productid, SUM(quantity) AS quantity, SUM(net) AS net, COUNT(*) AS orders
				FROM order_products WHERE store_id=? AND day BETWEEN ? AND ? GROUP BY product_id ORDER BY net DESC, quantity DESC, product_id`,
				st.ID, p.From, p.To); err != nil {
				t.Fatal(err)
			}
			got, err := reports.ReportProducts(ctx, st, p, 100)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
				t.Fatalf("products %v, recounted %v", got, want)
			}
		})
	}
}

// TestDayWriterKeepsLinksSumsAndCohortsUnderChanges: rounds of random
// changes (days gone, days new, orders changed) written as the batches
// write them leave every link, lifetime row and cohort cell equal to a
// recount from the days.
func TestDayWriterKeepsLinksSumsAndCohortsUnderChanges(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	seedRollups(t, db, st, 4)
	ctx := context.Background()
	reports := NewReportService(db.pool, nil)
	rng := rand.New(rand.NewPCG(4, 9))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := 0; round < 4; round++ {
		err := db.pool.inTx(ctx, func(tx *sqlx.Tx, _ time.Time) error {
			var picked []int64
			for c := int64(1); c <= 303; c++ {
				if rng.IntN(3) == 0 {
					picked = append(picked, c)
				}
			}
			stored, err := loadDays(ctx, tx, st.ID, picked)
			if err != nil {
				return err
			}
			var w writes
			var dw dayWriter
			for _, c := range picked {
				byDay := map[string]loyalty.CustomerDay{}
				for _, o := range stored[c] {
					byDay[o.Day] = loyalty.CustomerDay{Day: o.Day, Orders: o.Orders, Net: o.Net}
				}
				for day := range byDay {
					switch rng.IntN(4) {
					case 0:
						delete(byDay, day) // refunded away
					case 1:
						d := byDay[day]
						d.Orders++
						d.Net += 500
						byDay[day] = d
					}
				}
				if rng.IntN(2) == 0 {
					day := start.AddDate(0, 0, rng.IntN(700)).Format(time.DateOnly)
					byDay[day] = loyalty.CustomerDay{Day: day, Orders: byDay[day].Orders + 1, Net: byDay[day].Net + 2000}
				}
				var days []loyalty.CustomerDay
				for _, d := range byDay {
					days = append(days, d)
				}
				sort.Slice(days, func(i, j int) bool { return days[i].Day < days[j].Day })
				dw.customer(st.ID, c, stored[c], days)
			}
			dw.render(&w)
			return w.flush(ctx, tx)
		})
		if err != nil {
			t.Fatal(err)
		}
		if diffs, err := reports.checkCohorts(ctx, st.ID); err != nil || len(diffs) > 0 {
			t.Fatalf("round %d: cohorts %v %v", round, err, diffs)
		}
		var badLinks, badSums int
		if err := db.pool.db.GetContext(ctx, &badLinks, `SELECT COUNT(*) FROM report_customer_days d JOIN (
				SELECT customer_pk, day, LAG(day) OVER w AS p, LEAD(day) OVER w AS n FROM report_customer_days WHERE store_id=?
				WINDOW w AS (PARTITION BY customer_pk ORDER BY day)) x ON d.store_id=? AND d.customer_pk=x.customer_pk AND d.day=x.day
			WHERE NOT (d.prev_day <=> x.p AND d.next_day <=> x.n)`, st.ID, st.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.pool.db.GetContext(ctx, &badSums, `SELECT COUNT(*) FROM (SELECT customer_pk, MIN(day) f, MAX(day) l, SUM(orders) o, SUM(net) n
				FROM report_customer_days WHERE store_id=? GROUP BY customer_pk) x
			LEFT JOIN report_customers r ON r.store_id=? AND r.customer_pk=x.customer_pk
			WHERE NOT (r.first_day <=> x.f AND r.last_day <=> x.l AND r.orders <=> x.o AND r.net <=> x.n)`, st.ID, st.ID); err != nil {
			t.Fatal(err)
		}
		var orphans int
		db.pool.db.GetContext(ctx, &orphans, `SELECT COUNT(*) FROM report_customers r WHERE store_id=? AND NOT EXISTS
			(SELECT 1 FROM report_customer_days d WHERE d.store_id=r.store_id AND d.customer_pk=r.customer_pk)`, st.ID)
		if badLinks+badSums+orphans > 0 {
			t.Fatalf("round %d: %d days linked wrongly, %d lifetime rows wrong, %d without days", round, badLinks, badSums, orphans)
		}
	}
	// The triangle read from the cells equals one counted from the days.
	var want []struct {
		Cohort    string `db:"cohort"`
		Month     string `db:"month"`
		Customers int64  `db:"customers"`
	}
	if err := db.pool.db.SelectContext(ctx, &want, `SELECT DATE_FORMAT(r.first_day, '%Y-%m') AS cohort, DATE_FORMAT(d.day, '%Y-%m') AS month,
		COUNT(DISTINCT d.customer_pk) AS customers FROM report_customers r JOIN report_customer_days d ON d.store_id=r.store_id AND d.customer_pk=r.customer_pk
		WHERE r.store_id=? AND r.first_day BETWEEN '2025-03-01' AND '2025-09-30' AND d.day <= '2025-09-30' GROUP BY cohort, month`, st.ID); err != nil {
		t.Fatal(err)
	}
	in := make([]loyalty.CohortCount, len(want))
	for i, c := range want {
		in[i] = loyalty.CohortCount{Cohort: c.Cohort, Month: c.Month, Customers: c.Customers}
	}
	got, err := reports.ReportCohorts(ctx, st, loyalty.Period{From: "2025-03-14", To: "2025-09-02"})
	if err != nil {
		t.Fatal(err)
	}
	if w := loyalty.Cohorts(in, "2025-09"); fmt.Sprint(got) != fmt.Sprint(w) || len(w) != 7 {
		t.Fatalf("cohorts\n%v\nrecounted\n%v", got, w)
	}
}
