package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/testdb"
)

// The engagement issue over HTTP: bonuses granted once whatever the
// deliveries, birthdays on the store's day, surveys and reviews once,
// win-back once per lapse, campaigns resumable after SIGKILL, and the
// outbox delivered signed, retried and replayed. Audit after each.

func engagementService(t *testing.T) *service {
	return startServiceWith(t, map[string]string{"VAFA_DELIVER_INTERVAL": "50ms", "VAFA_OUTBOUND_ALLOW_PRIVATE": "1"})
}

func (s *service) setProgram(st *storeCreds, body string) {
	s.t.Helper()
	r := s.do("PATCH", "/v1/admin/program", []byte(body),
		map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Content-Type": "application/json"})
	if r.Status != http.StatusOK {
		s.t.Fatalf("PATCH program %s: %d %s", body, r.Status, r.Body)
	}
}

func (s *service) send(method, path, token string, body any) response {
	s.t.Helper()
	b, _ := json.Marshal(body)
	return s.do(method, path, b, map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"})
}

// count runs a COUNT query on the service's database.
func (s *service) count(q string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.sql().QueryRow(q, args...).Scan(&n); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// eventually polls cond for up to 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// grants counts the store's ledger transactions of a kind.
func (s *service) grants(st *storeCreds, kind string) int {
	return s.count(`SELECT COUNT(*) FROM ledger_transactions WHERE store_id=? AND kind=?`, st.id, kind)
}

// noticesWithoutGrant counts bonus transactions that have no outbox notice:
// the outbox row is written in the same transaction, so always 0.
func (s *service) noticesMissing(st *storeCreds) int {
	return s.count(`SELECT COUNT(*) FROM ledger_transactions t LEFT JOIN outbox_events e
		ON e.store_id=t.store_id AND e.event_key=CONCAT('tx:', t.idempotency_key)
		WHERE t.store_id=? AND t.kind IN ('signup_bonus','birthday_bonus','anniversary_bonus','review_bonus','survey_bonus',
		'campaign_bonus','order_earn','referral_reward') AND e.id IS NULL AND EXISTS (SELECT 1 FROM ledger_entries le
		WHERE le.transaction_id=t.id AND le.amount > 0 AND le.customer_pk IS NOT NULL)`, st.id)
}

func customerCreated(id int64) []byte {
	return []byte(fmt.Sprintf(`{"id":%d,"email":"c%d@example.com","first_name":"Sara","role":"customer","date_created":"2026-11-01T10:00:00"}`, id, id))
}

// TestSignupBonusOnceUnderDuplicates: customer.created three times (one
// after an order created the customer row) grants the sign-up bonus once.
func TestSignupBonusOnceUnderDuplicates(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	s.setProgram(st, `{"signup_points":50}`)
	s.deliver(st, "order.updated", usd(1, 70, "processing", time.Now().UTC()).JSON())
	for i := 0; i < 3; i++ {
		s.deliver(st, "customer.created", customerCreated(70))
	}
	s.deliver(st, "customer.created", customerCreated(71))
	s.drain(st)
	if n := s.grants(st, "signup_bonus"); n != 2 {
		t.Fatalf("%d sign-up bonuses, want 2 (one per customer)", n)
	}
	s.requireBalance(st, 71, 50, 0)
	if b := s.balance(st, 70); b.Available != 50+45 {
		t.Fatalf("customer 70 has %+v, want 95 available (bonus and order)", b)
	}
	if n := s.noticesMissing(st); n != 0 {
		t.Fatalf("%d grants without their notice", n)
	}
	s.audit()
}

// TestBirthdayOnTheStoreDayAcrossLeapYears: a 29 February birthday is
// granted on 28 February in a common year and on 29 February in a leap
// year, at midnight in each store's time zone, once a year, with the
// tier's larger birthday perk.
func TestBirthdayOnTheStoreDayAcrossLeapYears(t *testing.T) {
	s := engagementService(t)
	tehran := s.newStore()
	la := s.newStore()
	s.setProgram(tehran, `{"birthday_points":100,"time_zone":"Asia/Tehran"}`)
	s.setProgram(la, `{"birthday_points":100,"time_zone":"America/Los_Angeles"}`)
	tzT, _ := time.LoadLocation("Asia/Tehran")
	tzL, _ := time.LoadLocation("America/Los_Angeles")
	// Start on 1 January of the next common year whose next year is a leap year.
	year := s.clock.Now().Year() + 1
	for year%4 != 3 {
		year++
	}
	s.clock.Advance(time.Date(year, 1, 1, 12, 0, 0, 0, time.UTC).Sub(s.clock.Now()))
	for _, st := range []*storeCreds{tehran, la} {
		r := s.send("PUT", "/v1/me/birthday", s.token(st, "5", auth.ScopeShopper), map[string]int{"month": 2, "day": 29})
		if r.Status != http.StatusOK {
			t.Fatalf("set birthday: %d %s", r.Status, r.Body)
		}
		if r := s.send("PUT", "/v1/me/birthday", s.token(st, "5", auth.ScopeShopper), map[string]int{"month": 3, "day": 1}); r.Status != http.StatusConflict {
			t.Fatalf("second birthday: %d %s, want 409", r.Status, r.Body)
		}
	}
	if r := s.send("PUT", "/v1/me/birthday", s.token(tehran, "6", auth.ScopeShopper), map[string]int{"month": 2, "day": 30}); r.Status != http.StatusBadRequest {
		t.Fatalf("30 February: %d %s, want 400", r.Status, r.Body)
	}
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) {
		s.clock.Advance(time.Date(y, m, d, h, min, 0, 0, loc).Sub(s.clock.Now()))
	}
	settle := func() { time.Sleep(400 * time.Millisecond) }
	// 23:50 on 27 February in Tehran: nobody's birthday yet anywhere.
	at(tzT, year, 2, 27, 23, 50)
	settle()
	if n := s.grants(tehran, "birthday_bonus") + s.grants(la, "birthday_bonus"); n != 0 {
		t.Fatalf("%d birthday grants on 27 February", n)
	}
	// 00:10 on 28 February in Tehran is still 27 February in Los Angeles.
	at(tzT, year, 2, 28, 0, 10)
	eventually(t, "Tehran's birthday grant", func() bool { return s.grants(tehran, "birthday_bonus") == 1 })
	if n := s.count(`SELECT COUNT(*) FROM outbox_events WHERE store_id=? AND type='birthday.gift'`, tehran.id); n != 1 {
		t.Fatalf("%d birthday.gift notices after the first grant, want 1", n)
	}
	settle()
	if n := s.grants(la, "birthday_bonus"); n != 0 {
		t.Fatalf("Los Angeles granted on its 27 February")
	}
	at(tzL, year, 2, 28, 0, 10)
	eventually(t, "Los Angeles' birthday grant", func() bool { return s.grants(la, "birthday_bonus") == 1 })
	at(tzL, year, 3, 1, 12, 0)
	settle()
	if n := s.grants(tehran, "birthday_bonus") + s.grants(la, "birthday_bonus"); n != 2 {
		t.Fatalf("%d birthday grants after 1 March, want 2 (once a year)", n)
	}
	// The leap year: not on 28 February, on 29 February, bigger with a tier.
	r := s.send("POST", "/v1/admin/tiers", s.token(tehran, "1", auth.ScopeAdmin), map[string]any{"name": "Gold", "threshold": 0,
		"perks": map[string]any{"birthday_points": 300}})
	if r.Status != http.StatusCreated {
		t.Fatalf("tier: %d %s", r.Status, r.Body)
	}
	s.deliver(tehran, "order.updated", usd(1, 5, "processing", s.clock.Now()).JSON())
	s.drain(tehran)
	at(tzT, year+1, 2, 28, 12, 0)
	settle()
	if n := s.grants(tehran, "birthday_bonus"); n != 1 {
		t.Fatalf("granted on 28 February of a leap year")
	}
	at(tzT, year+1, 2, 29, 0, 30)
	eventually(t, "the leap-year grant", func() bool { return s.grants(tehran, "birthday_bonus") == 2 })
	var pts int64
	s.sql().QueryRow(`SELECT e.amount FROM ledger_entries e JOIN ledger_transactions t ON t.id=e.transaction_id
		WHERE t.store_id=? AND t.kind='birthday_bonus' AND e.amount > 0 ORDER BY t.id DESC LIMIT 1`, tehran.id).Scan(&pts)
	if pts != 300 {
		t.Fatalf("leap-year birthday gave %d points, want the Gold perk's 300", pts)
	}
	// Each grant wrote its birthday.gift notice (the year before's may be
	// pruned by now: delivered or unrouted notices go after 90 days).
	if n := s.count(`SELECT COUNT(*) FROM outbox_events WHERE store_id=? AND type='birthday.gift' AND event_key LIKE ?`,
		tehran.id, fmt.Sprintf("tx:birthday:%%:%d", year+1)); n != 1 {
		t.Fatalf("%d birthday.gift notices for the leap year, want 1", n)
	}
	s.audit()
}

// TestBirthdaySavedLastMinuteWaitsAYear: a birthday saved fewer than 30
// days before it falls is not celebrated that year.
func TestBirthdaySavedLastMinuteWaitsAYear(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	s.setProgram(st, `{"birthday_points":100}`)
	now := s.clock.Now()
	soon := now.AddDate(0, 0, 3)
	if r := s.send("PUT", "/v1/me/birthday", s.token(st, "8", auth.ScopeShopper), map[string]int{"month": int(soon.Month()), "day": soon.Day()}); r.Status != http.StatusOK {
		t.Fatalf("set birthday: %d %s", r.Status, r.Body)
	}
	s.clock.Advance(3*24*time.Hour + time.Hour)
	time.Sleep(400 * time.Millisecond)
	if n := s.grants(st, "birthday_bonus"); n != 0 {
		t.Fatalf("a birthday saved 3 days before was granted")
	}
	s.clock.Advance(time.Date(soon.Year()+1, soon.Month(), soon.Day(), 12, 0, 0, 0, time.UTC).Sub(s.clock.Now()))
	eventually(t, "next year's grant", func() bool { return s.grants(st, "birthday_bonus") == 1 })
	s.audit()
}

// TestAnniversaryOfTheFirstOrder grants once on the first paid order's
// anniversary, not before.
func TestAnniversaryOfTheFirstOrder(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	s.setProgram(st, `{"anniversary_points":75}`)
	first := s.clock.Now()
	s.deliver(st, "order.updated", usd(1, 9, "processing", first).JSON())
	s.drain(st)
	s.clock.Advance(364 * 24 * time.Hour)
	time.Sleep(400 * time.Millisecond)
	if n := s.grants(st, "anniversary_bonus"); n != 0 {
		t.Fatalf("anniversary granted after 364 days")
	}
	s.clock.Advance(time.Date(first.Year()+1, first.Month(), first.Day(), 12, 0, 0, 0, time.UTC).Sub(s.clock.Now()))
	if first.Month() == 2 && first.Day() == 29 {
		t.Skip("started on 29 February")
	}
	eventually(t, "the anniversary grant", func() bool { return s.grants(st, "anniversary_bonus") == 1 })
	time.Sleep(300 * time.Millisecond)
	if n := s.grants(st, "anniversary_bonus"); n != 1 {
		t.Fatalf("%d anniversary grants", n)
	}
	s.requireBalance(st, 9, 45+75, 0)
	s.audit()
}

// TestReviewOnlyForBoughtProductsOnce and TestSurveyOncePerOrder.
func TestReviewOnlyForBoughtProductsOnce(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	s.setProgram(st, `{"review_points":20}`)
	admin := s.token(st, "1", auth.ScopeAdmin)
	review := func(customer, product, id int64) (bool, string) {
		r := s.send("POST", "/v1/admin/reviews", admin, map[string]int64{"customer_id": customer, "product_id": product, "review_id": id})
		var out struct {
			Granted bool   `json:"granted"`
			Reason  string `json:"reason"`
		}
		if r.Status != http.StatusOK {
			t.Fatalf("review: %d %s", r.Status, r.Body)
		}
		r.json(t, &out)
		return out.Granted, out.Reason
	}
	if g, why := review(11, 15, 1); g || why != "not_purchased" {
		t.Fatalf("review before buying: %v %s", g, why)
	}
	s.deliver(st, "order.updated", usd(1, 11, "pending", s.clock.Now()).JSON())
	s.drain(st)
	if g, why := review(11, 15, 2); g || why != "not_purchased" {
		t.Fatalf("review of an unpaid order's product: %v %s", g, why)
	}
	s.deliver(st, "order.updated", usd(1, 11, "completed", s.clock.Now().Add(time.Minute)).JSON())
	s.drain(st)
	if g, why := review(11, 15, 3); !g {
		t.Fatalf("review of a bought product: %v %s", g, why)
	}
	if g, why := review(11, 15, 4); g || why != "already_rewarded" {
		t.Fatalf("second review of the product: %v %s", g, why)
	}
	if g, why := review(11, 99, 5); g || why != "not_purchased" {
		t.Fatalf("review of another product: %v %s", g, why)
	}
	if n := s.grants(st, "review_bonus"); n != 1 {
		t.Fatalf("%d review grants", n)
	}
	s.audit()
}

func TestSurveyOncePerOrder(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	s.setProgram(st, `{"survey_points":30,"survey_question":"What should we stock next?"}`)
	shopper := s.token(st, "12", auth.ScopeShopper)
	s.deliver(st, "order.updated", usd(1, 12, "processing", s.clock.Now()).JSON())
	s.drain(st)
	var list struct {
		Question string `json:"question"`
		Surveys  []struct {
			OrderID  string `json:"order_id"`
			Answered bool   `json:"answered"`
		} `json:"surveys"`
	}
	s.get("/v1/me/surveys", shopper).json(t, &list)
	if len(list.Surveys) != 0 {
		t.Fatalf("a processing order has a survey: %+v", list)
	}
	if r := s.send("POST", "/v1/me/surveys", shopper, map[string]any{"order_id": 1, "rating": 5}); r.Status != http.StatusNotFound {
		t.Fatalf("answer before completion: %d %s", r.Status, r.Body)
	}
	for i := 0; i < 2; i++ { // completed twice (a duplicate delivery): one survey, one request
		s.deliver(st, "order.updated", usd(1, 12, "completed", s.clock.Now().Add(time.Minute)).JSON())
	}
	s.drain(st)
	s.get("/v1/me/surveys", shopper).json(t, &list)
	if len(list.Surveys) != 1 || list.Surveys[0].OrderID != "1" || list.Surveys[0].Answered || list.Question != "What should we stock next?" {
		t.Fatalf("surveys after completion: %+v", list)
	}
	if n := s.count(`SELECT COUNT(*) FROM outbox_events WHERE store_id=? AND type='survey.requested'`, st.id); n != 1 {
		t.Fatalf("%d survey requests", n)
	}
	if r := s.send("POST", "/v1/me/surveys", shopper, map[string]any{"order_id": 1, "rating": 6}); r.Status != http.StatusBadRequest {
		t.Fatalf("rating 6: %d", r.Status)
	}
	if r := s.send("POST", "/v1/me/surveys", s.token(st, "13", auth.ScopeShopper), map[string]any{"order_id": 1, "rating": 4}); r.Status != http.StatusNotFound {
		t.Fatalf("another shopper answers: %d %s", r.Status, r.Body)
	}
	r := s.send("POST", "/v1/me/surveys", shopper, map[string]any{"order_id": 1, "rating": 4, "comment": "Fresh saffron", "answer": "Barberries"})
	if r.Status != http.StatusCreated {
		t.Fatalf("answer: %d %s", r.Status, r.Body)
	}
	if r := s.send("POST", "/v1/me/surveys", shopper, map[string]any{"order_id": 1, "rating": 5}); r.Status != http.StatusConflict {
		t.Fatalf("second answer: %d %s", r.Status, r.Body)
	}
	s.requireBalance(st, 12, 45+30, 0)
	var answers struct {
		Count   int64   `json:"count"`
		Average float64 `json:"average_rating"`
		Answers []struct {
			Comment string `json:"comment"`
			Answer  string `json:"answer"`
		} `json:"answers"`
	}
	s.get("/v1/admin/surveys", s.token(st, "1", auth.ScopeAdmin)).json(t, &answers)
	if answers.Count != 1 || answers.Average != 4 || answers.Answers[0].Answer != "Barberries" {
		t.Fatalf("admin answers: %+v", answers)
	}
	s.audit()
}

// TestWinbackOncePerLapse: a customer quiet for winback_days gets the
// bonus and the winback notice once; the next order ends the lapse and a
// later lapse is won back again.
func TestWinbackOncePerLapse(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	s.setProgram(st, `{"winback_days":30,"winback_points":40}`)
	s.deliver(st, "order.updated", usd(1, 14, "processing", s.clock.Now()).JSON())
	s.drain(st)
	s.clock.Advance(29 * 24 * time.Hour)
	time.Sleep(400 * time.Millisecond)
	if n := s.grants(st, "winback_bonus"); n != 0 {
		t.Fatalf("won back after 29 days")
	}
	s.clock.Advance(24 * time.Hour)
	eventually(t, "the win-back", func() bool { return s.grants(st, "winback_bonus") == 1 })
	for i := 0; i < 3; i++ {
		s.clock.Advance(24 * time.Hour)
		time.Sleep(200 * time.Millisecond)
	}
	if n := s.grants(st, "winback_bonus"); n != 1 {
		t.Fatalf("%d win-backs in one lapse", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM outbox_events WHERE store_id=? AND type='winback'`, st.id); n != 1 {
		t.Fatalf("%d winback notices", n)
	}
	s.deliver(st, "order.updated", usd(2, 14, "processing", s.clock.Now()).JSON())
	s.drain(st)
	s.clock.Advance(31 * 24 * time.Hour)
	eventually(t, "the second lapse's win-back", func() bool { return s.grants(st, "winback_bonus") == 2 })
	s.requireBalance(st, 14, 45+45+40+40, 0)
	s.audit()
}

// receiver is a notice endpoint: it checks signatures, and fails the
// first fails answers.
type receiver struct {
	mu       sync.Mutex
	secret   string
	fails    int
	got      map[string]int // event id -> 2xx answers
	attempts int
	bad      int // requests with a wrong signature
	bodies   [][]byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	m := hmac.New(sha256.New, []byte(r.secret))
	m.Write(body)
	if !hmac.Equal([]byte(base64.StdEncoding.EncodeToString(m.Sum(nil))), []byte(req.Header.Get("X-Vafa-Signature"))) {
		r.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.fails > 0 {
		r.fails--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var ev struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal(body, &ev)
	r.got[fmt.Sprint(ev.ID)]++
	r.bodies = append(r.bodies, body)
	w.WriteHeader(http.StatusOK)
}

// TestOutboxDeliveredSignedRetriedAndReplayed: a receiver that fails twice
// then succeeds gets each notice once with a valid signature; one that
// always fails sees the delivery go dead; replay delivers it.
func TestOutboxDeliveredSignedRetriedAndReplayed(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	s.setProgram(st, `{"signup_points":50}`)
	rec := &receiver{secret: "plugin-secret-0123456789abcdef", fails: 2, got: map[string]int{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	admin := s.token(st, "1", auth.ScopeAdmin)
	if r := s.send("PUT", "/v1/admin/endpoints/plugin", admin, map[string]string{"url": srv.URL + "/wp-json/vafa/v1/events", "secret": rec.secret}); r.Status != http.StatusOK {
		t.Fatalf("register plugin endpoint: %d %s", r.Status, r.Body)
	}
	s.deliver(st, "customer.created", customerCreated(21))
	s.drain(st)
	// Retries wait 30 s, then 2 minutes: move the clock past them.
	eventually(t, "the first attempts", func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return rec.attempts >= 1 })
	for i := 0; i < 3; i++ {
		s.clock.Advance(3 * time.Minute)
		time.Sleep(200 * time.Millisecond)
	}
	eventually(t, "the delivery", func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.got) == 1 })
	s.clock.Advance(time.Hour)
	time.Sleep(300 * time.Millisecond)
	rec.mu.Lock()
	for id, n := range rec.got {
		if n != 1 {
			t.Fatalf("event %s delivered %d times", id, n)
		}
	}
	var ev struct {
		Type     string `json:"type"`
		Customer struct {
			ID    int64  `json:"id"`
			Email string `json:"email"`
		} `json:"customer"`
		Data struct {
			Kind    string `json:"kind"`
			Points  int64  `json:"points"`
			Balance struct {
				Available int64 `json:"available"`
			} `json:"balance"`
		} `json:"data"`
	}
	json.Unmarshal(rec.bodies[0], &ev)
	if rec.attempts != 3 || rec.bad != 0 || ev.Type != "points.earned" || ev.Customer.ID != 21 || ev.Data.Kind != "signup_bonus" ||
		ev.Data.Points != 50 || ev.Data.Balance.Available != 50 {
		t.Fatalf("receiver: %d attempts, %d bad signatures, event %+v", rec.attempts, rec.bad, ev)
	}
	rec.fails = 1000 // from now on it always fails
	rec.mu.Unlock()

	s.deliver(st, "customer.created", customerCreated(22))
	s.drain(st)
	for i := 0; i < 12; i++ {
		s.clock.Advance(13 * time.Hour)
		time.Sleep(150 * time.Millisecond)
	}
	var dead struct {
		Items []struct {
			ID       string `json:"id"`
			Attempts int    `json:"attempts"`
		} `json:"items"`
	}
	eventually(t, "the dead delivery", func() bool {
		s.get("/v1/admin/events?state=dead", s.token(st, "1", auth.ScopeAdmin)).json(t, &dead)
		return len(dead.Items) == 1
	})
	admin = s.token(st, "1", auth.ScopeAdmin)
	if dead.Items[0].Attempts != 8 {
		t.Fatalf("dead after %d attempts, want 8", dead.Items[0].Attempts)
	}
	rec.mu.Lock()
	rec.fails = 0
	rec.mu.Unlock()
	if r := s.send("POST", "/v1/admin/events/"+dead.Items[0].ID+"/replay", admin, nil); r.Status != http.StatusOK {
		t.Fatalf("replay: %d %s", r.Status, r.Body)
	}
	eventually(t, "the replayed delivery", func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.got) == 2 })
	if r := s.send("POST", "/v1/admin/events/"+dead.Items[0].ID+"/replay", admin, nil); r.Status != http.StatusNotFound {
		t.Fatalf("replaying a delivered one: %d", r.Status)
	}
	// Delivered notices go after 90 days (a sign-up bonus announced then
	// is the last: nothing of this store is dead any more).
	s.clock.Advance(91 * 24 * time.Hour)
	eventually(t, "the old notices pruned", func() bool {
		return s.count(`SELECT COUNT(*) FROM event_deliveries WHERE store_id=?`, st.id) == 0 &&
			s.count(`SELECT COUNT(*) FROM outbox_events WHERE store_id=?`, st.id) == 0
	})
	s.audit()
}

// TestOutboundRefusesLoopbackByDefault: without the operator's allowance a
// receiver on loopback is never reached (SSRF), and the failure is logged.
func TestOutboundRefusesLoopbackByDefault(t *testing.T) {
	s := startServiceWith(t, map[string]string{"VAFA_DELIVER_INTERVAL": "50ms"})
	st := s.newStore()
	s.setProgram(st, `{"signup_points":5}`)
	rec := &receiver{secret: "plugin-secret-0123456789abcdef", got: map[string]int{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	admin := s.token(st, "1", auth.ScopeAdmin)
	s.send("PUT", "/v1/admin/endpoints/plugin", admin, map[string]string{"url": srv.URL + "/hook", "secret": rec.secret})
	s.deliver(st, "customer.created", customerCreated(31))
	s.drain(st)
	var log struct {
		Items []struct {
			Attempts  int    `json:"attempts"`
			LastError string `json:"last_error"`
		} `json:"items"`
	}
	eventually(t, "a failed attempt", func() bool {
		s.get("/v1/admin/events?state=pending", admin).json(t, &log)
		return len(log.Items) == 1 && log.Items[0].Attempts >= 1
	})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.attempts != 0 {
		t.Fatalf("the loopback receiver was reached")
	}
}

// TestCampaignResumesAfterSIGKILL grants a campaign to 20,000 customers,
// kills the service mid-way, restarts it, and proves every customer got
// the points exactly once.
func TestCampaignResumesAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary; skipped with -short")
	}
	dsn := testdb.DSN(t)
	bin := filepath.Join(t.TempDir(), "vafa")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	port := freePort(t)
	base := "http://127.0.0.1:" + port
	env := append(os.Environ(), "VAFA_MYSQL_DSN="+dsn, "VAFA_ADDR=127.0.0.1:"+port, "VAFA_WORKERS=2", "VAFA_LOG_LEVEL=warn",
		"VAFA_DELIVER_INTERVAL=20ms")
	create := exec.Command(bin, "store", "create", "--name", "Campaign", "--url", "https://shop.test/")
	create.Env = env
	out, err := create.Output()
	if err != nil {
		t.Fatalf("store create: %v", err)
	}
	var st storeCreds
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(st.PrivateKey)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const customers = 20000
	if _, err := db.Exec(`INSERT INTO customers (store_id, wc_customer_id, email, created_at, updated_at)
		SELECT ?, seq, CONCAT('c', seq, '@example.com'), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_1_to_20000`, st.StoreID); err != nil {
		t.Fatalf("customers: %v", err)
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitReady(t, base)
		return cmd
	}
	cmd := start()
	tok, err := auth.Mint(raw, st.Kid, mustInt(t, st.StoreID), "1", auth.ScopeAdmin, time.Now(), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	post := func() (int, []byte) {
		b, _ := json.Marshal(map[string]any{"key": "spring", "points": 25, "message": "Happy Nowruz"})
		req, _ := http.NewRequest("POST", base+"/v1/admin/campaigns", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, body
	}
	if code, body := post(); code != http.StatusAccepted {
		t.Fatalf("create campaign: %d %s", code, body)
	}
	granted := func() int {
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM ledger_transactions WHERE store_id=? AND kind='campaign_bonus'`, st.StoreID).Scan(&n)
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for granted() < 2000 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	mid := granted()
	if mid == 0 || mid >= customers {
		t.Fatalf("killed with %d of %d granted: not mid-way", mid, customers)
	}
	cmd = start()
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	if code, body := post(); code != http.StatusOK || !bytes.Contains(body, []byte(`"total":20000`)) {
		t.Fatalf("same key again: %d %s", code, body)
	}
	deadline = time.Now().Add(120 * time.Second)
	for granted() < customers && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	var dup, n, state string
	db.QueryRow(`SELECT COUNT(*) FROM (SELECT customer_pk FROM ledger_transactions WHERE store_id=? AND kind='campaign_bonus'
		GROUP BY customer_pk HAVING COUNT(*) > 1) d`, st.StoreID).Scan(&dup)
	db.QueryRow(`SELECT COUNT(*) FROM customers WHERE store_id=? AND available=25`, st.StoreID).Scan(&n)
	db.QueryRow(`SELECT CONCAT(state, ' ', granted) FROM campaigns WHERE store_id=?`, st.StoreID).Scan(&state)
	if dup != "0" || n != fmt.Sprint(customers) || state != "done 20000" {
		t.Fatalf("after resuming (killed at %d): %s customers granted twice, %s hold 25 points, campaign %q", mid, dup, n, state)
	}
	t.Logf("killed at %d of %d grants; resumed to all, each once", mid, customers)
	audit := exec.Command(bin, "audit")
	audit.Env = env
	if out, err := audit.CombinedOutput(); err != nil {
		t.Fatalf("audit: %v\n%s", err, out)
	}
}

func mustInt(t *testing.T, s string) int64 {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRewardCampaignAndPointsReport: a campaign giving a catalog reward
// issues one code per chosen customer (birthday month filter) with the
// message in its reward.issued notice; the points report shows the day's
// issued and redeemed points and the redemption rate.
func TestRewardCampaignAndPointsReport(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	admin := s.token(st, "1", auth.ScopeAdmin)
	r := s.send("POST", "/v1/admin/rewards", admin, map[string]any{"kind": "fixed_discount", "names": map[string]string{"en": "5 off"},
		"points_cost": 100, "value_minor": 500})
	var reward struct {
		ID string `json:"id"`
	}
	r.json(t, &reward)
	for _, c := range []int64{41, 42, 43} {
		s.deliver(st, "order.updated", usd(c, c, "processing", s.clock.Now()).JSON())
		month := 4
		if c == 43 {
			month = 5
		}
		if r := s.send("PUT", "/v1/me/birthday", s.token(st, fmt.Sprint(c), auth.ScopeShopper), map[string]int{"month": month, "day": 2}); r.Status != http.StatusOK {
			t.Fatalf("birthday: %d %s", r.Status, r.Body)
		}
	}
	s.drain(st)
	var preview struct {
		Count int64 `json:"count"`
	}
	s.send("POST", "/v1/admin/campaigns/preview", admin, map[string]any{"filter": map[string]any{"birthday_month": 4}}).json(t, &preview)
	if preview.Count != 2 {
		t.Fatalf("preview: %d customers, want 2", preview.Count)
	}
	body := map[string]any{"key": "april", "reward_id": reward.ID, "message": "Happy birthday month", "filter": map[string]any{"birthday_month": 4}}
	var camp struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Total int64  `json:"total"`
	}
	if r := s.send("POST", "/v1/admin/campaigns", admin, body); r.Status != http.StatusAccepted {
		t.Fatalf("campaign: %d %s", r.Status, r.Body)
	} else {
		r.json(t, &camp)
	}
	eventually(t, "the campaign", func() bool {
		s.get("/v1/admin/campaigns/"+camp.ID, s.token(st, "1", auth.ScopeAdmin)).json(t, &camp)
		return camp.State == "done"
	})
	if n := s.count(`SELECT COUNT(*) FROM redemptions WHERE store_id=? AND idempotency_key=?`, st.id, "campaign:"+camp.ID); n != 2 || camp.Total != 2 {
		t.Fatalf("%d campaign rewards of total %d, want 2", n, camp.Total)
	}
	if n := s.count(`SELECT COUNT(*) FROM outbox_events WHERE store_id=? AND type='reward.issued' AND data LIKE '%Happy birthday month%'`, st.id); n != 2 {
		t.Fatalf("%d reward.issued notices with the message, want 2", n)
	}
	// Customer 41 redeems a reward (100 points): give them enough first.
	if r := s.do("POST", "/v1/admin/customers/41/adjustments", []byte(`{"points":100,"reason":"test"}`),
		map[string]string{"Authorization": "Bearer " + admin, "Idempotency-Key": "k1"}); r.Status != http.StatusCreated {
		t.Fatalf("adjust: %d %s", r.Status, r.Body)
	}
	r = s.do("POST", "/v1/me/redemptions", []byte(`{"reward_id":"`+reward.ID+`"}`),
		map[string]string{"Authorization": "Bearer " + s.token(st, "41", auth.ScopeShopper), "Idempotency-Key": "r1"})
	var red struct {
		Code string `json:"code"`
	}
	if r.Status != http.StatusCreated {
		t.Fatalf("redeem: %d %s", r.Status, r.Body)
	}
	r.json(t, &red)
	o := usd(44, 41, "processing", s.clock.Now().Add(time.Minute))
	o.Coupons = map[string]string{red.Code: "5.00"}
	s.deliver(st, "order.updated", o.JSON())
	s.drain(st)
	var rep struct {
		Issued         int64   `json:"issued"`
		Redeemed       int64   `json:"redeemed"`
		RedemptionRate float64 `json:"redemption_rate"`
		Series         []struct {
			Day    string `json:"day"`
			Issued int64  `json:"issued"`
		} `json:"series"`
	}
	s.get("/v1/admin/reports/points", admin).json(t, &rep)
	// Issued is what left the issued account (the orders' points); the
	// adjustment comes from the adjusted account and is not counted.
	var earned int64
	s.sql().QueryRow(`SELECT COALESCE(SUM(-e.amount),0) FROM ledger_entries e WHERE e.store_id=? AND e.account='issued'`, st.id).Scan(&earned)
	wantRate := float64((100*10000*2+earned)/(2*earned)) / 100 // 100 x redeemed / issued, rounded half up to hundredths
	if rep.Issued != earned || earned == 0 || rep.Redeemed != 100 || len(rep.Series) != 1 || rep.Series[0].Issued != earned ||
		rep.RedemptionRate != wantRate {
		t.Fatalf("points report %+v, the ledger issued %d", rep, earned)
	}
	s.audit()
}

// TestCampaignForAReportSegment: a campaign aimed at lapsed customers, or
// at an RFM segment, reaches exactly the customers the reports put there
// when it starts.
func TestCampaignForAReportSegment(t *testing.T) {
	s := engagementService(t)
	st := s.newStore()
	admin := s.token(st, "1", auth.ScopeAdmin)
	now := s.clock.Now()
	for i, daysAgo := range []int{200, 120, 10, 5, 3, 1} {
		id := int64(51 + i)
		s.deliver(st, "order.updated", usd(id, id, "completed", now.AddDate(0, 0, -daysAgo)).JSON())
	}
	s.drain(st)
	var churn struct {
		Counts map[string]int64 `json:"counts"`
	}
	s.get("/v1/admin/reports/churn?state=lapsed", admin).json(t, &churn)
	var rfm struct {
		Counts map[string]int64 `json:"counts"`
	}
	s.get("/v1/admin/reports/rfm?segment=champions", admin).json(t, &rfm)
	for _, c := range []struct {
		filter map[string]any
		want   int64
	}{{map[string]any{"churn_state": "lapsed"}, churn.Counts["lapsed"]}, {map[string]any{"segment": "champions"}, rfm.Counts["champions"]},
		{map[string]any{"segment": "lost"}, rfm.Counts["lost"]}} {
		var p struct {
			Count int64 `json:"count"`
		}
		r := s.send("POST", "/v1/admin/campaigns/preview", admin, map[string]any{"filter": c.filter})
		r.json(t, &p)
		if r.Status != http.StatusOK || p.Count != c.want {
			t.Fatalf("preview %v: %d %s, the reports say %d", c.filter, r.Status, r.Body, c.want)
		}
	}
	if churn.Counts["lapsed"] != 2 {
		t.Fatalf("churn counts %v, want 2 lapsed", churn.Counts)
	}
	if r := s.send("POST", "/v1/admin/campaigns/preview", admin, map[string]any{"filter": map[string]any{"segment": "vip"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown segment: %d", r.Status)
	}
	var camp struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Total int64  `json:"total"`
	}
	r := s.send("POST", "/v1/admin/campaigns", admin, map[string]any{"key": "come-back", "points": 30, "message": "We miss you",
		"filter": map[string]any{"churn_state": "lapsed"}})
	if r.Status != http.StatusAccepted {
		t.Fatalf("campaign: %d %s", r.Status, r.Body)
	}
	r.json(t, &camp)
	eventually(t, "the campaign", func() bool {
		s.get("/v1/admin/campaigns/"+camp.ID, s.token(st, "1", auth.ScopeAdmin)).json(t, &camp)
		return camp.State == "done"
	})
	for i := int64(51); i <= 56; i++ {
		want := int64(45)
		if i <= 52 {
			want += 30 // the two lapsed customers
		}
		s.requireBalance(st, i, want, 0)
	}
	s.audit()
}
