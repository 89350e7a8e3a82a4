package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// pipe is a short transaction in two round trips instead of four: its
// START TRANSACTION rides in front of its first query and its COMMIT behind
// its writes, on one connection taken from the pool. A shopper's request
// that reads, decides and writes (a redemption) spends most of its time in
// round trips and statements, so halving them is most of its cost.
//
// Not on Galera: there a multi-statement batch goes on in autocommit after
// the cluster aborts its transaction (see oneStatementAtATime), so callers
// use an ordinary transaction there.
type pipe struct {
	conn  *sql.Conn
	begun bool // START TRANSACTION was sent
	ended bool // COMMIT (or ROLLBACK) was sent
}

// inPipe runs fn in a pipe, retrying deadlocks, lock wait timeouts and
// errRaced like inTx. fn must send its reads through query and finish with
// commit; returning an error rolls back.
func (d *DB) inPipe(ctx context.Context, fn func(p *pipe, now time.Time) error) error {
	return d.retry(ctx, func() error {
		conn, err := d.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("connection: %w", err)
		}
		p := &pipe{conn: conn}
		defer p.close()
		if err := fn(p, d.now()); err != nil {
			return err
		}
		if !p.ended {
			return errors.New("pipe: fn returned without commit")
		}
		return nil
	})
}

// query sends q (one or more statements), preceded by START TRANSACTION on
// the first call.
func (p *pipe) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if p.begun {
		return p.conn.QueryContext(ctx, q, args...)
	}
	p.begun = true
	// The driver steps over START TRANSACTION's empty result by itself: the
	// rows start at q's first result set.
	return p.conn.QueryContext(ctx, "START TRANSACTION;\n"+q, args...)
}

// commit sends w's statements and COMMIT in one round trip and returns
// the insert id of each statement of w (on a failure, nothing is
// committed and close rolls back).
func (p *pipe) commit(ctx context.Context, w *writes) ([]int64, error) {
	if !p.begun || len(w.stmts) > 0 {
		return nil, errors.New("pipe: commit needs an open pipe and joined writes")
	}
	defer w.reset()
	var ids []int64
	err := p.conn.Raw(func(dc any) error {
		args := make([]driver.NamedValue, len(w.args))
		checker, _ := dc.(driver.NamedValueChecker)
		for i, a := range w.args {
			args[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
			if checker == nil || checker.CheckNamedValue(&args[i]) != nil {
				v, err := driver.DefaultParameterConverter.ConvertValue(a)
				if err != nil {
					return fmt.Errorf("argument %d: %w", i+1, err)
				}
				args[i].Value = v
			}
		}
		res, err := dc.(driver.ExecerContext).ExecContext(ctx, w.q.String()+";\nCOMMIT", args)
		if err != nil {
			return err
		}
		all, ok := res.(interface{ AllLastInsertIds() []int64 })
		if !ok {
			return errors.New("pipe: the driver does not report insert ids per statement")
		}
		ids = all.AllLastInsertIds()
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.ended = true
	return ids[:len(ids)-1], nil
}

// close rolls back an unfinished transaction and returns the connection;
// a connection whose state is unknown is discarded, never pooled inside a
// transaction.
func (p *pipe) close() {
	if p.begun && !p.ended {
		if _, err := p.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			p.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	p.conn.Close()
}
