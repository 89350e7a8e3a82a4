package mysql

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The webhook_inbox table: every accepted delivery, stored before the 2xx,
// and its processing state.

var _ loyalty.Inbox = (*InboxService)(nil)

// InboxService stores deliveries durably and applies them to the ledger.
type InboxService struct {
	db       *DB
	acceptor *acceptor
}

// NewInboxService returns the inbox on db, with its group-commit writers running.
func NewInboxService(db *DB) *InboxService {
	return &InboxService{db: db, acceptor: newAcceptor(db, db.consecutiveIDs)}
}

// SetAcceptTimeout bounds how long Accept waits for its row's commit
// before answering EUnavailable (default 10 s).
func (s *InboxService) SetAcceptTimeout(d time.Duration) { s.acceptor.wait = d }

// Close waits for queued webhook inserts. Close it before the DB.
func (s *InboxService) Close() error {
	s.acceptor.close()
	return nil
}

// Decoder turns a stored body into an event, given the exponents of the
// currencies the store earns in (false for one it has no rate for).
type Decoder func(topic string, body []byte, exponentOf func(currency string) (int, bool)) loyalty.Event

// MaxAttempts is how often a failing row is tried before it is parked as dead.
const MaxAttempts = 8

// Accept durably stores a verified delivery; it returns after the commit.
// Concurrent calls share INSERTs and commits (see acceptor). The id is 0
// when the server does not hand out consecutive ids per statement.
func (s *InboxService) Accept(ctx context.Context, m loyalty.InboxMessage) (int64, error) {
	return s.acceptor.accept(ctx, m)
}

// AcceptBatch stores several messages of one request in one transaction,
// in INSERTs sized to fit max_allowed_packet.
func (s *InboxService) AcceptBatch(ctx context.Context, ms []loyalty.InboxMessage) error {
	if len(ms) == 0 {
		return nil
	}
	return s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		for start := 0; start < len(ms); {
			end, size := start, 0
			for end < len(ms) && (end == start || size+len(ms[end].Body) <= s.db.insertBytes) {
				size += len(ms[end].Body)
				end++
			}
			var q strings.Builder
			q.WriteString(`INSERT INTO webhook_inbox (store_id, topic, source, received_at, body, next_attempt_at) VALUES `)
			args := make([]any, 0, 6*(end-start))
			for i, m := range ms[start:end] {
				if i > 0 {
					q.WriteString(",")
				}
				q.WriteString("(?,?,?,?,?,?)")
				args = append(args, m.StoreID, truncate(m.Topic, 100), m.Source, now, m.Body, now)
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("store batch: %w", err)
			}
			start = end
		}
		return nil
	})
}

type inboxRow struct {
	ID         int64   `db:"id"`
	StoreID    int64   `db:"store_id"`
	Topic      string  `db:"topic"`
	Body       []byte  `db:"body"`
	Attempts   int     `db:"attempts"`
	DeliveryID *string `db:"delivery_id"`
}

// inboxClaimColumns are read into inboxRow.
const inboxClaimColumns = `id, store_id, topic, body, attempts, delivery_id`

// ProcessNext claims one due inbox row and applies it to the ledger in the
// same transaction that marks it done, so a crash at any point either keeps
// the row pending or has applied it exactly once. It reports whether a row
// was found. A failure is recorded on the row with a backoff; after
// MaxAttempts the row is parked as dead.
func (s *InboxService) ProcessNext(ctx context.Context, decode Decoder) (bool, error) {
	var claimed inboxRow
	found := false
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		found = false
		err := tx.GetContext(ctx, &claimed, `SELECT `+inboxClaimColumns+` FROM webhook_inbox
			WHERE state='pending' AND next_attempt_at <= ? ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`, now)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim inbox row: %w", err)
		}
		found = true
		return applyRows(ctx, tx, []inboxRow{claimed}, decode, now, s.db)
	})
	if err == nil || !found || ctx.Err() != nil {
		return found, err
	}
	// The transaction rolled back; record the failure on its own.
	err = fmt.Errorf("inbox row %d: %w", claimed.ID, err)
	if ferr := s.recordFailure(ctx, claimed, err); ferr != nil {
		return true, errors.Join(err, ferr)
	}
	return true, err
}

