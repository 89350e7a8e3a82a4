package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) programRoutes(v1 *gin.RouterGroup) {
	v1.GET("/program", a.handle(a.program))
}

// programResponse is the store id and every program setting, each under
// its setting name, so a new setting reaches the API without code here.
type programResponse struct {
	StoreID string
	Program loyalty.Program
}

// MarshalJSON writes {"store_id": ..., <setting name>: <value>, ...}.
func (r programResponse) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"store_id":`)
	id, _ := json.Marshal(r.StoreID)
	b.Write(id)
	for _, s := range r.Program.Settings() {
		v, err := json.Marshal(s.Value)
		if err != nil {
			return nil, fmt.Errorf("program setting %s: %w", s.Name, err)
		}
		fmt.Fprintf(&b, `,%q:`, s.Name)
		b.Write(v)
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// program answers the store's earn and redemption settings to any token of the store.
func (a *api) program(c *gin.Context) error {
	store, err := a.stores.Store(c.Request.Context(), principal(c).StoreID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, programResponse{StoreID: strconv.FormatInt(store.ID, 10), Program: store.Program})
	return nil
}
