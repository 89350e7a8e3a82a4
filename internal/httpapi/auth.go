package httpapi

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vafaloyalty/vafa/internal/auth"
	"github.com/vafaloyalty/vafa/internal/loyalty"
)

const principalKey = "vafa.principal"

// authenticate verifies the bearer token and stores its principal.
func (a *api) authenticate(c *gin.Context) {
	if a.rateLimited(c) {
		return
	}
	h := c.GetHeader("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		a.fail(c, loyalty.Errorf(loyalty.EUnauthorized, "a Bearer token is required"))
		return
	}
	p, err := a.Verifier.Verify(c.Request.Context(), strings.TrimSpace(tok))
	if err != nil {
		if loyalty.ErrorCode(err) == loyalty.EUnauthorized {
			a.authFailed(c)
		}
		a.fail(c, err)
		return
	}
	c.Set(principalKey, p)
	c.Next()
}

// scopeArticle is "an" before the scopes' names that start with a vowel sound.
var scopeArticle = map[string]string{auth.ScopeAdmin: "an", auth.ScopeShopper: "a"}

// require lets only tokens of scope through: a shopper token never reaches
// admin routes, and an admin token is not a shopper (it has no customer).
func (a *api) require(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if principal(c).Scope != scope {
			a.fail(c, loyalty.Errorf(loyalty.EForbidden, "this endpoint needs %s %s token", scopeArticle[scope], scope))
			return
		}
		c.Next()
	}
}

func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(auth.Principal)
	return pr
}
