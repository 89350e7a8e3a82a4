package mysql

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The outbox_events, event_endpoints and event_deliveries tables: the
// transactional outbox (docs/engagement.md). Notices are written by the
// transaction that makes the change they announce (the ledger writer for
// grants, the tier, reward, survey and win-back writers for theirs); the
// fan-out job turns each into one delivery per receiver that wants it; the
// delivery job (internal/outbound) leases due deliveries, sends them and
// records the outcome here.

type pendingNotice struct {
	store loyalty.StoreID
	n     loyalty.Notice
}

// renderNotices adds one INSERT of the notices to w. A notice whose key the
// store already has is skipped: its cause was replayed.
func renderNotices(w *writes, ns []pendingNotice) error {
	if len(ns) == 0 {
		return nil
	}
	var q strings.Builder
	args := make([]any, 0, 6*len(ns))
	q.WriteString(`INSERT INTO outbox_events (store_id, event_key, type, customer_pk, data, created_at) VALUES `)
	for i, p := range ns {
		data, err := json.Marshal(p.n.Data)
		if err != nil {
			return fmt.Errorf("notice %s: %w", p.n.Key, err)
		}
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString("(?,?,?,?,?,?)")
		args = append(args, p.store, p.n.Key, p.n.Type, p.n.Customer, data, p.n.At)
	}
	q.WriteString(` ON DUPLICATE KEY UPDATE id=id`)
	w.add(q.String(), args...)
	return nil
}

// emit writes notices now, in tx.
func emit(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, ns ...loyalty.Notice) error {
	var w writes
	ps := make([]pendingNotice, len(ns))
	for i, n := range ns {
		ps[i] = pendingNotice{store, n}
	}
	if err := renderNotices(&w, ps); err != nil {
		return err
	}
	return w.flush(ctx, tx)
}

var _ loyalty.Outbox = (*OutboxService)(nil)

// OutboxService keeps the receivers and the delivery log.
type OutboxService struct{ db *DB }

// NewOutboxService returns the outbox on db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

type endpointRow struct {
	ID     int64  `db:"id"`
	Kind   string `db:"kind"`
	URL    string `db:"url"`
	Secret string `db:"secret"`
	Events string `db:"events"`
	Active bool   `db:"active"`
}

func (r endpointRow) endpoint() loyalty.Endpoint {
	e := loyalty.Endpoint{ID: r.ID, Kind: r.Kind, URL: r.URL, Secret: r.Secret, Active: r.Active}
	if r.Events != "" {
		e.Events = strings.Split(r.Events, ",")
	}
	return e
}

const endpointColumns = `id, kind, url, secret, events, active`

// NewSecret returns a random receiver secret.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SetPluginEndpoint makes url, signed with secret, the store's plugin
// receiver (replacing the previous one). EInvalid.
func (s *OutboxService) SetPluginEndpoint(ctx context.Context, store loyalty.StoreID, url, secret string) (loyalty.Endpoint, error) {
	e := loyalty.Endpoint{Kind: loyalty.EndpointPlugin, URL: strings.TrimSpace(url), Secret: secret, Active: true}
	if err := e.Validate(); err != nil {
		return loyalty.Endpoint{}, err
	}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_endpoints (store_id, kind, plugin_store, url, secret, events, active, created_at, updated_at)
			VALUES (?,?,?,?,?,'',1,?,?) ON DUPLICATE KEY UPDATE url=VALUES(url), secret=VALUES(secret), active=1, updated_at=VALUES(updated_at)`,
			store, loyalty.EndpointPlugin, store, e.URL, e.Secret, now, now); err != nil {
			return fmt.Errorf("save plugin endpoint: %w", err)
		}
		return tx.GetContext(ctx, &e.ID, `SELECT id FROM event_endpoints WHERE plugin_store=?`, store)
	})
	return e, err
}

// CreateEndpoint adds a receiver URL; a missing secret is generated. EInvalid.
func (s *OutboxService) CreateEndpoint(ctx context.Context, store loyalty.StoreID, e loyalty.Endpoint) (loyalty.Endpoint, error) {
	e.Kind, e.Active = loyalty.EndpointURL, true
	if e.Secret == "" {
		e.Secret = NewSecret()
	}
	if err := e.Validate(); err != nil {
		return loyalty.Endpoint{}, err
	}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO event_endpoints (store_id, kind, url, secret, events, active, created_at, updated_at)
			VALUES (?,?,?,?,?,1,?,?)`, store, e.Kind, e.URL, e.Secret, strings.Join(e.Events, ","), now, now)
		if err != nil {
			return fmt.Errorf("save endpoint: %w", err)
		}
		e.ID, err = res.LastInsertId()
		return err
	})
	return e, err
}

