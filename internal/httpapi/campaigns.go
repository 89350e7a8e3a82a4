package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Surprise campaigns: points or a reward to the customers a filter chooses,
// granted by a background job (docs/engagement.md).

func (a *api) campaignRoutes(admin *gin.RouterGroup) {
	admin.POST("/campaigns/preview", a.handle(a.previewCampaign))
	admin.POST("/campaigns", a.handle(a.createCampaign))
	admin.GET("/campaigns", a.handle(a.adminCampaigns))
	admin.GET("/campaigns/:id", a.handle(a.adminCampaign))
}

type campaignRequest struct {
	Key      string                 `json:"key"`
	Name     string                 `json:"name"`
	Message  string                 `json:"message"`
	Points   int64                  `json:"points"`
	RewardID string                 `json:"reward_id"`
	Filter   loyalty.CampaignFilter `json:"filter"`
}

type campaignResponse struct {
	ID        string                 `json:"id"`
	Key       string                 `json:"key"`
	Name      string                 `json:"name"`
	Message   string                 `json:"message"`
	Points    int64                  `json:"points"`
	RewardID  *string                `json:"reward_id"`
	Filter    loyalty.CampaignFilter `json:"filter"`
	State     string                 `json:"state"`
	Total     int64                  `json:"total"`
	Granted   int64                  `json:"granted"`
	CreatedAt time.Time              `json:"created_at"`
	DoneAt    *time.Time             `json:"done_at"`
}

func newCampaignResponse(c loyalty.Campaign) campaignResponse {
	return campaignResponse{ID: strconv.FormatInt(c.ID, 10), Key: c.Key, Name: c.Name, Message: c.Message, Points: c.Points,
		RewardID: idPtr(c.RewardID), Filter: c.Filter, State: c.State, Total: c.Total, Granted: c.Granted,
		CreatedAt: c.CreatedAt, DoneAt: timePtr(c.DoneAt)}
}

func (a *api) previewCampaign(c *gin.Context) error {
	var req struct {
		Filter loyalty.CampaignFilter `json:"filter"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	n, err := a.Campaigns.Preview(c.Request.Context(), principal(c).StoreID, req.Filter)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"count": n})
	return nil
}

// createCampaign starts a campaign: 202 (the job grants it), or 200 with
// the campaign its key already started.
func (a *api) createCampaign(c *gin.Context) error {
	var req campaignRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	camp := loyalty.Campaign{Key: req.Key, Name: req.Name, Message: req.Message, Points: req.Points, Filter: req.Filter}
	if req.RewardID != "" {
		id, err := strconv.ParseInt(req.RewardID, 10, 64)
		if err != nil || id <= 0 {
			return loyalty.Errorf(loyalty.EInvalid, "reward_id must be a reward id")
		}
		camp.RewardID = id
	}
	p := principal(c)
	out, created, err := a.Campaigns.Create(c.Request.Context(), p.StoreID, camp)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusAccepted
		a.Logger.Info("campaign started", "store_id", p.StoreID, "campaign", out.ID, "customers", out.Total, "actor", p.Subject)
	}
	c.JSON(status, newCampaignResponse(out))
	return nil
}

func (a *api) adminCampaigns(c *gin.Context) error {
	list, err := a.Campaigns.Campaigns(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	out := struct {
		Items []campaignResponse `json:"items"`
	}{Items: make([]campaignResponse, 0, len(list))}
	for _, x := range list {
		out.Items = append(out.Items, newCampaignResponse(x))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (a *api) adminCampaign(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := a.Campaigns.Campaign(c.Request.Context(), principal(c).StoreID, id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newCampaignResponse(out))
	return nil
}
