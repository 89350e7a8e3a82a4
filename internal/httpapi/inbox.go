package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) inboxRoutes(admin *gin.RouterGroup) {
	admin.GET("/inbox", a.handle(a.adminInbox))
	admin.POST("/inbox/:id/replay", a.handle(a.adminReplay))
}

// inboxRowResponse is a stored delivery as the admin sees it.
type inboxRowResponse struct {
	ID          string     `json:"id"`
	Topic       string     `json:"topic"`
	Source      string     `json:"source"`
	State       string     `json:"state"`
	Attempts    int        `json:"attempts"`
	LastError   string     `json:"last_error"`
	ReceivedAt  time.Time  `json:"received_at"`
	ProcessedAt *time.Time `json:"processed_at"`
}

type inboxPage struct {
	Items      []inboxRowResponse `json:"items"`
	NextCursor *string            `json:"next_cursor"`
}

type replayResponse struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

var inboxStates = map[string]bool{"": true, loyalty.InboxPending: true, loyalty.InboxDone: true,
	loyalty.InboxIgnored: true, loyalty.InboxFlagged: true, loyalty.InboxDead: true}

// adminInbox lists the store's stored deliveries, optionally by state.
func (a *api) adminInbox(c *gin.Context) error {
	p := principal(c)
	state := c.Query("state")
	if !inboxStates[state] {
		return loyalty.Errorf(loyalty.EInvalid, "state must be one of pending, done, ignored, flagged, dead")
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	rows, err := a.Inbox.List(c.Request.Context(), p.StoreID, state, before, limit)
	if err != nil {
		return err
	}
	out := inboxPage{Items: make([]inboxRowResponse, 0, len(rows))}
	for _, r := range rows {
		out.Items = append(out.Items, inboxRowResponse{ID: strconv.FormatInt(r.ID, 10), Topic: r.Topic, Source: r.Source,
			State: r.State, Attempts: r.Attempts, LastError: r.LastError, ReceivedAt: r.ReceivedAt, ProcessedAt: r.ProcessedAt})
	}
	if len(rows) > 0 {
		out.NextCursor = nextCursor(len(rows), limit, rows[len(rows)-1].ID)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// adminReplay puts a dead or flagged delivery back in the queue.
func (a *api) adminReplay(c *gin.Context) error {
	p := principal(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := a.Inbox.Replay(c.Request.Context(), p.StoreID, id); err != nil {
		return err
	}
	c.JSON(http.StatusAccepted, replayResponse{ID: strconv.FormatInt(id, 10), State: loyalty.InboxPending})
	return nil
}
