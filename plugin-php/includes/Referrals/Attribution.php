<?php
/**
 * Which friend came through which code: the cookie and the order meta.
 *
 * @package Vafa
 */

namespace Vafa\Referrals;

defined( 'ABSPATH' ) || exit;

/**
 * Captures ?ref=CODE into the referral cookie and writes the code on the
 * order as _vafa_referral through the order API (HPOS-safe), in the classic
 * checkout and the block checkout (Store API). The service reads it from
 * the order's webhooks and decides the referral; a shopper's own code is
 * dropped here and refused there too.
 */
final class Attribution {
	const META = '_vafa_referral';

	/**
	 * Registers the hooks.
	 */
	public static function register(): void {
		add_action( 'init', array( self::class, 'capture' ) );
		add_action( 'woocommerce_checkout_create_order', array( self::class, 'stamp' ) );
		add_action( 'woocommerce_store_api_checkout_update_order_from_request', array( self::class, 'stamp' ) );
	}

	/**
	 * Any front-end page opened with ?ref=CODE sets the cookie.
	 */
	public static function capture(): void {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- a link anyone may share.
		if ( is_admin() || ! isset( $_GET['ref'] ) ) {
			return;
		}
		$code = Cookie::code( wp_unslash( $_GET['ref'] ) ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- Cookie::code accepts only [A-Za-z0-9]{6,16}.
		// phpcs:enable
		if ( null === $code || $code === self::own_code() ) {
			return;
		}
		Cookie::set( $code );
	}

	/**
	 * Writes the visitor's code on the order being created.
	 *
	 * @param mixed $order The order (WC_Order).
	 */
	public static function stamp( $order ): void {
		if ( ! $order instanceof \WC_Order ) {
			return;
		}
		$code = Cookie::current();
		if ( null === $code || $code === self::own_code() ) {
			return;
		}
		$order->update_meta_data( self::META, $code );
		if ( $order->get_id() > 0 ) {
			$order->save_meta_data(); // the block checkout's order exists already (a draft)
		}
	}

	/**
	 * The logged-in shopper's own code, when the service gave one.
	 */
	private static function own_code(): ?string {
		$user = get_current_user_id();
		if ( ! $user ) {
			return null;
		}
		$page = Share::summary( $user );
		return is_array( $page ) && ! empty( $page['code'] ) ? strtoupper( (string) $page['code'] ) : null;
	}
}
