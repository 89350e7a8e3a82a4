package loyalty

// EventKind says what a stored webhook (or synced order) asks of the ledger.
type EventKind int

// Event kinds.
const (
	EventIgnored         EventKind = iota // unknown topic or a draft: stored, nothing to do
	EventFlagged                          // stored but unusable (REST error body, no order id)
	EventOrder                            // an order snapshot to reconcile
	EventOrderDeleted                     // order trashed: it earns nothing
	EventOrderRefunded                    // a refund happened; the next snapshot settles it
	EventCustomerCreated                  // a customer account exists now: merge guest activity
)

// Event is a decoded inbox message.
type Event struct {
	Kind       EventKind
	Order      OrderSnapshot // EventOrder
	Restored   bool          // EventOrder from order.restored or the sync: lifts a deletion
	OrderID    int64         // EventOrderDeleted, EventOrderRefunded
	CustomerID int64         // EventCustomerCreated
	Email      string        // EventCustomerCreated, lower-cased
	Note       string        // why it was ignored or flagged
}
