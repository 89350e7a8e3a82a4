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
		// Every post the page lists: a blog page can show whole posts.
		global $wp_query;
		foreach ( $wp_query instanceof \WP_Query ? $wp_query->posts : array() as $post ) {
			if ( $post instanceof \WP_Post && ( has_shortcode( $post->post_content, 'vafa_points' ) || has_shortcode( $post->post_content, 'vafa_activity' ) ) ) {
				return self::SHORTCODES;
			}
		}
		return '';
	}
}
