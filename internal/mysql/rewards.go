package mysql

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The rewards table: each store's catalog. Rewards are deactivated, never
// deleted, so every issued reward keeps its description.

var _ loyalty.Catalog = (*RewardService)(nil)

// RewardService keeps stores' reward catalogs.
type RewardService struct {
	db *DB
}

// NewRewardService returns the catalog on db.
func NewRewardService(db *DB) *RewardService { return &RewardService{db: db} }

type rewardRow struct {
	ID               int64  `db:"id"`
	Kind             string `db:"kind"`
	Names            string `db:"names"`
	Descriptions     string `db:"descriptions"`
	PointsCost       int64  `db:"points_cost"`
	ValueMinor       int64  `db:"value_minor"`
	Percent          int    `db:"percent"`
	ProductID        int64  `db:"product_id"`
	MinSubtotalMinor int64  `db:"min_subtotal_minor"`
	Active           bool   `db:"active"`
	ValidDays        int    `db:"valid_days"`
}

const rewardColumns = `id, kind, names, descriptions, points_cost, value_minor, percent, product_id, min_subtotal_minor, active, valid_days`

func (r rewardRow) reward() (loyalty.Reward, error) {
	out := loyalty.Reward{ID: r.ID, Kind: r.Kind, PointsCost: r.PointsCost, ValueMinor: r.ValueMinor, Percent: r.Percent,
		ProductID: r.ProductID, MinSubtotalMinor: r.MinSubtotalMinor, Active: r.Active, ValidDays: r.ValidDays}
	if err := json.Unmarshal([]byte(r.Names), &out.Names); err != nil {
		return loyalty.Reward{}, fmt.Errorf("reward %d names: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Descriptions), &out.Descriptions); err != nil {
		return loyalty.Reward{}, fmt.Errorf("reward %d descriptions: %w", r.ID, err)
	}
	return out, nil
}

func texts(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// CreateReward adds a reward to the store's catalog and returns it with
// its id. EInvalid as Reward.Validate says; ENotFound for no store.
func (s *RewardService) CreateReward(ctx context.Context, store loyalty.StoreID, r loyalty.Reward) (loyalty.Reward, error) {
	if err := r.Validate(); err != nil {
		return loyalty.Reward{}, err
	}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := storeExists(ctx, tx, store); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO rewards (store_id, kind, names, descriptions, points_cost, value_minor,
			percent, product_id, min_subtotal_minor, active, valid_days, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			store, r.Kind, texts(r.Names), texts(r.Descriptions), r.PointsCost, r.ValueMinor, r.Percent, r.ProductID,
			r.MinSubtotalMinor, r.Active, r.ValidDays, now, now)
		if err != nil {
			return fmt.Errorf("insert reward: %w", err)
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	return r, err
}

// Reward returns one reward of the store. ENotFound.
func (s *RewardService) Reward(ctx context.Context, store loyalty.StoreID, id int64) (loyalty.Reward, error) {
	return loadReward(ctx, s.db.db, store, id, false)
}

func loadReward(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, id int64, lock bool) (loyalty.Reward, error) {
	query := `SELECT ` + rewardColumns + ` FROM rewards WHERE store_id=? AND id=?`
	if lock {
		query += ` FOR UPDATE`
	}
	var r rewardRow
	if err := sqlx.GetContext(ctx, q, &r, query, store, id); err != nil {
		return loyalty.Reward{}, notFound(err, "reward %d not found", id)
	}
	return r.reward()
}

// Rewards lists the store's catalog in id order; only active ones when activeOnly.
func (s *RewardService) Rewards(ctx context.Context, store loyalty.StoreID, activeOnly bool) ([]loyalty.Reward, error) {
	q := `SELECT ` + rewardColumns + ` FROM rewards WHERE store_id=?`
	if activeOnly {
		q += ` AND active=1`
	}
	var rows []rewardRow
	if err := sqlx.SelectContext(ctx, s.db.prepared(), &rows, q+` ORDER BY id LIMIT 500`, store); err != nil {
		return nil, fmt.Errorf("list rewards: %w", err)
	}
	out := make([]loyalty.Reward, 0, len(rows))
	for _, r := range rows {
		rw, err := r.reward()
		if err != nil {
			return nil, err
		}
		out = append(out, rw)
	}
	return out, nil
}

// UpdateReward applies change to the stored reward under a lock and saves
// the result. The kind cannot change (issued rewards keep their meaning).
// EInvalid, ENotFound.
func (s *RewardService) UpdateReward(ctx context.Context, store loyalty.StoreID, id int64, change func(*loyalty.Reward) error) (loyalty.Reward, error) {
	var out loyalty.Reward
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		r, err := loadReward(ctx, tx, store, id, true)
		if err != nil {
			return err
		}
		kind := r.Kind
		if err := change(&r); err != nil {
			return err
		}
		if r.Kind != kind {
			return loyalty.Errorf(loyalty.EInvalid, "a reward's kind cannot change; deactivate it and create another")
		}
		r.ID = id
		if err := r.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rewards SET names=?, descriptions=?, points_cost=?, value_minor=?, percent=?,
			product_id=?, min_subtotal_minor=?, active=?, valid_days=?, updated_at=? WHERE store_id=? AND id=?`,
			texts(r.Names), texts(r.Descriptions), r.PointsCost, r.ValueMinor, r.Percent, r.ProductID, r.MinSubtotalMinor,
			r.Active, r.ValidDays, now, store, id); err != nil {
			return fmt.Errorf("update reward: %w", err)
		}
		out = r
		return nil
	})
	return out, err
}
