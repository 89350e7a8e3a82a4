package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vafaloyalty/vafa/internal/auth"
)

// TestPointsExpireOldestFirstAtMidnightInTheStoreTimeZone runs the
// issue's example over HTTP in Asia/Tehran with the service's clock: +100
// on 1 January and +100 on 1 March, 150 spent on 1 April; on 1 July nothing
// lapses (the January points were spent first), at 23:59 on 31 August
// nothing either, and at 00:00 on 1 September the 50 left of March lapse,
// once, shown ahead in GET /v1/me as expiring. Audit passes.
func TestPointsExpireOldestFirstAtMidnightInTheStoreTimeZone(t *testing.T) {
	s := startService(t)
	st := s.newStore()
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	admin := s.token(st, "1", auth.ScopeAdmin)
	if r := s.do("PATCH", "/v1/admin/program", []byte(`{"expire_months":6,"time_zone":"Asia/Tehran"}`),
		map[string]string{"Authorization": "Bearer " + admin, "Content-Type": "application/json"}); r.Status != http.StatusOK {
		t.Fatalf("set expiry: %d %s", r.Status, r.Body)
	}
	year := s.clock.Now().In(tehran).Year() + 1
	at := func(month time.Month, day, hour, min int) {
		s.clock.Advance(time.Date(year, month, day, hour, min, 0, 0, tehran).Sub(s.clock.Now()))
	}
	adjust := func(points int, key string) {
		r := s.do("POST", "/v1/admin/customers/90/adjustments", []byte(fmt.Sprintf(`{"points":%d,"reason":"test"}`, points)),
			map[string]string{"Authorization": "Bearer " + s.token(st, "1", auth.ScopeAdmin), "Idempotency-Key": key})
		if r.Status != http.StatusCreated {
			t.Fatalf("adjust %d: %d %s", points, r.Status, r.Body)
		}
	}
	at(time.January, 1, 10, 0)
	adjust(100, "jan")
	at(time.March, 1, 10, 0)
	adjust(100, "mar")
	at(time.April, 1, 10, 0)
	adjust(-150, "apr")

	var me struct {
		Available int64 `json:"available"`
		Expiring  *struct {
			Points int64     `json:"points"`
			At     time.Time `json:"at"`
		} `json:"expiring"`
	}
	s.get("/v1/me", s.token(st, "90", auth.ScopeShopper)).json(t, &me)
	if me.Available != 50 || me.Expiring == nil || me.Expiring.Points != 50 || !me.Expiring.At.Equal(time.Date(year, 9, 1, 0, 0, 0, 0, tehran)) {
		t.Fatalf("GET /v1/me after April: %+v %+v", me, me.Expiring)
	}
	expired := func() int {
		var n int
		s.sql().QueryRow(`SELECT COUNT(*) FROM ledger_transactions WHERE store_id=? AND kind='points_expire'`, st.id).Scan(&n)
		return n
	}
	settle := func() { time.Sleep(400 * time.Millisecond) } // the job runs every 50 ms
	at(time.July, 1, 0, 1)
	settle()
	if n := expired(); n != 0 {
		t.Fatalf("on 1 July %d lapses, want none (the January points were spent)", n)
	}
	at(time.August, 31, 23, 59)
	settle()
	if n := expired(); n != 0 {
		t.Fatalf("at 23:59 on 31 August %d lapses, want none", n)
	}
	at(time.September, 1, 0, 0)
	deadline := time.Now().Add(10 * time.Second)
	for expired() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	settle()
	if n := expired(); n != 1 {
		t.Fatalf("on 1 September %d lapses, want 1", n)
	}
	s.requireBalance(st, 90, 0, 0)
	acts := s.activity(st, 90)
	if len(acts) == 0 || acts[0].Kind != "points_expire" || acts[0].AvailableDelta != -50 {
		t.Fatalf("activity: %+v", acts)
	}
	s.get("/v1/me", s.token(st, "90", auth.ScopeShopper)).json(t, &me)
	if me.Expiring != nil {
		t.Fatalf("nothing left to lapse, yet %+v", me.Expiring)
	}
	s.audit()
}
