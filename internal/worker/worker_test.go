package worker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// queue is a function-field fake of Processor: it hands out rows until empty.
type queue struct {
	mu       sync.Mutex
	left     int
	fail     int // the first n calls fail
	calls    atomic.Int64
	inFlight atomic.Int64
	slow     time.Duration
}

var _ Processor = (*queue)(nil)

func (q *queue) ProcessBatch(ctx context.Context) (int, error) {
	q.calls.Add(1)
	q.inFlight.Add(1)
	defer q.inFlight.Add(-1)
	time.Sleep(q.slow)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail > 0 {
		q.fail--
		return 0, errors.New("database unavailable")
	}
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	n := min(q.left, 10)
	q.left -= n
	return n, nil
}

type maturer struct{ calls atomic.Int64 }

func (m *maturer) MatureDue(context.Context, int) (int, error) { m.calls.Add(1); return 0, nil }

func TestPoolDrainsTheQueueAndStopsGracefully(t *testing.T) {
	tests := []struct {
		name string
		q    *queue
	}{
		{"plain", &queue{left: 1000}},
		{"recovers after failures", &queue{left: 200, fail: 3}},
		{"slow rows", &queue{left: 100, slow: 2 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &maturer{}
			p := NewPool(tt.q, m, 4, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			p.Idle = time.Millisecond
			p.MatureEvery = 5 * time.Millisecond
			stop, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { p.Run(stop, context.Background()); close(done) }()
			deadline := time.Now().Add(10 * time.Second)
			for {
				tt.q.mu.Lock()
				left := tt.q.left
				tt.q.mu.Unlock()
				if left == 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(time.Millisecond)
			}
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("pool did not stop")
			}
			if tt.q.left != 0 {
				t.Fatalf("%d rows left", tt.q.left)
			}
			if tt.q.inFlight.Load() != 0 {
				t.Fatal("Run returned with a batch still in flight")
			}
			if m.calls.Load() == 0 {
				t.Fatal("maturity job never ran")
			}
		})
	}
}
