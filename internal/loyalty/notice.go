package loyalty

import (
	"context"
	"fmt"
	"time"
)

// Notices are the outbound events of docs/engagement.md: written in the
// same database transaction as the change they announce (the transactional
// outbox), then delivered to the store's receivers at least once.

// Notice types, as receivers see them.
const (
	NoticePointsEarned   = "points.earned"
	NoticeBirthdayGift   = "birthday.gift"
	NoticePointsExpiring = "points.expiring"
	NoticePointsExpired  = "points.expired"
	NoticeTierChanged    = "tier.changed"
	NoticeRewardIssued   = "reward.issued"
	NoticeSurveyRequest  = "survey.requested"
	NoticeWinback        = "winback"
	NoticeReferral       = "referral.converted"
)

// NoticeTypes lists every type, for validating receivers' subscriptions.
var NoticeTypes = []string{NoticePointsEarned, NoticeBirthdayGift, NoticePointsExpiring, NoticePointsExpired,
	NoticeTierChanged, NoticeRewardIssued, NoticeSurveyRequest, NoticeWinback, NoticeReferral}

// Notice is one outbound event about a customer. Key is unique per store
// (a replayed cause writes no second notice); Data is the type's payload,
// which delivery completes with the customer's identity and balance.
type Notice struct {
	Key      string
	Type     string
	Customer int64 // internal customer id
	Data     map[string]any
	At       time.Time
}

// NoticeFor is the notice a ledger transaction gives rise to, if any:
// points credited to a customer (orders, bonuses, referrals, positive
// adjustments) and points lapsing. Holds and settlements of rewards are
// announced by the reward's own notice; reversals and merges by none.
func NoticeFor(t Transaction) (Notice, bool) {
	credit := int64(0)
	for _, p := range t.Postings {
		if p.To.Customer == t.Customer && t.Customer > 0 && (p.From.Kind == AccountIssued || p.From.Kind == AccountAdjusted) {
			credit += p.Amount
		}
	}
	n := Notice{Key: "tx:" + t.Key, Customer: t.Customer, At: t.At,
		Data: map[string]any{"kind": t.Kind, "points": credit, "order_id": t.OrderID}}
	switch t.Kind {
	case KindOrderEarn, KindSignupBonus, KindAnniversaryBonus, KindReviewBonus, KindSurveyBonus, KindCampaignBonus,
		KindAdjustment, KindReferralCommission, KindReferralWelcome:
		n.Type = NoticePointsEarned
	case KindBirthdayBonus:
		n.Type = NoticeBirthdayGift
	case KindReferralReward:
		n.Type = NoticeReferral
	case KindPointsExpire:
		var lapsed int64
		for _, p := range t.Postings {
			lapsed += p.Amount
		}
		n.Type, n.Data["points"] = NoticePointsExpired, lapsed
		return n, t.Customer > 0
	default:
		return Notice{}, false
	}
	if t.Kind == KindCampaignBonus && t.Reason != "" {
		n.Data["message"] = t.Reason
	}
	return n, credit > 0
}

// RewardNotice announces a reward issued to a customer: redeemed with
// points, or given (survey, campaign, win-back, welcome).
func RewardNotice(r Redemption, rewardName, reason string, at time.Time) Notice {
	return Notice{Key: fmt.Sprintf("reward:%s", r.Code), Type: NoticeRewardIssued, Customer: r.Customer, At: at,
		Data: map[string]any{"reward_name": rewardName, "reason": reason, "redemption": map[string]any{
			"id": r.ID, "code": r.Code, "kind": r.Kind, "value_minor": r.ValueMinor, "percent": r.Percent,
			"points": r.Points, "expires_at": r.ExpiresAt.UTC().Format(time.RFC3339)}}}
}

// TierNotice announces a change of tier; from or to is nil for none.
func TierNotice(customer int64, from, to *Tier, at time.Time) Notice {
	dir := "up"
	if to == nil || (from != nil && to.Rank < from.Rank) {
		dir = "down"
	}
	view := func(t *Tier) any {
		if t == nil {
			return nil
		}
		return map[string]any{"id": t.ID, "name": t.Names["en"], "names": t.Names}
	}
	fromID, toID := int64(0), int64(0)
	if from != nil {
		fromID = from.ID
	}
	if to != nil {
		toID = to.ID
	}
	return Notice{Key: fmt.Sprintf("tier:%d:%d:%d:%d", customer, fromID, toID, at.UnixMicro()), Type: NoticeTierChanged,
		Customer: customer, At: at, Data: map[string]any{"from": view(from), "to": view(to), "direction": dir}}
}

// ExpiringNotice reminds a customer that points lapse at when (one per lapse).
func ExpiringNotice(customer, points int64, when time.Time, at time.Time) Notice {
	return Notice{Key: fmt.Sprintf("expiring:%d:%d", customer, when.Unix()), Type: NoticePointsExpiring, Customer: customer,
		At: at, Data: map[string]any{"points": points, "expires_at": when.UTC().Format(time.RFC3339)}}
}

