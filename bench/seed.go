package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

// The store behind the reports at scale is seeded through the service's
// own path: signed order webhooks over HTTP, accepted into the inbox and
// reconciled by the service's workers into the ledger and every rollup,
// exactly as a store's history would arrive. No rollup row is written by
// the bench.

// seedDays is how far back the seeded history reaches.
const seedDays = 700

// historyDay is the order's day, in days after the history's first: each
// customer's orders fall 140 days apart on distinct days (offset by the
// customer), so a customer buys about every four and a half months.
func historyDay(seq, customers int64) int64 {
	return ((seq-1)/customers)*140 + ((seq-1)%customers)%139
}

// historyOrderBody is a completed REST v3 order of customer paid at paid:
// one line of product, total in cents, no tax or shipping.
func historyOrderBody(id, customer, product, total int64, paid time.Time) []byte {
	at := paid.Format("2006-01-02T15:04:05")
	money := fmt.Sprintf("%d.%02d", total/100, total%100)
	return []byte(fmt.Sprintf(`{"id":%d,"parent_id":0,"status":"completed","currency":"USD","version":"10.0.2","prices_include_tax":false,`+
		`"date_created":"%s","date_modified":"%s","discount_total":"0.00","discount_tax":"0.00","shipping_total":"0.00","shipping_tax":"0.00",`+
		`"cart_tax":"0.00","total":"%s","total_tax":"0.00","customer_id":%d,"order_key":"wc_order_%d",`+
		`"billing":{"first_name":"Sara","last_name":"Ahmadi","email":"c%d@example.com","country":"IR"},"payment_method":"cod",`+
		`"created_via":"checkout","date_completed":"%s","date_paid":"%s","number":"%d",`+
		`"line_items":[{"id":1,"name":"Product %d","product_id":%d,"variation_id":0,"quantity":%d,"subtotal":"%s","subtotal_tax":"0.00",`+
		`"total":"%s","total_tax":"0.00","taxes":[],"meta_data":[],"sku":"P%d","price":1}],"tax_lines":[],"shipping_lines":[],"fee_lines":[],`+
		`"coupon_lines":[],"refunds":[],"date_created_gmt":"%s","date_modified_gmt":"%s","date_completed_gmt":"%s","date_paid_gmt":"%s"}`,
		id, at, at, money, customer, id, customer, at, at, id, product, product, 1+id%3, money, money, product, at, at, at, at))
}

// seedHistory posts orders orders of customers customers over the seedDays
// ending yesterday, signed, from c.concurrency clients, and waits until the
// workers have reconciled every one.
func seedHistory(s *service, c config, orders, customers int64) error {
	first := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -seedDays)
	logf("seeding %d orders of %d customers through signed webhooks (%s to yesterday)", orders, customers, first.Format(time.DateOnly))
	start := time.Now()
	jobs := make(chan int64, c.concurrency)
	var failed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < c.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range jobs {
				customer := (seq-1)%customers + 1
				paid := first.AddDate(0, 0, int(historyDay(seq, customers))).Add(time.Duration(seq%36000) * time.Second)
				body := historyOrderBody(seq, customer, 1+seq%500, 1000+(seq*7919)%9000, paid)
				req, _ := http.NewRequest("POST", s.base+"/webhooks/woocommerce/"+s.store.StoreID, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-WC-Webhook-Topic", "order.updated")
				req.Header.Set("X-WC-Webhook-Signature", woocommerce.Sign(s.store.WebhookSecret, body))
				res, err := s.client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode/100 != 2 {
					failed.Add(1)
				}
			}
		}()
	}
	for seq := int64(1); seq <= orders; seq++ {
		jobs <- seq
		if seq%100_000 == 0 {
			logf("seeding: %d sent, %d reconciled, %.0f s", seq, s.count("SELECT COUNT(*) FROM orders"), time.Since(start).Seconds())
		}
	}
	close(jobs)
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("seeding: %d deliveries were not answered 2xx", n)
	}
	if err := s.drain(60 * time.Minute); err != nil {
		return err
	}
	var got, customersGot int64
	s.db.QueryRow(`SELECT COUNT(*) FROM orders WHERE first_paid_at IS NOT NULL`).Scan(&got)
	s.db.QueryRow(`SELECT COUNT(*) FROM report_customers`).Scan(&customersGot)
	if got != orders || customersGot != customers {
		return fmt.Errorf("seeding: %d paid orders and %d customers in the rollups, want %d and %d", got, customersGot, orders, customers)
	}
	logf("seeded %d orders in %.0f s (%.0f orders/s)", orders, time.Since(start).Seconds(), float64(orders)/time.Since(start).Seconds())
	return nil
}
