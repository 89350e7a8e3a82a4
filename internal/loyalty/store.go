package loyalty

import (
	"context"
	"crypto/ed25519"
	"strings"
	"time"
)

// Store is one WooCommerce shop using the service.
type Store struct {
	ID            StoreID
	Name          string
	URL           string
	WebhookSecret string // HMAC key WooCommerce signs deliveries with; never logged
	Program       Program
	Tiers         []Tier         // the active tiers, best first (SortTiers)
	Rules         []EarningRule  // the active earning rules
	Promotions    []Promotion    // the active promotions (Freeze picks those running)
	Currencies    []CurrencyRate // earn rates of other currencies
	CreatedAt     time.Time
}

// Rate is the earn rate of an order in currency: nil for the store's own
// currency (or none named), the configured rate otherwise; false when the
// store has none for it.
func (s Store) Rate(currency string) (*CurrencyRate, bool) {
	if currency == "" || strings.EqualFold(currency, s.Program.Currency) {
		return nil, true
	}
	for i := range s.Currencies {
		if strings.EqualFold(s.Currencies[i].Currency, currency) {
			return &s.Currencies[i], true
		}
	}
	return nil, false
}

// Exponent is the minor-unit digits of an order's currency, false when
// the store has no rate for it (see Rate).
func (s Store) Exponent(currency string) (int, bool) {
	r, ok := s.Rate(currency)
	switch {
	case !ok:
		return 0, false
	case r == nil:
		return s.Program.CurrencyExponent, true
	}
	return r.Exponent, true
}

// InboxMessage is a verified delivery to store durably before answering 2xx.
type InboxMessage struct {
	StoreID    StoreID
	Topic      string
	Source     string // "webhook" or "sync"
	WebhookID  int64
	DeliveryID string
	Body       []byte
}

// InboxRow is a stored message as the admin sees it.
type InboxRow struct {
	ID          int64
	Topic       string
	Source      string
	State       string
	Attempts    int
	LastError   string
	ReceivedAt  time.Time
	ProcessedAt *time.Time
}

// Inbox states.
const (
	InboxPending = "pending"
	InboxDone    = "done"
	InboxIgnored = "ignored"
	InboxFlagged = "flagged"
	InboxDead    = "dead"
)

// Activity is one ledger transaction as a customer sees it.
type Activity struct {
	ID             int64 // the ledger transaction; 0 for a tier change
	Kind           string
	OrderID        *int64
	AvailableDelta int64
	PendingDelta   int64
	Reason         string
	CreatedAt      time.Time
	TierNames      map[string]string // KindTierChange: the tier reached, by locale (nil: no tier any more)
}

// KindTierChange is the activity item of a move between tiers (it moves no
// points: it is not a ledger transaction).
const KindTierChange = "tier_change"

// MergeTierChanges puts tier changes among a page of ledger activity
// (newest first), each by its time. The page's items keep their order.
func MergeTierChanges(page, changes []Activity) []Activity {
	if len(changes) == 0 {
		return page
	}
	out := make([]Activity, 0, len(page)+len(changes))
	i, j := 0, 0
	for i < len(page) || j < len(changes) {
		if j < len(changes) && (i == len(page) || !changes[j].CreatedAt.Before(page[i].CreatedAt)) {
			out = append(out, changes[j])
			j++
			continue
		}
		out = append(out, page[i])
		i++
	}
	return out
}

// Stores finds stores.
type Stores interface {
	// Store returns the store with id, or ENotFound.
	Store(ctx context.Context, id StoreID) (Store, error)
}

// Programs changes stores' program settings.
type Programs interface {
	// SetProgram replaces the store's settings; orders already paid keep
	// their frozen terms. EInvalid, ENotFound.
	SetProgram(ctx context.Context, id StoreID, p Program) error
}

// Keys holds the public keys stores' plugins sign tokens with.
type Keys interface {
	// PublicKey returns the store's active key with kid, or ENotFound.
	PublicKey(ctx context.Context, id StoreID, kid string) (ed25519.PublicKey, error)
	// RegisterKey adds a key beside the store's others (rotation) and
	// returns its kid. EInvalid for a malformed key.
	RegisterKey(ctx context.Context, id StoreID, pub ed25519.PublicKey) (kid string, err error)
	// RevokeKey revokes the store's key kid. ENotFound for no such key.
	RevokeKey(ctx context.Context, id StoreID, kid string) error
}

// Connection is what a plugin gets for connecting: its key's id and the
// store's (freshly rotated) webhook secret.
type Connection struct {
	KID           string
	WebhookSecret string
}

// Connector exchanges one-time connection tokens for a plugin's key.
type Connector interface {
	// Connect registers pub for the store if secret is a valid unused token,
	// revokes the plugin's earlier keys and rotates the webhook secret.
	// EUnauthorized for an unknown or expired token, EConflict for a used one.
	Connect(ctx context.Context, id StoreID, secret string, pub ed25519.PublicKey) (Connection, error)
}

// Inbox stores deliveries and lets an admin see and replay them.
type Inbox interface {
	// Accept durably stores m and returns its id; it returns only after commit.
	Accept(ctx context.Context, m InboxMessage) (int64, error)
	// AcceptBatch stores several messages of one store in one commit.
	AcceptBatch(ctx context.Context, ms []InboxMessage) error
	// List returns the store's rows in state (all states when ""), newest first, before cursor (0 = from the newest).
	List(ctx context.Context, id StoreID, state string, before int64, limit int) ([]InboxRow, error)
	// Replay puts a dead or flagged row back in the queue. ENotFound, EConflict when it is not dead or flagged.
	Replay(ctx context.Context, id StoreID, rowID int64) error
}

// CustomerLedger is the per-customer view of the ledger.
type CustomerLedger interface {
	// Balance returns the balance of the WooCommerce customer (zeros when unknown).
	Balance(ctx context.Context, id StoreID, customerID int64) (Balance, error)
	// Activity returns transactions newest first with ids below before (0 = newest).
	Activity(ctx context.Context, id StoreID, customerID int64, before int64, limit int) ([]Activity, error)
	// Customer returns the WooCommerce customer's balance and activity, or ENotFound.
	Customer(ctx context.Context, id StoreID, customerID int64, before int64, limit int) (CustomerDetail, error)
	// Adjust posts a manual adjustment under its idempotency key. A replay
	// returns the first result; the same key with other inputs is EConflict;
	// EInvalid as Adjustment.Validate says.
	Adjust(ctx context.Context, id StoreID, a Adjustment) (Activity, Balance, error)
}

// CustomerDetail is a customer's balance and recent ledger for the admin.
type CustomerDetail struct {
	Balance  Balance
	Email    string
	Activity []Activity
}
