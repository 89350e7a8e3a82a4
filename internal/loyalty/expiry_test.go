package loyalty

import (
	"testing"
	"time"
)

func TestLotExpiresAt(t *testing.T) {
	tehran, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		earned time.Time
		months int
		loc    *time.Location
		want   time.Time
	}{
		{"midnight of the day, six months on", time.Date(2027, 3, 1, 15, 4, 0, 0, tehran), 6, tehran, time.Date(2027, 9, 1, 0, 0, 0, 0, tehran)},
		{"the store's day, not UTC's", time.Date(2027, 2, 28, 21, 0, 0, 0, time.UTC), 6, tehran, time.Date(2027, 9, 1, 0, 0, 0, 0, tehran)},
		{"31 August + 6 months is the end of February", time.Date(2027, 8, 31, 12, 0, 0, 0, time.UTC), 6, time.UTC, time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"across years", time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), 14, time.UTC, time.Date(2028, 1, 20, 0, 0, 0, 0, time.UTC)},
		{"never", time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), 0, time.UTC, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LotExpiresAt(tt.earned, tt.months, tt.loc); !got.Equal(tt.want) {
				t.Fatalf("LotExpiresAt = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestExpireLotsFIFO is the example in Asia/Tehran: +100 on
// 1 January and +100 on 1 March, 150 spent on 1 April; nothing lapses on
// 1 July (the January lot is spent), 50 lapse on 1 September at 00:00.
func TestExpireLotsFIFO(t *testing.T) {
	tehran, _ := time.LoadLocation("Asia/Tehran")
	jan := Lot{ID: 1, EarnedAt: time.Date(2027, 1, 1, 10, 0, 0, 0, tehran), Amount: 100}
	mar := Lot{ID: 2, EarnedAt: time.Date(2027, 3, 1, 10, 0, 0, 0, tehran), Amount: 100}
	lots := []Lot{mar, jan} // newest first
	const available = 50    // 200 earned, 150 spent
	tests := []struct {
		name string
		now  time.Time
		want map[int64]int64 // lot -> points lapsing
	}{
		{"1 July: the January lot is spent", time.Date(2027, 7, 1, 0, 0, 0, 0, tehran), nil},
		{"31 August, a second before", time.Date(2027, 8, 31, 23, 59, 59, 0, tehran), nil},
		{"1 September at 00:00", time.Date(2027, 9, 1, 0, 0, 0, 0, tehran), map[int64]int64{2: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[int64]int64{}
			for _, x := range ExpireLots(7, lots, available, 6, tehran, tt.now) {
				if _, err := x.Entries(); err != nil || x.Kind != KindPointsExpire || x.Customer != 7 {
					t.Fatalf("bad transaction %+v: %v", x, err)
				}
				var id int64
				for _, l := range lots {
					if LotKey(l.ID) == x.Key {
						id = l.ID
					}
				}
				got[id] = x.Postings[0].Amount
			}
			if len(got) != len(tt.want) {
				t.Fatalf("lapsing %v, want %v", got, tt.want)
			}
			for id, n := range tt.want {
				if got[id] != n {
					t.Fatalf("lapsing %v, want %v", got, tt.want)
				}
			}
		})
	}
	if next := NextExpiry(lots, available, 6, tehran); next == nil || next.Points != 50 || !next.At.Equal(time.Date(2027, 9, 1, 0, 0, 0, 0, tehran)) {
		t.Fatalf("next expiry %+v", next)
	}
	if got := UncoveredLots(lots, available); len(got) != 1 || got[0] != 1 {
		t.Fatalf("uncovered lots %v, want the January lot", got)
	}
	if got := UncoveredLots(lots, 0); len(got) != 2 {
		t.Fatalf("a zero balance covers nothing: %v", got)
	}
}

func TestNewLotsAndInactivity(t *testing.T) {
	earn := Transaction{Postings: []Posting{{From: SystemAccount(AccountIssued), To: CustomerAccount(AccountAvailable, 3), Amount: 45}}}
	moved := Transaction{Postings: []Posting{{From: CustomerAccount(AccountAvailable, 3), To: CustomerAccount(AccountAvailable, 4), Amount: 20}}}
	hold := Transaction{Postings: []Posting{{From: CustomerAccount(AccountAvailable, 3), To: CustomerAccount(AccountHeld, 3), Amount: 20}}}
	pendingEarn := Transaction{Postings: []Posting{{From: SystemAccount(AccountIssued), To: CustomerAccount(AccountPending, 3), Amount: 45}}}
	tests := []struct {
		name string
		t    Transaction
		want map[int64]int64
	}{
		{"an earn to available is a lot", earn, map[int64]int64{3: 45}},
		{"a move is a lot for the receiver only", moved, map[int64]int64{4: 20}},
		{"spending is no lot", hold, nil},
		{"pending points are no lot until they mature", pendingEarn, nil},
	}
	for _, tt := range tests {
		got := NewLots(tt.t)
		if len(got) != len(tt.want) {
			t.Fatalf("%s: %v, want %v", tt.name, got, tt.want)
		}
		for c, n := range tt.want {
			if got[c] != n {
				t.Fatalf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
	}
	last := time.Date(2027, 1, 15, 18, 0, 0, 0, time.UTC)
	if x := ExpireInactive(3, 80, last, 12, time.UTC, time.Date(2028, 1, 14, 23, 0, 0, 0, time.UTC)); x != nil {
		t.Fatalf("lapsed a day early: %+v", x)
	}
	x := ExpireInactive(3, 80, last, 12, time.UTC, time.Date(2028, 1, 15, 0, 0, 0, 0, time.UTC))
	if x == nil || x.Postings[0].Amount != 80 || x.Key != InactiveKey(3, last) {
		t.Fatalf("inactivity lapse %+v", x)
	}
	if x := ExpireInactive(3, 0, last, 12, time.UTC, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)); x != nil {
		t.Fatalf("nothing to lose, yet %+v", x)
	}
}

func TestProgramTimeZone(t *testing.T) {
	p := DefaultProgram()
	p.TimeZone = "Asia/Tehran"
	if err := p.Validate(); err != nil || p.Location().String() != "Asia/Tehran" {
		t.Fatalf("Asia/Tehran: %v %v", err, p.Location())
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "../../etc/passwd"} {
		p.TimeZone = bad
		if ErrorCode(p.Validate()) != EInvalid {
			t.Fatalf("time zone %q accepted", bad)
		}
	}
}
