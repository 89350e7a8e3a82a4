// Package httpapi serves Vafa over HTTP with Gin: WooCommerce webhooks, the
// plugin's connect call, the shopper and admin JWT API, health and metrics.
// Handlers are thin: they parse, call a domain interface, and render.
package httpapi

import (
	"context"
	_ "embed"
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

// OpenAPI is the API description served at /openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

// Verifier checks bearer tokens.
type Verifier interface {
	Verify(ctx context.Context, token string) (auth.Principal, error)
}

// Deps are what the handlers call.
type Deps struct {
	Stores    loyalty.Stores
	Connector loyalty.Connector
	Inbox     loyalty.Inbox
	Ledger    loyalty.CustomerLedger
	Verifier  Verifier
	Ready     func(ctx context.Context) error
	PublicURL string // base URL plugins are told to deliver webhooks to
	Logger    *slog.Logger
	Registry  *prometheus.Registry
	// StoreCacheTTL bounds how long a store's secret and program are reused
	// without a database read (webhook accept path).
	StoreCacheTTL time.Duration
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
	stores  *storeCache
	metrics *metrics
}

// New returns the service's HTTP handler.
func New(d Deps) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.StoreCacheTTL == 0 {
		d.StoreCacheTTL = 10 * time.Second
	}
	a := &api{Deps: d, stores: newStoreCache(d.Stores, d.StoreCacheTTL), metrics: newMetrics(d.Registry)}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(a.recover, a.observe)
	r.NoRoute(func(c *gin.Context) { a.fail(c, loyalty.Errorf(loyalty.ENotFound, "no such endpoint")) })
	r.NoMethod(func(c *gin.Context) {
		a.failStatus(c, http.StatusMethodNotAllowed, loyalty.Errorf(loyalty.EInvalid, "method not allowed"))
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", a.ready)
	if d.Registry != nil {
		r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})))
	}
	r.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", OpenAPI) })

	r.POST("/webhooks/woocommerce/:store_id", a.webhook)
	r.POST("/v1/connect", a.connect)

	v1 := r.Group("/v1", a.authenticate)
	v1.GET("/program", a.program)
	me := v1.Group("/me", a.require(auth.ScopeShopper))
	me.GET("", a.me)
	me.GET("/activity", a.myActivity)
	admin := v1.Group("/admin", a.require(auth.ScopeAdmin))
	admin.GET("/customers/:id", a.adminCustomer)
	admin.POST("/customers/:id/adjustments", a.adminAdjust)
	admin.GET("/inbox", a.adminInbox)
	admin.POST("/inbox/:id/replay", a.adminReplay)
	admin.POST("/orders/sync", a.adminSync)
	return r
}

func (a *api) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if a.Ready != nil {
		if err := a.Ready(ctx); err != nil {
			a.Logger.Warn("not ready", "err", err)
			c.JSON(http.StatusServiceUnavailable, errorBody("unavailable", "database unreachable"))
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
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
		return http.StatusUnprocessableEntity
	case loyalty.ETooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

func errorBody(code, msg string) gin.H {
	return gin.H{"error": gin.H{"code": code, "message": msg}}
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
