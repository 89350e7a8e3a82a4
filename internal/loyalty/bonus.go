package loyalty

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Bonus kinds: points the store gives for something other than an order,
// each its own transaction kind so activity and reports tell them apart.
const (
	KindSignupBonus      = "signup_bonus"
	KindBirthdayBonus    = "birthday_bonus"
	KindAnniversaryBonus = "anniversary_bonus"
	KindReviewBonus      = "review_bonus"
	KindSurveyBonus      = "survey_bonus"
	KindCampaignBonus    = "campaign_bonus"
	KindWinbackBonus     = "winback_bonus"
)

// Where an anniversary counts from.
const (
	AnniversaryFirstOrder   = "first_order"
	AnniversaryRegistration = "registration"
)

// Defaults of the engagement settings.
const (
	DefaultWinbackDays        = 90
	DefaultExpiryReminderDays = 14
	// BirthdayNoticeDays: a birthday saved fewer days than this before it
	// falls is first celebrated the next year, so nobody types today's date
	// for the points.
	BirthdayNoticeDays = 30
	// SurveyDays is how long after completion an order's survey may be answered.
	SurveyDays = 90
)

// Bonus keys, one constructor per cause: each grant can post once.

// SignupKey keys a customer's sign-up bonus.
func SignupKey(customer int64) string { return fmt.Sprintf("signup:%d", customer) }

// BirthdayKey keys the birthday bonus of one year.
func BirthdayKey(customer int64, year int) string {
	return fmt.Sprintf("birthday:%d:%d", customer, year)
}

// AnniversaryKey keys the anniversary bonus of one year.
func AnniversaryKey(customer int64, year int) string {
	return fmt.Sprintf("anniversary:%d:%d", customer, year)
}

// ReviewKey keys the bonus for reviewing a product (once per product).
func ReviewKey(customer, product int64) string { return fmt.Sprintf("review:%d:%d", customer, product) }

// SurveyKey keys the bonus for answering an order's survey.
func SurveyKey(order int64) string { return fmt.Sprintf("survey:%d", order) }

// CampaignKey keys a campaign's grant to one customer.
func CampaignKey(campaign, customer int64) string {
	return fmt.Sprintf("campaign:%d:%d", campaign, customer)
}

// WinbackKey keys a lapse: the customer and the day of the order after
// which they went quiet, so the next order starts a new one.
func WinbackKey(customer int64, lastOrder time.Time) string {
	return fmt.Sprintf("winback:%d:%s", customer, lastOrder.Format(time.DateOnly))
}

// Grant is the transaction giving a customer bonus points: issued ->
// available at once (no return window: nothing can be refunded).
func Grant(kind, key string, customer, points int64, reason string, at time.Time) Transaction {
	return Transaction{Key: key, Kind: kind, Customer: customer, Reason: reason, Actor: ActorSystem, At: at,
		Postings: []Posting{{From: SystemAccount(AccountIssued), To: CustomerAccount(AccountAvailable, customer), Amount: points}}}
}

// Birthday is a day of the year (the year of birth is not asked).
type Birthday struct {
	Month int `json:"month"`
	Day   int `json:"day"`
}

// Validate returns EInvalid unless the day exists in some year (29 February does).
func (b Birthday) Validate() error {
	if b.Month < 1 || b.Month > 12 || b.Day < 1 || b.Day > 31 {
		return Errorf(EInvalid, "birthday needs a month from 1 to 12 and a day from 1 to 31")
	}
	if d := time.Date(2000, time.Month(b.Month), b.Day, 0, 0, 0, 0, time.UTC); d.Day() != b.Day {
		return Errorf(EInvalid, "%s has no day %d", time.Month(b.Month), b.Day)
	}
	return nil
}

