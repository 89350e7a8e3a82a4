package mysql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The earning_rules, promotions and rule_sets tables: each store's rules
// and promotions, and the rule sets frozen on orders at first payment. A
// rule set is immutable and shared by every order frozen with the same
// content (rule_sets_hash), so orders carry only its id.

var _ loyalty.EarningRules = (*RuleService)(nil)

// RuleService keeps stores' earning rules and promotions.
type RuleService struct {
	db *DB
}

// NewRuleService returns the rules service on db.
func NewRuleService(db *DB) *RuleService { return &RuleService{db: db} }

type ruleRow struct {
	ID       int64  `db:"id"`
	On       string `db:"applies_on"`
	TargetID int64  `db:"target_id"`
	Action   string `db:"action"`
	MultNum  int64  `db:"mult_num"`
	MultDen  int64  `db:"mult_den"`
	Points   int64  `db:"points"`
	Active   bool   `db:"active"`
}

const (
	ruleColumns      = `id, applies_on, target_id, action, mult_num, mult_den, points, active`
	ruleSelect       = `SELECT ` + ruleColumns + ` FROM earning_rules WHERE store_id=? ORDER BY id LIMIT 1000`
	activeRuleSelect = `SELECT ` + ruleColumns + ` FROM earning_rules WHERE store_id=? AND active=1 ORDER BY id LIMIT 1000`
)

func (r ruleRow) rule() loyalty.EarningRule {
	return loyalty.EarningRule{ID: r.ID, On: r.On, TargetID: r.TargetID, Action: r.Action,
		Multiplier: loyalty.Ratio{Num: r.MultNum, Den: r.MultDen}, Points: r.Points, Active: r.Active}
}

type promotionRow struct {
	ID         int64     `db:"id"`
	Name       string    `db:"name"`
	Starts     time.Time `db:"starts_at"`
	Ends       time.Time `db:"ends_at"`
	MultNum    int64     `db:"mult_num"`
	MultDen    int64     `db:"mult_den"`
	CategoryID int64     `db:"category_id"`
	Active     bool      `db:"active"`
}

const (
	promotionColumns = `id, name, starts_at, ends_at, mult_num, mult_den, category_id, active`
	promotionSelect  = `SELECT ` + promotionColumns + ` FROM promotions WHERE store_id=? ORDER BY ends_at DESC, id LIMIT 200`
	// The latest-ending 200 active promotions: Freeze picks those running.
	activePromotionSelect = `SELECT ` + promotionColumns + ` FROM promotions WHERE store_id=? AND active=1 ORDER BY ends_at DESC, id LIMIT 200`
)

func (r promotionRow) promotion() loyalty.Promotion {
	return loyalty.Promotion{ID: r.ID, Name: r.Name, Starts: r.Starts.UTC(), Ends: r.Ends.UTC(),
		Multiplier: loyalty.Ratio{Num: r.MultNum, Den: r.MultDen}, CategoryID: r.CategoryID, Active: r.Active}
}

// loadRules reads the store's rules and promotions; with activeOnly, the
// active ones (the latest-ending 200 promotions: Freeze picks those running).
func loadRules(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, activeOnly bool) ([]loyalty.EarningRule, []loyalty.Promotion, error) {
	rq, pq := ruleSelect, promotionSelect
	if activeOnly {
		rq, pq = activeRuleSelect, activePromotionSelect
	}
	var rrows []ruleRow
	if err := sqlx.SelectContext(ctx, q, &rrows, rq, store); err != nil {
		return nil, nil, fmt.Errorf("load earning rules: %w", err)
	}
	var prows []promotionRow
	if err := sqlx.SelectContext(ctx, q, &prows, pq, store); err != nil {
		return nil, nil, fmt.Errorf("load promotions: %w", err)
	}
	rules := make([]loyalty.EarningRule, len(rrows))
	for i, r := range rrows {
		rules[i] = r.rule()
	}
	promos := make([]loyalty.Promotion, len(prows))
	for i, p := range prows {
		promos[i] = p.promotion()
	}
	return rules, promos, nil
}

// ListRules returns every rule and promotion of the store, active or not.
func (s *RuleService) ListRules(ctx context.Context, store loyalty.StoreID) ([]loyalty.EarningRule, []loyalty.Promotion, error) {
	if err := storeExists(ctx, s.db.db, store); err != nil {
		return nil, nil, err
	}
	return loadRules(ctx, s.db.db, store, false)
}

