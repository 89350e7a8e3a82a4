package loyalty

import (
	"testing"
	"time"
)

func TestPlanRedemption(t *testing.T) {
	fixed := Reward{ID: 1, Kind: RewardFixedDiscount, Names: map[string]string{"en": "5 off"}, PointsCost: 500, ValueMinor: 500, Active: true, ValidDays: 30}
	payWith := Reward{ID: 2, Kind: RewardPointsDiscount, Names: map[string]string{"en": "Pay with points"}, Active: true, ValidDays: 7}
	bounded := DefaultProgram()
	bounded.RedeemMinPoints, bounded.RedeemMaxPoints, bounded.RedeemMaxSharePercent = 100, 5000, 50
	inactive := fixed
	inactive.Active = false
	minimum := fixed
	minimum.MinSubtotalMinor = 3000
	tests := []struct {
		name      string
		p         Program
		req       RedeemRequest
		available int64
		code      string
		points    int64
		value     int64
	}{
		{"catalog reward", DefaultProgram(), RedeemRequest{Reward: fixed}, 600, "", 500, 500},
		{"exactly enough", DefaultProgram(), RedeemRequest{Reward: fixed}, 500, "", 500, 500},
		{"one point short", DefaultProgram(), RedeemRequest{Reward: fixed}, 499, EInsufficient, 0, 0},
		{"negative balance", DefaultProgram(), RedeemRequest{Reward: fixed}, -5, EInsufficient, 0, 0},
		{"inactive", DefaultProgram(), RedeemRequest{Reward: inactive}, 600, EConflict, 0, 0},
		{"under the reward's minimum subtotal", DefaultProgram(), RedeemRequest{Reward: minimum, CartSubtotal: 2999}, 600, EInvalid, 0, 0},
		{"at the reward's minimum subtotal", DefaultProgram(), RedeemRequest{Reward: minimum, CartSubtotal: 3000}, 600, "", 500, 500},
		{"pay with points at the redemption rate", bounded, RedeemRequest{Reward: payWith, Points: 1000, CartSubtotal: 4000}, 2000, "", 1000, 1000},
		{"pay with points over the share of the cart", bounded, RedeemRequest{Reward: payWith, Points: 2001, CartSubtotal: 4000}, 9000, EInvalid, 0, 0},
		{"pay with points under the minimum", bounded, RedeemRequest{Reward: payWith, Points: 99, CartSubtotal: 4000}, 9000, EInvalid, 0, 0},
		{"pay with points over the maximum", bounded, RedeemRequest{Reward: payWith, Points: 5001, CartSubtotal: 1_000_000}, 9000, EInvalid, 0, 0},
		{"pay with points worth nothing", Program{RedeemPoints: 1000, RedeemValueMinor: 1}, RedeemRequest{Reward: payWith, Points: 1, CartSubtotal: 4000}, 9000, EInvalid, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := PlanRedemption(tt.p, tt.req, 7, tt.available, t0)
			if ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			if err != nil {
				return
			}
			if r.Points != tt.points || r.ValueMinor != tt.value || r.State != RedemptionIssued || r.Customer != 7 ||
				!r.ExpiresAt.Equal(t0.Add(time.Duration(tt.req.Reward.ValidDays)*24*time.Hour)) {
				t.Fatalf("redemption %+v, want %d points worth %d", r, tt.points, tt.value)
			}
			hold := HoldTransaction(r, "shopper:7")
			if _, err := hold.Entries(); err != nil || hold.Postings[0].To != CustomerAccount(AccountHeld, 7) {
				t.Fatalf("hold %+v: %v", hold, err)
			}
		})
	}
}

func TestSettleRedemption(t *testing.T) {
	issued := Redemption{ID: 1, Customer: 7, Code: "VAFA-AAAAAAAAAA", Points: 500, State: RedemptionIssued}
	used := issued
	used.State = RedemptionUsed
	tests := []struct {
		name  string
		r     Redemption
		to    string
		from  Account
		dest  Account
		moves bool
		ok    bool
	}{
		{"issued to used", issued, RedemptionUsed, CustomerAccount(AccountHeld, 7), SystemAccount(AccountRedeemed), true, true},
		{"issued to released", issued, RedemptionReleased, CustomerAccount(AccountHeld, 7), CustomerAccount(AccountAvailable, 7), true, true},
		{"issued to expired", issued, RedemptionExpired, CustomerAccount(AccountHeld, 7), CustomerAccount(AccountAvailable, 7), true, true},
		{"issued to applied moves nothing", issued, RedemptionApplied, Account{}, Account{}, false, true},
		{"used to returned", used, RedemptionReturned, SystemAccount(AccountRedeemed), CustomerAccount(AccountAvailable, 7), true, true},
		{"used to released is refused", used, RedemptionReleased, Account{}, Account{}, false, false},
		{"same state changes nothing", used, RedemptionUsed, Account{}, Account{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, tx, err := SettleRedemption(tt.r, tt.to, 31, t0)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if !tt.ok {
				return
			}
			if next.State != tt.to || (tx != nil) != tt.moves {
				t.Fatalf("next %+v tx %+v", next, tx)
			}
			if tx != nil {
				if _, err := tx.Entries(); err != nil || tx.Postings[0].From != tt.from || tx.Postings[0].To != tt.dest ||
					tx.Key != RedemptionKey(tt.r.Code, tt.to) || tx.Postings[0].Amount != 500 {
					t.Fatalf("transaction %+v: %v", tx, err)
				}
			}
		})
	}
}

