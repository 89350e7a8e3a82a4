package loyalty

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Referrals: every customer has a code; a friend's first paid order that
// carries a valid code (order meta _vafa_referral) creates a referral,
// pending until that order is past the return window, then approved with
// the referrer's reward and the friend's welcome points, each an idempotent
// ledger transaction of its own kind. A refund in full or a cancellation
// before then rejects it, and so do the fraud checks, each with its reason.

// Referral states.
const (
	ReferralPending  = "pending"
	ReferralApproved = "approved"
	ReferralRejected = "rejected"
)

// Rejection reasons, recorded on the referral and shown to the admin.
const (
	ReasonSelfReferral   = "self_referral"      // the friend is the referrer
	ReasonSameEmail      = "same_email"         // the same mailbox after normalisation
	ReasonSamePhone      = "same_phone"         // the same billing phone
	ReasonSameAddress    = "same_address"       // the same billing address
	ReasonReturning      = "returning_customer" // the friend ordered before (the store asks for new customers)
	ReasonMonthlyCap     = "monthly_cap"        // the referrer reached the store's monthly cap
	ReasonBelowMinimum   = "below_minimum"      // the order is smaller than the store's minimum
	ReasonOrderRefunded  = "order_refunded"     // refunded in full or cancelled within the return window
	ReasonRejectedByHand = "rejected_by_admin"
)

// ReferralOrderMeta is the order meta key the plugin stores the code in.
const ReferralOrderMeta = "_vafa_referral"

// referralAlphabet has no look-alike characters (0/O, 1/I/L) and no vowels
// that could spell words.
const referralAlphabet = "BCDFGHJKMNPQRSTVWXYZ23456789"

// ReferralCodeLength is the length of new codes: 27^9 = 7.6e12 codes, so a
// guess hits one of a store's 10^6 customers about once in 7.6 million tries.
const ReferralCodeLength = 9

// NewReferralCode turns random bytes (at least ReferralCodeLength of them)
// into a code. The caller supplies the randomness (crypto/rand) and retries
// on a collision with another customer's code.
func NewReferralCode(random []byte) string {
	var b strings.Builder
	for i := 0; i < ReferralCodeLength; i++ {
		b.WriteByte(referralAlphabet[int(random[i])%len(referralAlphabet)])
	}
	return b.String()
}

var referralCodeShape = regexp.MustCompile(`^[A-Za-z0-9]{6,16}$`)

// NormalizeReferralCode returns the code as stored (upper case) and whether
// it has a code's shape; codes are case-insensitive.
func NormalizeReferralCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !referralCodeShape.MatchString(s) {
		return "", false
	}
	return strings.ToUpper(s), true
}

// Providers that ignore dots in the local part; plus-tags are dropped for
// every address (sub-addressing is near universal among large providers).
var dotlessDomains = map[string]string{"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

// NormalizeMailbox reduces an e-mail to the mailbox that receives it: lower
// case, no +tag, no dots for providers that ignore them. "" when not an address.
func NormalizeMailbox(email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return ""
	}
	local, domain := email[:at], email[at+1:]
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	if d, ok := dotlessDomains[domain]; ok {
		local, domain = strings.ReplaceAll(local, ".", ""), d
	}
	if local == "" {
		return ""
	}
	return local + "@" + domain
}

// NormalizePhone keeps a phone number's last ten digits (Persian and Arabic
// digits read as digits), so +98 912 ..., 0912 ... and ۰۹۱۲... compare equal.
// "" for fewer than seven digits.
func NormalizePhone(phone string) string {
	var d []byte
	for _, r := range phone {
		if unicode.IsDigit(r) {
			if v, err := strconv.Atoi(string(digitValue(r))); err == nil {
				d = append(d, byte('0'+v))
			}
		}
	}
	if len(d) < 7 {
		return ""
	}
	if len(d) > 10 {
		d = d[len(d)-10:]
	}
	return string(d)
}

func digitValue(r rune) rune {
	switch {
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	}
	return r
}

