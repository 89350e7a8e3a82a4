// Package httpapi serves Vafa over HTTP with Gin: WooCommerce webhooks, the
// plugin's connect call, the shopper and admin JWT API, health and metrics.
// Handlers are thin: they parse, call a domain interface, and render.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Verifier checks bearer tokens.
type Verifier interface {
	Verify(ctx context.Context, token string) (auth.Principal, error)
}

// Deps are what the handlers call.
type Deps struct {
	Stores    loyalty.Stores
	Connector loyalty.Connector
	Keys      loyalty.Keys
	// Revoked is told of a key revoked through the API, so the token
	// verifier forgets it at once on this replica.
	Revoked     func(store loyalty.StoreID, kid string)
	Inbox       loyalty.Inbox
	Ledger      loyalty.CustomerLedger
	Claims      loyalty.GuestClaims
	Privacy     loyalty.Privacy
	Programs    loyalty.Programs
	Catalog     loyalty.Catalog
	Redemptions loyalty.Redemptions
	Referrals   loyalty.Referrals
	Tiers       loyalty.Tiers
	Expiry      loyalty.Expiry
	Rules       loyalty.EarningRules
	Reports     loyalty.Reports
	Bonuses     loyalty.Bonuses
	Outbox      loyalty.Outbox
	Campaigns   loyalty.Campaigns
	// Now is the service's clock (reports' default periods); time.Now when nil.
	Now       func() time.Time
	Verifier  Verifier
	Ready     func(ctx context.Context) error
	PublicURL string // base URL plugins are told to deliver webhooks to
	Logger    *slog.Logger
	Registry  *prometheus.Registry
	// StoreCacheTTL bounds how long a store's secret and program are reused
	// without a database read (webhook accept path).
	StoreCacheTTL time.Duration
	// MaxInFlight caps requests served at once; past it the service answers
	// 503 at once instead of queueing without bound (0: 1024).
	MaxInFlight int
	// Limiter, when set, answers 429 to a client address that failed
	// authentication (bearer tokens, webhook signatures) too often.
	Limiter *auth.FailureLimiter
	// TrustedProxies are the addresses (CIDRs) whose X-Forwarded-For names
	// the client; none by default, so the connection's address is used.
	TrustedProxies []string
	// ServeMetrics also serves /metrics on this handler; by default metrics
	// are served only where MetricsHandler is mounted (a separate listener).
	ServeMetrics bool
}

// Body limits.
const (
	MaxWebhookBody = 2 << 20 // a WooCommerce order with hundreds of lines fits easily
	MaxSyncBody    = 16 << 20
	MaxJSONBody    = 64 << 10
	MaxSyncOrders  = 100
)

type api struct {
	Deps
	stores   *storeCache
	metrics  *metrics
	inFlight chan struct{}
}

// New returns the service's HTTP handler. Each resource's file registers
// its own routes.
func New(d Deps) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.StoreCacheTTL == 0 {
		d.StoreCacheTTL = 10 * time.Second
	}
	if d.MaxInFlight <= 0 {
		d.MaxInFlight = 1024
	}
	a := &api{Deps: d, stores: newStoreCache(d.Stores, d.StoreCacheTTL), metrics: newMetrics(d.Registry),
		inFlight: make(chan struct{}, d.MaxInFlight)}
	r := gin.New()
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		d.Logger.Error("VAFA_TRUSTED_PROXIES ignored", "err", err)
		r.SetTrustedProxies(nil)
	}
	r.HandleMethodNotAllowed = true
	r.Use(a.recover, a.limit, a.observe)
	r.NoRoute(a.handle(func(*gin.Context) error { return loyalty.Errorf(loyalty.ENotFound, "no such endpoint") }))
	r.NoMethod(func(c *gin.Context) {
		a.failStatus(c, http.StatusMethodNotAllowed, loyalty.Errorf(loyalty.EInvalid, "method not allowed"))
	})

	a.healthRoutes(r)
	a.webhookRoutes(r)
	a.connectRoutes(r)
	v1 := r.Group("/v1", a.authenticate)
	me := v1.Group("/me", a.require(auth.ScopeShopper))
	a.meRoutes(me)
	admin := v1.Group("/admin", a.require(auth.ScopeAdmin))
	a.programRoutes(v1, admin)
	a.claimRoutes(me, admin)
	a.customerRoutes(admin)
	a.keyRoutes(admin)
	a.privacyRoutes(admin)
	a.rewardRoutes(me, admin)
	a.redemptionRoutes(me)
	a.referralRoutes(v1, me, admin)
	a.tierRoutes(me, admin)
	a.ruleRoutes(admin)
	a.reportRoutes(admin)
	a.bonusRoutes(me, admin)
	a.eventRoutes(admin)
	a.campaignRoutes(admin)
	a.inboxRoutes(admin)
	a.orderRoutes(admin)
	return r
}

