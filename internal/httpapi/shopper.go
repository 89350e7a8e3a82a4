package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
)

const principalKey = "vafa.principal"

// authenticate verifies the bearer token and stores its principal.
func (a *api) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		a.fail(c, loyalty.Errorf(loyalty.EUnauthorized, "a Bearer token is required"))
		return
	}
	p, err := a.Verifier.Verify(c.Request.Context(), strings.TrimSpace(tok))
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Set(principalKey, p)
	c.Next()
}

// require lets only tokens of scope through: a shopper token never reaches
// admin routes, and an admin token is not a shopper (it has no customer).
func (a *api) require(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if principal(c).Scope != scope {
			a.fail(c, loyalty.Errorf(loyalty.EForbidden, "this endpoint needs a %s token", scope))
			return
		}
		c.Next()
	}
}

func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(auth.Principal)
	return pr
}

type programResponse struct {
	StoreID          string `json:"store_id"`
	Currency         string `json:"currency"`
	CurrencyExponent int    `json:"currency_exponent"`
	EarnPoints       int64  `json:"earn_points"`
	EarnPer          int64  `json:"earn_per"`
	ReturnDays       int    `json:"return_days"`
	RedeemPoints     int64  `json:"redeem_points"`
	RedeemValueMinor int64  `json:"redeem_value_minor"`
}

func (a *api) program(c *gin.Context) {
	p := principal(c)
	store, err := a.stores.Store(c.Request.Context(), p.StoreID)
	if err != nil {
		a.fail(c, err)
		return
	}
	pr := store.Program
	c.JSON(http.StatusOK, programResponse{
		StoreID: strconv.FormatInt(store.ID, 10), Currency: pr.Currency, CurrencyExponent: pr.CurrencyExponent,
		EarnPoints: pr.EarnPoints, EarnPer: pr.EarnPer, ReturnDays: pr.ReturnDays,
		RedeemPoints: pr.RedeemPoints, RedeemValueMinor: pr.RedeemValueMinor,
	})
}

type balanceResponse struct {
	CustomerID          string `json:"customer_id"`
	Available           int64  `json:"available"`
	Pending             int64  `json:"pending"`
	Lifetime            int64  `json:"lifetime"`
	AvailableValueMinor int64  `json:"available_value_minor"`
	Currency            string `json:"currency"`
	CurrencyExponent    int    `json:"currency_exponent"`
}

func (a *api) me(c *gin.Context) {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		a.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	store, err := a.stores.Store(ctx, p.StoreID)
	if err != nil {
		a.fail(c, err)
		return
	}
	b, err := a.Ledger.Balance(ctx, p.StoreID, cid)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, balanceResponse{
		CustomerID: p.Subject, Available: b.Available, Pending: b.Pending, Lifetime: b.Lifetime,
		AvailableValueMinor: store.Program.ValueMinor(b.Available),
		Currency:            store.Program.Currency, CurrencyExponent: store.Program.CurrencyExponent,
	})
}

func (a *api) myActivity(c *gin.Context) {
	p := principal(c)
	cid, err := p.CustomerID()
	if err != nil {
		a.fail(c, err)
		return
	}
	before, limit, err := page(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	items, err := a.Ledger.Activity(c.Request.Context(), p.StoreID, cid, before, limit)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": activityCursor(items, limit)})
}

func activityCursor(items []loyalty.Activity, limit int) *string {
	if len(items) == 0 {
		return nil
	}
	return nextCursor(len(items), limit, items[len(items)-1].ID)
}

// bindJSON decodes a small JSON body strictly: unknown fields, trailing data
// and oversized bodies are EInvalid / ETooLarge with a clear message.
func bindJSON(c *gin.Context, dst any) error {
	return decodeJSON(c, dst, MaxJSONBody)
}

func decodeJSON(c *gin.Context, dst any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return loyalty.Errorf(loyalty.ETooLarge, "body exceeds %d bytes", limit)
		}
		return loyalty.Errorf(loyalty.EInvalid, "could not read body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return loyalty.Errorf(loyalty.EInvalid, "body is not valid JSON for this endpoint: %s", jsonProblem(err))
	}
	if dec.More() {
		return loyalty.Errorf(loyalty.EInvalid, "body has data after the JSON value")
	}
	return nil
}

// jsonProblem describes a decode error without echoing the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at offset " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return "field " + te.Field + " must be " + te.Type.String()
	case errors.Is(err, io.EOF):
		return "empty body"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed"
}
