// Command vafa is the Vafa loyalty service: it receives WooCommerce
// webhooks, keeps the points ledger and serves the JWT API.
//
//	vafa [serve]            run migrations, HTTP and workers (default)
//	vafa migrate            apply migrations and exit
//	vafa store create ...   create a store; prints its credentials as JSON
//	vafa store add-key ...  register a public key for a store
//	vafa store set ...      change a store's program settings
//	vafa store connect-token --store N   a fresh one-time connection token
//	vafa token ...          mint a token with a private key (development)
//	vafa audit              check every ledger invariant; non-zero exit on violation
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	// Store time zones (expiry at midnight in Asia/Tehran) must resolve on
	// images without a zoneinfo database too.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := Env{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr}
	if err := run(ctx, os.Args[1:], env); err != nil {
		fmt.Fprintln(os.Stderr, "vafa:", err)
		os.Exit(1)
	}
}
