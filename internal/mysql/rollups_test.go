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
		var w writes
		customers := []int64{}
		for _, d := range days {
			w.add(`INSERT INTO report_customer_days (store_id, customer_pk, day, orders, net) VALUES (?,?,?,?,?)`, st.ID, d.customer, d.day, d.orders, d.net)
		}
		for c := int64(1); c <= 303; c++ {
			customers = append(customers, c)
		}
		linkDays(&w, st.ID, customers)
		w.add(`INSERT INTO report_customers (store_id, customer_pk, first_day, last_day, orders, net)
			SELECT store_id, customer_pk, MIN(day), MAX(day), SUM(orders), SUM(net) FROM report_customer_days WHERE store_id=? GROUP BY customer_pk`, st.ID)
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