// UpdateEndpoint applies patch to a receiver of the store. ENotFound, EInvalid.
func (s *OutboxService) UpdateEndpoint(ctx context.Context, store loyalty.StoreID, id int64, patch func(*loyalty.Endpoint) error) (loyalty.Endpoint, error) {
	var e loyalty.Endpoint
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var r endpointRow
		if err := tx.GetContext(ctx, &r, `SELECT `+endpointColumns+` FROM event_endpoints WHERE store_id=? AND id=? FOR UPDATE`, store, id); err != nil {
			return notFound(err, "endpoint %d not found", id)
		}
		e = r.endpoint()
		if err := patch(&e); err != nil {
			return err
		}
		if err := e.Validate(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE event_endpoints SET url=?, events=?, active=?, updated_at=? WHERE id=?`,
			e.URL, strings.Join(e.Events, ","), e.Active, now, id)
		return err
	})
	return e, err
}

// Endpoints lists the store's receivers.
func (s *OutboxService) Endpoints(ctx context.Context, store loyalty.StoreID) ([]loyalty.Endpoint, error) {
	var rows []endpointRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+endpointColumns+` FROM event_endpoints WHERE store_id=? ORDER BY id`, store); err != nil {
		return nil, fmt.Errorf("list endpoints: %w", err)
	}
	out := make([]loyalty.Endpoint, len(rows))
	for i, r := range rows {
		out[i] = r.endpoint()
	}
	return out, nil
}

// FanOut makes the deliveries of up to limit notices not yet fanned out:
// one per active receiver of the store that wants the type. Safe on several
// instances: rows are taken with SKIP LOCKED, and a delivery is unique per
// notice and receiver.
func (s *OutboxService) FanOut(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var evs []struct {
			ID    int64  `db:"id"`
			Store int64  `db:"store_id"`
			Type  string `db:"type"`
		}
		if err := tx.SelectContext(ctx, &evs, `SELECT id, store_id, type FROM outbox_events WHERE fanned=0 ORDER BY id LIMIT ?
			FOR UPDATE SKIP LOCKED`, limit); err != nil {
			return fmt.Errorf("unfanned notices: %w", err)
		}
		n = len(evs)
		if n == 0 {
			return nil
		}
		stores := map[int64][]loyalty.Endpoint{}
		var q strings.Builder
		var args []any
		ids := make([]any, 0, n)
		for _, ev := range evs {
			ids = append(ids, ev.ID)
			eps, ok := stores[ev.Store]
			if !ok {
				var rows []endpointRow
				if err := tx.SelectContext(ctx, &rows, `SELECT `+endpointColumns+` FROM event_endpoints WHERE store_id=? AND active=1`, ev.Store); err != nil {
					return fmt.Errorf("endpoints: %w", err)
				}
				for _, r := range rows {
					eps = append(eps, r.endpoint())
				}
				stores[ev.Store] = eps
			}
			for _, e := range eps {
				if !e.Wants(ev.Type) {
					continue
				}
				if q.Len() > 0 {
					q.WriteString(",")
				}
				q.WriteString("(?,?,?,'pending',?,?,?)")
				args = append(args, ev.Store, ev.ID, e.ID, now, now, now)
			}
		}
		if q.Len() > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO event_deliveries (store_id, event_id, endpoint_id, state, next_at, created_at, updated_at)
				VALUES `+q.String()+` ON DUPLICATE KEY UPDATE id=id`, args...); err != nil {
				return fmt.Errorf("create deliveries: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbox_events SET fanned=1 WHERE id IN (?`+strings.Repeat(",?", n-1)+`)`, ids...)
		return err
	})
	return n, err
}

// Outbound is one delivery to make: where, with which secret, and the
// event as the receiver sees it.
type Outbound struct {
	ID      int64
	URL     string
	Secret  string
	Type    string
	EventID int64
	Body    []byte
}

