<?php
/**
 * Sends each e-mail in its customer's language.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

use Vafa\Format;

defined( 'ABSPATH' ) || exit;

/**
 * Switches WordPress to a customer's locale for one e-mail and back.
 * WordPress only switches to locales whose core translations are installed,
 * and before 6.7 it does not reload a plugin's own translations after a
 * switch; so the plugin's text domain is loaded for the locale here, and the
 * text direction follows the language even without core translations
 * (WooCommerce's e-mail header asks is_rtl()).
 */
final class Locale {
	/**
	 * What switch_to() changed, restored in reverse order.
	 *
	 * @var array<int,array{switched:bool,direction:string|null,before:string}>
	 */
	private static $stack = array();

	/**
	 * The locale for a customer: the WordPress user's own, else the one the
	 * service knows, else the site's.
	 *
	 * @param \WP_User|null $user   The customer's account.
	 * @param string        $hint   Locale from the event ('' when unknown).
	 */
	public static function for_customer( ?\WP_User $user, string $hint ): string {
		if ( $user ) {
			return get_user_locale( $user );
		}
		if ( preg_match( '/^[a-z]{2,3}(_[A-Z]{2})?$/', $hint ) ) {
			return $hint;
		}
		return get_locale();
	}

	/**
	 * Switches to a locale until restore().
	 *
	 * @param string $locale WordPress locale.
	 */
	public static function switch_to( string $locale ): void {
		$before   = determine_locale();
		$switched = function_exists( 'switch_to_locale' ) && switch_to_locale( $locale );
		self::load_domain( $locale );
		global $wp_locale;
		$direction = null;
		if ( $wp_locale instanceof \WP_Locale ) {
			$direction                  = $wp_locale->text_direction;
			$wp_locale->text_direction = Format::is_rtl( $locale ) ? 'rtl' : 'ltr';
		}
		self::$stack[] = array(
			'switched'  => $switched,
			'direction' => $direction,
			'before'    => $before,
		);
	}

	/**
	 * Undoes the last switch_to().
	 */
	public static function restore(): void {
		$last = array_pop( self::$stack );
		if ( null === $last ) {
			return;
		}
		if ( $last['switched'] ) {
			restore_previous_locale();
		}
		global $wp_locale;
		if ( $wp_locale instanceof \WP_Locale && null !== $last['direction'] ) {
			$wp_locale->text_direction = $last['direction'];
		}
		self::load_domain( $last['before'] );
	}

	/**
	 * Loads the plugin's translations for a locale: a language pack in
	 * wp-content/languages/plugins first, then the plugin's own files.
	 *
	 * @param string $locale WordPress locale.
	 */
	private static function load_domain( string $locale ): void {
		unload_textdomain( 'vafa' );
		if ( 'en_US' === $locale ) {
			return;
		}
		foreach ( array( WP_LANG_DIR . '/plugins/vafa-' . $locale . '.mo', VAFA_DIR . '/languages/vafa-' . $locale . '.mo' ) as $file ) {
			if ( is_readable( $file ) && load_textdomain( 'vafa', $file ) ) {
				return;
			}
		}
	}
}
