// Package woocommerce understands what WooCommerce sends: webhook signatures,
// pings, and REST v3 payloads, which it turns into loyalty values.
package woocommerce

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
)

// Sign returns the X-WC-Webhook-Signature for body: base64 (standard,
// padded) of HMAC-SHA256 keyed with the webhook secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifySignature reports whether sig is the signature of body under secret,
// compared in constant time over the raw bytes.
func VerifySignature(secret string, body []byte, sig string) bool {
	if secret == "" || sig == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// IsPing reports whether a request is WooCommerce's unsigned ping, sent when
// a webhook is saved active: a form body "webhook_id=N" and no topic header.
func IsPing(topic string, body []byte) bool {
	if topic != "" || len(body) > 64 {
		return false
	}
	v, err := url.ParseQuery(string(body))
	if err != nil || len(v) != 1 {
		return false
	}
	id := v.Get("webhook_id")
	if id == "" {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
