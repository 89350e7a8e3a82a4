package mysql

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/testdb"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
	"github.com/vafaloyalty/vafa/migrations"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testDB is every service on one fresh database, as server wires them.
type testDB struct {
	*StoreService
	*InboxService
	*CustomerService
	*OrderService
	*AuditService
	pool *DB
}

func openTest(t *testing.T) (*testDB, *testClock) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, testdb.DSN(t), 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		t.Fatal(err)
	}
	c := &testClock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	db.SetClock(c.Now)
	tdb := &testDB{StoreService: NewStoreService(db), InboxService: NewInboxService(db), CustomerService: NewCustomerService(db),
		OrderService: NewOrderService(db), AuditService: NewAuditService(db), pool: db}
	t.Cleanup(func() {
		tdb.InboxService.Close()
		db.Close()
	})
	return tdb, c
}

func newStore(t *testing.T, db *testDB) loyalty.Store {
	t.Helper()
	st, err := db.CreateStore(context.Background(), "Shop", "https://shop.test/", loyalty.DefaultProgram())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// drainInbox processes rows until none is due.
func drainInbox(t *testing.T, db *testDB, decode Decoder) {
	t.Helper()
	for i := 0; i < 10000; i++ {
		found, err := db.ProcessNext(context.Background(), decode)
		if !found {
			return
		}
		_ = err // failures are recorded on the row; tests inspect them
	}
	t.Fatal("inbox never drained")
}

func requireAudit(t *testing.T, db *testDB) {
	t.Helper()
	vs, err := db.Audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) > 0 {
		t.Fatalf("audit violations: %+v", vs)
	}
}

