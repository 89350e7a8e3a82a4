package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/vafaloyalty/vafa/internal/loyalty"
)

// The customer_birthdays, surveys, review_grants and job_days tables, and
// the bonus grants (docs/engagement.md). The rules are in
// internal/loyalty/bonus.go; here they are loaded, locked and written. Every
// grant is a ledger transaction keyed by its cause, so a job run twice, on
// two instances, or again after a crash posts each grant once.

var _ loyalty.Bonuses = (*BonusService)(nil)

// BonusService grants the bonus points and keeps birthdays and surveys.
type BonusService struct {
	db     *DB
	decode Decoder // reads the lines of stored order deliveries (reviews)
}

// NewBonusService returns the bonus service on db; decode is the webhook decoder.
func NewBonusService(db *DB, decode Decoder) *BonusService {
	return &BonusService{db: db, decode: decode}
}

// txPosted reports whether the store has a transaction with key.
func txPosted(ctx context.Context, q sqlx.QueryerContext, store loyalty.StoreID, key string) (bool, error) {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT COUNT(*) FROM ledger_transactions WHERE store_id=? AND idempotency_key=?`, store, key); err != nil {
		return false, fmt.Errorf("find transaction %s: %w", key, err)
	}
	return n > 0, nil
}

// signupBonus queues the sign-up bonus of a customer (locked by the batch)
// once: the ledger's key is checked, and the batch remembers what it queued.
func (b *batch) signupBonus(ctx context.Context, st loyalty.Store, customer int64) error {
	if st.Program.SignupPoints <= 0 {
		return nil
	}
	key := loyalty.SignupKey(customer)
	if b.granted[key] {
		return nil
	}
	if err := b.flush(ctx); err != nil {
		return err
	}
	done, err := txPosted(ctx, b.tx, st.ID, key)
	if err != nil || done {
		return err
	}
	b.granted[key] = true
	return b.post(ctx, st.ID, loyalty.Grant(loyalty.KindSignupBonus, key, customer, st.Program.SignupPoints, "", b.now))
}

// requestSurvey records that an order completed (its survey opens) and
// queues the survey.requested notice; both once per order.
func (b *batch) requestSurvey(st loyalty.Store, orderID, customer int64) {
	b.settleWrites.add(`INSERT INTO surveys (store_id, order_id, customer_pk, requested_at) VALUES (?,?,?,?)
		ON DUPLICATE KEY UPDATE order_id=order_id`, st.ID, orderID, customer, b.now)
	b.ledger.notice(st.ID, loyalty.SurveyNotice(customer, orderID, st.Program.SurveyQuestion, b.now))
}

// issueGift issues a catalog reward that costs nothing to a locked
// customer, once per key (a replay returns the first). The reward.issued
// notice goes with it, with the store's message when there is one.
func issueGift(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, customer, rewardID int64, key, reason, message string, now time.Time) (loyalty.Redemption, error) {
	var prev redemptionRow
	err := tx.GetContext(ctx, &prev, `SELECT `+redemptionColumns+` FROM redemptions WHERE store_id=? AND customer_pk=? AND idempotency_key=?`,
		store, customer, key)
	if err == nil {
		return prev.redemption(), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return loyalty.Redemption{}, fmt.Errorf("find gift: %w", err)
	}
	reward, err := loadReward(ctx, tx, store, rewardID, false)
	if err != nil {
		return loyalty.Redemption{}, err
	}
	red, err := loyalty.PlanGift(reward, customer, newCode(), now)
	if err != nil {
		return loyalty.Redemption{}, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO redemptions (store_id, customer_pk, reward_id, kind, code, idempotency_key,
		points, value_minor, percent, product_id, state, issued_at, expires_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		store, customer, red.RewardID, red.Kind, red.Code, key, 0, red.ValueMinor, red.Percent, red.ProductID,
		red.State, red.IssuedAt, red.ExpiresAt, now)
	if isDuplicate(err, "redemptions_code") {
		return loyalty.Redemption{}, errRaced
	}
	if err != nil {
		return loyalty.Redemption{}, fmt.Errorf("save gift: %w", err)
	}
	if red.ID, err = res.LastInsertId(); err != nil {
		return loyalty.Redemption{}, fmt.Errorf("gift id: %w", err)
	}
	n := loyalty.RewardNotice(red, reward.Name("en"), reason, now)
	if message != "" {
		n.Data["message"] = message
	}
	return red, emit(ctx, tx, store, n)
}

// grant posts a bonus to a locked customer in tx (a replay of the key posts nothing).
func grant(ctx context.Context, tx *sqlx.Tx, store loyalty.StoreID, t loyalty.Transaction) error {
	l := newLedger(tx)
	if _, _, err := l.Post(ctx, store, t); err != nil {
		return fmt.Errorf("grant %s: %w", t.Key, err)
	}
	return nil
}

// Profile returns the WooCommerce customer's profile.
func (s *BonusService) Profile(ctx context.Context, store loyalty.StoreID, wcID int64) (loyalty.Profile, error) {
	var b loyalty.Birthday
	err := s.db.db.QueryRowxContext(ctx, `SELECT b.month, b.day FROM customer_birthdays b JOIN customers c ON c.id=b.customer_pk
		WHERE c.store_id=? AND c.wc_customer_id=? AND b.store_id=?`, store, wcID, store).Scan(&b.Month, &b.Day)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return loyalty.Profile{}, nil
	case err != nil:
		return loyalty.Profile{}, fmt.Errorf("read birthday: %w", err)
	}
	return loyalty.Profile{Birthday: &b}, nil
}

// SetBirthday saves the WooCommerce customer's birthday. A shopper sets it
// once (EConflict after); the admin (byAdmin) may correct it. EInvalid.
func (s *BonusService) SetBirthday(ctx context.Context, store loyalty.StoreID, wcID int64, bd loyalty.Birthday, byAdmin bool) (loyalty.Profile, error) {
	if err := bd.Validate(); err != nil {
		return loyalty.Profile{}, err
	}
	if wcID <= 0 {
		return loyalty.Profile{}, loyalty.Errorf(loyalty.EInvalid, "the customer id must be a WooCommerce customer id")
	}
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		st, err := loadStore(ctx, tx, store)
		if err != nil {
			return err
		}
		c, err := lockCustomerByWC(ctx, tx, store, wcID, now)
		if err != nil {
			return err
		}
		var prev loyalty.Birthday
		err = tx.QueryRowxContext(ctx, `SELECT month, day FROM customer_birthdays WHERE store_id=? AND customer_pk=?`, store, c.ID).Scan(&prev.Month, &prev.Day)
		switch {
		case err == nil && prev == bd:
			return nil
		case err == nil && !byAdmin:
			return loyalty.Errorf(loyalty.EConflict, "your birthday is already saved; the store can correct it")
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read birthday: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO customer_birthdays (store_id, customer_pk, month, day, saved_on, updated_at) VALUES (?,?,?,?,?,?)
			ON DUPLICATE KEY UPDATE month=VALUES(month), day=VALUES(day), saved_on=VALUES(saved_on), updated_at=VALUES(updated_at)`,
			store, c.ID, bd.Month, bd.Day, loyalty.LocalDay(now, st.Program.Location()).Format(time.DateOnly), now)
		return err
	})
	if err != nil {
		return loyalty.Profile{}, err
	}
	return loyalty.Profile{Birthday: &bd}, nil
}

