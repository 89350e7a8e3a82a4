package mysql

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The campaigns table: surprise grants to the customers a filter chooses.
// The job grants in chunks of campaignChunk customers in ascending id, each
// chunk one transaction that also moves the campaign's cursor, so a crash
// loses no grant and repeats none: the next run starts after the last
// chunk committed (and every grant is keyed besides).

const campaignChunk = 500

var _ loyalty.Campaigns = (*CampaignService)(nil)

// CampaignService creates and runs campaigns.
type CampaignService struct{ db *DB }

// NewCampaignService returns the campaign service on db.
func NewCampaignService(db *DB) *CampaignService { return &CampaignService{db: db} }

type campaignRow struct {
	ID        int64        `db:"id"`
	Key       string       `db:"campaign_key"`
	Name      string       `db:"name"`
	Message   string       `db:"message"`
	Points    int64        `db:"points"`
	RewardID  int64        `db:"reward_id"`
	Filter    string       `db:"filter"`
	State     string       `db:"state"`
	Total     int64        `db:"total"`
	Granted   int64        `db:"granted"`
	Cursor    int64        `db:"cursor_pk"`
	CreatedAt time.Time    `db:"created_at"`
	UpdatedAt time.Time    `db:"updated_at"`
	DoneAt    sql.NullTime `db:"done_at"`
}

func (r campaignRow) campaign() loyalty.Campaign {
	c := loyalty.Campaign{ID: r.ID, Key: r.Key, Name: r.Name, Message: r.Message, Points: r.Points, RewardID: r.RewardID,
		State: r.State, Total: r.Total, Granted: r.Granted, Cursor: r.Cursor, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DoneAt: r.DoneAt.Time}
	_ = json.Unmarshal([]byte(r.Filter), &c.Filter) // written by Create from a validated filter
	return c
}

const campaignColumns = `id, campaign_key, name, message, points, reward_id, filter, state, total, granted, cursor_pk, created_at, updated_at, done_at`

// campaignWhere is the filter as SQL over customers c, report_customers r,
// customer_tiers t and customer_birthdays b: registered customers, not merged.
func campaignWhere(store loyalty.StoreID, f loyalty.CampaignFilter) (string, []any) {
	q := []string{`c.store_id=?`, `c.wc_customer_id IS NOT NULL`, `c.merged_into IS NULL`}
	args := []any{store}
	if f.TierID > 0 {
		q = append(q, `t.tier_id=?`)
		args = append(args, f.TierID)
	}
	if f.LastOrderBefore != "" {
		q = append(q, `r.last_day < ?`)
		args = append(args, f.LastOrderBefore)
	}
	if f.LifetimeSpendAboveMinor > 0 {
		q = append(q, `r.net > ?`)
		args = append(args, f.LifetimeSpendAboveMinor)
	}
	if f.BirthdayMonth > 0 {
		q = append(q, `b.month=?`)
		args = append(args, f.BirthdayMonth)
	}
	return `FROM customers c LEFT JOIN report_customers r ON r.store_id=c.store_id AND r.customer_pk=c.id
		LEFT JOIN customer_tiers t ON t.store_id=c.store_id AND t.customer_pk=c.id
		LEFT JOIN customer_birthdays b ON b.store_id=c.store_id AND b.customer_pk=c.id
		WHERE ` + strings.Join(q, " AND "), args
}

// Preview counts the customers a filter chooses. EInvalid.
func (s *CampaignService) Preview(ctx context.Context, store loyalty.StoreID, f loyalty.CampaignFilter) (int64, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	if f.Frozen() {
		pks, err := s.audience(ctx, s.db.db, store, f)
		return int64(len(pks)), err
	}
	from, args := campaignWhere(store, f)
	var n int64
	if err := s.db.db.GetContext(ctx, &n, `SELECT COUNT(*) `+from, args...); err != nil {
		return 0, fmt.Errorf("count campaign customers: %w", err)
	}
	return n, nil
}