func TestFailingRowRetriesThenGoesDeadAndReplays(t *testing.T) {
	db, clock := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	// A decoder that yields an order id the schema cannot hold makes every
	// attempt fail inside the transaction, as a real bug or outage would.
	failing := true
	decode := func(topic string, body []byte, exp func(string) (int, bool)) loyalty.Event {
		if failing {
			return loyalty.Event{Kind: loyalty.EventOrder, Order: loyalty.OrderSnapshot{OrderID: -1, Status: "completed"}}
		}
		return woocommerce.Decode(topic, body, exp)
	}
	id, err := db.Accept(ctx, loyalty.InboxMessage{StoreID: st.ID, Topic: "order.updated",
		Body: []byte(`{"id":5,"status":"completed","customer_id":3,"total":"10.00","total_tax":"0","shipping_total":"0"}`)})
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= MaxAttempts; attempt++ {
		found, err := db.ProcessNext(ctx, decode)
		if !found || err == nil {
			t.Fatalf("attempt %d: found=%v err=%v, want a failure", attempt, found, err)
		}
		// Backoff: the row is not due again until its next attempt time.
		if found, _ := db.ProcessNext(ctx, decode); found {
			t.Fatalf("attempt %d: row retried before its backoff", attempt)
		}
		clock.Advance(time.Hour)
	}
	rows, err := db.List(ctx, st.ID, loyalty.InboxDead, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ID != id || rows[0].Attempts != MaxAttempts || rows[0].LastError == "" {
		t.Fatalf("dead rows = %+v", rows)
	}
	failing = false
	if err := db.Replay(ctx, st.ID, id); err != nil {
		t.Fatal(err)
	}
	drainInbox(t, db, decode)
	b, err := db.Balance(ctx, st.ID, 3)
	if err != nil || b.Available != 10 {
		t.Fatalf("balance after replay = %+v, %v; want 10 available", b, err)
	}
	if err := db.Replay(ctx, st.ID, id); loyalty.ErrorCode(err) != loyalty.EConflict {
		t.Fatalf("replaying a done row: %v, want conflict", err)
	}
	other := newStore(t, db)
	if err := db.Replay(ctx, other.ID, id); loyalty.ErrorCode(err) != loyalty.ENotFound {
		t.Fatalf("replaying another store's row: %v, want not_found", err)
	}
	requireAudit(t, db)
}

func TestConcurrentAdjustmentsKeepBalancesExact(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			points := int64(3)
			if i%4 == 0 {
				points = -2
			}
			// Every key is posted twice concurrently (i and i+100): exactly one must land.
			_, _, err := db.Adjust(ctx, st.ID, loyalty.Adjustment{CustomerID: int64(1 + i%5), Points: points, Reason: "test", Key: fmt.Sprintf("k%d", i%100), Actor: "admin:1"})
			if err != nil && loyalty.ErrorCode(err) != loyalty.EConflict {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Keys k0..k99 each landed once: customer c got the keys with i%5 == c-1.
	for c := int64(1); c <= 5; c++ {
		var want int64
		for k := 0; k < 100; k++ {
			if int64(1+k%5) == c {
				if k%4 == 0 {
					want -= 2
				} else {
					want += 3
				}
			}
		}
		b, err := db.Balance(ctx, st.ID, c)
		if err != nil || b.Available != want {
			t.Fatalf("customer %d: %+v %v, want %d", c, b, err, want)
		}
	}
	requireAudit(t, db)
}

func TestAuditFindsTampering(t *testing.T) {
	tests := []struct {
		name  string
		sql   string
		check string
	}{
		{"balance row edited", `UPDATE customers SET available = available + 1`, "customer_available"},
		{"entry deleted", `DELETE FROM ledger_entries WHERE account='adjusted'`, "transaction_balances"},
		{"pending edited", `UPDATE customers SET pending = 7`, "customer_pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openTest(t)
			st := newStore(t, db)
			ctx := context.Background()
			if _, _, err := db.Adjust(ctx, st.ID, loyalty.Adjustment{CustomerID: 9, Points: 50, Reason: "gift", Key: "k1", Actor: "admin:1"}); err != nil {
				t.Fatal(err)
			}
			requireAudit(t, db)
			if _, err := db.pool.db.ExecContext(ctx, tt.sql); err != nil {
				t.Fatal(err)
			}
			vs, err := db.Audit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, v := range vs {
				found = found || v.Check == tt.check
			}
			if !found {
				t.Fatalf("audit = %+v, want a %s violation", vs, tt.check)
			}
		})
	}
}

func TestSystemAccountsAreDerivedFromEntries(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	body := `{"id":77,"status":"completed","customer_id":4,"total":"54.00","total_tax":"4.00","shipping_total":"5.00","date_modified_gmt":"2026-11-20T10:00:00"}`
	if _, err := db.Accept(ctx, loyalty.InboxMessage{StoreID: st.ID, Topic: "order.updated", Body: []byte(body)}); err != nil {
		t.Fatal(err)
	}
	drainInbox(t, db, woocommerce.Decode)
	if _, _, err := db.Adjust(ctx, st.ID, loyalty.Adjustment{CustomerID: 4, Points: -5, Reason: "correction", Key: "k", Actor: "admin:1"}); err != nil {
		t.Fatal(err)
	}
	sys, err := db.SystemBalances(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sys[loyalty.AccountIssued] != -45 || sys[loyalty.AccountAdjusted] != 5 {
		t.Fatalf("system balances = %v, want issued -45 adjusted +5", sys)
	}
	b, _ := db.Balance(ctx, st.ID, 4)
	if b.Available != 40 || b.Lifetime != 40 {
		t.Fatalf("balance = %+v", b)
	}
	requireAudit(t, db)
}

// TestBatchesConvergeLikeSingleRows applies the same mixed deliveries in one
// batch (both ways of numbering ledger rows) and one row at a time, and
// requires identical balances and a clean audit.
func TestBatchesConvergeLikeSingleRows(t *testing.T) {
	bodies := []struct{ topic, body string }{
		{"order.created", `{"id":1,"status":"processing","customer_id":5,"total":"54.00","total_tax":"4.00","shipping_total":"5.00","date_modified_gmt":"2026-11-20T10:00:00"}`},
		{"order.updated", `{"id":1,"status":"processing","customer_id":5,"total":"54.00","total_tax":"4.00","shipping_total":"5.00","date_modified_gmt":"2026-11-20T10:00:00"}`},
		{"order.updated", `{"id":2,"status":"completed","customer_id":6,"total":"20.00","date_modified_gmt":"2026-11-20T10:00:00"}`},
		{"action.woocommerce_order_refunded", `{"action":"woocommerce_order_refunded","arg":1}`},
		{"order.updated", `{"id":1,"status":"completed","customer_id":5,"total":"54.00","total_tax":"4.00","shipping_total":"5.00","refunds":[{"total":"-10.80"}],"date_modified_gmt":"2026-11-20T10:05:00"}`},
		{"order.updated", `{"id":3,"status":"completed","customer_id":0,"billing":{"email":"g@example.com"},"total":"9.99","date_modified_gmt":"2026-11-20T10:00:00"}`},
		{"order.updated", `{"id":4,"status":"completed","customer_id":5,"total":"100.00","date_modified_gmt":"2026-11-20T10:00:00"}`},
		{"order.deleted", `{"id":4}`},
		{"customer.created", `{"id":7,"email":"g@example.com"}`},
		{"order.updated", `{"id":2,"status":"completed","customer_id":6,"total":"20.00","date_modified_gmt":"2026-11-20T09:00:00"}`},
		{"order.updated", `{"code":"rest_no_route"}`},
	}
	// Customer 7 registers with the guest's e-mail: the guest's 9 points
	// wait for the claim link (customer.created alone merges nothing).
	want := map[int64]int64{5: 36, 6: 20, 7: 0}
	tests := []struct {
		name   string
		idStep int64
		batch  int
	}{
		{"batch with consecutive ids", 1, 50},
		{"batch with ids one by one", 0, 50},
		{"one row at a time", 1, 1},
		{"small batches", 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openTest(t)
			db.pool.idStep = tt.idStep
			st := newStore(t, db)
			ctx := context.Background()
			for _, b := range bodies {
				if _, err := db.Accept(ctx, loyalty.InboxMessage{StoreID: st.ID, Topic: b.topic, Body: []byte(b.body)}); err != nil {
					t.Fatal(err)
				}
			}
			for {
				n, err := db.ProcessBatch(ctx, woocommerce.Decode, tt.batch)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			for customer, points := range want {
				b, err := db.Balance(ctx, st.ID, customer)
				if err != nil || b.Available != points {
					t.Fatalf("customer %d: %+v %v, want %d available", customer, b, err, points)
				}
			}
			counts, _ := db.InboxCounts(ctx)
			if counts[loyalty.InboxDone] != 10 || counts[loyalty.InboxFlagged] != 1 {
				t.Fatalf("inbox states %v", counts)
			}
			requireAudit(t, db)
		})
	}
}

// TestAcceptBatchesStayUnderThePacketLimit sends many concurrent near-limit
// bodies: group commit must split them so no INSERT exceeds the server's
// max_allowed_packet, and every one is stored.
func TestAcceptBatchesStayUnderThePacketLimit(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	body := []byte(`{"id":1,"pad":"` + strings.Repeat("x", 2<<20-100) + `"}`)
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.Accept(ctx, loyalty.InboxMessage{StoreID: st.ID, Topic: "order.updated", Body: body}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	counts, err := db.InboxCounts(ctx)
	if err != nil || counts[loyalty.InboxPending] != 24 {
		t.Fatalf("pending rows = %v, %v; want 24", counts, err)
	}
}

// TestOverflowingOrderPointsFlagTheDelivery: an order whose points do not
// fit in 64 bits must not silently earn 0; its delivery is flagged with a
// note the admin can read, and nothing is posted.
func TestOverflowingOrderPointsFlagTheDelivery(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	p := loyalty.DefaultProgram()
	p.EarnPoints = 1_000_000_000_000_000
	st, err := db.CreateStore(ctx, "Huge", "https://huge.test/", p)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":77,"status":"completed","customer_id":3,"total":"99999999999.99","date_modified_gmt":"2026-11-20T10:00:00"}`
	if _, err := db.Accept(ctx, loyalty.InboxMessage{StoreID: st.ID, Topic: "order.updated", Body: []byte(body)}); err != nil {
		t.Fatal(err)
	}
	drainInbox(t, db, woocommerce.Decode)
	rows, err := db.List(ctx, st.ID, loyalty.InboxFlagged, 0, 10)
	if err != nil || len(rows) != 1 || !strings.Contains(rows[0].LastError, "64 bits") {
		t.Fatalf("flagged rows = %+v, %v; want the order flagged for overflow", rows, err)
	}
	if b, _ := db.Balance(ctx, st.ID, 3); b != (loyalty.Balance{}) {
		t.Fatalf("balance = %+v, want nothing posted", b)
	}
	requireAudit(t, db)
}

// TestProgramsMoveOutOfStores upgrades a database made before programs had
// their own table: every store keeps its settings.
func TestProgramsMoveOutOfStores(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, testdb.DSN(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	goose.SetBaseFS(migrations.FS)
	goose.SetLogger(goose.NopLogger())
	if err := goose.SetDialect("mysql"); err != nil {
		t.Fatal(err)
	}
	if err := goose.UpToContext(ctx, db.db.DB, ".", 8); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := db.db.ExecContext(ctx, `INSERT INTO stores (id, name, url, webhook_secret, currency, currency_exponent,
		earn_points, earn_per, return_days, redeem_points, redeem_value_minor, created_at, updated_at)
		VALUES (5, 'Old', 'https://old.test/', 'secret', 'IRR', 0, 3, 10000, 14, 50, 7000, ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := NewStoreService(db).Store(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := loyalty.Program{Currency: "IRR", CurrencyExponent: 0, EarnPoints: 3, EarnPer: 10000, ReturnDays: 14, RedeemPoints: 50, RedeemValueMinor: 7000,
		RedeemReturnOnRefund: true, ReferralNewCustomersOnly: true, ChurnDays: loyalty.DefaultChurnDays, // later migrations add their defaults
		AnniversaryFrom: loyalty.AnniversaryFirstOrder, WinbackDays: loyalty.DefaultWinbackDays, ExpiryReminderDays: loyalty.DefaultExpiryReminderDays}
	if st.Program != want || st.WebhookSecret != "secret" {
		t.Fatalf("store after upgrade = %+v, want program %+v", st, want)
	}
}

// TestOneBadDeliveryNeverFailsAnotherTenants: deliveries of many stores
// share multi-row INSERTs. Invalid UTF-8 in a header is cleaned, and a row
// the database refuses fails alone: the rows batched with it are stored.
func TestOneBadDeliveryNeverFailsAnotherTenants(t *testing.T) {
	db, _ := openTest(t)
	st := newStore(t, db)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var good, bad int
	for round := 0; round < 20; round++ {
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				m := loyalty.InboxMessage{StoreID: st.ID, Topic: "order.updated", Body: []byte(`{"id":1}`),
					DeliveryID: "d\xff\xfe" + strings.Repeat("é", 40)}
				if i == 0 {
					m.StoreID = -1 // refused by the unsigned column: this row alone must fail
				}
				_, err := db.Accept(ctx, m)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case i == 0 && err != nil:
					bad++
				case i != 0 && err == nil:
					good++
				default:
					t.Errorf("row %d: err = %v", i, err)
				}
			}(i)
		}
		wg.Wait()
	}
	if good != 180 || bad != 20 {
		t.Fatalf("%d good rows stored, %d bad refused; want 180 and 20", good, bad)
	}
	counts, err := db.InboxCounts(ctx)
	if err != nil || counts[loyalty.InboxPending] != 180 {
		t.Fatalf("pending rows = %v, %v; want 180", counts, err)
	}
}
