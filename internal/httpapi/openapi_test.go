package httpapi

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

// The tests in this file hold openapi.json to the code: the document is a
// valid OpenAPI 3 document, it describes exactly the routes New registers,
// it is what GET /openapi.json serves, and every documented response (each
// status of each operation) is produced by the real handlers with a body
// that validates against its schema, while no handler answers a status the
// document does not list.
//
// The fakes are prefixed spec* so they never collide with api_test.go's.
// Each is a function-field fake whose nil fields fall back to a harmless
// default, so a zero value is usable.

type specStores struct {
	store     func(id loyalty.StoreID) (loyalty.Store, error)
	publicKey func(id loyalty.StoreID, kid string) (ed25519.PublicKey, error)
}

var _ loyalty.Stores = (*specStores)(nil)

func (f *specStores) Store(_ context.Context, id loyalty.StoreID) (loyalty.Store, error) {
	if f == nil || f.store == nil {
		return loyalty.Store{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	return f.store(id)
}

func (f *specStores) PublicKey(_ context.Context, id loyalty.StoreID, kid string) (ed25519.PublicKey, error) {
	if f == nil || f.publicKey == nil {
		return nil, loyalty.Errorf(loyalty.ENotFound, "key not found")
	}
	return f.publicKey(id, kid)
}

type specConnector struct {
	connect func(id loyalty.StoreID, secret string, pub ed25519.PublicKey) (string, error)
}

var _ loyalty.Connector = (*specConnector)(nil)

func (f *specConnector) Connect(_ context.Context, id loyalty.StoreID, secret string, pub ed25519.PublicKey) (loyalty.Connection, error) {
	if f == nil || f.connect == nil {
		return loyalty.Connection{}, loyalty.Errorf(loyalty.EUnauthorized, "the connection token is not valid")
	}
	kid, err := f.connect(id, secret, pub)
	return loyalty.Connection{KID: kid, WebhookSecret: "rotated" + kid}, err
}

type specInbox struct {
	accept      func(m loyalty.InboxMessage) (int64, error)
	acceptBatch func(ms []loyalty.InboxMessage) error
	list        func(id loyalty.StoreID, state string, before int64, limit int) ([]loyalty.InboxRow, error)
	replay      func(id loyalty.StoreID, rowID int64) error
}

var _ loyalty.Inbox = (*specInbox)(nil)

func (f *specInbox) Accept(_ context.Context, m loyalty.InboxMessage) (int64, error) {
	if f == nil || f.accept == nil {
		return 0, nil
	}
	return f.accept(m)
}

func (f *specInbox) AcceptBatch(_ context.Context, ms []loyalty.InboxMessage) error {
	if f == nil || f.acceptBatch == nil {
		return nil
	}
	return f.acceptBatch(ms)
}

func (f *specInbox) List(_ context.Context, id loyalty.StoreID, state string, before int64, limit int) ([]loyalty.InboxRow, error) {
	if f == nil || f.list == nil {
		return []loyalty.InboxRow{}, nil
	}
	return f.list(id, state, before, limit)
}

func (f *specInbox) Replay(_ context.Context, id loyalty.StoreID, rowID int64) error {
	if f == nil || f.replay == nil {
		return loyalty.Errorf(loyalty.ENotFound, "inbox row not found")
	}
	return f.replay(id, rowID)
}

type specLedger struct {
	balance  func(id loyalty.StoreID, customerID int64) (loyalty.Balance, error)
	activity func(id loyalty.StoreID, customerID, before int64, limit int) ([]loyalty.Activity, error)
	customer func(id loyalty.StoreID, customerID, before int64, limit int) (loyalty.CustomerDetail, error)
	adjust   func(id loyalty.StoreID, customerID, points int64, reason, key, actor string) (loyalty.Activity, loyalty.Balance, error)
}

var _ loyalty.CustomerLedger = (*specLedger)(nil)

func (f *specLedger) Balance(_ context.Context, id loyalty.StoreID, customerID int64) (loyalty.Balance, error) {
	if f == nil || f.balance == nil {
		return loyalty.Balance{}, nil
	}
	return f.balance(id, customerID)
}

func (f *specLedger) Activity(_ context.Context, id loyalty.StoreID, customerID, before int64, limit int) ([]loyalty.Activity, error) {
	if f == nil || f.activity == nil {
		return []loyalty.Activity{}, nil
	}
	return f.activity(id, customerID, before, limit)
}

func (f *specLedger) Customer(_ context.Context, id loyalty.StoreID, customerID, before int64, limit int) (loyalty.CustomerDetail, error) {
	if f == nil || f.customer == nil {
		return loyalty.CustomerDetail{}, loyalty.Errorf(loyalty.ENotFound, "customer not found")
	}
	return f.customer(id, customerID, before, limit)
}

func (f *specLedger) Adjust(_ context.Context, id loyalty.StoreID, a loyalty.Adjustment) (loyalty.Activity, loyalty.Balance, error) {
	if f == nil || f.adjust == nil {
		return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "adjustments are not available")
	}
	return f.adjust(id, a.CustomerID, a.Points, a.Reason, a.Key, a.Actor)
}

type specVerifier struct {
	verify func(token string) (auth.Principal, error)
}

var _ Verifier = (*specVerifier)(nil)

func (f *specVerifier) Verify(_ context.Context, token string) (auth.Principal, error) {
	if f == nil || f.verify == nil {
		return auth.Principal{}, loyalty.Errorf(loyalty.EUnauthorized, "invalid or expired token")
	}
	return f.verify(token)
}

// specServices fakes the newer domain interfaces: keys, claims, privacy,
// the rewards catalog and redemptions. Behaviour is keyed on inputs.
type specServices struct {
	fail bool // every call fails with an internal error
}

var (
	_ loyalty.Keys         = (*specServices)(nil)
	_ loyalty.GuestClaims  = (*specServices)(nil)
	_ loyalty.Privacy      = (*specServices)(nil)
	_ loyalty.Catalog      = (*specServices)(nil)
	_ loyalty.Redemptions  = (*specServices)(nil)
	_ loyalty.Programs     = (*specServices)(nil)
	_ loyalty.Referrals    = (*specServices)(nil)
	_ loyalty.Tiers        = (*specServices)(nil)
	_ loyalty.Expiry       = (*specServices)(nil)
	_ loyalty.EarningRules = (*specServices)(nil)
	_ loyalty.Reports      = (*specServices)(nil)
)

func (f *specServices) ReportCohorts(_ context.Context, _ loyalty.Store, period loyalty.Period) ([]loyalty.Cohort, error) {
	if f.fail {
		return nil, errSpecDB
	}
	return loyalty.Cohorts([]loyalty.CohortCount{{Cohort: "2026-09", Month: "2026-09", Customers: 140}, {Cohort: "2026-09", Month: "2026-10", Customers: 31},
		{Cohort: "2026-10", Month: "2026-10", Customers: 120}}, "2026-10"), nil
}
func (f *specServices) ReportChurn(_ context.Context, _ loyalty.Store, day, state string, _ int) (loyalty.ChurnReport, error) {
	if f.fail {
		return loyalty.ChurnReport{}, errSpecDB
	}
	return loyalty.ChurnReport{Day: day, Counts: map[string]int64{"active": 900, "at_risk": 40, "lapsed": 260}, Items: []loyalty.ChurnCustomer{
		{WCCustomerID: 7, Email: "sara@example.com", State: state, Figures: loyalty.CustomerFigures{FirstDay: "2026-01-05", LastDay: "2026-06-01", Orders: 4, Net: 18000}},
		{Email: "guest@example.com", State: state, Figures: loyalty.CustomerFigures{FirstDay: "2026-02-05", LastDay: "2026-02-05", Orders: 1, Net: 4500}}}}, nil
}
func (f *specServices) ReportRFM(_ context.Context, _ loyalty.Store, segment string, _ int) (loyalty.RFMReport, error) {
	if f.fail {
		return loyalty.RFMReport{}, errSpecDB
	}
	return loyalty.RFMReport{Counts: map[string]int64{"champions": 240, "loyal": 310, "promising": 150, "at_risk": 120, "hibernating": 180, "lost": 200},
		Items: []loyalty.RFMCustomer{{WCCustomerID: 7, Email: "=sara@example.com", R: 5, F: 5, M: 4, Segment: segment,
			Figures: loyalty.CustomerFigures{FirstDay: "2026-01-05", LastDay: "2026-11-01", Orders: 9, Net: 61000}}}}, nil
}
func (f *specServices) ReportTop(_ context.Context, _ loyalty.Store, _ string, _ int) ([]loyalty.TopCustomer, error) {
	if f.fail {
		return nil, errSpecDB
	}
	return []loyalty.TopCustomer{{WCCustomerID: 7, Email: "sara@example.com", Orders: 9, SpendMinor: 61000, Lifetime: 610}, {Email: "guest@example.com", Orders: 1, SpendMinor: 4500, Lifetime: 45}}, nil
}
func (f *specServices) ReportSummary(_ context.Context, st loyalty.Store, period loyalty.Period) (loyalty.Summary, error) {
	if f.fail {
		return loyalty.Summary{}, errSpecDB
	}
	return loyalty.Summarize(st.Program, period, 90, loyalty.SummaryCounts{Customers: 1200, New: 140, AtStart: 900, AtEnd: 950,
		NewAtEnd: 130, Buyers: 1200, RepeatBuyers: 400, Orders: 1704, Net: 8724480, OutstandingPoint: 412000}), nil
}

var (
	specRule  = loyalty.EarningRule{ID: 31, On: loyalty.RuleOnCategory, TargetID: 100, Action: loyalty.RuleMultiply, Multiplier: loyalty.Ratio{Num: 2, Den: 1}, Active: true}
	specPromo = loyalty.Promotion{ID: 7, Name: "Double points weekend", Starts: specPaid, Ends: specPaid.Add(72 * time.Hour), Multiplier: loyalty.Ratio{Num: 2, Den: 1}, Active: true}
)

func (f *specServices) ListRules(_ context.Context, store loyalty.StoreID) ([]loyalty.EarningRule, []loyalty.Promotion, error) {
	switch {
	case f.fail:
		return nil, nil, errSpecDB
	case store != 1:
		return nil, nil, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	return []loyalty.EarningRule{specRule}, []loyalty.Promotion{specPromo}, nil
}
func (f *specServices) CreateRule(_ context.Context, store loyalty.StoreID, r loyalty.EarningRule) (loyalty.EarningRule, error) {
	switch {
	case f.fail:
		return r, errSpecDB
	case store != 1:
		return r, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	r.ID = 32
	return r, r.Validate()
}
func (f *specServices) UpdateRule(_ context.Context, _ loyalty.StoreID, id int64, patch func(*loyalty.EarningRule) error) (loyalty.EarningRule, error) {
	switch {
	case f.fail:
		return loyalty.EarningRule{}, errSpecDB
	case id != 31:
		return loyalty.EarningRule{}, loyalty.Errorf(loyalty.ENotFound, "earning rule %d not found", id)
	}
	r := specRule
	if err := patch(&r); err != nil {
		return r, err
	}
	return r, r.Validate()
}
func (f *specServices) ListCurrencies(_ context.Context, store loyalty.StoreID) ([]loyalty.CurrencyRate, error) {
	switch {
	case f.fail:
		return nil, errSpecDB
	case store != 1:
		return nil, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	return []loyalty.CurrencyRate{{Currency: "JPY", Exponent: 0, EarnPoints: 1, EarnPer: 150}}, nil
}
func (f *specServices) SetCurrency(_ context.Context, store loyalty.StoreID, r loyalty.CurrencyRate) (loyalty.CurrencyRate, error) {
	switch {
	case f.fail:
		return r, errSpecDB
	case store != 1:
		return r, loyalty.Errorf(loyalty.ENotFound, "store not found")
	case r.Currency == "USD":
		return r, loyalty.Errorf(loyalty.EInvalid, "USD is the store's own currency")
	}
	return r, r.Validate()
}
func (f *specServices) CreatePromotion(_ context.Context, store loyalty.StoreID, p loyalty.Promotion) (loyalty.Promotion, error) {
	switch {
	case f.fail:
		return p, errSpecDB
	case store != 1:
		return p, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	p.ID = 8
	return p, p.Validate()
}
func (f *specServices) UpdatePromotion(_ context.Context, _ loyalty.StoreID, id int64, patch func(*loyalty.Promotion) error) (loyalty.Promotion, error) {
	switch {
	case f.fail:
		return loyalty.Promotion{}, errSpecDB
	case id != 7:
		return loyalty.Promotion{}, loyalty.Errorf(loyalty.ENotFound, "promotion %d not found", id)
	}
	p := specPromo
	if err := patch(&p); err != nil {
		return p, err
	}
	return p, p.Validate()
}

func (f *specServices) ExpireDue(context.Context, int) (int, error) { return 0, nil }
func (f *specServices) Expiring(_ context.Context, st loyalty.Store, _ int64) (*loyalty.Expiring, error) {
	if f.fail {
		return nil, errSpecDB
	}
	return &loyalty.Expiring{Points: 50, At: time.Date(2026, 8, 31, 20, 30, 0, 0, time.UTC)}, nil
}

var specTiers = []loyalty.Tier{
	{ID: 22, Rank: 2, Names: map[string]string{"en": "Gold", "fa_IR": "طلایی"}, ThresholdKind: loyalty.TierBySpend, Threshold: 100000,
		WindowDays: 365, Multiplier: loyalty.Ratio{Num: 3, Den: 2}, Perks: loyalty.TierPerks{FreeShipping: true, BirthdayPoints: 500, RewardIDs: []int64{12}}, Active: true},
	{ID: 21, Rank: 1, Names: map[string]string{"en": "Silver"}, ThresholdKind: loyalty.TierBySpend, Threshold: 20000,
		WindowDays: 365, Multiplier: loyalty.Ratio{Num: 5, Den: 4}, Active: true},
}

func (f *specServices) ListTiers(_ context.Context, store loyalty.StoreID) ([]loyalty.Tier, error) {
	switch {
	case f.fail:
		return nil, errSpecDB
	case store != 1:
		return nil, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	return specTiers, nil
}
func (f *specServices) CreateTier(_ context.Context, store loyalty.StoreID, t loyalty.Tier) (loyalty.Tier, error) {
	switch {
	case f.fail:
		return loyalty.Tier{}, errSpecDB
	case store != 1:
		return loyalty.Tier{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
	case t.Rank == 2:
		return loyalty.Tier{}, loyalty.Errorf(loyalty.EConflict, "another tier has rank 2")
	}
	if err := t.Validate(); err != nil {
		return loyalty.Tier{}, err
	}
	t.ID = 23
	return t, nil
}
func (f *specServices) UpdateTier(_ context.Context, _ loyalty.StoreID, id int64, patch func(*loyalty.Tier) error) (loyalty.Tier, error) {
	switch {
	case f.fail:
		return loyalty.Tier{}, errSpecDB
	case id != 21:
		return loyalty.Tier{}, loyalty.Errorf(loyalty.ENotFound, "tier %d not found", id)
	}
	t := specTiers[1]
	if err := patch(&t); err != nil {
		return loyalty.Tier{}, err
	}
	if t.Rank == 2 {
		return loyalty.Tier{}, loyalty.Errorf(loyalty.EConflict, "another tier has rank 2")
	}
	return t, t.Validate()
}
func (f *specServices) CustomerTier(_ context.Context, st loyalty.Store, _ int64, history bool) (loyalty.TierStatus, error) {
	if f.fail {
		return loyalty.TierStatus{}, errSpecDB
	}
	out := loyalty.TierStatus{}
	if len(st.Tiers) == 0 {
		return out, nil
	}
	silver := specTiers[1]
	out.Current = loyalty.CustomerTier{TierID: 21, Since: specPaid, BelowSince: specPaid}
	out.Tier, out.DowngradeAt = &silver, specPaid.Add(30*24*time.Hour)
	out.Next = &loyalty.NextTier{Tier: specTiers[0], Missing: 64000, By: specPaid.Add(300 * 24 * time.Hour)}
	if history {
		out.History = []loyalty.TierChange{{From: 0, To: 21, Reason: loyalty.TierReasonQualified, Detail: "spend 36000 (365 days)", At: specPaid}}
	}
	return out, nil
}
func (f *specServices) CheckDue(context.Context, int) (int, error) { return 0, nil }

var specReferral = loyalty.ReferralView{Referral: loyalty.Referral{ID: 12, Referrer: 3, Friend: 4, Code: "K7QXM4TZB", OrderID: 5531,
	State: loyalty.ReferralPending, MaturesAt: specPaid.Add(14 * 24 * time.Hour), CreatedAt: specPaid}, ReferrerWC: 7, FriendWC: 9, FriendName: "N***"}

func (f *specServices) Summary(context.Context, loyalty.StoreID, int64) (loyalty.ReferralSummary, error) {
	if f.fail {
		return loyalty.ReferralSummary{}, errSpecDB
	}
	return loyalty.ReferralSummary{Code: "K7QXM4TZB", Counts: map[string]int64{"pending": 1, "approved": 2, "rejected": 0},
		PointsEarned: 1000, Friends: []loyalty.ReferralView{specReferral}}, nil
}
func (f *specServices) CodeValid(_ context.Context, _ loyalty.StoreID, code string) (bool, error) {
	if f.fail {
		return false, errSpecDB
	}
	return strings.EqualFold(code, "K7QXM4TZB"), nil
}
func (f *specServices) List(context.Context, loyalty.StoreID, string, int64, int64, int) ([]loyalty.ReferralView, error) {
	if f.fail {
		return nil, errSpecDB
	}
	rejected := specReferral
	rejected.ID, rejected.State, rejected.Reason, rejected.DecidedAt, rejected.DecidedBy = 11, loyalty.ReferralRejected, loyalty.ReasonSameEmail, specPaid, "system"
	return []loyalty.ReferralView{specReferral, rejected}, nil
}
func (f *specServices) Welcome(_ context.Context, _ loyalty.StoreID, _ int64, code string) (loyalty.Redemption, loyalty.Reward, bool, error) {
	switch {
	case f.fail:
		return loyalty.Redemption{}, loyalty.Reward{}, false, errSpecDB
	case code == "NOPE2345X":
		return loyalty.Redemption{}, loyalty.Reward{}, false, loyalty.Errorf(loyalty.EInvalid, "this is not a referral code of the store")
	case code == "OWN234567":
		return loyalty.Redemption{}, loyalty.Reward{}, false, loyalty.Errorf(loyalty.EConflict, "your own referral code does not give you a welcome gift")
	case code == "OFF234567":
		return loyalty.Redemption{}, loyalty.Reward{}, false, loyalty.Errorf(loyalty.ENotFound, "the store gives no welcome reward")
	}
	r := specRedemption
	r.Points, r.Kind, r.Percent, r.ValueMinor = 0, loyalty.RewardPercentDiscount, 10, 1000
	return r, loyalty.Reward{ID: 12, MinSubtotalMinor: 2000}, code == "AGAIN2345", nil
}
func (f *specServices) Decide(_ context.Context, _ loyalty.StoreID, id int64, approve bool, actor string) (loyalty.Referral, error) {
	switch {
	case f.fail:
		return loyalty.Referral{}, errSpecDB
	case id == 11:
		return loyalty.Referral{}, loyalty.Errorf(loyalty.EConflict, "referral 11 is rejected, not pending")
	case id != 12:
		return loyalty.Referral{}, loyalty.Errorf(loyalty.ENotFound, "referral %d not found", id)
	}
	r := specReferral.Referral
	r.State, r.DecidedAt, r.DecidedBy = loyalty.ReferralApproved, specPaid, actor
	if !approve {
		r.State, r.Reason = loyalty.ReferralRejected, loyalty.ReasonRejectedByHand
	}
	return r, nil
}

func (f *specServices) SetProgram(_ context.Context, _ loyalty.StoreID, p loyalty.Program) error {
	if f.fail {
		return errSpecDB
	}
	return p.Validate()
}

var specPaid = time.Date(2026, 11, 20, 9, 14, 3, 0, time.UTC)

func (f *specServices) PublicKey(context.Context, loyalty.StoreID, string) (ed25519.PublicKey, error) {
	return nil, loyalty.Errorf(loyalty.ENotFound, "key not found")
}
func (f *specServices) RegisterKey(context.Context, loyalty.StoreID, ed25519.PublicKey) (string, error) {
	if f.fail {
		return "", errSpecDB
	}
	return "k7Hn2QwPz4RtY8Vb", nil
}
func (f *specServices) RevokeKey(_ context.Context, _ loyalty.StoreID, kid string) error {
	switch {
	case f.fail:
		return errSpecDB
	case kid != "k4Fq9ZxT2mWb8LcR":
		return loyalty.Errorf(loyalty.ENotFound, "key not found")
	}
	return nil
}
func (f *specServices) OfferClaim(_ context.Context, _ loyalty.StoreID, _ int64, email string) (loyalty.ClaimOffer, error) {
	switch {
	case f.fail:
		return loyalty.ClaimOffer{}, errSpecDB
	case !strings.Contains(email, "@"):
		return loyalty.ClaimOffer{}, loyalty.Errorf(loyalty.EInvalid, "email must be an e-mail address")
	case email == "nobody@example.com":
		return loyalty.ClaimOffer{}, nil
	}
	return loyalty.ClaimOffer{Token: "Qm3r8XbKpZ2vT9wLs4NcYd6HfJa1Ue7G", Points: 45, ExpiresAt: specPaid.Add(7 * 24 * time.Hour)}, nil
}
func (f *specServices) Claim(_ context.Context, _ loyalty.StoreID, _ int64, token string) (loyalty.ClaimResult, error) {
	switch {
	case f.fail:
		return loyalty.ClaimResult{}, errSpecDB
	case token == "used":
		return loyalty.ClaimResult{}, loyalty.Errorf(loyalty.EConflict, "this claim link was already used")
	case token == "theirs":
		return loyalty.ClaimResult{}, loyalty.Errorf(loyalty.EForbidden, "this claim link was sent to another account")
	case token != "good":
		return loyalty.ClaimResult{}, loyalty.Errorf(loyalty.ENotFound, "this claim link is not valid or has expired")
	}
	return loyalty.ClaimResult{PointsMoved: 45, Balance: loyalty.Balance{Available: 45, Lifetime: 45}}, nil
}
func (f *specServices) Export(_ context.Context, _ loyalty.StoreID, email string) ([]loyalty.CustomerRecord, error) {
	switch {
	case f.fail:
		return nil, errSpecDB
	case !strings.Contains(email, "@"):
		return nil, loyalty.Errorf(loyalty.EInvalid, "email must be an e-mail address")
	}
	order := int64(5531)
	return []loyalty.CustomerRecord{
		{CustomerID: 7, Email: email, Balance: loyalty.Balance{Available: 45, Lifetime: 45},
			Activity: []loyalty.Activity{{ID: 98231, Kind: loyalty.KindOrderEarn, OrderID: &order, AvailableDelta: 45, CreatedAt: specPaid}}},
		{Email: email, Activity: []loyalty.Activity{}},
	}, nil
}
func (f *specServices) Erase(_ context.Context, _ loyalty.StoreID, email string) (loyalty.Erasure, error) {
	switch {
	case f.fail:
		return loyalty.Erasure{}, errSpecDB
	case !strings.Contains(email, "@"):
		return loyalty.Erasure{}, loyalty.Errorf(loyalty.EInvalid, "email must be an e-mail address")
	}
	return loyalty.Erasure{Customers: 2, Deliveries: 3}, nil
}

var specReward = loyalty.Reward{ID: 12, Kind: loyalty.RewardFixedDiscount, Names: map[string]string{"en": "5 off", "fa_IR": "۵ تخفیف"},
	Descriptions: map[string]string{"en": "Five dollars off your cart"}, PointsCost: 500, ValueMinor: 500, Active: true, ValidDays: 30}

func (f *specServices) CreateReward(_ context.Context, store loyalty.StoreID, r loyalty.Reward) (loyalty.Reward, error) {
	switch {
	case f.fail:
		return loyalty.Reward{}, errSpecDB
	case store != 1:
		return loyalty.Reward{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	if err := r.Validate(); err != nil {
		return loyalty.Reward{}, err
	}
	r.ID = 13
	return r, nil
}
func (f *specServices) Reward(_ context.Context, _ loyalty.StoreID, id int64) (loyalty.Reward, error) {
	switch {
	case f.fail:
		return loyalty.Reward{}, errSpecDB
	case id != 12:
		return loyalty.Reward{}, loyalty.Errorf(loyalty.ENotFound, "reward %d not found", id)
	}
	return specReward, nil
}
func (f *specServices) Rewards(context.Context, loyalty.StoreID, bool) ([]loyalty.Reward, error) {
	if f.fail {
		return nil, errSpecDB
	}
	free := loyalty.Reward{ID: 14, Kind: loyalty.RewardFreeProduct, Names: map[string]string{"en": "Free saffron"}, PointsCost: 5000,
		ProductID: 15, Active: true, ValidDays: 30}
	return []loyalty.Reward{specReward, free}, nil
}
func (f *specServices) UpdateReward(_ context.Context, _ loyalty.StoreID, id int64, change func(*loyalty.Reward) error) (loyalty.Reward, error) {
	if f.fail {
		return loyalty.Reward{}, errSpecDB
	}
	if id != 12 {
		return loyalty.Reward{}, loyalty.Errorf(loyalty.ENotFound, "reward %d not found", id)
	}
	r := specReward
	if err := change(&r); err != nil {
		return loyalty.Reward{}, err
	}
	if r.Kind != specReward.Kind {
		return loyalty.Reward{}, loyalty.Errorf(loyalty.EInvalid, "a reward's kind cannot change")
	}
	if err := r.Validate(); err != nil {
		return loyalty.Reward{}, err
	}
	return r, nil
}

var specRedemption = loyalty.Redemption{ID: 311, RewardID: 12, Kind: loyalty.RewardFixedDiscount, Code: "VAFA-7KQ2MZP9XH", Points: 500,
	ValueMinor: 500, State: loyalty.RedemptionIssued, IssuedAt: specPaid, ExpiresAt: specPaid.Add(30 * 24 * time.Hour)}

func (f *specServices) Redeem(_ context.Context, _ loyalty.StoreID, _ int64, in loyalty.RedeemInput) (loyalty.Redemption, bool, error) {
	switch {
	case f.fail:
		return loyalty.Redemption{}, false, errSpecDB
	case in.Key == "":
		return loyalty.Redemption{}, false, loyalty.Errorf(loyalty.EInvalid, "an Idempotency-Key header of 1 to 150 characters is required")
	case in.RewardID != 12:
		return loyalty.Redemption{}, false, loyalty.Errorf(loyalty.ENotFound, "reward %d not found", in.RewardID)
	case in.Key == "poor":
		return loyalty.Redemption{}, false, loyalty.Errorf(loyalty.EInsufficient, "this needs 500 points; you have 45 available")
	}
	return specRedemption, in.Key == "again", nil
}
func (f *specServices) CustomerRedemptions(context.Context, loyalty.StoreID, int64, int64, int) ([]loyalty.Redemption, error) {
	if f.fail {
		return nil, errSpecDB
	}
	used := specRedemption
	used.ID, used.Code, used.State, used.OrderID = 305, "VAFA-3PX9RT7MWA", loyalty.RedemptionUsed, 5531
	return []loyalty.Redemption{specRedemption, used}, nil
}
func (f *specServices) Release(_ context.Context, _ loyalty.StoreID, _ int64, id int64) (loyalty.Redemption, error) {
	switch {
	case f.fail:
		return loyalty.Redemption{}, errSpecDB
	case id == 305:
		return loyalty.Redemption{}, loyalty.Errorf(loyalty.EConflict, "this reward is on order 5531")
	case id != 311:
		return loyalty.Redemption{}, loyalty.Errorf(loyalty.ENotFound, "redemption %d not found", id)
	}
	r := specRedemption
	r.State = loyalty.RedemptionReleased
	return r, nil
}

// The engagement fakes (loyalty.Bonuses, Outbox, Campaigns and
// Reports.ReportPoints), keyed on inputs like the others: customer 7 has
// saved a birthday, customer 9 has not; order 123 has an open survey, 124
// one whose answer gives a reward, 99 an answered one; product 42 was bought
// and 43 not; receiver 5 and dead delivery 901 exist; campaign key
// spring-2026 was already started, campaign 7 exists and reward 99 does not.

var (
	_ loyalty.Bonuses   = (*specServices)(nil)
	_ loyalty.Outbox    = (*specServices)(nil)
	_ loyalty.Campaigns = (*specServices)(nil)
)

func (f *specServices) ReportReferrals(_ context.Context, _ loyalty.Store, _ loyalty.Period) ([]loyalty.ReferralDay, error) {
	if f.fail {
		return nil, errSpecDB
	}
	return []loyalty.ReferralDay{{Day: "2026-11-02", Pending: 1, Approved: 3}, {Day: "2026-11-05", Approved: 1, Rejected: 2}}, nil
}

func (f *specServices) ReportPoints(_ context.Context, _ loyalty.Store, _ loyalty.Period) ([]loyalty.PointsDay, error) {
	if f.fail {
		return nil, errSpecDB
	}
	return []loyalty.PointsDay{
		{Day: "2026-11-02", PointsMovement: loyalty.PointsMovement{Issued: 1200, Redeemed: 500}},
		{Day: "2026-11-03", PointsMovement: loyalty.PointsMovement{Issued: -40, Expired: 75}},
	}, nil
}

func (f *specServices) ReportProducts(_ context.Context, _ loyalty.Store, _ loyalty.Period, limit int) ([]loyalty.ProductSales, error) {
	if f.fail {
		return nil, errSpecDB
	}
	out := []loyalty.ProductSales{{ProductID: 15, Quantity: 42, Net: 189000, Orders: 40}, {ProductID: 16, Quantity: 3, Net: 0, Orders: 3}}
	return out[:min(limit, len(out))], nil
}

func (f *specServices) ReportValue(_ context.Context, st loyalty.Store, _ string) (loyalty.Value, error) {
	if f.fail {
		return loyalty.Value{}, errSpecDB
	}
	return loyalty.ValueReport(st.Program, loyalty.GroupCounts{Customers: 900, Orders: 1500, Net: 7200000, Repeaters: 400, SpanDays: 90000},
		loyalty.GroupCounts{Customers: 300, Orders: 330, Net: 1100000, Repeaters: 20}, loyalty.YearCounts{Orders: 1100, Net: 5632000, Customers: 800,
			PriorCustomers: 500, Churned: 200}, 120000, 412000), nil
}

func (f *specServices) Profile(_ context.Context, _ loyalty.StoreID, wcID int64) (loyalty.Profile, error) {
	switch {
	case f.fail:
		return loyalty.Profile{}, errSpecDB
	case wcID == 7:
		return loyalty.Profile{Birthday: &loyalty.Birthday{Month: 2, Day: 29}}, nil
	}
	return loyalty.Profile{}, nil
}
func (f *specServices) SetBirthday(_ context.Context, store loyalty.StoreID, wcID int64, b loyalty.Birthday, byAdmin bool) (loyalty.Profile, error) {
	switch {
	case f.fail:
		return loyalty.Profile{}, errSpecDB
	case store != 1:
		return loyalty.Profile{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	if err := b.Validate(); err != nil {
		return loyalty.Profile{}, err
	}
	if wcID == 7 && !byAdmin && b != (loyalty.Birthday{Month: 2, Day: 29}) {
		return loyalty.Profile{}, loyalty.Errorf(loyalty.EConflict, "your birthday is already saved; the store can correct it")
	}
	return loyalty.Profile{Birthday: &b}, nil
}

// specSurveys are customer 7's: order 123 open, 99 answered.
func specSurveys() []loyalty.Survey {
	asked := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	return []loyalty.Survey{
		{OrderID: 123, Customer: 3, RequestedAt: asked},
		{OrderID: 124, Customer: 3, RequestedAt: asked},
		{OrderID: 99, Customer: 3, RequestedAt: asked.Add(-24 * time.Hour), Answered: true, Rating: 4, Answer: "More saffron", AnsweredAt: asked},
	}
}

func (f *specServices) Surveys(context.Context, loyalty.StoreID, int64) ([]loyalty.Survey, error) {
	if f.fail {
		return nil, errSpecDB
	}
	return specSurveys(), nil
}
func (f *specServices) AnswerSurvey(_ context.Context, _ loyalty.StoreID, _, orderID int64, rating int, comment, answer string) (loyalty.SurveyResult, error) {
	if f.fail {
		return loyalty.SurveyResult{}, errSpecDB
	}
	for _, s := range specSurveys() {
		if s.OrderID != orderID {
			continue
		}
		sv, err := loyalty.CheckAnswer(s, rating, comment, answer, time.Now())
		if err != nil {
			return loyalty.SurveyResult{}, err
		}
		out := loyalty.SurveyResult{Survey: sv, Points: 50}
		if orderID == 124 {
			gift, err := loyalty.PlanGift(specReward, 3, "VAFA-5GQ8WXR2KM", specPaid)
			if err != nil {
				return loyalty.SurveyResult{}, err
			}
			gift.ID, out.Points, out.Redemption = 312, 0, &gift
		}
		return out, nil
	}
	return loyalty.SurveyResult{}, loyalty.Errorf(loyalty.ENotFound, "order %d has no survey of yours", orderID)
}
func (f *specServices) SurveyAnswers(_ context.Context, _ loyalty.StoreID, _ time.Time, limit int) ([]loyalty.SurveyAnswer, int64, loyalty.Hundredths, error) {
	if f.fail {
		return nil, 0, 0, errSpecDB
	}
	answers := []loyalty.SurveyAnswer{
		{Survey: loyalty.Survey{OrderID: 99, RequestedAt: specPaid, Answered: true, Rating: 4, Comment: "Quick delivery", AnsweredAt: specPaid.Add(time.Hour)}, WCCustomerID: 7},
		{Survey: loyalty.Survey{OrderID: 98, RequestedAt: specPaid, Answered: true, Rating: 5, Answer: "Tea", AnsweredAt: specPaid}, WCCustomerID: 9},
	}
	return answers[:min(limit, len(answers))], 4, loyalty.RatioOf(17, 4), nil
}
func (f *specServices) Review(_ context.Context, store loyalty.StoreID, _, productID, _ int64) (loyalty.ReviewOutcome, error) {
	switch {
	case f.fail:
		return loyalty.ReviewOutcome{}, errSpecDB
	case store != 1:
		return loyalty.ReviewOutcome{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
	}
	p := loyalty.DefaultProgram()
	p.ReviewPoints = 20
	return loyalty.DecideReview(p, productID == 42, false), nil
}

var specEndpoint = loyalty.Endpoint{ID: 5, Kind: loyalty.EndpointURL, URL: "https://sms.example/vafa", Secret: "s3cr3t-s3cr3t-s3cr3t",
	Events: []string{loyalty.NoticePointsEarned, loyalty.NoticeBirthdayGift}, Active: true}

func (f *specServices) SetPluginEndpoint(_ context.Context, _ loyalty.StoreID, url, secret string) (loyalty.Endpoint, error) {
	if f.fail {
		return loyalty.Endpoint{}, errSpecDB
	}
	e := loyalty.Endpoint{ID: 4, Kind: loyalty.EndpointPlugin, URL: url, Secret: secret, Active: true}
	return e, e.Validate()
}
func (f *specServices) CreateEndpoint(_ context.Context, _ loyalty.StoreID, e loyalty.Endpoint) (loyalty.Endpoint, error) {
	if f.fail {
		return loyalty.Endpoint{}, errSpecDB
	}
	e.ID, e.Kind, e.Active, e.Secret = 6, loyalty.EndpointURL, true, "Zk3vQ9pL2xW8mR4tY7bN1cF6hJ5sD0aE"
	return e, e.Validate()
}
func (f *specServices) UpdateEndpoint(_ context.Context, _ loyalty.StoreID, id int64, patch func(*loyalty.Endpoint) error) (loyalty.Endpoint, error) {
	switch {
	case f.fail:
		return loyalty.Endpoint{}, errSpecDB
	case id != 5:
		return loyalty.Endpoint{}, loyalty.Errorf(loyalty.ENotFound, "endpoint %d not found", id)
	}
	e := specEndpoint
	if err := patch(&e); err != nil {
		return loyalty.Endpoint{}, err
	}
	return e, e.Validate()
}
func (f *specServices) Endpoints(context.Context, loyalty.StoreID) ([]loyalty.Endpoint, error) {
	if f.fail {
		return nil, errSpecDB
	}
	return []loyalty.Endpoint{{ID: 4, Kind: loyalty.EndpointPlugin, URL: "https://shop.example/wp-json/vafa/v1/events", Secret: "plugin-secret-0123456789", Active: true},
		specEndpoint}, nil
}
func (f *specServices) Deliveries(_ context.Context, _ loyalty.StoreID, _ string, _ int64, limit int) ([]loyalty.DeliveryView, error) {
	if f.fail {
		return nil, errSpecDB
	}
	list := []loyalty.DeliveryView{
		{ID: 903, EventID: 8812, Type: loyalty.NoticePointsEarned, EndpointID: 4, URL: "https://shop.example/wp-json/vafa/v1/events",
			State: loyalty.DeliveryDelivered, Attempts: 1, LastStatus: 200, DeliveredAt: specPaid, CreatedAt: specPaid},
		{ID: 902, EventID: 8811, Type: loyalty.NoticeTierChanged, EndpointID: 5, URL: specEndpoint.URL, State: loyalty.DeliveryPending,
			Attempts: 2, LastStatus: 502, LastError: "502 Bad Gateway", NextAt: specPaid.Add(10 * time.Minute), CreatedAt: specPaid},
		{ID: 901, EventID: 8800, Type: loyalty.NoticeWinback, EndpointID: 5, URL: specEndpoint.URL, State: loyalty.DeliveryDead,
			Attempts: 8, LastError: "no answer in 10s", NextAt: specPaid, CreatedAt: specPaid.Add(-48 * time.Hour)},
	}
	return list[:min(limit, len(list))], nil
}
func (f *specServices) Replay(_ context.Context, _ loyalty.StoreID, id int64) (int64, error) {
	switch {
	case f.fail:
		return 0, errSpecDB
	case id == 0:
		return 3, nil
	case id == 901:
		return 1, nil
	}
	return 0, loyalty.Errorf(loyalty.ENotFound, "delivery %d is not a dead delivery of the store", id)
}

var specCampaign = loyalty.Campaign{ID: 7, Key: "spring-2026", Name: "Spring", Message: "A gift for you", Points: 100,
	Filter: loyalty.CampaignFilter{TierID: 22, LastOrderBefore: "2026-09-01"}, State: loyalty.CampaignDone, Total: 42, Granted: 42,
	Cursor: 900, CreatedAt: specPaid, UpdatedAt: specPaid, DoneAt: specPaid.Add(time.Minute)}

func (f *specServices) Preview(_ context.Context, _ loyalty.StoreID, filter loyalty.CampaignFilter) (int64, error) {
	if f.fail {
		return 0, errSpecDB
	}
	return 42, filter.Validate()
}
func (f *specServices) Create(_ context.Context, _ loyalty.StoreID, c loyalty.Campaign) (loyalty.Campaign, bool, error) {
	if f.fail {
		return loyalty.Campaign{}, false, errSpecDB
	}
	if err := c.Validate(); err != nil {
		return loyalty.Campaign{}, false, err
	}
	switch {
	case c.Key == specCampaign.Key:
		return specCampaign, false, nil
	case c.RewardID > 0 && c.RewardID != 12:
		return loyalty.Campaign{}, false, loyalty.Errorf(loyalty.ENotFound, "reward %d not found", c.RewardID)
	}
	c.ID, c.State, c.Total, c.CreatedAt, c.UpdatedAt = 8, loyalty.CampaignRunning, 42, specPaid, specPaid
	return c, true, nil
}
func (f *specServices) Campaign(_ context.Context, _ loyalty.StoreID, id int64) (loyalty.Campaign, error) {
	switch {
	case f.fail:
		return loyalty.Campaign{}, errSpecDB
	case id != 7:
		return loyalty.Campaign{}, loyalty.Errorf(loyalty.ENotFound, "campaign %d not found", id)
	}
	return specCampaign, nil
}
func (f *specServices) Campaigns(context.Context, loyalty.StoreID) ([]loyalty.Campaign, error) {
	if f.fail {
		return nil, errSpecDB
	}
	running := loyalty.Campaign{ID: 8, Key: "gold-gift", RewardID: 12, Filter: loyalty.CampaignFilter{BirthdayMonth: 4},
		State: loyalty.CampaignRunning, Total: 300, Granted: 100, CreatedAt: specPaid}
	return []loyalty.Campaign{running, specCampaign}, nil
}

// specWorld is one engine's fakes; cases change them before the request.
type specWorld struct {
	stores   *specStores
	conn     *specConnector
	inbox    *specInbox
	ledger   *specLedger
	verifier *specVerifier
	services *specServices
	ready    func(ctx context.Context) error
}

const specSecret = "whsec_test"

var errSpecDB = errors.New("db at 10.0.0.3 refused the connection")

// Tokens the fake verifier knows. Store 1 exists, store 2 does not, and
// reading store 3 fails.
var specPrincipals = map[string]auth.Principal{
	"shopper":         {StoreID: 1, Subject: "7", Scope: auth.ScopeShopper},
	"shopper-new":     {StoreID: 1, Subject: "9", Scope: auth.ScopeShopper},
	"shopper-badsub":  {StoreID: 1, Subject: "wp-user", Scope: auth.ScopeShopper},
	"shopper-gone":    {StoreID: 2, Subject: "7", Scope: auth.ScopeShopper},
	"shopper-broken":  {StoreID: 3, Subject: "7", Scope: auth.ScopeShopper},
	"admin":           {StoreID: 1, Subject: "2", Scope: auth.ScopeAdmin},
	"admin-gonestore": {StoreID: 2, Subject: "2", Scope: auth.ScopeAdmin},
}

func newSpecWorld() *specWorld {
	paid := time.Date(2026, 11, 20, 9, 14, 3, 0, time.UTC)
	order := int64(5531)
	acts := []loyalty.Activity{
		{Kind: loyalty.KindTierChange, Reason: loyalty.TierReasonQualified, CreatedAt: paid, TierNames: map[string]string{"en": "Gold", "fa_IR": "طلایی"}},
		{ID: 98231, Kind: loyalty.KindOrderEarn, OrderID: &order, PendingDelta: 40, CreatedAt: paid},
		{ID: 98190, Kind: loyalty.KindAdjustment, AvailableDelta: -75, Reason: "clawback", CreatedAt: paid.Add(-time.Hour)},
	}
	return &specWorld{
		stores: &specStores{store: func(id loyalty.StoreID) (loyalty.Store, error) {
			switch id {
			case 1:
				return loyalty.Store{ID: 1, Name: "Shop", WebhookSecret: specSecret, Program: loyalty.DefaultProgram()}, nil
			case 3:
				return loyalty.Store{}, errSpecDB
			}
			return loyalty.Store{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
		}},
		conn: &specConnector{connect: func(_ loyalty.StoreID, secret string, _ ed25519.PublicKey) (string, error) {
			switch secret {
			case "good":
				return "k4Fq9ZxT2mWb8LcR", nil
			case "used":
				return "", loyalty.Errorf(loyalty.EConflict, "the connection token was already used; create a new one")
			case "broken":
				return "", errSpecDB
			}
			return "", loyalty.Errorf(loyalty.EUnauthorized, "the connection token has expired; create a new one")
		}},
		inbox: &specInbox{
			accept: func(loyalty.InboxMessage) (int64, error) { return 77120, nil },
			list: func(loyalty.StoreID, string, int64, int) ([]loyalty.InboxRow, error) {
				return []loyalty.InboxRow{
					{ID: 77120, Topic: "order.updated", Source: "webhook", State: loyalty.InboxFlagged, Attempts: 1,
						LastError: "WooCommerce sent a REST error instead of a payload: woocommerce_rest_invalid_id", ReceivedAt: paid, ProcessedAt: &paid},
					{ID: 77119, Topic: "order.sync", Source: "sync", State: loyalty.InboxPending, ReceivedAt: paid},
				}, nil
			},
			replay: func(_ loyalty.StoreID, row int64) error {
				switch row {
				case 77120:
					return nil
				case 77119:
					return loyalty.Errorf(loyalty.EConflict, "only dead or flagged rows can be replayed; this one is pending")
				case 500:
					return errSpecDB
				}
				return loyalty.Errorf(loyalty.ENotFound, "inbox row not found")
			},
		},
		ledger: &specLedger{
			balance: func(_ loyalty.StoreID, c int64) (loyalty.Balance, error) {
				if c == 500 {
					return loyalty.Balance{}, errSpecDB
				}
				return loyalty.Balance{Available: -35, Pending: 40, Lifetime: 40}, nil
			},
			activity: func(_ loyalty.StoreID, _, _ int64, limit int) ([]loyalty.Activity, error) {
				return acts[:min(limit, len(acts))], nil
			},
			customer: func(_ loyalty.StoreID, c, _ int64, limit int) (loyalty.CustomerDetail, error) {
				switch c {
				case 7:
					return loyalty.CustomerDetail{Balance: loyalty.Balance{Available: -35, Pending: 40, Lifetime: 40},
						Email: "ana@example.com", Activity: acts[:min(limit, len(acts))]}, nil
				case 500:
					return loyalty.CustomerDetail{}, errSpecDB
				}
				return loyalty.CustomerDetail{}, loyalty.Errorf(loyalty.ENotFound, "customer %d not found", c)
			},
			adjust: func(store loyalty.StoreID, c, points int64, reason, key, actor string) (loyalty.Activity, loyalty.Balance, error) {
				switch {
				case store != 1:
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.ENotFound, "store not found")
				case c == 500:
					return loyalty.Activity{}, loyalty.Balance{}, errSpecDB
				case points == 0:
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "points must not be zero")
				case key == "":
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EInvalid, "an Idempotency-Key header of 1 to 150 characters is required")
				case key == "reused":
					return loyalty.Activity{}, loyalty.Balance{}, loyalty.Errorf(loyalty.EConflict, "idempotency key was already used with different inputs")
				}
				return loyalty.Activity{ID: 98232, Kind: loyalty.KindAdjustment, AvailableDelta: points, Reason: reason, CreatedAt: paid},
					loyalty.Balance{Available: -35 + points, Pending: 40, Lifetime: 40 + points}, nil
			},
		},
		verifier: &specVerifier{verify: func(tok string) (auth.Principal, error) {
			if p, ok := specPrincipals[tok]; ok {
				return p, nil
			}
			return auth.Principal{}, loyalty.Errorf(loyalty.EUnauthorized, "invalid or expired token")
		}},
		services: &specServices{},
		ready:    func(context.Context) error { return nil },
	}
}

func (w *specWorld) engine(t *testing.T) *gin.Engine {
	t.Helper()
	h := New(Deps{
		Stores: w.stores, Connector: w.conn, Inbox: w.inbox, Ledger: w.ledger, Verifier: w.verifier,
		Keys: w.services, Claims: w.services, Privacy: w.services, Catalog: w.services, Redemptions: w.services, Referrals: w.services, Programs: w.services,
		Tiers: w.services, Expiry: w.services, Rules: w.services, Reports: w.services,
		Bonuses: w.services, Outbox: w.services, Campaigns: w.services, Ready: w.ready, PublicURL: "https://vafa.example/", Registry: prometheus.NewRegistry(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	e, ok := h.(*gin.Engine)
	if !ok {
		t.Fatalf("New returned %T, want *gin.Engine", h)
	}
	return e
}

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

var ginParam = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// servedOperations lists "METHOD /path/{param}" for every route of e.
func servedOperations(e *gin.Engine) map[string]bool {
	out := map[string]bool{}
	for _, r := range e.Routes() {
		out[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	return out
}

// documentedOperations lists "METHOD /path/{param}" for every operation of doc.
func documentedOperations(doc *openapi3.T) map[string]bool {
	out := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out[method+" "+path] = true
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestOpenAPISpecIsValid(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	scheme := doc.Components.SecuritySchemes["bearerAuth"]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" || scheme.Value.BearerFormat != "JWT" {
		t.Errorf("bearerAuth must be an HTTP bearer JWT scheme")
	}
	for _, claim := range []string{"iss", "aud", "sub", "scope", "exp", "kid", "EdDSA", "15 minutes"} {
		if scheme != nil && !strings.Contains(scheme.Value.Description, claim) {
			t.Errorf("bearerAuth description does not mention %s", claim)
		}
	}

	// The Error code enum is exactly the loyalty error vocabulary.
	codes := []string{loyalty.EInvalid, loyalty.ENotFound, loyalty.EConflict, loyalty.EUnauthorized,
		loyalty.EForbidden, loyalty.EInsufficient, loyalty.ETooLarge, loyalty.ERateLimited, loyalty.EInternal, loyalty.EUnavailable}
	errSchema := doc.Components.Schemas["Error"]
	if errSchema == nil {
		t.Fatal("components.schemas.Error is missing")
	}
	var enum []string
	for _, v := range errSchema.Value.Properties["error"].Value.Properties["code"].Value.Enum {
		enum = append(enum, v.(string))
	}
	if !slices.Equal(slices.Sorted(slices.Values(enum)), slices.Sorted(slices.Values(codes))) {
		t.Errorf("Error.code enum = %v, want the codes of internal/loyalty/errors.go %v", enum, codes)
	}

	// Every error response (but /readyz's 503) uses the Error schema, at a
	// status some code maps to; every secured operation documents 401.
	statuses := map[int]bool{}
	for _, c := range codes {
		statuses[statusOf(c)] = true
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, r := range op.Responses.Map() {
				n, err := strconv.Atoi(status)
				if err != nil || n < 400 || path == "/readyz" {
					continue
				}
				if !statuses[n] {
					t.Errorf("%s %s documents %d, which no error code maps to", method, path, n)
				}
				mt := r.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Error" {
					t.Errorf("%s %s %d does not use the Error schema", method, path, n)
				}
			}
			if op.Security != nil && len(*op.Security) > 0 && op.Responses.Status(401) == nil {
				t.Errorf("%s %s needs a bearer token but does not document 401", method, path)
			}
		}
	}
}

func TestOpenAPISpecMatchesRoutes(t *testing.T) {
	doc := loadSpec(t)
	served := servedOperations(newSpecWorld().engine(t))
	documented := documentedOperations(doc)
	for _, op := range sortedKeys(served) {
		if !documented[op] {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for _, op := range sortedKeys(documented) {
		if !served[op] {
			t.Errorf("openapi.json documents %s, which New does not register", op)
		}
	}
	if len(served) != 73 {
		t.Errorf("New registers %d routes, want 73: update this test and openapi.json together", len(served))
	}
}

func TestOpenAPISpecIsServed(t *testing.T) {
	rec := httptest.NewRecorder()
	newSpecWorld().engine(t).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.json: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET /openapi.json: Content-Type %q", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), OpenAPI) || len(OpenAPI) < 100 {
		t.Fatalf("GET /openapi.json does not serve the embedded document (%d bytes)", rec.Body.Len())
	}
	if _, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes()); err != nil {
		t.Fatalf("served document does not load: %v", err)
	}
}

type specCase struct {
	name   string
	method string
	target string
	header map[string]string
	body   string
	setup  func(w *specWorld)
	status int
}

func specBearer(tok string, more ...string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + tok}
	for i := 0; i+1 < len(more); i += 2 {
		h[more[i]] = more[i+1]
	}
	return h
}

func specSigned(body, topic string) map[string]string {
	h := map[string]string{
		"Content-Type":             "application/json",
		"X-WC-Webhook-Signature":   woocommerce.Sign(specSecret, []byte(body)),
		"X-WC-Webhook-ID":          "3",
		"X-WC-Webhook-Delivery-ID": "c0ffee",
	}
	if topic != "" {
		h["X-WC-Webhook-Topic"] = topic
	}
	return h
}

func specCases() []specCase {
	const order = `{"id":5531,"status":"processing","currency":"USD","customer_id":7,"total":"54.00","total_tax":"4.00",` +
		`"shipping_total":"5.00","date_modified_gmt":"2026-11-20T09:14:03","date_paid_gmt":null,"billing":{"email":"Ana@example.com"},` +
		`"refunds":[{"id":9,"total":"-10.00"}],"meta_data":[{"id":1,"key":"_vafa_ref","value":"abc"}],"line_items":[]}`
	pub := base64.StdEncoding.EncodeToString(make([]byte, ed25519.PublicKeySize))
	connect := func(store, secret string) string {
		tok := auth.ConnectToken{URL: "https://vafa.example", StoreID: store, Secret: secret}.Encode()
		return `{"token":"` + tok + `","public_key":"` + pub + `","site_url":"https://shop.example"}`
	}
	js := map[string]string{"Content-Type": "application/json"}
	bigWebhook := `{"id":1,"pad":"` + strings.Repeat("x", MaxWebhookBody) + `"}`
	bigSync := `{"orders":[{"id":1,"pad":"` + strings.Repeat("x", MaxSyncBody) + `"}]}`
	failAccept := func(w *specWorld) {
		w.inbox.accept = func(loyalty.InboxMessage) (int64, error) { return 0, errSpecDB }
	}
	failLists := func(w *specWorld) {
		w.inbox.list = func(loyalty.StoreID, string, int64, int) ([]loyalty.InboxRow, error) { return nil, errSpecDB }
		w.ledger.activity = func(loyalty.StoreID, int64, int64, int) ([]loyalty.Activity, error) { return nil, errSpecDB }
		w.inbox.acceptBatch = func([]loyalty.InboxMessage) error { return errSpecDB }
	}
	adminJS := specBearer("admin", "Content-Type", "application/json")
	failServices := func(w *specWorld) { w.services.fail = true }
	referralsOn := func(w *specWorld) {
		w.stores.store = func(id loyalty.StoreID) (loyalty.Store, error) {
			p := loyalty.DefaultProgram()
			p.ReferralEnabled, p.RefereePoints = true, 200
			return loyalty.Store{ID: 1, Name: "Shop", URL: "https://shop.example/", WebhookSecret: specSecret, Program: p}, nil
		}
	}
	referralsFail := func(w *specWorld) { referralsOn(w); failServices(w) }
	tiersOn := func(w *specWorld) {
		w.stores.store = func(id loyalty.StoreID) (loyalty.Store, error) {
			return loyalty.Store{ID: 1, Name: "Shop", WebhookSecret: specSecret, Program: loyalty.DefaultProgram(), Tiers: specTiers}, nil
		}
	}
	tiersFail := func(w *specWorld) { tiersOn(w); failServices(w) }
	expiryOn := func(w *specWorld) {
		w.stores.store = func(id loyalty.StoreID) (loyalty.Store, error) {
			p := loyalty.DefaultProgram()
			p.ExpireMonths, p.TimeZone = 6, "Asia/Tehran"
			return loyalty.Store{ID: 1, Name: "Shop", WebhookSecret: specSecret, Program: p}, nil
		}
	}
	return []specCase{
		{"healthz", "GET", "/healthz", nil, "", nil, 200},
		{"ready", "GET", "/readyz", nil, "", nil, 200},
		{"not ready", "GET", "/readyz", nil, "", func(w *specWorld) {
			w.ready = func(context.Context) error { return errSpecDB }
		}, 503},
		{"openapi", "GET", "/openapi.json", nil, "", nil, 200},

		{"ping", "POST", "/webhooks/woocommerce/1", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "webhook_id=3", nil, 200},
		{"order delivery", "POST", "/webhooks/woocommerce/1", specSigned(order, "order.updated"), order, nil, 202},
		{"refund delivery", "POST", "/webhooks/woocommerce/1", specSigned(`{"action":"woocommerce_order_refunded","arg":5531}`, "action.woocommerce_order_refunded"),
			`{"action":"woocommerce_order_refunded","arg":5531}`, nil, 202},
		{"REST error body is stored", "POST", "/webhooks/woocommerce/1", specSigned(`{"code":"woocommerce_rest_invalid_id"}`, "order.updated"),
			`{"code":"woocommerce_rest_invalid_id"}`, nil, 202},
		{"signed without topic", "POST", "/webhooks/woocommerce/1", specSigned(order, ""), order, nil, 400},
		{"bad signature", "POST", "/webhooks/woocommerce/1", map[string]string{"X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": "AAAA"}, order, nil, 401},
		{"unsigned", "POST", "/webhooks/woocommerce/1", map[string]string{"X-WC-Webhook-Topic": "order.updated"}, order, nil, 401},
		{"unknown store", "POST", "/webhooks/woocommerce/2", specSigned(order, "order.updated"), order, nil, 404},
		{"non-numeric store", "POST", "/webhooks/woocommerce/abc", specSigned(order, "order.updated"), order, nil, 404},
		{"webhook too large", "POST", "/webhooks/woocommerce/1", specSigned(bigWebhook, "order.updated"), bigWebhook, nil, 413},
		{"store read fails", "POST", "/webhooks/woocommerce/3", specSigned(order, "order.updated"), order, nil, 500},
		{"inbox write fails", "POST", "/webhooks/woocommerce/1", specSigned(order, "order.updated"), order, failAccept, 500},

		{"connect", "POST", "/v1/connect", js, connect("1", "good"), nil, 200},
		{"connect empty", "POST", "/v1/connect", js, "", nil, 400},
		{"connect unknown field", "POST", "/v1/connect", js, `{"token":"x","public_key":"y","extra":1}`, nil, 400},
		{"connect bad key", "POST", "/v1/connect", js, strings.Replace(connect("1", "good"), pub, "c2hvcnQ=", 1), nil, 400},
		{"connect malformed token", "POST", "/v1/connect", js, `{"token":"nope","public_key":"` + pub + `"}`, nil, 400},
		{"connect expired", "POST", "/v1/connect", js, connect("1", "old"), nil, 401},
		{"connect unknown store", "POST", "/v1/connect", js, connect("2", "good"), nil, 401},
		{"connect used", "POST", "/v1/connect", js, connect("1", "used"), nil, 409},
		{"connect too large", "POST", "/v1/connect", js, `{"token":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"connect fails", "POST", "/v1/connect", js, connect("1", "broken"), nil, 500},

		{"program as shopper", "GET", "/v1/program", specBearer("shopper"), "", nil, 200},
		{"program as admin", "GET", "/v1/program", specBearer("admin"), "", nil, 200},
		{"program without token", "GET", "/v1/program", nil, "", nil, 401},
		{"program store gone", "GET", "/v1/program", specBearer("shopper-gone"), "", nil, 404},
		{"program store read fails", "GET", "/v1/program", specBearer("shopper-broken"), "", nil, 500},

		{"me", "GET", "/v1/me", specBearer("shopper"), "", nil, 200},
		{"me with activity", "GET", "/v1/me?include=activity&activity_limit=5", specBearer("shopper"), "", nil, 200},
		{"me with everything", "GET", "/v1/me?include=activity,rewards,redemptions,referral", specBearer("shopper"), "", nil, 200},
		{"me include unknown", "GET", "/v1/me?include=rewards,tiers", specBearer("shopper"), "", nil, 400},
		{"me activity limit 0", "GET", "/v1/me?include=activity&activity_limit=0", specBearer("shopper"), "", nil, 400},
		{"me bad token", "GET", "/v1/me", specBearer("forged"), "", nil, 401},
		{"me subject not a customer", "GET", "/v1/me", specBearer("shopper-badsub"), "", nil, 401},
		{"me as admin", "GET", "/v1/me", specBearer("admin"), "", nil, 403},
		{"me store gone", "GET", "/v1/me", specBearer("shopper-gone"), "", nil, 404},
		{"me ledger fails", "GET", "/v1/me", specBearer("shopper"), "", func(w *specWorld) {
			w.verifier.verify = func(string) (auth.Principal, error) {
				return auth.Principal{StoreID: 1, Subject: "500", Scope: auth.ScopeShopper}, nil
			}
		}, 500},

		{"me with a tier", "GET", "/v1/me?locale=fa_IR", specBearer("shopper"), "", tiersOn, 200},
		{"me tier fails", "GET", "/v1/me", specBearer("shopper"), "", tiersFail, 500},
		{"me with points expiring", "GET", "/v1/me", specBearer("shopper"), "", expiryOn, 200},
		{"me expiry fails", "GET", "/v1/me", specBearer("shopper"), "", func(w *specWorld) { expiryOn(w); failServices(w) }, 500},

		{"my tier", "GET", "/v1/me/tier?locale=fa_IR", specBearer("shopper"), "", tiersOn, 200},
		{"my tier without tiers", "GET", "/v1/me/tier", specBearer("shopper"), "", nil, 200},
		{"my tier no token", "GET", "/v1/me/tier", nil, "", nil, 401},
		{"my tier as admin", "GET", "/v1/me/tier", specBearer("admin"), "", nil, 403},
		{"my tier store gone", "GET", "/v1/me/tier", specBearer("shopper-gone"), "", nil, 404},
		{"my tier fails", "GET", "/v1/me/tier", specBearer("shopper"), "", tiersFail, 500},
		{"tiers", "GET", "/v1/admin/tiers", specBearer("admin"), "", nil, 200},
		{"tiers no token", "GET", "/v1/admin/tiers", nil, "", nil, 401},
		{"tiers as shopper", "GET", "/v1/admin/tiers", specBearer("shopper"), "", nil, 403},
		{"tiers store gone", "GET", "/v1/admin/tiers", specBearer("admin-gonestore"), "", nil, 404},
		{"tiers fail", "GET", "/v1/admin/tiers", specBearer("admin"), "", failServices, 500},
		{"create tier", "POST", "/v1/admin/tiers", adminJS, `{"name":"Platinum","names":{"ar":"بلاتيني"},"rank":3,"threshold_kind":"points","threshold":50000,"window_days":0,"multiplier":"2","perks":{"free_shipping":true,"reward_ids":["12"]}}`, nil, 201},
		{"create tier ranked last", "POST", "/v1/admin/tiers", adminJS, `{"name":"Bronze","threshold":0}`, nil, 201},
		{"create tier bad multiplier", "POST", "/v1/admin/tiers", adminJS, `{"name":"Gold","rank":3,"threshold":1,"multiplier":"1.2.5"}`, nil, 400},
		{"create tier rank taken", "POST", "/v1/admin/tiers", adminJS, `{"name":"Gold 2","rank":2,"threshold":1}`, nil, 409},
		{"create tier no token", "POST", "/v1/admin/tiers", nil, `{}`, nil, 401},
		{"create tier as shopper", "POST", "/v1/admin/tiers", specBearer("shopper"), `{}`, nil, 403},
		{"create tier store gone", "POST", "/v1/admin/tiers", specBearer("admin-gonestore"), `{"name":"Gold","rank":5,"threshold":1}`, nil, 404},
		{"create tier too large", "POST", "/v1/admin/tiers", adminJS, `{"name":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"create tier fails", "POST", "/v1/admin/tiers", adminJS, `{"name":"Gold","rank":5,"threshold":1}`, failServices, 500},
		{"change tier", "PATCH", "/v1/admin/tiers/21", adminJS, `{"threshold":25000,"multiplier":"1.3"}`, nil, 200},
		{"change tier bad kind", "PATCH", "/v1/admin/tiers/21", adminJS, `{"threshold_kind":"visits"}`, nil, 400},
		{"change tier rank taken", "PATCH", "/v1/admin/tiers/21", adminJS, `{"rank":2}`, nil, 409},
		{"change tier unknown", "PATCH", "/v1/admin/tiers/99", adminJS, `{"active":false}`, nil, 404},
		{"change tier no token", "PATCH", "/v1/admin/tiers/21", nil, `{}`, nil, 401},
		{"change tier as shopper", "PATCH", "/v1/admin/tiers/21", specBearer("shopper"), `{}`, nil, 403},
		{"change tier too large", "PATCH", "/v1/admin/tiers/21", adminJS, `{"name":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"change tier fails", "PATCH", "/v1/admin/tiers/21", adminJS, `{"active":false}`, failServices, 500},

		{"earning rules", "GET", "/v1/admin/earning-rules", specBearer("admin"), "", nil, 200},
		{"earning rules no token", "GET", "/v1/admin/earning-rules", nil, "", nil, 401},
		{"earning rules as shopper", "GET", "/v1/admin/earning-rules", specBearer("shopper"), "", nil, 403},
		{"earning rules store gone", "GET", "/v1/admin/earning-rules", specBearer("admin-gonestore"), "", nil, 404},
		{"earning rules fail", "GET", "/v1/admin/earning-rules", specBearer("admin"), "", failServices, 500},
		{"create earning rule", "POST", "/v1/admin/earning-rules", adminJS, `{"on":"category","target_id":"100","multiplier":"2"}`, nil, 201},
		{"create exclusion", "POST", "/v1/admin/earning-rules", adminJS, `{"on":"product","target_id":"16","action":"exclude"}`, nil, 201},
		{"create earning rule bad target", "POST", "/v1/admin/earning-rules", adminJS, `{"on":"category","target_id":"-3"}`, nil, 400},
		{"create earning rule no token", "POST", "/v1/admin/earning-rules", nil, `{}`, nil, 401},
		{"create earning rule as shopper", "POST", "/v1/admin/earning-rules", specBearer("shopper"), `{}`, nil, 403},
		{"create earning rule store gone", "POST", "/v1/admin/earning-rules", specBearer("admin-gonestore"), `{"on":"category","target_id":"100"}`, nil, 404},
		{"create earning rule too large", "POST", "/v1/admin/earning-rules", adminJS, `{"on":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"create earning rule fails", "POST", "/v1/admin/earning-rules", adminJS, `{"on":"category","target_id":"100"}`, failServices, 500},
		{"change earning rule", "PATCH", "/v1/admin/earning-rules/31", adminJS, `{"multiplier":"1.5"}`, nil, 200},
		{"change earning rule bad action", "PATCH", "/v1/admin/earning-rules/31", adminJS, `{"action":"double"}`, nil, 400},
		{"change earning rule unknown", "PATCH", "/v1/admin/earning-rules/99", adminJS, `{"active":false}`, nil, 404},
		{"change earning rule no token", "PATCH", "/v1/admin/earning-rules/31", nil, `{}`, nil, 401},
		{"change earning rule as shopper", "PATCH", "/v1/admin/earning-rules/31", specBearer("shopper"), `{}`, nil, 403},
		{"change earning rule too large", "PATCH", "/v1/admin/earning-rules/31", adminJS, `{"on":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"change earning rule fails", "PATCH", "/v1/admin/earning-rules/31", adminJS, `{"active":false}`, failServices, 500},
		{"promotions", "GET", "/v1/admin/promotions", specBearer("admin"), "", nil, 200},
		{"promotions no token", "GET", "/v1/admin/promotions", nil, "", nil, 401},
		{"promotions as shopper", "GET", "/v1/admin/promotions", specBearer("shopper"), "", nil, 403},
		{"promotions store gone", "GET", "/v1/admin/promotions", specBearer("admin-gonestore"), "", nil, 404},
		{"promotions fail", "GET", "/v1/admin/promotions", specBearer("admin"), "", failServices, 500},
		{"create promotion", "POST", "/v1/admin/promotions", adminJS, `{"name":"Double weekend","starts":"2026-12-03T20:30:00Z","ends":"2026-12-06T20:30:00Z","multiplier":"2","category_id":"100"}`, nil, 201},
		{"create promotion ending first", "POST", "/v1/admin/promotions", adminJS, `{"name":"Backwards","starts":"2026-12-06T20:30:00Z","ends":"2026-12-03T20:30:00Z","multiplier":"2"}`, nil, 400},
		{"create promotion no token", "POST", "/v1/admin/promotions", nil, `{}`, nil, 401},
		{"create promotion as shopper", "POST", "/v1/admin/promotions", specBearer("shopper"), `{}`, nil, 403},
		{"create promotion store gone", "POST", "/v1/admin/promotions", specBearer("admin-gonestore"), `{"name":"x","starts":"2026-12-03T20:30:00Z","ends":"2026-12-06T20:30:00Z"}`, nil, 404},
		{"create promotion too large", "POST", "/v1/admin/promotions", adminJS, `{"name":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"create promotion fails", "POST", "/v1/admin/promotions", adminJS, `{"name":"x","starts":"2026-12-03T20:30:00Z","ends":"2026-12-06T20:30:00Z"}`, failServices, 500},
		{"change promotion", "PATCH", "/v1/admin/promotions/7", adminJS, `{"active":false}`, nil, 200},
		{"change promotion bad multiplier", "PATCH", "/v1/admin/promotions/7", adminJS, `{"multiplier":"-2"}`, nil, 400},
		{"change promotion unknown", "PATCH", "/v1/admin/promotions/99", adminJS, `{"active":false}`, nil, 404},
		{"change promotion no token", "PATCH", "/v1/admin/promotions/7", nil, `{}`, nil, 401},
		{"change promotion as shopper", "PATCH", "/v1/admin/promotions/7", specBearer("shopper"), `{}`, nil, 403},
		{"change promotion too large", "PATCH", "/v1/admin/promotions/7", adminJS, `{"name":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"change promotion fails", "PATCH", "/v1/admin/promotions/7", adminJS, `{"active":false}`, failServices, 500},
		{"report summary", "GET", "/v1/admin/reports/summary?from=2026-11-01&to=2026-11-30", specBearer("admin"), "", nil, 200},
		{"report summary by default", "GET", "/v1/admin/reports/summary", specBearer("admin"), "", nil, 200},
		{"report summary bad date", "GET", "/v1/admin/reports/summary?from=1404-09-01", specBearer("admin"), "", nil, 400},
		{"report summary backwards", "GET", "/v1/admin/reports/summary?from=2026-12-01&to=2026-11-01", specBearer("admin"), "", nil, 400},
		{"report summary no token", "GET", "/v1/admin/reports/summary", nil, "", nil, 401},
		{"report summary as shopper", "GET", "/v1/admin/reports/summary", specBearer("shopper"), "", nil, 403},
		{"report summary store gone", "GET", "/v1/admin/reports/summary", specBearer("admin-gonestore"), "", nil, 404},
		{"report summary fails", "GET", "/v1/admin/reports/summary", specBearer("admin"), "", failServices, 500},
		{"report cohorts", "GET", "/v1/admin/reports/cohorts?from=2026-09-01&to=2026-10-31", specBearer("admin"), "", nil, 200},
		{"report cohorts by default", "GET", "/v1/admin/reports/cohorts", specBearer("admin"), "", nil, 200},
		{"report cohorts bad date", "GET", "/v1/admin/reports/cohorts?to=tomorrow", specBearer("admin"), "", nil, 400},
		{"report cohorts no token", "GET", "/v1/admin/reports/cohorts", nil, "", nil, 401},
		{"report cohorts as shopper", "GET", "/v1/admin/reports/cohorts", specBearer("shopper"), "", nil, 403},
		{"report cohorts store gone", "GET", "/v1/admin/reports/cohorts", specBearer("admin-gonestore"), "", nil, 404},
		{"report cohorts fails", "GET", "/v1/admin/reports/cohorts", specBearer("admin"), "", failServices, 500},
		{"report churn", "GET", "/v1/admin/reports/churn?state=lapsed&limit=50", specBearer("admin"), "", nil, 200},
		{"report churn bad state", "GET", "/v1/admin/reports/churn?state=gone", specBearer("admin"), "", nil, 400},
		{"report churn csv", "GET", "/v1/admin/reports/churn?state=at_risk&format=csv", specBearer("admin"), "", nil, 200},
		{"report cohorts csv", "GET", "/v1/admin/reports/cohorts?format=csv", specBearer("admin"), "", nil, 200},
		{"report churn no token", "GET", "/v1/admin/reports/churn", nil, "", nil, 401},
		{"report churn as shopper", "GET", "/v1/admin/reports/churn", specBearer("shopper"), "", nil, 403},
		{"report churn store gone", "GET", "/v1/admin/reports/churn", specBearer("admin-gonestore"), "", nil, 404},
		{"report churn fails", "GET", "/v1/admin/reports/churn", specBearer("admin"), "", failServices, 500},
		{"report top", "GET", "/v1/admin/reports/top?by=points&limit=10", specBearer("admin"), "", nil, 200},
		{"report top bad by", "GET", "/v1/admin/reports/top?by=visits", specBearer("admin"), "", nil, 400},
		{"report top no token", "GET", "/v1/admin/reports/top", nil, "", nil, 401},
		{"report top as shopper", "GET", "/v1/admin/reports/top", specBearer("shopper"), "", nil, 403},
		{"report top store gone", "GET", "/v1/admin/reports/top", specBearer("admin-gonestore"), "", nil, 404},
		{"report top fails", "GET", "/v1/admin/reports/top", specBearer("admin"), "", failServices, 500},
		{"report rfm", "GET", "/v1/admin/reports/rfm?segment=loyal&limit=10", specBearer("admin"), "", nil, 200},
		{"report rfm csv", "GET", "/v1/admin/reports/rfm?segment=champions&format=csv", specBearer("admin"), "", nil, 200},
		{"report rfm bad segment", "GET", "/v1/admin/reports/rfm?segment=vip", specBearer("admin"), "", nil, 400},
		{"report rfm no token", "GET", "/v1/admin/reports/rfm", nil, "", nil, 401},
		{"report rfm as shopper", "GET", "/v1/admin/reports/rfm", specBearer("shopper"), "", nil, 403},
		{"report rfm store gone", "GET", "/v1/admin/reports/rfm", specBearer("admin-gonestore"), "", nil, 404},
		{"report rfm fails", "GET", "/v1/admin/reports/rfm", specBearer("admin"), "", failServices, 500},
		{"currencies", "GET", "/v1/admin/currencies", specBearer("admin"), "", nil, 200},
		{"currencies no token", "GET", "/v1/admin/currencies", nil, "", nil, 401},
		{"currencies as shopper", "GET", "/v1/admin/currencies", specBearer("shopper"), "", nil, 403},
		{"currencies store gone", "GET", "/v1/admin/currencies", specBearer("admin-gonestore"), "", nil, 404},
		{"currencies fail", "GET", "/v1/admin/currencies", specBearer("admin"), "", failServices, 500},
		{"set currency", "PUT", "/v1/admin/currencies/JPY", adminJS, `{"exponent":0,"earn_points":1,"earn_per":150}`, nil, 200},
		{"set the store's own currency", "PUT", "/v1/admin/currencies/USD", adminJS, `{"exponent":2,"earn_points":1,"earn_per":1}`, nil, 400},
		{"set currency no token", "PUT", "/v1/admin/currencies/JPY", nil, `{}`, nil, 401},
		{"set currency as shopper", "PUT", "/v1/admin/currencies/JPY", specBearer("shopper"), `{}`, nil, 403},
		{"set currency store gone", "PUT", "/v1/admin/currencies/JPY", specBearer("admin-gonestore"), `{"exponent":0,"earn_points":1,"earn_per":150}`, nil, 404},
		{"set currency too large", "PUT", "/v1/admin/currencies/JPY", adminJS, `{"exponent":` + strings.Repeat("1", MaxJSONBody) + `}`, nil, 413},
		{"set currency fails", "PUT", "/v1/admin/currencies/JPY", adminJS, `{"exponent":0,"earn_points":1,"earn_per":150}`, failServices, 500},
		{"program with rules", "GET", "/v1/program", specBearer("shopper"), "", func(w *specWorld) {
			w.stores.store = func(id loyalty.StoreID) (loyalty.Store, error) {
				p := specPromo
				p.Ends = time.Now().Add(time.Hour)
				return loyalty.Store{ID: 1, Name: "Shop", WebhookSecret: specSecret, Program: loyalty.DefaultProgram(),
					Rules: []loyalty.EarningRule{specRule}, Promotions: []loyalty.Promotion{p}}, nil
			}
		}, 200},

		{"activity", "GET", "/v1/me/activity?limit=2", specBearer("shopper"), "", nil, 200},
		{"activity last page", "GET", "/v1/me/activity?limit=20&cursor=98190", specBearer("shopper"), "", nil, 200},
		{"activity empty", "GET", "/v1/me/activity", specBearer("shopper"), "", func(w *specWorld) { w.ledger.activity = nil }, 200},
		{"activity bad limit", "GET", "/v1/me/activity?limit=0", specBearer("shopper"), "", nil, 400},
		{"activity bad cursor", "GET", "/v1/me/activity?cursor=-4", specBearer("shopper"), "", nil, 400},
		{"activity no token", "GET", "/v1/me/activity", nil, "", nil, 401},
		{"activity as admin", "GET", "/v1/me/activity", specBearer("admin"), "", nil, 403},
		{"activity fails", "GET", "/v1/me/activity", specBearer("shopper"), "", failLists, 500},

		{"customer", "GET", "/v1/admin/customers/7?limit=1", specBearer("admin"), "", nil, 200},
		{"customer bad cursor", "GET", "/v1/admin/customers/7?cursor=x", specBearer("admin"), "", nil, 400},
		{"customer no token", "GET", "/v1/admin/customers/7", nil, "", nil, 401},
		{"customer as shopper", "GET", "/v1/admin/customers/7", specBearer("shopper"), "", nil, 403},
		{"customer bad id", "GET", "/v1/admin/customers/abc", specBearer("admin"), "", nil, 404},
		{"customer unknown", "GET", "/v1/admin/customers/8", specBearer("admin"), "", nil, 404},
		{"customer fails", "GET", "/v1/admin/customers/500", specBearer("admin"), "", nil, 500},

		{"adjust", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Content-Type", "application/json", "Idempotency-Key", "k1"),
			`{"points":-50,"reason":"clawback"}`, nil, 201},
		{"adjust zero", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":0,"reason":"x"}`, nil, 400},
		{"adjust without key", "POST", "/v1/admin/customers/7/adjustments", adminJS, `{"points":5,"reason":"x"}`, nil, 400},
		{"adjust unknown field", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":5,"reason":"x","actor":"me"}`, nil, 400},
		{"adjust points not integer", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":"5","reason":"x"}`, nil, 400},
		{"adjust no token", "POST", "/v1/admin/customers/7/adjustments", nil, `{"points":5,"reason":"x"}`, nil, 401},
		{"adjust as shopper", "POST", "/v1/admin/customers/7/adjustments", specBearer("shopper", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 403},
		{"adjust bad id", "POST", "/v1/admin/customers/0/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 404},
		{"adjust store gone", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin-gonestore", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 404},
		{"adjust key reused", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "reused"), `{"points":5,"reason":"x"}`, nil, 409},
		{"adjust too large", "POST", "/v1/admin/customers/7/adjustments", specBearer("admin", "Idempotency-Key", "k1"),
			`{"points":5,"reason":"` + strings.Repeat("x", MaxJSONBody) + `"}`, nil, 413},
		{"adjust fails", "POST", "/v1/admin/customers/500/adjustments", specBearer("admin", "Idempotency-Key", "k1"), `{"points":5,"reason":"x"}`, nil, 500},

		{"inbox", "GET", "/v1/admin/inbox?state=flagged&limit=2", specBearer("admin"), "", nil, 200},
		{"inbox all states", "GET", "/v1/admin/inbox", specBearer("admin"), "", nil, 200},
		{"inbox bad state", "GET", "/v1/admin/inbox?state=weird", specBearer("admin"), "", nil, 400},
		{"inbox bad limit", "GET", "/v1/admin/inbox?limit=101", specBearer("admin"), "", nil, 400},
		{"inbox no token", "GET", "/v1/admin/inbox", nil, "", nil, 401},
		{"inbox as shopper", "GET", "/v1/admin/inbox", specBearer("shopper"), "", nil, 403},
		{"inbox fails", "GET", "/v1/admin/inbox", specBearer("admin"), "", failLists, 500},

		{"replay", "POST", "/v1/admin/inbox/77120/replay", specBearer("admin"), "", nil, 202},
		{"replay no token", "POST", "/v1/admin/inbox/77120/replay", nil, "", nil, 401},
		{"replay as shopper", "POST", "/v1/admin/inbox/77120/replay", specBearer("shopper"), "", nil, 403},
		{"replay unknown", "POST", "/v1/admin/inbox/1/replay", specBearer("admin"), "", nil, 404},
		{"replay bad id", "POST", "/v1/admin/inbox/x1/replay", specBearer("admin"), "", nil, 404},
		{"replay pending row", "POST", "/v1/admin/inbox/77119/replay", specBearer("admin"), "", nil, 409},
		{"replay fails", "POST", "/v1/admin/inbox/500/replay", specBearer("admin"), "", nil, 500},

		{"sync", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[` + order + `,{"id":5532,"status":"completed"}]}`, nil, 202},
		{"sync empty", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[]}`, nil, 400},
		{"sync without id", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[{"status":"completed"}]}`, nil, 400},
		{"sync too many", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[` + strings.Repeat(`{"id":1},`, MaxSyncOrders) + `{"id":1}]}`, nil, 400},
		{"sync no token", "POST", "/v1/admin/orders/sync", nil, `{"orders":[{"id":1}]}`, nil, 401},
		{"sync as shopper", "POST", "/v1/admin/orders/sync", specBearer("shopper"), `{"orders":[{"id":1}]}`, nil, 403},
		{"sync too large", "POST", "/v1/admin/orders/sync", adminJS, bigSync, nil, 413},
		{"sync fails", "POST", "/v1/admin/orders/sync", adminJS, `{"orders":[{"id":1}]}`, failLists, 500},
		{"add key", "POST", "/v1/admin/keys", adminJS, `{"public_key":"` + pub + `"}`, nil, 201},
		{"add key short", "POST", "/v1/admin/keys", adminJS, `{"public_key":"c2hvcnQ="}`, nil, 400},
		{"add key no token", "POST", "/v1/admin/keys", nil, `{"public_key":"` + pub + `"}`, nil, 401},
		{"add key as shopper", "POST", "/v1/admin/keys", specBearer("shopper"), `{"public_key":"` + pub + `"}`, nil, 403},
		{"add key too large", "POST", "/v1/admin/keys", adminJS, `{"public_key":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"add key fails", "POST", "/v1/admin/keys", adminJS, `{"public_key":"` + pub + `"}`, failServices, 500},
		{"revoke key", "DELETE", "/v1/admin/keys/k4Fq9ZxT2mWb8LcR", specBearer("admin"), "", nil, 200},
		{"revoke key no token", "DELETE", "/v1/admin/keys/k4Fq9ZxT2mWb8LcR", nil, "", nil, 401},
		{"revoke key as shopper", "DELETE", "/v1/admin/keys/k4Fq9ZxT2mWb8LcR", specBearer("shopper"), "", nil, 403},
		{"revoke unknown key", "DELETE", "/v1/admin/keys/nope", specBearer("admin"), "", nil, 404},
		{"revoke key fails", "DELETE", "/v1/admin/keys/k4Fq9ZxT2mWb8LcR", specBearer("admin"), "", failServices, 500},

		{"offer claim", "POST", "/v1/admin/claims", adminJS, `{"customer_id":"41","email":"ana@example.com"}`, nil, 200},
		{"offer nothing to claim", "POST", "/v1/admin/claims", adminJS, `{"customer_id":"41","email":"nobody@example.com"}`, nil, 200},
		{"offer claim bad id", "POST", "/v1/admin/claims", adminJS, `{"customer_id":"x","email":"ana@example.com"}`, nil, 400},
		{"offer claim no token", "POST", "/v1/admin/claims", nil, `{"customer_id":"41","email":"ana@example.com"}`, nil, 401},
		{"offer claim as shopper", "POST", "/v1/admin/claims", specBearer("shopper"), `{"customer_id":"41","email":"ana@example.com"}`, nil, 403},
		{"offer claim too large", "POST", "/v1/admin/claims", adminJS, `{"email":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"offer claim fails", "POST", "/v1/admin/claims", adminJS, `{"customer_id":"41","email":"ana@example.com"}`, failServices, 500},
		{"claim", "POST", "/v1/me/claims", specBearer("shopper", "Content-Type", "application/json"), `{"token":"good"}`, nil, 200},
		{"claim bad body", "POST", "/v1/me/claims", specBearer("shopper"), `{"token":1}`, nil, 400},
		{"claim no token", "POST", "/v1/me/claims", nil, `{"token":"good"}`, nil, 401},
		{"claim sent to another account", "POST", "/v1/me/claims", specBearer("shopper"), `{"token":"theirs"}`, nil, 403},
		{"claim unknown", "POST", "/v1/me/claims", specBearer("shopper"), `{"token":"nope"}`, nil, 404},
		{"claim used", "POST", "/v1/me/claims", specBearer("shopper"), `{"token":"used"}`, nil, 409},
		{"claim too large", "POST", "/v1/me/claims", specBearer("shopper"), `{"token":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"claim fails", "POST", "/v1/me/claims", specBearer("shopper"), `{"token":"good"}`, failServices, 500},

		{"export", "POST", "/v1/admin/privacy/export", adminJS, `{"email":"ana@example.com"}`, nil, 200},
		{"export bad email", "POST", "/v1/admin/privacy/export", adminJS, `{"email":"ana"}`, nil, 400},
		{"export no token", "POST", "/v1/admin/privacy/export", nil, `{"email":"ana@example.com"}`, nil, 401},
		{"export as shopper", "POST", "/v1/admin/privacy/export", specBearer("shopper"), `{"email":"ana@example.com"}`, nil, 403},
		{"export too large", "POST", "/v1/admin/privacy/export", adminJS, `{"email":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"export fails", "POST", "/v1/admin/privacy/export", adminJS, `{"email":"ana@example.com"}`, failServices, 500},
		{"erase", "POST", "/v1/admin/privacy/erase", adminJS, `{"email":"ana@example.com"}`, nil, 200},
		{"erase bad email", "POST", "/v1/admin/privacy/erase", adminJS, `{"email":"ana"}`, nil, 400},
		{"erase no token", "POST", "/v1/admin/privacy/erase", nil, `{"email":"ana@example.com"}`, nil, 401},
		{"erase as shopper", "POST", "/v1/admin/privacy/erase", specBearer("shopper"), `{"email":"ana@example.com"}`, nil, 403},
		{"erase too large", "POST", "/v1/admin/privacy/erase", adminJS, `{"email":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"erase fails", "POST", "/v1/admin/privacy/erase", adminJS, `{"email":"ana@example.com"}`, failServices, 500},

		{"rewards", "GET", "/v1/admin/rewards", specBearer("admin"), "", nil, 200},
		{"rewards no token", "GET", "/v1/admin/rewards", nil, "", nil, 401},
		{"rewards as shopper", "GET", "/v1/admin/rewards", specBearer("shopper"), "", nil, 403},
		{"rewards fail", "GET", "/v1/admin/rewards", specBearer("admin"), "", failServices, 500},
		{"create reward", "POST", "/v1/admin/rewards", adminJS, `{"kind":"percent_discount","names":{"en":"10% off","ar":"خصم ١٠٪"},"points_cost":800,"percent":10,"value_minor":2000}`, nil, 201},
		{"create reward incomplete", "POST", "/v1/admin/rewards", adminJS, `{"kind":"fixed_discount","names":{"en":"x"}}`, nil, 400},
		{"create reward no token", "POST", "/v1/admin/rewards", nil, `{}`, nil, 401},
		{"create reward as shopper", "POST", "/v1/admin/rewards", specBearer("shopper"), `{}`, nil, 403},
		{"create reward store gone", "POST", "/v1/admin/rewards", specBearer("admin-gonestore"), `{"kind":"free_shipping","names":{"en":"Free shipping"},"points_cost":300}`, nil, 404},
		{"create reward too large", "POST", "/v1/admin/rewards", adminJS, `{"kind":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"create reward fails", "POST", "/v1/admin/rewards", adminJS, `{"kind":"free_shipping","names":{"en":"Free shipping"},"points_cost":300}`, failServices, 500},
		{"reward", "GET", "/v1/admin/rewards/12", specBearer("admin"), "", nil, 200},
		{"reward no token", "GET", "/v1/admin/rewards/12", nil, "", nil, 401},
		{"reward as shopper", "GET", "/v1/admin/rewards/12", specBearer("shopper"), "", nil, 403},
		{"reward unknown", "GET", "/v1/admin/rewards/99", specBearer("admin"), "", nil, 404},
		{"reward fails", "GET", "/v1/admin/rewards/12", specBearer("admin"), "", failServices, 500},
		{"deactivate reward", "PATCH", "/v1/admin/rewards/12", adminJS, `{"active":false}`, nil, 200},
		{"change reward kind", "PATCH", "/v1/admin/rewards/12", adminJS, `{"kind":"free_shipping"}`, nil, 400},
		{"change reward no token", "PATCH", "/v1/admin/rewards/12", nil, `{"active":false}`, nil, 401},
		{"change reward as shopper", "PATCH", "/v1/admin/rewards/12", specBearer("shopper"), `{"active":false}`, nil, 403},
		{"change unknown reward", "PATCH", "/v1/admin/rewards/99", adminJS, `{"active":false}`, nil, 404},
		{"change reward too large", "PATCH", "/v1/admin/rewards/12", adminJS, `{"kind":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"change reward fails", "PATCH", "/v1/admin/rewards/12", adminJS, `{"active":false}`, failServices, 500},
		{"my rewards", "GET", "/v1/me/rewards", specBearer("shopper"), "", nil, 200},
		{"my rewards with a reserved one", "GET", "/v1/me/rewards?locale=fa_IR", specBearer("shopper"), "", tiersOn, 200},
		{"my rewards no token", "GET", "/v1/me/rewards", nil, "", nil, 401},
		{"my rewards as admin", "GET", "/v1/me/rewards", specBearer("admin"), "", nil, 403},
		{"my rewards store gone", "GET", "/v1/me/rewards", specBearer("shopper-gone"), "", nil, 404},
		{"my rewards fail", "GET", "/v1/me/rewards", specBearer("shopper"), "", failServices, 500},

		{"redemptions", "GET", "/v1/me/redemptions?limit=2", specBearer("shopper"), "", nil, 200},
		{"redemptions bad limit", "GET", "/v1/me/redemptions?limit=0", specBearer("shopper"), "", nil, 400},
		{"redemptions no token", "GET", "/v1/me/redemptions", nil, "", nil, 401},
		{"redemptions as admin", "GET", "/v1/me/redemptions", specBearer("admin"), "", nil, 403},
		{"redemptions fail", "GET", "/v1/me/redemptions", specBearer("shopper"), "", failServices, 500},
		{"redeem", "POST", "/v1/me/redemptions", specBearer("shopper", "Idempotency-Key", "cart-1", "Content-Type", "application/json"), `{"reward_id":"12","cart_subtotal_minor":4000}`, nil, 201},
		{"redeem again", "POST", "/v1/me/redemptions", specBearer("shopper", "Idempotency-Key", "again", "Content-Type", "application/json"), `{"reward_id":"12"}`, nil, 200},
		{"redeem without key", "POST", "/v1/me/redemptions", specBearer("shopper"), `{"reward_id":"12"}`, nil, 400},
		{"redeem no token", "POST", "/v1/me/redemptions", nil, `{"reward_id":"12"}`, nil, 401},
		{"redeem as admin", "POST", "/v1/me/redemptions", specBearer("admin", "Idempotency-Key", "k"), `{"reward_id":"12"}`, nil, 403},
		{"redeem unknown reward", "POST", "/v1/me/redemptions", specBearer("shopper", "Idempotency-Key", "k"), `{"reward_id":"99"}`, nil, 404},
		{"redeem too few points", "POST", "/v1/me/redemptions", specBearer("shopper", "Idempotency-Key", "poor"), `{"reward_id":"12"}`, nil, 409},
		{"redeem too large", "POST", "/v1/me/redemptions", specBearer("shopper", "Idempotency-Key", "k"), `{"reward_id":"` + strings.Repeat("1", MaxJSONBody) + `"}`, nil, 413},
		{"redeem fails", "POST", "/v1/me/redemptions", specBearer("shopper", "Idempotency-Key", "k"), `{"reward_id":"12"}`, failServices, 500},
		{"release", "DELETE", "/v1/me/redemptions/311", specBearer("shopper"), "", nil, 200},
		{"release no token", "DELETE", "/v1/me/redemptions/311", nil, "", nil, 401},
		{"release as admin", "DELETE", "/v1/me/redemptions/311", specBearer("admin"), "", nil, 403},
		{"release unknown", "DELETE", "/v1/me/redemptions/1", specBearer("shopper"), "", nil, 404},
		{"release on an order", "DELETE", "/v1/me/redemptions/305", specBearer("shopper"), "", nil, 409},
		{"release fails", "DELETE", "/v1/me/redemptions/311", specBearer("shopper"), "", failServices, 500},
		{"my referral", "GET", "/v1/me/referral", specBearer("shopper"), "", referralsOn, 200},
		{"my referral no token", "GET", "/v1/me/referral", nil, "", nil, 401},
		{"my referral as admin", "GET", "/v1/me/referral", specBearer("admin"), "", nil, 403},
		{"my referral without the program", "GET", "/v1/me/referral", specBearer("shopper"), "", nil, 404},
		{"my referral fails", "GET", "/v1/me/referral", specBearer("shopper"), "", referralsFail, 500},
		{"welcome", "POST", "/v1/me/referral/welcome", specBearer("shopper", "Content-Type", "application/json"), `{"code":"K7QXM4TZB"}`, nil, 201},
		{"welcome again", "POST", "/v1/me/referral/welcome", specBearer("shopper", "Content-Type", "application/json"), `{"code":"AGAIN2345"}`, nil, 200},
		{"welcome bad code", "POST", "/v1/me/referral/welcome", specBearer("shopper"), `{"code":"NOPE2345X"}`, nil, 400},
		{"welcome no token", "POST", "/v1/me/referral/welcome", nil, `{"code":"K7QXM4TZB"}`, nil, 401},
		{"welcome as admin", "POST", "/v1/me/referral/welcome", specBearer("admin"), `{"code":"K7QXM4TZB"}`, nil, 403},
		{"welcome without a gift", "POST", "/v1/me/referral/welcome", specBearer("shopper"), `{"code":"OFF234567"}`, nil, 404},
		{"welcome own code", "POST", "/v1/me/referral/welcome", specBearer("shopper"), `{"code":"OWN234567"}`, nil, 409},
		{"welcome too large", "POST", "/v1/me/referral/welcome", specBearer("shopper"), `{"code":"` + strings.Repeat("A", MaxJSONBody) + `"}`, nil, 413},
		{"welcome fails", "POST", "/v1/me/referral/welcome", specBearer("shopper"), `{"code":"K7QXM4TZB"}`, failServices, 500},
		{"referral code", "GET", "/v1/referrals/k7qxm4tzb", specBearer("shopper"), "", referralsOn, 200},
		{"referral code no token", "GET", "/v1/referrals/k7qxm4tzb", nil, "", nil, 401},
		{"referral code fails", "GET", "/v1/referrals/k7qxm4tzb", specBearer("admin"), "", referralsFail, 500},
		{"referrals", "GET", "/v1/admin/referrals?state=pending&referrer=7&limit=2", specBearer("admin"), "", nil, 200},
		{"referrals bad state", "GET", "/v1/admin/referrals?state=maybe", specBearer("admin"), "", nil, 400},
		{"referrals no token", "GET", "/v1/admin/referrals", nil, "", nil, 401},
		{"referrals as shopper", "GET", "/v1/admin/referrals", specBearer("shopper"), "", nil, 403},
		{"referrals fail", "GET", "/v1/admin/referrals", specBearer("admin"), "", failServices, 500},
		{"approve referral", "POST", "/v1/admin/referrals/12/approve", specBearer("admin"), "", nil, 200},
		{"approve referral bad id", "POST", "/v1/admin/referrals/x/approve", specBearer("admin"), "", nil, 400},
		{"approve referral no token", "POST", "/v1/admin/referrals/12/approve", nil, "", nil, 401},
		{"approve referral as shopper", "POST", "/v1/admin/referrals/12/approve", specBearer("shopper"), "", nil, 403},
		{"approve unknown referral", "POST", "/v1/admin/referrals/99/approve", specBearer("admin"), "", nil, 404},
		{"approve a decided referral", "POST", "/v1/admin/referrals/11/approve", specBearer("admin"), "", nil, 409},
		{"approve referral fails", "POST", "/v1/admin/referrals/12/approve", specBearer("admin"), "", failServices, 500},
		{"reject referral", "POST", "/v1/admin/referrals/12/reject", specBearer("admin"), "", nil, 200},
		{"reject referral bad id", "POST", "/v1/admin/referrals/0/reject", specBearer("admin"), "", nil, 400},
		{"reject referral no token", "POST", "/v1/admin/referrals/12/reject", nil, "", nil, 401},
		{"reject referral as shopper", "POST", "/v1/admin/referrals/12/reject", specBearer("shopper"), "", nil, 403},
		{"reject unknown referral", "POST", "/v1/admin/referrals/99/reject", specBearer("admin"), "", nil, 404},
		{"reject a decided referral", "POST", "/v1/admin/referrals/11/reject", specBearer("admin"), "", nil, 409},
		{"reject referral fails", "POST", "/v1/admin/referrals/12/reject", specBearer("admin"), "", failServices, 500},

		{"set program", "PATCH", "/v1/admin/program", adminJS, `{"redeem_max_share_percent":50,"redeem_return_on_refund":false}`, nil, 200},
		{"set program unknown setting", "PATCH", "/v1/admin/program", adminJS, `{"bonus":1}`, nil, 400},
		{"set program out of range", "PATCH", "/v1/admin/program", adminJS, `{"return_days":400}`, nil, 400},
		{"set program no token", "PATCH", "/v1/admin/program", nil, `{}`, nil, 401},
		{"set program as shopper", "PATCH", "/v1/admin/program", specBearer("shopper"), `{}`, nil, 403},
		{"set program store gone", "PATCH", "/v1/admin/program", specBearer("admin-gonestore"), `{}`, nil, 404},
		{"set program too large", "PATCH", "/v1/admin/program", adminJS, `{"currency":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"set program fails", "PATCH", "/v1/admin/program", adminJS, `{"earn_points":2}`, failServices, 500},

		{"set engagement settings", "PATCH", "/v1/admin/program", adminJS, `{"signup_points":50,"birthday_points":100,"anniversary_from":"registration",` +
			`"review_points":20,"survey_points":50,"survey_reward":12,"survey_question":"What should we stock next?","winback_days":120,` +
			`"winback_points":75,"winback_reward":0,"expiry_reminder_days":7,"anniversary_points":30}`, nil, 200},
		{"set engagement setting out of range", "PATCH", "/v1/admin/program", adminJS, `{"anniversary_from":"wedding"}`, nil, 400},

		{"my profile", "GET", "/v1/me/profile", specBearer("shopper"), "", nil, 200},
		{"my profile without a birthday", "GET", "/v1/me/profile", specBearer("shopper-new"), "", nil, 200},
		{"my profile no token", "GET", "/v1/me/profile", nil, "", nil, 401},
		{"my profile as admin", "GET", "/v1/me/profile", specBearer("admin"), "", nil, 403},
		{"my profile fails", "GET", "/v1/me/profile", specBearer("shopper"), "", failServices, 500},
		{"set my birthday", "PUT", "/v1/me/birthday", specBearer("shopper-new", "Content-Type", "application/json"), `{"month":2,"day":29}`, nil, 200},
		{"set my birthday again, same day", "PUT", "/v1/me/birthday", specBearer("shopper", "Content-Type", "application/json"), `{"month":2,"day":29}`, nil, 200},
		{"set my birthday no such day", "PUT", "/v1/me/birthday", specBearer("shopper-new"), `{"month":2,"day":30}`, nil, 400},
		{"set my birthday unknown field", "PUT", "/v1/me/birthday", specBearer("shopper-new"), `{"month":2,"day":3,"year":1990}`, nil, 400},
		{"set my birthday no token", "PUT", "/v1/me/birthday", nil, `{"month":2,"day":3}`, nil, 401},
		{"set my birthday as admin", "PUT", "/v1/me/birthday", specBearer("admin"), `{"month":2,"day":3}`, nil, 403},
		{"set my birthday store gone", "PUT", "/v1/me/birthday", specBearer("shopper-gone"), `{"month":2,"day":3}`, nil, 404},
		{"change my birthday", "PUT", "/v1/me/birthday", specBearer("shopper"), `{"month":3,"day":1}`, nil, 409},
		{"set my birthday too large", "PUT", "/v1/me/birthday", specBearer("shopper"), `{"month":` + strings.Repeat("1", MaxJSONBody) + `}`, nil, 413},
		{"set my birthday fails", "PUT", "/v1/me/birthday", specBearer("shopper"), `{"month":3,"day":1}`, failServices, 500},
		{"correct a birthday", "PUT", "/v1/admin/customers/7/birthday", adminJS, `{"month":3,"day":1}`, nil, 200},
		{"correct a birthday no such day", "PUT", "/v1/admin/customers/7/birthday", adminJS, `{"month":13,"day":1}`, nil, 400},
		{"correct a birthday no token", "PUT", "/v1/admin/customers/7/birthday", nil, `{"month":3,"day":1}`, nil, 401},
		{"correct a birthday as shopper", "PUT", "/v1/admin/customers/7/birthday", specBearer("shopper"), `{"month":3,"day":1}`, nil, 403},
		{"correct a birthday bad id", "PUT", "/v1/admin/customers/x/birthday", adminJS, `{"month":3,"day":1}`, nil, 404},
		{"correct a birthday store gone", "PUT", "/v1/admin/customers/7/birthday", specBearer("admin-gonestore"), `{"month":3,"day":1}`, nil, 404},
		{"correct a birthday too large", "PUT", "/v1/admin/customers/7/birthday", adminJS, `{"month":` + strings.Repeat("1", MaxJSONBody) + `}`, nil, 413},
		{"correct a birthday fails", "PUT", "/v1/admin/customers/7/birthday", adminJS, `{"month":3,"day":1}`, failServices, 500},

		{"my surveys", "GET", "/v1/me/surveys", specBearer("shopper"), "", nil, 200},
		{"my surveys with a reward", "GET", "/v1/me/surveys", specBearer("shopper"), "", func(w *specWorld) {
			w.stores.store = func(id loyalty.StoreID) (loyalty.Store, error) {
				p := loyalty.DefaultProgram()
				p.SurveyPoints, p.SurveyRewardID, p.SurveyQuestion = 50, 12, "What should we stock next?"
				return loyalty.Store{ID: 1, Name: "Shop", WebhookSecret: specSecret, Program: p}, nil
			}
		}, 200},
		{"my surveys no token", "GET", "/v1/me/surveys", nil, "", nil, 401},
		{"my surveys as admin", "GET", "/v1/me/surveys", specBearer("admin"), "", nil, 403},
		{"my surveys store gone", "GET", "/v1/me/surveys", specBearer("shopper-gone"), "", nil, 404},
		{"my surveys store read fails", "GET", "/v1/me/surveys", specBearer("shopper-broken"), "", nil, 500},
		{"my surveys fail", "GET", "/v1/me/surveys", specBearer("shopper"), "", failServices, 500},
		{"answer a survey", "POST", "/v1/me/surveys", specBearer("shopper", "Content-Type", "application/json"), `{"order_id":123,"rating":5,"comment":"Quick","answer":"Saffron"}`, nil, 201},
		{"answer a survey for a reward", "POST", "/v1/me/surveys", specBearer("shopper", "Content-Type", "application/json"), `{"order_id":"124","rating":4}`, nil, 201},
		{"answer a survey bad rating", "POST", "/v1/me/surveys", specBearer("shopper"), `{"order_id":123,"rating":6}`, nil, 400},
		{"answer a survey bad order", "POST", "/v1/me/surveys", specBearer("shopper"), `{"order_id":-1,"rating":5}`, nil, 400},
		{"answer a survey no token", "POST", "/v1/me/surveys", nil, `{"order_id":123,"rating":5}`, nil, 401},
		{"answer a survey as admin", "POST", "/v1/me/surveys", specBearer("admin"), `{"order_id":123,"rating":5}`, nil, 403},
		{"answer another order's survey", "POST", "/v1/me/surveys", specBearer("shopper"), `{"order_id":5,"rating":5}`, nil, 404},
		{"answer a survey twice", "POST", "/v1/me/surveys", specBearer("shopper"), `{"order_id":99,"rating":5}`, nil, 409},
		{"answer a survey too large", "POST", "/v1/me/surveys", specBearer("shopper"), `{"comment":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"answer a survey fails", "POST", "/v1/me/surveys", specBearer("shopper"), `{"order_id":123,"rating":5}`, failServices, 500},

		{"review", "POST", "/v1/admin/reviews", adminJS, `{"customer_id":7,"product_id":42,"review_id":"1001"}`, nil, 200},
		{"review not bought", "POST", "/v1/admin/reviews", adminJS, `{"customer_id":"7","product_id":43,"review_id":1002}`, nil, 200},
		{"review without a product", "POST", "/v1/admin/reviews", adminJS, `{"customer_id":7,"review_id":1002}`, nil, 400},
		{"review no token", "POST", "/v1/admin/reviews", nil, `{"customer_id":7,"product_id":42,"review_id":1001}`, nil, 401},
		{"review as shopper", "POST", "/v1/admin/reviews", specBearer("shopper"), `{"customer_id":7,"product_id":42,"review_id":1001}`, nil, 403},
		{"review store gone", "POST", "/v1/admin/reviews", specBearer("admin-gonestore"), `{"customer_id":7,"product_id":42,"review_id":1001}`, nil, 404},
		{"review too large", "POST", "/v1/admin/reviews", adminJS, `{"customer_id":` + strings.Repeat("1", MaxJSONBody) + `}`, nil, 413},
		{"review fails", "POST", "/v1/admin/reviews", adminJS, `{"customer_id":7,"product_id":42,"review_id":1001}`, failServices, 500},
		{"survey answers", "GET", "/v1/admin/surveys?limit=2", specBearer("admin"), "", nil, 200},
		{"survey answers last page", "GET", "/v1/admin/surveys?before=2026-11-20T10:14:03Z", specBearer("admin"), "", nil, 200},
		{"survey answers bad limit", "GET", "/v1/admin/surveys?limit=201", specBearer("admin"), "", nil, 400},
		{"survey answers bad before", "GET", "/v1/admin/surveys?before=yesterday", specBearer("admin"), "", nil, 400},
		{"survey answers no token", "GET", "/v1/admin/surveys", nil, "", nil, 401},
		{"survey answers as shopper", "GET", "/v1/admin/surveys", specBearer("shopper"), "", nil, 403},
		{"survey answers fail", "GET", "/v1/admin/surveys", specBearer("admin"), "", failServices, 500},

		{"plugin receiver", "PUT", "/v1/admin/endpoints/plugin", adminJS, `{"url":"https://shop.example/wp-json/vafa/v1/events","secret":"0123456789abcdef0123456789abcdef"}`, nil, 200},
		{"plugin receiver short secret", "PUT", "/v1/admin/endpoints/plugin", adminJS, `{"url":"https://shop.example/wp-json/vafa/v1/events","secret":"short"}`, nil, 400},
		{"plugin receiver no token", "PUT", "/v1/admin/endpoints/plugin", nil, `{}`, nil, 401},
		{"plugin receiver as shopper", "PUT", "/v1/admin/endpoints/plugin", specBearer("shopper"), `{}`, nil, 403},
		{"plugin receiver too large", "PUT", "/v1/admin/endpoints/plugin", adminJS, `{"url":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"plugin receiver fails", "PUT", "/v1/admin/endpoints/plugin", adminJS, `{"url":"https://shop.example/e","secret":"0123456789abcdef"}`, failServices, 500},
		{"receivers", "GET", "/v1/admin/endpoints", specBearer("admin"), "", nil, 200},
		{"receivers no token", "GET", "/v1/admin/endpoints", nil, "", nil, 401},
		{"receivers as shopper", "GET", "/v1/admin/endpoints", specBearer("shopper"), "", nil, 403},
		{"receivers fail", "GET", "/v1/admin/endpoints", specBearer("admin"), "", failServices, 500},
		{"add receiver", "POST", "/v1/admin/endpoints", adminJS, `{"url":"https://sms.example/vafa","events":["points.earned","winback"]}`, nil, 201},
		{"add receiver of every event", "POST", "/v1/admin/endpoints", adminJS, `{"url":"https://crm.example/hook"}`, nil, 201},
		{"add receiver bad url", "POST", "/v1/admin/endpoints", adminJS, `{"url":"ftp://sms.example"}`, nil, 400},
		{"add receiver unknown event", "POST", "/v1/admin/endpoints", adminJS, `{"url":"https://sms.example/vafa","events":["order.paid"]}`, nil, 400},
		{"add receiver no token", "POST", "/v1/admin/endpoints", nil, `{}`, nil, 401},
		{"add receiver as shopper", "POST", "/v1/admin/endpoints", specBearer("shopper"), `{}`, nil, 403},
		{"add receiver too large", "POST", "/v1/admin/endpoints", adminJS, `{"url":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"add receiver fails", "POST", "/v1/admin/endpoints", adminJS, `{"url":"https://sms.example/vafa"}`, failServices, 500},
		{"change receiver", "PATCH", "/v1/admin/endpoints/5", adminJS, `{"active":false,"events":[]}`, nil, 200},
		{"change receiver bad url", "PATCH", "/v1/admin/endpoints/5", adminJS, `{"url":"sms.example"}`, nil, 400},
		{"change receiver no token", "PATCH", "/v1/admin/endpoints/5", nil, `{}`, nil, 401},
		{"change receiver as shopper", "PATCH", "/v1/admin/endpoints/5", specBearer("shopper"), `{}`, nil, 403},
		{"change unknown receiver", "PATCH", "/v1/admin/endpoints/99", adminJS, `{"active":false}`, nil, 404},
		{"change receiver too large", "PATCH", "/v1/admin/endpoints/5", adminJS, `{"url":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"change receiver fails", "PATCH", "/v1/admin/endpoints/5", adminJS, `{"active":false}`, failServices, 500},
		{"deliveries", "GET", "/v1/admin/events?limit=3", specBearer("admin"), "", nil, 200},
		{"dead deliveries", "GET", "/v1/admin/events?state=dead", specBearer("admin"), "", nil, 200},
		{"deliveries bad state", "GET", "/v1/admin/events?state=failed", specBearer("admin"), "", nil, 400},
		{"deliveries bad cursor", "GET", "/v1/admin/events?cursor=x", specBearer("admin"), "", nil, 400},
		{"deliveries no token", "GET", "/v1/admin/events", nil, "", nil, 401},
		{"deliveries as shopper", "GET", "/v1/admin/events", specBearer("shopper"), "", nil, 403},
		{"deliveries fail", "GET", "/v1/admin/events", specBearer("admin"), "", failServices, 500},
		{"replay dead deliveries", "POST", "/v1/admin/events/replay", adminJS, `{"state":"dead"}`, nil, 200},
		{"replay pending deliveries", "POST", "/v1/admin/events/replay", adminJS, `{"state":"pending"}`, nil, 400},
		{"replay deliveries no token", "POST", "/v1/admin/events/replay", nil, `{"state":"dead"}`, nil, 401},
		{"replay deliveries as shopper", "POST", "/v1/admin/events/replay", specBearer("shopper"), `{"state":"dead"}`, nil, 403},
		{"replay deliveries too large", "POST", "/v1/admin/events/replay", adminJS, `{"state":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"replay deliveries fails", "POST", "/v1/admin/events/replay", adminJS, `{"state":"dead"}`, failServices, 500},
		{"replay a delivery", "POST", "/v1/admin/events/901/replay", specBearer("admin"), "", nil, 200},
		{"replay a delivery no token", "POST", "/v1/admin/events/901/replay", nil, "", nil, 401},
		{"replay a delivery as shopper", "POST", "/v1/admin/events/901/replay", specBearer("shopper"), "", nil, 403},
		{"replay a delivery not dead", "POST", "/v1/admin/events/902/replay", specBearer("admin"), "", nil, 404},
		{"replay a delivery bad id", "POST", "/v1/admin/events/0/replay", specBearer("admin"), "", nil, 404},
		{"replay a delivery fails", "POST", "/v1/admin/events/901/replay", specBearer("admin"), "", failServices, 500},

		{"preview campaign", "POST", "/v1/admin/campaigns/preview", adminJS, `{"filter":{"tier_id":22,"last_order_before":"2026-09-01","lifetime_spend_above_minor":100000,"birthday_month":4}}`, nil, 200},
		{"preview campaign bad date", "POST", "/v1/admin/campaigns/preview", adminJS, `{"filter":{"last_order_before":"September"}}`, nil, 400},
		{"preview campaign no token", "POST", "/v1/admin/campaigns/preview", nil, `{}`, nil, 401},
		{"preview campaign as shopper", "POST", "/v1/admin/campaigns/preview", specBearer("shopper"), `{}`, nil, 403},
		{"preview campaign too large", "POST", "/v1/admin/campaigns/preview", adminJS, `{"filter":{"last_order_before":"` + strings.Repeat("a", MaxJSONBody) + `"}}`, nil, 413},
		{"preview campaign fails", "POST", "/v1/admin/campaigns/preview", adminJS, `{"filter":{}}`, failServices, 500},
		{"start campaign", "POST", "/v1/admin/campaigns", adminJS, `{"key":"autumn-2026","name":"Autumn","message":"A gift for you","points":100,"filter":{"tier_id":22}}`, nil, 202},
		{"start reward campaign", "POST", "/v1/admin/campaigns", adminJS, `{"key":"gold-gift","reward_id":"12","filter":{"birthday_month":4}}`, nil, 202},
		{"start campaign again", "POST", "/v1/admin/campaigns", adminJS, `{"key":"spring-2026","points":100}`, nil, 200},
		{"start campaign points and reward", "POST", "/v1/admin/campaigns", adminJS, `{"key":"k","points":100,"reward_id":"12"}`, nil, 400},
		{"start campaign numeric reward", "POST", "/v1/admin/campaigns", adminJS, `{"key":"k","reward_id":12}`, nil, 400},
		{"start campaign no token", "POST", "/v1/admin/campaigns", nil, `{}`, nil, 401},
		{"start campaign as shopper", "POST", "/v1/admin/campaigns", specBearer("shopper"), `{}`, nil, 403},
		{"start campaign unknown reward", "POST", "/v1/admin/campaigns", adminJS, `{"key":"k","reward_id":"99"}`, nil, 404},
		{"start campaign too large", "POST", "/v1/admin/campaigns", adminJS, `{"key":"` + strings.Repeat("a", MaxJSONBody) + `"}`, nil, 413},
		{"start campaign fails", "POST", "/v1/admin/campaigns", adminJS, `{"key":"k","points":100}`, failServices, 500},
		{"campaigns", "GET", "/v1/admin/campaigns", specBearer("admin"), "", nil, 200},
		{"campaigns no token", "GET", "/v1/admin/campaigns", nil, "", nil, 401},
		{"campaigns as shopper", "GET", "/v1/admin/campaigns", specBearer("shopper"), "", nil, 403},
		{"campaigns fail", "GET", "/v1/admin/campaigns", specBearer("admin"), "", failServices, 500},
		{"campaign", "GET", "/v1/admin/campaigns/7", specBearer("admin"), "", nil, 200},
		{"campaign no token", "GET", "/v1/admin/campaigns/7", nil, "", nil, 401},
		{"campaign as shopper", "GET", "/v1/admin/campaigns/7", specBearer("shopper"), "", nil, 403},
		{"campaign unknown", "GET", "/v1/admin/campaigns/99", specBearer("admin"), "", nil, 404},
		{"campaign fails", "GET", "/v1/admin/campaigns/7", specBearer("admin"), "", failServices, 500},

		{"report points", "GET", "/v1/admin/reports/points?from=2026-11-01&to=2026-11-30", specBearer("admin"), "", nil, 200},
		{"report points csv", "GET", "/v1/admin/reports/points?format=csv", specBearer("admin"), "", nil, 200},
		{"report points backwards", "GET", "/v1/admin/reports/points?from=2026-12-01&to=2026-11-01", specBearer("admin"), "", nil, 400},
		{"report points bad format", "GET", "/v1/admin/reports/points?format=xlsx", specBearer("admin"), "", nil, 400},
		{"report points no token", "GET", "/v1/admin/reports/points", nil, "", nil, 401},
		{"report referrals", "GET", "/v1/admin/reports/referrals?from=2026-11-01&to=2026-11-30", specBearer("admin"), "", nil, 200},
		{"report referrals csv", "GET", "/v1/admin/reports/referrals?format=csv", specBearer("admin"), "", nil, 200},
		{"report referrals backwards", "GET", "/v1/admin/reports/referrals?from=2026-12-01&to=2026-11-01", specBearer("admin"), "", nil, 400},
		{"report referrals bad format", "GET", "/v1/admin/reports/referrals?format=xlsx", specBearer("admin"), "", nil, 400},
		{"report referrals no token", "GET", "/v1/admin/reports/referrals", nil, "", nil, 401},
		{"report referrals as shopper", "GET", "/v1/admin/reports/referrals", specBearer("shopper"), "", nil, 403},
		{"report referrals store gone", "GET", "/v1/admin/reports/referrals", specBearer("admin-gonestore"), "", nil, 404},
		{"report referrals fails", "GET", "/v1/admin/reports/referrals", specBearer("admin"), "", failServices, 500},
		{"report points as shopper", "GET", "/v1/admin/reports/points", specBearer("shopper"), "", nil, 403},
		{"report points store gone", "GET", "/v1/admin/reports/points", specBearer("admin-gonestore"), "", nil, 404},
		{"report points fails", "GET", "/v1/admin/reports/points", specBearer("admin"), "", failServices, 500},
		{"report products", "GET", "/v1/admin/reports/products?from=2026-11-01&to=2026-11-30&limit=1", specBearer("admin"), "", nil, 200},
		{"report products csv", "GET", "/v1/admin/reports/products?format=csv", specBearer("admin"), "", nil, 200},
		{"report products bad limit", "GET", "/v1/admin/reports/products?limit=0", specBearer("admin"), "", nil, 400},
		{"report products no token", "GET", "/v1/admin/reports/products", nil, "", nil, 401},
		{"report products as shopper", "GET", "/v1/admin/reports/products", specBearer("shopper"), "", nil, 403},
		{"report products store gone", "GET", "/v1/admin/reports/products", specBearer("admin-gonestore"), "", nil, 404},
		{"report products fails", "GET", "/v1/admin/reports/products", specBearer("admin"), "", failServices, 500},
		{"report value", "GET", "/v1/admin/reports/value", specBearer("admin"), "", nil, 200},
		{"report value no token", "GET", "/v1/admin/reports/value", nil, "", nil, 401},
		{"report value as shopper", "GET", "/v1/admin/reports/value", specBearer("shopper"), "", nil, 403},
		{"report value store gone", "GET", "/v1/admin/reports/value", specBearer("admin-gonestore"), "", nil, 404},
		{"report value fails", "GET", "/v1/admin/reports/value", specBearer("admin"), "", failServices, 500},
	}
}

// TestOpenAPISpecDescribesResponses runs requests through the real handlers
// and validates each response against the document: its status must be
// documented for the operation and its body must match the schema. Successful
// requests must also validate as requests. Finally every documented
// operation and status must have been produced by some case, so the document
// lists no status the code cannot return.
func TestOpenAPISpecDescribesResponses(t *testing.T) {
	doc := loadSpec(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	newReq := func(tc specCase) *http.Request {
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		return req
	}

	seen := map[string]bool{} // "METHOD /path status"
	for _, tc := range specCases() {
		t.Run(tc.name, func(t *testing.T) {
			w := newSpecWorld()
			if tc.setup != nil {
				tc.setup(w)
			}
			rec := httptest.NewRecorder()
			w.engine(t).ServeHTTP(rec, newReq(tc))
			if rec.Code != tc.status {
				t.Fatalf("%s %s: status %d, want %d; body %.300s", tc.method, tc.target, rec.Code, tc.status, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "10.0.0.3") {
				t.Fatalf("an internal error leaked its cause: %s", rec.Body)
			}
			req := newReq(tc)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("%s %s is not in openapi.json: %v", tc.method, tc.target, err)
			}
			seen[routeKey(route)+" "+strconv.Itoa(rec.Code)] = true
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if rec.Code < 300 {
				if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
					t.Errorf("a request the service accepts does not validate against openapi.json: %v", err)
				}
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
			out.SetBodyBytes(rec.Body.Bytes())
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response %d %.300s does not match openapi.json: %v", rec.Code, rec.Body, err)
			}
		})
	}

	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, status := range sortedKeys(op.Responses.Map()) {
				if k := method + " " + path + " " + status; !seen[k] {
					t.Errorf("no case produces documented response %s: add one, or drop the status from openapi.json", k)
				}
			}
		}
	}
}

func routeKey(r *routers.Route) string { return r.Method + " " + r.Path }
