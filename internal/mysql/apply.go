package mysql

import (
	"context"
	"strings"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Applying one decoded inbox event inside a worker's batch: load and lock
// what the domain needs, ask the domain (internal/loyalty) what follows,
// queue its transactions and the new state. No rule is decided here.

// applyEvent carries out one event and queues the inbox row's final state.
func applyEvent(ctx context.Context, b *batch, rowID int64, store loyalty.Store, ev loyalty.Event) error {
	var out loyalty.Outcome
	var err error
	d := loyalty.Delivery{ID: rowID, Restores: ev.Restored}
	switch ev.Kind {
	case loyalty.EventIgnored:
		out = loyalty.Outcome{Result: loyalty.InboxIgnored, Note: ev.Note}
	case loyalty.EventFlagged:
		out = loyalty.Outcome{Result: loyalty.InboxFlagged, Note: ev.Note}
	case loyalty.EventOrder:
		out, err = reconcileOrder(ctx, b, store, ev.Order, d)
	case loyalty.EventOrderDeleted:
		out, err = orderOutcome(ctx, b, store.ID, ev.OrderID, func(s loyalty.OrderState) loyalty.Outcome {
			return loyalty.DeleteOrder(s, d, b.now)
		})
		b.orderChanged(store, out.Order.Customer)
	case loyalty.EventOrderRefunded:
		out, err = orderOutcome(ctx, b, store.ID, ev.OrderID, loyalty.NoteRefund)
	case loyalty.EventCustomerCreated:
		out, err = customerCreated(ctx, b, store, ev.CustomerID, ev.Email)
	default:
		out = loyalty.Outcome{Result: loyalty.InboxIgnored, Note: "unknown event"}
	}
	if err != nil {
		return err
	}
	b.done(rowID, out.Result, out.Note)
	return nil
}

// orderOutcome applies a decision about one order that needs no customer
// lookup: the order's row lock serializes everything about the order, and
// the balance UPDATE locks the customer's row itself.
func orderOutcome(ctx context.Context, b *batch, store loyalty.StoreID, orderID int64, decide func(loyalty.OrderState) loyalty.Outcome) (loyalty.Outcome, error) {
	s, err := b.order(ctx, store, orderID)
	if err != nil {
		return loyalty.Outcome{}, err
	}
	out := decide(s)
	return out, queue(ctx, b, store, out)
}

// queue hands an outcome's transactions to the ledger writer and its state
// to the batch.
func queue(ctx context.Context, b *batch, store loyalty.StoreID, out loyalty.Outcome) error {
	for _, t := range out.Transactions {
		if err := b.post(ctx, store, t); err != nil {
			return err
		}
	}
	if out.Changed {
		b.setOrder(store, out.Order)
	}
	return nil
}

// reconcileOrder resolves the snapshot's customer (creating the row), locks
// a previous owner when the order changed hands, and applies the domain's
// reconciliation.
func reconcileOrder(ctx context.Context, b *batch, store loyalty.Store, snap loyalty.OrderSnapshot, d loyalty.Delivery) (loyalty.Outcome, error) {
	s, err := b.order(ctx, store.ID, snap.OrderID)
	if err != nil {
		return loyalty.Outcome{}, err
	}
	if stale, _ := s.Stale(snap, d); stale || loyalty.IsDraftStatus(snap.Status) {
		// Decided without a customer: do not create rows for it.
		return loyalty.ReconcileOrder(s, snap, store.Program, 0, loyalty.EarnContext{}, d, b.now)
	}
	var customer int64
	switch {
	case snap.CustomerID > 0:
		customer, err = b.customer(ctx, store.ID, snap.CustomerID, snap.Email)
	case snap.Email != "":
		customer, err = b.guest(ctx, store.ID, snap.Email)
	}
	if err != nil {
		return loyalty.Outcome{}, err
	}
	if s.Customer > 0 && s.Customer != customer {
		// The order changed hands (rare): lock the previous owner's row too,
		// after writing what the batch holds.
		if err := b.flush(ctx); err != nil {
			return loyalty.Outcome{}, err
		}
		if _, err := lockCustomers(ctx, b.tx, store.ID, s.Customer); err != nil {
			return loyalty.Outcome{}, err
		}
	}
	ec, err := b.earnContext(ctx, store, s, snap, customer)
	if err != nil {
		return loyalty.Outcome{}, err
	}
	out, err := loyalty.ReconcileOrder(s, snap, store.Program, customer, ec, d, b.now)
	if err != nil {
		return loyalty.Outcome{}, err
	}
	if err := queue(ctx, b, store.ID, out); err != nil {
		return loyalty.Outcome{}, err
	}
	if !out.Changed {
		return out, nil
	}
	b.orderChanged(store, s.Customer)
	b.orderChanged(store, customer)
	b.snaps[orderKey{store.ID, snap.OrderID}] = snap
	if snap.Status == "completed" && s.Status != "completed" && snap.CustomerID > 0 && customer > 0 && store.Program.SurveyEnabled() {
		b.requestSurvey(store, snap.OrderID, customer)
	}
	if store.Program.ReferralEnabled {
		firstPaid := s.Terms == nil && out.Order.Terms != nil
		if err := applyReferral(ctx, b, store, snap, customer, firstPaid, out); err != nil {
			return loyalty.Outcome{}, err
		}
	}
	return settleRedemptions(ctx, b, store, snap, customer, out)
}

// earnContext is what an order first paid now is frozen with beyond the
// program (the customer's tier, the rules in force, whether it is their
// first paid order); for an order paid before, it loads the rule set frozen
// on it into s's terms.
func (b *batch) earnContext(ctx context.Context, store loyalty.Store, s loyalty.OrderState, snap loyalty.OrderSnapshot, customer int64) (loyalty.EarnContext, error) {
	ec := loyalty.EarnContext{TierMultiplier: loyalty.One}
	if t := s.Terms; t != nil {
		if t.RuleSetID > 0 && t.Rules == nil {
			set, err := ruleSet(ctx, b.tx, store.ID, t.RuleSetID)
			if err != nil {
				return ec, err
			}
			t.Rules = &set
		}
		return ec, nil
	}
	if !snap.Paid() {
		return ec, nil
	}
	var err error
	if ec.TierMultiplier, err = b.tierMultiplier(ctx, store, customer); err != nil {
		return ec, err
	}
	minSubtotal := store.Program.EarnMinSubtotalMinor
	if r, _ := store.Rate(snap.Currency); r != nil {
		// Another currency: its own rate; the minimum, in the store's
		// money, does not compare.
		ec.Rate, minSubtotal = r, 0
	}
	if set := loyalty.Freeze(store.Rules, store.Promotions, minSubtotal, snap.FirstPaidAt(b.now)); !set.Empty() {
		if ec.RuleSetID, err = ruleSetID(ctx, b.pool, store.ID, set, b.now); err != nil {
			return ec, err
		}
		ec.Rules = set
	}
	if store.Program.FirstOrderBonus > 0 && customer > 0 {
		if ec.FirstOrder, err = b.firstPaidOrder(ctx, store.ID, customer, snap.OrderID); err != nil {
			return ec, err
		}
	}
	return ec, nil
}

// settleRedemptions moves the rewards whose codes are on an applied order
// snapshot (used, applied, released or returned, as the domain decides).
// Codes the service did not issue to this customer are flagged on the
// delivery with a note and move nothing.
func settleRedemptions(ctx context.Context, b *batch, store loyalty.Store, snap loyalty.OrderSnapshot, customer int64, out loyalty.Outcome) (loyalty.Outcome, error) {
	var codes []string
	for _, c := range snap.Coupons {
		if loyalty.IsRewardCode(c) {
			codes = append(codes, strings.ToUpper(c))
		}
	}
	if len(codes) == 0 {
		return out, nil
	}
	byCode, err := lockRedemptionsByCode(ctx, b.tx, store.ID, codes)
	if err != nil {
		return loyalty.Outcome{}, err
	}
	steps, notes, err := loyalty.SettleOrderRedemptions(snap, customer, byCode, store.Program, b.now)
	if err != nil {
		return loyalty.Outcome{}, err
	}
	for _, st := range steps {
		if st.Transaction != nil {
			if err := b.post(ctx, store.ID, *st.Transaction); err != nil {
				return loyalty.Outcome{}, err
			}
		}
		if err := writeRedemption(ctx, b.tx, store.ID, st.Redemption, b.now); err != nil {
			return loyalty.Outcome{}, err
		}
	}
	if len(notes) > 0 {
		out.Result = loyalty.InboxFlagged
		out.Note = strings.TrimSpace(out.Note + " " + strings.Join(notes, "; "))
	}
	return out, nil
}

// customerCreated records a registered customer. Its guest activity (orders
// placed with the same e-mail before) is not merged here: WooCommerce does
// not verify e-mail at sign-up, so the merge waits for the customer to open
// the claim link the plugin e-mails (CustomerService.Claim).
func customerCreated(ctx context.Context, b *batch, store loyalty.Store, wcID int64, email string) (loyalty.Outcome, error) {
	pk, err := b.customer(ctx, store.ID, wcID, email)
	if err != nil {
		return loyalty.Outcome{}, err
	}
	if err := b.signupBonus(ctx, store, pk); err != nil {
		return loyalty.Outcome{}, err
	}
	return loyalty.Outcome{Result: loyalty.InboxDone}, nil
}
