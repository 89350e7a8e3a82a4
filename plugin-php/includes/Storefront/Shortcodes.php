<?php
/**
 * [vafa_points] and [vafa_activity].
 *
 * @package Vafa
 */

namespace Vafa\Storefront;

defined( 'ABSPATH' ) || exit;

/**
 * Shortcodes usable on any page; they need a logged-in user, not WooCommerce.
 */
final class Shortcodes {
	/**
	 * Registers the shortcodes.
	 */
	public static function register(): void {
		add_shortcode( 'vafa_points', array( self::class, 'points' ) );
		add_shortcode( 'vafa_activity', array( self::class, 'activity' ) );
	}

	/**
	 * The logged-in user's points.
	 */
	public static function points(): string {
		if ( ! is_user_logged_in() ) {
			return '<div class="vafa vafa-login">' . esc_html__( 'Log in to see your points.', 'vafa' ) . '</div>';
		}
		NoCache::mark();
		return View::balance( get_current_user_id() );
	}

	/**
	 * The logged-in user's recent activity.
	 */
	public static function activity(): string {
		if ( ! is_user_logged_in() ) {
			return '<div class="vafa vafa-login">' . esc_html__( 'Log in to see your points.', 'vafa' ) . '</div>';
		}
		NoCache::mark();
		return View::activity( get_current_user_id(), View::cursor() );
	}
}
