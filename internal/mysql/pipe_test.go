package mysql

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestPipeLeavesNoOpenTransaction: whichever way a pipe ends (committed, its
// function failing after the first query, or its writes failing midway),
// only a commit makes its writes visible, and the connection it used goes
// back to the pool outside any transaction. With one connection in the
// pool, every case reuses the same one.
func TestPipeLeavesNoOpenTransaction(t *testing.T) {
	db, _ := openTest(t)
	d := db.pool
	d.db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE pipe_t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("decided no")
	tests := []struct {
		name    string
		values  []int // inserted by the writes
		fail    bool  // fn fails after its read
		wantErr bool
		want    int // rows afterwards
	}{
		{name: "committed", values: []int{1, 2}, want: 2},
		{name: "fn fails after reading", values: []int{3}, fail: true, wantErr: true, want: 2},
		{name: "second write fails", values: []int{4, 1}, wantErr: true, want: 2},
		{name: "committed again", values: []int{5}, want: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ids []int64
			err := d.inPipe(ctx, func(p *pipe, _ time.Time) error {
				rows, err := p.query(ctx, `SELECT COUNT(*) FROM pipe_t`)
				if err != nil {
					return err
				}
				rows.Close()
				if tc.fail {
					return failed
				}
				var w writes
				for _, v := range tc.values {
					w.add(`INSERT INTO pipe_t (v) VALUES (?)`, v)
				}
				ids, err = p.commit(ctx, &w)
				return err
			})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil {
				if len(ids) != len(tc.values) {
					t.Fatalf("insert ids %v for %d writes", ids, len(tc.values))
				}
				for i, id := range ids {
					if id <= 0 || (i > 0 && id <= ids[i-1]) {
						t.Fatalf("insert ids %v: not one new id per write", ids)
					}
				}
			}
			var n, inTx int
			if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*), @@in_transaction FROM pipe_t`).Scan(&n, &inTx); err != nil {
				t.Fatal(err)
			}
			if n != tc.want || inTx != 0 {
				t.Fatalf("%d rows, in_transaction=%d; want %d rows outside a transaction", n, inTx, tc.want)
			}
		})
	}
}
