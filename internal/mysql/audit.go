package mysql

import (
	"context"
	"fmt"
)

// AuditService checks the ledger's invariants across every store.
type AuditService struct {
	db *DB
}

// NewAuditService returns the audit on db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// Violation is one broken ledger invariant.
type Violation struct {
	StoreID int64  `json:"store_id"`
	Check   string `json:"check"`
	Detail  string `json:"detail"`
}

// auditChecks are queries that return one row per violation: store id and a detail.
var auditChecks = []struct {
	name  string
	query string
}{
	{"transaction_balances", `SELECT store_id, CONCAT('transaction ', transaction_id, ' sums to ', SUM(amount))
		FROM ledger_entries GROUP BY store_id, transaction_id HAVING SUM(amount) <> 0`},
	{"transaction_has_entries", `SELECT t.store_id, CONCAT('transaction ', t.id, ' has ', COUNT(e.id), ' entries')
		FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.store_id=t.store_id AND e.transaction_id=t.id
		GROUP BY t.store_id, t.id HAVING COUNT(e.id) < 2`},
	{"entry_has_transaction", `SELECT e.store_id, CONCAT('entry ', e.id, ' names missing transaction ', e.transaction_id)
		FROM ledger_entries e LEFT JOIN ledger_transactions t ON t.id=e.transaction_id AND t.store_id=e.store_id
		WHERE t.id IS NULL`},
	{"customer_available", `SELECT c.store_id, CONCAT('customer ', c.id, ' available ', c.available, ' but entries sum to ', COALESCE(s.total,0))
		FROM customers c LEFT JOIN (SELECT store_id, customer_pk, SUM(amount) AS total FROM ledger_entries
		WHERE account='available' GROUP BY store_id, customer_pk) s ON s.store_id=c.store_id AND s.customer_pk=c.id
		WHERE c.available <> COALESCE(s.total,0)`},
	{"customer_pending", `SELECT c.store_id, CONCAT('customer ', c.id, ' pending ', c.pending, ' but entries sum to ', COALESCE(s.total,0))
		FROM customers c LEFT JOIN (SELECT store_id, customer_pk, SUM(amount) AS total FROM ledger_entries
		WHERE account='pending' GROUP BY store_id, customer_pk) s ON s.store_id=c.store_id AND s.customer_pk=c.id
		WHERE c.pending <> COALESCE(s.total,0)`},
	{"customer_held", `SELECT c.store_id, CONCAT('customer ', c.id, ' held ', c.held, ' but entries sum to ', COALESCE(s.total,0))
		FROM customers c LEFT JOIN (SELECT store_id, customer_pk, SUM(amount) AS total FROM ledger_entries
		WHERE account='held' GROUP BY store_id, customer_pk) s ON s.store_id=c.store_id AND s.customer_pk=c.id
		WHERE c.held <> COALESCE(s.total,0)`},
	{"held_is_open_rewards", `SELECT c.store_id, CONCAT('customer ', c.id, ' holds ', c.held, ' but open rewards sum to ', COALESCE(r.total,0))
		FROM customers c LEFT JOIN (SELECT store_id, customer_pk, SUM(points) AS total FROM redemptions
		WHERE state IN ('issued','applied') GROUP BY store_id, customer_pk) r ON r.store_id=c.store_id AND r.customer_pk=c.id
		WHERE c.held <> COALESCE(r.total,0)`},
	{"lots_cover_available", `SELECT c.store_id, CONCAT('customer ', c.id, ' has ', c.available, ' available but lots of only ', COALESCE(l.total,0))
		FROM customers c LEFT JOIN (SELECT store_id, customer_pk, SUM(amount) AS total FROM lots GROUP BY store_id, customer_pk) l
		ON l.store_id=c.store_id AND l.customer_pk=c.id WHERE c.available > COALESCE(l.total,0)`},
	{"customer_account_owner", `SELECT store_id, CONCAT('entry ', id, ' on ', account, ' has the wrong owner')
		FROM ledger_entries WHERE (account IN ('pending','available','held')) <> (customer_pk IS NOT NULL)`},
	{"customer_store", `SELECT e.store_id, CONCAT('entry ', e.id, ' names customer ', e.customer_pk, ' of another store')
		FROM ledger_entries e JOIN customers c ON c.id=e.customer_pk WHERE c.store_id <> e.store_id`},
	{"order_holding", `SELECT o.store_id, CONCAT('order ', o.order_id, ' holds ', o.points_pending + o.points_available,
		' but its entries sum to ', COALESCE(s.total,0))
		FROM orders o LEFT JOIN (SELECT t.store_id, t.order_id, SUM(e.amount) AS total FROM ledger_transactions t
		JOIN ledger_entries e ON e.store_id=t.store_id AND e.transaction_id=t.id
		WHERE t.order_id IS NOT NULL AND t.kind IN ('order_earn','order_reversal','order_mature')
		AND e.account IN ('pending','available') GROUP BY t.store_id, t.order_id) s
		ON s.store_id=o.store_id AND s.order_id=o.order_id
		WHERE o.points_pending + o.points_available <> COALESCE(s.total,0)`},
	{"order_negative_holding", `SELECT store_id, CONCAT('order ', order_id, ' holds negative points')
		FROM orders WHERE points_pending < 0 OR points_available < 0`},
}

// Audit checks every ledger invariant over all stores: each transaction sums
// to zero and has entries, each customer's balance row equals the sum of its
// entries, each order's holding equals its entries, and no entry crosses stores.
func (s *AuditService) Audit(ctx context.Context) ([]Violation, error) {
	conn, err := s.db.db.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer conn.Close()
	if oneStatementAtATime.Load() {
		// A Galera node applies the others' commits shortly after they
		// certify: wait for them, so every check reads the cluster's state.
		if _, err := conn.ExecContext(ctx, "SET SESSION wsrep_sync_wait=1"); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SET SESSION wsrep_sync_wait=DEFAULT")
	}
	var out []Violation
	for _, c := range auditChecks {
		rows, err := conn.QueryContext(ctx, c.query)
		if err != nil {
			return nil, fmt.Errorf("audit %s: %w", c.name, err)
		}
		for rows.Next() {
			v := Violation{Check: c.name}
			if err := rows.Scan(&v.StoreID, &v.Detail); err != nil {
				rows.Close()
				return nil, fmt.Errorf("audit %s: %w", c.name, err)
			}
			out = append(out, v)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("audit %s: %w", c.name, err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("audit %s: %w", c.name, err)
		}
	}
	return out, nil
}

// SystemBalances returns the store's system account balances, derived from
// entries (they have no balance row by design).
func (s *AuditService) SystemBalances(ctx context.Context, store int64) (map[string]int64, error) {
	var rows []struct {
		Account string `db:"account"`
		Total   int64  `db:"total"`
	}
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT account, SUM(amount) AS total FROM ledger_entries
		WHERE store_id=? AND customer_pk IS NULL GROUP BY account`, store); err != nil {
		return nil, fmt.Errorf("system balances: %w", err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Account] = r.Total
	}
	return out, nil
}
