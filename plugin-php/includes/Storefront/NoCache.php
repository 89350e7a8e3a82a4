<?php
/**
 * Keeps personal figures out of page caches.
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

defined( 'ABSPATH' ) || exit;

/**
 * Pages that show a shopper's own points (My Account, pages with the Vafa
 * shortcodes, the cart and checkout notices) send the signals WordPress page
 * caches honour: the DONOTCACHEPAGE constant and no-cache headers.
 */
final class NoCache {
	/**
	 * Hooks the signals.
	 */
	public static function register(): void {
		add_action( 'template_redirect', array( self::class, 'maybe_mark' ), 0 );
	}

	/**
	 * On template_redirect: marks personal pages before any output.
	 */
	public static function maybe_mark(): void {
		if ( ! is_user_logged_in() ) {
			return;
		}
		if ( '' !== Page::kind() ) {
			self::mark();
		}
	}

	/**
	 * Marks the current response as personal. Safe to call while rendering
	 * (caches that read DONOTCACHEPAGE at the end still see it).
	 */
	public static function mark(): void {
		if ( ! defined( 'DONOTCACHEPAGE' ) ) {
			define( 'DONOTCACHEPAGE', true );
		}
		if ( ! headers_sent() ) {
			nocache_headers();
		}
	}
}
