<?php
/**
 * Which of the plugin's personal pages a view shows.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

defined( 'ABSPATH' ) || exit;

/**
 * The pages that show a shopper's own figures: posts with the Vafa
 * shortcodes, My Account, the cart and the checkout. Worked out once per
 * view, from template_redirect on (the main query is known then); page
 * caching (NoCache) and the early service call (Prefetch) both ask.
 */
final class Page {
	const SHORTCODES = 'shortcodes';
	const ACCOUNT    = 'account';
	const CART       = 'cart';
	const CHECKOUT   = 'checkout';

	/**
	 * This view's kind, once worked out.
	 *
	 * @var string|null
	 */
	private static $kind = null;

	/**
	 * One of the constants, or '' for a page that shows no personal figures.
	 */
	public static function kind(): string {
		if ( null === self::$kind ) {
			self::$kind = self::find();
		}
		return self::$kind;
	}

	/**
	 * Works the kind out.
	 */
	private static function find(): string {
		// The shortcodes first: a cheap look at the posts shown, and a
		// shortcode page is then known without WooCommerce's page checks.
		global $wp_query;
		foreach ( $wp_query instanceof \WP_Query ? $wp_query->posts : array() as $post ) {
			// A blog page can show whole posts: every post shown counts.
			// One pattern, not has_shortcode(): that builds a pattern of every
			// registered shortcode (WooCommerce has many) for each call.
			if ( $post instanceof \WP_Post && false !== strpos( $post->post_content, '[vafa_' )
				&& preg_match( '/\[vafa_(?:points|activity)[\s\]\/]/', $post->post_content ) ) {
				return self::SHORTCODES;
			}
		}
		if ( function_exists( 'is_account_page' ) ) {
			if ( is_account_page() ) {
				return self::ACCOUNT;
			}
			if ( is_cart() ) {
				return self::CART;
			}
			if ( is_checkout() ) {
				return self::CHECKOUT;
			}
		}
		return '';
	}
}
