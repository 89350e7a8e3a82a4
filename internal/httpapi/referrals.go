package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) referralRoutes(v1, me, admin *gin.RouterGroup) {
	me.GET("/referral", a.handle(a.myReferral))
	me.POST("/referral/welcome", a.handle(a.referralWelcome))
	v1.GET("/referrals/:code", a.handle(a.referralCode))
	admin.GET("/referrals", a.handle(a.adminReferrals))
	admin.POST("/referrals/:id/approve", a.handle(a.decideReferral(true)))
	admin.POST("/referrals/:id/reject", a.handle(a.decideReferral(false)))
}

// referralResponse is one referral. The friend is shown by a masked first
// name only; ids are WooCommerce customer ids ("" for a guest friend).
type referralResponse struct {
	ID         string     `json:"id"`
	ReferrerID string     `json:"referrer_id"`
	FriendID   string     `json:"friend_id"`
	FriendName string     `json:"friend_name"`
	OrderID    string     `json:"order_id"`
	State      string     `json:"state"`
	Reason     string     `json:"reason"`
	MaturesAt  time.Time  `json:"matures_at"`
	DecidedAt  *time.Time `json:"decided_at"`
	DecidedBy  string     `json:"decided_by"`
	CreatedAt  time.Time  `json:"created_at"`
}

func wcID(id int64) string {
	if id <= 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func newReferralResponse(v loyalty.ReferralView) referralResponse {
	out := referralResponse{ID: strconv.FormatInt(v.ID, 10), ReferrerID: wcID(v.ReferrerWC), FriendID: wcID(v.FriendWC),
		FriendName: v.FriendName, OrderID: strconv.FormatInt(v.OrderID, 10), State: v.State, Reason: v.Reason,
		MaturesAt: v.MaturesAt, DecidedBy: v.DecidedBy, CreatedAt: v.CreatedAt}
	if !v.DecidedAt.IsZero() {
		t := v.DecidedAt
		out.DecidedAt = &t
	}
	return out
}

// myReferralResponse is the shopper's referral page: their code and link,
// counts, points earned and friends (masked names, no ids).
type myReferralResponse struct {
	Code         string           `json:"code"`
	Link         string           `json:"link"`
	Pending      int64            `json:"pending"`
	Approved     int64            `json:"approved"`
	Rejected     int64            `json:"rejected"`
	PointsEarned int64            `json:"points_earned"`
	Friends      []referralFriend `json:"friends"`
}

type referralFriend struct {
	Name      string    `json:"name"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
}

// referralLink is the store's URL with ?ref=CODE (or &ref= when it has a query).
func referralLink(storeURL, code string) string {
	if storeURL == "" {
		return ""
	}
	sep := "?"
	if strings.Contains(storeURL, "?") {
		sep = "&"
	}
	return storeURL + sep + "ref=" + code
}

func (a *api) myReferral(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	store, err := a.stores.Store(ctx, p.StoreID)
	if err != nil {
		return err
	}
	if !store.Program.ReferralEnabled {
		return loyalty.Errorf(loyalty.ENotFound, "the store has no referral program")
	}
	out, err := a.referralSummary(c, store, cid)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// referralSummary is the customer's referral code (made on first use),
// link and friends.
func (a *api) referralSummary(c *gin.Context, store loyalty.Store, cid int64) (myReferralResponse, error) {
	s, err := a.Referrals.Summary(c.Request.Context(), store.ID, cid)
	if err != nil {
		return myReferralResponse{}, err
	}
	out := myReferralResponse{Code: s.Code, Link: referralLink(store.URL, s.Code), Pending: s.Counts[loyalty.ReferralPending],
		Approved: s.Counts[loyalty.ReferralApproved], Rejected: s.Counts[loyalty.ReferralRejected], PointsEarned: s.PointsEarned,
		Friends: make([]referralFriend, 0, len(s.Friends))}
	for _, f := range s.Friends {
		out.Friends = append(out.Friends, referralFriend{Name: f.FriendName, State: f.State, CreatedAt: f.CreatedAt})
	}
	return out, nil
}

// referralCodeResponse tells the plugin's landing notice whether a code is
// valid and what the friend gets; nothing about the referrer.
type referralCodeResponse struct {
	Valid         bool  `json:"valid"`
	WelcomePoints int64 `json:"welcome_points"`
}

func (a *api) referralCode(c *gin.Context) error {
	p := principal(c)
	ctx := c.Request.Context()
	store, err := a.stores.Store(ctx, p.StoreID)
	if err != nil {
		return err
	}
	out := referralCodeResponse{}
	if store.Program.ReferralEnabled {
		if out.Valid, err = a.Referrals.CodeValid(ctx, p.StoreID, c.Param("code")); err != nil {
			return err
		}
	}
	if out.Valid {
		out.WelcomePoints = store.Program.RefereePoints
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type referralPage struct {
	Items      []referralResponse `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

func (a *api) adminReferrals(c *gin.Context) error {
	p := principal(c)
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	state := c.Query("state")
	switch state {
	case "", loyalty.ReferralPending, loyalty.ReferralApproved, loyalty.ReferralRejected:
	default:
		return loyalty.Errorf(loyalty.EInvalid, "state must be pending, approved or rejected")
	}
	var referrer int64
	if s := c.Query("referrer"); s != "" {
		if referrer, err = strconv.ParseInt(s, 10, 64); err != nil || referrer <= 0 {
			return loyalty.Errorf(loyalty.EInvalid, "referrer must be a WooCommerce customer id")
		}
	}
	list, err := a.Referrals.List(c.Request.Context(), p.StoreID, state, referrer, before, limit)
	if err != nil {
		return err
	}
	out := referralPage{Items: make([]referralResponse, 0, len(list))}
	for _, v := range list {
		out.Items = append(out.Items, newReferralResponse(v))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(len(list), limit, list[len(list)-1].ID)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// decideReferral approves or rejects a pending referral; the admin's
// subject is recorded as the actor.
func (a *api) decideReferral(approve bool) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		p := principal(c)
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil || id <= 0 {
			return loyalty.Errorf(loyalty.EInvalid, "referral id must be a positive integer")
		}
		r, err := a.Referrals.Decide(c.Request.Context(), p.StoreID, id, approve, "admin:"+p.Subject)
		if err != nil {
			return err
		}
		a.Logger.Info("referral decided", "store_id", p.StoreID, "referral", id, "state", r.State, "actor", p.Subject)
		c.JSON(http.StatusOK, newReferralResponse(loyalty.ReferralView{Referral: r}))
		return nil
	}
}

// welcomeResponse is the friend's welcome reward: an issued reward that
// held no points, with the smallest cart subtotal it needs.
type welcomeResponse struct {
	redemptionResponse
	MinSubtotalMinor int64 `json:"min_subtotal_minor"`
}

type welcomeRequest struct {
	Code string `json:"code"`
}

// referralWelcome issues the store's welcome reward to the shopper who
// arrived with a referral code: 201, or 200 with the same reward again.
func (a *api) referralWelcome(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	var req welcomeRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	r, reward, replayed, err := a.Referrals.Welcome(c.Request.Context(), p.StoreID, cid, req.Code)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	c.JSON(status, welcomeResponse{redemptionResponse: newRedemptionResponse(r), MinSubtotalMinor: reward.MinSubtotalMinor})
	return nil
}
