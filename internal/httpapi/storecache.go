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
	loaded  time.Time
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
	s.m[id] = cachedStore{store: st, err: err, expires: now.Add(s.ttl), loaded: now}
	s.mu.Unlock()
	return st, err
}

// forget drops the store's cached entry (after its secret changed here).
func (s *storeCache) forget(id loyalty.StoreID) {
	s.mu.Lock()
	delete(s.m, id)
	s.mu.Unlock()
}

// refresh re-reads a store whose cached entry is at least a second old, for
// a delivery whose signature failed against the cached secret: another
// replica may have rotated it. At most once a second per store, so forged
// deliveries cannot turn into a database query each.
func (s *storeCache) refresh(ctx context.Context, id loyalty.StoreID) (loyalty.Store, bool) {
	now := time.Now()
	s.mu.RLock()
	c, ok := s.m[id]
	s.mu.RUnlock()
	if !ok || now.Sub(c.loaded) < time.Second {
		return loyalty.Store{}, false
	}
	st, err := s.src.Store(ctx, id)
	if err != nil {
		return loyalty.Store{}, false
	}
	s.mu.Lock()
	s.m[id] = cachedStore{store: st, expires: now.Add(s.ttl), loaded: now}
	s.mu.Unlock()
	return st, st.WebhookSecret != c.store.WebhookSecret
}
