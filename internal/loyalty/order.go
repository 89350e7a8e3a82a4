package loyalty

import (
	"fmt"
	"time"
)

// Order statuses that earn points (PaidStatuses). Every other status, trash
// and deletion earn 0.
var paidStatuses = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range PaidStatuses() {
		m[s] = true
	}
	return m
}()

// IsDraftStatus reports statuses WooCommerce uses for carts that are not orders yet.
func IsDraftStatus(status string) bool {
	return status == "checkout-draft" || status == "auto-draft"
}

// OrderSnapshot is one WooCommerce order as a webhook or the sync delivered
// it, with money already in minor units of the store's currency.
type OrderSnapshot struct {
	OrderID       int64
	Status        string
	Currency      string
	CustomerID    int64  // WooCommerce customer id; 0 for guests
	Email         string // lower-cased billing e-mail
	Total         int64  // order total, never reduced by refunds
	TotalTax      int64
	ShippingTotal int64
	Refunded      int64     // sum of |refund totals|
	DateModified  time.Time // date_modified_gmt; zero when absent
	DatePaid      time.Time // date_paid_gmt; zero when unpaid or absent
	Meta          map[string]string
	Coupons       []string // coupon_lines codes, as sent
	FirstName     string   // billing first name (the referral shows it masked)
	Phone         string   // NormalizePhone of the billing phone
	Address       string   // NormalizeAddress of the billing address
	Lines         []OrderLine
}

// Net is the amount points are earned on: total minus tax minus shipping.
func (o OrderSnapshot) Net() int64 {
	n := o.Total - o.TotalTax - o.ShippingTotal
	if n < 0 {
		return 0
	}
	return n
}

// Remaining is the order total not yet refunded.
func (o OrderSnapshot) Remaining() int64 {
	r := o.Total - o.Refunded
	if r < 0 {
		return 0
	}
	return r
}

// Paid reports whether the snapshot's status earns points.
func (o OrderSnapshot) Paid() bool { return paidStatuses[o.Status] }

// Points is what the order should hold in total under rule: 0 unless paid,
// otherwise the rule's share of the net in proportion to what is not
// refunded. EInvalid when the points do not fit in 64 bits.
func (o OrderSnapshot) Points(rule EarnRule) (int64, error) {
	if !o.Paid() {
		return 0, nil
	}
	return rule.OrderPoints(o.Net(), o.Remaining(), o.Total)
}

// FirstPaidAt is when an order first seen paid at now counts as paid: its
// date_paid_gmt when WooCommerce sent one in the past, else now.
func (o OrderSnapshot) FirstPaidAt(now time.Time) time.Time {
	if !o.DatePaid.IsZero() && o.DatePaid.Before(now) {
		return o.DatePaid
	}
	return now
}

// Identified reports whether the order can be attributed to someone.
func (o OrderSnapshot) Identified() bool { return o.CustomerID > 0 || o.Email != "" }

// OrderTerms are the facts frozen on an order when it is first paid: the
// earn rule and the return window. Later program changes never alter them,
// and refunds are settled with them. Later capabilities (tier multiplier,
// earning rules, rewards used, referral) extend this value.
type OrderTerms struct {
	Rule        EarnRule
	FirstPaidAt time.Time
	MaturesAt   time.Time // the return window ends; zero-length windows end at FirstPaidAt
	Rules       *RuleSet  // the earning rules in force then; nil: the rate alone
	RuleSetID   int64     // storage's id of Rules (sets are shared by content)
	Bonus       int64     // the first-order bonus, while the order is paid and not refunded in full
}

// Points is what an order with these terms should hold for snap: nothing
// unless paid; otherwise the rules' (or the rate's) share in proportion to
// what is not refunded, and the bonus while anything is.
func (t *OrderTerms) Points(snap OrderSnapshot) (int64, error) {
	if !snap.Paid() {
		return 0, nil
	}
	var p int64
	var err error
	if t.Rules == nil || t.Rules.Empty() {
		p, err = t.Rule.OrderPoints(snap.Net(), snap.Remaining(), snap.Total)
	} else {
		p, err = t.Rules.Points(t.Rule, snap.Net(), snap.Lines, snap.Remaining(), snap.Total)
	}
	if err != nil {
		return 0, err
	}
	if t.Bonus > 0 && snap.Remaining() > 0 {
		p += t.Bonus
	}
	return p, nil
}

// EarnContext is what storage knows at an order's first payment beyond the
// program: the customer's tier multiplier, the earning rules in force (and
// their shared id), and whether it is the customer's first paid order.
type EarnContext struct {
	Rate           *CurrencyRate // the order's currency is not the store's: its rate
	TierMultiplier Ratio
	Rules          RuleSet
	RuleSetID      int64
	FirstOrder     bool
}

// InWindow reports whether points earned under the terms are still pending at now.
func (t *OrderTerms) InWindow(now time.Time) bool {
	return t != nil && now.Before(t.MaturesAt)
}

