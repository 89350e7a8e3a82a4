package loyalty

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"time"
)

// Account kinds. Customer accounts belong to one customer; system accounts
// belong to the store and are derived from entries (never a hot row).
const (
	AccountPending   = "pending"
	AccountAvailable = "available"
	AccountHeld      = "held" // points of issued rewards not yet used, released or expired
	AccountIssued    = "issued"
	AccountRedeemed  = "redeemed"
	AccountExpired   = "expired"
	AccountAdjusted  = "adjusted"
)

// IsCustomerAccount reports whether kind is held per customer.
func IsCustomerAccount(kind string) bool {
	return kind == AccountPending || kind == AccountAvailable || kind == AccountHeld
}

// Transaction kinds, as shown in a customer's activity.
const (
	KindOrderEarn          = "order_earn"
	KindOrderReversal      = "order_reversal"
	KindOrderMature        = "order_mature"
	KindAdjustment         = "adjustment"
	KindMerge              = "merge"
	KindRedeemHold         = "redeem_hold"         // a reward issued: available -> held
	KindRedeemUse          = "redeem_use"          // its order was paid: held -> redeemed
	KindRedeemRelease      = "redeem_release"      // removed, or its order failed before payment: held -> available
	KindRedeemExpire       = "redeem_expire"       // never used: held -> available
	KindRedeemReturn       = "redeem_return"       // its paid order was refunded in full or cancelled: redeemed -> available
	KindReferralReward     = "referral_reward"     // the referrer's reward for a friend whose order became final
	KindReferralWelcome    = "referral_welcome"    // the referred friend's welcome points
	KindReferralCommission = "referral_commission" // the referrer's percent of a referred friend's order
)

// ActorSystem is the actor of transactions the service posts by itself.
const ActorSystem = "system"

// Idempotency keys, one constructor per cause, so a key's shape is written
// once. The database holds them unique per store.

// OrderRevisionKey keys the transaction of an order's revision rev (the
// order's row lock numbers revisions, so the key cannot repeat).
func OrderRevisionKey(orderID int64, rev int) string {
	return fmt.Sprintf("order:%d:rev:%d", orderID, rev)
}

// MergeKey keys the move of a guest's points to a registered customer.
func MergeKey(guest, customer int64) string { return fmt.Sprintf("merge:%d:%d", guest, customer) }

// AdjustmentKey keys a manual adjustment by the admin's Idempotency-Key.
func AdjustmentKey(requestKey string) string { return "adjust:" + requestKey }

// Account names one ledger account: a customer's (Customer > 0) or the store's.
type Account struct {
	Kind     string
	Customer int64 // internal customer id; 0 for system accounts
}

// CustomerAccount returns the customer's account of the kind.
func CustomerAccount(kind string, customer int64) Account {
	return Account{Kind: kind, Customer: customer}
}

// SystemAccount returns the store's account of the kind.
func SystemAccount(kind string) Account { return Account{Kind: kind} }

// Posting moves a positive number of points from one account to another.
type Posting struct {
	From, To Account
	Amount   int64
}

// Entry is one leg of a transaction: a signed change to one account.
type Entry struct {
	Account Account
	Amount  int64
}

// Transaction is a set of postings applied atomically under a unique
// idempotency key. Entries are never updated or deleted.
type Transaction struct {
	Key      string // unique per store; derived from the cause
	Kind     string
	Customer int64  // the customer whose activity shows it
	OrderID  int64  // 0 when not about an order
	Reason   string // free text for adjustments
	Actor    string // who asked (admin subject, "system")
	Postings []Posting
	At       time.Time
}

