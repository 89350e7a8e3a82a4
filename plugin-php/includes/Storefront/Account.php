<?php
/**
 * My Account > Rewards.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

defined( 'ABSPATH' ) || exit;

/**
 * A WooCommerce account endpoint with the shopper's points and activity.
 */
final class Account {
	const ENDPOINT = 'rewards';

	/**
	 * Registers the endpoint, menu item and content.
	 */
	public static function register(): void {
		add_action(
			'init',
			static function () {
				add_rewrite_endpoint( self::ENDPOINT, EP_ROOT | EP_PAGES );
			}
		);
		add_filter(
			'woocommerce_get_query_vars',
			static function ( $vars ) {
				$vars[ self::ENDPOINT ] = self::ENDPOINT;
				return $vars;
			}
		);
		add_filter(
			'woocommerce_account_menu_items',
			static function ( $items ) {
				$logout = $items['customer-logout'] ?? null;
				unset( $items['customer-logout'] );
				$items[ self::ENDPOINT ] = __( 'Rewards', 'vafa' );
				if ( null !== $logout ) {
					$items['customer-logout'] = $logout;
				}
				return $items;
			}
		);
		add_filter(
			'woocommerce_endpoint_' . self::ENDPOINT . '_title',
			static function () {
				return __( 'Rewards', 'vafa' );
			}
		);
		add_action( 'woocommerce_account_' . self::ENDPOINT . '_endpoint', array( self::class, 'render' ) );
	}

	/**
	 * The Redeem form and the shopper's issued rewards.
	 */
	private static function rewards_html(): string {
		$user = get_current_user_id();
		if ( ! $user ) {
			return '';
		}
		ob_start();
		\Vafa\Rewards\CartBox::render();
		$issued = \Vafa\Rewards\Redeemer::current()->issued( $user );
		echo \Vafa\Templates::render( 'myaccount/redemptions.php', array( 'issued' => (array) $issued ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the template escapes.
		return (string) ob_get_clean();
	}

	/**
	 * Prints the Rewards tab.
	 */
	public static function render(): void {
		NoCache::mark();
		// Every box below reads the shopper's one summary: cached a minute,
		// asked fresh after their orders change (Freshness).
		echo \Vafa\Templates::render( // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the templates escape.
			'myaccount/rewards.php',
			array(
				'balance_html'  => Shortcodes::points(),
				'tier_html'     => \Vafa\Tiers\Status::html( get_current_user_id() ),
				'activity_html' => Shortcodes::activity(),
				'rewards_html'  => self::rewards_html(),
				'referral_html' => \Vafa\Referrals\Share::html( get_current_user_id() ),
			)
		);
	}
}
