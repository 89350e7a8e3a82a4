package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

func (a *api) programRoutes(v1, admin *gin.RouterGroup) {
	v1.GET("/program", a.handle(a.program))
	admin.PATCH("/program", a.handle(a.adminSetProgram))
}

// programResponse is the store id and every program setting, each under
// its setting name, so a new setting reaches the API without code here.
type programResponse struct {
	StoreID    string
	Program    loyalty.Program
	Rules      []loyalty.EarningRule // the active earning rules
	Promotions []loyalty.Promotion   // the active promotions not over yet
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
	rules := make([]ruleResponse, 0, len(r.Rules))
	for _, x := range r.Rules {
		rules = append(rules, newRuleResponse(x))
	}
	promos := make([]promotionResponse, 0, len(r.Promotions))
	for _, x := range r.Promotions {
		promos = append(promos, newPromotionResponse(x))
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"earning_rules", rules}, {"promotions", promos}} {
		j, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, `,%q:`, f.name)
		b.Write(j)
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
	c.JSON(http.StatusOK, programResponse{StoreID: strconv.FormatInt(store.ID, 10), Program: store.Program, Rules: store.Rules,
		Promotions: livePromotions(store.Promotions)})
	return nil
}

// adminSetProgram changes the settings named in the body (a JSON object of
// setting name to value, as GET /v1/program shows them); the others keep
// their values. Unknown names and wrong types are EInvalid.
func (a *api) adminSetProgram(c *gin.Context) error {
	var req map[string]json.RawMessage
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	ctx := c.Request.Context()
	store, err := a.Stores.Store(ctx, p.StoreID)
	if err != nil {
		return err
	}
	prog := store.Program
	known := map[string]bool{}
	for _, s := range prog.Settings() {
		known[s.Name] = true
		if raw, ok := req[s.Name]; ok {
			if err := json.Unmarshal(raw, s.Value); err != nil {
				return loyalty.Errorf(loyalty.EInvalid, "%s has the wrong type", s.Name)
			}
		}
	}
	for name := range req {
		if !known[name] {
			return loyalty.Errorf(loyalty.EInvalid, "unknown setting (see GET /v1/program for the names)")
		}
	}
	if err := a.Programs.SetProgram(ctx, p.StoreID, prog); err != nil {
		return err
	}
	a.stores.forget(p.StoreID)
	a.Logger.Info("program changed", "store_id", p.StoreID, "actor", p.Subject)
	c.JSON(http.StatusOK, programResponse{StoreID: strconv.FormatInt(p.StoreID, 10), Program: prog, Rules: store.Rules,
		Promotions: livePromotions(store.Promotions)})
	return nil
}

// livePromotions are the promotions not over yet (the plugin shows them).
func livePromotions(all []loyalty.Promotion) []loyalty.Promotion {
	var out []loyalty.Promotion
	now := time.Now()
	for _, p := range all {
		if p.Ends.After(now) {
			out = append(out, p)
		}
	}
	return out
}
