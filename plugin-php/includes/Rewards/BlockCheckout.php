<?php
/**
 * Redeeming points in the block cart and checkout (Store API).
 *
 * @package Vafa
 */

namespace Vafa\Rewards;

use Vafa\ApiException;
use Vafa\Format;
use Vafa\Program;
use Vafa\Storefront\EarnNotices;

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
	 * What the block shows, recomputed by WooCommerce on every cart change:
	 * the points the cart earns, the shopper's points (in the locale's digits),
	 * the rewards they can redeem and the bounds of paying with points.
	 *
	 * @return array<string,mixed>
	 */
	public static function data(): array {
		$locale = determine_locale();
		$earn   = ( new EarnNotices( Program::current() ) )->cart_points();
		$out    = array(
			'logged_in'       => is_user_logged_in(),
			'rtl'             => Format::is_rtl( $locale ),
			'earn'            => $earn,
			'earn_text'       => $earn > 0 ? EarnNotices::cart_text( $earn ) : '',
			'available'       => 0,
			'available_text'  => '',
			'rewards'         => array(),
			'pay_with_points' => null,
		);
		if ( ! $out['logged_in'] ) {
			return $out;
		}
		$catalog = Redeemer::current()->catalog( get_current_user_id() );
		if ( null === $catalog ) {
			return $out;
		}
		$available              = (int) ( $catalog['available'] ?? 0 );
		$out['available']       = $available;
		$out['available_text']  = Format::points( $available, $locale );
		foreach ( $catalog['items'] ?? array() as $r ) {
			$name = (string) ( $r['names'][ $locale ] ?? $r['names'][ substr( $locale, 0, 2 ) ] ?? $r['names']['en'] ?? '' );
			if ( 'points_discount' === $r['kind'] ) {
				$program = Program::get();
				$bounds  = $program ? Program::pay_bounds( $program, $available, CartBox::subtotal_minor() ) : array(
					'min' => 1,
					'max' => 0,
				);
				if ( $bounds['max'] >= $bounds['min'] ) {
					$out['pay_with_points'] = array(
						'reward_id' => (string) $r['id'],
						'name'      => $name,
						'min'       => $bounds['min'],
						'max'       => $bounds['max'],
						/* translators: 1: fewest points, 2: most points */
						'hint'      => sprintf( __( 'From %1$s to %2$s points', 'vafa' ), Format::points( $bounds['min'], $locale ), Format::points( $bounds['max'], $locale ) ),
					);
				}
				continue;
			}
			$out['rewards'][] = array(
				'id'          => (string) $r['id'],
				'kind'        => (string) $r['kind'],
				'name'        => $name,
				'points_cost' => (int) $r['points_cost'],
				/* translators: %s: points the reward costs */
				'cost_text'   => sprintf( __( '%s points', 'vafa' ), Format::points( (int) $r['points_cost'], $locale ) ),
				'affordable'  => ! empty( $r['affordable'] ),
			);
		}
		return $out;
	}

	/**
	 * The schema of extensions.vafa in the cart response.
	 *
	 * @return array<string,mixed>
	 */
	public static function schema(): array {
		return array(
			'logged_in'       => array( 'type' => 'boolean', 'readonly' => true ),
			'rtl'             => array( 'type' => 'boolean', 'readonly' => true ),
			'earn'            => array( 'type' => 'integer', 'readonly' => true ),
			'earn_text'       => array( 'type' => 'string', 'readonly' => true ),
			'available'       => array( 'type' => 'integer', 'readonly' => true ),
			'available_text'  => array( 'type' => 'string', 'readonly' => true ),
			'rewards'         => array( 'type' => 'array', 'readonly' => true ),
			'pay_with_points' => array( 'type' => array( 'object', 'null' ), 'readonly' => true ),
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