type outboundRow struct {
	ID        int64          `db:"id"`
	Store     int64          `db:"store_id"`
	URL       string         `db:"url"`
	Secret    string         `db:"secret"`
	EventID   int64          `db:"event_id"`
	Type      string         `db:"type"`
	Data      []byte         `db:"data"`
	CreatedAt time.Time      `db:"created_at"`
	WCID      sql.NullInt64  `db:"wc_customer_id"`
	Email     sql.NullString `db:"email"`
	Available sql.NullInt64  `db:"available"`
	Pending   sql.NullInt64  `db:"pending"`
}

// Claim leases up to limit due deliveries for lease (no other instance
// takes them meanwhile) and returns them ready to send, the customer's
// identity and current balance filled in.
func (s *OutboxService) Claim(ctx context.Context, limit int, lease time.Duration) ([]Outbound, error) {
	var rows []outboundRow
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		rows = rows[:0]
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT id FROM event_deliveries WHERE state='pending' AND next_at<=?
			AND (lease_until IS NULL OR lease_until<?) ORDER BY next_at LIMIT ? FOR UPDATE SKIP LOCKED`, now, now, limit); err != nil {
			return fmt.Errorf("due deliveries: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		in, args, _ := sqlx.In(`UPDATE event_deliveries SET lease_until=? WHERE id IN (?)`, now.Add(lease), ids)
		if _, err := tx.ExecContext(ctx, in, args...); err != nil {
			return fmt.Errorf("lease deliveries: %w", err)
		}
		in, args, _ = sqlx.In(`SELECT d.id, d.store_id, p.url, p.secret, e.id AS event_id, e.type, e.data, e.created_at,
			c.wc_customer_id, COALESCE(c.email, c.guest_email) AS email, c.available, c.pending
			FROM event_deliveries d JOIN event_endpoints p ON p.id=d.endpoint_id JOIN outbox_events e ON e.id=d.event_id
			LEFT JOIN customers c ON c.id=e.customer_pk WHERE d.id IN (?) ORDER BY d.id`, ids)
		return tx.SelectContext(ctx, &rows, in, args...)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Outbound, 0, len(rows))
	for _, r := range rows {
		data := map[string]any{}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			return nil, fmt.Errorf("notice %d data: %w", r.EventID, err)
		}
		if r.Available.Valid {
			data["balance"] = map[string]int64{"available": r.Available.Int64, "pending": r.Pending.Int64}
		}
		body, err := json.Marshal(map[string]any{"id": r.EventID, "type": r.Type, "store_id": fmt.Sprint(r.Store),
			"created_at": r.CreatedAt.UTC().Format(time.RFC3339),
			"customer":   map[string]any{"id": r.WCID.Int64, "email": r.Email.String},
			"data":       data})
		if err != nil {
			return nil, fmt.Errorf("notice %d body: %w", r.EventID, err)
		}
		out = append(out, Outbound{ID: r.ID, URL: r.URL, Secret: r.Secret, Type: r.Type, EventID: r.EventID, Body: body})
	}
	return out, nil
}

// Record saves an attempt's outcome: delivered on a 2xx status, otherwise
// the next attempt by the backoff, or dead after the last.
func (s *OutboxService) Record(ctx context.Context, id int64, status int, failure string) error {
	return s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var attempts int
		if err := tx.GetContext(ctx, &attempts, `SELECT attempts FROM event_deliveries WHERE id=? FOR UPDATE`, id); err != nil {
			return notFound(err, "delivery %d not found", id)
		}
		attempts++
		if len(failure) > 500 {
			failure = failure[:500]
		}
		if status >= 200 && status < 300 {
			_, err := tx.ExecContext(ctx, `UPDATE event_deliveries SET state='delivered', attempts=?, last_status=?, last_error='',
				lease_until=NULL, delivered_at=?, updated_at=? WHERE id=?`, attempts, status, now, now, id)
			return err
		}
		next, dead := loyalty.NextAttempt(attempts, now)
		state := loyalty.DeliveryPending
		if dead {
			state, next = loyalty.DeliveryDead, now
		}
		_, err := tx.ExecContext(ctx, `UPDATE event_deliveries SET state=?, attempts=?, last_status=?, last_error=?, next_at=?,
			lease_until=NULL, updated_at=? WHERE id=?`, state, attempts, status, failure, next, now, id)
		return err
	})
}

// Deliveries lists the store's deliveries, newest first, optionally of one
// state, with ids below before (0 = from the newest).
func (s *OutboxService) Deliveries(ctx context.Context, store loyalty.StoreID, state string, before int64, limit int) ([]loyalty.DeliveryView, error) {
	q := `SELECT d.id AS id, d.event_id AS eventid, e.type AS type, d.endpoint_id AS endpointid, p.url AS url, d.state AS state,
		d.attempts AS attempts, d.last_status AS laststatus, d.last_error AS lasterror, d.next_at AS nextat,
		d.delivered_at, e.created_at AS createdat FROM event_deliveries d JOIN outbox_events e ON e.id=d.event_id
		JOIN event_endpoints p ON p.id=d.endpoint_id WHERE d.store_id=?`
	args := []any{store}
	if state != "" {
		q += ` AND d.state=?`
		args = append(args, state)
	}
	if before > 0 {
		q += ` AND d.id<?`
		args = append(args, before)
	}
	q += ` ORDER BY d.id DESC LIMIT ?`
	var rows []struct {
		loyalty.DeliveryView
		Delivered sql.NullTime `db:"delivered_at"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, q, append(args, limit)...); err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	out := make([]loyalty.DeliveryView, len(rows))
	for i, r := range rows {
		out[i] = r.DeliveryView
		out[i].DeliveredAt = r.Delivered.Time
	}
	return out, nil
}

