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
		// Block cart and checkout (the default since WooCommerce 8.3): a line under the block,
		// computed from the cart as the page is served.
		add_filter( 'render_block_woocommerce/cart', array( self::class, 'after_block' ) );
		add_filter( 'render_block_woocommerce/checkout', array( self::class, 'after_block' ) );
	}

	/**
	 * Appends the "you will earn" line to the cart or checkout block.
	 *
	 * @param string $html Block markup.
	 */
	public static function after_block( $html ): string {
		$points = self::cart_points();
		if ( $points <= 0 ) {
			return (string) $html;
		}
		return $html . '<p class="vafa vafa-earn">' . esc_html( self::cart_text( $points ) ) . '</p>';
	}

	/**
	 * Points the current cart earns (0 when unknown).
	 */
	private static function cart_points(): int {
		$program = Program::get();
		if ( ! $program || ! function_exists( 'WC' ) || ! WC()->cart ) {
			return 0;
		}
		$cart = WC()->cart;
		$net  = (float) $cart->get_subtotal() - (float) $cart->get_discount_total();
		return Program::points_for( $program, wc_format_decimal( $net, (int) $program['currency_exponent'] ) );
	}

	/**
	 * The sentence for a number of points.
	 *
	 * @param int $points Points.
	 */
	private static function cart_text( int $points ): string {
		/* translators: %s: number of points */
		return sprintf( _n( 'You will earn %s point with this order', 'You will earn %s points with this order', $points, 'vafa' ), Format::points( $points, determine_locale() ) );
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
		$points = self::cart_points();
		if ( $points <= 0 ) {
			return;
		}
		echo '<tr class="vafa vafa-earn"><th>' . esc_html__( 'Rewards', 'vafa' ) . '</th><td>' . esc_html( self::cart_text( $points ) ) . '</td></tr>';
	}
}