// NormalizeAddress reduces a billing address to letters and digits in lower
// case, so spacing, punctuation and case do not hide the same address. ""
// when too short to mean anything.
func NormalizeAddress(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		for _, r := range strings.ToLower(p) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(digitValue(r))
			}
		}
		b.WriteByte('|')
	}
	s := b.String()
	if len(strings.ReplaceAll(s, "|", "")) < 8 {
		return ""
	}
	return s
}

// Fingerprint is what the service keeps of a phone or address to compare
// them: a hash tied to the store, never the text. Empty in, nil out.
func Fingerprint(store StoreID, normalized string) []byte {
	if normalized == "" {
		return nil
	}
	h := sha256.Sum256([]byte(strconv.FormatInt(store, 10) + "\x00" + normalized))
	return h[:]
}

// Party is one side of a referral as the fraud checks see it: the
// Fingerprints of mailboxes, billing phones and addresses (for the friend,
// those of the order; for the referrer, every one their orders carried).
type Party struct {
	Customer  int64
	Mailboxes [][]byte
	Phones    [][]byte
	Addresses [][]byte
}

// shares reports whether two fingerprint sets have one in common.
func shares(a, b [][]byte) bool {
	for _, x := range a {
		for _, y := range b {
			if len(x) > 0 && string(x) == string(y) {
				return true
			}
		}
	}
	return false
}

// ReferralFacts are what the checks need besides the two parties.
type ReferralFacts struct {
	OrderID        int64
	OrderNet       int64 // the order's net (what points are earned on)
	OrderedBefore  bool  // the friend has an earlier paid order at the store
	ReferrerMonth  int   // referrals of the referrer this calendar month, rejected ones not counted
	FirstPaidAt    time.Time
	OrderMaturesAt time.Time
}

// Referral is one referred friend.
type Referral struct {
	ID        int64
	Referrer  int64
	Friend    int64
	Code      string
	OrderID   int64 // the friend's first paid order, which decides the referral
	State     string
	Reason    string
	MaturesAt time.Time // the order's return window ends: the referral can be approved
	DecidedAt time.Time
	DecidedBy string
	CreatedAt time.Time
}

// NewReferral decides a new referral from the friend's first paid order:
// pending, or rejected with the first failing check's reason.
func NewReferral(p Program, code string, referrer, friend Party, f ReferralFacts, now time.Time) Referral {
	r := Referral{Referrer: referrer.Customer, Friend: friend.Customer, Code: code, OrderID: f.OrderID,
		State: ReferralPending, MaturesAt: f.OrderMaturesAt, CreatedAt: now}
	reject := func(reason string) Referral {
		r.State, r.Reason, r.DecidedAt, r.DecidedBy = ReferralRejected, reason, now, ActorSystem
		return r
	}
	switch {
	case referrer.Customer == friend.Customer:
		return reject(ReasonSelfReferral)
	case shares(referrer.Mailboxes, friend.Mailboxes):
		return reject(ReasonSameEmail)
	case shares(referrer.Phones, friend.Phones):
		return reject(ReasonSamePhone)
	case shares(referrer.Addresses, friend.Addresses):
		return reject(ReasonSameAddress)
	case p.ReferralNewCustomersOnly && f.OrderedBefore:
		return reject(ReasonReturning)
	case p.ReferralMinOrderMinor > 0 && f.OrderNet < p.ReferralMinOrderMinor:
		return reject(ReasonBelowMinimum)
	case p.ReferralMonthlyCap > 0 && f.ReferrerMonth >= p.ReferralMonthlyCap:
		return reject(ReasonMonthlyCap)
	}
	return r
}

// ReferralKey is the idempotency key of a referral's ledger transactions:
// one reward and one welcome per referral, whoever approves it and however
// often.
func ReferralKey(id int64, kind string) string {
	return "referral:" + strconv.FormatInt(id, 10) + ":" + kind
}

