<?php
/**
 * "Use your points" in the classic cart and checkout, and the Redeem buttons
 * of My Account > Rewards.
 *
 * @package Vafa
 */

namespace Vafa\Rewards;

use Vafa\ApiException;
use Vafa\Program;
use Vafa\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * Shows the shopper's balance and the rewards they can redeem; a redemption
 * is made at the service (points held, a single-use code issued) and the
 * code applied to the cart as a WooCommerce coupon. A form carries a one-time
 * token used as the Idempotency-Key, so a double submit issues one reward.
 */
final class CartBox {
	const ACTION = 'vafa_redeem';

	/**
	 * Registers the hooks.
	 */
	public static function register(): void {
		add_action( 'woocommerce_before_cart_totals', array( self::class, 'render' ) );
		add_action( 'woocommerce_review_order_before_payment', array( self::class, 'render' ) );
		add_action( 'wp_loaded', array( self::class, 'handle' ), 20 );
	}

	/**
	 * The cart subtotal in minor units.
	 */
	public static function subtotal_minor(): int {
		if ( ! function_exists( 'WC' ) || ! WC()->cart ) {
			return 0;
		}
		$program = Program::get();
		return Program::to_minor( wc_format_decimal( WC()->cart->get_subtotal() ), (int) ( $program['currency_exponent'] ?? 2 ) );
	}

	/**
	 * Prints the box.
	 */
	public static function render(): void {
		if ( ! is_user_logged_in() ) {
			echo Templates::render( 'cart/redeem-login.php' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			return;
		}
		$catalog = Redeemer::current()->catalog( get_current_user_id() );
		if ( null === $catalog || ! $catalog['items'] ) {
			return;
		}
		echo Templates::render( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			'cart/redeem.php',
			array(
				'catalog' => $catalog,
				'program' => Program::get(),
				'bounds'  => Program::pay_bounds( Program::get() ?? array(), (int) ( $catalog['available'] ?? 0 ), self::subtotal_minor() ),
				'token'   => wp_generate_password( 20, false ),
				'action'  => self::ACTION,
			)
		);
	}

	/**
	 * Handles a Redeem form (cart, checkout or My Account).
	 */
	public static function handle(): void {
		if ( ! isset( $_POST['vafa_redeem_token'], $_POST['vafa_reward'] ) || ! is_user_logged_in() ) {
			return;
		}
		check_admin_referer( self::ACTION );
		$reward = sanitize_text_field( wp_unslash( $_POST['vafa_reward'] ) );
		$points = isset( $_POST['vafa_points'] ) ? absint( wp_unslash( $_POST['vafa_points'] ) ) : 0;
		$token  = sanitize_key( wp_unslash( $_POST['vafa_redeem_token'] ) );
		$user   = get_current_user_id();
		try {
			$r = Redeemer::current()->redeem( $user, $reward, $points, self::subtotal_minor(), 'wp-' . $user . '-' . $token );
			if ( function_exists( 'WC' ) && WC()->cart ) {
				if ( 'free_product' === $r['kind'] && ! empty( $r['product_id'] ) ) {
					self::ensure_in_cart( (int) $r['product_id'] );
				}
				if ( ! WC()->cart->has_discount( strtolower( $r['code'] ) ) ) {
					WC()->cart->apply_coupon( strtolower( $r['code'] ) );
				}
			}
			/* translators: %s: coupon code */
			$message = sprintf( __( 'Reward redeemed: code %s.', 'vafa' ), $r['code'] );
			$type    = 'success';
		} catch ( ApiException $e ) {
			$message = $e->getMessage();
			$type    = 'error';
		}
		if ( function_exists( 'wc_add_notice' ) ) {
			wc_add_notice( $message, $type );
		}
		$back = wp_get_referer();
		wp_safe_redirect( $back ? $back : home_url( '/' ) );
		exit;
	}

	/**
	 * Puts one unit of the free product in the cart when it is not there.
	 *
	 * @param int $product_id Product id.
	 */
	private static function ensure_in_cart( int $product_id ): void {
		foreach ( WC()->cart->get_cart() as $item ) {
			if ( (int) $item['product_id'] === $product_id || (int) $item['variation_id'] === $product_id ) {
				return;
			}
		}
		WC()->cart->add_to_cart( $product_id, 1 );
	}
}
