<?php
/**
 * Reward codes as WooCommerce coupons.
 *
 * @package Vafa
 */

namespace Vafa\Rewards;

defined( 'ABSPATH' ) || exit;

/**
 * A reward code is a virtual WooCommerce coupon (answered by
 * woocommerce_get_shop_coupon_data, so no coupon posts pile up): it works
 * once, only for the shopper it was issued to (anyone else gets
 * WooCommerce's own "invalid coupon" message), until it expires. Removing it
 * from the cart releases the points. Every path that creates an order (the
 * classic and block checkout, an admin, the REST API) carries the code in
 * the order's coupon lines, which is how the service settles the points.
 */
final class Coupons {
	/**
	 * Running discount of capped percent rewards during one total calculation.
	 *
	 * @var array<string,float>
	 */
	private static $given = array();

	/**
	 * Registers the hooks.
	 */
	public static function register(): void {
		add_filter( 'woocommerce_get_shop_coupon_data', array( self::class, 'data' ), 10, 2 );
		add_filter( 'woocommerce_coupon_is_valid', array( self::class, 'valid' ), 10, 2 );
		add_filter( 'woocommerce_coupon_get_discount_amount', array( self::class, 'cap' ), 10, 5 );
		add_action( 'woocommerce_before_calculate_totals', array( self::class, 'reset_cap' ) );
		add_action( 'woocommerce_removed_coupon', array( self::class, 'removed' ) );
		add_action( 'woocommerce_new_order_item', array( self::class, 'on_order' ), 10, 3 );
	}

	/**
	 * Answers WooCommerce's question "what is this coupon?" for our codes.
	 *
	 * @param mixed  $data Data so far (false: not a virtual coupon).
	 * @param string $code Coupon code.
	 * @return mixed
	 */
	public static function data( $data, $code ) {
		$r = Codes::get( (string) $code );
		return $r ? Codes::coupon_props( $r ) : $data;
	}

	/**
	 * Only the shopper it was issued to (or a shop manager creating an order
	 * for them), once, before it expires.
	 *
	 * @param bool       $valid  Valid so far.
	 * @param \WC_Coupon $coupon The coupon.
	 */
	public static function valid( $valid, $coupon ): bool {
		$r = Codes::get( (string) $coupon->get_code() );
		if ( ! $r || ! $valid ) {
			return (bool) $valid;
		}
		if ( (int) $r['expires'] > 0 && time() > (int) $r['expires'] ) {
			return false;
		}
		$manager = is_admin() && current_user_can( 'manage_woocommerce' );
		if ( ! $manager && get_current_user_id() !== (int) $r['user_id'] ) {
			return false;
		}
		if ( ! empty( $r['order_id'] ) && (int) $r['order_id'] !== self::current_order_id() ) {
			$order = wc_get_order( (int) $r['order_id'] );
			if ( $order && ! $order->has_status( array( 'failed', 'cancelled', 'checkout-draft' ) ) ) {
				return false; // on another order already
			}
		}
		return true;
	}

	/**
	 * The order the shopper's checkout is building (the block checkout's
	 * draft or the classic checkout's order awaiting payment), 0 when none:
	 * a code recorded on it is not "used elsewhere".
	 */
	private static function current_order_id(): int {
		if ( ! function_exists( 'WC' ) || ! WC()->session ) {
			return 0;
		}
		$draft = (int) WC()->session->get( 'store_api_draft_order', 0 );
		return $draft > 0 ? $draft : (int) WC()->session->get( 'order_awaiting_payment', 0 );
	}

	/**
	 * Caps a percent reward's total discount at its value.
	 *
	 * @param float      $discount Discount for this item.
	 * @param float      $amount   Discounting amount.
	 * @param mixed      $item     Cart item.
	 * @param bool       $single   Single item.
	 * @param \WC_Coupon $coupon   Coupon.
	 */
	public static function cap( $discount, $amount, $item, $single, $coupon ) {
		$r = Codes::get( (string) $coupon->get_code() );
		if ( ! $r || 'percent_discount' !== $r['kind'] || (int) $r['value_minor'] <= 0 ) {
			return $discount;
		}
		$code  = (string) $r['code'];
		$limit = (float) Codes::amount( (int) $r['value_minor'], (int) $r['exponent'] );
		$given = self::$given[ $code ] ?? 0.0;
		$take  = max( 0.0, min( (float) $discount, $limit - $given ) );
		self::$given[ $code ] = $given + $take;
		return $take;
	}

	/**
	 * A new calculation of the totals starts the caps over.
	 */
	public static function reset_cap(): void {
		self::$given = array();
	}

	/**
	 * The shopper removed the code from the cart: give the points back.
	 *
	 * @param string $code Coupon code.
	 */
	public static function removed( $code ): void {
		if ( Codes::is_ours( (string) $code ) && is_user_logged_in() ) {
			Redeemer::current()->release( get_current_user_id(), (string) $code );
		}
	}

	/**
	 * A coupon line was added to an order: remember where the code went.
	 *
	 * @param int    $item_id  Order item id.
	 * @param mixed  $item     The item.
	 * @param int    $order_id Order id.
	 */
	public static function on_order( $item_id, $item, $order_id ): void {
		if ( $item instanceof \WC_Order_Item_Coupon && Codes::is_ours( (string) $item->get_code() ) ) {
			Codes::used_on( (string) $item->get_code(), (int) $order_id );
		}
	}
}