// ProcessBatch claims up to n due rows and applies them in one transaction,
// oldest first, so one commit (one fsync) serves the whole batch. If any row
// fails, the batch is rolled back and its rows are processed one by one with
// ProcessNext, so a bad row never holds the others back and its failure is
// recorded on it alone. It returns how many rows it processed.
func (s *InboxService) ProcessBatch(ctx context.Context, decode Decoder, n int) (int, error) {
	if n <= 1 {
		found, err := s.ProcessNext(ctx, decode)
		if found {
			return 1, err
		}
		return 0, err
	}
	var done int
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		done = 0
		var rows []inboxRow
		if err := tx.SelectContext(ctx, &rows, `SELECT `+inboxClaimColumns+` FROM webhook_inbox
			WHERE state='pending' AND next_attempt_at <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`, now, n); err != nil {
			return fmt.Errorf("claim inbox rows: %w", err)
		}
		if err := applyRows(ctx, tx, rows, decode, now, s.db); err != nil {
			return err
		}
		done = len(rows)
		return nil
	})
	if err == nil || ctx.Err() != nil {
		return done, err
	}
	// Isolate the failing row: process what was claimed one row at a time.
	processed := 0
	var lastErr error
	for i := 0; i < n; i++ {
		found, err := s.ProcessNext(ctx, decode)
		if !found {
			break
		}
		processed++
		if err != nil {
			lastErr = err
		}
	}
	return processed, lastErr
}

func (s *InboxService) recordFailure(ctx context.Context, row inboxRow, cause error) error {
	now := s.db.now()
	attempts := row.Attempts + 1
	state := loyalty.InboxPending
	if attempts >= MaxAttempts {
		state = loyalty.InboxDead
	}
	backoff := time.Duration(1<<min(attempts, 10)) * time.Second
	// Admins read last_error: a domain error's safe message, never a
	// database error (the worker logs the cause with the row id).
	note := loyalty.ErrorMessage(cause)
	if loyalty.ErrorCode(cause) == loyalty.EInternal {
		note = fmt.Sprintf("processing failed with an internal error (attempt %d); the service log has the cause for inbox row %d", attempts, row.ID)
	}
	_, err := s.db.db.ExecContext(ctx, `UPDATE webhook_inbox SET state=?, attempts=?, next_attempt_at=?, last_error=?
		WHERE id=? AND state='pending'`, state, attempts, now.Add(backoff), truncate(note, 1000), row.ID)
	if err != nil {
		return fmt.Errorf("record inbox failure: %w", err)
	}
	return nil
}

