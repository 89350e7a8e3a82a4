package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Receivers of the store's notices and the delivery log (docs/engagement.md).

func (a *api) eventRoutes(admin *gin.RouterGroup) {
	admin.PUT("/endpoints/plugin", a.handle(a.setPluginEndpoint))
	admin.GET("/endpoints", a.handle(a.adminEndpoints))
	admin.POST("/endpoints", a.handle(a.adminCreateEndpoint))
	admin.PATCH("/endpoints/:id", a.handle(a.adminUpdateEndpoint))
	admin.GET("/events", a.handle(a.adminDeliveries))
	admin.POST("/events/replay", a.handle(a.adminReplayDeadDeliveries))
	admin.POST("/events/:id/replay", a.handle(a.adminReplayDelivery))
}

// endpointResponse is a receiver; Secret only in the answer that made it.
type endpointResponse struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Active bool     `json:"active"`
	Secret string   `json:"secret,omitempty"`
}

func newEndpointResponse(e loyalty.Endpoint) endpointResponse {
	ev := e.Events
	if ev == nil {
		ev = []string{}
	}
	return endpointResponse{ID: strconv.FormatInt(e.ID, 10), Kind: e.Kind, URL: e.URL, Events: ev, Active: e.Active}
}

type pluginEndpointRequest struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// setPluginEndpoint registers the plugin's own receiver (one per store).
func (a *api) setPluginEndpoint(c *gin.Context) error {
	var req pluginEndpointRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	e, err := a.Outbox.SetPluginEndpoint(c.Request.Context(), p.StoreID, req.URL, req.Secret)
	if err != nil {
		return err
	}
	a.Logger.Info("plugin receiver registered", "store_id", p.StoreID, "url", e.URL, "actor", p.Subject)
	c.JSON(http.StatusOK, newEndpointResponse(e))
	return nil
}

func (a *api) adminEndpoints(c *gin.Context) error {
	list, err := a.Outbox.Endpoints(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	out := struct {
		Items []endpointResponse `json:"items"`
	}{Items: make([]endpointResponse, 0, len(list))}
	for _, e := range list {
		out.Items = append(out.Items, newEndpointResponse(e))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type endpointRequest struct {
	URL    *string   `json:"url"`
	Events *[]string `json:"events"`
	Active *bool     `json:"active"`
}

func (r endpointRequest) apply(e *loyalty.Endpoint) error {
	if r.URL != nil {
		e.URL = *r.URL
	}
	if r.Events != nil {
		e.Events = *r.Events
	}
	if r.Active != nil {
		e.Active = *r.Active
	}
	return nil
}

// adminCreateEndpoint adds a receiver URL and answers its secret, once.
func (a *api) adminCreateEndpoint(c *gin.Context) error {
	var req endpointRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	var e loyalty.Endpoint
	req.apply(&e)
	p := principal(c)
	e, err := a.Outbox.CreateEndpoint(c.Request.Context(), p.StoreID, e)
	if err != nil {
		return err
	}
	a.Logger.Info("receiver added", "store_id", p.StoreID, "endpoint", e.ID, "actor", p.Subject)
	out := newEndpointResponse(e)
	out.Secret = e.Secret
	c.JSON(http.StatusCreated, out)
	return nil
}

func (a *api) adminUpdateEndpoint(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req endpointRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	e, err := a.Outbox.UpdateEndpoint(c.Request.Context(), p.StoreID, id, req.apply)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newEndpointResponse(e))
	return nil
}

type deliveryResponse struct {
	ID            string     `json:"id"`
	EventID       string     `json:"event_id"`
	Type          string     `json:"type"`
	EndpointID    string     `json:"endpoint_id"`
	URL           string     `json:"url"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	LastStatus    int        `json:"last_status"`
	LastError     string     `json:"last_error"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// adminDeliveries is the delivery log, newest first.
func (a *api) adminDeliveries(c *gin.Context) error {
	state := c.Query("state")
	switch state {
	case "", loyalty.DeliveryPending, loyalty.DeliveryDelivered, loyalty.DeliveryDead:
	default:
		return loyalty.Errorf(loyalty.EInvalid, "state must be pending, delivered or dead")
	}
	before, limit, err := page(c)
	if err != nil {
		return err
	}
	list, err := a.Outbox.Deliveries(c.Request.Context(), principal(c).StoreID, state, before, limit)
	if err != nil {
		return err
	}
	out := struct {
		Items      []deliveryResponse `json:"items"`
		NextCursor *string            `json:"next_cursor"`
	}{Items: make([]deliveryResponse, 0, len(list))}
	for _, d := range list {
		r := deliveryResponse{ID: strconv.FormatInt(d.ID, 10), EventID: strconv.FormatInt(d.EventID, 10), Type: d.Type,
			EndpointID: strconv.FormatInt(d.EndpointID, 10), URL: d.URL, State: d.State, Attempts: d.Attempts,
			LastStatus: d.LastStatus, LastError: d.LastError, DeliveredAt: timePtr(d.DeliveredAt), CreatedAt: d.CreatedAt}
		if d.State == loyalty.DeliveryPending {
			r.NextAttemptAt = timePtr(d.NextAt)
		}
		out.Items = append(out.Items, r)
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(len(list), limit, list[len(list)-1].ID)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type deliveryReplayResponse struct {
	Replayed int64 `json:"replayed"`
}

func (a *api) adminReplayDelivery(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p := principal(c)
	n, err := a.Outbox.Replay(c.Request.Context(), p.StoreID, id)
	if err != nil {
		return err
	}
	a.Logger.Info("delivery replayed", "store_id", p.StoreID, "delivery", id, "actor", p.Subject)
	c.JSON(http.StatusOK, deliveryReplayResponse{n})
	return nil
}

// adminReplayDeadDeliveries puts every dead delivery back ({"state":"dead"}, the only state replayable).
func (a *api) adminReplayDeadDeliveries(c *gin.Context) error {
	var req struct {
		State string `json:"state"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.State != loyalty.DeliveryDead {
		return loyalty.Errorf(loyalty.EInvalid, `state must be "dead": only dead deliveries are replayed`)
	}
	p := principal(c)
	n, err := a.Outbox.Replay(c.Request.Context(), p.StoreID, 0)
	if err != nil {
		return err
	}
	a.Logger.Info("dead deliveries replayed", "store_id", p.StoreID, "count", n, "actor", p.Subject)
	c.JSON(http.StatusOK, deliveryReplayResponse{n})
	return nil
}