// SurveyNotice asks the customer about a completed order (once per order).
func SurveyNotice(customer, order int64, question string, at time.Time) Notice {
	return Notice{Key: fmt.Sprintf("survey:%d", order), Type: NoticeSurveyRequest, Customer: customer, At: at,
		Data: map[string]any{"order_id": order, "question": question}}
}

// WinbackNotice tells a lapsed customer they are missed, with what the
// store gives them (points, a reward, or nothing but the message).
func WinbackNotice(key string, customer int64, daysInactive int, points int64, red *Redemption, at time.Time) Notice {
	var r any
	if red != nil {
		r = map[string]any{"id": red.ID, "code": red.Code, "kind": red.Kind, "value_minor": red.ValueMinor,
			"percent": red.Percent, "expires_at": red.ExpiresAt.UTC().Format(time.RFC3339)}
	}
	return Notice{Key: key, Type: NoticeWinback, Customer: customer, At: at,
		Data: map[string]any{"days_inactive": daysInactive, "points": points, "redemption": r}}
}

// NoticeRetentionDays is how long delivered notices are kept. A notice's
// key also stops its cause from announcing twice (a win-back lapse, an
// expiry reminder), so it outlives every window a cause can come back in:
// reminders are at most MaxReminderDays ahead, win-back lapses a week.
const (
	NoticeRetentionDays = 90
	MaxReminderDays     = 60
)

// Delivery states of a notice at one receiver.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryDead      = "dead"
)

// DeliveryBackoff is the wait before each retry of a failed delivery; after
// the last a delivery is dead until replayed.
var DeliveryBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 6 * time.Hour, 12 * time.Hour}

// NextAttempt decides what follows a failed attempt (attempts counts it):
// the time of the next one, or dead.
func NextAttempt(attempts int, now time.Time) (time.Time, bool) {
	if attempts > len(DeliveryBackoff) {
		return time.Time{}, true
	}
	return now.Add(DeliveryBackoff[attempts-1]), false
}

// Endpoint is a receiver of a store's notices: the plugin's own (one per
// store) or a URL the admin added (SMS, marketing tools).
type Endpoint struct {
	ID     int64
	Kind   string // "plugin" or "url"
	URL    string
	Secret string
	Events []string // empty = every type
	Active bool
}

// Endpoint kinds.
const (
	EndpointPlugin = "plugin"
	EndpointURL    = "url"
)

// Wants reports whether the endpoint subscribes to the type.
func (e Endpoint) Wants(typ string) bool {
	if len(e.Events) == 0 {
		return true
	}
	for _, t := range e.Events {
		if t == typ {
			return true
		}
	}
	return false
}

// Validate returns EInvalid for an endpoint that cannot be delivered to.
// The URL's host is checked again at every connection (docs/security.md).
func (e Endpoint) Validate() error {
	if len(e.URL) > 500 || !(hasPrefix(e.URL, "https://") || hasPrefix(e.URL, "http://")) {
		return Errorf(EInvalid, "url must be an http(s) URL of at most 500 characters")
	}
	if len(e.Secret) < 16 || len(e.Secret) > 200 {
		return Errorf(EInvalid, "secret must be 16 to 200 characters")
	}
	for _, t := range e.Events {
		known := false
		for _, k := range NoticeTypes {
			known = known || k == t
		}
		if !known {
			return Errorf(EInvalid, "unknown event type %q", t)
		}
	}
	return nil
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// DeliveryView is one row of a store's delivery log.
type DeliveryView struct {
	ID          int64
	EventID     int64
	Type        string
	EndpointID  int64
	URL         string
	State       string
	Attempts    int
	LastStatus  int
	LastError   string
	NextAt      time.Time
	DeliveredAt time.Time
	CreatedAt   time.Time
}

// Outbox is the storage of receivers and deliveries (internal/mysql.OutboxService).
type Outbox interface {
	// SetPluginEndpoint makes url (signed with secret) the plugin's receiver. EInvalid.
	SetPluginEndpoint(ctx context.Context, store StoreID, url, secret string) (Endpoint, error)
	// CreateEndpoint adds a receiver, generating its secret when empty. EInvalid.
	CreateEndpoint(ctx context.Context, store StoreID, e Endpoint) (Endpoint, error)
	// UpdateEndpoint patches a receiver. ENotFound, EInvalid.
	UpdateEndpoint(ctx context.Context, store StoreID, id int64, patch func(*Endpoint) error) (Endpoint, error)
	Endpoints(ctx context.Context, store StoreID) ([]Endpoint, error)
	// Deliveries lists the delivery log, newest first.
	Deliveries(ctx context.Context, store StoreID, state string, before int64, limit int) ([]DeliveryView, error)
	// Replay puts dead deliveries (one, or all when id is 0) back to pending. ENotFound.
	Replay(ctx context.Context, store StoreID, id int64) (int64, error)
}
