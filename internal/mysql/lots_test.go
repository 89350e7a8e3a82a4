package mysql

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// TestExpiryJobOnTwoInstancesPostsEachLotOnce: 30 customers earn three
// lots a month apart and spend some; two expiry jobs run at once (as on
// two service instances) after every lot's time has come: each covered
// lot lapses exactly once, spent lots never, and the balances end at zero.
func TestExpiryJobOnTwoInstancesPostsEachLotOnce(t *testing.T) {
	db, clock := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	p := st.Program
	p.ExpireMonths, p.TimeZone = 3, "Asia/Tehran"
	if err := db.SetProgram(ctx, st.ID, p); err != nil {
		t.Fatal(err)
	}
	const customers = 30
	for month := 0; month < 3; month++ {
		for c := int64(1); c <= customers; c++ {
			give(t, db, st.ID, c, 100)
		}
		clock.Advance(31 * 24 * time.Hour)
	}
	// Customer 1 spends 150: the first lot and half the second are gone.
	if _, _, err := db.Adjust(ctx, st.ID, loyalty.Adjustment{CustomerID: 1, Points: -150, Reason: "spent", Key: "spend-1", Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(100 * 24 * time.Hour) // every lot is over three months old
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := NewLotService(db.pool).ExpireDue(ctx, 1000); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var lapses, points int64
	if err := db.pool.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(e.amount),0) FROM ledger_transactions t
		JOIN ledger_entries e ON e.store_id=t.store_id AND e.transaction_id=t.id AND e.account='expired'
		WHERE t.store_id=? AND t.kind='points_expire'`, st.ID).Scan(&lapses, &points); err != nil {
		t.Fatal(err)
	}
	// 29 customers x 3 lots of 100, and customer 1's 50 + 100.
	if lapses != (customers-1)*3+2 || points != (customers-1)*300+150 {
		t.Fatalf("%d lapses of %d points, want %d of %d", lapses, points, (customers-1)*3+2, (customers-1)*300+150)
	}
	for c := int64(1); c <= customers; c++ {
		if b, _ := db.Balance(ctx, st.ID, c); b.Available != 0 {
			t.Fatalf("customer %d keeps %d", c, b.Available)
		}
	}
	var open int
	db.pool.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM lots WHERE store_id=? AND settled=0`, st.ID).Scan(&open)
	if open != 0 {
		t.Fatalf("%d lots still open", open)
	}
	if n, err := NewLotService(db.pool).ExpireDue(ctx, 1000); err != nil || n != 0 {
		t.Fatalf("a second pass: %d, %v", n, err)
	}
	requireAudit(t, db)
}