// jobDone and markJobDay keep a daily job to one full pass per store and
// store day; a pass that fails part-way leaves no mark and runs again
// (its grants are keyed, so nothing posts twice).
func (s *BonusService) jobDone(ctx context.Context, store loyalty.StoreID, job string, day time.Time) (bool, error) {
	var n int
	err := s.db.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM job_days WHERE store_id=? AND job=? AND day=?`, store, job, day.Format(time.DateOnly))
	return n > 0, err
}

func (s *BonusService) markJobDay(ctx context.Context, store loyalty.StoreID, job string, day time.Time) error {
	_, err := s.db.db.ExecContext(ctx, `INSERT INTO job_days (store_id, job, day, done_at) VALUES (?,?,?,?)
		ON DUPLICATE KEY UPDATE done_at=VALUES(done_at)`, store, job, day.Format(time.DateOnly), s.db.now())
	return err
}

// daily runs pass once per store day for every store the query names.
func (s *BonusService) daily(ctx context.Context, job, storesQuery string, pass func(st loyalty.Store, today time.Time) (int, error)) (int, error) {
	var ids []int64
	if err := s.db.db.SelectContext(ctx, &ids, storesQuery); err != nil {
		return 0, fmt.Errorf("%s: stores: %w", job, err)
	}
	total := 0
	var errs []error
	for _, id := range ids {
		st, err := loadStore(ctx, s.db.db, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		today := loyalty.LocalDay(s.db.now(), st.Program.Location())
		if done, err := s.jobDone(ctx, id, job, today); err != nil || done {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		n, err := pass(st, today)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("%s of store %d: %w", job, id, err))
			continue
		}
		if err := s.markJobDay(ctx, id, job, today); err != nil {
			errs = append(errs, err)
		}
	}
	return total, errors.Join(errs...)
}

// BirthdaysDue grants today's birthday bonuses, in each store's time zone,
// once a year per customer. The limit is unused: a store's birthdays of a
// day are few.
func (s *BonusService) BirthdaysDue(ctx context.Context, _ int) (int, error) {
	return s.daily(ctx, "birthdays", `SELECT DISTINCT b.store_id FROM customer_birthdays b JOIN programs p ON p.store_id=b.store_id
		WHERE p.birthday_points > 0 OR EXISTS (SELECT 1 FROM tiers t WHERE t.store_id=b.store_id AND t.perks LIKE '%birthday_points%')`,
		func(st loyalty.Store, today time.Time) (int, error) {
			noticeBy := today.AddDate(0, 0, -loyalty.BirthdayNoticeDays).Format(time.DateOnly)
			n := 0
			for _, bd := range loyalty.BirthdaysOn(today) {
				var pks []int64
				if err := s.db.db.SelectContext(ctx, &pks, `SELECT customer_pk FROM customer_birthdays WHERE store_id=? AND month=? AND day=?
					AND saved_on <= ? ORDER BY customer_pk`, st.ID, bd.Month, bd.Day, noticeBy); err != nil {
					return n, fmt.Errorf("birthdays: %w", err)
				}
				for _, pk := range pks {
					did, err := s.birthday(ctx, st, pk, today)
					if err != nil {
						return n, err
					}
					if did {
						n++
					}
				}
			}
			return n, nil
		})
}

func (s *BonusService) birthday(ctx context.Context, st loyalty.Store, pk int64, today time.Time) (bool, error) {
	did := false
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		did = false
		if _, err := lockCustomers(ctx, tx, st.ID, pk); err != nil {
			return err
		}
		key := loyalty.BirthdayKey(pk, today.Year())
		if done, err := txPosted(ctx, tx, st.ID, key); err != nil || done {
			return err
		}
		var tier *loyalty.Tier
		if len(st.Tiers) > 0 {
			held, err := loadCustomerTiers(ctx, tx, st.ID, []int64{pk})
			if err != nil {
				return err
			}
			for i := range st.Tiers {
				if st.Tiers[i].ID == held[pk].TierID {
					tier = &st.Tiers[i]
				}
			}
		}
		points := loyalty.BirthdayPoints(st.Program, tier)
		if points <= 0 {
			return nil
		}
		did = true
		return grant(ctx, tx, st.ID, loyalty.Grant(loyalty.KindBirthdayBonus, key, pk, points, "", now))
	})
	return did, err
}

// AnniversariesDue grants today's anniversary bonuses (from the first paid
// order's day, or from registration), once a year per customer.
func (s *BonusService) AnniversariesDue(ctx context.Context, _ int) (int, error) {
	return s.daily(ctx, "anniversaries", `SELECT store_id FROM programs WHERE anniversary_points > 0`,
		func(st loyalty.Store, today time.Time) (int, error) {
			var pks []int64
			for _, bd := range loyalty.BirthdaysOn(today) {
				var q string
				args := []any{st.ID, bd.Month, bd.Day, today.AddDate(-1, 0, 0).Format(time.DateOnly)}
				if st.Program.AnniversaryFrom == loyalty.AnniversaryRegistration {
					// created_at is UTC; the store's day of it is compared in Go below.
					q = `SELECT id FROM customers WHERE store_id=? AND wc_customer_id IS NOT NULL AND merged_into IS NULL
						AND MONTH(created_at)=? AND ABS(DAY(created_at)-?) <= 1 AND created_at < ?`
				} else {
					q = `SELECT customer_pk FROM report_customers WHERE store_id=? AND MONTH(first_day)=? AND DAY(first_day)=? AND first_day <= ?`
				}
				var found []int64
				if err := s.db.db.SelectContext(ctx, &found, q, args...); err != nil {
					return 0, fmt.Errorf("anniversaries: %w", err)
				}
				pks = append(pks, found...)
			}
			n := 0
			for _, pk := range pks {
				did, err := s.anniversary(ctx, st, pk, today)
				if err != nil {
					return n, err
				}
				if did {
					n++
				}
			}
			return n, nil
		})
}

func (s *BonusService) anniversary(ctx context.Context, st loyalty.Store, pk int64, today time.Time) (bool, error) {
	did := false
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		did = false
		if _, err := lockCustomers(ctx, tx, st.ID, pk); err != nil {
			return err
		}
		var since time.Time
		if st.Program.AnniversaryFrom == loyalty.AnniversaryRegistration {
			var created time.Time
			if err := tx.GetContext(ctx, &created, `SELECT created_at FROM customers WHERE id=?`, pk); err != nil {
				return fmt.Errorf("registration: %w", err)
			}
			since = loyalty.LocalDay(created, st.Program.Location())
		} else if err := tx.GetContext(ctx, &since, `SELECT first_day FROM report_customers WHERE store_id=? AND customer_pk=?`, st.ID, pk); err != nil {
			return notFound(err, "customer %d has no paid order", pk)
		}
		years, due := loyalty.AnniversaryDue(since, today)
		if !due {
			return nil
		}
		key := loyalty.AnniversaryKey(pk, today.Year())
		if done, err := txPosted(ctx, tx, st.ID, key); err != nil || done {
			return err
		}
		did = true
		return grant(ctx, tx, st.ID, loyalty.Grant(loyalty.KindAnniversaryBonus, key, pk, st.Program.AnniversaryPoints,
			fmt.Sprintf("%d", years), now))
	})
	return did, err
}

// WinbacksDue finds customers whose last paid order crossed winback_days in
// the last week (a missed day is caught up; lapses older than the feature
// are not all woken at once), grants the win-back points or reward and
// writes the winback notice, once per lapse.
func (s *BonusService) WinbacksDue(ctx context.Context, _ int) (int, error) {
	return s.daily(ctx, "winbacks", `SELECT store_id FROM programs WHERE winback_days > 0`,
		func(st loyalty.Store, today time.Time) (int, error) {
			crossed := today.AddDate(0, 0, -st.Program.WinbackDays)
			var due []struct {
				PK   int64     `db:"customer_pk"`
				Last time.Time `db:"last_day"`
			}
			if err := s.db.db.SelectContext(ctx, &due, `SELECT r.customer_pk, r.last_day FROM report_customers r
				JOIN customers c ON c.id=r.customer_pk WHERE r.store_id=? AND r.last_day > ? AND r.last_day <= ?
				AND c.wc_customer_id IS NOT NULL ORDER BY r.customer_pk`,
				st.ID, crossed.AddDate(0, 0, -7).Format(time.DateOnly), crossed.Format(time.DateOnly)); err != nil {
				return 0, fmt.Errorf("lapsed customers: %w", err)
			}
			n := 0
			for _, d := range due {
				did, err := s.winback(ctx, st, d.PK, d.Last, today)
				if err != nil {
					return n, err
				}
				if did {
					n++
				}
			}
			return n, nil
		})
}

func (s *BonusService) winback(ctx context.Context, st loyalty.Store, pk int64, last, today time.Time) (bool, error) {
	did := false
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		did = false
		if _, err := lockCustomers(ctx, tx, st.ID, pk); err != nil {
			return err
		}
		var still time.Time
		if err := tx.GetContext(ctx, &still, `SELECT last_day FROM report_customers WHERE store_id=? AND customer_pk=?`, st.ID, pk); err != nil {
			return notFound(err, "customer %d has no paid order", pk)
		}
		if !still.Equal(last) || !loyalty.WinbackDue(st.Program, last, today) {
			return nil // ordered meanwhile: the lapse ended
		}
		key := loyalty.WinbackKey(pk, last)
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM outbox_events WHERE store_id=? AND event_key=?`, st.ID, key); err != nil || n > 0 {
			return err
		}
		if st.Program.WinbackPoints > 0 {
			if err := grant(ctx, tx, st.ID, loyalty.Grant(loyalty.KindWinbackBonus, key, pk, st.Program.WinbackPoints, "", now)); err != nil {
				return err
			}
		}
		var red *loyalty.Redemption
		if st.Program.WinbackRewardID > 0 {
			r, err := issueGift(ctx, tx, st.ID, pk, st.Program.WinbackRewardID, key, "winback", "", now)
			if err != nil && loyalty.ErrorCode(err) != loyalty.EConflict && loyalty.ErrorCode(err) != loyalty.ENotFound {
				return err
			}
			if err == nil {
				red = &r
			}
		}
		did = true
		days := int(today.Sub(last).Hours() / 24)
		return emit(ctx, tx, st.ID, loyalty.WinbackNotice(key, pk, days, st.Program.WinbackPoints, red, now))
	})
	return did, err
}