// CreateRule adds a rule. EInvalid, ENotFound (no store).
func (s *RuleService) CreateRule(ctx context.Context, store loyalty.StoreID, r loyalty.EarningRule) (loyalty.EarningRule, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	r.Multiplier = normRatio(r.Multiplier)
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := storeExists(ctx, tx, store); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO earning_rules (store_id, applies_on, target_id, action, mult_num, mult_den,
			points, active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)`, store, r.On, r.TargetID, r.Action,
			r.Multiplier.Num, r.Multiplier.Den, r.Points, r.Active, now, now)
		if err != nil {
			return fmt.Errorf("insert earning rule: %w", err)
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	return r, err
}

// UpdateRule applies patch to the stored rule under a lock. Orders already
// paid keep the rules frozen on them. EInvalid, ENotFound.
func (s *RuleService) UpdateRule(ctx context.Context, store loyalty.StoreID, id int64, patch func(*loyalty.EarningRule) error) (loyalty.EarningRule, error) {
	var out loyalty.EarningRule
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var row ruleRow
		if err := tx.GetContext(ctx, &row, `SELECT `+ruleColumns+` FROM earning_rules WHERE store_id=? AND id=? FOR UPDATE`, store, id); err != nil {
			return notFound(err, "earning rule %d not found", id)
		}
		r := row.rule()
		if err := patch(&r); err != nil {
			return err
		}
		r.ID = id
		if err := r.Validate(); err != nil {
			return err
		}
		r.Multiplier = normRatio(r.Multiplier)
		if _, err := tx.ExecContext(ctx, `UPDATE earning_rules SET applies_on=?, target_id=?, action=?, mult_num=?, mult_den=?,
			points=?, active=?, updated_at=? WHERE store_id=? AND id=?`, r.On, r.TargetID, r.Action, r.Multiplier.Num, r.Multiplier.Den,
			r.Points, r.Active, now, store, id); err != nil {
			return fmt.Errorf("update earning rule: %w", err)
		}
		out = r
		return nil
	})
	return out, err
}

// CreatePromotion adds a promotion. EInvalid, ENotFound (no store).
func (s *RuleService) CreatePromotion(ctx context.Context, store loyalty.StoreID, p loyalty.Promotion) (loyalty.Promotion, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	p.Multiplier = normRatio(p.Multiplier)
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if err := storeExists(ctx, tx, store); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO promotions (store_id, name, starts_at, ends_at, mult_num, mult_den, category_id,
			active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)`, store, p.Name, p.Starts.UTC(), p.Ends.UTC(),
			p.Multiplier.Num, p.Multiplier.Den, p.CategoryID, p.Active, now, now)
		if err != nil {
			return fmt.Errorf("insert promotion: %w", err)
		}
		p.ID, err = res.LastInsertId()
		return err
	})
	return p, err
}