// audience lists, in id order, the customers a filter naming a report
// segment chooses today: the filter's other conditions, and the segment
// (RFM scores or churn state) as the reports compute it.
func (s *CampaignService) audience(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, f loyalty.CampaignFilter) ([]int64, error) {
	st, err := loadStore(ctx, q, store)
	if err != nil {
		return nil, err
	}
	from, args := campaignWhere(store, f)
	var base []int64
	if err := sqlx.SelectContext(ctx, q, &base, `SELECT c.id `+from+` ORDER BY c.id`, args...); err != nil {
		return nil, fmt.Errorf("campaign customers: %w", err)
	}
	keep := map[int64]bool{}
	for _, pk := range base {
		keep[pk] = true
	}
	if f.ChurnState != "" {
		day := loyalty.LocalDay(s.db.now(), st.Program.Location()).Format(time.DateOnly)
		var in []int64
		if err := sqlx.SelectContext(ctx, q, &in, `SELECT r.customer_pk FROM report_customers r WHERE r.store_id=? AND r.first_day <= ?
			AND `+churnStateSQL+` = ?`, store, day, day, st.Program.Churn(), day, f.ChurnState); err != nil {
			return nil, fmt.Errorf("churn state customers: %w", err)
		}
		keep = intersect(keep, in)
	}
	if f.Segment != "" {
		var rows []rfmRow
		if err := sqlx.SelectContext(ctx, q, &rows, rfmSQL, store); err != nil {
			return nil, fmt.Errorf("rfm customers: %w", err)
		}
		var in []int64
		for _, r := range rows {
			if loyalty.RFMSegment(r.R, r.F) == f.Segment {
				in = append(in, r.Customer)
			}
		}
		keep = intersect(keep, in)
	}
	out := make([]int64, 0, len(keep))
	for _, pk := range base {
		if keep[pk] {
			out = append(out, pk)
		}
	}
	return out, nil
}

func intersect(set map[int64]bool, with []int64) map[int64]bool {
	out := make(map[int64]bool, len(with))
	for _, pk := range with {
		if set[pk] {
			out[pk] = true
		}
	}
	return out
}

