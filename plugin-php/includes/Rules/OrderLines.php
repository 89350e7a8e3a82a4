<?php
/**
 * What the service's earning rules need on order line items: categories and refunds.
 *
 * @package Vafa
 */

namespace Vafa\Rules;

defined( 'ABSPATH' ) || exit;

/**
 * Adds to every line item of the REST v3 order (what WooCommerce's order
 * webhooks and the plugin's reconciliation sync send) "vafa_categories",
 * the product's category ids (a variation's come from its parent), and
 * "vafa_refunded" / "vafa_refunded_qty", what refunds took from the line
 * (without tax). The service then applies category rules to the order as
 * it was sold, whatever order the deliveries arrive in, without a product
 * catalog, and takes a refund from the lines it was for.
 */
final class OrderLines {
	/**
	 * Hooks the REST order response.
	 */
	public static function register(): void {
		add_filter( 'woocommerce_rest_prepare_shop_order_object', array( self::class, 'add' ), 10, 2 );
	}

	/**
	 * Adds the categories and refunds to the response's line items.
	 *
	 * @param \WP_REST_Response $response The order response.
	 * @param \WC_Order         $order    The order.
	 * @return \WP_REST_Response
	 */
	public static function add( $response, $order ) {
		if ( ! $response instanceof \WP_REST_Response ) {
			return $response;
		}
		$data = $response->get_data();
		if ( ! is_array( $data ) || empty( $data['line_items'] ) || ! is_array( $data['line_items'] ) ) {
			return $response;
		}
		foreach ( $data['line_items'] as $i => $item ) {
			$data['line_items'][ $i ]['vafa_categories'] = self::categories( (int) ( $item['product_id'] ?? 0 ) );
			if ( $order instanceof \WC_Order && ! empty( $item['id'] ) ) {
				$id = (int) $item['id'];
				$data['line_items'][ $i ]['vafa_refunded']     = wc_format_decimal( abs( (float) $order->get_total_refunded_for_item( $id ) ), wc_get_price_decimals() );
				$data['line_items'][ $i ]['vafa_refunded_qty'] = abs( (int) $order->get_qty_refunded_for_item( $id ) );
			}
		}
		$response->set_data( $data );
		return $response;
	}

	/**
	 * A product's category ids (integers, ascending); [] for none or a deleted product.
	 *
	 * @param int $product_id Product id (the parent of a variation).
	 * @return array<int,int>
	 */
	public static function categories( int $product_id ): array {
		if ( $product_id <= 0 ) {
			return array();
		}
		$ids = wc_get_product_term_ids( $product_id, 'product_cat' );
		$ids = array_values( array_unique( array_map( 'intval', is_array( $ids ) ? $ids : array() ) ) );
		sort( $ids );
		return $ids;
	}
}