// OrderState is what the service holds about one order between deliveries:
// the snapshot last applied, the frozen terms and the points the order holds.
type OrderState struct {
	OrderID         int64
	Customer        int64 // internal id of the customer holding the order's points; 0 for none
	Status          string
	Currency        string
	Total           int64
	Net             int64
	Refunded        int64
	DateModified    time.Time // of the snapshot applied; zero when unknown
	AppliedDelivery int64     // inbox id of the delivery applied last
	Deleted         bool      // trashed: earns nothing until restored or a newer snapshot
	Restored        bool      // came back after a deletion: a later order.deleted needs the store's confirmation
	RefundSeen      bool      // a refund was announced; the next snapshot settles it
	Terms           *OrderTerms
	Holding         OrderHolding
	Matured         bool // no pending points wait for the return window
	Revision        int  // numbers the order's ledger transactions
}

// NewOrderState is the state of an order the service has not seen before.
func NewOrderState(orderID int64) OrderState {
	return OrderState{OrderID: orderID, Status: "new", Matured: true}
}

// Delivery identifies what brought an event: the inbox row (later
// deliveries have higher ids) and whether it speaks for the order's current
// state even after a deletion (order.restored, or the plugin's sync reading
// WooCommerce's own tables).
type Delivery struct {
	ID       int64
	Restores bool
}

// Outcome is what applying one event decided: the next state of what it
// touched, the ledger transactions to post with it (in the same database
// transaction), the inbox row's final state and a note for the admin.
type Outcome struct {
	Order        OrderState
	Changed      bool // Order must be written back
	Transactions []Transaction
	Result       string // InboxDone, InboxIgnored or InboxFlagged
	Note         string
}

func done(s OrderState, note string, txns ...Transaction) Outcome {
	return Outcome{Order: s, Changed: true, Transactions: txns, Result: InboxDone, Note: note}
}

func unchanged(s OrderState, result, note string) Outcome {
	return Outcome{Order: s, Result: result, Note: note}
}

// Stale reports whether snap must not be applied over the state, and why.
// Older snapshots (by date_modified_gmt) lose; on a tie, or when a date is
// missing, the later delivery wins. A deleted order is brought back only by
// a restoring delivery or a snapshot clearly newer than the last one applied.
func (s OrderState) Stale(snap OrderSnapshot, d Delivery) (bool, string) {
	if s.Deleted && !d.Restores {
		// Trash sends only {"id":N}; a snapshot that is not clearly newer
		// than the last one applied may have been built before the trash.
		if s.DateModified.IsZero() || snap.DateModified.IsZero() || !snap.DateModified.After(s.DateModified) {
			return true, "order was deleted; only order.restored, the sync or a newer snapshot brings it back"
		}
	}
	if s.DateModified.IsZero() || snap.DateModified.IsZero() {
		// Nothing to compare: receipt order decides.
		if d.ID < s.AppliedDelivery {
			return true, "older delivery than the one applied"
		}
		return false, ""
	}
	switch snap.DateModified.Compare(s.DateModified) {
	case -1:
		return true, "stale snapshot: older date_modified_gmt than the one applied"
	case 0:
		if d.ID < s.AppliedDelivery {
			return true, "stale snapshot: same date_modified_gmt, received earlier"
		}
	}
	return false, ""
}

