package mysql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// Group commit for the webhook accept path. Concurrent deliveries are
// gathered into one multi-row INSERT: one round trip and one log flush for
// many webhooks. Each caller still returns only after its own row is
// committed, so "answered 2xx" keeps meaning "durably stored".

const (
	acceptWriters  = 4   // INSERTs in flight at once
	acceptMaxBatch = 128 // rows per INSERT
)

type acceptReq struct {
	m    loyalty.InboxMessage
	done chan acceptRes
}

type acceptRes struct {
	id  int64
	err error
}

type acceptor struct {
	d        *DB
	q        chan acceptReq
	stop     chan struct{}
	wg       sync.WaitGroup
	once     sync.Once
	mu       sync.RWMutex // held for reading while enqueuing; close takes it to stop new work
	closed   bool
	ordered  bool // auto-increment ids of one INSERT are consecutive
	maxBytes int  // body bytes per INSERT (one larger body goes alone)
	wait     time.Duration
}

func newAcceptor(d *DB, consecutiveIDs bool) *acceptor {
	a := &acceptor{d: d, q: make(chan acceptReq, acceptMaxBatch*acceptWriters), stop: make(chan struct{}), ordered: consecutiveIDs,
		maxBytes: d.insertBytes, wait: 10 * time.Second}
	for i := 0; i < acceptWriters; i++ {
		a.wg.Add(1)
		go a.loop()
	}
	return a
}

func (a *acceptor) close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.once.Do(func() { close(a.stop) })
	a.wg.Wait()
}

var errClosed = errors.New("database closed")

func (a *acceptor) accept(ctx context.Context, m loyalty.InboxMessage) (int64, error) {
	req := acceptReq{m: m, done: make(chan acceptRes, 1)}
	a.mu.RLock()
	if a.closed {
		a.mu.RUnlock()
		return 0, errClosed
	}
	select {
	case a.q <- req:
		a.mu.RUnlock()
	case <-ctx.Done():
		a.mu.RUnlock()
		return 0, ctx.Err()
	}
	// Once queued the row will be written; wait for the verdict even if the
	// client left, so the answer matches what happened, but not forever: a
	// stalled database answers 503 (the row may still land; a duplicate
	// delivery changes nothing).
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case res := <-req.done:
		return res.id, res.err
	case <-t.C:
		return 0, loyalty.Errorf(loyalty.EUnavailable, "the database is not answering; try again later")
	}
}

func (a *acceptor) loop() {
	defer a.wg.Done()
	batch := make([]acceptReq, 0, acceptMaxBatch)
	var carry *acceptReq // taken from the queue but too big for the batch being built
	for {
		batch = batch[:0]
		size := 0
		if carry != nil {
			batch, size, carry = append(batch, *carry), len(carry.m.Body), nil
		} else {
			select {
			case r := <-a.q:
				batch, size = append(batch, r), len(r.m.Body)
			case <-a.stop:
				// Drain what was queued before stopping.
				for {
					select {
					case r := <-a.q:
						a.write([]acceptReq{r})
					default:
						return
					}
				}
			}
		}
		// Take whatever else is already waiting: batches form by themselves
		// while the previous INSERT is in flight. The statement stays well
		// under max_allowed_packet (16 MiB by default).
	fill:
		for len(batch) < acceptMaxBatch {
			select {
			case r := <-a.q:
				if size+len(r.m.Body) > a.maxBytes {
					carry = &r
					break fill
				}
				batch, size = append(batch, r), size+len(r.m.Body)
			default:
				break fill
			}
		}
		a.write(batch)
	}
}

// write stores the batch in one INSERT. When that fails and the batch has
// several rows, each row is tried alone, so one bad row (one tenant's
// delivery) never fails the others sharing its INSERT.
func (a *acceptor) write(batch []acceptReq) {
	err := a.insert(batch)
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			a.write([]acceptReq{r})
		}
		return
	}
	if err != nil {
		batch[0].done <- acceptRes{err: fmt.Errorf("store webhook: %w", err)}
	}
}

// insert writes the batch as one multi-row INSERT and answers every waiter
// when it succeeds.
func (a *acceptor) insert(batch []acceptReq) error {
	now := a.d.now()
	var q strings.Builder
	q.WriteString(`INSERT INTO webhook_inbox (store_id, topic, source, webhook_id, delivery_id, received_at, body, next_attempt_at) VALUES `)
	args := make([]any, 0, 8*len(batch))
	for i, r := range batch {
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString("(?,?,?,?,?,?,?,?)")
		m := r.m
		if m.Source == "" {
			m.Source = "webhook"
		}
		var webhook, delivery any
		if m.WebhookID != 0 {
			webhook = m.WebhookID
		}
		if m.DeliveryID != "" {
			delivery = truncate(m.DeliveryID, 64)
		}
		args = append(args, m.StoreID, truncate(m.Topic, 100), m.Source, webhook, delivery, now, m.Body, now)
	}
	// A background context: a row is either written for every waiter or for none.
	res, err := a.d.db.ExecContext(context.Background(), q.String(), args...)
	if err != nil {
		return err
	}
	first, err := res.LastInsertId()
	if err != nil {
		// Written, but the ids are unknown: answer without them.
		first = 0
	}
	for i, r := range batch {
		id := int64(0)
		if a.ordered && first > 0 {
			id = first + int64(i)
		}
		r.done <- acceptRes{id: id}
	}
	return nil
}
