package httpapi

import (
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
)

type connectRequest struct {
	Token     string `json:"token"`
	PublicKey string `json:"public_key"`
	SiteURL   string `json:"site_url"`
}

func (a *api) connectRoutes(r *gin.Engine) {
	r.POST("/v1/connect", a.handle(a.connect))
}

type connectResponse struct {
	StoreID       string `json:"store_id"`
	KID           string `json:"kid"`
	WebhookSecret string `json:"webhook_secret"`
	WebhookURL    string `json:"webhook_url"`
}

// connect exchanges a one-time connection token for registering the plugin's
// Ed25519 public key, and returns the webhook secret and delivery URL.
func (a *api) connect(c *gin.Context) error {
	var req connectRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	tok, err := auth.ParseConnectToken(req.Token)
	if err != nil {
		return err
	}
	storeID, err := strconv.ParseInt(tok.StoreID, 10, 64)
	if err != nil || storeID <= 0 {
		return loyalty.Errorf(loyalty.EInvalid, "the connection token is malformed")
	}
	pub, err := base64.StdEncoding.DecodeString(strings.TrimSpace(req.PublicKey))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return loyalty.Errorf(loyalty.EInvalid, "public_key must be the base64 of a %d-byte Ed25519 public key", ed25519.PublicKeySize)
	}
	ctx := c.Request.Context()
	if _, err := a.Stores.Store(ctx, storeID); err != nil {
		if loyalty.ErrorCode(err) == loyalty.ENotFound {
			err = loyalty.Errorf(loyalty.EUnauthorized, "the connection token is not valid")
		}
		return err
	}
	conn, err := a.Connector.Connect(ctx, storeID, tok.Secret, ed25519.PublicKey(pub))
	if err != nil {
		return err
	}
	// The webhook secret was rotated: stop using the cached one here.
	a.stores.forget(storeID)
	a.Logger.Info("plugin connected", "store_id", storeID, "kid", conn.KID, "site_url", truncateForLog(req.SiteURL))
	c.JSON(http.StatusOK, connectResponse{
		StoreID:       strconv.FormatInt(storeID, 10),
		KID:           conn.KID,
		WebhookSecret: conn.WebhookSecret,
		WebhookURL:    strings.TrimRight(a.PublicURL, "/") + "/webhooks/woocommerce/" + strconv.FormatInt(storeID, 10),
	})
	return nil
}

func truncateForLog(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}
