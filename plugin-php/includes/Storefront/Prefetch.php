<?php
/**
 * Asks the service early on pages that show a shopper's figures.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

use Vafa\ApiClient;

defined( 'ABSPATH' ) || exit;

/**
 * On a page that will show the shopper's summary (a page with the Vafa
 * shortcodes, My Account > Rewards, a cart or checkout with something in it)
 * and whose stored copy is out of date, the summary is asked for as soon as
 * WordPress knows which page it renders, not when the first box needs it:
 * the service answers while the theme builds the header and the rest, and
 * the box waits only for what is left (see PendingCall). A page this misses
 * still asks when its box renders; a theme or plugin with its own page can
 * say so through the vafa_prefetch_summary filter.
 */
final class Prefetch {
	/**
	 * Hooks the early call: after template_redirect's redirects (a page that
	 * redirects never renders), before any output.
	 */
	public static function register(): void {
		add_action( 'template_redirect', array( self::class, 'maybe_start' ), 1000 );
	}

	/**
	 * On template_redirect: starts the summary call when the page needs it.
	 */
	public static function maybe_start(): void {
		if ( ! is_user_logged_in() || 'GET' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) ) { // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- compared only.
			return;
		}
		/**
		 * Whether this page view shows the shopper's summary (points,
		 * activity, rewards, tier or referral link).
		 *
		 * @param bool $needed What the plugin found for its own pages.
		 */
		if ( ! apply_filters( 'vafa_prefetch_summary', self::needed() ) ) {
			return;
		}
		$client = View::client();
		if ( $client instanceof ApiClient ) {
			$client->prefetch( get_current_user_id(), View::SUMMARY );
		}
	}

	/**
	 * Whether one of the plugin's own pages is being shown.
	 */
	private static function needed(): bool {
		switch ( Page::kind() ) {
			case Page::SHORTCODES:
				return true;
			case Page::ACCOUNT:
				return is_wc_endpoint_url( Account::ENDPOINT );
			case Page::CART:
			case Page::CHECKOUT:
				// The redeem box reads the shopper's rewards from the summary.
				return ! is_wc_endpoint_url( 'order-received' ) && WC()->cart && ! WC()->cart->is_empty();
			default:
				return false;
		}
	}
}
