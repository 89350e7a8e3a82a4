package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

func (a *api) webhookRoutes(r *gin.Engine) {
	r.POST("/webhooks/woocommerce/:store_id", a.webhook)
}

type acceptedResponse struct {
	ID string `json:"id"`
}

// webhook accepts a WooCommerce delivery: body over the limit 413, unknown
// store 404, bad or missing signature 401 (none stored); the unsigned ping
// gets exactly 200 for any store id and is not stored; anything else verified is stored
// durably and only then answered 202. No ledger work happens here.
func (a *api) webhook(c *gin.Context) {
	storeID, err := strconv.ParseInt(c.Param("store_id"), 10, 64)
	if err != nil || storeID <= 0 {
		a.webhookFail(c, "unknown_store", loyalty.Errorf(loyalty.ENotFound, "unknown store"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			a.webhookFail(c, "too_large", loyalty.Errorf(loyalty.ETooLarge, "body exceeds %d bytes", MaxWebhookBody))
			return
		}
		a.webhookFail(c, "invalid", loyalty.Errorf(loyalty.EInvalid, "could not read body"))
		return
	}
	topic := c.GetHeader("X-WC-Webhook-Topic")
	// The unsigned ping is answered alike for every store id, known or not,
	// so it cannot be used to find which stores exist.
	if woocommerce.IsPing(topic, body) {
		a.metrics.webhooks.WithLabelValues("ping").Inc()
		c.JSON(http.StatusOK, statusResponse{"ok"})
		return
	}
	if a.rateLimited(c) {
		a.metrics.webhooks.WithLabelValues("rate_limited").Inc()
		return
	}
	store, err := a.stores.Store(c.Request.Context(), storeID)
	if err != nil {
		a.webhookFail(c, "unknown_store", err)
		return
	}
	sig := c.GetHeader("X-WC-Webhook-Signature")
	if !woocommerce.VerifySignature(store.WebhookSecret, body, sig) {
		// The secret may have been rotated by a reconnect on another replica.
		fresh, changed := a.stores.refresh(c.Request.Context(), storeID)
		if !changed || !woocommerce.VerifySignature(fresh.WebhookSecret, body, sig) {
			a.authFailed(c)
			a.webhookFail(c, "unauthorized", loyalty.Errorf(loyalty.EUnauthorized, "missing or invalid X-WC-Webhook-Signature"))
			return
		}
	}
	if topic == "" || len(topic) > 100 {
		a.webhookFail(c, "invalid", loyalty.Errorf(loyalty.EInvalid, "missing X-WC-Webhook-Topic header"))
		return
	}
	webhookID, _ := strconv.ParseInt(c.GetHeader("X-WC-Webhook-ID"), 10, 64)
	id, err := a.Inbox.Accept(c.Request.Context(), loyalty.InboxMessage{
		StoreID: storeID, Topic: topic, Source: "webhook", WebhookID: webhookID,
		DeliveryID: c.GetHeader("X-WC-Webhook-Delivery-ID"), Body: body,
	})
	if err != nil {
		a.webhookFail(c, "error", err)
		return
	}
	a.metrics.webhooks.WithLabelValues("accepted").Inc()
	c.JSON(http.StatusAccepted, acceptedResponse{ID: strconv.FormatInt(id, 10)})
}

func (a *api) webhookFail(c *gin.Context, outcome string, err error) {
	a.metrics.webhooks.WithLabelValues(outcome).Inc()
	a.fail(c, err)
}
