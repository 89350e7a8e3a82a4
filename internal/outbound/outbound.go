// Package outbound delivers the outbox's notices to the stores' receivers
// (docs/engagement.md): signed like WooCommerce's webhooks, at least once,
// never to a private or loopback address unless the operator allows it.
package outbound

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vafaloyalty/vafa/internal/mysql"
)

// Queue is the outbox as the deliverer uses it (mysql.OutboxService).
type Queue interface {
	FanOut(ctx context.Context, limit int) (int, error)
	Claim(ctx context.Context, limit int, lease time.Duration) ([]mysql.Outbound, error)
	Record(ctx context.Context, id int64, status int, failure string) error
}

// Sign is the signature of body with secret: base64(HMAC-SHA256), as
// WooCommerce signs its webhooks, so a receiver checks both alike.
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// errBlocked is a receiver address the deliverer refuses to reach.
var errBlocked = errors.New("receiver address is private, loopback or link-local")

// NewClient returns the HTTP client deliveries use: a 10 s limit, no
// redirects (a receiver cannot bounce a signed body elsewhere), and, unless
// allowPrivate, a dialer that refuses private, loopback, link-local and
// unspecified addresses at connection time (so DNS cannot be used to slip
// one in after a check).
func NewClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
				ip.IsUnspecified() || ip.IsMulticast() {
				return errBlocked
			}
			return nil
		}
	}
	tr := &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: 5 * time.Second, MaxIdleConnsPerHost: 4,
		IdleConnTimeout: 60 * time.Second, ResponseHeaderTimeout: 10 * time.Second}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Deliverer fans notices out and sends due deliveries.
type Deliverer struct {
	Queue    Queue
	Client   *http.Client
	Parallel int // deliveries in flight at once
	Lease    time.Duration
	Logger   *slog.Logger
	sent     *prometheus.CounterVec
}

// NewDeliverer returns a deliverer registering its metrics on reg (may be nil).
func NewDeliverer(q Queue, client *http.Client, reg *prometheus.Registry, log *slog.Logger) *Deliverer {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vafa_outbound_deliveries_total", Help: "Outbound notice deliveries by result (delivered, failed).",
	}, []string{"result"})
	if reg != nil {
		reg.MustRegister(c)
	}
	return &Deliverer{Queue: q, Client: client, Parallel: 8, Lease: 2 * time.Minute, Logger: log, sent: c}
}

// Run fans out up to limit notices and sends up to limit due deliveries; it
// returns how many deliveries it attempted. A worker.Job.
func (d *Deliverer) Run(ctx context.Context, limit int) (int, error) {
	if _, err := d.Queue.FanOut(ctx, limit); err != nil {
		return 0, fmt.Errorf("fan out notices: %w", err)
	}
	due, err := d.Queue.Claim(ctx, limit, d.Lease)
	if err != nil {
		return 0, fmt.Errorf("claim deliveries: %w", err)
	}
	sem := make(chan struct{}, max(d.Parallel, 1))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, o := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			status, failure := d.send(ctx, o)
			result := "delivered"
			if status < 200 || status > 299 {
				result = "failed"
				d.Logger.Info("notice delivery failed; will retry", "delivery", o.ID, "event", o.EventID, "status", status, "err", failure)
			}
			d.sent.WithLabelValues(result).Inc()
			if err := d.Queue.Record(ctx, o.ID, status, failure); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return len(due), errors.Join(errs...)
}

// send posts one delivery and returns the status (0 when there was no
// answer) and, on failure, why. The receiver's answer body is not kept.
func (d *Deliverer) send(ctx context.Context, o mysql.Outbound) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, bytes.NewReader(o.Body))
	if err != nil {
		return 0, "bad receiver url: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Vafa-Outbound/1")
	req.Header.Set("X-Vafa-Event", o.Type)
	req.Header.Set("X-Vafa-Event-Id", strconv.FormatInt(o.EventID, 10))
	req.Header.Set("X-Vafa-Signature", Sign(o.Body, o.Secret))
	resp, err := d.Client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, "receiver answered " + resp.Status
	}
	return resp.StatusCode, ""
}
