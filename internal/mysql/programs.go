package mysql

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The programs table: one row per store, one column per program setting.
// Columns are named by loyalty.Program's setting tags, so a new setting
// needs a field there and a column in a migration, and nothing here.

// programColumns lists the settings' columns in declaration order.
func programColumns() []string {
	var p loyalty.Program
	var cols []string
	for _, s := range p.Settings() {
		cols = append(cols, s.Name)
	}
	return cols
}

var (
	programSelect = `SELECT ` + strings.Join(programColumns(), ", ") + ` FROM programs WHERE store_id = ?`
	programUpsert = func() string {
		cols := programColumns()
		set := make([]string, len(cols))
		for i, c := range cols {
			set[i] = c + "=VALUES(" + c + ")"
		}
		return `INSERT INTO programs (store_id, ` + strings.Join(cols, ", ") + `, updated_at) VALUES (?` +
			strings.Repeat(",?", len(cols)) + `,?) ON DUPLICATE KEY UPDATE ` + strings.Join(set, ", ") + `, updated_at=VALUES(updated_at)`
	}()
)

// loadProgram reads the store's program. ENotFound when the store has none.
func loadProgram(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID) (loyalty.Program, error) {
	var p loyalty.Program
	settings := p.Settings()
	dst := make([]any, len(settings))
	for i, s := range settings {
		dst[i] = s.Value
	}
	if err := q.QueryRowxContext(ctx, programSelect, store).Scan(dst...); err != nil {
		return loyalty.Program{}, notFound(err, "store %d has no program", store)
	}
	return p, nil
}

// saveProgram writes the store's program whole.
func saveProgram(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, p loyalty.Program, now time.Time) error {
	args := []any{store}
	for _, s := range p.Settings() {
		args = append(args, s.Value)
	}
	args = append(args, now)
	if _, err := tx.ExecContext(ctx, programUpsert, args...); err != nil {
		return fmt.Errorf("save program: %w", err)
	}
	return nil
}
