// Package migrations holds the schema as ordered SQL files, embedded in the
// binary and applied by goose.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
