package httpapi

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// OpenAPI is the API description served at /openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

type statusResponse struct {
	Status string `json:"status"`
}

func (a *api) healthRoutes(r *gin.Engine) {
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, statusResponse{"ok"}) })
	r.GET("/readyz", a.ready)
	if a.Registry != nil && a.ServeMetrics {
		r.GET("/metrics", gin.WrapH(MetricsHandler(a.Registry)))
	}
	r.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", OpenAPI) })
}

// ready answers 200 when the database answers, else 503 with a generic body.
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
	c.JSON(http.StatusOK, statusResponse{"ready"})
}