// replayedDelete reports whether the same order.deleted delivery (delivery
// id and body) was applied before, and records this one otherwise: the
// table is written only for deletes, so the accept path pays nothing.
func replayedDelete(ctx context.Context, tx *sqlx.Tx, row inboxRow) (bool, error) {
	if row.DeliveryID == nil || *row.DeliveryID == "" {
		return false, nil
	}
	h := sha256.Sum256(row.Body)
	res, err := tx.ExecContext(ctx, `INSERT INTO applied_deletes (store_id, delivery_id, body_hash, inbox_id) VALUES (?,?,?,?)
		ON DUPLICATE KEY UPDATE inbox_id = inbox_id`,
		row.StoreID, *row.DeliveryID, h[:], row.ID)
	if err != nil {
		return false, fmt.Errorf("record delete delivery: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 1 {
		return false, nil
	}
	// A row is there: a replay, unless it is this row's own (a retry after a rollback cannot leave one).
	var first int64
	if err := tx.GetContext(ctx, &first, `SELECT inbox_id FROM applied_deletes WHERE store_id=? AND delivery_id=? AND body_hash=?`,
		row.StoreID, *row.DeliveryID, h[:]); err != nil {
		return false, fmt.Errorf("find delete delivery: %w", err)
	}
	return first != row.ID, nil
}

type inboxUpdate struct {
	id    int64
	state string
	note  string
}

// renderInboxStates adds one UPDATE setting the final state and note of
// every processed row.
func renderInboxStates(w *writes, rows []inboxUpdate, now time.Time) {
	if len(rows) == 0 {
		return
	}
	var st, le, in strings.Builder
	var sArgs, lArgs, inArgs []any
	for i, r := range rows {
		st.WriteString(" WHEN ? THEN ?")
		le.WriteString(" WHEN ? THEN ?")
		sArgs = append(sArgs, r.id, r.state)
		lArgs = append(lArgs, r.id, nullable(r.note))
		if i > 0 {
			in.WriteString(",")
		}
		in.WriteString("?")
		inArgs = append(inArgs, r.id)
	}
	args := append(append(sArgs, lArgs...), now)
	w.add(`UPDATE webhook_inbox SET state = CASE id`+st.String()+` END, last_error = CASE id`+le.String()+
		` END, attempts = attempts + 1, processed_at = ? WHERE id IN (`+in.String()+`)`, append(args, inArgs...)...)
}

// applyRows decodes the claimed rows, locks what they name in a few set
// queries, applies them oldest first, and flushes the writes once.
func applyRows(ctx context.Context, tx *sqlx.Tx, rows []inboxRow, decode Decoder, now time.Time, db *DB) error {
	b := newBatch(tx, now, db.idStep)
	b.pool = db.db
	stores := map[int64]loyalty.Store{}
	b.stores = stores
	evs := make([]loyalty.Event, len(rows))
	byStore := map[int64][]loyalty.Event{}
	for i, row := range rows {
		st, ok := stores[row.StoreID]
		if !ok {
			var err error
			if st, err = loadStore(ctx, tx, row.StoreID); err != nil {
				return err
			}
			stores[row.StoreID] = st
			b.ledger.zones[st.ID] = st.Program.Location()
		}
		evs[i] = decode(row.Topic, row.Body, st.Exponent)
		byStore[row.StoreID] = append(byStore[row.StoreID], evs[i])
	}
	storeIDs := make([]int64, 0, len(byStore))
	for id := range byStore {
		storeIDs = append(storeIDs, id)
	}
	sort.Slice(storeIDs, func(i, j int) bool { return storeIDs[i] < storeIDs[j] })
	for _, id := range storeIDs {
		if err := b.prefetch(ctx, id, byStore[id]); err != nil {
			return err
		}
		if err := b.prefetchTiers(ctx, stores[id]); err != nil {
			return err
		}
	}
	for i, row := range rows {
		if evs[i].Kind == loyalty.EventOrderDeleted {
			// A delete is the same {"id":N} bytes every time: a replay of
			// one already applied (same delivery id, same body) is ignored.
			dup, err := replayedDelete(ctx, tx, row)
			if err != nil {
				return err
			}
			if dup {
				b.done(row.ID, loyalty.InboxIgnored, "replay of a delivery already applied (same delivery id and body)")
				continue
			}
		}
		if err := applyEvent(ctx, b, row.ID, stores[row.StoreID], evs[i]); err != nil {
			return err
		}
	}
	if err := b.settleTiers(ctx, stores); err != nil {
		return err
	}
	return b.flush(ctx)
}

// List returns the store's inbox rows, newest first.
func (s *InboxService) List(ctx context.Context, store loyalty.StoreID, state string, before int64, limit int) ([]loyalty.InboxRow, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	q := `SELECT id, topic, source, state, attempts, COALESCE(last_error,'') AS last_error, received_at, processed_at
		FROM webhook_inbox WHERE store_id=? AND id < ?`
	args := []any{store, before}
	if state != "" {
		q += ` AND state=?`
		args = append(args, state)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	var rows []struct {
		ID          int64      `db:"id"`
		Topic       string     `db:"topic"`
		Source      string     `db:"source"`
		State       string     `db:"state"`
		Attempts    int        `db:"attempts"`
		LastError   string     `db:"last_error"`
		ReceivedAt  time.Time  `db:"received_at"`
		ProcessedAt *time.Time `db:"processed_at"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("list inbox: %w", err)
	}
	out := make([]loyalty.InboxRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, loyalty.InboxRow{ID: r.ID, Topic: r.Topic, Source: r.Source, State: r.State, Attempts: r.Attempts,
			LastError: r.LastError, ReceivedAt: r.ReceivedAt, ProcessedAt: r.ProcessedAt})
	}
	return out, nil
}

// Replay puts a dead or flagged row back in the queue with fresh attempts.
// ENotFound when the row is not the store's, EConflict when it is not dead or flagged.
func (s *InboxService) Replay(ctx context.Context, store loyalty.StoreID, id int64) error {
	return s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var row struct {
			State string `db:"state"`
			Store int64  `db:"store_id"`
		}
		err := tx.GetContext(ctx, &row, `SELECT state, store_id FROM webhook_inbox WHERE id=? FOR UPDATE`, id)
		if err == nil && row.Store != store {
			err = sql.ErrNoRows // another store's row does not exist for this one
		}
		if err != nil {
			return notFound(err, "inbox row %d not found", id)
		}
		state := row.State
		if state != loyalty.InboxDead && state != loyalty.InboxFlagged {
			return loyalty.Errorf(loyalty.EConflict, "only dead or flagged rows can be replayed; this one is %s", state)
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhook_inbox SET state='pending', attempts=0, next_attempt_at=?, processed_at=NULL WHERE id=?`, now, id)
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		return nil
	})
}

// InboxCounts returns the number of rows per state (for metrics and tests).
func (s *InboxService) InboxCounts(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		State string `db:"state"`
		N     int64  `db:"n"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT state, COUNT(*) AS n FROM webhook_inbox GROUP BY state`); err != nil {
		return nil, fmt.Errorf("count inbox: %w", err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// truncate returns valid UTF-8 of at most n bytes, cut on a character
// boundary: a header's bytes must never make an INSERT fail (MariaDB 1366).
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return truncate(s, 1000)
}
