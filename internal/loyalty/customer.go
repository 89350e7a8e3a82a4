package loyalty

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Guest is a guest identity (a billing e-mail without an account) as the
// ledger holds it.
type Guest struct {
	ID         int64 // internal customer id of the guest
	MergedInto int64 // the registered customer it was merged into; 0 when not yet
	Balance    Balance
}

// Merge is what linking a guest's activity to a registered customer decided.
type Merge struct {
	Transaction *Transaction // moves the guest's points; nil when there are none
	Lifetime    int64        // lifetime points to carry from the guest to the customer
	Link        bool         // mark the guest merged and move its orders
	Note        string
}

// MergeGuest decides how a guest's points and orders go to the registered
// customer with the same e-mail (once a claim link proved the address): once,
// and never away from another customer who claimed the address first.
func MergeGuest(g Guest, customer int64, now time.Time) Merge {
	if g.MergedInto != 0 {
		if g.MergedInto != customer {
			return Merge{Note: "guest e-mail already belongs to another customer"}
		}
		return Merge{}
	}
	var postings []Posting
	move := func(kind string, amount int64) {
		from, to := CustomerAccount(kind, g.ID), CustomerAccount(kind, customer)
		if amount < 0 {
			from, to, amount = to, from, -amount
		}
		if amount > 0 {
			postings = append(postings, Posting{From: from, To: to, Amount: amount})
		}
	}
	move(AccountPending, g.Balance.Pending)
	move(AccountAvailable, g.Balance.Available)
	m := Merge{Lifetime: g.Balance.Lifetime, Link: true}
	if len(postings) > 0 {
		m.Transaction = &Transaction{Key: MergeKey(g.ID, customer), Kind: KindMerge, Customer: customer,
			Actor: ActorSystem, Reason: "guest orders linked to the new account", Postings: postings, At: now}
	}
	return m
}

// Adjustment is an admin's manual change of a customer's available points
// (positive or negative), with a reason, under the request's idempotency key.
type Adjustment struct {
	CustomerID int64 // WooCommerce customer id
	Points     int64
	Reason     string
	Key        string // the request's Idempotency-Key
	Actor      string // who asked, recorded on the transaction
}

// Validate returns EInvalid for a non-positive customer id, 0 or
// out-of-range points, or a missing reason or key.
func (a Adjustment) Validate() error {
	reason := strings.TrimSpace(a.Reason)
	switch {
	case a.CustomerID <= 0:
		return Errorf(EInvalid, "customer id must be a positive integer")
	case a.Points == 0:
		return Errorf(EInvalid, "points must not be zero")
	case a.Points > 1e12 || a.Points < -1e12:
		return Errorf(EInvalid, "points out of range")
	case reason == "" || utf8.RuneCountInString(reason) > 500:
		return Errorf(EInvalid, "a reason of 1 to 500 characters is required")
	case a.Key == "" || len(a.Key) > 150:
		return Errorf(EInvalid, "an Idempotency-Key header of 1 to 150 characters is required")
	}
	return nil
}

// Transaction is the adjustment's ledger transaction for the customer's
// internal id: adjusted -> available, or back for negative points.
func (a Adjustment) Transaction(customer int64, now time.Time) Transaction {
	p := Posting{From: SystemAccount(AccountAdjusted), To: CustomerAccount(AccountAvailable, customer), Amount: a.Points}
	if a.Points < 0 {
		p = Posting{From: p.To, To: p.From, Amount: -a.Points}
	}
	return Transaction{Key: AdjustmentKey(a.Key), Kind: KindAdjustment, Customer: customer,
		Reason: strings.TrimSpace(a.Reason), Actor: a.Actor, Postings: []Posting{p}, At: now}
}

// ClaimTTL is how long a claim link stays valid.
const ClaimTTL = 7 * 24 * time.Hour

// GuestClaim is an offer to link a guest's activity (orders placed with an
// e-mail, before an account existed) to a registered customer. WooCommerce
// does not verify e-mail addresses at sign-up, so registering with an
// address proves nothing: the plugin sends the claim link to the address,
// and only the signed-in customer opening it merges the guest.
type GuestClaim struct {
	Customer  int64 // internal id of the customer it was issued to
	Guest     int64 // internal id of the guest identity
	ExpiresAt time.Time
	Used      bool
}

// Check says whether customer may use the claim at now: ENotFound when it
// has expired (as for an unknown link), EConflict when already used,
// EForbidden when it was issued to another customer.
func (c GuestClaim) Check(customer int64, now time.Time) error {
	switch {
	case !now.Before(c.ExpiresAt):
		return Errorf(ENotFound, "this claim link is not valid or has expired")
	case c.Used:
		return Errorf(EConflict, "this claim link was already used")
	case c.Customer != customer:
		return Errorf(EForbidden, "this claim link was sent to another account")
	}
	return nil
}

// ClaimOffer is what a store can offer a new customer: a one-time token for
// the claim link (empty when the e-mail has no guest activity) and the
// points waiting.
type ClaimOffer struct {
	Token     string
	Points    int64 // the guest's available and pending points
	ExpiresAt time.Time
}

// ClaimResult is what opening a claim link did.
type ClaimResult struct {
	PointsMoved int64
	Balance     Balance
}

// GuestClaims offers and redeems claims of guest activity.
type GuestClaims interface {
	// OfferClaim makes a claim token for the WooCommerce customer when the
	// e-mail has unclaimed guest activity; an empty offer otherwise.
	// EInvalid for a bad id or e-mail.
	OfferClaim(ctx context.Context, id StoreID, customerID int64, email string) (ClaimOffer, error)
	// Claim merges the guest activity behind token into the WooCommerce
	// customer. ENotFound, EConflict, EForbidden as GuestClaim.Check says.
	Claim(ctx context.Context, id StoreID, customerID int64, token string) (ClaimResult, error)
}

// CustomerRecord is what the ledger holds about one customer identity, for
// a personal-data export.
type CustomerRecord struct {
	CustomerID int64 // WooCommerce customer id; 0 for a guest e-mail
	Email      string
	Balance    Balance
	Activity   []Activity // every transaction, newest first
}

// Erasure says what erasing a person's data changed.
type Erasure struct {
	Customers  int // identities whose e-mail was removed (their ledger amounts stay, anonymous)
	Deliveries int // stored webhook bodies that named the e-mail, replaced
}

// Privacy serves WordPress's personal-data tools (Tools > Export/Erase
// Personal Data), by e-mail address.
type Privacy interface {
	// Export returns every customer identity of the store with the e-mail.
	// EInvalid for a malformed e-mail.
	Export(ctx context.Context, id StoreID, email string) ([]CustomerRecord, error)
	// Erase removes the e-mail from the store's customers and the stored
	// deliveries that name it, keeping the anonymous ledger amounts (so the
	// audit still holds). Deliveries still waiting to be processed keep
	// their bodies until processed. EInvalid for a malformed e-mail.
	Erase(ctx context.Context, id StoreID, email string) (Erasure, error)
}

// NormalizeEmail lower-cases and trims an e-mail address; EInvalid when it
// is not one.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || len(email) > 254 || !strings.Contains(email, "@") {
		return "", Errorf(EInvalid, "email must be an e-mail address")
	}
	return email, nil
}
