package mysql

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func newReward(t *testing.T, rs *RewardService, store loyalty.StoreID, r loyalty.Reward) loyalty.Reward {
	t.Helper()
	if r.Names == nil {
		r.Names = map[string]string{"en": "Reward", "fa_IR": "جایزه", "ar": "مكافأة"}
	}
	if r.ValidDays == 0 {
		r.ValidDays = 30
	}
	r.Active = true
	out, err := rs.CreateReward(context.Background(), store, r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// give puts points in the customer's available account with an adjustment.
func give(t *testing.T, db *testDB, store loyalty.StoreID, customer, points int64) {
	t.Helper()
	if _, _, err := db.Adjust(context.Background(), store, loyalty.Adjustment{CustomerID: customer, Points: points,
		Reason: "test", Key: fmt.Sprintf("give-%d-%d-%d", customer, points, time.Now().UnixNano()), Actor: "test"}); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentRedemptionsNeverOverdraw: 100 concurrent redemptions with
// distinct keys against a balance that covers exactly one reward issue
// exactly one; the same key sent 20 times concurrently issues one reward.
func TestConcurrentRedemptionsNeverOverdraw(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	rs, red := NewRewardService(db.pool), NewRedemptionService(db.pool)
	reward := newReward(t, rs, st.ID, loyalty.Reward{Kind: loyalty.RewardFixedDiscount, PointsCost: 500, ValueMinor: 500})
	give(t, db, st.ID, 9, 700)

	var wg sync.WaitGroup
	results := make(chan error, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, _, err := red.Redeem(ctx, st.ID, 9, loyalty.RedeemInput{RewardID: reward.ID, Key: fmt.Sprintf("k%d", i)})
			results <- err
		}(i)
	}
	wg.Wait()
	close(results)
	ok, insufficient := 0, 0
	for err := range results {
		switch loyalty.ErrorCode(err) {
		case "":
			ok++
		case loyalty.EInsufficient:
			insufficient++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 || insufficient != 99 {
		t.Fatalf("%d issued, %d refused; want 1 and 99", ok, insufficient)
	}
	b, _ := db.Balance(ctx, st.ID, 9)
	if b.Available != 200 || b.Held != 500 {
		t.Fatalf("balance %+v, want 200 available and 500 held", b)
	}

	give(t, db, st.ID, 9, 10_000)
	codes := make(chan string, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _, err := red.Redeem(ctx, st.ID, 9, loyalty.RedeemInput{RewardID: reward.ID, Key: "same"})
			if err != nil {
				t.Error(err)
			}
			codes <- r.Code
		}()
	}
	wg.Wait()
	close(codes)
	seen := map[string]bool{}
	for c := range codes {
		seen[c] = true
	}
	if len(seen) != 1 {
		t.Fatalf("one key issued %d different codes", len(seen))
	}
	b, _ = db.Balance(ctx, st.ID, 9)
	if b.Available != 9_700 || b.Held != 1000 {
		t.Fatalf("balance %+v, want 9700 available and 1000 held", b)
	}
	requireAudit(t, db)
}

// TestReleaseAndExpiryReturnPointsOnce: releasing twice, and the expiry job
// run twice at once, each give the points back exactly once.
func TestReleaseAndExpiryReturnPointsOnce(t *testing.T) {
	db, clock := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	rs, red := NewRewardService(db.pool), NewRedemptionService(db.pool)
	reward := newReward(t, rs, st.ID, loyalty.Reward{Kind: loyalty.RewardFreeShipping, PointsCost: 100, ValidDays: 1})
	give(t, db, st.ID, 4, 300)
	r1, _, err := red.Redeem(ctx, st.ID, 4, loyalty.RedeemInput{RewardID: reward.ID, Key: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := red.Redeem(ctx, st.ID, 4, loyalty.RedeemInput{RewardID: reward.ID, Key: "b"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := red.Release(ctx, st.ID, 4, r1.ID); err != nil {
			t.Fatalf("release %d: %v", i, err)
		}
	}
	if _, err := red.Release(ctx, st.ID, 5, r1.ID); loyalty.ErrorCode(err) != loyalty.ENotFound {
		t.Fatalf("another customer's release: %v", err)
	}
	clock.Advance(25 * time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	expired := 0
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := red.ExpireDue(ctx, 100)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			expired += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if expired != 1 {
		t.Fatalf("%d expired, want 1", expired)
	}
	b, _ := db.Balance(ctx, st.ID, 4)
	if b.Available != 300 || b.Held != 0 {
		t.Fatalf("balance %+v, want all 300 back", b)
	}
	list, err := red.CustomerRedemptions(ctx, st.ID, 4, 0, 10)
	if err != nil || len(list) != 2 || list[0].State != loyalty.RedemptionExpired || list[1].State != loyalty.RedemptionReleased {
		t.Fatalf("redemptions %+v, %v", list, err)
	}
	requireAudit(t, db)
}

// TestPayWithPointsBounds: points_discount is valued at the redemption rate
// and bounded by the program's share of the cart and min/max points.
func TestPayWithPointsBounds(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	p := loyalty.DefaultProgram() // 100 points = 1.00
	p.RedeemMaxSharePercent, p.RedeemMinPoints, p.RedeemMaxPoints = 50, 100, 5000
	st, err := db.CreateStore(ctx, "Shop", "https://shop.test/", p)
	if err != nil {
		t.Fatal(err)
	}
	rs, red := NewRewardService(db.pool), NewRedemptionService(db.pool)
	reward := newReward(t, rs, st.ID, loyalty.Reward{Kind: loyalty.RewardPointsDiscount})
	give(t, db, st.ID, 3, 10_000)
	tests := []struct {
		name     string
		points   int64
		subtotal int64
		code     string
		value    int64
	}{
		{"within bounds", 1000, 4000, "", 1000},
		{"over half the cart", 2500, 4000, loyalty.EInvalid, 0},
		{"under the minimum", 50, 4000, loyalty.EInvalid, 0},
		{"over the maximum", 6000, 100_000, loyalty.EInvalid, 0},
		{"no subtotal", 1000, 0, loyalty.EInvalid, 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, err := red.Redeem(ctx, st.ID, 3, loyalty.RedeemInput{RewardID: reward.ID, Points: tt.points, CartSubtotal: tt.subtotal, Key: fmt.Sprint(i)})
			if loyalty.ErrorCode(err) != tt.code || r.ValueMinor != tt.value {
				t.Fatalf("redeem = %+v, %v; want code %q value %d", r, err, tt.code, tt.value)
			}
		})
	}
	requireAudit(t, db)
}

// TestNewCodeShape: codes are VAFA- and ten characters of the alphabet
// without look-alikes, and do not repeat in practice.
func TestNewCodeShape(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := newCode()
		if len(c) != 15 || c[:5] != "VAFA-" || strings.Trim(c[5:], codeAlphabet) != "" {
			t.Fatalf("code %q", c)
		}
		if seen[c] {
			t.Fatalf("code %q repeated", c)
		}
		seen[c] = true
	}
}
