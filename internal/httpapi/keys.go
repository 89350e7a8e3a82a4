package httpapi

import (
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) keyRoutes(admin *gin.RouterGroup) {
	admin.POST("/keys", a.handle(a.adminAddKey))
	admin.DELETE("/keys/:kid", a.handle(a.adminRevokeKey))
}

type addKeyRequest struct {
	PublicKey string `json:"public_key"`
}

type keyResponse struct {
	KID string `json:"kid"`
}

type revokedResponse struct {
	KID     string `json:"kid"`
	Revoked bool   `json:"revoked"`
}

// adminAddKey registers another public key for the store's plugin (key
// rotation: the old and the new key both work until the old is revoked).
func (a *api) adminAddKey(c *gin.Context) error {
	var req addKeyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	pub, err := base64.StdEncoding.DecodeString(strings.TrimSpace(req.PublicKey))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return loyalty.Errorf(loyalty.EInvalid, "public_key must be the base64 of a %d-byte Ed25519 public key", ed25519.PublicKeySize)
	}
	p := principal(c)
	kid, err := a.Keys.RegisterKey(c.Request.Context(), p.StoreID, ed25519.PublicKey(pub))
	if err != nil {
		return err
	}
	a.Logger.Info("key registered", "store_id", p.StoreID, "kid", kid, "actor", p.Subject)
	c.JSON(http.StatusCreated, keyResponse{KID: kid})
	return nil
}

// adminRevokeKey revokes one of the store's keys (the plugin revokes its
// own on disconnect and uninstall, and the old one after a rotation).
func (a *api) adminRevokeKey(c *gin.Context) error {
	kid := c.Param("kid")
	if kid == "" || len(kid) > 64 {
		return loyalty.Errorf(loyalty.ENotFound, "key not found")
	}
	p := principal(c)
	if err := a.Keys.RevokeKey(c.Request.Context(), p.StoreID, kid); err != nil {
		return err
	}
	if a.Revoked != nil {
		a.Revoked(p.StoreID, kid)
	}
	a.Logger.Info("key revoked", "store_id", p.StoreID, "kid", kid, "actor", p.Subject)
	c.JSON(http.StatusOK, revokedResponse{KID: kid, Revoked: true})
	return nil
}
