<?php
/**
 * "Earn N points" on products, cart and checkout.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

use Vafa\Format;
use Vafa\Program;
use Vafa\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * Shows what a product or the current cart earns, computed locally from the
 * cached program: no call to the service while a page renders.
 */
final class EarnNotices {
	/**
	 * Where the earn rule comes from.
	 *
	 * @var Program
	 */
	private $program;

	/**
	 * Constructor.
	 *
	 * @param Program $program The program source (injected: tests pass one with a fake client).
	 */
	public function __construct( Program $program ) {
		$this->program = $program;
	}

	/**
	 * Registers the hooks.
	 */
	public function register(): void {
		add_action( 'woocommerce_single_product_summary', array( $this, 'product' ), 25 );
		add_action( 'woocommerce_cart_totals_after_order_total', array( $this, 'cart_row' ) );
		add_action( 'woocommerce_review_order_after_order_total', array( $this, 'cart_row' ) );
		// Block cart and checkout (the default since WooCommerce 8.3): the block
		// script shows the line from the Store API cart (Rewards\BlockCheckout::data),
		// so it follows quantity changes without a page load.
	}

	/**
	 * Points the current cart earns (0 when unknown); the block cart reads it
	 * from the Store API on every cart change, so the line follows quantities.
	 */
	public function cart_points(): int {
		$program = $this->program->fetch();
		if ( ! $program || ! function_exists( 'WC' ) || ! WC()->cart ) {
			return 0;
		}
		$exp   = (int) $program['currency_exponent'];
		$lines = array();
		foreach ( WC()->cart->get_cart() as $item ) {
			$product = $item['data'] ?? null;
			$id      = (int) ( $item['product_id'] ?? 0 );
			$lines[] = array(
				'product_id' => $id,
				'quantity'   => (int) ( $item['quantity'] ?? 1 ),
				// The line after discounts, without tax: what the order line's total will be.
				'net_minor'  => Program::to_minor( wc_format_decimal( (float) ( $item['line_total'] ?? 0 ), $exp ), $exp ),
				'categories' => $product instanceof \WC_Product ? \Vafa\Rules\OrderLines::categories( $id ) : array(),
			);
		}
		/** Filters the points shown for the cart ("cart") or a product ("product"). */
		return (int) apply_filters( 'vafa_earn_notice_points', Program::points_for_lines( $program, $lines, time() ), 'cart' );
	}

	/**
	 * The sentence for a number of points.
	 *
	 * @param int $points Points.
	 */
	public static function cart_text( int $points ): string {
		/* translators: %s: number of points */
		return sprintf( _n( 'You will earn %s point with this order', 'You will earn %s points with this order', $points, 'vafa' ), Format::points( $points, determine_locale() ) );
	}

	/**
	 * Product page line.
	 */
	public function product(): void {
		global $product;
		$program = $this->program->fetch();
		if ( ! $program || ! $product instanceof \WC_Product ) {
			return;
		}
		$exp    = (int) $program['currency_exponent'];
		$price  = Program::to_minor( wc_format_decimal( wc_get_price_excluding_tax( $product ), $exp ), $exp );
		$id     = $product->get_parent_id() ? $product->get_parent_id() : $product->get_id();
		$line   = array(
			'product_id' => $id,
			'quantity'   => 1,
			'net_minor'  => $price,
			'categories' => \Vafa\Rules\OrderLines::categories( $id ),
		);
		$points = (int) apply_filters( 'vafa_earn_notice_points', Program::points_for_lines( $program, array( $line ), time() ), 'product' );
		if ( $points <= 0 ) {
			return;
		}
		echo Templates::render( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			'product/earn-notice.php',
			array(
				'points'   => $points,
				'cashback' => Program::cashback_percent( $program, $points, $price ),
			)
		);
	}

	/**
	 * Cart and checkout totals row.
	 */
	public function cart_row(): void {
		$points = $this->cart_points();
		if ( $points <= 0 ) {
			return;
		}
		echo Templates::render( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
			'cart/earn-row.php',
			array(
				'points' => $points,
				'text'   => self::cart_text( $points ),
			)
		);
	}
}