// RemindExpiring writes, once per lapse, a points.expiring notice for
// customers whose points lapse within expiry_reminder_days.
func (s *BonusService) RemindExpiring(ctx context.Context, _ int) (int, error) {
	return s.daily(ctx, "expiry reminders", `SELECT store_id FROM programs WHERE expiry_reminder_days > 0
		AND (expire_months > 0 OR expire_inactive_months > 0)`,
		func(st loyalty.Store, today time.Time) (int, error) {
			now := s.db.now()
			var pks []int64
			if err := s.db.db.SelectContext(ctx, &pks, `SELECT id FROM customers WHERE store_id=? AND available > 0
				AND merged_into IS NULL AND wc_customer_id IS NOT NULL ORDER BY id`, st.ID); err != nil {
				return 0, fmt.Errorf("customers with points: %w", err)
			}
			horizon := now.AddDate(0, 0, st.Program.ExpiryReminderDays)
			lots := NewLotService(s.db)
			n := 0
			for _, pk := range pks {
				e, err := lots.expiring(ctx, s.db.db, st, pk)
				if err != nil {
					return n, err
				}
				if e == nil || e.At.After(horizon) || e.Points <= 0 {
					continue
				}
				if err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
					return emit(ctx, tx, st.ID, loyalty.ExpiringNotice(pk, e.Points, e.At, now))
				}); err != nil {
					return n, fmt.Errorf("expiry reminder: %w", err)
				}
				n++
			}
			return n, nil
		})
}

