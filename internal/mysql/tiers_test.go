package mysql

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// TestTierJobOnTwoInstancesDecidesEachCustomerOnce: a tier created after
// 40 customers have paid orders places them through the job; two job runs
// at once (as on two service instances) record exactly one change per
// customer, and a second pass finds nothing due. Then, a year on, the
// rolling window drops their orders and the job (grace 0) moves each down
// once, again from two instances at once.
func TestTierJobOnTwoInstancesDecidesEachCustomerOnce(t *testing.T) {
	db, clock := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	paid := clock.Now().Add(-time.Hour)
	// Each body is "<customer>": a paid 120.00 order of that customer.
	decode := func(_ string, body []byte, _ func(string) (int, bool)) loyalty.Event {
		c, _ := strconv.ParseInt(string(body), 10, 64)
		return loyalty.Event{Kind: loyalty.EventOrder, Order: loyalty.OrderSnapshot{OrderID: 1000 + c, Status: "completed",
			CustomerID: c, Total: 12000, DateModified: paid, DatePaid: paid}}
	}
	const customers = 40
	for c := 1; c <= customers; c++ {
		if _, err := db.Accept(ctx, loyalty.InboxMessage{StoreID: st.ID, Topic: "order.updated", Source: "webhook",
			DeliveryID: fmt.Sprint(c), Body: []byte(strconv.Itoa(c))}); err != nil {
			t.Fatal(err)
		}
	}
	drainInbox(t, db, decode)

	tiers := NewTierService(db.pool)
	if _, err := tiers.CreateTier(ctx, st.ID, loyalty.Tier{Rank: 1, Names: map[string]string{"en": "Silver"},
		ThresholdKind: loyalty.TierBySpend, Threshold: 10000, WindowDays: 365, Multiplier: loyalty.Ratio{Num: 3, Den: 2}, Active: true}); err != nil {
		t.Fatal(err)
	}
	runTwice := func() int {
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := NewTierService(db.pool).CheckDue(ctx, 1000)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		return counts[0] + counts[1]
	}
	changes := func(reason string) (total, distinct int) {
		if err := db.pool.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT customer_pk) FROM tier_changes
			WHERE store_id=? AND reason=?`, st.ID, reason).Scan(&total, &distinct); err != nil {
			t.Fatal(err)
		}
		return total, distinct
	}

	if n := runTwice(); n != customers {
		t.Fatalf("the two runs placed %d customers, want %d", n, customers)
	}
	if total, distinct := changes(loyalty.TierReasonQualified); total != customers || distinct != customers {
		t.Fatalf("%d changes for %d customers, want one each for %d", total, distinct, customers)
	}
	if n, err := tiers.CheckDue(ctx, 1000); err != nil || n != 0 {
		t.Fatalf("a pass after the job: %d, %v", n, err)
	}
	store, _ := db.Store(ctx, st.ID)
	s, err := tiers.CustomerTier(ctx, store, 7, true)
	if err != nil || s.Tier == nil || s.Tier.Names["en"] != "Silver" || len(s.History) != 1 {
		t.Fatalf("customer 7: %+v, %v", s, err)
	}

	clock.Advance(365 * 24 * time.Hour)
	if n := runTwice(); n != customers {
		t.Fatalf("a year later the two runs moved %d customers down, want %d", n, customers)
	}
	if total, distinct := changes(loyalty.TierReasonGraceEnded); total != customers || distinct != customers {
		t.Fatalf("%d downgrades for %d customers, want one each for %d", total, distinct, customers)
	}
	var due int
	db.pool.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM customer_tiers WHERE next_check IS NOT NULL OR tier_id IS NOT NULL`).Scan(&due)
	if due != 0 {
		t.Fatalf("%d customer tiers still held or due", due)
	}
	requireAudit(t, db)
}
