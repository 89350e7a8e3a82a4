package httpapi

import (
	"context"
	"sync"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// storeCache keeps stores (secret and program) for a short TTL so the webhook
// accept path costs one INSERT, not a SELECT and an INSERT. Unknown stores are
// cached as misses too, so a flood to a bad URL does not reach the database.
type storeCache struct {
	src loyalty.Stores
	ttl time.Duration
	mu  sync.RWMutex
	m   map[loyalty.StoreID]cachedStore
}

type cachedStore struct {
	store   loyalty.Store
	err     error
	expires time.Time
}

func newStoreCache(src loyalty.Stores, ttl time.Duration) *storeCache {
	return &storeCache{src: src, ttl: ttl, m: map[loyalty.StoreID]cachedStore{}}
}

// Store returns the store, or ENotFound.
func (s *storeCache) Store(ctx context.Context, id loyalty.StoreID) (loyalty.Store, error) {
	now := time.Now()
	s.mu.RLock()
	c, ok := s.m[id]
	s.mu.RUnlock()
	if ok && now.Before(c.expires) {
		return c.store, c.err
	}
	st, err := s.src.Store(ctx, id)
	if err != nil && loyalty.ErrorCode(err) != loyalty.ENotFound {
		return loyalty.Store{}, err // transient: do not cache
	}
	s.mu.Lock()
	if len(s.m) > 100_000 {
		s.m = map[loyalty.StoreID]cachedStore{}
	}
	s.m[id] = cachedStore{store: st, err: err, expires: now.Add(s.ttl)}
	s.mu.Unlock()
	return st, err
}
