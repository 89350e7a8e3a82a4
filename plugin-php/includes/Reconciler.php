<?php
/**
 * Sends the service the orders webhooks may have missed.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * A recurring Action Scheduler job: every order modified since the cursor
 * goes to the service, in batches, as the same REST v3 JSON webhooks carry.
 * The service reconciles, so sending an order twice changes nothing.
 */
final class Reconciler {
	const HOOK     = 'vafa_reconcile';
	const GROUP    = 'vafa';
	const BATCH    = 50;
	const PROGRESS = Settings::IMPORT;

	/**
	 * Registers the job and schedules it every 15 minutes.
	 */
	public static function register(): void {
		add_action( self::HOOK, array( self::class, 'run' ) );
	}

	/**
	 * Schedules the job every 15 minutes unless it is (Schedules calls it).
	 */
	public static function schedule(): void {
		if ( ! as_has_scheduled_action( self::HOOK, array(), self::GROUP ) ) {
			as_schedule_recurring_action( time() + 60, 15 * MINUTE_IN_SECONDS, self::HOOK, array(), self::GROUP, true );
		}
	}

	/**
	 * Starts an import of every order modified since $since (Unix time), now.
	 *
	 * @param int $since Unix time.
	 */
	public static function import_from( int $since ): void {
		update_option( Settings::CURSOR, gmdate( 'Y-m-d H:i:s', max( 0, $since - 1 ) ), false );
		update_option(
			self::PROGRESS,
			array(
				'total' => self::count_since( $since ),
				'sent'  => 0,
				'since' => $since,
			),
			false
		);
		if ( function_exists( 'as_enqueue_async_action' ) ) {
			as_enqueue_async_action( self::HOOK, array(), self::GROUP, true );
		}
	}

	/**
	 * Sends one batch after the cursor; queues the next batch when more remain.
	 *
	 * @return int Orders sent.
	 */
	public static function run(): int {
		$client = ApiClient::connected();
		if ( ! $client ) {
			return 0;
		}
		$cursor = (string) get_option( Settings::CURSOR, gmdate( 'Y-m-d H:i:s', time() - DAY_IN_SECONDS ) );
		$since  = strtotime( $cursor . ' UTC' );
		// Trashed orders too: the sync is how the store confirms a trash
		// (the service does not trust a bare order.deleted after a restore).
		$statuses = array_merge( array_keys( wc_get_order_statuses() ), array( 'trash' ) );
		$orders   = wc_get_orders(
			array(
				'type'          => 'shop_order',
				'status'        => $statuses,
				'date_modified' => '>=' . $since,
				'orderby'       => 'modified',
				'order'         => 'ASC',
				'limit'         => self::BATCH,
			)
		);
		$last = $since;
		foreach ( $orders as $order ) {
			$modified = $order->get_date_modified();
			if ( $modified ) {
				$last = max( $last, $modified->getTimestamp() );
			}
		}
		$full = count( $orders ) === self::BATCH;
		if ( $full && $last === $since ) {
			// More than a batch changed within one second: take that whole
			// second, so none of it is skipped when the cursor moves on.
			$orders = wc_get_orders(
				array(
					'type'          => 'shop_order',
					'status'        => $statuses,
					'date_modified' => $since . '...' . $since,
					'limit'         => -1,
				)
			);
		}
		// Orders whose rendering failed before are tried again first.
		$retry = array_map( 'intval', (array) get_option( Settings::SYNC_RETRY, array() ) );
		foreach ( $retry as $id ) {
			$o = wc_get_order( $id );
			if ( $o ) {
				$orders[] = $o;
			}
		}
		$payload = array();
		$failed  = array();
		$seen    = array();
		foreach ( $orders as $order ) {
			if ( isset( $seen[ $order->get_id() ] ) ) {
				continue;
			}
			$seen[ $order->get_id() ] = true;
			$json                     = self::rest_json( $order );
			if ( $json ) {
				$payload[] = $json;
			} else {
				$failed[] = $order->get_id();
			}
		}
		foreach ( array_chunk( $payload, 100 ) as $chunk ) {
			// Throws on failure: Action Scheduler records it and the cursor stays.
			$client->as_user( 'POST', '/v1/admin/orders/sync', (string) self::actor(), 'admin', array( 'orders' => $chunk ), array(), 30.0 );
		}
		update_option( Settings::SYNC_RETRY, array_slice( array_values( array_unique( $failed ) ), 0, 500 ), false );
		// The last second is sent again next time rather than skipped, unless
		// it was taken whole above.
		$next = ( $full && $last === $since ) ? $since + 1 : $last;
		update_option( Settings::CURSOR, gmdate( 'Y-m-d H:i:s', $next ), false );
		$progress = get_option( self::PROGRESS );
		if ( is_array( $progress ) ) {
			$progress['sent'] = min( (int) $progress['total'], (int) $progress['sent'] + count( $payload ) );
			update_option( self::PROGRESS, $progress, false );
		}
		if ( $full && function_exists( 'as_enqueue_async_action' ) ) {
			as_enqueue_async_action( self::HOOK, array(), self::GROUP, true );
		}
		return count( $payload );
	}

	/**
	 * The order as WooCommerce's REST API v3 renders it (what webhooks carry).
	 *
	 * @param \WC_Order $order Order.
	 * @return array<string,mixed>|null
	 */
	public static function rest_json( $order ): ?array {
		$previous = get_current_user_id();
		wp_set_current_user( self::actor() );
		$request  = new \WP_REST_Request( 'GET', '/wc/v3/orders/' . $order->get_id() );
		$response = rest_do_request( $request );
		wp_set_current_user( $previous );
		if ( $response->is_error() ) {
			return null;
		}
		$data = $response->get_data();
		return is_array( $data ) && ! empty( $data['id'] ) ? $data : null;
	}

	/**
	 * The shop manager the webhooks run as.
	 */
	private static function actor(): int {
		$c = Settings::connection();
		if ( ! empty( $c['user_id'] ) ) {
			return (int) $c['user_id'];
		}
		$admins = get_users(
			array(
				'role'   => 'administrator',
				'number' => 1,
				'fields' => 'ID',
			)
		);
		return $admins ? (int) $admins[0] : 0;
	}

	private static function count_since( int $since ): int {
		$ids = wc_get_orders(
			array(
				'type'          => 'shop_order',
				'status'        => array_keys( wc_get_order_statuses() ),
				'date_modified' => '>=' . $since,
				'limit'         => -1,
				'return'        => 'ids',
			)
		);
		return is_array( $ids ) ? count( $ids ) : 0;
	}
}