type surveyRow struct {
	OrderID     int64          `db:"order_id"`
	Customer    int64          `db:"customer_pk"`
	RequestedAt time.Time      `db:"requested_at"`
	AnsweredAt  sql.NullTime   `db:"answered_at"`
	Rating      sql.NullInt64  `db:"rating"`
	Comment     sql.NullString `db:"comment"`
	Answer      sql.NullString `db:"answer"`
	WCID        sql.NullInt64  `db:"wc_customer_id"`
}

func (r surveyRow) survey() loyalty.Survey {
	return loyalty.Survey{OrderID: r.OrderID, Customer: r.Customer, RequestedAt: r.RequestedAt, Answered: r.AnsweredAt.Valid,
		Rating: int(r.Rating.Int64), Comment: r.Comment.String, Answer: r.Answer.String, AnsweredAt: r.AnsweredAt.Time}
}

const surveyColumns = `s.order_id, s.customer_pk, s.requested_at, s.answered_at, s.rating, s.comment, s.answer`

// Surveys lists the WooCommerce customer's surveys still open or answered,
// of orders completed in the last loyalty.SurveyDays days, newest first.
func (s *BonusService) Surveys(ctx context.Context, store loyalty.StoreID, wcID int64) ([]loyalty.Survey, error) {
	var rows []surveyRow
	if err := s.db.db.SelectContext(ctx, &rows, `SELECT `+surveyColumns+`, c.wc_customer_id FROM surveys s JOIN customers c ON c.id=s.customer_pk
		WHERE c.store_id=? AND c.wc_customer_id=? AND s.store_id=? AND s.requested_at >= ? ORDER BY s.requested_at DESC, s.order_id DESC LIMIT 100`,
		store, wcID, store, s.db.now().Add(-loyalty.SurveyDays*24*time.Hour)); err != nil {
		return nil, fmt.Errorf("list surveys: %w", err)
	}
	out := make([]loyalty.Survey, len(rows))
	for i, r := range rows {
		out[i] = r.survey()
	}
	return out, nil
}

