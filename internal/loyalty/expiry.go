package loyalty

import (
	"context"
	"fmt"
	"time"
)

// Points expiry. Every transaction that leaves a customer's available
// points higher records a lot: that many points, earned then. Spending and
// clawbacks consume the oldest lots first (FIFO), so what is left of the
// balance is always the newest lots: walking the lots from the newest,
// the balance covers each in turn until it runs out. Lots are never
// updated for spending; a lot's covered part lapses when its expiry comes.
// A lot's cover can only shrink (every credit is a newer lot), so a lot
// lapses at most once.

// KindPointsExpire is the lapse of points: available -> expired.
const KindPointsExpire = "points_expire"

// Lot is one credit to a customer's available points.
type Lot struct {
	ID       int64
	EarnedAt time.Time
	Amount   int64
}

// LotKey keys the lapse of a lot.
func LotKey(lot int64) string { return fmt.Sprintf("expire:lot:%d", lot) }

// InactiveKey keys the lapse of a whole balance after inactivity since lastActive.
func InactiveKey(customer int64, lastActive time.Time) string {
	return fmt.Sprintf("expire:inactive:%d:%d", customer, lastActive.UnixMicro())
}

// NewLots are the lots a transaction records: one per customer whose
// available points it raises, of that much.
func NewLots(t Transaction) map[int64]int64 {
	var out map[int64]int64
	for _, c := range t.Customers() {
		if d := (Balance{}).Apply(c, t.Postings).Available; d > 0 {
			if out == nil {
				out = map[int64]int64{}
			}
			out[c] = d
		}
	}
	return out
}

// Location is the store's time zone (UTC when unset or unknown; Validate
// refuses unknown names).
func (p Program) Location() *time.Location {
	if p.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// addMonths is the same day months later, clamped to the month's last day
// (31 August + 6 months is 28 or 29 February).
func addMonths(y int, m time.Month, d, months int) (int, time.Month, int) {
	total := int(m) - 1 + months
	y += total / 12
	m = time.Month(total%12 + 1)
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return y, m, min(d, last)
}

// LotExpiresAt is when points earned at earned lapse: at 00:00 in the
// store's time zone, months calendar months after the day they were earned
// there. Zero when months is 0 (never).
func LotExpiresAt(earned time.Time, months int, loc *time.Location) time.Time {
	if months <= 0 {
		return time.Time{}
	}
	l := earned.In(loc)
	y, m, d := addMonths(l.Year(), l.Month(), l.Day(), months)
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// CoveredLot is a lot and how much of it the balance still holds.
type CoveredLot struct {
	Lot
	Covered int64
}

// CoverLots walks lots from the newest (lots must be given newest first)
// and returns how much of each the available balance covers, stopping at
// the first lot it does not reach.
func CoverLots(newestFirst []Lot, available int64) []CoveredLot {
	var out []CoveredLot
	left := available
	for _, l := range newestFirst {
		if left <= 0 {
			break
		}
		c := min(l.Amount, left)
		out = append(out, CoveredLot{Lot: l, Covered: c})
		left -= c
	}
	return out
}

// ExpireLots is what lapses at now for a customer under a store's
// months-after-earning rule: one transaction per lot whose expiry has come,
// of the part the balance still covers. Lots must be newest first.
func ExpireLots(customer int64, newestFirst []Lot, available int64, months int, loc *time.Location, now time.Time) []Transaction {
	if months <= 0 {
		return nil
	}
	var out []Transaction
	for _, c := range CoverLots(newestFirst, available) {
		at := LotExpiresAt(c.EarnedAt, months, loc)
		if now.Before(at) {
			continue
		}
		out = append(out, Transaction{Key: LotKey(c.ID), Kind: KindPointsExpire, Customer: customer, Actor: ActorSystem, At: now,
			Reason:   fmt.Sprintf("points earned %s expired", c.EarnedAt.In(loc).Format("2006-01-02")),
			Postings: []Posting{{From: CustomerAccount(AccountAvailable, customer), To: SystemAccount(AccountExpired), Amount: c.Covered}}})
	}
	return out
}

// ExpireInactive is the lapse of the whole available balance of a customer
// whose last activity was more than months ago (at 00:00 store time, as for
// lots), nil otherwise.
func ExpireInactive(customer, available int64, lastActive time.Time, months int, loc *time.Location, now time.Time) *Transaction {
	if months <= 0 || available <= 0 || lastActive.IsZero() || now.Before(LotExpiresAt(lastActive, months, loc)) {
		return nil
	}
	return &Transaction{Key: InactiveKey(customer, lastActive), Kind: KindPointsExpire, Customer: customer, Actor: ActorSystem, At: now,
		Reason:   fmt.Sprintf("no activity since %s", lastActive.In(loc).Format("2006-01-02")),
		Postings: []Posting{{From: CustomerAccount(AccountAvailable, customer), To: SystemAccount(AccountExpired), Amount: available}}}
}

// Expiring is the next lapse a customer can see coming.
type Expiring struct {
	Points int64
	At     time.Time
}

// NextExpiry is the next lot to lapse (its covered points and when), nil
// when nothing will (no rule, or nothing covered). Lots newest first.
func NextExpiry(newestFirst []Lot, available int64, months int, loc *time.Location) *Expiring {
	if months <= 0 {
		return nil
	}
	var next *Expiring
	for _, c := range CoverLots(newestFirst, available) {
		at := LotExpiresAt(c.EarnedAt, months, loc)
		switch {
		case next == nil || at.Before(next.At):
			next = &Expiring{Points: c.Covered, At: at}
		case at.Equal(next.At):
			next.Points += c.Covered
		}
	}
	return next
}

// UncoveredLots are the lots the balance no longer covers (spent or
// lapsed): their cover can never grow again, so expiry skips them from then
// on. Lots newest first.
func UncoveredLots(newestFirst []Lot, available int64) []int64 {
	covered := len(CoverLots(newestFirst, available))
	out := make([]int64, 0, len(newestFirst)-covered)
	for _, l := range newestFirst[covered:] {
		out = append(out, l.ID)
	}
	return out
}

// Expiry runs the lapse of points and tells customers what lapses next.
type Expiry interface {
	// ExpireDue posts the lapses whose time has come, each once, safe on
	// several instances at once; it returns how many customers lost points.
	ExpireDue(ctx context.Context, limit int) (int, error)
	// Expiring is the WooCommerce customer's next lapse in store, nil for none.
	Expiring(ctx context.Context, store Store, wcCustomerID int64) (*Expiring, error)
}