// ReconcileOrder brings what the order holds to what snap says it should
// have earned, posting only the difference. customer is the internal id the
// snapshot's customer (or guest e-mail) resolves to, 0 when it names nobody.
// The earn rule, the return window and ec (tier multiplier, earning rules,
// first-order bonus) are frozen when the order is first paid. When the order changed hands, everything goes back from the
// previous customer and the new one earns from zero. A stale snapshot or a
// draft changes nothing; points that overflow 64 bits flag the delivery.
func ReconcileOrder(s OrderState, snap OrderSnapshot, program Program, customer int64, ec EarnContext, d Delivery, now time.Time) (Outcome, error) {
	if IsDraftStatus(snap.Status) {
		return unchanged(s, InboxIgnored, "draft order "+snap.Status), nil
	}
	if stale, why := s.Stale(snap, d); stale {
		return unchanged(s, InboxDone, why), nil
	}
	if s.Terms == nil && snap.Paid() {
		paidAt := snap.FirstPaidAt(now)
		rule := program.EarnRule()
		if ec.Rate != nil {
			rule = ec.Rate.EarnRule()
		}
		rule.Multiplier = ec.TierMultiplier.norm()
		s.Terms = &OrderTerms{Rule: rule, FirstPaidAt: paidAt, MaturesAt: program.MaturesAt(paidAt)}
		if !ec.Rules.Empty() {
			rules := ec.Rules
			s.Terms.Rules, s.Terms.RuleSetID = &rules, ec.RuleSetID
		}
		if ec.FirstOrder {
			s.Terms.Bonus = program.FirstOrderBonus
		}
	}
	var target int64
	if s.Terms != nil && customer > 0 {
		t, err := s.Terms.Points(snap)
		if err != nil {
			return unchanged(s, InboxFlagged, fmt.Sprintf("order %d: %s; nothing posted", snap.OrderID, ErrorMessage(err))), nil
		}
		target = t
	}
	inWindow := s.Terms.InWindow(now)

	held, before, prev := s.Holding, s.Holding.Total(), s.Customer
	moved := prev > 0 && prev != customer
	var postings []Posting
	if moved && held.Total() != 0 {
		var back []Posting
		back, held = PlanOrder(held, 0, inWindow, prev)
		if held != (OrderHolding{}) {
			// A holding with a negative part cannot be handed back leg by
			// leg; orders never hold negative points, so this is a bug.
			return Outcome{}, Errorf(EInternal, "order %d: cannot move holding %+v from customer %d", snap.OrderID, s.Holding, prev)
		}
		postings = append(postings, back...)
	}
	if customer > 0 {
		more, h := PlanOrder(held, target, inWindow, customer)
		postings, held = append(postings, more...), h
	}

	s.Revision++
	var txns []Transaction
	if len(postings) > 0 {
		kind := KindOrderEarn
		if target < before || moved {
			kind = KindOrderReversal
		}
		owner := customer
		if owner == 0 {
			owner = prev
		}
		txns = append(txns, Transaction{Key: OrderRevisionKey(snap.OrderID, s.Revision), Kind: kind, Customer: owner,
			OrderID: snap.OrderID, Actor: ActorSystem, Postings: postings, At: now})
	}

	if !snap.DateModified.IsZero() {
		s.DateModified = snap.DateModified
	}
	s.Customer = customer
	s.Status, s.Currency, s.Total, s.Net, s.Refunded = snap.Status, snap.Currency, snap.Total, snap.Net(), snap.Refunded
	if s.Deleted {
		// Back from the trash. An order.deleted body is only {"id":N}, the
		// same bytes every time: from now on a delete may be an old one
		// replayed, so it no longer moves points by itself (DeleteOrder).
		s.Restored = true
	}
	s.AppliedDelivery, s.Deleted, s.RefundSeen = d.ID, false, false
	s.Holding, s.Matured = held, held.Pending == 0
	note := ""
	if customer == 0 {
		note = "order has no customer id or e-mail: nothing to earn"
	}
	return done(s, note, txns...), nil
}

// DeleteOrder applies order.deleted (trash): the order gives back everything
// it holds and earns nothing until order.restored, the sync or a newer
// snapshot arrives. A delete of an order that was restored before is not
// applied: its body cannot be told from a replay of the first delete, so
// the store must confirm it, which the plugin's reconciliation sync does by
// sending the order with status trash (it then earns nothing).
func DeleteOrder(s OrderState, d Delivery, now time.Time) Outcome {
	if s.Restored {
		return unchanged(s, InboxDone, "order.deleted after a restore is not applied until the store confirms it; the reconciliation sync settles the order")
	}
	s.Revision++
	var txns []Transaction
	if s.Customer > 0 && s.Holding.Total() != 0 {
		postings, held := PlanOrder(s.Holding, 0, true, s.Customer)
		txns = append(txns, Transaction{Key: OrderRevisionKey(s.OrderID, s.Revision), Kind: KindOrderReversal,
			Customer: s.Customer, OrderID: s.OrderID, Actor: ActorSystem, Postings: postings, At: now})
		s.Holding = held
	}
	s.Status, s.Deleted, s.Matured = "trash", true, true
	s.AppliedDelivery = max(s.AppliedDelivery, d.ID)
	return done(s, "", txns...)
}

// NoteRefund records that a refund happened. WooCommerce always sends
// order.updated after a refund, and that snapshot settles the points.
func NoteRefund(s OrderState) Outcome {
	s.RefundSeen = true
	return done(s, "refund noted; the next order snapshot settles the points")
}

// MatureOrder moves the order's pending points to available once its
// return window has passed at now. Before that it changes nothing.
func MatureOrder(s OrderState, now time.Time) Outcome {
	if s.Terms == nil || now.Before(s.Terms.MaturesAt) {
		return unchanged(s, InboxDone, "return window still open")
	}
	var txns []Transaction
	if s.Customer > 0 && s.Holding.Pending > 0 {
		s.Revision++
		txns = append(txns, Transaction{Key: OrderRevisionKey(s.OrderID, s.Revision), Kind: KindOrderMature,
			Customer: s.Customer, OrderID: s.OrderID, Actor: ActorSystem, At: now,
			Postings: []Posting{{From: CustomerAccount(AccountPending, s.Customer), To: CustomerAccount(AccountAvailable, s.Customer), Amount: s.Holding.Pending}}})
		s.Holding = OrderHolding{Available: s.Holding.Available + s.Holding.Pending}
	}
	s.Matured = true
	return done(s, "", txns...)
}