// ApproveReferral approves a pending referral and returns the referrer's
// reward and the friend's welcome as transactions (none when the store
// gives 0). The order's refund or cancellation must have been checked by
// the caller (the referral would be rejected then). EConflict when the
// referral is not pending.
func ApproveReferral(r Referral, p Program, actor string, now time.Time) (Referral, []Transaction, error) {
	if r.State != ReferralPending {
		return r, nil, Errorf(EConflict, "referral %d is %s, not pending", r.ID, r.State)
	}
	r.State, r.DecidedAt, r.DecidedBy = ReferralApproved, now, actor
	var txns []Transaction
	if p.ReferrerPoints > 0 {
		txns = append(txns, grant(ReferralKey(r.ID, KindReferralReward), KindReferralReward, r.Referrer, r.OrderID, p.ReferrerPoints, actor, now,
			fmt.Sprintf("referral %d", r.ID)))
	}
	if p.RefereePoints > 0 {
		txns = append(txns, grant(ReferralKey(r.ID, KindReferralWelcome), KindReferralWelcome, r.Friend, r.OrderID, p.RefereePoints, actor, now,
			fmt.Sprintf("referral %d", r.ID)))
	}
	return r, txns, nil
}

// RejectReferral rejects a pending referral with a reason. EConflict when
// it is not pending (an approved referral's points are the referrer's).
func RejectReferral(r Referral, reason, actor string, now time.Time) (Referral, error) {
	if r.State != ReferralPending {
		return r, Errorf(EConflict, "referral %d is %s, not pending", r.ID, r.State)
	}
	r.State, r.Reason, r.DecidedAt, r.DecidedBy = ReferralRejected, reason, now, actor
	return r, nil
}

// ReferralOrderFailed reports whether the referral's order no longer
// qualifies: refunded in full, cancelled, or otherwise no longer paid.
func ReferralOrderFailed(snap OrderSnapshot) bool {
	return !snap.Paid() || snap.Remaining() == 0
}

// grant is a transaction from the store's issued account to a customer's
// available points.
func grant(key, kind string, customer, orderID, points int64, actor string, now time.Time, reason string) Transaction {
	return Transaction{Key: key, Kind: kind, Customer: customer, OrderID: orderID, Actor: actor, Reason: reason, At: now,
		Postings: []Posting{{From: SystemAccount(AccountIssued), To: CustomerAccount(AccountAvailable, customer), Amount: points}}}
}

// ReferralView is a referral as the APIs show it: the parties as
// WooCommerce customer ids (0 for a guest) and the friend's masked name.
type ReferralView struct {
	Referral
	ReferrerWC int64
	FriendWC   int64
	FriendName string
}

// ReferralSummary is a customer's own referral page.
type ReferralSummary struct {
	Code         string
	Counts       map[string]int64 // by state
	PointsEarned int64            // from referral rewards
	Friends      []ReferralView   // newest first, at most 20
}

// Referrals is the referral store the API uses.
type Referrals interface {
	// Summary returns the customer's code (made on first use), counts, points and friends.
	Summary(ctx context.Context, store StoreID, wcCustomerID int64) (ReferralSummary, error)
	// CodeValid reports whether code belongs to a customer of the store.
	CodeValid(ctx context.Context, store StoreID, code string) (bool, error)
	// List pages the store's referrals, newest first.
	List(ctx context.Context, store StoreID, state string, referrerWC, before int64, limit int) ([]ReferralView, error)
	// Decide approves or rejects a pending referral by hand.
	Decide(ctx context.Context, store StoreID, id int64, approve bool, actor string) (Referral, error)
	// Welcome issues the store's welcome reward to a referred customer, once.
	Welcome(ctx context.Context, store StoreID, wcCustomerID int64, code string) (Redemption, Reward, bool, error)
}

// Commission is what one of the referred friend's orders pays the referrer
// in the recurring mode: a percent of the points the order earns, frozen
// when the order is first paid, held and matured like the order's own
// points, and reduced by refunds through the same reconciliation.
type Commission struct {
	OrderID   int64
	Referral  int64
	Referrer  int64
	Percent   int
	MaturesAt time.Time // the order's return window ends
	Holding   OrderHolding
	Revision  int
}