// Entries validates the postings and returns their legs, two per posting.
// It returns EInvalid for a posting with a non-positive amount, between the
// same account, or naming a customer on a system account (or vice versa).
func (t Transaction) Entries() ([]Entry, error) {
	if t.Key == "" || len(t.Key) > 191 {
		return nil, Errorf(EInvalid, "transaction key must be 1 to 191 characters")
	}
	if len(t.Postings) == 0 {
		return nil, Errorf(EInvalid, "transaction has no postings")
	}
	out := make([]Entry, 0, 2*len(t.Postings))
	var sum int64
	for _, p := range t.Postings {
		if p.Amount <= 0 {
			return nil, Errorf(EInvalid, "posting amount must be positive, got %d", p.Amount)
		}
		if p.From == p.To {
			return nil, Errorf(EInvalid, "posting from and to the same account")
		}
		for _, a := range []Account{p.From, p.To} {
			if IsCustomerAccount(a.Kind) != (a.Customer > 0) {
				return nil, Errorf(EInvalid, "account %q has the wrong owner", a.Kind)
			}
		}
		out = append(out, Entry{p.From, -p.Amount}, Entry{p.To, p.Amount})
		sum += -p.Amount + p.Amount
	}
	if sum != 0 { // cannot happen by construction; kept as the invariant's statement
		return nil, Errorf(EInternal, "transaction does not balance")
	}
	return out, nil
}

// Customers are the customers whose accounts the transaction touches, in
// ascending id order (the order their rows are locked in).
func (t Transaction) Customers() []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, p := range t.Postings {
		for _, a := range []Account{p.From, p.To} {
			if a.Customer > 0 && !seen[a.Customer] {
				seen[a.Customer] = true
				out = append(out, a.Customer)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// InputHash fingerprints what the transaction does, so a replay of a key
// with different inputs is told apart from a true replay.
func (t Transaction) InputHash() [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%d|%d|%s|", t.Kind, t.Customer, t.OrderID, t.Reason)
	for _, p := range t.Postings {
		fmt.Fprintf(h, "%s:%d>%s:%d=%d;", p.From.Kind, p.From.Customer, p.To.Kind, p.To.Customer, p.Amount)
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// Balance is a customer's materialized balance.
type Balance struct {
	Available int64
	Pending   int64
	Held      int64 // points of issued rewards not yet settled
	Lifetime  int64 // points earned, net of clawbacks; not reduced by spending
}

// Apply returns the balance after entries for customer are applied, and the
// change to lifetime points (credits from or debits to the issued and adjusted accounts).
func (b Balance) Apply(customer int64, postings []Posting) Balance {
	for _, p := range postings {
		for _, leg := range []struct {
			acc  Account
			sign int64
			peer Account
		}{{p.From, -1, p.To}, {p.To, 1, p.From}} {
			if leg.acc.Customer != customer {
				continue
			}
			switch leg.acc.Kind {
			case AccountAvailable:
				b.Available += leg.sign * p.Amount
			case AccountPending:
				b.Pending += leg.sign * p.Amount
			case AccountHeld:
				b.Held += leg.sign * p.Amount
			}
			if leg.peer.Kind == AccountIssued || leg.peer.Kind == AccountAdjusted {
				b.Lifetime += leg.sign * p.Amount
			}
		}
	}
	return b
}

// OrderHolding is what the ledger holds for one order, by customer account.
type OrderHolding struct {
	Pending   int64
	Available int64
}

// Total is all points the order holds.
func (h OrderHolding) Total() int64 { return h.Pending + h.Available }

// PlanOrder returns the postings that bring an order's holding to target
// points for customer. New points land in pending while inWindow (the return
// window has not passed), else in available. Clawbacks take pending points
// first, then available ones, which may go negative (spent points are not
// hidden). The new holding is returned with the postings.
func PlanOrder(held OrderHolding, target int64, inWindow bool, customer int64) ([]Posting, OrderHolding) {
	issued := SystemAccount(AccountIssued)
	diff := target - held.Total()
	switch {
	case diff > 0:
		to := AccountAvailable
		if inWindow {
			to = AccountPending
		}
		if to == AccountPending {
			held.Pending += diff
		} else {
			held.Available += diff
		}
		return []Posting{{From: issued, To: CustomerAccount(to, customer), Amount: diff}}, held
	case diff < 0:
		take := -diff
		var out []Posting
		if held.Pending > 0 {
			p := min(take, held.Pending)
			out = append(out, Posting{From: CustomerAccount(AccountPending, customer), To: issued, Amount: p})
			held.Pending -= p
			take -= p
		}
		if take > 0 {
			out = append(out, Posting{From: CustomerAccount(AccountAvailable, customer), To: issued, Amount: take})
			held.Available -= take
		}
		return out, held
	}
	return nil, held
}
