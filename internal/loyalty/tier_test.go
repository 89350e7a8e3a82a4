package loyalty

import (
	"testing"
	"time"
)

func TestParseRatio(t *testing.T) {
	tests := []struct {
		in      string
		want    Ratio
		str     string
		invalid bool
	}{
		{in: "1.25", want: Ratio{5, 4}, str: "1.25"},
		{in: "2", want: Ratio{2, 1}, str: "2"},
		{in: "1", want: Ratio{1, 1}, str: "1"},
		{in: "0.3333", want: Ratio{3333, 10000}, str: "0.3333"},
		{in: " 1.5 ", want: Ratio{3, 2}, str: "1.5"},
		{in: "0", want: Ratio{0, 1}, str: "0"},
		{in: "1000", want: Ratio{1000, 1}, str: "1000"},
		{in: "1000.5", invalid: true},
		{in: "1.23456", invalid: true},
		{in: "-1", invalid: true},
		{in: "1e2", invalid: true},
		{in: "", invalid: true},
		{in: "1,5", invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRatio(tt.in)
			if tt.invalid {
				if ErrorCode(err) != EInvalid {
					t.Fatalf("ParseRatio(%q) = %v, %v; want invalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want || got.String() != tt.str {
				t.Fatalf("ParseRatio(%q) = %v (%s), %v; want %v (%s)", tt.in, got, got.String(), err, tt.want, tt.str)
			}
		})
	}
}

// TestTierMultiplierFloorsOnce: 1.5x of an order worth 45 points is 67, not
// 45 x 1 rounded then multiplied; an IRR order does not overflow.
func TestTierMultiplierFloorsOnce(t *testing.T) {
	tests := []struct {
		name  string
		rule  EarnRule
		net   int64
		total int64
		want  int64
	}{
		{"no multiplier", EarnRule{Points: 1, Per: 1, Exponent: 2}, 4500, 5400, 45},
		{"zero value is 1", EarnRule{Points: 1, Per: 1, Exponent: 2, Multiplier: Ratio{}}, 4599, 5400, 45},
		{"1.5x floors at the end", EarnRule{Points: 1, Per: 1, Exponent: 2, Multiplier: Ratio{3, 2}}, 4500, 5400, 67},
		{"1.25x of 45.99", EarnRule{Points: 1, Per: 1, Exponent: 2, Multiplier: Ratio{5, 4}}, 4599, 5400, 57},
		{"IRR 2x", EarnRule{Points: 1, Per: 10000, Exponent: 0, Multiplier: Ratio{2, 1}}, 1_500_000_000_000, 1_600_000_000_000, 300_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rule.OrderPoints(tt.net, tt.total, tt.total)
			if err != nil || got != tt.want {
				t.Fatalf("OrderPoints = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestComputeFigures(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	orders := []TierOrder{
		{FirstPaidAt: now.Add(-400 * day), Net: 10000, Total: 12000, Points: 100},
		{FirstPaidAt: now.Add(-365 * day), Net: 5000, Total: 6000, Points: 50},                 // exactly a window ago: out
		{FirstPaidAt: now.Add(-364 * day), Net: 4500, Total: 5400, Refunded: 2700, Points: 22}, // half refunded
		{FirstPaidAt: now.Add(-10 * day), Net: 3000, Total: 3000, Refunded: 3000, Points: 0},   // refunded in full
		{FirstPaidAt: now.Add(-1 * day), Net: 1_000_000, Total: 1_000_001, Points: 10000},
	}
	spend365, spendLife, points30 := TierBasis{TierBySpend, 365}, TierBasis{TierBySpend, 0}, TierBasis{TierByPoints, 30}
	f := ComputeFigures(orders, []TierBasis{spend365, spendLife, points30}, now)
	tests := []struct {
		basis TierBasis
		want  Figure
	}{
		{spend365, Figure{Amount: 2250 + 1_000_000, Oldest: now.Add(-364 * day)}},
		{spendLife, Figure{Amount: 10000 + 5000 + 2250 + 1_000_000}},
		{points30, Figure{Amount: 10000, Oldest: now.Add(-10 * day)}},
	}
	for _, tt := range tests {
		if got := f[tt.basis]; got != tt.want {
			t.Errorf("%+v: %+v, want %+v", tt.basis, got, tt.want)
		}
	}
}

func tierSet() []Tier {
	tiers := []Tier{
		{ID: 1, Rank: 1, Names: map[string]string{"en": "Silver"}, ThresholdKind: TierBySpend, Threshold: 10000, WindowDays: 365, Multiplier: Ratio{5, 4}, Active: true},
		{ID: 2, Rank: 2, Names: map[string]string{"en": "Gold"}, ThresholdKind: TierBySpend, Threshold: 30000, WindowDays: 365, Multiplier: Ratio{3, 2}, Active: true},
		{ID: 3, Rank: 3, Names: map[string]string{"en": "VIP", "fa_IR": "ویژه"}, ThresholdKind: TierByPoints, Threshold: 5000, Multiplier: Ratio{2, 1}, Active: true},
		{ID: 4, Rank: 4, Names: map[string]string{"en": "Retired"}, ThresholdKind: TierBySpend, Threshold: 1, Active: false},
	}
	SortTiers(tiers)
	return tiers
}

func TestDecideTier(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	oldest := now.Add(-100 * day)
	spend := func(n int64) Figures {
		return Figures{{TierBySpend, 365}: {Amount: n, Oldest: oldest}, {TierByPoints, 0}: {Amount: n / 100}}
	}
	tests := []struct {
		name       string
		cur        CustomerTier
		f          Figures
		grace      int
		wantTier   int64
		wantBelow  time.Time
		wantChange string
		wantCheck  time.Time
	}{
		{name: "nothing yet", f: spend(9999)},
		{name: "reaches silver", f: spend(10000), wantTier: 1, wantChange: TierReasonQualified, wantCheck: oldest.Add(365 * day)},
		{name: "straight to gold", f: spend(45000), wantTier: 2, wantChange: TierReasonQualified, wantCheck: oldest.Add(365 * day)},
		{name: "points tier outranks spend", cur: CustomerTier{TierID: 2}, f: spend(500000), wantTier: 3, wantChange: TierReasonQualified},
		{name: "inactive tier is never reached", f: Figures{{TierBySpend, 365}: {Amount: 1}}, wantTier: 0},
		{name: "stays gold", cur: CustomerTier{TierID: 2, Since: oldest}, f: spend(30000), wantTier: 2, wantCheck: oldest.Add(365 * day)},
		{name: "below gold: grace starts", cur: CustomerTier{TierID: 2, Since: oldest}, f: spend(29999), grace: 30,
			wantTier: 2, wantBelow: now, wantCheck: now.Add(30 * day)},
		{name: "still in grace", cur: CustomerTier{TierID: 2, BelowSince: now.Add(-29 * day)}, f: spend(15000), grace: 30,
			wantTier: 2, wantBelow: now.Add(-29 * day), wantCheck: now.Add(day)},
		{name: "grace over: down to silver", cur: CustomerTier{TierID: 2, BelowSince: now.Add(-30 * day)}, f: spend(15000), grace: 30,
			wantTier: 1, wantChange: TierReasonGraceEnded, wantCheck: oldest.Add(365 * day)},
		{name: "grace over: no tier", cur: CustomerTier{TierID: 2, BelowSince: now.Add(-31 * day)}, f: spend(100), grace: 30,
			wantChange: TierReasonGraceEnded},
		{name: "back above in grace", cur: CustomerTier{TierID: 2, BelowSince: now.Add(-5 * day)}, f: spend(31000), grace: 30,
			wantTier: 2, wantCheck: oldest.Add(365 * day)},
		{name: "no grace: down at once", cur: CustomerTier{TierID: 2}, f: spend(12000), wantTier: 1, wantChange: TierReasonGraceEnded,
			wantCheck: oldest.Add(365 * day)},
		{name: "tier retired: placed again at once", cur: CustomerTier{TierID: 4}, f: spend(12000), grace: 30, wantTier: 1,
			wantChange: TierReasonRemoved, wantCheck: oldest.Add(365 * day)},
		{name: "tier deleted, nothing qualifies", cur: CustomerTier{TierID: 99}, f: spend(0), grace: 30, wantChange: TierReasonRemoved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, change := DecideTier(tierSet(), tt.cur, tt.f, tt.grace, now)
			if next.TierID != tt.wantTier || !next.BelowSince.Equal(tt.wantBelow) || !next.NextCheck.Equal(tt.wantCheck) {
				t.Fatalf("next = %+v; want tier %d, below since %v, next check %v", next, tt.wantTier, tt.wantBelow, tt.wantCheck)
			}
			gotChange := ""
			if change != nil {
				gotChange = change.Reason
				if change.To != next.TierID || change.From != tt.cur.TierID || !change.At.Equal(now) || change.Detail == "" {
					t.Fatalf("change %+v does not describe %d -> %d at now", change, tt.cur.TierID, next.TierID)
				}
				if !next.Since.Equal(now) {
					t.Fatalf("a changed tier's since is %v, want now", next.Since)
				}
			}
			if gotChange != tt.wantChange {
				t.Fatalf("change %q, want %q", gotChange, tt.wantChange)
			}
		})
	}
}

func TestNextTierFor(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	oldest := now.Add(-100 * 24 * time.Hour)
	f := Figures{{TierBySpend, 365}: {Amount: 12000, Oldest: oldest}, {TierByPoints, 0}: {Amount: 4000}}
	tests := []struct {
		name    string
		held    int64
		wantID  int64
		missing int64
		by      time.Time
	}{
		{"no tier: the lowest", 0, 1, 0, oldest.Add(365 * 24 * time.Hour)},
		{"silver: gold next", 1, 2, 18000, oldest.Add(365 * 24 * time.Hour)},
		{"gold: VIP by points, lifetime", 2, 3, 1000, time.Time{}},
		{"top", 3, 0, 0, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NextTierFor(tierSet(), CustomerTier{TierID: tt.held}, f)
			if tt.wantID == 0 {
				if n != nil {
					t.Fatalf("next = %+v at the top", n)
				}
				return
			}
			if n == nil || n.Tier.ID != tt.wantID || n.Missing != tt.missing || !n.By.Equal(tt.by) {
				t.Fatalf("next = %+v; want tier %d missing %d by %v", n, tt.wantID, tt.missing, tt.by)
			}
		})
	}
	if got := tierSet()[1].Name("fa_IR"); got != "ویژه" {
		t.Fatalf("VIP in fa_IR = %q", got)
	}
}

func TestRewardsReservedToTiers(t *testing.T) {
	tiers := tierSet() // VIP(3) > Gold(2) > Silver(1); Retired(4) inactive
	for i := range tiers {
		switch tiers[i].ID {
		case 2:
			tiers[i].Perks.RewardIDs = []int64{50, 51}
		case 3:
			tiers[i].Perks.RewardIDs = []int64{51, 52}
		case 4:
			tiers[i].Perks.RewardIDs = []int64{53} // a retired tier reserves nothing
		}
	}
	tests := []struct {
		name   string
		held   int64
		reward int64
		ok     bool
		why    string
	}{
		{"open reward, no tier", 0, 49, true, ""},
		{"gold reward, no tier", 0, 50, false, "for Gold members and above"},
		{"gold reward, silver", 1, 50, false, "for Gold members and above"},
		{"gold reward, gold", 2, 50, true, ""},
		{"gold reward, VIP above", 3, 50, true, ""},
		{"reserved by gold and VIP: the lower counts", 2, 51, true, ""},
		{"VIP reward, gold", 2, 52, false, "for VIP members and above"},
		{"retired tier's reward is open", 0, 53, true, ""},
		{"held tier retired", 4, 50, false, "for Gold members and above"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, why := MayRedeem(tiers, tt.held, tt.reward)
			if ok != tt.ok || why != tt.why {
				t.Fatalf("MayRedeem = %v %q, want %v %q", ok, why, tt.ok, tt.why)
			}
			_, err := PlanRedemption(DefaultProgram(), RedeemRequest{Reward: Reward{ID: tt.reward, Kind: RewardFixedDiscount, PointsCost: 10,
				ValueMinor: 100, Active: true, ValidDays: 30}, Tiers: tiers, TierID: tt.held, Code: "VAFA-TEST"}, 1, 1000, time.Now())
			if (err == nil) != tt.ok || (!tt.ok && ErrorCode(err) != EConflict) {
				t.Fatalf("PlanRedemption: %v, want allowed %v", err, tt.ok)
			}
		})
	}
}