// Replay puts the store's dead deliveries (one, by id > 0, or all) back to
// pending, due now, with their attempts counted from zero. It returns how
// many. ENotFound for an id that is not a dead delivery of the store.
func (s *OutboxService) Replay(ctx context.Context, store loyalty.StoreID, id int64) (int64, error) {
	var n int64
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		q := `UPDATE event_deliveries SET state='pending', attempts=0, next_at=?, lease_until=NULL, updated_at=? WHERE store_id=? AND state='dead'`
		args := []any{now, now, store}
		if id > 0 {
			q += ` AND id=?`
			args = append(args, id)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("replay deliveries: %w", err)
		}
		n, _ = res.RowsAffected()
		if id > 0 && n == 0 {
			return loyalty.Errorf(loyalty.ENotFound, "delivery %d is not a dead delivery of the store", id)
		}
		return nil
	})
	return n, err
}

// Notices returns the store's notices about the WooCommerce customer (or
// all, when wcID is 0), newest first: for admins and tests.
func (s *OutboxService) Notices(ctx context.Context, store loyalty.StoreID, typ string, limit int) ([]loyalty.Notice, error) {
	var rows []struct {
		Key      string    `db:"event_key"`
		Type     string    `db:"type"`
		Customer int64     `db:"customer_pk"`
		Data     []byte    `db:"data"`
		At       time.Time `db:"created_at"`
	}
	q := `SELECT event_key, type, customer_pk, data, created_at FROM outbox_events WHERE store_id=?`
	args := []any{store}
	if typ != "" {
		q += ` AND type=?`
		args = append(args, typ)
	}
	if err := s.db.db.SelectContext(ctx, &rows, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...); err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	out := make([]loyalty.Notice, len(rows))
	for i, r := range rows {
		out[i] = loyalty.Notice{Key: r.Key, Type: r.Type, Customer: r.Customer, At: r.At}
		if err := json.Unmarshal(r.Data, &out[i].Data); err != nil {
			return nil, errors.Join(fmt.Errorf("notice %s data", r.Key), err)
		}
	}
	return out, nil
}

// Prune deletes, up to limit of each, the deliveries delivered more than
// loyalty.NoticeRetentionDays ago and the notices that old with no
// delivery left (dead ones stay until replayed). It returns how many rows
// went.
func (s *OutboxService) Prune(ctx context.Context, limit int) (int, error) {
	before := s.db.now().AddDate(0, 0, -loyalty.NoticeRetentionDays)
	res, err := s.db.db.ExecContext(ctx, `DELETE FROM event_deliveries WHERE state='delivered' AND delivered_at < ? LIMIT ?`, before, limit)
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = s.db.db.ExecContext(ctx, `DELETE FROM outbox_events WHERE fanned=1 AND created_at < ? AND NOT EXISTS
		(SELECT 1 FROM event_deliveries d WHERE d.event_id=outbox_events.id) ORDER BY id LIMIT ?`, before, limit)
	if err != nil {
		return int(n), fmt.Errorf("prune notices: %w", err)
	}
	m, _ := res.RowsAffected()
	return int(n + m), nil
}
