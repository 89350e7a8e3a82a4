package auth

import (
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// FailureLimiter counts failed authentications per client (by address) and
// says when a client has failed too often: a token bucket per client,
// refilled at a steady rate, in a bounded LRU so a flood of addresses cannot
// grow memory. Successful requests cost nothing.
type FailureLimiter struct {
	mu      sync.Mutex
	clients *lru.Cache[string, *rate.Limiter]
	every   rate.Limit
	burst   int
	now     func() time.Time
}

// NewFailureLimiter allows burst failures at once per client, then one per
// refill interval. now is the clock (nil for the wall clock).
func NewFailureLimiter(burst int, refill time.Duration, now func() time.Time) *FailureLimiter {
	if now == nil {
		now = time.Now
	}
	clients, _ := lru.New[string, *rate.Limiter](100_000)
	return &FailureLimiter{clients: clients, every: rate.Every(refill), burst: burst, now: now}
}

func (l *FailureLimiter) limiter(client string) *rate.Limiter {
	lim, ok := l.clients.Get(client)
	if !ok {
		lim = rate.NewLimiter(l.every, l.burst)
		l.clients.Add(client, lim)
	}
	return lim
}

// Blocked reports whether the client has no failures left to spend now.
func (l *FailureLimiter) Blocked(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.clients.Get(client)
	return ok && lim.TokensAt(l.now()) < 1
}

// Fail records one failed authentication of the client.
func (l *FailureLimiter) Fail(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limiter(client).AllowN(l.now(), 1)
}
