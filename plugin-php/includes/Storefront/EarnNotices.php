<?php
/**
 * "Earn N points" on products, cart and checkout.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

use Vafa\Format;
use Vafa\Program;

defined( 'ABSPATH' ) || exit;

/**
 * Shows what a product or the current cart earns, computed locally from the
 * cached program: no call to the service while a page renders.
 */
final class EarnNotices {
	/**
	 * Registers the hooks.
	 */
	public static function register(): void {
		add_action( 'woocommerce_single_product_summary', array( self::class, 'product' ), 25 );
		add_action( 'woocommerce_cart_totals_after_order_total', array( self::class, 'cart_row' ) );
		add_action( 'woocommerce_review_order_after_order_total', array( self::class, 'cart_row' ) );
	}

	/**
	 * Product page line.
	 */
	public static function product(): void {
		global $product;
		$program = Program::get();
		if ( ! $program || ! $product instanceof \WC_Product ) {
			return;
		}
		$points = Program::points_for( $program, (string) wc_get_price_excluding_tax( $product ) );
		if ( $points <= 0 ) {
			return;
		}
		/* translators: %s: number of points */
		echo '<p class="vafa vafa-earn">' . esc_html( sprintf( _n( 'Earn %s point', 'Earn %s points', $points, 'vafa' ), Format::points( $points, determine_locale() ) ) ) . '</p>';
	}

	/**
	 * Cart and checkout totals row.
	 */
	public static function cart_row(): void {
		$program = Program::get();
		if ( ! $program || ! WC()->cart ) {
			return;
		}
		$cart = WC()->cart;
		$net  = (float) $cart->get_subtotal() - (float) $cart->get_discount_total();
		$points = Program::points_for( $program, wc_format_decimal( $net, (int) $program['currency_exponent'] ) );
		if ( $points <= 0 ) {
			return;
		}
		/* translators: %s: number of points */
		$text = sprintf( _n( 'You will earn %s point with this order', 'You will earn %s points with this order', $points, 'vafa' ), Format::points( $points, determine_locale() ) );
		echo '<tr class="vafa vafa-earn"><th>' . esc_html__( 'Rewards', 'vafa' ) . '</th><td>' . esc_html( $text ) . '</td></tr>';
	}
}
