<?php
/**
 * What the plugin knows of the reward codes it issued.
 *
 * @package Vafa
 */

namespace Vafa\Rewards;

use Vafa\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * One option per issued code (autoload off): the service's redemption and
 * the WordPress user and e-mail it belongs to, so WooCommerce can be told
 * what the coupon does without a call to the service while a cart is
 * computed. The service stays the ledger: a code seen on an order settles
 * the points there, whatever WordPress does.
 */
final class Codes {
	const PREFIX = 'vafa_code_';

	/**
	 * Whether a coupon code is one the service issues.
	 *
	 * @param string $code Coupon code.
	 */
	public static function is_ours( string $code ): bool {
		return 1 === preg_match( '/^vafa-[a-z0-9]{10}$/i', trim( $code ) );
	}

	/**
	 * Remembers an issued redemption for a user.
	 *
	 * @param array<string,mixed> $redemption The service's redemption.
	 * @param int                 $user_id    WordPress user id.
	 * @param int                 $exponent   Currency exponent of the store.
	 */
	public static function remember( array $redemption, int $user_id, int $exponent ): void {
		$user = get_userdata( $user_id );
		update_option(
			self::key( (string) $redemption['code'] ),
			array(
				'id'          => (string) $redemption['id'],
				'code'        => strtoupper( (string) $redemption['code'] ),
				'kind'        => (string) $redemption['kind'],
				'points'      => (int) $redemption['points'],
				'value_minor' => (int) $redemption['value_minor'],
				'percent'     => (int) ( $redemption['percent'] ?? 0 ),
				'product_id'  => (int) ( $redemption['product_id'] ?? 0 ),
				'expires'     => \Vafa\Format::unix( (string) $redemption['expires_at'] ),
				'user_id'     => $user_id,
				'email'       => $user ? strtolower( $user->user_email ) : '',
				'exponent'    => $exponent,
				'minimum'     => (int) ( $redemption['min_subtotal_minor'] ?? 0 ),
				'order_id'    => 0,
			),
			false
		);
	}

	/**
	 * The remembered redemption for a code, or null.
	 *
	 * @param string $code Coupon code (any case).
	 * @return array<string,mixed>|null
	 */
	public static function get( string $code ): ?array {
		if ( ! self::is_ours( $code ) ) {
			return null;
		}
		$r = get_option( self::key( $code ) );
		return is_array( $r ) ? $r : null;
	}

	/**
	 * Records the order a code was used on.
	 *
	 * @param string $code     Coupon code.
	 * @param int    $order_id Order id.
	 */
	public static function used_on( string $code, int $order_id ): void {
		$r = self::get( $code );
		if ( $r ) {
			$r['order_id'] = $order_id;
			update_option( self::key( $code ), $r, false );
		}
	}

	/**
	 * Forgets a code (released).
	 *
	 * @param string $code Coupon code.
	 */
	public static function forget( string $code ): void {
		delete_option( self::key( $code ) );
	}

	/**
	 * The money value of minor units as WooCommerce's decimal string.
	 *
	 * @param int $minor    Minor units.
	 * @param int $exponent Currency exponent.
	 */
	public static function amount( int $minor, int $exponent ): string {
		if ( $exponent <= 0 ) {
			return (string) $minor;
		}
		$s = str_pad( (string) abs( $minor ), $exponent + 1, '0', STR_PAD_LEFT );
		return ( $minor < 0 ? '-' : '' ) . substr( $s, 0, -$exponent ) . '.' . substr( $s, -$exponent );
	}

	/**
	 * WooCommerce coupon properties for a redemption: fixed cart for money
	 * off (never below zero: WooCommerce caps a fixed cart discount at the
	 * cart), percent with the cap applied in Coupons, free shipping, or 100%
	 * off one unit of the free product.
	 *
	 * @param array<string,mixed> $r The remembered redemption.
	 * @return array<string,mixed>
	 */
	public static function coupon_props( array $r ): array {
		$props = array(
			'code'               => strtolower( (string) $r['code'] ),
			'discount_type'      => 'fixed_cart',
			'amount'             => '0',
			// Single use is enforced by Coupons::valid and the service (a virtual
			// coupon has no data store for WooCommerce's per-user usage count).
			'usage_limit'        => 1,
			'individual_use'     => false,
			'email_restrictions' => '' !== (string) $r['email'] ? array( (string) $r['email'] ) : array(),
			'date_expires'       => (int) $r['expires'],
			'free_shipping'      => false,
		);
		if ( ! empty( $r['minimum'] ) ) {
			// A welcome reward is issued before the cart is known: WooCommerce checks its minimum.
			$props['minimum_amount'] = self::amount( (int) $r['minimum'], (int) $r['exponent'] );
		}
		switch ( $r['kind'] ) {
			case 'fixed_discount':
			case 'points_discount':
				$props['amount'] = self::amount( (int) $r['value_minor'], (int) $r['exponent'] );
				break;
			case 'percent_discount':
				$props['discount_type'] = 'percent';
				$props['amount']        = (string) (int) $r['percent'];
				break;
			case 'free_shipping':
				$props['free_shipping'] = true;
				break;
			case 'free_product':
				$props['discount_type']          = 'percent';
				$props['amount']                 = '100';
				$props['product_ids']            = array( (int) $r['product_id'] );
				$props['limit_usage_to_x_items'] = 1;
				break;
		}
		return $props;
	}

	/**
	 * The option name of a code.
	 *
	 * @param string $code Coupon code.
	 */
	private static function key( string $code ): string {
		return self::PREFIX . strtolower( trim( $code ) );
	}
}
