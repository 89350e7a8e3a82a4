<?php
/**
 * The referred friend's welcome reward, applied to their first cart.
 *
 * @package Vafa
 */

namespace Vafa\Referrals;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Program;
use Vafa\Rewards\Codes;
use Vafa\Settings;
use Vafa\Storefront\View;

defined( 'ABSPATH' ) || exit;

/**
 * When the store gives a welcome reward (referee_reward) and a logged-in
 * shopper arrived with a friend's code, the service issues the reward once
 * (it costs no points) and this applies its code to the cart as a coupon,
 * in the classic and the block cart alike: it runs after WooCommerce
 * computes the cart's totals, so the reward's minimum subtotal is checked
 * by WooCommerce's own coupon rules. Applied once; removing it releases it.
 */
final class Welcome {
	const META = Settings::PREFIX . 'welcome';

	/**
	 * Whether this request is already applying the gift.
	 *
	 * @var bool
	 */
	private static $running = false;

	/**
	 * Registers the hook.
	 */
	public static function register(): void {
		add_action( 'woocommerce_after_calculate_totals', array( self::class, 'apply' ) );
	}

	/**
	 * Issues (once) and applies the welcome reward to the cart.
	 *
	 * @param mixed $cart The cart (WC_Cart).
	 */
	public static function apply( $cart ): void {
		if ( self::$running || ! $cart instanceof \WC_Cart || $cart->is_empty() || ! is_user_logged_in() ) {
			return;
		}
		$program = Program::get();
		if ( empty( $program['referral_enabled'] ) || empty( $program['referee_reward'] ) ) {
			return;
		}
		$user  = get_current_user_id();
		$state = get_user_meta( $user, self::META, true );
		if ( is_array( $state ) && ! empty( $state['done'] ) ) {
			return;
		}
		self::$running = true;
		try {
			if ( ! is_array( $state ) || empty( $state['code'] ) ) {
				$state = self::issue( $user, (int) ( $program['currency_exponent'] ?? 2 ) );
				if ( null === $state ) {
					return;
				}
			}
			$code   = strtolower( (string) $state['code'] );
			$coupon = new \WC_Coupon( $code );
			if ( $cart->has_discount( $code ) ) {
				$state['done'] = true;
			} elseif ( true === ( new \WC_Discounts( $cart ) )->is_coupon_valid( $coupon ) && $cart->apply_coupon( $code ) ) {
				// Valid now (the minimum subtotal is met): applied once, never forced again.
				$state['done'] = true;
				$cart->calculate_totals(); // this response already shows the discount
			}
			update_user_meta( $user, self::META, $state );
		} finally {
			self::$running = false;
		}
	}

	/**
	 * Asks the service for the welcome reward.
	 *
	 * @param int $user     WordPress user id.
	 * @param int $exponent Currency exponent.
	 * @return array{code:string,done:bool}|null Null when there is none to give now.
	 */
	private static function issue( int $user, int $exponent ): ?array {
		$code   = Cookie::current();
		$client = View::client();
		if ( null === $code || ! $client ) {
			return null;
		}
		try {
			$r = $client->as_user( 'POST', '/v1/me/referral/welcome', (string) $user, 'shopper', array( 'code' => $code ), array(), 3.0 );
		} catch ( ApiException $e ) {
			if ( ! ApiClient::means_down( $e ) ) {
				// Not eligible (own code, ordered before, no gift): do not ask again.
				update_user_meta(
					$user,
					self::META,
					array(
						'code' => '',
						'done' => true,
					)
				);
			}
			return null;
		}
		Codes::remember( $r, $user, $exponent );
		return array(
			'code' => (string) $r['code'],
			'done' => false,
		);
	}
}
