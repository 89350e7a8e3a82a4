package loyalty

import "time"

// Order statuses that earn points. Every other status, trash and deletion earn 0.
var paidStatuses = map[string]bool{"processing": true, "completed": true}

// IsDraftStatus reports statuses WooCommerce uses for carts that are not orders yet.
func IsDraftStatus(status string) bool {
	return status == "checkout-draft" || status == "auto-draft"
}

// OrderSnapshot is one WooCommerce order as a webhook or the sync delivered
// it, with money already in minor units of the store's currency.
type OrderSnapshot struct {
	OrderID       int64
	Status        string
	Currency      string
	CustomerID    int64  // WooCommerce customer id; 0 for guests
	Email         string // lower-cased billing e-mail
	Total         int64  // order total, never reduced by refunds
	TotalTax      int64
	ShippingTotal int64
	Refunded      int64     // sum of |refund totals|
	DateModified  time.Time // date_modified_gmt; zero when absent
	DatePaid      time.Time // date_paid_gmt; zero when unpaid or absent
	Meta          map[string]string
}

// Net is the amount points are earned on: total minus tax minus shipping.
func (o OrderSnapshot) Net() int64 {
	n := o.Total - o.TotalTax - o.ShippingTotal
	if n < 0 {
		return 0
	}
	return n
}

// Remaining is the order total not yet refunded.
func (o OrderSnapshot) Remaining() int64 {
	r := o.Total - o.Refunded
	if r < 0 {
		return 0
	}
	return r
}

// Paid reports whether the snapshot's status earns points.
func (o OrderSnapshot) Paid() bool { return paidStatuses[o.Status] }

// Points is what the order should hold in total under rule: 0 unless paid,
// otherwise the rule's share of the net in proportion to what is not refunded.
func (o OrderSnapshot) Points(rule EarnRule) int64 {
	if !o.Paid() {
		return 0
	}
	return rule.OrderPoints(o.Net(), o.Remaining(), o.Total)
}

// Identified reports whether the order can be attributed to someone.
func (o OrderSnapshot) Identified() bool { return o.CustomerID > 0 || o.Email != "" }