// Create starts a campaign, or returns the one the key already started
// (created=false). EInvalid; ENotFound for an unknown reward.
func (s *CampaignService) Create(ctx context.Context, store loyalty.StoreID, c loyalty.Campaign) (loyalty.Campaign, bool, error) {
	if err := c.Validate(); err != nil {
		return loyalty.Campaign{}, false, err
	}
	filter, err := json.Marshal(c.Filter)
	if err != nil {
		return loyalty.Campaign{}, false, fmt.Errorf("campaign filter: %w", err)
	}
	created := false
	err = s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var prev campaignRow
		err := tx.GetContext(ctx, &prev, `SELECT `+campaignColumns+` FROM campaigns WHERE store_id=? AND campaign_key=?`, store, c.Key)
		if err == nil {
			c, created = prev.campaign(), false
			return nil
		}
		if err != sql.ErrNoRows {
			return fmt.Errorf("find campaign: %w", err)
		}
		if c.RewardID > 0 {
			if _, err := loadReward(ctx, tx, store, c.RewardID, false); err != nil {
				return err
			}
		}
		var frozen []int64
		if c.Filter.Frozen() {
			if frozen, err = s.audience(ctx, tx, store, c.Filter); err != nil {
				return err
			}
			c.Total = int64(len(frozen))
		} else {
			from, args := campaignWhere(store, c.Filter)
			if err := tx.GetContext(ctx, &c.Total, `SELECT COUNT(*) `+from, args...); err != nil {
				return fmt.Errorf("count campaign customers: %w", err)
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO campaigns (store_id, campaign_key, name, message, points, reward_id, filter, state,
			total, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, store, c.Key, c.Name, c.Message, c.Points, c.RewardID,
			string(filter), loyalty.CampaignRunning, c.Total, now, now)
		if isDuplicate(err, "campaigns_key") {
			return errRaced
		}
		if err != nil {
			return fmt.Errorf("save campaign: %w", err)
		}
		c.ID, _ = res.LastInsertId()
		c.State, c.CreatedAt, c.UpdatedAt, created = loyalty.CampaignRunning, now, now, true
		for len(frozen) > 0 {
			n := min(1000, len(frozen))
			var q strings.Builder
			args := make([]any, 0, 2*n)
			for i, pk := range frozen[:n] {
				if i > 0 {
					q.WriteString(",")
				}
				q.WriteString("(?,?)")
				args = append(args, c.ID, pk)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_customers (campaign_id, customer_pk) VALUES `+q.String(), args...); err != nil {
				return fmt.Errorf("save campaign audience: %w", err)
			}
			frozen = frozen[n:]
		}
		return nil
	})
	return c, created, err
}

// Campaign returns one of the store's campaigns. ENotFound.
func (s *CampaignService) Campaign(ctx context.Context, store loyalty.StoreID, id int64) (loyalty.Campaign, error) {
	var r campaignRow
	if err := s.db.db.GetContext(ctx, &r, `SELECT `+campaignColumns+` FROM campaigns WHERE store_id=? AND id=?`, store, id); err != nil {
		return loyalty.Campaign{}, notFound(err, "campaign %d not found", id)
	}
	return r.campaign(), nil
}

// Campaigns lists the store's campaigns, newest first.
func (s *CampaignService) Campaigns(ctx context.Context, store loyalty.StoreID) ([]loyalty.Campaign, error) {
	var rows []campaignRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+campaignColumns+` FROM campaigns WHERE store_id=? ORDER BY id DESC LIMIT 200`, store); err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	out := make([]loyalty.Campaign, len(rows))
	for i, r := range rows {
		out[i] = r.campaign()
	}
	return out, nil
}

// RunDue grants the next chunk of every running campaign; it returns the
// customers granted. Several instances may run it: a chunk holds its
// campaign's row locked.
func (s *CampaignService) RunDue(ctx context.Context, _ int) (int, error) {
	var ids []dueItem
	if err := s.db.db.SelectContext(ctx, &ids, `SELECT store_id, id FROM campaigns WHERE state=? ORDER BY id`, loyalty.CampaignRunning); err != nil {
		return 0, fmt.Errorf("running campaigns: %w", err)
	}
	total := 0
	for _, it := range ids {
		for ctx.Err() == nil {
			n, more, err := s.chunk(ctx, it.Store, it.ID)
			total += n
			if err != nil {
				return total, fmt.Errorf("campaign %d of store %d: %w", it.ID, it.Store, err)
			}
			if !more {
				break
			}
		}
	}
	return total, ctx.Err()
}

// chunk grants one chunk of a campaign in one transaction.
func (s *CampaignService) chunk(ctx context.Context, store loyalty.StoreID, id int64) (int, bool, error) {
	n, more := 0, false
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		n, more = 0, false
		var r campaignRow
		if err := tx.GetContext(ctx, &r, `SELECT `+campaignColumns+` FROM campaigns WHERE store_id=? AND id=? FOR UPDATE`, store, id); err != nil {
			return notFound(err, "campaign %d not found", id)
		}
		c := r.campaign()
		if c.State != loyalty.CampaignRunning {
			return nil
		}
		var pks []int64
		if c.Filter.Frozen() {
			if err := tx.SelectContext(ctx, &pks, `SELECT customer_pk FROM campaign_customers WHERE campaign_id=? AND customer_pk > ?
				ORDER BY customer_pk LIMIT ?`, c.ID, c.Cursor, campaignChunk); err != nil {
				return fmt.Errorf("campaign customers: %w", err)
			}
		} else {
			from, args := campaignWhere(store, c.Filter)
			if err := tx.SelectContext(ctx, &pks, `SELECT c.id `+from+` AND c.id > ? ORDER BY c.id LIMIT ?`,
				append(args, c.Cursor, campaignChunk)...); err != nil {
				return fmt.Errorf("campaign customers: %w", err)
			}
		}
		// Grants only add: the balance UPDATE locks the rows it changes, in
		// id order, and gifts touch no balance, so nothing is locked first.
		if c.Points > 0 {
			l := newBatchLedger(tx, s.db.idStep)
			for _, pk := range pks {
				if _, _, err := l.Post(ctx, store, loyalty.Grant(loyalty.KindCampaignBonus, loyalty.CampaignKey(c.ID, pk), pk, c.Points, c.Message, now)); err != nil {
					return err
				}
			}
			var w writes
			if err := l.render(&w); err != nil {
				return err
			}
			if err := w.flush(ctx, tx); err != nil {
				return fmt.Errorf("campaign grants: %w", err)
			}
		} else {
			for _, pk := range pks {
				if _, err := issueGift(ctx, tx, store, pk, c.RewardID, fmt.Sprintf("campaign:%d", c.ID), "campaign", c.Message, now); err != nil {
					return err
				}
			}
		}
		n = len(pks)
		state, done := loyalty.CampaignRunning, any(nil)
		cursor := c.Cursor
		if n > 0 {
			cursor = pks[n-1]
		}
		if n < campaignChunk {
			state, done = loyalty.CampaignDone, now
		} else {
			more = true
		}
		_, err := tx.ExecContext(ctx, `UPDATE campaigns SET granted=granted+?, cursor_pk=?, state=?, done_at=?, updated_at=? WHERE id=?`,
			n, cursor, state, done, now, id)
		return err
	})
	return n, more, err
}