// AnswerSurvey records the WooCommerce customer's answer about one of their
// completed orders and grants the survey bonus (points, reward or both),
// once per order. ENotFound for an order without the customer's survey;
// EConflict when already answered or closed; EInvalid.
func (s *BonusService) AnswerSurvey(ctx context.Context, store loyalty.StoreID, wcID, orderID int64, rating int, comment, answer string) (loyalty.SurveyResult, error) {
	var out loyalty.SurveyResult
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		out = loyalty.SurveyResult{}
		st, err := loadStore(ctx, tx, store)
		if err != nil {
			return err
		}
		c, err := lockCustomerByWC(ctx, tx, store, wcID, now)
		if err != nil {
			return err
		}
		var r surveyRow
		if err := tx.GetContext(ctx, &r, `SELECT `+surveyColumns+` FROM surveys s WHERE s.store_id=? AND s.order_id=? AND s.customer_pk=? FOR UPDATE`,
			store, orderID, c.ID); err != nil {
			return notFound(err, "order %d has no survey of yours", orderID)
		}
		sv, err := loyalty.CheckAnswer(r.survey(), rating, comment, answer, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET answered_at=?, rating=?, comment=?, answer=? WHERE store_id=? AND order_id=?`,
			now, sv.Rating, sv.Comment, sv.Answer, store, orderID); err != nil {
			return fmt.Errorf("save answer: %w", err)
		}
		out.Survey = sv
		key := loyalty.SurveyKey(orderID)
		if p := st.Program.SurveyPoints; p > 0 {
			if err := grant(ctx, tx, store, loyalty.Grant(loyalty.KindSurveyBonus, key, c.ID, p, "", now)); err != nil {
				return err
			}
			out.Points = p
		}
		if id := st.Program.SurveyRewardID; id > 0 {
			// A reward retired since the setting was made gives nothing, but
			// never costs the shopper their answer or its points.
			red, err := issueGift(ctx, tx, store, c.ID, id, key, "survey", "", now)
			switch code := loyalty.ErrorCode(err); {
			case err == nil:
				out.Redemption = &red
			case code != loyalty.EConflict && code != loyalty.ENotFound:
				return err
			}
		}
		return nil
	})
	return out, err
}

// SurveyAnswers lists the store's answers, newest first (answered before
// before, when set), with their count and average rating.
func (s *BonusService) SurveyAnswers(ctx context.Context, store loyalty.StoreID, before time.Time, limit int) ([]loyalty.SurveyAnswer, int64, loyalty.Hundredths, error) {
	var agg struct {
		N   int64         `db:"n"`
		Sum sql.NullInt64 `db:"total"`
	}
	if err := s.db.db.GetContext(ctx, &agg, `SELECT COUNT(*) AS n, SUM(rating) AS total FROM surveys WHERE store_id=? AND answered_at IS NOT NULL`, store); err != nil {
		return nil, 0, 0, fmt.Errorf("survey totals: %w", err)
	}
	q := `SELECT ` + surveyColumns + `, c.wc_customer_id FROM surveys s JOIN customers c ON c.id=s.customer_pk
		WHERE s.store_id=? AND s.answered_at IS NOT NULL`
	args := []any{store}
	if !before.IsZero() {
		q += ` AND s.answered_at < ?`
		args = append(args, before)
	}
	var rows []surveyRow
	if err := s.db.db.SelectContext(ctx, &rows, q+` ORDER BY s.answered_at DESC LIMIT ?`, append(args, limit)...); err != nil {
		return nil, 0, 0, fmt.Errorf("list answers: %w", err)
	}
	out := make([]loyalty.SurveyAnswer, len(rows))
	for i, r := range rows {
		out[i] = loyalty.SurveyAnswer{Survey: r.survey(), WCCustomerID: r.WCID.Int64}
	}
	return out, agg.N, loyalty.RatioOf(agg.Sum.Int64, agg.N), nil
}

// Review grants review_points for an approved review of a product the
// WooCommerce customer bought in a paid order not refunded in full, once
// per product. The orders' lines are read from the deliveries applied to
// them.
func (s *BonusService) Review(ctx context.Context, store loyalty.StoreID, wcID, productID, reviewID int64) (loyalty.ReviewOutcome, error) {
	if wcID <= 0 || productID <= 0 || reviewID <= 0 {
		return loyalty.ReviewOutcome{}, loyalty.Errorf(loyalty.EInvalid, "customer_id, product_id and review_id must be positive")
	}
	var out loyalty.ReviewOutcome
	err := s.db.inTx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		st, err := loadStore(ctx, tx, store)
		if err != nil {
			return err
		}
		if st.Program.ReviewPoints <= 0 {
			out = loyalty.DecideReview(st.Program, false, false)
			return nil
		}
		c, err := lockCustomerByWC(ctx, tx, store, wcID, now)
		if err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM review_grants WHERE store_id=? AND customer_pk=? AND product_id=?`,
			store, c.ID, productID); err != nil {
			return fmt.Errorf("find review grant: %w", err)
		}
		bought := false
		if n == 0 {
			var bodies []struct {
				Topic string `db:"topic"`
				Body  []byte `db:"body"`
			}
			if err := tx.SelectContext(ctx, &bodies, `SELECT i.topic, i.body FROM orders o JOIN webhook_inbox i ON i.id=o.applied_inbox_id
				WHERE o.store_id=? AND o.customer_pk=? AND o.first_paid_at IS NOT NULL AND o.deleted=0 AND o.refunded_minor < o.total_minor`,
				store, c.ID); err != nil {
				return fmt.Errorf("paid orders: %w", err)
			}
			for _, b := range bodies {
				ev := s.decode(b.Topic, b.Body, st.Exponent)
				for _, l := range ev.Order.Lines {
					bought = bought || l.ProductID == productID
				}
			}
		}
		out = loyalty.DecideReview(st.Program, bought, n > 0)
		if !out.Granted {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_grants (store_id, customer_pk, product_id, review_id, points, created_at)
			VALUES (?,?,?,?,?,?)`, store, c.ID, productID, reviewID, out.Points, now); err != nil {
			return fmt.Errorf("save review grant: %w", err)
		}
		return grant(ctx, tx, store, loyalty.Grant(loyalty.KindReviewBonus, loyalty.ReviewKey(c.ID, productID), c.ID, out.Points,
			fmt.Sprintf("review %d", reviewID), now))
	})
	return out, err
}
