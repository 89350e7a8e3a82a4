package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
	"github.com/vafaloyalty/vafa/internal/woocommerce"
)

func (a *api) adminCustomer(c *gin.Context) {
	p := principal(c)
	cid, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	before, limit, err := page(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	d, err := a.Ledger.Customer(c.Request.Context(), p.StoreID, cid, before, limit)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"customer_id": strconv.FormatInt(cid, 10),
		"email":       d.Email,
		"available":   d.Balance.Available,
		"pending":     d.Balance.Pending,
		"lifetime":    d.Balance.Lifetime,
		"ledger":      d.Activity,
		"next_cursor": activityCursor(d.Activity, limit),
	})
}

type adjustRequest struct {
	Points int64  `json:"points"`
	Reason string `json:"reason"`
}

// adminAdjust posts a manual adjustment. The Idempotency-Key header makes a
// retried request post once; the admin's subject is recorded as the actor.
func (a *api) adminAdjust(c *gin.Context) {
	p := principal(c)
	cid, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	var req adjustRequest
	if err := bindJSON(c, &req); err != nil {
		a.fail(c, err)
		return
	}
	act, bal, err := a.Ledger.Adjust(c.Request.Context(), p.StoreID, cid, req.Points, req.Reason,
		c.GetHeader("Idempotency-Key"), "admin:"+p.Subject)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.Logger.Info("manual adjustment", "store_id", p.StoreID, "customer_id", cid, "points", req.Points, "actor", p.Subject, "transaction", act.ID)
	c.JSON(http.StatusCreated, gin.H{
		"transaction": act,
		"balance":     gin.H{"available": bal.Available, "pending": bal.Pending, "lifetime": bal.Lifetime},
	})
}

var inboxStates = map[string]bool{"": true, loyalty.InboxPending: true, loyalty.InboxDone: true,
	loyalty.InboxIgnored: true, loyalty.InboxFlagged: true, loyalty.InboxDead: true}

func (a *api) adminInbox(c *gin.Context) {
	p := principal(c)
	state := c.Query("state")
	if !inboxStates[state] {
		a.fail(c, loyalty.Errorf(loyalty.EInvalid, "state must be one of pending, done, ignored, flagged, dead"))
		return
	}
	before, limit, err := page(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	rows, err := a.Inbox.List(c.Request.Context(), p.StoreID, state, before, limit)
	if err != nil {
		a.fail(c, err)
		return
	}
	var next *string
	if len(rows) > 0 {
		next = nextCursor(len(rows), limit, rows[len(rows)-1].ID)
	}
	c.JSON(http.StatusOK, gin.H{"items": rows, "next_cursor": next})
}

func (a *api) adminReplay(c *gin.Context) {
	p := principal(c)
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	if err := a.Inbox.Replay(c.Request.Context(), p.StoreID, id); err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"id": strconv.FormatInt(id, 10), "state": loyalty.InboxPending})
}

type syncRequest struct {
	Orders []json.RawMessage `json:"orders"`
}

// adminSync takes orders the plugin's reconciliation found (REST v3 JSON, as
// webhooks carry them) into the same inbox and reconciliation path. Sending
// an order twice changes nothing: reconciliation posts only differences.
func (a *api) adminSync(c *gin.Context) {
	p := principal(c)
	var req syncRequest
	if err := decodeJSON(c, &req, MaxSyncBody); err != nil {
		a.fail(c, err)
		return
	}
	if len(req.Orders) == 0 || len(req.Orders) > MaxSyncOrders {
		a.fail(c, loyalty.Errorf(loyalty.EInvalid, "orders must hold 1 to %d orders", MaxSyncOrders))
		return
	}
	msgs := make([]loyalty.InboxMessage, 0, len(req.Orders))
	for i, raw := range req.Orders {
		var head struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || head.ID <= 0 {
			a.fail(c, loyalty.Errorf(loyalty.EInvalid, "orders[%d] is not an order object with a positive id", i))
			return
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, raw); err != nil {
			a.fail(c, loyalty.Errorf(loyalty.EInvalid, "orders[%d] is not valid JSON", i))
			return
		}
		msgs = append(msgs, loyalty.InboxMessage{StoreID: p.StoreID, Topic: woocommerce.TopicOrderSync, Source: "sync", Body: compact.Bytes()})
	}
	if err := a.Inbox.AcceptBatch(c.Request.Context(), msgs); err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"accepted": len(msgs)})
}
