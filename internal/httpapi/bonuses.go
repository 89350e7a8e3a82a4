package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Bonus actions (docs/engagement.md): the shopper's birthday and surveys,
// the admin's review reports and survey answers.

func (a *api) bonusRoutes(me, admin *gin.RouterGroup) {
	me.GET("/profile", a.handle(a.myProfile))
	me.PUT("/birthday", a.handle(a.setMyBirthday))
	me.GET("/surveys", a.handle(a.mySurveys))
	me.POST("/surveys", a.handle(a.answerSurvey))
	admin.PUT("/customers/:id/birthday", a.handle(a.adminSetBirthday))
	admin.POST("/reviews", a.handle(a.adminReview))
	admin.GET("/surveys", a.handle(a.adminSurveys))
}

type profileResponse struct {
	Birthday         *loyalty.Birthday `json:"birthday"`
	BirthdayEditable bool              `json:"birthday_editable"`
}

func newProfileResponse(p loyalty.Profile) profileResponse {
	return profileResponse{Birthday: p.Birthday, BirthdayEditable: p.Birthday == nil}
}

func (a *api) myProfile(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	prof, err := a.Bonuses.Profile(c.Request.Context(), p.StoreID, cid)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newProfileResponse(prof))
	return nil
}

// setMyBirthday saves the shopper's birthday once; 409 after.
func (a *api) setMyBirthday(c *gin.Context) error {
	var req loyalty.Birthday
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	prof, err := a.Bonuses.SetBirthday(c.Request.Context(), p.StoreID, cid, req, false)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newProfileResponse(prof))
	return nil
}

// adminSetBirthday corrects a customer's birthday.
func (a *api) adminSetBirthday(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req loyalty.Birthday
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	prof, err := a.Bonuses.SetBirthday(c.Request.Context(), p.StoreID, id, req, true)
	if err != nil {
		return err
	}
	a.Logger.Info("birthday corrected", "store_id", p.StoreID, "customer", id, "actor", p.Subject)
	c.JSON(http.StatusOK, newProfileResponse(prof))
	return nil
}

type surveyResponse struct {
	OrderID     string     `json:"order_id"`
	RequestedAt time.Time  `json:"completed_at"`
	Answered    bool       `json:"answered"`
	Rating      *int       `json:"rating,omitempty"`
	Comment     string     `json:"comment,omitempty"`
	Answer      string     `json:"answer,omitempty"`
	AnsweredAt  *time.Time `json:"answered_at,omitempty"`
	CustomerID  *string    `json:"customer_id,omitempty"`
}

func newSurveyResponse(s loyalty.Survey) surveyResponse {
	out := surveyResponse{OrderID: strconv.FormatInt(s.OrderID, 10), RequestedAt: s.RequestedAt, Answered: s.Answered}
	if s.Answered {
		r := s.Rating
		out.Rating, out.Comment, out.Answer, out.AnsweredAt = &r, s.Comment, s.Answer, timePtr(s.AnsweredAt)
	}
	return out
}

type mySurveysResponse struct {
	Question string           `json:"question"`
	Points   int64            `json:"points"`
	RewardID *string          `json:"reward_id"`
	Surveys  []surveyResponse `json:"surveys"`
}

func (a *api) mySurveys(c *gin.Context) error {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	st, err := a.stores.Store(c.Request.Context(), p.StoreID)
	if err != nil {
		return err
	}
	list, err := a.Bonuses.Surveys(c.Request.Context(), p.StoreID, cid)
	if err != nil {
		return err
	}
	out := mySurveysResponse{Question: st.Program.SurveyQuestion, Points: st.Program.SurveyPoints,
		RewardID: idPtr(st.Program.SurveyRewardID), Surveys: make([]surveyResponse, 0, len(list))}
	for _, s := range list {
		out.Surveys = append(out.Surveys, newSurveyResponse(s))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type answerRequest struct {
	OrderID json.Number `json:"order_id"`
	Rating  int         `json:"rating"`
	Comment string      `json:"comment"`
	Answer  string      `json:"answer"`
}

type answerResponse struct {
	OrderID    string              `json:"order_id"`
	Rating     int                 `json:"rating"`
	Points     int64               `json:"points"`
	Redemption *redemptionResponse `json:"redemption"`
}

// answerSurvey answers a completed order's survey, once: 201 with what it gave.
func (a *api) answerSurvey(c *gin.Context) error {
	var req answerRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	order, err := strconv.ParseInt(req.OrderID.String(), 10, 64)
	if err != nil || order <= 0 {
		return loyalty.Errorf(loyalty.EInvalid, "order_id must be a positive order id")
	}
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		return err
	}
	res, err := a.Bonuses.AnswerSurvey(c.Request.Context(), p.StoreID, cid, order, req.Rating, req.Comment, req.Answer)
	if err != nil {
		return err
	}
	out := answerResponse{OrderID: strconv.FormatInt(order, 10), Rating: res.Survey.Rating, Points: res.Points}
	if res.Redemption != nil {
		r := newRedemptionResponse(*res.Redemption)
		out.Redemption = &r
	}
	c.JSON(http.StatusCreated, out)
	return nil
}

type reviewRequest struct {
	CustomerID json.Number `json:"customer_id"`
	ProductID  json.Number `json:"product_id"`
	ReviewID   json.Number `json:"review_id"`
}

type reviewResponse struct {
	Granted bool   `json:"granted"`
	Points  int64  `json:"points"`
	Reason  string `json:"reason,omitempty"`
}

// adminReview is the plugin reporting an approved product review.
func (a *api) adminReview(c *gin.Context) error {
	var req reviewRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ids := make([]int64, 3)
	for i, n := range []json.Number{req.CustomerID, req.ProductID, req.ReviewID} {
		v, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil || v <= 0 {
			return loyalty.Errorf(loyalty.EInvalid, "customer_id, product_id and review_id must be positive ids")
		}
		ids[i] = v
	}
	p := principal(c)
	out, err := a.Bonuses.Review(c.Request.Context(), p.StoreID, ids[0], ids[1], ids[2])
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, reviewResponse{Granted: out.Granted, Points: out.Points, Reason: out.Reason})
	return nil
}

type surveyAnswersResponse struct {
	Count         int64              `json:"count"`
	AverageRating loyalty.Hundredths `json:"average_rating"`
	Answers       []surveyResponse   `json:"answers"`
	NextCursor    *string            `json:"next_cursor"`
}

// adminSurveys lists the answers, newest first; cursor is the last
// answer's time (RFC 3339) from the previous page.
func (a *api) adminSurveys(c *gin.Context) error {
	limit := 50
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return loyalty.Errorf(loyalty.EInvalid, "limit must be between 1 and 200")
		}
		limit = n
	}
	var before time.Time
	if s := c.Query("before"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return loyalty.Errorf(loyalty.EInvalid, "before must be a time like 2026-11-23T10:00:00Z")
		}
		before = t
	}
	p := principal(c)
	list, n, avg, err := a.Bonuses.SurveyAnswers(c.Request.Context(), p.StoreID, before, limit)
	if err != nil {
		return err
	}
	out := surveyAnswersResponse{Count: n, AverageRating: avg, Answers: make([]surveyResponse, 0, len(list))}
	for _, s := range list {
		r := newSurveyResponse(s.Survey)
		r.CustomerID = idPtr(s.WCCustomerID)
		out.Answers = append(out.Answers, r)
	}
	if len(list) == limit {
		next := list[len(list)-1].AnsweredAt.UTC().Format(time.RFC3339Nano)
		out.NextCursor = &next
	}
	c.JSON(http.StatusOK, out)
	return nil
}