// UpdatePromotion applies patch to the stored promotion under a lock.
// EInvalid, ENotFound.
func (s *RuleService) UpdatePromotion(ctx context.Context, store loyalty.StoreID, id int64, patch func(*loyalty.Promotion) error) (loyalty.Promotion, error) {
	var out loyalty.Promotion
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var row promotionRow
		if err := tx.GetContext(ctx, &row, `SELECT `+promotionColumns+` FROM promotions WHERE store_id=? AND id=? FOR UPDATE`, store, id); err != nil {
			return notFound(err, "promotion %d not found", id)
		}
		p := row.promotion()
		if err := patch(&p); err != nil {
			return err
		}
		p.ID = id
		if err := p.Validate(); err != nil {
			return err
		}
		p.Multiplier = normRatio(p.Multiplier)
		if _, err := tx.ExecContext(ctx, `UPDATE promotions SET name=?, starts_at=?, ends_at=?, mult_num=?, mult_den=?, category_id=?,
			active=?, updated_at=? WHERE store_id=? AND id=?`, p.Name, p.Starts.UTC(), p.Ends.UTC(), p.Multiplier.Num, p.Multiplier.Den,
			p.CategoryID, p.Active, now, store, id); err != nil {
			return fmt.Errorf("update promotion: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

// Rule sets are immutable, so they are cached for the process, by store
// and id and by store and content hash (bounded: a store has few).
var ruleSetCache = struct {
	sync.RWMutex
	byID   map[[2]int64]loyalty.RuleSet
	byHash map[ruleSetHash]int64
}{byID: map[[2]int64]loyalty.RuleSet{}, byHash: map[ruleSetHash]int64{}}

type ruleSetHash struct {
	store int64
	hash  [32]byte
}

func cacheRuleSet(store, id int64, hash [32]byte, s loyalty.RuleSet) {
	ruleSetCache.Lock()
	defer ruleSetCache.Unlock()
	if len(ruleSetCache.byID) > 10_000 {
		ruleSetCache.byID, ruleSetCache.byHash = map[[2]int64]loyalty.RuleSet{}, map[ruleSetHash]int64{}
	}
	ruleSetCache.byID[[2]int64{store, id}] = s
	ruleSetCache.byHash[ruleSetHash{store, hash}] = id
}

// ruleSet reads a frozen rule set by id.
func ruleSet(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, id int64) (loyalty.RuleSet, error) {
	ruleSetCache.RLock()
	s, ok := ruleSetCache.byID[[2]int64{store, id}]
	ruleSetCache.RUnlock()
	if ok {
		return s, nil
	}
	var body string
	if err := sqlx.GetContext(ctx, q, &body, `SELECT body FROM rule_sets WHERE store_id=? AND id=?`, store, id); err != nil {
		return s, fmt.Errorf("read rule set %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		return s, fmt.Errorf("rule set %d: %w", id, err)
	}
	cacheRuleSet(store, id, s.Hash(), s)
	return s, nil
}

// ruleSetID is the id of the stored set with s's content, stored when new.
// It reads and writes on its own (autocommitted) through pool, never in the
// caller's transaction: only committed sets are cached, and a set whose
// first order rolls back is merely unused.
func ruleSetID(ctx context.Context, pool *sqlx.DB, store loyalty.StoreID, s loyalty.RuleSet, now time.Time) (int64, error) {
	h := s.Hash()
	ruleSetCache.RLock()
	id, ok := ruleSetCache.byHash[ruleSetHash{store, h}]
	ruleSetCache.RUnlock()
	if ok {
		return id, nil
	}
	err := pool.GetContext(ctx, &id, `SELECT id FROM rule_sets WHERE store_id=? AND hash=?`, store, h[:])
	if errors.Is(err, sql.ErrNoRows) {
		body, _ := json.Marshal(s)
		res, err := pool.ExecContext(ctx, `INSERT INTO rule_sets (store_id, hash, body, created_at) VALUES (?,?,?,?)`, store, h[:], string(body), now)
		if isDuplicate(err, "rule_sets_hash") {
			return 0, errRaced // a concurrent first insert: the retry finds it
		}
		if err != nil {
			return 0, fmt.Errorf("store rule set: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
	} else if err != nil {
		return 0, fmt.Errorf("find rule set: %w", err)
	}
	cacheRuleSet(store, id, h, s)
	return id, nil
}

const currencySelect = `SELECT currency, exponent, earn_points, earn_per FROM currency_rates WHERE store_id=? ORDER BY currency LIMIT 200`

type currencyRow struct {
	Currency   string `db:"currency"`
	Exponent   int    `db:"exponent"`
	EarnPoints int64  `db:"earn_points"`
	EarnPer    int64  `db:"earn_per"`
}

func (r currencyRow) rate() loyalty.CurrencyRate {
	return loyalty.CurrencyRate{Currency: r.Currency, Exponent: r.Exponent, EarnPoints: r.EarnPoints, EarnPer: r.EarnPer}
}

// loadCurrencies reads the store's earn rates of other currencies.
func loadCurrencies(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID) ([]loyalty.CurrencyRate, error) {
	var rows []currencyRow
	if err := sqlx.SelectContext(ctx, q, &rows, currencySelect, store); err != nil {
		return nil, fmt.Errorf("load currency rates: %w", err)
	}
	out := make([]loyalty.CurrencyRate, len(rows))
	for i, r := range rows {
		out[i] = r.rate()
	}
	return out, nil
}

// ListCurrencies returns the store's earn rates of other currencies.
func (s *RuleService) ListCurrencies(ctx context.Context, store loyalty.StoreID) ([]loyalty.CurrencyRate, error) {
	if err := storeExists(ctx, s.db.db, store); err != nil {
		return nil, err
	}
	return loadCurrencies(ctx, s.db.db, store)
}

// SetCurrency creates or replaces the earn rate of a currency other than
// the store's. Orders flagged for lacking it earn once replayed. EInvalid
// (also for the store's own currency, which the program's rate covers),
// ENotFound (no store).
func (s *RuleService) SetCurrency(ctx context.Context, store loyalty.StoreID, r loyalty.CurrencyRate) (loyalty.CurrencyRate, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		p, err := loadProgram(ctx, tx, store)
		if err != nil {
			return err
		}
		if strings.EqualFold(p.Currency, r.Currency) {
			return loyalty.Errorf(loyalty.EInvalid, "%s is the store's own currency: its rate is the program's earn_points and earn_per", r.Currency)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO currency_rates (store_id, currency, exponent, earn_points, earn_per, updated_at)
			VALUES (?,?,?,?,?,?) ON DUPLICATE KEY UPDATE exponent=VALUES(exponent), earn_points=VALUES(earn_points),
			earn_per=VALUES(earn_per), updated_at=VALUES(updated_at)`, store, r.Currency, r.Exponent, r.EarnPoints, r.EarnPer, now); err != nil {
			return fmt.Errorf("save currency rate: %w", err)
		}
		return nil
	})
	return r, err
}
