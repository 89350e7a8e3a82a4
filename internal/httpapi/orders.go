package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

func (a *api) orderRoutes(admin *gin.RouterGroup) {
	admin.POST("/orders/sync", a.handle(a.adminSync))
}

type syncRequest struct {
	Orders []json.RawMessage `json:"orders"`
}

type syncResponse struct {
	Accepted int `json:"accepted"`
}

// adminSync takes orders the plugin's reconciliation found (REST v3 JSON, as
// webhooks carry them) into the same inbox and reconciliation path. Sending
// an order twice changes nothing: reconciliation posts only differences.
func (a *api) adminSync(c *gin.Context) error {
	p := principal(c)
	var req syncRequest
	if err := decodeJSON(c, &req, MaxSyncBody); err != nil {
		return err
	}
	if len(req.Orders) == 0 || len(req.Orders) > MaxSyncOrders {
		return loyalty.Errorf(loyalty.EInvalid, "orders must hold 1 to %d orders", MaxSyncOrders)
	}
	msgs := make([]loyalty.InboxMessage, 0, len(req.Orders))
	for i, raw := range req.Orders {
		var head struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || head.ID <= 0 {
			return loyalty.Errorf(loyalty.EInvalid, "orders[%d] is not an order object with a positive id", i)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, raw); err != nil {
			return loyalty.Errorf(loyalty.EInvalid, "orders[%d] is not valid JSON", i)
		}
		msgs = append(msgs, loyalty.InboxMessage{StoreID: p.StoreID, Topic: woocommerce.TopicOrderSync, Source: "sync", Body: compact.Bytes()})
	}
	if err := a.Inbox.AcceptBatch(c.Request.Context(), msgs); err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, syncResponse{Accepted: len(msgs)})
	return nil
}