// In is the date the birthday falls on in year: 29 February is kept on
// 28 February in years without one.
func (b Birthday) In(year int) (month, day int) {
	if b.Month == 2 && b.Day == 29 && !isLeap(year) {
		return 2, 28
	}
	return b.Month, b.Day
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// LocalDay is the store's calendar day at t, as a UTC midnight (a plain date).
func LocalDay(t time.Time, tz *time.Location) time.Time {
	l := t.In(tz)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// BirthdayDue reports whether the birthday falls on the store's day today
// (a date) and counts this year: it was saved at least BirthdayNoticeDays
// before (savedOn is the store's day it was saved).
func BirthdayDue(b Birthday, savedOn, today time.Time) bool {
	m, d := b.In(today.Year())
	if int(today.Month()) != m || today.Day() != d {
		return false
	}
	return !savedOn.After(today.AddDate(0, 0, -BirthdayNoticeDays))
}

// BirthdaysOn lists the (month, day) pairs whose birthday falls on today:
// the day itself, and 29 February on 28 February of a common year.
func BirthdaysOn(today time.Time) []Birthday {
	out := []Birthday{{int(today.Month()), today.Day()}}
	if today.Month() == 2 && today.Day() == 28 && !isLeap(today.Year()) {
		out = append(out, Birthday{2, 29})
	}
	return out
}

// BirthdayPoints is what a birthday gives: the program's points, or the
// tier's perk when it is larger.
func BirthdayPoints(p Program, tier *Tier) int64 {
	pts := p.BirthdayPoints
	if tier != nil && tier.Perks.BirthdayPoints > pts {
		pts = tier.Perks.BirthdayPoints
	}
	return pts
}

// AnniversaryDue reports whether today (the store's day) is a yearly
// anniversary of since (the store's day of the first order or
// registration), and which one (1 for the first year). 29 February counts
// on 28 February in common years.
func AnniversaryDue(since, today time.Time) (int, bool) {
	years := today.Year() - since.Year()
	if years < 1 {
		return 0, false
	}
	m, d := Birthday{int(since.Month()), since.Day()}.In(today.Year())
	return years, int(today.Month()) == m && today.Day() == d
}

// Survey is a customer's answer about a completed order.
type Survey struct {
	OrderID     int64
	Customer    int64
	RequestedAt time.Time
	Answered    bool
	Rating      int
	Comment     string
	Answer      string // to the store's own question
	AnsweredAt  time.Time
}

// SurveyEnabled reports whether the store asks for feedback after orders.
func (p Program) SurveyEnabled() bool {
	return p.SurveyPoints > 0 || p.SurveyRewardID > 0 || strings.TrimSpace(p.SurveyQuestion) != ""
}

// CheckAnswer validates an answer and returns it trimmed. EInvalid for a
// rating outside 1-5 or texts too long; EConflict when already answered;
// EConflict when the survey is past SurveyDays.
func CheckAnswer(s Survey, rating int, comment, answer string, now time.Time) (Survey, error) {
	comment, answer = strings.TrimSpace(comment), strings.TrimSpace(answer)
	switch {
	case rating < 1 || rating > 5:
		return Survey{}, Errorf(EInvalid, "rating must be from 1 to 5")
	case len([]rune(comment)) > 2000 || len([]rune(answer)) > 2000:
		return Survey{}, Errorf(EInvalid, "comment and answer must be at most 2000 characters")
	case s.Answered:
		return Survey{}, Errorf(EConflict, "this order's survey was already answered")
	case now.Sub(s.RequestedAt) > SurveyDays*24*time.Hour:
		return Survey{}, Errorf(EConflict, "this order's survey closed %d days after the order was completed", SurveyDays)
	}
	s.Answered, s.Rating, s.Comment, s.Answer, s.AnsweredAt = true, rating, comment, answer, now
	return s, nil
}

// Review reasons when a review earns nothing.
const (
	ReviewNotPurchased    = "not_purchased"
	ReviewAlreadyRewarded = "already_rewarded"
	ReviewDisabled        = "disabled"
)

// ReviewOutcome is what an approved review earned.
type ReviewOutcome struct {
	Granted bool
	Points  int64
	Reason  string // when not granted
}

// DecideReview grants review_points for a product the customer bought in a
// paid order, once per product.
func DecideReview(p Program, bought, rewarded bool) ReviewOutcome {
	switch {
	case p.ReviewPoints <= 0:
		return ReviewOutcome{Reason: ReviewDisabled}
	case rewarded:
		return ReviewOutcome{Reason: ReviewAlreadyRewarded}
	case !bought:
		return ReviewOutcome{Reason: ReviewNotPurchased}
	}
	return ReviewOutcome{Granted: true, Points: p.ReviewPoints}
}

// Campaign states.
const (
	CampaignRunning = "running"
	CampaignDone    = "done"
)

// CampaignFilter chooses a campaign's customers; zero fields do not filter.
type CampaignFilter struct {
	TierID                  int64  `json:"tier_id,omitempty"`
	LastOrderBefore         string `json:"last_order_before,omitempty"` // a date; customers whose last paid order was before it (or who never ordered)
	LifetimeSpendAboveMinor int64  `json:"lifetime_spend_above_minor,omitempty"`
	BirthdayMonth           int    `json:"birthday_month,omitempty"`
	// A report segment, frozen when the campaign starts: an RFM segment
	// (champions, loyal, ...) or a churn state (active, at_risk, lapsed).
	Segment    string `json:"segment,omitempty"`
	ChurnState string `json:"churn_state,omitempty"`
}

// Frozen reports whether the filter names a report segment, whose members
// are listed when the campaign starts (segments move as customers order).
func (f CampaignFilter) Frozen() bool { return f.Segment != "" || f.ChurnState != "" }

// Validate returns EInvalid for a malformed filter.
func (f CampaignFilter) Validate() error {
	if f.LastOrderBefore != "" {
		if _, err := time.Parse(time.DateOnly, f.LastOrderBefore); err != nil {
			return Errorf(EInvalid, "last_order_before must be a date like 2026-09-01")
		}
	}
	switch {
	case f.TierID < 0 || f.LifetimeSpendAboveMinor < 0:
		return Errorf(EInvalid, "tier_id and lifetime_spend_above_minor must be zero or more")
	case f.BirthdayMonth < 0 || f.BirthdayMonth > 12:
		return Errorf(EInvalid, "birthday_month must be from 1 to 12 (or 0 for any)")
	case f.ChurnState != "" && f.ChurnState != ChurnActive && f.ChurnState != ChurnAtRisk && f.ChurnState != ChurnLapsed:
		return Errorf(EInvalid, "churn_state must be active, at_risk or lapsed")
	}
	if f.Segment != "" {
		known := false
		for _, s := range Segments() {
			known = known || s == f.Segment
		}
		if !known {
			return Errorf(EInvalid, "segment must be one of %s", strings.Join(Segments(), ", "))
		}
	}
	return nil
}

// Campaign is a surprise grant to the customers a filter chooses: points or
// a catalog reward, with a message. Key makes its creation idempotent;
// Cursor (the last customer done) makes it resumable.
type Campaign struct {
	ID        int64
	Key       string
	Name      string
	Message   string
	Points    int64
	RewardID  int64
	Filter    CampaignFilter
	State     string
	Total     int64
	Granted   int64
	Cursor    int64
	CreatedAt time.Time
	UpdatedAt time.Time
	DoneAt    time.Time
}

// Validate returns EInvalid for a campaign that cannot run.
func (c Campaign) Validate() error {
	switch {
	case c.Key == "" || len(c.Key) > 100:
		return Errorf(EInvalid, "key must be 1 to 100 characters")
	case len([]rune(c.Name)) > 200 || len([]rune(c.Message)) > 1000:
		return Errorf(EInvalid, "name must be at most 200 characters and message at most 1000")
	case (c.Points > 0) == (c.RewardID > 0):
		return Errorf(EInvalid, "a campaign gives either points or a reward_id")
	case c.Points < 0 || c.Points > 1e9 || c.RewardID < 0:
		return Errorf(EInvalid, "points must be between 1 and 10^9")
	}
	return c.Filter.Validate()
}

// WinbackDue reports whether a customer whose last paid order was on
// lastOrder (the store's day) has lapsed by today under the program.
func WinbackDue(p Program, lastOrder, today time.Time) bool {
	if p.WinbackDays <= 0 || lastOrder.IsZero() {
		return false
	}
	return !today.Before(lastOrder.AddDate(0, 0, p.WinbackDays))
}

// PlanGift issues a catalog reward that costs no points (a survey's,
// campaign's or win-back's gift): nothing is held, using it moves nothing,
// and it is valid like any reward. EConflict when the reward is retired or
// is pay with points (which has no value without points).
func PlanGift(reward Reward, customer int64, code string, now time.Time) (Redemption, error) {
	switch {
	case !reward.Active:
		return Redemption{}, Errorf(EConflict, "reward %d is no longer offered", reward.ID)
	case reward.Kind == RewardPointsDiscount:
		return Redemption{}, Errorf(EConflict, "pay with points cannot be given as a gift")
	}
	days := reward.ValidDays
	if days <= 0 {
		days = DefaultRewardValidDays
	}
	return Redemption{Customer: customer, RewardID: reward.ID, Kind: reward.Kind, Code: code, ValueMinor: reward.ValueMinor,
		Percent: reward.Percent, ProductID: reward.ProductID, State: RedemptionIssued, IssuedAt: now,
		ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour)}, nil
}

// Profile is what the shopper told the store about themselves.
type Profile struct {
	Birthday *Birthday
}

// SurveyResult is what answering a survey gave.
type SurveyResult struct {
	Survey     Survey
	Points     int64
	Redemption *Redemption
}

// SurveyAnswer is an answered survey as the admin lists it.
type SurveyAnswer struct {
	Survey
	WCCustomerID int64
}

// Bonuses is the storage of the bonus actions (internal/mysql.BonusService).
type Bonuses interface {
	// Profile returns the WooCommerce customer's profile.
	Profile(ctx context.Context, store StoreID, wcID int64) (Profile, error)
	// SetBirthday saves the birthday; a shopper only once (EConflict), the
	// admin (byAdmin) at any time. EInvalid.
	SetBirthday(ctx context.Context, store StoreID, wcID int64, b Birthday, byAdmin bool) (Profile, error)
	// Surveys lists the customer's recent surveys, open or answered.
	Surveys(ctx context.Context, store StoreID, wcID int64) ([]Survey, error)
	// AnswerSurvey answers one and grants its bonus. ENotFound, EConflict, EInvalid.
	AnswerSurvey(ctx context.Context, store StoreID, wcID, orderID int64, rating int, comment, answer string) (SurveyResult, error)
	// SurveyAnswers lists the store's answers with their count and average rating.
	SurveyAnswers(ctx context.Context, store StoreID, before time.Time, limit int) ([]SurveyAnswer, int64, Hundredths, error)
	// Review grants the review bonus for an approved review. EInvalid.
	Review(ctx context.Context, store StoreID, wcID, productID, reviewID int64) (ReviewOutcome, error)
}

// Campaigns is the storage of surprise campaigns (internal/mysql.CampaignService).
type Campaigns interface {
	Preview(ctx context.Context, store StoreID, f CampaignFilter) (int64, error)
	// Create starts a campaign or returns the one its key started (created false).
	Create(ctx context.Context, store StoreID, c Campaign) (Campaign, bool, error)
	Campaign(ctx context.Context, store StoreID, id int64) (Campaign, error)
	Campaigns(ctx context.Context, store StoreID) ([]Campaign, error)
}
