// Package worker drains the webhook inbox into the ledger and runs the
// periodic jobs (return-window maturity), stopping gracefully.
package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Processor applies due inbox rows, up to a batch, and reports how many it processed.
type Processor interface {
	ProcessBatch(ctx context.Context) (int, error)
}

// Maturer moves points whose return window passed to available.
type Maturer interface {
	MatureDue(ctx context.Context, limit int) (int, error)
}

// Job is a periodic task over due rows (maturity, reward expiry, ...): it
// handles up to limit of them and reports how many. Jobs must be safe to run
// on several service instances at once.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, limit int) (int, error)
}

// Pool runs inbox workers, the maturity job and any other periodic jobs.
type Pool struct {
	Processor   Processor
	Maturer     Maturer
	Jobs        []Job
	Workers     int
	Idle        time.Duration // sleep when the inbox is empty
	MatureEvery time.Duration
	Logger      *slog.Logger
	processed   *prometheus.CounterVec
}

// NewPool returns a pool registering its metrics on reg (which may be nil).
func NewPool(p Processor, m Maturer, workers int, reg *prometheus.Registry, log *slog.Logger) *Pool {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vafa_inbox_processed_total", Help: "Inbox rows processed by result (ok, error).",
	}, []string{"result"})
	if reg != nil {
		reg.MustRegister(c)
	}
	if workers <= 0 {
		workers = 4
	}
	return &Pool{Processor: p, Maturer: m, Workers: workers, Idle: 50 * time.Millisecond,
		MatureEvery: time.Minute, Logger: log, processed: c}
}

// Run processes until stop is cancelled, then lets each worker finish the row
// it holds (its database work runs on work, which outlives stop) and returns.
func (p *Pool) Run(stop context.Context, work context.Context) {
	var wg sync.WaitGroup
	for i := 0; i < p.Workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.loop(stop, work)
		}()
	}
	jobs := p.Jobs
	if p.Maturer != nil {
		jobs = append([]Job{{Name: "mature", Every: p.MatureEvery, Run: p.Maturer.MatureDue}}, jobs...)
	}
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.jobLoop(stop, work, j)
		}()
	}
	wg.Wait()
}

func (p *Pool) loop(stop, work context.Context) {
	backoff := p.Idle
	for stop.Err() == nil {
		n, err := p.Processor.ProcessBatch(work)
		found := n > 0
		if err != nil {
			p.processed.WithLabelValues("error").Inc()
			p.Logger.Warn("inbox row failed; will retry", "err", err)
			n--
		}
		if n > 0 {
			p.processed.WithLabelValues("ok").Add(float64(n))
		}
		if found && err == nil {
			backoff = p.Idle
			continue
		}
		if err != nil && !found {
			// The database is unhappy: back off up to a few seconds.
			backoff = min(backoff*2, 5*time.Second)
		}
		select {
		case <-stop.Done():
		case <-time.After(backoff):
		}
	}
}

func (p *Pool) jobLoop(stop, work context.Context, j Job) {
	every := j.Every
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := j.Run(work, 1000); err != nil {
			p.Logger.Warn("periodic job failed", "job", j.Name, "err", err)
		} else if n > 0 {
			p.Logger.Info("periodic job", "job", j.Name, "count", n)
		}
		select {
		case <-stop.Done():
			return
		case <-t.C:
		}
	}
}
