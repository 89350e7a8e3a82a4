<?php
/**
 * When a shopper's cached figures stop being true.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

use Vafa\ApiClient;

defined( 'ABSPATH' ) || exit;

/**
 * Storefront pages, My Account included, read the shopper's summary from a
 * cache of a minute. What changes it drops the copy:
 * - the shopper's order is placed or changes status (or is refunded): the
 *   service hears of it through WooCommerce's webhook a moment later, so the
 *   figures are asked fresh on every view for ApiClient::SETTLE seconds;
 * - the service signs an event for the shopper (points earned, a reward
 *   issued, a tier reached, points expired): the next view asks;
 * - the shopper redeems or releases a reward, or an admin adjusts their
 *   points (those call forget_cached themselves).
 * Anything else (points maturing after the return window) shows within the
 * minute.
 */
final class Freshness {
	/**
	 * Hooks the order changes.
	 */
	public static function register(): void {
		add_action( 'woocommerce_new_order', array( self::class, 'order_changed' ), 10, 1 );
		add_action( 'woocommerce_order_status_changed', array( self::class, 'order_changed' ), 10, 1 );
		add_action( 'woocommerce_order_refunded', array( self::class, 'order_changed' ), 10, 1 );
	}

	/**
	 * An order of a registered shopper changed: their figures settle.
	 *
	 * @param int|mixed $order_id Order id.
	 */
	public static function order_changed( $order_id ): void {
		$order = function_exists( 'wc_get_order' ) ? wc_get_order( (int) $order_id ) : false;
		$user  = $order ? (int) $order->get_customer_id() : 0;
		if ( $user > 0 ) {
			ApiClient::forget_cached( $user, View::SUMMARY, ApiClient::SETTLE );
		}
	}

	/**
	 * The service signed an event about a shopper: their next view asks.
	 *
	 * @param array<string,mixed> $event The verified event.
	 */
	public static function event_received( array $event ): void {
		$user = (int) ( $event['customer']['id'] ?? 0 );
		if ( $user > 0 && false !== get_userdata( $user ) ) {
			ApiClient::forget_cached( $user, View::SUMMARY );
		}
	}
}
