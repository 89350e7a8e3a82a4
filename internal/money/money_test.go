package money

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		exponent int
		want     int64
		wantErr  bool
	}{
		{"usd plain", "54.00", 2, 5400, false},
		{"usd negative refund", "-11.88", 2, -1188, false},
		{"usd zero refund", "-0.00", 2, 0, false},
		{"usd one decimal coupon", "6.1", 2, 610, false},
		{"usd unrounded tax half-up", "2.14335", 2, 214, false},
		{"usd half rounds up", "2.145", 2, 215, false},
		{"usd negative half rounds away", "-2.145", 2, -215, false},
		{"usd integer", "7", 2, 700, false},
		{"usd trailing dot", "5.", 2, 500, false},
		{"usd leading dot", ".5", 2, 50, false},
		{"usd spaces", " 1.25 ", 2, 125, false},
		{"usd plus sign", "+3.10", 2, 310, false},
		{"usd leading zeros", "0003.10", 2, 310, false},
		{"irr integer", "1500000", 0, 1500000, false},
		{"irr with decimals rounds", "1500000.50", 0, 1500001, false},
		{"irr below half", "1500000.49", 0, 1500000, false},
		{"kwd three decimals", "1.2345", 3, 1235, false},
		{"big irr", "99999999999999", 0, 99999999999999, false},
		{"empty", "", 2, 0, true},
		{"only dot", ".", 2, 0, true},
		{"only minus", "-", 2, 0, true},
		{"letters", "12a", 2, 0, true},
		{"comma", "1,000.00", 2, 0, true},
		{"exponent notation", "1e5", 2, 0, true},
		{"two dots", "1.2.3", 2, 0, true},
		{"double sign", "--1", 2, 0, true},
		{"too large", "999999999999999999", 2, 0, true},
		{"bad exponent", "1", 9, 0, true},
		{"persian digits", "۱۲", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, tt.exponent)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q, %d) error = %v, wantErr %v", tt.in, tt.exponent, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q, %d) = %d, want %d", tt.in, tt.exponent, got, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		minor    int64
		exponent int
		want     string
	}{
		{1234, 2, "12.34"},
		{5, 2, "0.05"},
		{-1188, 2, "-11.88"},
		{1500000, 0, "1500000"},
		{0, 2, "0.00"},
	}
	for _, tt := range tests {
		if got := Format(tt.minor, tt.exponent); got != tt.want {
			t.Errorf("Format(%d, %d) = %q, want %q", tt.minor, tt.exponent, got, tt.want)
		}
	}
}
