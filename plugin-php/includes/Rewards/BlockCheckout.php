<?php
/**
 * Redeeming points in the block cart and checkout (Store API).
 *
 * @package Vafa
 */

namespace Vafa\Rewards;

use Vafa\ApiException;

defined( 'ABSPATH' ) || exit;

/**
 * The block cart and checkout talk to WooCommerce's Store API, not to PHP
 * templates: the cart response carries the shopper's points and rewards
 * (extensions.vafa), and the block script asks for a redemption through
 * /wc/store/v1/cart/extensions with namespace "vafa", which redeems at the
 * service and applies the code as a coupon, in the same request, so the
 * block shows the new totals at once. The coupon goes through WooCommerce's
 * own validation, like one typed in the coupon field.
 */
final class BlockCheckout {
	const NAMESPACE = 'vafa';

	/**
	 * Registers the Store API data, the update callback and the block script.
	 */
	public static function register(): void {
		add_action( 'woocommerce_blocks_loaded', array( self::class, 'store_api' ) );
		add_action( 'woocommerce_blocks_cart_block_registration', array( self::class, 'integration' ) );
		add_action( 'woocommerce_blocks_checkout_block_registration', array( self::class, 'integration' ) );
	}

	/**
	 * Store API: cart data and the update callback.
	 */
	public static function store_api(): void {
		if ( ! function_exists( 'woocommerce_store_api_register_update_callback' ) ) {
			return;
		}
		woocommerce_store_api_register_update_callback(
			array(
				'namespace' => self::NAMESPACE,
				'callback'  => array( self::class, 'update' ),
			)
		);
		woocommerce_store_api_register_endpoint_data(
			array(
				'endpoint'        => \Automattic\WooCommerce\StoreApi\Schemas\V1\CartSchema::IDENTIFIER,
				'namespace'       => self::NAMESPACE,
				'data_callback'   => array( self::class, 'data' ),
				'schema_callback' => array( self::class, 'schema' ),
				'schema_type'     => ARRAY_A,
			)
		);
	}

	/**
	 * The shopper's points and the rewards they can redeem, for the block.
	 *
	 * @return array<string,mixed>
	 */
	public static function data(): array {
		if ( ! is_user_logged_in() ) {
			return array(
				'logged_in' => false,
				'available' => 0,
				'rewards'   => array(),
			);
		}
		$catalog = Redeemer::current()->catalog( get_current_user_id() );
		$rewards = array();
		$locale  = determine_locale();
		foreach ( $catalog['items'] ?? array() as $r ) {
			$rewards[] = array(
				'id'          => (string) $r['id'],
				'kind'        => (string) $r['kind'],
				'name'        => (string) ( $r['names'][ $locale ] ?? $r['names'][ substr( $locale, 0, 2 ) ] ?? $r['names']['en'] ?? '' ),
				'points_cost' => (int) $r['points_cost'],
				'affordable'  => ! empty( $r['affordable'] ),
			);
		}
		return array(
			'logged_in' => true,
			'available' => (int) ( $catalog['available'] ?? 0 ),
			'rewards'   => $rewards,
		);
	}

	/**
	 * The schema of extensions.vafa in the cart response.
	 *
	 * @return array<string,mixed>
	 */
	public static function schema(): array {
		return array(
			'logged_in' => array( 'type' => 'boolean', 'readonly' => true ),
			'available' => array( 'type' => 'integer', 'readonly' => true ),
			'rewards'   => array( 'type' => 'array', 'readonly' => true ),
		);
	}

	/**
	 * The block asked to redeem: {reward_id, points, token}.
	 *
	 * @param array<string,mixed> $data Request data.
	 * @throws \Automattic\WooCommerce\StoreApi\Exceptions\RouteException When the redemption is refused.
	 */
	public static function update( $data ): void {
		if ( ! is_user_logged_in() ) {
			throw new \Automattic\WooCommerce\StoreApi\Exceptions\RouteException( 'vafa_login', esc_html__( 'Log in to use your points.', 'vafa' ), 401 );
		}
		$reward = preg_replace( '/[^0-9]/', '', (string) ( $data['reward_id'] ?? '' ) );
		$points = absint( $data['points'] ?? 0 );
		$token  = sanitize_key( (string) ( $data['token'] ?? '' ) );
		$user   = get_current_user_id();
		try {
			$r = Redeemer::current()->redeem( $user, $reward, $points, CartBox::subtotal_minor(), 'wp-' . $user . '-' . ( '' !== $token ? $token : wp_generate_password( 20, false ) ) );
		} catch ( ApiException $e ) {
			throw new \Automattic\WooCommerce\StoreApi\Exceptions\RouteException( 'vafa_redeem', esc_html( $e->getMessage() ), 400 );
		}
		if ( ! WC()->cart->has_discount( strtolower( (string) $r['code'] ) ) ) {
			WC()->cart->apply_coupon( strtolower( (string) $r['code'] ) );
		}
	}

	/**
	 * Registers the block script with the cart and checkout blocks.
	 *
	 * @param object $registry The blocks' integration registry.
	 */
	public static function integration( $registry ): void {
		if ( interface_exists( '\Automattic\WooCommerce\Blocks\Integrations\IntegrationInterface' ) && ! $registry->is_registered( 'vafa' ) ) {
			$registry->register( new BlockIntegration() );
		}
	}
}
