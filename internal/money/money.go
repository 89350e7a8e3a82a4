// Package money parses WooCommerce's decimal money strings into integer minor
// units. It never uses floating point: "54.005" in USD is exactly 5401 cents.
package money

import (
	"fmt"
	"strings"
)

// MaxExponent is the largest currency exponent accepted (ISO 4217 uses 0-4).
const MaxExponent = 4

// maxDigits bounds the integer part so that any result fits in an int64
// after scaling by 10^MaxExponent.
const maxDigits = 14

// Parse converts a decimal string such as "-11.88", "2.14335", "1500000" or
// "6.1" into minor units of a currency with the given exponent (2 for USD,
// 0 for IRR), rounding half away from zero at the minor unit. Leading "+",
// surrounding spaces and an empty fractional part ("5.") are accepted;
// exponents, thousands separators and anything else are not.
func Parse(s string, exponent int) (int64, error) {
	if exponent < 0 || exponent > MaxExponent {
		return 0, fmt.Errorf("money: currency exponent %d out of range", exponent)
	}
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("money: %q is not a decimal amount", orig)
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return 0, fmt.Errorf("money: %q is not a decimal amount", orig)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > maxDigits {
		return 0, fmt.Errorf("money: %q is too large", orig)
	}
	var v int64
	for _, c := range intPart {
		v = v*10 + int64(c-'0')
	}
	for i := 0; i < exponent; i++ {
		v *= 10
		if i < len(frac) {
			v += int64(frac[i] - '0')
		}
	}
	// Half-up: look at the first dropped digit only; "0.0049999" stays 0.
	if len(frac) > exponent && frac[exponent] >= '5' {
		v++
	}
	if neg {
		v = -v
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format renders minor units as a plain decimal string with the exponent's
// number of decimals ("1234" with exponent 2 is "12.34").
func Format(minor int64, exponent int) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := fmt.Sprintf("%d", minor)
	if exponent <= 0 {
		return sign + s
	}
	for len(s) <= exponent {
		s = "0" + s
	}
	return sign + s[:len(s)-exponent] + "." + s[len(s)-exponent:]
}