func (a *api) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// limit caps the requests in flight: past the cap a request gets 503 at
// once, so a stalled database cannot pile up goroutines and connections.
func (a *api) limit(c *gin.Context) {
	select {
	case a.inFlight <- struct{}{}:
		defer func() { <-a.inFlight }()
		c.Next()
	default:
		a.fail(c, loyalty.Errorf(loyalty.EUnavailable, "the service is busy; try again shortly"))
	}
}

// MetricsHandler serves the registry's metrics, for a listener of its own
// (keep it off the public address).
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// authFailed records a failed authentication of the request's client.
func (a *api) authFailed(c *gin.Context) {
	if a.Limiter != nil {
		a.Limiter.Fail(c.ClientIP())
	}
}

// rateLimited answers 429 when the client failed authentication too often.
func (a *api) rateLimited(c *gin.Context) bool {
	if a.Limiter == nil || !a.Limiter.Blocked(c.ClientIP()) {
		return false
	}
	a.fail(c, loyalty.Errorf(loyalty.ERateLimited, "too many failed attempts from this address; try again in a minute"))
	return true
}

// handle adapts a handler that returns its error: every failure is
// rendered by fail, in one place.
func (a *api) handle(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			a.fail(c, err)
		}
	}
}

// statusOf maps error codes to HTTP statuses, in one place.
func statusOf(code string) int {
	switch code {
	case loyalty.EInvalid:
		return http.StatusBadRequest
	case loyalty.ENotFound:
		return http.StatusNotFound
	case loyalty.EConflict:
		return http.StatusConflict
	case loyalty.EUnauthorized:
		return http.StatusUnauthorized
	case loyalty.EForbidden:
		return http.StatusForbidden
	case loyalty.EInsufficient:
		return http.StatusConflict // a conflict with the balance; the code says which
	case loyalty.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case loyalty.ERateLimited:
		return http.StatusTooManyRequests
	case loyalty.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorResponse is every error's body: {"error":{"code","message"}}.
type errorResponse struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func errorBody(code, msg string) errorResponse {
	return errorResponse{Error: errorDetail{Code: code, Message: msg}}
}

// fail renders err; internal errors are logged with their cause and shown generically.
func (a *api) fail(c *gin.Context, err error) {
	a.failStatus(c, statusOf(loyalty.ErrorCode(err)), err)
}

func (a *api) failStatus(c *gin.Context, status int, err error) {
	code := loyalty.ErrorCode(err)
	if code == loyalty.EInternal {
		a.Logger.Error("request failed", "method", c.Request.Method, "route", c.FullPath(), "err", err)
	}
	c.AbortWithStatusJSON(status, errorBody(code, loyalty.ErrorMessage(err)))
}

func (a *api) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			a.Logger.Error("panic in handler", "route", c.FullPath(), "panic", r)
			a.fail(c, errors.New("panic"))
		}
	}()
	c.Next()
}

// pathID parses a positive integer path parameter; anything else is ENotFound
// (there is no such resource), so ids are never echoed back unparsed.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, loyalty.Errorf(loyalty.ENotFound, "%s not found", name)
	}
	return id, nil
}

// page reads ?limit= and ?cursor= (an opaque id bound; empty = newest).
func page(c *gin.Context) (before int64, limit int, err error) {
	limit = 20
	if s := c.Query("limit"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > 100 {
			return 0, 0, loyalty.Errorf(loyalty.EInvalid, "limit must be between 1 and 100")
		}
		limit = n
	}
	if s := c.Query("cursor"); s != "" {
		n, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil || n <= 0 {
			return 0, 0, loyalty.Errorf(loyalty.EInvalid, "cursor is not valid")
		}
		before = n
	}
	return before, limit, nil
}

// nextCursor returns the cursor for the page after items, or nil at the end.
func nextCursor(n, limit int, lastID int64) *string {
	if n < limit {
		return nil
	}
	s := strconv.FormatInt(lastID, 10)
	return &s
}
