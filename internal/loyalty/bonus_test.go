package loyalty

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestBirthdayDue(t *testing.T) {
	leap := Birthday{2, 29}
	for _, c := range []struct {
		name  string
		b     Birthday
		saved string
		today string
		want  bool
	}{
		{"on the day", Birthday{6, 15}, "2026-01-01", "2026-06-15", true},
		{"the day before", Birthday{6, 15}, "2026-01-01", "2026-06-14", false},
		{"29 February on 28 February of a common year", leap, "2026-01-01", "2027-02-28", true},
		{"29 February not on 1 March of a common year", leap, "2026-01-01", "2027-03-01", false},
		{"29 February on 29 February of a leap year", leap, "2026-01-01", "2028-02-29", true},
		{"29 February not on 28 February of a leap year", leap, "2026-01-01", "2028-02-28", false},
		{"saved 29 days before: next year", Birthday{6, 15}, "2026-05-17", "2026-06-15", false},
		{"saved 30 days before: this year", Birthday{6, 15}, "2026-05-16", "2026-06-15", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := BirthdayDue(c.b, day(c.saved), day(c.today)); got != c.want {
				t.Fatalf("BirthdayDue = %v, want %v", got, c.want)
			}
		})
	}
	if got := BirthdaysOn(day("2027-02-28")); len(got) != 2 || got[1] != leap {
		t.Fatalf("BirthdaysOn(28 Feb 2027) = %v", got)
	}
	if got := BirthdaysOn(day("2028-02-28")); len(got) != 1 {
		t.Fatalf("BirthdaysOn(28 Feb 2028) = %v", got)
	}
	for _, b := range []Birthday{{2, 30}, {13, 1}, {0, 5}, {4, 31}} {
		if b.Validate() == nil {
			t.Fatalf("%v validated", b)
		}
	}
}

func TestLocalDay(t *testing.T) {
	tehran, _ := time.LoadLocation("Asia/Tehran")
	la, _ := time.LoadLocation("America/Los_Angeles")
	at := time.Date(2027, 2, 27, 21, 0, 0, 0, time.UTC) // 00:30 on 28 Feb in Tehran, 13:00 on 27 Feb in LA
	if d := LocalDay(at, tehran); !d.Equal(day("2027-02-28")) {
		t.Fatalf("Tehran: %v", d)
	}
	if d := LocalDay(at, la); !d.Equal(day("2027-02-27")) {
		t.Fatalf("Los Angeles: %v", d)
	}
}

func TestAnniversaryDue(t *testing.T) {
	for _, c := range []struct {
		since, today string
		years        int
		due          bool
	}{
		{"2025-03-10", "2026-03-10", 1, true},
		{"2025-03-10", "2026-03-09", 1, false},
		{"2026-03-10", "2026-03-10", 0, false},
		{"2024-02-29", "2025-02-28", 1, true},
		{"2024-02-29", "2028-02-29", 4, true},
		{"2024-02-29", "2028-02-28", 4, false},
	} {
		years, due := AnniversaryDue(day(c.since), day(c.today))
		if due != c.due || (due && years != c.years) {
			t.Fatalf("AnniversaryDue(%s, %s) = %d %v, want %d %v", c.since, c.today, years, due, c.years, c.due)
		}
	}
}

func TestDecideReview(t *testing.T) {
	p := Program{ReviewPoints: 20}
	for _, c := range []struct {
		name             string
		p                Program
		bought, rewarded bool
		want             ReviewOutcome
	}{
		{"bought", p, true, false, ReviewOutcome{Granted: true, Points: 20}},
		{"not bought", p, false, false, ReviewOutcome{Reason: ReviewNotPurchased}},
		{"again", p, true, true, ReviewOutcome{Reason: ReviewAlreadyRewarded}},
		{"off", Program{}, true, false, ReviewOutcome{Reason: ReviewDisabled}},
	} {
		if got := DecideReview(c.p, c.bought, c.rewarded); got != c.want {
			t.Fatalf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestCheckAnswer(t *testing.T) {
	now := day("2026-11-23")
	open := Survey{OrderID: 1, RequestedAt: now.Add(-24 * time.Hour)}
	if s, err := CheckAnswer(open, 5, "  great ", "", now); err != nil || !s.Answered || s.Comment != "great" {
		t.Fatalf("answer: %+v %v", s, err)
	}
	for name, c := range map[string]struct {
		s      Survey
		rating int
		code   string
	}{
		"rating 0":         {open, 0, EInvalid},
		"rating 6":         {open, 6, EInvalid},
		"answered already": {Survey{Answered: true, RequestedAt: now}, 4, EConflict},
		"closed":           {Survey{RequestedAt: now.Add(-91 * 24 * time.Hour)}, 4, EConflict},
	} {
		if _, err := CheckAnswer(c.s, c.rating, "", "", now); ErrorCode(err) != c.code {
			t.Fatalf("%s: %v, want %s", name, err, c.code)
		}
	}
}

func TestNoticeFor(t *testing.T) {
	at := day("2026-11-23")
	grant := Grant(KindSignupBonus, "signup:7", 7, 50, "", at)
	n, ok := NoticeFor(grant)
	if !ok || n.Type != NoticePointsEarned || n.Key != "tx:signup:7" || n.Data["points"] != int64(50) || n.Customer != 7 {
		t.Fatalf("signup notice %+v %v", n, ok)
	}
	if n, ok := NoticeFor(Grant(KindBirthdayBonus, "birthday:7:2026", 7, 100, "", at)); !ok || n.Type != NoticeBirthdayGift {
		t.Fatalf("birthday notice %+v", n)
	}
	clawback := Transaction{Key: "order:1:rev:2", Kind: KindOrderReversal, Customer: 7, At: at,
		Postings: []Posting{{From: CustomerAccount(AccountAvailable, 7), To: SystemAccount(AccountIssued), Amount: 10}}}
	if _, ok := NoticeFor(clawback); ok {
		t.Fatal("a reversal announces nothing")
	}
	negative := Transaction{Key: "adjust:x", Kind: KindAdjustment, Customer: 7, At: at,
		Postings: []Posting{{From: CustomerAccount(AccountAvailable, 7), To: SystemAccount(AccountAdjusted), Amount: 10}}}
	if _, ok := NoticeFor(negative); ok {
		t.Fatal("a negative adjustment is not 'points earned'")
	}
}

func TestNextAttemptAndPointsMoved(t *testing.T) {
	now := day("2026-11-23")
	if next, dead := NextAttempt(1, now); dead || next.Sub(now) != 30*time.Second {
		t.Fatalf("after the first failure: %v %v", next, dead)
	}
	if _, dead := NextAttempt(7, now); dead {
		t.Fatal("dead after 7 attempts")
	}
	if _, dead := NextAttempt(8, now); !dead {
		t.Fatal("not dead after 8 attempts")
	}
	use := Transaction{Postings: []Posting{{From: CustomerAccount(AccountHeld, 1), To: SystemAccount(AccountRedeemed), Amount: 40}}}
	earn := Grant(KindSignupBonus, "k", 1, 50, "", now)
	lapse := Transaction{Postings: []Posting{{From: CustomerAccount(AccountAvailable, 1), To: SystemAccount(AccountExpired), Amount: 5}}}
	for _, c := range []struct {
		t    Transaction
		want PointsMovement
	}{{use, PointsMovement{Redeemed: 40}}, {earn, PointsMovement{Issued: 50}}, {lapse, PointsMovement{Expired: 5}}} {
		if got := PointsMoved(c.t); got != c.want {
			t.Fatalf("PointsMoved = %+v, want %+v", got, c.want)
		}
	}
}