// CommissionApplies reports whether an order of the friend first paid at
// paidAt pays commission under the program and the referral: the store
// gives a percent, the referral is not rejected, and the order is the
// referral's own or falls within the store's months from the referral.
func CommissionApplies(p Program, r Referral, orderID int64, paidAt time.Time) bool {
	switch {
	case p.ReferrerPercent <= 0 || r.State == ReferralRejected:
		return false
	case orderID == r.OrderID:
		return true
	case p.ReferrerMonths <= 0:
		return false
	}
	return paidAt.Before(r.CreatedAt.AddDate(0, p.ReferrerMonths, 0))
}

// CommissionKey keys a commission's transaction of revision rev.
func CommissionKey(orderID int64, rev int) string {
	return fmt.Sprintf("commission:%d:rev:%d", orderID, rev)
}

// ReconcileCommission brings the commission to its percent of the points
// the order holds now (rounded down), posting only the difference to or
// from the referrer; pending while the order's return window is open.
func ReconcileCommission(c Commission, orderPoints int64, now time.Time) (Commission, *Transaction) {
	target := int64(0)
	if orderPoints > 0 && c.Percent > 0 {
		target, _ = floorDiv(big.NewInt(orderPoints), big.NewInt(int64(c.Percent)), big.NewInt(1), big.NewInt(100))
	}
	postings, held := PlanOrder(c.Holding, target, now.Before(c.MaturesAt), c.Referrer)
	if len(postings) == 0 {
		return c, nil
	}
	c.Revision++
	c.Holding = held
	return c, &Transaction{Key: CommissionKey(c.OrderID, c.Revision), Kind: KindReferralCommission, Customer: c.Referrer,
		OrderID: c.OrderID, Actor: ActorSystem, Reason: fmt.Sprintf("referral %d", c.Referral), Postings: postings, At: now}
}

// MatureCommission makes the commission's pending points available once
// the order's return window has passed.
func MatureCommission(c Commission, now time.Time) (Commission, *Transaction) {
	if now.Before(c.MaturesAt) || c.Holding.Pending <= 0 {
		return c, nil
	}
	c.Revision++
	t := &Transaction{Key: CommissionKey(c.OrderID, c.Revision), Kind: KindReferralCommission, Customer: c.Referrer,
		OrderID: c.OrderID, Actor: ActorSystem, Reason: fmt.Sprintf("referral %d", c.Referral), At: now,
		Postings: []Posting{{From: CustomerAccount(AccountPending, c.Referrer), To: CustomerAccount(AccountAvailable, c.Referrer), Amount: c.Holding.Pending}}}
	c.Holding = OrderHolding{Available: c.Holding.Available + c.Holding.Pending}
	return c, t
}

// WelcomeKey is the idempotency key of a friend's welcome reward: one per
// customer, whatever the code or the request.
const WelcomeKey = "referral-welcome"

// WelcomeFacts are what decides whether a customer gets the welcome reward.
type WelcomeFacts struct {
	CodeValid  bool // the code is a customer's code at the store
	OwnCode    bool // it is the customer's own code
	PaidOrders int  // orders the customer has paid for at the store
}

// PlanWelcome issues the store's welcome reward to a referred friend before
// their first order: a catalog reward that costs no points (nothing is
// held; using it moves nothing), valid like any reward. EConflict, with
// the reason, when the customer is not eligible.
func PlanWelcome(p Program, reward Reward, customer int64, code string, f WelcomeFacts, now time.Time) (Redemption, error) {
	switch {
	case !p.ReferralEnabled || p.RefereeRewardID == 0:
		return Redemption{}, Errorf(ENotFound, "the store gives no welcome reward")
	case !f.CodeValid:
		return Redemption{}, Errorf(EInvalid, "this is not a referral code of the store")
	case f.OwnCode:
		return Redemption{}, Errorf(EConflict, "your own referral code does not give you a welcome gift")
	case f.PaidOrders > 0:
		return Redemption{}, Errorf(EConflict, "the welcome gift is for a first order")
	case !reward.Active:
		return Redemption{}, Errorf(EConflict, "the welcome reward is no longer offered")
	case reward.Kind == RewardPointsDiscount:
		return Redemption{}, Errorf(EConflict, "pay with points cannot be a welcome gift")
	}
	return PlanGift(reward, customer, code, now)
}
