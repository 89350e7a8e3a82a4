// Package loyalty holds Vafa's domain: stores and their programs, customers,
// order snapshots, earn rules, ledger postings and the error vocabulary shared
// by every layer. It imports neither HTTP nor SQL packages.
package loyalty

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to one status in one place.
const (
	EInvalid      = "invalid"             // bad input; message says what
	ENotFound     = "not_found"           // the thing does not exist (in this store)
	EConflict     = "conflict"            // state or idempotency conflict
	EUnauthorized = "unauthorized"        // missing or bad credentials
	EForbidden    = "forbidden"           // credentials valid, action not allowed
	EInsufficient = "insufficient_points" // not enough available points
	ETooLarge     = "too_large"           // body over the size limit
	ERateLimited  = "rate_limited"        // too many failed attempts from one client; try later
	EUnavailable  = "unavailable"         // overloaded or the database is not answering; try later
	EInternal     = "internal"            // anything else; never shown with its cause
)

// Error is a domain error: a code and a message that is safe to show a user.
// Cause, when set, is logged but never shown.
type Error struct {
	Code    string
	Message string
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the safe message of err, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		return e.Message
	}
	return "An internal error occurred."
}