func TestSettleOrderRedemptions(t *testing.T) {
	mine := Redemption{ID: 1, Customer: 7, Code: "VAFA-MINE000000", Points: 500, State: RedemptionIssued}
	usedMine := mine
	usedMine.State, usedMine.OrderID = RedemptionUsed, 31
	onOther := mine
	onOther.OrderID = 99
	order := func(status string, codes ...string) OrderSnapshot {
		return OrderSnapshot{OrderID: 31, Status: status, Coupons: codes}
	}
	noReturn := DefaultProgram()
	noReturn.RedeemReturnOnRefund = false
	tests := []struct {
		name     string
		snap     OrderSnapshot
		byCode   map[string]Redemption
		p        Program
		customer int64
		state    string // "" = no step
		note     string
	}{
		{"paid order uses it (code in any case)", order("processing", "vafa-mine000000"), map[string]Redemption{mine.Code: mine}, DefaultProgram(), 7, RedemptionUsed, ""},
		{"unpaid order applies it", order("pending", mine.Code), map[string]Redemption{mine.Code: mine}, DefaultProgram(), 7, RedemptionApplied, ""},
		{"failed order releases it", order("failed", mine.Code), map[string]Redemption{mine.Code: mine}, DefaultProgram(), 7, RedemptionReleased, ""},
		{"cancelled unpaid order releases it", order("cancelled", mine.Code), map[string]Redemption{mine.Code: mine}, DefaultProgram(), 7, RedemptionReleased, ""},
		{"refunded paid order returns it", order("refunded", mine.Code), map[string]Redemption{mine.Code: usedMine}, DefaultProgram(), 7, RedemptionReturned, ""},
		{"refunded, store keeps spent points", order("refunded", mine.Code), map[string]Redemption{mine.Code: usedMine}, noReturn, 7, "", ""},
		{"another customer's code", order("processing", mine.Code), map[string]Redemption{mine.Code: mine}, DefaultProgram(), 8, "", "another customer"},
		{"unknown code of ours", order("processing", "VAFA-NOPE000000"), map[string]Redemption{}, DefaultProgram(), 7, "", "not issued"},
		{"code already on another order", order("processing", mine.Code), map[string]Redemption{mine.Code: onOther}, DefaultProgram(), 7, "", "already used"},
		{"the store's own coupons are none of ours", order("processing", "summer10"), map[string]Redemption{}, DefaultProgram(), 7, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, notes, err := SettleOrderRedemptions(tt.snap, tt.customer, tt.byCode, tt.p, t0)
			if err != nil {
				t.Fatal(err)
			}
			if tt.state == "" && len(steps) != 0 || tt.state != "" && (len(steps) != 1 || steps[0].Redemption.State != tt.state) {
				t.Fatalf("steps %+v, want state %q", steps, tt.state)
			}
			if (tt.note == "") != (len(notes) == 0) || tt.note != "" && !contains(notes[0], tt.note) {
				t.Fatalf("notes %q, want %q", notes, tt.note)
			}
		})
	}
}

func TestRewardValidateAndAffordable(t *testing.T) {
	ok := Reward{Kind: RewardPercentDiscount, Names: map[string]string{"en": "10%"}, PointsCost: 100, Percent: 10, ValidDays: 30}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []Reward{
		{Kind: "cash", Names: ok.Names, PointsCost: 1, ValidDays: 1},
		{Kind: RewardFixedDiscount, Names: map[string]string{"fa_IR": "x"}, PointsCost: 1, ValueMinor: 1, ValidDays: 1},
		{Kind: RewardFixedDiscount, Names: ok.Names, PointsCost: 1, ValidDays: 1},
		{Kind: RewardPercentDiscount, Names: ok.Names, PointsCost: 1, Percent: 101, ValidDays: 1},
		{Kind: RewardFreeProduct, Names: ok.Names, PointsCost: 1, ValidDays: 1},
		{Kind: RewardPointsDiscount, Names: ok.Names, PointsCost: 5, ValidDays: 1},
		{Kind: RewardFreeShipping, Names: ok.Names, PointsCost: 0, ValidDays: 1},
		{Kind: RewardFreeShipping, Names: ok.Names, PointsCost: 1, ValidDays: 0},
	}
	for i, r := range bad {
		if ErrorCode(r.Validate()) != EInvalid {
			t.Errorf("bad reward %d validated", i)
		}
	}
	if a, why := Affordable(DefaultProgram(), ok, 99, nil, 0); a || why != "needs 1 more points" {
		t.Fatalf("Affordable = %v %q", a, why)
	}
	if a, _ := Affordable(DefaultProgram(), ok, 100, nil, 0); !a {
		t.Fatal("exactly enough is affordable")
	}
	if ok.Name("fa_IR") != "10%" || (Reward{Names: map[string]string{"en": "x", "fa": "ی"}}).Name("fa_IR") != "ی" {
		t.Fatal("Name falls back to the language, then English")
	}
}
