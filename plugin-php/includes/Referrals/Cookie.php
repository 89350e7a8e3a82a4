<?php
/**
 * The referral cookie: the code a visitor arrived with, and when.
 *
 * @package Vafa
 */

namespace Vafa\Referrals;

defined( 'ABSPATH' ) || exit;

/**
 * A first-party cookie "CODE.unix-time" set when a visitor opens any page
 * with ?ref=CODE (by PHP, or by the landing script on cached pages). The
 * time inside lets the checkout judge the cookie's age with the site's
 * clock, so a cookie kept past its lifetime by a browser does not count.
 * Values are checked strictly: a code is 6 to 16 ASCII letters and digits.
 */
final class Cookie {
	const NAME = 'vafa_ref';

	/**
	 * Days a captured code counts (filter vafa_referral_cookie_days).
	 */
	public static function days(): int {
		return max( 1, (int) apply_filters( 'vafa_referral_cookie_days', 30 ) );
	}

	/**
	 * The site's clock (filter vafa_referral_now, for tests).
	 */
	public static function now(): int {
		return (int) apply_filters( 'vafa_referral_now', time() );
	}

	/**
	 * The code in its stored form (upper case), or null when it is not a code.
	 *
	 * @param mixed $code Input.
	 */
	public static function code( $code ): ?string {
		if ( ! is_string( $code ) || strlen( $code ) > 16 || ! preg_match( '/^[A-Za-z0-9]{6,16}$/D', $code ) ) {
			return null;
		}
		return strtoupper( $code );
	}

	/**
	 * The cookie value for a code captured at a time.
	 *
	 * @param string $code Code (already checked).
	 * @param int    $at   Unix time.
	 */
	public static function value( string $code, int $at ): string {
		return $code . '.' . $at;
	}

	/**
	 * The code a cookie value carries, if it is well formed and not older
	 * than the lifetime at $now (stamped more than a day ahead: refused).
	 *
	 * @param mixed $raw  Cookie value.
	 * @param int   $now  Unix time.
	 * @param int   $days Lifetime in days.
	 */
	public static function parse( $raw, int $now, int $days ): ?string {
		if ( ! is_string( $raw ) || strlen( $raw ) > 40 || ! preg_match( '/^([A-Za-z0-9]{6,16})\.([0-9]{1,12})$/D', $raw, $m ) ) {
			return null;
		}
		$age = $now - (int) $m[2];
		// A script on a cached page stamps the browser's clock: a day of skew is allowed.
		if ( $age < -DAY_IN_SECONDS || $age > $days * DAY_IN_SECONDS ) {
			return null;
		}
		return strtoupper( $m[1] );
	}

	/**
	 * The code this visitor arrived with, if it still counts.
	 */
	public static function current(): ?string {
		// phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- parse() accepts only [A-Za-z0-9.].
		return self::parse( isset( $_COOKIE[ self::NAME ] ) ? wp_unslash( $_COOKIE[ self::NAME ] ) : null, self::now(), self::days() );
	}

	/**
	 * Sets the cookie for a code (SameSite=Lax, Secure on HTTPS).
	 *
	 * @param string $code Code (already checked).
	 */
	public static function set( string $code ): void {
		$now   = self::now();
		$value = self::value( $code, $now );
		if ( ! headers_sent() ) {
			setcookie(
				self::NAME,
				$value,
				array(
					'expires'  => $now + self::days() * DAY_IN_SECONDS,
					'path'     => COOKIEPATH ? COOKIEPATH : '/',
					'domain'   => COOKIE_DOMAIN ? COOKIE_DOMAIN : '',
					'secure'   => is_ssl(),
					'httponly' => false, // the landing script on cached pages sets the same cookie
					'samesite' => 'Lax',
				)
			);
		}
		$_COOKIE[ self::NAME ] = $value;
	}
}
